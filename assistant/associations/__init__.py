"""What associations run on many cases: the batch of a spreadsheet and the anonymised
statistics. Imports `casefiles`, `letters`, `law` and `core`; never pages or the CLI."""
