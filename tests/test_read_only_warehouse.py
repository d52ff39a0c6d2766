"""A warehouse on a read-only or full filesystem is one line and exit 2, not a traceback.

Tests run as root, which ignores permission bits, so the warehouse is made read-only the way a
read-only mount makes it: the command runs in its own user and mount namespace (`unshare -r -m`)
where the warehouse folder is bind-mounted read-only (EROFS for every write); a full disk is a
2 MB tmpfs mounted there, filled up (ENOSPC)."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.warehouse_factory import small_warehouse

PRESSROOM = Path(sys.executable).with_name("pressroom")


def _in_namespace(root: Path, mount: str, *argv: str) -> subprocess.CompletedProcess:
    command = " ".join(shlex.quote(a) for a in [str(PRESSROOM), *argv])
    return subprocess.run(
        ["unshare", "-r", "-m", "sh", "-c", f"{mount} && exec {command}"],
        env=dict(os.environ, PRESSROOM_WAREHOUSE=str(root)), capture_output=True, text=True, timeout=300,
    )


def _read_only(root: Path, *argv: str) -> subprocess.CompletedProcess:
    """`pressroom *argv` with the warehouse at `root` mounted read-only."""
    at = shlex.quote(str(root))
    return _in_namespace(root, f"mount --bind {at} {at} && mount -o remount,ro,bind {at}", *argv)


def _errors(result: subprocess.CompletedProcess, command: str) -> list[str]:
    """The lines of stderr but a flow command's first line (`languages: ...`, what it is about to do)."""
    return [line for line in result.stderr.strip().splitlines() if not line.startswith(f"{command}: ")]


def _full(source: Path, root: Path, *argv: str) -> subprocess.CompletedProcess:
    """`pressroom *argv` with a copy of the warehouse at `source` at `root`, on a full disk."""
    at = shlex.quote(str(root))
    fill = f"(dd if=/dev/zero of={at}/fill bs=4k 2>/dev/null; true)"
    return _in_namespace(root, f"mount -t tmpfs -o size=2m tmpfs {at} && cp -a {shlex.quote(str(source))}/. {at}/ && {fill}", *argv)


@pytest.fixture
def read_only_mounts(tmp_path: Path) -> None:
    probe = tmp_path / "probe"
    probe.mkdir()
    ok = shutil.which("unshare") and subprocess.run(
        ["unshare", "-r", "-m", "sh", "-c", f"mount --bind {probe} {probe} && mount -o remount,ro,bind {probe} && ! touch {probe}/x"],
        capture_output=True,
    ).returncode == 0
    if not ok:
        pytest.skip("no user and mount namespaces here to mount the warehouse read-only")


@pytest.mark.usefixtures("read_only_mounts")
@pytest.mark.parametrize(
    ("argv", "stale_catalog"),
    [
        (["sql", "SELECT count(*) FROM articles"], True),  # the views must be rebuilt: a write
        (["languages"], False),  # a flow clears staging under the lock: a write
        (["doctor", "--repair"], False),
    ],
)
def test_a_read_only_warehouse_is_one_line(argv: list[str], stale_catalog: bool, warehouse: Path):
    part = small_warehouse(warehouse)
    if argv[0] == "doctor":
        part.with_name("stray.txt").write_text("x")  # something to move
    if stale_catalog:
        (warehouse / "warehouse.duckdb").unlink()
    result = _read_only(warehouse, *argv)
    err = _errors(result, argv[0])
    assert result.returncode == 2 and len(err) == 1, result.stderr[-2000:]
    assert err[0].startswith("pressroom: cannot write the warehouse: ") and "Read-only file system" in err[0]


@pytest.mark.usefixtures("read_only_mounts")
def test_queries_and_listing_work_on_a_read_only_warehouse(warehouse: Path):
    small_warehouse(warehouse)
    result = _read_only(warehouse, "sql", "--format", "csv", "SELECT count(*) AS n FROM articles")
    assert result.returncode == 0 and result.stdout.split() == ["n", "5"], result.stderr[-2000:]
    result = _read_only(warehouse, "doctor")
    assert result.returncode == 0 and "no damaged, copied or stray files" in result.stdout, result.stderr[-2000:]


@pytest.mark.usefixtures("read_only_mounts")
@pytest.mark.parametrize("argv", [["sql", "SELECT count(*) FROM articles"], ["languages"]])
def test_a_full_disk_is_one_line(argv: list[str], warehouse: Path, tmp_path: Path):
    small_warehouse(warehouse)
    (warehouse / "warehouse.duckdb").unlink()  # its views must be written again
    mounted = tmp_path / "full"
    mounted.mkdir()
    result = _full(warehouse, mounted, *argv)
    err = _errors(result, argv[0])
    assert result.returncode == 2 and len(err) == 1, result.stderr[-2000:]
    assert err[0].startswith("pressroom: cannot write the warehouse: ") and "No space left on device" in err[0]
