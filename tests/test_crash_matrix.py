"""The crash matrix: each flow (ingest of a folder, ingest of a WARC, languages, dedup) run as the
`pressroom` command, killed with SIGKILL to its whole process group at three points, and
interrupted as a terminal's Ctrl-C does (SIGINT to the group) at one. After each, no process of
the run is alive and no semaphore it held is left in /dev/shm; the rerun of the same command
gives the warehouse a clean run gives, row for row in every table (run ids and times aside).

Besides: a `kill -9` of the main process alone (the OOM killer's way) on an ephemeral Prefect
server, which must not outlive it, and a disk that fills up mid-ingest: one line, then a rerun
after space is freed equals a clean run.

The points are exact: `PRESSROOM_PAUSE_AT` (config/pause_points.py) makes the run wait at one,
and the test acts when the run says it is there. The commands share one Prefect server (the
module's), as a user's share pressroom's background server, which is meant to stay: it is not a
process of the run. Small corpora: 40 pages in batches of 10 on 2 workers."""

from __future__ import annotations

import contextlib
import io
import os
import random
import shlex
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import psutil
import pyarrow.parquet as pq
import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tests.corpus_factory import article_html, write_corpus
from tests.mount_namespace import require_mount_namespaces
from tests.prefect_server import PRESSROOM, PROJECT, PrefectServer, clean_environment, prefect_server

pytestmark = pytest.mark.e2e

PAGES = 40
# What must be equal, per table: every column but run ids and the times a run stamps. Raw part
# files, not the views, which take a key's first row only and so would hide a row written twice.
TABLES = {
    "documents": "doc_id, content_sha256, source, uri, url, format, size_bytes",
    "articles": "article_id, doc_id, content_sha256, uri, url, site, title, authors, published_at, text, word_count",
    "quarantine": "quarantine_id, source, uri, stage, error, detail",
    "languages": "article_id, content_sha256, language, confidence, script, secondary_language, tagger",
    "signatures": "article_id, content_sha256, signature_key, exact_hash, signature, bands",
    "duplicates": "article_id, dup_group, dup_kind, similarity, is_canonical, settings_key",
}


@dataclass(frozen=True)
class Flow:
    """A flow as the matrix runs it: its command, the warehouse it starts from (None: empty, else
    the clean result of that flow), its three kill points and its Ctrl-C point."""

    argv: Callable[[Path], list[str]]
    base: str | None
    kills: tuple[str, str, str]
    interrupt: str


FLOWS = {
    # (a) started, nothing done; (b) batches written while the next ones are cleaned; (c) a write
    # staged and not renamed, or renamed with the rest of its batch not yet written
    "ingest-folder": Flow(lambda inputs: ["ingest", str(inputs / "folder")], None, ("start", "stored articles@2", "staged documents@1"), "clean@6"),
    "ingest-warc": Flow(lambda inputs: ["ingest", str(inputs / "pages.warc.gz")], None, ("start", "stored documents@2", "staged articles@3"), "clean@8"),
    "languages": Flow(lambda inputs: ["languages"], "ingest-folder", ("start", "stored languages@2", "staged languages@3"), "stored languages@2"),
    # (c): duplicates renamed into place, the dedup cache not yet told of them. Ctrl-C where the
    # flow's own thread writes: signatures are written in a task thread beside the next batch's
    # signing, and a write under way is let finish (a pause there would hold the exit 120 s)
    "dedup": Flow(lambda inputs: ["dedup"], "languages", ("start", "stored signatures@1", "stored duplicates@1"), "stored duplicates@1"),
}


def _write_warc(path: Path, pages: int) -> None:
    """A gzipped WARC of `pages` HTML responses and one response that is not a page (quarantined)."""
    rng = random.Random(11)
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        bodies = [(f"https://warc.example/news/{i}", "text/html; charset=utf-8", article_html(1000 + i, rng).encode()) for i in range(pages)]
        bodies.append(("https://warc.example/logo.png", "image/png", b"\x89PNG\r\n\x1a\n" + bytes(64)))
        for uri, content_type, body in bodies:
            headers = StatusAndHeaders("200 OK", [("Content-Type", content_type), ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=headers))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrefectServer]:
    with prefect_server(tmp_path_factory.mktemp("server")) as running:
        yield running


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("inputs")
    write_corpus(folder / "folder", PAGES)
    (folder / "folder" / "empty.txt").write_bytes(b"")  # one quarantine row
    _write_warc(folder / "pages.warc.gz", PAGES)
    return folder


