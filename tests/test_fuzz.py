"""The fuzz suite: damaged real input through every stage, in batches (issue 17).

Every input ends as one output or one quarantine row with a stage and a stable reason; no
exception escapes a stage. One Hypothesis example is a batch of `BATCH` inputs, so each test
runs `PER_STAGE` (10,000) inputs and says so in its last assertion (counted, not assumed:
Hypothesis may stop early). A quarantine row whose reason is `unexpected_error` counts as a
failure here: it is the stage's safety net catching a bug, not a reason.

Bounded for the default test run: `derandomize` gives every run the same inputs (a failure in
CI reproduces locally), no example database, no shrinking (shrinking a batch of a hundred pages
could take longer than the suite; the failing input is named in the assertion instead), and
inputs made from a drawn seed by byte operations (`tests/fuzz_inputs.py`), which cost far less
than Hypothesis drawing each byte. `PRESSROOM_FUZZ_EXAMPLES` sets the number of batches for a
run by hand.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import random
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from config.dedup import DedupSettings
from config.http import HttpSettings
from config.language import LanguageSettings
from tasks.clean.decode import decode_documents
from tasks.clean.document import STEPS, clean_documents
from tasks.dedup.signatures import sign_articles
from tasks.fetch.decompress import DecompressionError, SizeCapExceeded, gunzip_capped, is_gzip
from tasks.fetch.feeds import parse_feed, select_new_entries
from tasks.fetch.retrieve import fetch_inputs
from tasks.fetch.sitemaps import parse_sitemap
from tasks.fetch.warc import read_warc, warc_record_refs
from tasks.language import LanguageInput, tag_languages
from tasks.records import FetchedDocument, InputRef, QuarantineRecord, Rejected
from tasks.urls import canonical_url
from tests.fuzz_inputs import (
    DECLARED_CHARSETS,
    FEED_CONTENT_TYPES,
    REAL_PAGES,
    URLS,
    DamagedWarc,
    damage,
    damaged_warcs,
    feed_bodies,
    front_matter_texts,
    page_bodies,
    seeds,
    sitemap_bodies,
)

BATCH = 100
# The bar of issue 17 is 10,000 inputs per stage; `PRESSROOM_FUZZ_EXAMPLES` (batches) changes it
# for a run by hand, longer to search further or shorter to try a fix.
EXAMPLES = int(os.environ.get("PRESSROOM_FUZZ_EXAMPLES", 100))
PER_STAGE = EXAMPLES * BATCH
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=(Phase.explicit, Phase.generate),
    suppress_health_check=(HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example),
)
FETCHED_AT = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def batch_of(inputs: st.SearchStrategy) -> st.SearchStrategy[list]:
    """`BATCH` inputs for one example."""
    return st.lists(inputs, min_size=BATCH, max_size=BATCH)


def run_batches(test: Callable[[list], int], inputs: st.SearchStrategy) -> int:
    """Run `test` on `EXAMPLES` generated batches; the number of inputs it says it ran."""
    ran: list[int] = []

    @FUZZ
    @given(batch_of(inputs))
    def each(batch: list) -> None:
        ran.append(test(batch))

    each()
    return sum(ran)


def check_quarantine(rows: Iterable[QuarantineRecord], stages: Iterable[str], culprit: Callable[[str], object]) -> None:
    """Every row names one of `stages` and a reason, and the reason is not the safety net's."""
    for row in rows:
        assert row.stage in stages and row.error and row.error.strip(), row
        assert row.error != "unexpected_error", f"{row.detail} on {culprit(row.uri)!r}"


@contextmanager
def blamed(culprit: object) -> Iterator[None]:
    """Name the input when an exception escapes a stage function (a failed check passes through)."""
    try:
        yield
    except AssertionError:
        raise
    except Exception as exc:
        raise AssertionError(f"{type(exc).__name__}: {exc} escaped on {culprit!r}") from exc


def check_accounted(inputs: list[str], outputs: list[str], quarantined: list[QuarantineRecord]) -> None:
    """Each input (by its uri) is exactly one output or one quarantine row."""
    assert sorted(outputs + [q.uri for q in quarantined]) == sorted(inputs)


def _fetched(body: bytes, rng: random.Random) -> FetchedDocument:
    """`body` as fetched, with a format, URL, media type and declared charset picked at random."""
    return FetchedDocument(
        source="fuzz",
        uri="",  # numbered per batch
        doc_id="fuzz",
        body=body,
        content_sha256=hashlib.sha256(body).hexdigest(),
        fetched_at=FETCHED_AT,
        format=rng.choice(("html", "text", "markdown")),
        url=rng.choice(URLS),
        content_type=rng.choice((None, "text/html", "text/plain", "application/xhtml+xml")),
        declared_charset=rng.choice(DECLARED_CHARSETS),
    )


def fetched_documents(bodies: st.SearchStrategy[bytes] | None = None) -> st.SearchStrategy[FetchedDocument]:
    """A fetched document with a damaged body and random (often wrong) transport facts."""
    return st.tuples(bodies if bodies is not None else page_bodies(), seeds).map(lambda drawn: _fetched(*drawn))


