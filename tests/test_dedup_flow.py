"""The dedup flow on a real warehouse: seed translations, reruns, and a new near copy."""

from __future__ import annotations

from pathlib import Path

import pytest

from warehouse.query import run_query

pytestmark = pytest.mark.usefixtures("prefect_harness")


def _ingest(*uris: Path) -> None:
    from flows.ingest import ingest
    from flows.parameters import IngestParameters

    ingest(IngestParameters(uris=[str(u) for u in uris]))


def _dedup():
    from flows.dedup import dedup

    return dedup()


def _groups(root: Path) -> dict[str, tuple]:
    _, rows = run_query(root, "select regexp_extract(uri, '([^/]+)$', 1), dup_group, dup_kind, is_canonical from articles")
    return {row[0]: tuple(row[1:]) for row in rows}


def test_seed_translations_group_and_a_near_copy_joins_later(warehouse: Path, seeds: Path, tmp_path: Path):
    _ingest(*sorted(seeds.glob("00[0-4]_*.txt")))
    from flows.language import languages

    languages()
    first = _dedup()
    groups = _groups(warehouse)
    trio = {groups[n][0] for n in groups if n[:3] in {"000", "001", "002"}}
    assert len(trio) == 1 and None not in trio
    assert {groups[n][1] for n in groups if n[:3] in {"000", "001", "002"}} == {"translation"}
    assert [groups[n][2] for n in groups if n[:3] in {"000", "001", "002"}].count(True) == 1
    assert all(groups[n][0] is None for n in groups if n[:3] in {"003", "004"})
    assert first.breakdowns["groups by kind"] == {"translation": 1}
    _, [(title,)] = run_query(warehouse, "select coalesce(title, url) from articles where dup_group = article_id")
    assert first.breakdowns["largest groups"] == {f"{title} (translation)": 3}  # named by its canonical article

    assert _dedup().rows_added["duplicates"] == 0  # nothing new, nothing written

    source = next(seeds.glob("003_*.txt")).read_text(encoding="utf-8")
    copy = tmp_path / "syndicated.txt"
    copy.write_text("Shared from the wire service.\n\n" + source.replace("Hua said", "Hua told reporters", 3) + "\n\nAll rights reserved.\n")
    _ingest(copy)
    third = _dedup()
    groups = _groups(warehouse)
    seed_003 = next(n for n in groups if n.startswith("003"))
    assert groups["syndicated.txt"][0] == groups[seed_003][0] is not None
    assert groups["syndicated.txt"][1] == "near"
    assert third.rows_added["signatures"] == 1
    assert third.breakdowns["groups by kind"] == {"translation": 1, "near": 1}
    assert sorted(third.breakdowns["largest groups"].values()) == [2, 3]
    _, [(unique,)] = run_query(warehouse, "select count(*) from unique_articles")
    assert unique == 6 - 2 - 1  # six articles, the trio and the pair keep one each


def test_a_large_backlog_is_signed_in_at_most_max_batches_batches(warehouse: Path, seeds: Path):
    """Each batch is a task and a signatures file (whose keys every later write checks), so a
    backlog larger than `max_batches` batches is cut into fewer, larger ones."""
    from config.dedup import DedupSettings
    from tasks.dedup.cache import attached_cache
    from warehouse.catalog import connect
    from warehouse.pending import compared_articles, unsigned_articles

    _ingest(*sorted(seeds.glob("00[0-4]_*.txt")))
    con = connect(warehouse)
    try:
        with attached_cache(con, warehouse, DedupSettings()) as cache:
            compared = compared_articles(con)
            sizes = [b.num_rows for b in unsigned_articles(con, warehouse, f"{cache.schema}.sig", compared, batch_rows=1, max_batches=2)]
            assert sum(sizes) == 5 and len(sizes) <= 2 and max(sizes) <= 3
            assert [b.num_rows for b in unsigned_articles(con, warehouse, f"{cache.schema}.sig", compared, batch_rows=1, max_batches=10)] == [1] * 5
    finally:
        con.close()


def test_a_backlog_larger_than_a_round_is_signed_on_the_pool_with_the_same_groups(warehouse: Path, seeds: Path, monkeypatch):
    """More articles than one batch per worker: signed on the worker pool (written while the
    next batch is signed), grouped as when signed in the flow's process."""
    from config.dedup import DedupSettings
    from flows.dedup import dedup
    from flows.language import languages
    from flows.parameters import DedupParameters

    _ingest(*sorted(seeds.glob("00[0-4]_*.txt")))
    languages()
    monkeypatch.setenv("PRESSROOM_WORKERS", "2")
    summary = dedup(DedupParameters(settings=DedupSettings(signature_batch=1)))  # 5 articles > 2 workers x 1
    assert summary.rows_added["signatures"] == 5
    groups = _groups(warehouse)
    assert len({groups[n][0] for n in groups if n[:3] in {"000", "001", "002"}} - {None}) == 1
    assert summary.breakdowns["groups by kind"] == {"translation": 1}