class Runs:
    """Runs `pressroom` commands on warehouses against the module's server, and keeps the
    warehouse a clean run of each flow leaves (made on first use, from its base's)."""

    def __init__(self, server: PrefectServer, inputs: Path, workdir: Path) -> None:
        self.server, self.inputs, self.workdir = server, inputs, workdir
        self.clean: dict[str, Path] = {}

    def env(self, root: Path, **extra: str) -> dict[str, str]:
        return clean_environment(
            PREFECT_API_URL=self.server.api_url, PREFECT_HOME=str(self.workdir / "home"), PREFECT_LOGGING_LEVEL="WARNING",
            PRESSROOM_WAREHOUSE=str(root), PRESSROOM_WORKERS="2", PRESSROOM_BATCH_SIZE="10", **extra,
        )

    def start(self, flow: str, root: Path, log: Path, ephemeral: bool = False, **extra: str) -> subprocess.Popen:
        """Start `flow`'s command; `ephemeral`: on a Prefect server of its own, not the module's."""
        env = self.env(root, **extra)
        if ephemeral:
            env.pop("PREFECT_API_URL")
            env.update(PRESSROOM_PREFECT_SERVER="ephemeral", PREFECT_HOME=str(log.parent / "home"))
        with log.open("wb") as err:
            return subprocess.Popen(
                [str(PRESSROOM), *FLOWS[flow].argv(self.inputs)], cwd=PROJECT, env=env,
                stdout=subprocess.DEVNULL, stderr=err, start_new_session=True,  # its own group, as a terminal's job
            )

    def complete(self, flow: str, root: Path) -> None:
        log = root.parent / f"{root.name}-{flow}.log"
        run = self.start(flow, root, log)
        assert run.wait(timeout=600) == 0, log.read_text(errors="replace")[-3000:]

    def starting_point(self, flow: str, root: Path) -> None:
        """Put at `root` the warehouse `flow` starts from."""
        base = FLOWS[flow].base
        if base is not None:
            shutil.copytree(self.clean_result(base), root)

    def clean_result(self, flow: str) -> Path:
        if flow not in self.clean:
            root = self.workdir / f"clean-{flow}"
            self.starting_point(flow, root)
            self.complete(flow, root)
            self.clean[flow] = root
        return self.clean[flow]


@pytest.fixture(scope="module")
def runs(server: PrefectServer, inputs: Path, tmp_path_factory: pytest.TempPathFactory) -> Runs:
    return Runs(server, inputs, tmp_path_factory.mktemp("runs"))