def numbered(docs: list[FetchedDocument]) -> list[FetchedDocument]:
    """The batch with distinct uris, so each outcome can be traced to its input."""
    for i, doc in enumerate(docs):
        doc.uri = f"fuzz/{i}"
    return docs


def clean_batch(docs: list[FetchedDocument]) -> int:
    """The clean unit over one batch: each document one article or one row of the step that failed."""
    docs = numbered(docs)
    by_uri = {d.uri: (d.format, d.declared_charset, d.url, d.body[:300]) for d in docs}
    output = clean_documents(docs)
    check_quarantine(output.quarantined, STEPS, by_uri.get)
    check_accounted(list(by_uri), [a.uri for a in output.items], output.quarantined)
    assert output.stats.docs_in == len(docs) and output.stats.docs_out == len(output.items)
    for article in output.items:
        assert article.text.strip() and article.word_count > 0, article.uri
    return len(docs)


def test_decode_accounts_for_every_document() -> None:
    def decode_batch(docs: list[FetchedDocument]) -> int:
        docs = numbered(docs)
        by_uri = {d.uri: (d.declared_charset, d.body[:300]) for d in docs}
        output = decode_documents(docs)
        check_quarantine(output.quarantined, ("decode",), by_uri.get)
        check_accounted(list(by_uri), [d.doc.uri for d in output.items], output.quarantined)
        for decoded in output.items:
            assert decoded.text.strip() and "\x00" not in decoded.text, decoded.doc.uri
        return len(docs)

    assert run_batches(decode_batch, fetched_documents()) >= PER_STAGE


def test_clean_unit_accounts_for_every_document() -> None:
    assert run_batches(clean_batch, fetched_documents()) >= PER_STAGE


def test_front_matter_posts_become_articles_or_quarantine_rows() -> None:
    assert run_batches(clean_batch, fetched_documents(front_matter_texts())) >= PER_STAGE


def test_feeds_give_entries_or_one_quarantine_row() -> None:
    """Each feed body is a list of entries or one `Rejected` with the reasons `feed_entries`
    turns into its quarantine row; the entries go through the selection a run makes."""

    def feed_batch(feeds: list[tuple[bytes, str | None]]) -> int:
        for body, content_type in feeds:
            with blamed((content_type, body[:300])):
                try:
                    entries = parse_feed(body, "https://news.example/feed.xml", content_type)
                except Rejected as rejected:
                    assert rejected.error in {"unsafe_xml", "not_a_feed"}, (rejected, body[:300])
                    continue
                chosen = select_new_entries(entries, {"https://news.example/one": FETCHED_AT})
            assert len(chosen) <= len(entries)
            for entry in chosen:
                assert isinstance(entry.link, str) and entry.link, (entry, body[:300])
        return len(feeds)

    assert run_batches(feed_batch, st.tuples(feed_bodies(), st.sampled_from(FEED_CONTENT_TYPES))) >= PER_STAGE


def test_sitemaps_give_entries_or_one_quarantine_row() -> None:
    """Each sitemap body (gzipped ones through the capped gunzip the fetch uses) is a sitemap or
    one `Rejected`; every location listed has the canonical form a run keys pages by."""

    def sitemap_batch(bodies: list[bytes]) -> int:
        for body in bodies:
            with blamed(body[:300]):
                try:
                    if is_gzip(body):
                        body = gunzip_capped(body, 1 << 20)
                    sitemap = parse_sitemap(body, "https://news.example/sitemap.xml")
                except (DecompressionError, SizeCapExceeded):
                    continue  # `_Walk.read` makes these its rows `bad_content_encoding`, `decompression_bomb`
                except Rejected as rejected:
                    assert rejected.error in {"unsafe_xml", "not_a_sitemap"}, (rejected, body[:300])
                    continue
                assert sitemap.kind in {"urlset", "index"}
                for entry in sitemap.entries:
                    assert canonical_url(entry.loc), (entry, body[:300])
        return len(bodies)

    assert run_batches(sitemap_batch, sitemap_bodies()) >= PER_STAGE


def test_local_files_are_read_or_quarantined(tmp_path: Path) -> None:
    """Damaged pages and damaged gzip files (`story.html.gz`) on disk, read under a random size
    limit: each file one document or one row."""
    http = HttpSettings()
    gzipped = st.tuples(page_bodies(), seeds).map(lambda drawn: damage(gzip.compress(drawn[0]), drawn[1], 2))
    files = st.tuples(st.one_of(page_bodies(), gzipped), st.sampled_from((None, 0, 100, 4_096, 1 << 20)))

    def file_batch(batch: list[tuple[bytes, int | None]]) -> int:
        refs = []
        for i, (body, max_bytes) in enumerate(batch):
            path = tmp_path / f"{i}.html"
            path.write_bytes(body)
            refs.append(InputRef("fuzz", str(path), "file", "html", max_bytes))
        output = fetch_inputs(refs, tmp_path, http)
        check_quarantine(output.quarantined, ("fetch",), lambda uri: batch[int(Path(uri).stem)])
        check_accounted([r.uri for r in refs], [d.uri for d in output.items], output.quarantined)
        return len(batch)

    assert run_batches(file_batch, files) >= PER_STAGE


