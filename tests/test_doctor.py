"""A damaged warehouse is named, not dumped: a cut-off part file is one line naming it, `pressroom
doctor` lists damaged, copied and stray files and `--repair` moves them to `_damaged/`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from flows.cli import main
from tests.announced import errors_only
from tests.warehouse_factory import small_warehouse


def _truncate(part: Path) -> None:
    data = part.read_bytes()
    part.write_bytes(data[: len(data) // 2])


def _cli(capsys, *argv: str) -> tuple[int, str, list[str]]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err.strip().splitlines()


def test_a_cut_off_part_is_one_line_naming_it_for_sql_and_flows(warehouse: Path, capsys):
    part = small_warehouse(warehouse)
    _truncate(part)
    name = part.relative_to(warehouse).as_posix()
    for argv in (["sql", "SELECT count(*) FROM articles"], ["languages"], ["dedup"], ["ingest", str(part.parent)]):
        code, out, err = _cli(capsys, *argv)
        err = errors_only(err, argv)
        assert code == 2 and out == "" and len(err) == 1, (argv, err)
        assert f"damaged warehouse file {name}" in err[0] and "`pressroom doctor`" in err[0], (argv, err)


@pytest.mark.usefixtures("prefect_harness")
def test_a_flow_started_elsewhere_fails_naming_the_file(warehouse: Path):
    from flows.language import LanguageParameters, languages
    from warehouse.doctor import WarehouseDamaged

    part = small_warehouse(warehouse)
    _truncate(part)
    with pytest.raises(WarehouseDamaged, match=f"damaged warehouse file {part.relative_to(warehouse).as_posix()}.*pressroom doctor"):
        languages(LanguageParameters())


def test_doctor_lists_damaged_copied_and_stray_files_and_repair_moves_them(warehouse: Path, capsys):
    damaged = small_warehouse(warehouse)
    other = small_warehouse(warehouse, n=3, start=5)
    _truncate(damaged)
    copy = other.with_name("part-copy.parquet")
    shutil.copy2(other, copy)
    stray = warehouse / "documents" / "backup.parquet"
    shutil.copy2(other, stray)  # the views read any *.parquet: its rows would show
    notes = warehouse / "runs" / "notes.txt"
    notes.write_text("x")
    leftover = warehouse / "_staging" / "part-half.parquet"
    leftover.write_bytes(b"PAR1")
    expected = {
        damaged.relative_to(warehouse).as_posix(): "damaged",
        copy.relative_to(warehouse).as_posix(): "copy",
        "documents/backup.parquet": "stray",
        "runs/notes.txt": "stray",
        "_staging/part-half.parquet": "staging",
    }

    code, out, err = _cli(capsys, "doctor")
    assert code == 1 and err == []
    listed = {line.split()[1]: line.split()[0] for line in out.splitlines()[:-1]}
    assert listed == expected and "pressroom doctor --repair" in out.splitlines()[-1]
    assert damaged.exists() and copy.exists()  # listing moves nothing

    code, out, _ = _cli(capsys, "doctor", "--repair")
    assert code == 0 and "moved 5 files to" in out
    (moved_to,) = (warehouse / "_damaged").iterdir()
    report = (moved_to / "report.txt").read_text()
    for path, problem in expected.items():
        assert not (warehouse / path).exists() and (moved_to / path).exists()
        assert f"{problem}\t{path}\t" in report

    code, out, _ = _cli(capsys, "sql", "--format", "json", "SELECT count(*) AS n FROM article_versions")
    assert code == 0 and json.loads(out) == [{"n": 3}]
    code, out, _ = _cli(capsys, "doctor")
    assert code == 0 and "no damaged, copied or stray files" in out


def test_doctor_on_a_missing_warehouse_is_one_line(tmp_path: Path, monkeypatch, capsys):
    monkeypatch.setenv("PRESSROOM_WAREHOUSE", str(tmp_path / "nowhere"))
    code, _, err = _cli(capsys, "doctor", "--repair")
    assert code == 2 and len(err) == 1 and "no warehouse at" in err[0]
    assert not (tmp_path / "nowhere").exists()
