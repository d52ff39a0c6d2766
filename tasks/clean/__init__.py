"""The clean stage: from raw bytes to an article record.

Three steps per document: decode (`decode.py`: charset, mojibake repair, NFC), extract
(`extract.py`: main text and metadata found in the page, front matter, plain text and markdown)
and normalize (`normalize.py`: titles, authors, dates in UTC, URLs, site, categories, word
counts). The ingest flow runs them as one unit per document on the executor
(`document.clean_documents`); each is also a batch stage of its own. The rules they share have
one home each: `values.py` (entities, text, lists), `bylines.py` (author names), `date_words.py`
(month names, zones, date labels) and `page_metadata.py` (what an HTML page declares).

The package imports each of them when its name is first asked for, so that the flow's process,
which only hands documents to the workers, does not import the steps' libraries.
"""

from importlib import import_module

_HOMES = {
    "clean_documents": "tasks.clean.document",
    "decode_documents": "tasks.clean.decode",
    "extract_documents": "tasks.clean.extract",
    "normalize_articles": "tasks.clean.normalize",
}
__all__ = list(_HOMES)


def __getattr__(name: str) -> object:
    """A stage's batch function, imported from its module at first use (PEP 562)."""
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(_HOMES[name]), name)
