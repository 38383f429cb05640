"""Domain-free helpers every part uses: dates, amounts and numbers in French (babel), and
the interface's translations. Imports nothing else of the project."""
