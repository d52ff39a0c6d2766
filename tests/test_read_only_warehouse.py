"""A warehouse on a read-only or full filesystem: the commands that read it answer; every flow is
one line and exit 2, not a traceback, and writes nothing.

Each command runs in its own user and mount namespace (tests/mount_namespace.py) where the
warehouse folder is bind-mounted read-only (EROFS for every write, as on a read-only volume,
which root's permission bits cannot give); a full disk is a 2 MB tmpfs mounted there, filled."""

from __future__ import annotations

import json
import os
import shlex
import sys
from pathlib import Path

import pytest

from tasks.search import update_index
from tests.mount_namespace import in_namespace, read_only_bind, require_mount_namespaces
from tests.announced import errors_only
from tests.warehouse_factory import small_warehouse

PRESSROOM = Path(sys.executable).with_name("pressroom")


def _env(root: Path) -> dict[str, str]:
    return dict(os.environ, PRESSROOM_WAREHOUSE=str(root))


def _read_only(root: Path, *argv: str) -> object:
    """`pressroom *argv` with the warehouse at `root` mounted read-only."""
    return in_namespace(read_only_bind(root), [str(PRESSROOM), *argv], _env(root))


def _full(source: Path, root: Path, *argv: str) -> object:
    """`pressroom *argv` with a copy of the warehouse at `source` at `root`, on a full disk."""
    at = shlex.quote(str(root))
    fill = f"(dd if=/dev/zero of={at}/fill bs=4k 2>/dev/null; true)"
    return in_namespace(f"mount -t tmpfs -o size=2m tmpfs {at} && cp -a {shlex.quote(str(source))}/. {at}/ && {fill}", [str(PRESSROOM), *argv], _env(root))


def _tree(root: Path) -> dict[str, tuple[int, int]]:
    """Every file under `root` with its size and modification time."""
    return {str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns) for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def read_only_mounts(tmp_path: Path) -> None:
    require_mount_namespaces(tmp_path / "probe")


def _sources(tmp_path: Path) -> Path:
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "a.html").write_text("<html><body><article><h1>A title</h1><p>Some words of text.</p></article></body></html>")
    sources = tmp_path / "sources.toml"
    sources.write_text(f'[[source]]\nname = "pages"\nkind = "folder"\npath = "{folder}"\n')
    return sources


@pytest.mark.usefixtures("read_only_mounts")
@pytest.mark.parametrize(
    ("argv", "stale_catalog"),
    [
        (["sql", "SELECT count(*) FROM articles"], True),  # the views must be rebuilt: a write
        (["ingest", "{pages}"], False),  # every flow clears staging under the lock: a write
        (["run", "--sources", "{sources}"], False),
        (["languages"], False),
        (["dedup"], False),
        (["doctor", "--repair"], False),
    ],
    ids=["sql-stale-catalog", "ingest", "run", "languages", "dedup", "doctor-repair"],
)
def test_a_read_only_warehouse_is_one_line_and_nothing_written(argv: list[str], stale_catalog: bool, warehouse: Path, tmp_path: Path):
    part = small_warehouse(warehouse)
    if argv[0] == "doctor":
        part.with_name("stray.txt").write_text("x")  # something to move
    if stale_catalog:
        (warehouse / "warehouse.duckdb").unlink()
    sources = _sources(tmp_path)
    argv = [a.format(pages=sources.parent / "pages", sources=sources) for a in argv]
    before = _tree(warehouse)
    result = _read_only(warehouse, *argv)
    err = errors_only(result.stderr.strip().splitlines(), argv)
    assert result.returncode == 2 and len(err) == 1, result.stderr[-2000:]
    assert err[0].startswith("pressroom: cannot write the warehouse: ") and "Read-only file system" in err[0], err[0]
    assert "flows need it writable" in err[0], err[0]
    assert _tree(warehouse) == before


@pytest.mark.usefixtures("read_only_mounts")
def test_queries_search_export_and_listing_answer_on_a_read_only_warehouse(warehouse: Path, tmp_path: Path):
    small_warehouse(warehouse)
    update_index(warehouse)  # indexed while it was writable; the index cannot be updated now
    small_warehouse(warehouse, n=2, start=5)  # two articles the index has not seen
    before = _tree(warehouse)

    result = _read_only(warehouse, "sql", "--format", "csv", "SELECT count(*) AS n FROM articles")
    assert result.returncode == 0 and result.stdout.split() == ["n", "7"], result.stderr[-2000:]

    result = _read_only(warehouse, "search", "--format", "json", "text")
    assert result.returncode == 0, result.stderr[-2000:]
    assert len(json.loads(result.stdout)) == 5  # the articles indexed before
    assert result.stderr.startswith("pressroom: searching the index as it was, it cannot be updated: Read-only file system"), result.stderr

    out = tmp_path / "out" / "articles.jsonl"  # a writable place outside the warehouse
    out.parent.mkdir()
    result = _read_only(warehouse, "-q", "export", str(out))
    assert result.returncode == 0, result.stderr[-2000:]
    assert sorted(json.loads(line)["article_id"] for line in out.read_text().splitlines()) == [f"art{i}" for i in range(7)]

    result = _read_only(warehouse, "doctor")
    assert result.returncode == 0 and "no damaged, copied or stray files" in result.stdout, result.stderr[-2000:]
    assert _tree(warehouse) == before


@pytest.mark.usefixtures("read_only_mounts")
@pytest.mark.parametrize("argv", [["sql", "SELECT count(*) FROM articles"], ["languages"]])
def test_a_full_disk_is_one_line(argv: list[str], warehouse: Path, tmp_path: Path):
    small_warehouse(warehouse)
    (warehouse / "warehouse.duckdb").unlink()  # its views must be written again
    mounted = tmp_path / "full"
    mounted.mkdir()
    result = _full(warehouse, mounted, *argv)
    err = errors_only(result.stderr.strip().splitlines(), argv)
    assert result.returncode == 2 and len(err) == 1, result.stderr[-2000:]
    assert err[0].startswith("pressroom: cannot write the warehouse: ") and "No space left on device" in err[0], err[0]
    assert "free space on that disk" in err[0], err[0]
