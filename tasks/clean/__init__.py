"""The clean stage: from raw bytes to an article record.

`decode_documents` (`decode.py`: charset, mojibake repair, NFC), `extract_documents`
(`extract.py`: main text and metadata found in the page, front matter, plain text and markdown)
and `normalize_articles` (`normalize.py`: titles, authors, dates in UTC, URLs, site, categories,
word counts) each take a batch and return a `StageOutput`. The rules they share have one home each:
`values.py` (entities, text, lists), `bylines.py` (author names), `date_words.py` (month names,
zones, date labels) and `page_metadata.py` (what an HTML page declares).
"""

from tasks.clean.decode import decode_documents
from tasks.clean.extract import extract_documents
from tasks.clean.normalize import normalize_articles

__all__ = ["decode_documents", "extract_documents", "normalize_articles"]