def test_warc_files_plan_and_read_every_document_record(tmp_path: Path) -> None:
    """A cut or damaged WARC file: the document records before the damage are planned, a file cut
    inside a document record says so in one row, and each planned record reads as a document or
    one row. Inputs counted: WARC files planned, and planned records read."""
    counts = {"files": 0, "records": 0}
    http = HttpSettings()

    def warc_batch(warcs: list[DamagedWarc]) -> int:
        planned: list[InputRef] = []
        for i, warc in enumerate(warcs):
            path = tmp_path / f"{i}.warc"
            path.write_bytes(warc.data)
            refs, rows = warc_record_refs(path, "fuzz", 1 << 20)
            assert len(rows) <= 1, rows
            check_quarantine(rows, ("fetch",), lambda _: warc)
            assert all(row.error in {"warc_truncated", "warc_unreadable"} for row in rows), rows
            intact = min(x for x in (warc.cut, warc.damaged_from, len(warc.data)) if x is not None)
            whole = [start for start, _, end in warc.original.documents if end <= intact]
            assert [int(r.uri.rpartition("@offset=")[2]) for r in refs][: len(whole)] == whole, warc
            inside = [start for start, content_end, _ in warc.original.documents if start < intact < content_end]
            if warc.damaged_from is None and inside:
                assert [row.error for row in rows] == ["warc_truncated"], (warc, refs, rows)
            # the same walk read in one pass, as a streamed archive is: the same records, the same end
            one_pass = list(read_warc(path, "fuzz", 1 << 20))
            assert len(one_pass) == len(refs) + len(rows), (warc, refs, rows, one_pass)
            planned += refs
        output = fetch_inputs(planned, tmp_path, http)
        check_quarantine(output.quarantined, ("fetch",), lambda uri: uri)
        # a document's uri names its record (`file#record-id`), a row's the input it failed on
        assert len(output.items) + len(output.quarantined) == len(planned)
        assert {q.uri for q in output.quarantined} <= {r.uri for r in planned}
        counts["files"] += len(warcs)
        counts["records"] += len(planned)
        return len(warcs)

    run_batches(warc_batch, damaged_warcs())
    assert counts["files"] >= PER_STAGE and counts["records"] >= PER_STAGE, counts


def _texts() -> st.SearchStrategy[str]:
    """Article text: real text cut anywhere, random text (any script), digits and punctuation only."""
    real = st.tuples(st.sampled_from(REAL_PAGES), st.integers(0, 3_000), st.integers(0, 3_000)).map(
        lambda t: t[0].decode("utf-8", "replace")[min(t[1], t[2]) : max(t[1], t[2])]
    )
    return st.one_of(real, real, st.text(max_size=400), st.text(alphabet="0123456789.,-%٣٤٥ ", max_size=200), st.just(""))


def test_language_tags_every_article_or_quarantines_it() -> None:
    settings_ = LanguageSettings()
    surrogates = st.text(alphabet=st.characters(categories=["Cs"]), min_size=1, max_size=5)
    inputs = st.builds(
        LanguageInput,
        article_id=st.just(""),
        content_sha256=st.just("sha"),
        title=st.none() | st.text(max_size=80),
        description=st.none() | st.text(max_size=120),
        text=st.one_of(_texts(), _texts(), st.none(), st.tuples(_texts(), surrogates).map("".join)),
    )

    def language_batch(items: list[LanguageInput]) -> int:
        for i, item in enumerate(items):
            item.article_id = f"a{i}"
        output = tag_languages(items, settings_)
        check_quarantine(output.quarantined, ("language",), lambda uri: items[int(uri[1:])])
        check_accounted([i.article_id for i in items], [t.article_id for t in output.items], output.quarantined)
        for tag in output.items:
            assert 0.0 <= tag.confidence <= 1.0 and tag.language and tag.script, tag
        return len(items)

    assert run_batches(language_batch, inputs) >= PER_STAGE


def test_signatures_have_one_row_per_article() -> None:
    dedup = DedupSettings()

    def signature_batch(texts: list[str]) -> int:
        ids = [f"a{i}" for i in range(len(texts))]
        articles = pa.table({"article_id": ids, "content_sha256": ["sha"] * len(texts), "text": pa.array(texts, pa.large_string())})
        output = sign_articles(articles, dedup)
        rows = output.items
        assert rows.column("article_id").to_pylist() == ids and output.quarantined == []
        for count, signature in zip(rows.column("token_count").to_pylist(), rows.column("signature").to_pylist()):
            assert (signature is None) == (count == 0)
        return len(texts)

    assert run_batches(signature_batch, _texts()) >= PER_STAGE
