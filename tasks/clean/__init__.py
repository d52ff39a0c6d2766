"""The clean stage: from raw bytes to an article record.

Three steps per document: decode (`decode.py`: charset, mojibake repair, NFC), extract
(`extract.py`: main text and metadata found in the page, front matter, plain text and markdown)
and normalize (`normalize.py`: titles, authors, dates in UTC, URLs, site, categories, word
counts). The ingest flow runs them as one unit per document on the executor
(`document.clean_documents`); each is also a batch stage of its own. The rules they share have
one home each: `values.py` (entities, text, lists), `bylines.py` (author names), `date_words.py`
(month names, zones, date labels) and `page_metadata.py` (what an HTML page declares).
"""

from tasks.clean.decode import decode_documents
from tasks.clean.document import clean_documents
from tasks.clean.extract import extract_documents
from tasks.clean.normalize import normalize_articles

__all__ = ["clean_documents", "decode_documents", "extract_documents", "normalize_articles"]
