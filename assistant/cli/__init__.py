"""The command line (`python -m assistant …`, CONTRACT §2): argument parsing and exit
codes only; the work is done by the library parts below it. Never imports pages."""
