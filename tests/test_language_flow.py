"""The language flow on a real warehouse: tags, reruns, retags and new versions."""

from __future__ import annotations

from pathlib import Path

import pytest

from warehouse.query import run_query

pytestmark = pytest.mark.usefixtures("prefect_harness")


def _run(**params):
    from flows.language import LanguageParameters, languages

    return languages(LanguageParameters(**params))


def _ingest(*uris: Path) -> None:
    from flows.ingest import ingest
    from flows.parameters import IngestParameters

    ingest(IngestParameters(uris=[str(u) for u in uris]))


def test_seeds_are_tagged_once_and_retagged_on_demand(warehouse: Path, seeds: Path, tmp_path: Path):
    _ingest(*sorted(seeds.glob("00[0-4]_*.txt")))
    first = _run()
    assert first.rows_added["languages"] == 5
    _, rows = run_query(
        warehouse, "select regexp_extract(uri, '(00[0-4])_', 1), language, script from articles order by 1"
    )
    assert [r[1:] for r in rows] == [("th", "Thai"), ("is", "Latn"), ("mr", "Deva"), ("en", "Latn"), ("zh", "Hans")]

    assert _run().rows_added["languages"] == 0
    assert _run(retag=True).rows_added["languages"] == 5
    _, [(tags,)] = run_query(warehouse, "select count(*) from languages")
    assert tags == 5  # the view keeps the newest tag per article version

    changed = tmp_path / "note.txt"
    changed.write_text("The council met on Monday to discuss the new library budget and the bus routes.\n")
    _ingest(changed)
    changed.write_text("El consejo se reunió el lunes para hablar del nuevo presupuesto de la biblioteca.\n")
    _ingest(changed)
    assert _run().rows_added["languages"] == 2  # both versions of the changed file
    _, rows = run_query(warehouse, f"select language from articles where uri = '{changed}'")
    assert rows == [("es",)]
