"""A dedup run's hold on the warehouse: a connection to its views, the dedup cache attached and
kept current, and the compared set taken once; and the grouping step over it."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from config.dedup import DedupSettings
from tasks.dedup.cache import DedupCache, attached_cache, sync
from tasks.dedup.grouping import find_duplicates
from tasks.dedup.last_run import compared_files, remember_run
from tasks.stage import StageOutput, StageStats
from warehouse.catalog import connect
from warehouse.pending import compared_articles, unsigned_articles
from warehouse.storage import WarehouseRoot


@dataclass
class DedupSession:
    """A warehouse connection with the dedup cache attached, and the set this run compares."""

    con: duckdb.DuckDBPyConnection
    root: WarehouseRoot
    cache: DedupCache
    settings: DedupSettings
    compared: str  # a temporary table of `con`: article_id, language

    def unsigned(self, rows_per_batch: int) -> tuple[int, Iterator[pa.Table]]:
        """How many compared articles have no signature of the current settings, and those
        articles in batches of `rows_per_batch` (or more, so a large backlog makes at most 100
        batches), each read while the caller works on the one before."""
        counted: list[int] = []
        batches = unsigned_articles(self.con, self.root, f"{self.cache.schema}.sig", self.compared, rows_per_batch, on_total=counted.append)
        return counted[0], (pa.Table.from_batches([batch]) for batch in batches)


@contextmanager
def dedup_session(root: WarehouseRoot, settings: DedupSettings, memory_limit: str | None = None) -> Iterator[DedupSession]:
    """Hold the warehouse's dedup cache (one dedup run at a time) for the block, with the
    compared set (each document's latest version and its language) taken as stored now; when
    the block completes, the cache reads what the run wrote, so the next run starts current, and
    what the run saw is remembered (a command with nothing new then starts no flow)."""
    con = connect(root, memory_limit)
    try:
        with attached_cache(con, root, settings) as cache:
            compared = compared_files(root)  # before the compared set is taken (tasks/dedup/last_run.py)
            yield DedupSession(con, root, cache, settings, compared_articles(con))
            sync(con, root, settings)
            remember_run(root, settings, compared)
    finally:
        con.close()


def group_articles(session: DedupSession, run_id: str) -> StageOutput[pa.Table]:
    """The decisions to append to `duplicates` for the compared set (stage `group`), after the
    cache has read the signatures written so far."""
    started = time.perf_counter()
    sync(session.con, session.root, session.settings)
    compared = session.con.execute(f"SELECT count(*) FROM {session.compared}").fetchall()[0][0]
    rows = find_duplicates(session.con, session.cache, f"SELECT article_id, language FROM {session.compared}", session.settings, run_id)
    stats = StageStats("group", docs_in=compared, docs_out=rows.num_rows, seconds=time.perf_counter() - started)
    return StageOutput(rows, [], stats)