def _rows(root: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect()
    rows = {}
    for table, columns in TABLES.items():
        files = sorted(str(p) for p in (root / table).rglob("part-*.parquet")) if (root / table).is_dir() else []
        rows[table] = sorted(map(repr, con.sql(f"SELECT {columns} FROM read_parquet({files!r})").fetchall())) if files else []
    return rows


def _wait_for_line(log: Path, text: str, run: subprocess.Popen, timeout: float = 240) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        lines = log.read_text(errors="replace").splitlines()
        if found := [line for line in lines if text in line]:
            return found[0]
        assert run.poll() is None, f"the run ended before reaching {text!r}:\n{log.read_text(errors='replace')[-3000:]}"
        time.sleep(0.1)
    raise AssertionError(f"the run did not reach {text!r} within {timeout} s")


@dataclass
class Footprint:
    """The processes of a run and the POSIX semaphores they have open, taken while it runs."""

    processes: list[psutil.Process]
    semaphores: set[Path]

    @classmethod
    def of(cls, pid: int) -> Footprint:
        main = psutil.Process(pid)
        processes = [main, *main.children(recursive=True)]
        semaphores = set()
        for process in processes:
            try:
                maps = Path(f"/proc/{process.pid}/maps").read_text()
            except OSError:
                continue
            # "... /dev/shm/sem.mp-x1y2z3 (deleted)" once unlinked: those are not left
            semaphores |= {Path(word) for line in maps.splitlines() for word in line.split() if word.startswith("/dev/shm/sem.")}
        return cls(processes, semaphores)

    def left(self, timeout: float = 20) -> tuple[list[str], list[Path]]:
        """The processes still alive and semaphores still present after up to `timeout` s."""
        deadline = time.monotonic() + timeout
        while True:
            alive = [p for p in self.processes if _alive(p)]
            semaphores = [s for s in self.semaphores if s.exists()]
            if (not alive and not semaphores) or time.monotonic() > deadline:
                return [f"{p.pid} {' '.join(p.cmdline())[:120]}" for p in alive], semaphores
            time.sleep(0.2)


def _alive(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _assert_rerun_equals_clean(runs: Runs, flow: str, root: Path) -> None:
    runs.complete(flow, root)
    assert not list((root / "_staging").iterdir()), "the rerun left staging files"
    recovered, expected = _rows(root), _rows(runs.clean_result(flow))
    assert any(expected.values())
    for table in TABLES:
        assert recovered[table] == expected[table], f"{table}: {len(recovered[table])} rows after the rerun, {len(expected[table])} after a clean run"


CASES = [pytest.param(flow, point, id=f"{flow}-{point.replace(' ', '-')}") for flow, spec in FLOWS.items() for point in spec.kills]


@pytest.mark.parametrize(("flow", "point"), CASES)
def test_kill_9_then_rerun_equals_a_clean_run(runs: Runs, flow: str, point: str, tmp_path: Path):
    root = tmp_path / "warehouse"
    runs.starting_point(flow, root)
    log = tmp_path / "killed.log"
    victim = runs.start(flow, root, log, PRESSROOM_PAUSE_AT=point)
    try:
        _wait_for_line(log, f"paused at {point}", victim)
        footprint = Footprint.of(victim.pid)
        os.killpg(victim.pid, signal.SIGKILL)  # the whole run, as when its machine or container dies
        victim.wait(timeout=30)
    finally:
        if victim.poll() is None:
            os.killpg(victim.pid, signal.SIGKILL)
    alive, semaphores = footprint.left()
    assert not alive, f"processes of the killed run still alive: {alive}"
    assert not semaphores, f"semaphores of the killed run left in /dev/shm: {semaphores}"
    _assert_rerun_equals_clean(runs, flow, root)


def test_kill_9_of_the_main_process_alone_leaves_no_process(runs: Runs, tmp_path: Path):
    """As the OOM killer does: only the command's main process dies. Its pool workers, the
    ephemeral Prefect server it started and the resource tracker must not stay."""
    root = tmp_path / "warehouse"
    log = tmp_path / "killed.log"
    point = "stored articles@1"
    victim = runs.start("ingest-folder", root, log, ephemeral=True, PRESSROOM_PAUSE_AT=point)
    try:
        _wait_for_line(log, f"paused at {point}", victim)
        footprint = Footprint.of(victim.pid)
        assert any("prefect.server.api.server:create_app" in " ".join(p.cmdline()) for p in footprint.processes)
        os.kill(victim.pid, signal.SIGKILL)
        victim.wait(timeout=30)
        alive, semaphores = footprint.left()
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(victim.pid, signal.SIGKILL)
    assert not alive, f"processes of the killed run still alive: {alive}"
    assert not semaphores, f"semaphores of the killed run left in /dev/shm: {semaphores}"
    _assert_rerun_equals_clean(runs, "ingest-folder", root)


@pytest.mark.parametrize("flow", list(FLOWS))
def test_ctrl_c_is_one_line_and_exit_130_then_rerun_equals_a_clean_run(runs: Runs, flow: str, tmp_path: Path):
    root = tmp_path / "warehouse"
    runs.starting_point(flow, root)
    log = tmp_path / "interrupted.log"
    point = FLOWS[flow].interrupt
    run = runs.start(flow, root, log, PRESSROOM_PAUSE_AT=point)
    try:
        _wait_for_line(log, f"paused at {point}", run)
        footprint = Footprint.of(run.pid)
        os.killpg(run.pid, signal.SIGINT)  # what Ctrl-C in a terminal sends: the whole foreground group
        interrupted_at = time.monotonic()
        status = run.wait(timeout=120)
        took = time.monotonic() - interrupted_at
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
    # what the command said after it was interrupted (before it: the kind of each input named);
    # a point in the clean unit pauses each pool worker that reaches it, so another worker's
    # pause line (the fault injection's, not the command's) may come after the first
    said = log.read_text(errors="replace").split(f"paused at {point}", 1)[1].splitlines()[1:]
    err = [line for line in said if not line.startswith("pressroom: paused at ")]
    assert status == 130, "\n".join(err[-40:])
    assert took < 5, f"Ctrl-C took {took:.1f} s to end the command"
    assert len(err) == 1 and err[0].startswith("pressroom: interrupted after ") and err[0].endswith("; rerun to continue"), "\n".join(err[-40:])
    alive, semaphores = footprint.left()
    assert not alive, f"processes of the interrupted run still alive: {alive}"
    assert not semaphores, f"semaphores of the interrupted run left in /dev/shm: {semaphores}"
    con = duckdb.connect()
    statuses = con.sql(f"SELECT status FROM read_parquet('{root}/runs/**/part-*.parquet')").fetchall()
    assert ("interrupted",) in statuses, statuses
    _assert_rerun_equals_clean(runs, flow, root)


def test_a_disk_full_mid_run_is_one_line_then_a_rerun_equals_a_clean_run(runs: Runs, tmp_path: Path):
    """The ingest's warehouse on a 16 MB tmpfs, filled while the run waits after its first batch's
    articles: the documents write after them hits ENOSPC. The warehouse as the run left it is
    copied off the small disk (space freed), checked, and ingested again."""
    require_mount_namespaces(tmp_path / "probe")
    disk, left, log = tmp_path / "disk", tmp_path / "left", tmp_path / "full.log"
    disk.mkdir()
    root = disk / "warehouse"
    point = "stored articles@1"
    q = lambda path: shlex.quote(str(path))  # noqa: E731
    command = " ".join(q(a) for a in [PRESSROOM, *FLOWS["ingest-folder"].argv(runs.inputs)])
    script = f"""
        mount -t tmpfs -o size=16m tmpfs {q(disk)} || exit 99
        {command} 2> {q(log)} &
        run=$!
        until grep -q 'paused at {point}' {q(log)} || ! kill -0 $run 2>/dev/null; do sleep 0.2; done
        dd if=/dev/zero of={q(disk)}/fill bs=64k 2>/dev/null
        wait $run; status=$?
        cp -a {q(root)} {q(left)}
        exit $status
    """
    env = runs.env(root, PRESSROOM_PAUSE_AT=point, PRESSROOM_PAUSE_SECONDS="10")
    result = subprocess.run(["unshare", "-r", "-m", "sh", "-c", script], env=env, capture_output=True, text=True, timeout=600)
    said = log.read_text(errors="replace")
    assert f"paused at {point}" in said, said[-3000:]
    err = said.split(f"paused at {point}", 1)[1].splitlines()[1:]
    assert result.returncode == 2, f"{result.returncode}: {said[-3000:]}{result.stderr[-2000:]}"
    assert len(err) == 1, "\n".join(err[-60:])  # the one line, no Prefect log before it (that is -v's)
    line = err[0]
    assert line.startswith("pressroom: cannot write the warehouse: No space left on device (") and "free space on that disk" in line, line
    assert f"({root}/" in line, line  # names the file it could not write

    statuses = duckdb.connect().sql(f"SELECT status FROM read_parquet('{left}/runs/**/*.parquet')").fetchall()
    assert ("failed",) in statuses or line.endswith("its row could not be written either"), (statuses, line)
    for part in left.glob("*/**/part-*.parquet"):  # every file a view reads is whole
        if "_staging" not in part.parts:
            pq.read_metadata(part)
    assert 0 < len(_rows(left)["articles"]) < PAGES
    _assert_rerun_equals_clean(runs, "ingest-folder", left)
