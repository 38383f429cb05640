"""Reading the letter a person holds: a photo, a scan or a PDF in, proposed answers out.

Offline and deterministic: pages come from the bytes in memory (`sources`), images are cleaned
and read by Tesseract through standard input and output (`ocr`), and readable rules turn the
text into proposals with their evidence (`decision` for a decision, `answer` for a body's
answer to a letter). Nothing is written to disk or logged (tests/test_reading_privacy.py).
"""
