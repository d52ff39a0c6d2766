"""Staging files killed writers left are cleared when any flow run starts, never a live writer's."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from tests.warehouse_factory import small_warehouse
from warehouse.lock import warehouse_lock
from warehouse.writer import STAGING


@pytest.mark.usefixtures("prefect_harness")
def test_every_flow_run_starts_by_clearing_staging_leftovers(warehouse: Path):
    from flows.language import LanguageParameters, languages

    small_warehouse(warehouse)  # the catalog is current: nothing rebuilds it (which cleared staging before)
    leftover = warehouse / STAGING / "part-20260102T030405-0123456789ab.parquet"
    leftover.write_bytes(b"PAR1 half written")
    languages(LanguageParameters())
    assert list((warehouse / STAGING).iterdir()) == []


def test_a_live_writers_staging_file_is_not_cleared(warehouse: Path):
    from warehouse.writer import clear_staging

    small_warehouse(warehouse)
    live = warehouse / STAGING / "part-live.parquet"
    holding, release = threading.Event(), threading.Event()

    def writer() -> None:
        with warehouse_lock(warehouse):  # as append_new_rows holds it while its staging file exists
            live.write_bytes(b"PAR1 being written")
            holding.set()
            release.wait(10)
            live.rename(warehouse / "articles" / live.name)

    thread = threading.Thread(target=writer)
    thread.start()
    holding.wait(10)
    clearer = threading.Thread(target=clear_staging, args=(warehouse,))
    clearer.start()
    time.sleep(0.5)
    assert live.exists() and clearer.is_alive()  # waits for the writer
    release.set()
    thread.join(10)
    clearer.join(10)
    assert (warehouse / "articles" / live.name).exists() and not clearer.is_alive()
