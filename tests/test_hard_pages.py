"""Realistic pages as publishers write them, through the whole clean unit: each page's title,
authors, publication instant, its precision and site, against what a reader of the page writes
down (tests/fixtures/hard_pages/expected.json).

The pages imitate the template habits of real publishers in many languages: JSON-LD graphs with
Organization authors, live blogs and events, site names after various separators, search-engine
titles beside the page's own headline, zone-less times whose offset the page states elsewhere,
times only in a `<time>` element's text (CJK, Arabic-Indic and Devanagari digits), bylines with
labels, places, agencies and names written surname first.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from tasks.clean.document import clean_document
from tasks.records import ArticleRecord, FetchedDocument

PAGES = Path(__file__).parent / "fixtures" / "hard_pages"
EXPECTED: dict[str, dict] = json.loads((PAGES / "expected.json").read_text(encoding="utf-8"))
FETCHED_AT = datetime(2024, 2, 1, tzinfo=timezone.utc)


def _cleaned(name: str) -> ArticleRecord:
    body = (PAGES / name).read_bytes()
    doc = FetchedDocument(
        source="hard-pages",
        uri=str(PAGES / name),
        doc_id=hashlib.sha256(name.encode()).hexdigest()[:16],
        body=body,
        content_sha256=hashlib.sha256(body).hexdigest(),
        fetched_at=FETCHED_AT,
        format="html",
        url=EXPECTED[name]["url"],
        content_type="text/html; charset=utf-8",
    )
    outcome = clean_document(doc)
    assert outcome.article is not None, outcome.rejected
    return outcome.article


def test_every_page_has_its_expectations() -> None:
    assert sorted(EXPECTED) == sorted(path.name for path in PAGES.glob("*.html"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fields_a_reader_writes_down(name: str) -> None:
    expected, article = EXPECTED[name], _cleaned(name)
    published = article.published_at.isoformat() if article.published_at else None
    found = {
        "title": article.title,
        "authors": article.authors,
        "published_at": published,
        "precision": article.published_at_precision,
        "site": article.site,
    }
    assert found == {key: expected[key] for key in found}
