"""The `pressroom` command line."""

from __future__ import annotations

import argparse
import errno
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from config.dedup import DedupSettings
    from flows.parameters import DedupParameters, IngestParameters
    from tasks.run_summary import RunSummary

# Offline-safe Prefect defaults (see docs/architecture.md); a user's own settings win.
PREFECT_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
}


# Prefect's log level by command and verbosity (-q, default, -v). serve, server and worker show INFO by
# default: their logs are what the UI shows of each run. The flow commands log warnings only,
# since task-run chatter would break the progress bar; their summary is printed at the end.
LOG_LEVELS = {command: ("WARNING", "INFO", "DEBUG") for command in ("serve", "server", "worker")}
FLOW_LOG_LEVELS = ("ERROR", "WARNING", "INFO")
# Source kinds an ingest plans from the local disk alone (a rerun over them may have nothing to do).
_LOCAL_KINDS = frozenset({"file", "folder"})
# Choices of `pressroom export` (warehouse/export.py's FORMATS and COMPRESSIONS; a test checks
# they agree): named here so the parser is built without importing DuckDB and pyarrow.
EXPORT_FORMATS = ("jsonl", "parquet", "csv")
EXPORT_COMPRESSIONS = ("gzip", "zstd")
# DedupSettings.threshold's default, named here for the same reason (a test checks they agree).
DEDUP_THRESHOLD = 0.8

VERBOSITY_HELP = """output:
  default         a progress bar on long work (on a terminal), then a summary
  -v, --verbose   Prefect's INFO logs (every flow, task and batch) instead of the bar;
                  serve and server log DEBUG; export also prints the SQL and COPY options
  -q, --quiet     no bar, no summary: only results (the rows of sql) and errors;
                  serve and server log warnings only
settings: --workers and --batch-size override PRESSROOM_WORKERS and PRESSROOM_BATCH_SIZE for
one command; PRESSROOM_WAREHOUSE and the others are read from the environment (README.md)."""


def _configure_prefect(command: str, quiet: bool, verbose: bool) -> None:
    for key, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(key, value)
    levels = LOG_LEVELS.get(command, FLOW_LOG_LEVELS)
    if quiet or verbose:
        os.environ["PREFECT_LOGGING_LEVEL"] = levels[0] if quiet else levels[2]  # a flag given now wins over the environment
    else:
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", levels[1])


# `pressroom server ACTION` for the parts of a server run as several processes (docker-compose):
# the `prefect server` arguments of each.
SERVER_PARTS = {"services": ["services", "start"], "migrate": ["database", "upgrade", "-y"]}
# Commands that run flows, and so need a Prefect API.
FLOW_COMMANDS = frozenset({"run", "ingest", "languages", "dedup"})


def _choose_prefect_api() -> str | None:
    """Point this command at a running Prefect server (starting pressroom's background one on
    first use) before Prefect is imported; see flows/prefect_api.py. Returns its API URL, None
    for an ephemeral server."""
    from config.settings import Settings
    from flows.prefect_api import choose_api

    settings = Settings()
    api = choose_api(settings.prefect_server, settings.server_idle_minutes, _say)
    if api.how == "reused" and sys.stderr.isatty():
        _say(f"Prefect server at {api.url.removesuffix('/api')}")
    return api.url


def _say(line: str) -> None:
    """A line from pressroom itself on stderr, shown at once."""
    print(f"pressroom: {line}", file=sys.stderr, flush=True)


def _takes_remote_lock(args: argparse.Namespace) -> bool:
    """Whether a command that runs no flow still needs the Prefect API: `doctor --repair` on a
    warehouse on S3 takes the warehouse's write lock, a global concurrency limit on the same
    server as the flows."""
    if args.command != "doctor" or not args.repair:
        return False
    from config.object_storage import S3_SCHEME
    from config.settings import Settings

    return Settings().warehouse.startswith(S3_SCHEME)


def _announce(args: argparse.Namespace, line: str) -> None:
    """A flow command's first line, what it is about to do (unless -q): printed before Prefect and
    the stages are imported, which takes seconds, so the user sees at once that it runs."""
    if not args.quiet:
        print(line, file=sys.stderr, flush=True)


def _leave_to_one_line(verbose: bool) -> None:
    """Prefect logs a run stopped by Ctrl-C as crashed, and a run that hit a full or read-only
    disk as failed with its traceback, at ERROR: the command says either in one line, so those
    records are dropped (a disk error's are kept with -v, where logs are what the user asked for).
    So is a run whose Dask scheduler is gone, with its traceback, and Prefect's note at exit
    that it is still sending the run's last events."""
    import logging

    from tasks.executor_unavailable import ExecutorUnavailable

    def not_told_in_one_line(record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "interrupt signal" in message or ExecutorUnavailable.__name__ in message:
            return False
        disk_error = any(text in message for text in _DISK_ERRORS) or (
            record.exc_info is not None and isinstance(record.exc_info[1], OSError) and _os_error(record.exc_info[1]) is not None
        )
        return verbose or not disk_error

    for name in ("prefect.flow_runs", "prefect.task_runs"):
        logging.getLogger(name).addFilter(not_told_in_one_line)

    def not_a_drain_note(record: logging.LogRecord) -> bool:
        return verbose or not record.getMessage().startswith("Still processing items")

    for name in PREFECT_SENDERS:
        logging.getLogger(name).addFilter(not_a_drain_note)


# Prefect's services that send a run's events and logs to its API; at exit each sends what is
# still queued, and says so ("Still processing items: 1 items remaining...") when anything is:
# a race with the run's last events, not something the user must act on (kept with -v).
PREFECT_SENDERS = ("EventsWorker", "APILogWorker")


def _quiet_dask_logs(verbose: bool) -> None:
    """Dask logs its workers' comings and goings at INFO, and a lost scheduler with tracebacks,
    on stderr; a command says what matters in one line (-v shows Dask's logs). Both in Dask's
    configuration, which `distributed` applies when it is imported, and on its loggers, for
    when it already is."""
    import logging

    from config.settings import Settings

    if verbose or Settings().executor == "processes":
        return
    import dask

    levels = {"distributed": "error", "distributed.client": "critical"}
    dask.config.set({"logging": levels})
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level.upper())


# The stage packages each flow command runs on its executor's workers
STAGE_PACKAGES = {"ingest": ("tasks.clean",), "languages": ("tasks.language",), "dedup": ("tasks.dedup",)}


def _start_dask_forkserver(command: str) -> None:
    """With a LocalCluster for executor (`dask-local:N`), start the process its workers are
    forked from now, with the command's stage packages: its imports (2-3 CPU-seconds) then run
    on another core while this process imports Prefect and starts the flow run, not while the
    run waits for its first batch to be cleaned."""
    from config.settings import Settings
    from tasks.executors import DASK_LOCAL

    if Settings().executor.startswith(DASK_LOCAL):
        from tasks.dask_executor import STAGE_MODULES, start_forkserver

        start_forkserver(STAGE_PACKAGES.get(command, STAGE_MODULES))


class Interrupted(Exception):
    """Ctrl-C during a command; the message says how far it got."""


def _fail(message: str) -> int:
    print(f"pressroom: {message}", file=sys.stderr)
    return 2


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pressroom")
    except PackageNotFoundError:
        return "unknown (not installed)"  # run from a source tree without `uv sync`


def _shows_bar(args: argparse.Namespace) -> bool:
    """The bar is for the default verbosity: -v shows logs instead, -q shows nothing."""
    return not (args.quiet or args.verbose)


def _progress_bar(show: bool):
    """The progress bar: items done of the total, items per second, time elapsed and, once a
    total is known, time remaining; shown on a terminal only, and only when `show`."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class RateColumn(ProgressColumn):
        """Items per second, over rich's recent samples (empty until there are two)."""

        def render(self, task) -> Text:
            return Text("" if task.speed is None else f"{task.speed:,.0f}/s")

    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), RateColumn(),
        TimeElapsedColumn(), TimeRemainingColumn(),
        transient=True, disable=not (show and sys.stderr.isatty()), console=None,
    )


def _with_progress(run, show: bool = True, verbose: bool = False):
    """Call `run()` while showing the progress bar (if `show`), fed by flows.progress; `verbose`:
    Prefect's logs of a disk error are shown too (see _leave_to_one_line)."""
    from flows.progress import set_reporter

    progress = _progress_bar(show)
    bars: dict[str, int] = {}

    def reporter(phase: str, advance: int, total: int | None) -> None:
        if phase not in bars:
            bars[phase] = progress.add_task(phase, total=total)
        elif total is not None:
            progress.update(bars[phase], total=total)
        if advance:
            progress.advance(bars[phase], advance)

    set_reporter(reporter)
    _leave_to_one_line(verbose)
    try:
        with progress:
            return run()
    except KeyboardInterrupt:
        done = [f"{int(t.completed)} of {int(t.total)} {t.description} inputs" for t in progress.tasks if t.total]
        raise Interrupted(f"interrupted after {', '.join(done) or 'starting'}; rerun to continue") from None
    finally:
        set_reporter(None)


def _summary(args: argparse.Namespace, text: str) -> None:
    """Print a command's closing summary, unless -q."""
    if not args.quiet:
        print(text)


def _check_sources(args: argparse.Namespace) -> Path:
    """Validate the sources file and source names before a flow starts, so a mistake is one
    line here rather than a failed flow run (raises SourcesError); returns the file's path."""
    from config.settings import Settings
    from config.sources import named_sources

    path = Path(args.sources) if args.sources else Settings().sources
    named_sources(path, args.source)
    return path


def _sources_named(args: argparse.Namespace, path: Path) -> str:
    return f"{'sources ' + ', '.join(args.source) if args.source else 'the sources'} of {path}"


def _warehouse() -> Path:
    """The warehouse as the user set it (PRESSROOM_WAREHOUSE), for the first line."""
    from config.settings import Settings

    return Settings().warehouse


def _ingest_outcome(summary: RunSummary, uris: list[str], names: list[str]) -> int:
    """The exit status of a command whose ingest run gave `summary`: 1, with a line saying why
    and where to look, when it read nothing at all (see flows.ingest.nothing_ingested); else 0,
    with a line saying so when nothing was new."""
    from flows.ingest_outcome import nothing_ingested, unchanged_inputs

    if why := nothing_ingested(summary, uris):
        sources = ["cli"] if uris else names  # the source name of command-line URIs
        from warehouse.storage import sql_literal

        quoted = ", ".join(sql_literal(n) for n in sources)
        where = f" WHERE source IN ({quoted})" if sources else ""
        look = f'; see `pressroom sql "SELECT uri, stage, error, detail FROM quarantine{where}"`' if summary.quarantined else ""
        print(f"pressroom: {why}{look}", file=sys.stderr)
        return 1
    if not summary.rows_added["articles"] and (unchanged := unchanged_inputs(summary)):
        print(f"nothing new: {unchanged} input{'s' * (unchanged != 1)} unchanged since last read")
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    from tasks.fetch.uri_kind import AMBIGUOUS, guess_uri_kind, is_wat_name

    for uri in args.uris:
        if is_wat_name(uri):
            from tasks.fetch.warc import WAT_REFUSAL

            return _fail(f"{uri}: {WAT_REFUSAL}")
        if "://" not in uri and not Path(uri).expanduser().exists():
            return _fail(f"no such file or folder: {uri}")
    if not args.uris:
        _announce(args, f"ingest: {_sources_named(args, _check_sources(args))} into {_warehouse()}")
    for uri in args.uris:  # the first lines: what each input was taken for
        kind = guess_uri_kind(uri)
        _announce(args, f"{uri}: {'web resource (its content type will tell)' if kind == AMBIGUOUS else kind}")
    api_url = _choose_prefect_api()
    root = _check_warehouse()
    from flows.parameters import IngestParameters

    params = IngestParameters(uris=args.uris, sources=args.source, sources_file=args.sources, limit=args.limit)
    if (summary := _unchanged_local_inputs(args, params, root, api_url)) is not None:
        _summary(args, summary.to_text())
        return _ingest_outcome(summary, args.uris, args.source)
    from config.settings import Settings
    from tasks.clean.document import import_steps
    from tasks.executors import shared_worker_pool

    settings = Settings()
    # the workers spawn and import the clean unit's libraries while this process imports
    # Prefect, starts the flow run and plans it, rather than once the first batch is fetched
    with shared_worker_pool(settings.workers, settings.executor, preload=import_steps, start_now=True):
        from flows.ingest import ingest

        summary = _with_progress(lambda: ingest(params), _shows_bar(args), args.verbose)
    _summary(args, summary.to_text())
    return _ingest_outcome(summary, args.uris, args.source)


def _unchanged_local_inputs(args: argparse.Namespace, params: IngestParameters, root: Path, api_url: str | None) -> RunSummary | None:
    """An ingest of local files and folders only, whose planning finds no input to read (all
    unchanged since last read, or none there): its run recorded without importing Prefect
    (flows/idle_run.py), its summary returned; else None, and the flow runs. Only local sources:
    planning feeds, sitemaps and URLs fetches them, and WARC files are read to be listed. A file
    modified since the last recorded run ended means work at once (the first such file ends
    the check), so a run with work does not plan twice; otherwise the plan decides."""
    from config.settings import Settings
    from tasks.fetch import choose_sources, plan_inputs
    from datetime import datetime, timezone

    from tasks.fetch.local_files import modified_after
    from warehouse.known import last_run_end

    settings = Settings()
    sources_file = Path(args.sources) if args.sources else settings.sources
    if args.uris:
        from tasks.fetch.uri_kind import guess_uri_kind

        if any(guess_uri_kind(uri) not in _LOCAL_KINDS for uri in args.uris):
            return None  # decided before choose_sources, which peeks at ambiguous URLs
    sources = choose_sources(args.uris, args.source, sources_file, settings.http)
    if any(source.kind not in _LOCAL_KINDS for source in sources):
        return None
    if modified_after(sources, last_run_end(root) or datetime.min.replace(tzinfo=timezone.utc)):
        return None  # a file changed since every recorded run ended (or none is): the flow plans, once
    planned = plan_inputs(sources, settings.max_document_bytes, root, settings.http)
    if planned.items or planned.quarantined:
        return None
    from flows.idle_run import record_idle_run

    unchanged = planned.stats.counts["unchanged"]
    return record_idle_run(root, "ingest", {"params": params.model_dump(mode="json")}, api_url, _say, unchanged, (planned.stats,))


def cmd_run(args: argparse.Namespace) -> int:
    sources = _check_sources(args)
    _announce(args, f"run: ingest, languages and dedup of {_sources_named(args, sources)} into {_warehouse()}")
    _choose_prefect_api()
    _check_warehouse()
    from flows.parameters import IngestParameters
    from flows.pipeline import PipelineParameters, pipeline

    report_path = str(Path(args.report).expanduser().absolute()) if args.report else None
    if report_path:
        from config.settings import Settings
        from tasks.report import ReportRefused, check_place

        try:
            check_place(Settings().warehouse_root(), Path(report_path), force=True)
        except ReportRefused as exc:
            return _fail(f"--report: {exc}")
    params = PipelineParameters(ingest=IngestParameters(sources=args.source, sources_file=args.sources, limit=args.limit), report_path=report_path)
    summaries = _with_progress(lambda: pipeline(params), _shows_bar(args), args.verbose)
    _summary(args, "\n".join(s.to_text() for s in summaries))
    return _ingest_outcome(summaries[0], [], args.source)


def cmd_languages(args: argparse.Namespace) -> int:
    what = "retagging every article" if args.retag else "tagging the articles without a language tag"
    _announce(args, f"languages: {what} in {_warehouse()}")
    api_url = _choose_prefect_api()
    root = _check_warehouse()
    from flows.parameters import LanguageParameters

    params = LanguageParameters(retag=args.retag)
    if not args.retag:
        from tasks.language import tagger_name
        from warehouse.pending import untagged_count

        if not untagged_count(root, tagger_name(params.detector)):
            # nothing to tag: the run is recorded without importing Prefect (flows/idle_run.py)
            from flows.idle_run import record_idle_run

            summary = record_idle_run(root, "languages", {"params": params.model_dump(mode="json")}, api_url, _say)
            _summary(args, summary.to_text())
            return 0
    from flows.language import languages

    summary = _with_progress(lambda: languages(params), _shows_bar(args), args.verbose)
    _summary(args, summary.to_text())
    return 0


def cmd_dedup(args: argparse.Namespace) -> int:
    _announce(args, f"dedup: grouping the new articles in {_warehouse()} with the stored ones")
    api_url = _choose_prefect_api()
    root = _check_warehouse()
    from config.dedup import DedupSettings
    from flows.parameters import DedupParameters
    from tasks.dedup import nothing_new

    params = DedupParameters(settings=DedupSettings(threshold=args.threshold))
    if nothing_new(root, params.settings):
        # nothing stored since the last dedup run: recorded without importing Prefect (flows/idle_run.py)
        from flows.idle_run import record_idle_run

        summary = record_idle_run(root, "dedup", {"params": params.model_dump(mode="json")}, api_url, _say)
        _summary(args, summary.to_text())
        return 0
    if api_url and _small_backlog(root, params.settings):
        summary = _with_progress(lambda: _dedup_without_prefect(root, params, api_url), _shows_bar(args), args.verbose)
        _summary(args, summary.to_text())
        return 0
    from flows.dedup import dedup

    summary = _with_progress(lambda: dedup(params), _shows_bar(args), args.verbose)
    _summary(args, summary.to_text())
    return 0


def _small_backlog(root: Path, settings: DedupSettings) -> bool:
    """Whether a dedup run would sign at most one round of worker batches (in the command's own
    process, as the flow would, starting no workers), judged from the files stored since the last
    run before anything is imported for it: such a run is done by the command itself."""
    from config.settings import Settings
    from tasks.dedup import new_rows_at_most

    # a new article usually brings two rows: its version and its language tag
    rows = new_rows_at_most(root, settings)
    return rows is not None and rows <= 2 * settings.signature_batch * Settings().workers


def _dedup_without_prefect(root: Path, params: DedupParameters, api_url: str) -> RunSummary:
    """A small dedup run done by the command, the flow's steps called in order, and recorded
    through the Prefect API as a flow run of `dedup` with its summary (flows/idle_run.py): its
    work costs less than importing Prefect and starting a flow run. Returns its summary."""
    import logging

    from config.settings import Settings
    from flows.dedup_run import IN_PROCESS, dedup_run
    from flows.idle_run import recorded_without_prefect

    with recorded_without_prefect(root, "dedup", {"params": params.model_dump(mode="json")}, api_url, _say) as summary:
        dedup_run(Settings(), root, summary, params.settings, IN_PROCESS, logging.getLogger("pressroom.dedup"))
    return summary


def cmd_sql(args: argparse.Namespace) -> int:
    import duckdb

    from config.settings import Settings
    from warehouse.catalog import NoWarehouse
    from warehouse.doctor import damage_named_in
    from warehouse.query import QueryRefused, format_rows, run_query

    root = Settings().warehouse_root()
    try:
        columns, rows = run_query(root, args.query)
    except (QueryRefused, NoWarehouse) as exc:
        return _fail(str(exc))
    except duckdb.PermissionException as exc:
        return _fail(f"query refused: {str(exc).splitlines()[0]} (pressroom sql reads the warehouse's files only)")
    except duckdb.Error as exc:
        if damage := damage_named_in(root, exc):
            return _fail(str(damage))
        return _fail(_duckdb_disk_error(exc) or f"query failed: {str(exc).splitlines()[0]}")
    print(format_rows(columns, rows, args.format))
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    """Full-text search: bring the index up to date (nothing to do unless a flow added articles
    or tags), then print the best hits with a snippet each."""
    import json
    from datetime import date

    from config.settings import Settings
    from tasks.search import IndexBusy, index_path, search, update_index
    from warehouse.catalog import NoWarehouse, require_warehouse

    try:
        since = date.fromisoformat(args.since) if args.since else None
    except ValueError:
        return _fail(f"--since: not a date (YYYY-MM-DD): {args.since}")
    if args.limit < 1:
        return _fail(f"--limit: must be at least 1, got {args.limit}")
    root = Settings().warehouse_root()
    try:
        require_warehouse(root)
    except NoWarehouse as exc:
        return _fail(str(exc))

    def announce(count: int) -> None:
        if count:
            print(f"pressroom: indexing {count} article{'s' * (count != 1)} for search", file=sys.stderr, flush=True)

    try:
        update_index(root, on_start=announce)
    except OSError as exc:
        if not index_path(root).exists():
            raise  # no index to fall back on: the one line for a disk problem (main)
        print(f"pressroom: searching the index as it was, it cannot be updated: {exc.strerror or exc}", file=sys.stderr)
    try:
        hits = search(root, args.query, language=args.language, site=args.site, since=since, limit=args.limit)
    except IndexBusy as exc:
        return _fail(str(exc))
    if args.format == "json":
        print(json.dumps([
            {"article_id": h.article_id, "score": round(h.score, 4), "title": h.title, "url": h.url, "site": h.site,
             "language": h.language, "published_at": h.published_at.isoformat() if h.published_at else None, "snippet": h.snippet}
            for h in hits
        ], ensure_ascii=False, indent=1))
        return 0
    for rank, h in enumerate(hits, 1):
        when = h.published_at.date().isoformat() if h.published_at else "undated"
        print(f"{rank}. {h.title or '(no title)'}  [{h.language or 'und'} · {h.site or '?'} · {when} · {h.score:.2f}]")
        print(f"   {h.url or h.article_id}")
        print(f"   {h.snippet}")
    if not hits:
        print("no article matches", file=sys.stderr)
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    from config.settings import Settings
    from warehouse.catalog import NoWarehouse, require_warehouse
    from warehouse.doctor import DAMAGED, examine, repair
    from warehouse.storage import location

    root = Settings().warehouse_root()
    try:
        require_warehouse(root)
    except NoWarehouse as exc:
        return _fail(str(exc))
    findings, report = repair(root) if args.repair else (examine(root), None)
    for finding in findings:
        print(f"{finding.problem:8} {finding.path}  {finding.detail}")
    if not findings:
        print(f"{root}: no damaged, copied or stray files")
    elif report is not None:
        print(f"moved {len(findings)} file{'s' * (len(findings) != 1)} to {report.rsplit('/', 1)[0]} (why: {report})")
    else:
        print(f"run `pressroom doctor --repair` to move {'them' if len(findings) != 1 else 'it'} to {location(root, DAMAGED)}/")
        return 1
    return 0


def _check_warehouse() -> Path:
    """Prepare the warehouse before a flow starts, as the flow will: a damaged or read-only one
    is then one line here instead of a failed run's log. Staging leftovers are cleared only if no
    writer holds the warehouse lock (a running writer may hold it a while: the flow's own start
    waits for it). Returns the warehouse root."""
    from config.settings import Settings
    from warehouse.catalog import ensure_catalog
    from warehouse.doctor import check_readable
    from warehouse.writer import clear_staging

    root = Settings().warehouse_root()
    ensure_catalog(root)
    clear_staging(root, wait=False)
    check_readable(root)
    return root


# What to do about a disk that cannot be written, by errno.
_FULL = "free space on that disk (or point PRESSROOM_WAREHOUSE at a copy on another) and rerun: the run goes on where it stopped"
_READ_ONLY = (
    "flows need it writable (or PRESSROOM_WAREHOUSE pointing at a writable copy); sql, search, export and doctor "
    "read it as it is once its views are current (any command where it is writable makes them so)"
)
_DISK_ADVICE = {errno.ENOSPC: _FULL, errno.EDQUOT: _FULL, errno.EFBIG: _FULL, errno.EROFS: _READ_ONLY, errno.EACCES: _READ_ONLY, errno.EPERM: _READ_ONLY}


def _os_error(exc: OSError) -> str | None:
    """One line for a warehouse that cannot be written (read-only, not ours, full), naming the
    path and what to do, and the notes a flow added (recorded_run's, when the run's `runs` row
    could not be written either); else None."""
    if exc.errno not in _DISK_ADVICE:
        return None
    where = f" ({exc.filename})" if exc.filename else ""
    notes = "".join(f"; {note}" for note in getattr(exc, "__notes__", ()))
    return f"cannot write the warehouse: {exc.strerror or exc}{where}; {_DISK_ADVICE[exc.errno]}{notes}"


# How DuckDB and Prefect's messages spell the disk errors (DuckDB's carry no errno).
_DISK_ERRORS = {
    "Read-only file system": errno.EROFS, "Permission denied": errno.EACCES,
    "No space left on device": errno.ENOSPC, "Disk quota exceeded": errno.EDQUOT, "File too large": errno.EFBIG,
}


def _duckdb_disk_error(exc: Exception) -> str | None:
    """One line for a DuckDB error that is the disk's (read-only, not ours, full); else None."""
    first = str(exc).splitlines()[0]
    for text, number in _DISK_ERRORS.items():
        if text in first:
            return f"cannot write the warehouse: {first}; {_DISK_ADVICE[number]}"
    return None


def cmd_export(args: argparse.Namespace) -> int:
    import duckdb

    from config.settings import Settings
    from flows.progress import report
    from warehouse.export import ExportRefused, copy_options, export, plan_target, select_sql

    settings = Settings()
    try:
        target = plan_target(args.out, args.format, args.compress)
        sql = select_sql(args.unique, args.where, args.query)
        if args.verbose:
            print(f"{sql}\n→ COPY TO {target.out} ({copy_options(target)})", file=sys.stderr)
        result = _with_progress(
            lambda: export(
                settings.warehouse_root(), target, sql, args.force, settings.duckdb_memory_limit,
                lambda rows, total: report("export", rows, total),
            ),
            _shows_bar(args),
        )
    except ExportRefused as exc:
        return _fail(str(exc))
    except duckdb.Error as exc:
        return _fail(f"export failed: {str(exc).splitlines()[0]}")
    _summary(args, f"{result.rows:,} rows to {result.path} ({result.bytes / 1e6:,.1f} MB)")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """Write the warehouse's report: one self-contained HTML page of charts and tables."""
    import duckdb

    from config.settings import Settings
    from flows.progress import report
    from tasks.report import NoWarehouse, ReportRefused, write_report
    from warehouse.doctor import damage_named_in

    root = Path(args.warehouse).expanduser().resolve() if args.warehouse else Settings().warehouse_root()
    done = 0

    def queried(now: int, total: int) -> None:
        nonlocal done
        report("report queries", now - done, total)
        done = now

    try:
        result = _with_progress(lambda: write_report(root, Path(args.out), args.force, queried), _shows_bar(args))
    except (ReportRefused, NoWarehouse) as exc:
        return _fail(str(exc))
    except duckdb.Error as exc:
        if damage := damage_named_in(root, exc):
            return _fail(str(damage))
        raise
    _summary(args, f"report of {result.articles:,} articles written to {result.path} ({result.bytes / 1e3:,.0f} kB)")
    return 0


def _against_server(command: Callable[[], None]) -> int:
    """Run a command that talks to a Prefect server; a server that is missing, down or refuses
    the credentials is one line and exit code 2."""
    from flows.deploy import NoServer

    try:
        command()
    except NoServer as exc:
        return _fail(str(exc))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from flows.deploy import serve_deployments

    return _against_server(lambda: serve_deployments(Path(args.sources) if args.sources else None))


def cmd_deploy(args: argparse.Namespace) -> int:
    from flows.work_pool import deploy_to_pool

    return _against_server(lambda: deploy_to_pool(Path(args.sources) if args.sources else None))


def cmd_worker(args: argparse.Namespace) -> int:
    from flows.work_pool import run_worker

    return _against_server(lambda: run_worker(args.name, args.limit))


def cmd_server(args: argparse.Namespace) -> int:
    from flows import prefect_api

    if args.action == "stop":
        stopped = prefect_api.stop_server()
        print("pressroom server: stopped the background Prefect server" if stopped else "pressroom server: no background server was running")
        return 0
    if args.action == "status":
        state = prefect_api.running_server()
        print(f"pressroom server: background Prefect server at {state['api_url'].removesuffix('/api')} (pid {state['pid']})" if state else "pressroom server: no background server running")
        return 0
    from flows.deploy import run_local_server, run_prefect_server_command, server_start_problem

    if args.action in SERVER_PARTS:
        run_prefect_server_command(SERVER_PARTS[args.action])  # replaces this process
    if problem := server_start_problem(args.host, args.port, args.insecure):
        return _fail(problem)
    run_local_server(args.host, args.port, services=not args.no_services)
    return 0


class _Parser(argparse.ArgumentParser):
    """argparse, with a usage mistake told in one line (like every other bad input)."""

    def error(self, message: str):  # type: ignore[override]
        self.exit(2, f"pressroom: {message} (see: {self.prog} --help)\n")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {value}")
    return value


def cmd_check_env(args: argparse.Namespace) -> int:
    """Refuse placeholder or unusable deployment secrets (docker-compose's `check-env` service)."""
    from config.deploy_env import SECRETS, secret_problems

    present = [name for name in SECRETS if name in os.environ]
    if not present:
        return _fail(f"none of {', '.join(SECRETS)} is set: nothing to check")
    if problems := secret_problems(os.environ):
        return _fail("; ".join(problems))
    print(f"pressroom check-env: {', '.join(present)} set")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The command line's arguments (built without importing pydantic: the first line comes first)."""
    parser = _Parser(
        prog="pressroom",
        description="Fetch, clean, tag and deduplicate articles into a Parquet warehouse queried with DuckDB.",
        epilog=VERBOSITY_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")

    def verbosity(p: argparse.ArgumentParser, default: object) -> None:
        group = p.add_mutually_exclusive_group()
        group.add_argument("-v", "--verbose", action="store_true", default=default, help="Prefect's INFO logs instead of the progress bar")
        group.add_argument("-q", "--quiet", action="store_true", default=default, help="only results and errors: no progress bar, no summary")

    # before or after the command (`pressroom -q ingest` or `pressroom ingest -q`): a command's
    # own options default to SUPPRESS, so they leave what was given before the command alone
    verbosity(parser, False)
    common = argparse.ArgumentParser(add_help=False)
    verbosity(common, argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", required=True, title="commands", metavar="COMMAND")

    def command(name: str, help: str, description: str) -> argparse.ArgumentParser:
        # `help` is the command's line in `pressroom --help` (short enough for one line)
        return sub.add_parser(name, help=help, description=description, parents=[common], epilog=VERBOSITY_HELP,
                              formatter_class=argparse.RawDescriptionHelpFormatter)

    def sources_file_option(p: argparse.ArgumentParser) -> None:
        p.add_argument("--sources", metavar="FILE", help="sources file (default: PRESSROOM_SOURCES or config/sources.toml)")

    def source_options(p: argparse.ArgumentParser) -> None:
        sources_file_option(p)
        p.add_argument("--source", action="append", default=[], metavar="NAME", help="only this source (repeatable)")
        p.add_argument("--limit", type=int, metavar="N", help="at most N inputs")

    def worker_options(p: argparse.ArgumentParser, batch: str | None) -> None:
        p.add_argument("--workers", type=_positive_int, metavar="N", help="processes for CPU-bound stages (default: PRESSROOM_WORKERS, else the number of cores)")
        if batch:
            p.add_argument("--batch-size", type=_positive_int, metavar="N", help=f"{batch} per Prefect task (default: PRESSROOM_BATCH_SIZE, else 200)")

    run = command("run", "ingest, tag and deduplicate: the whole pipeline", "The pipeline: ingest, then the language and dedup flows; prints a summary of each.")
    source_options(run)
    worker_options(run, "inputs (ingest) or articles (languages)")
    run.add_argument("--report", metavar="OUT.html", help="then write the warehouse's report to OUT.html (replaced if it exists)")
    run.set_defaults(func=cmd_run)

    ingest = command("ingest", "fetch and clean the sources, or the given URIs", "The ingest flow alone, on the sources file or on the given URIs.")
    source_options(ingest)
    worker_options(ingest, "inputs")
    ingest.add_argument("uris", nargs="*", metavar="URI", help="files, folders, URLs, feeds, sitemaps, WARC and WET files (local or http(s), streamed)")
    ingest.set_defaults(func=cmd_ingest)

    langs = command("languages", "tag articles with their language and script", "The language flow alone: tag articles without a tag of the current tagger.")
    langs.add_argument("--retag", action="store_true", help="tag every article again")
    worker_options(langs, "articles")
    langs.set_defaults(func=cmd_languages)

    dedup = command("dedup", "group exact copies, near copies and translations", "The dedup flow alone: group exact copies, near copies and translations.")
    dedup.add_argument("--threshold", type=float, default=DEDUP_THRESHOLD, metavar="J", help=f"Jaccard similarity of near duplicates (default {DEDUP_THRESHOLD})")
    worker_options(dedup, None)  # dedup sizes its tasks by DedupSettings.signature_batch
    dedup.set_defaults(func=cmd_dedup)

    sql = command("sql", "a read-only SQL query on the warehouse", "A read-only SQL query on the warehouse's views, as a table, CSV or JSON.")
    sql.add_argument("query", help='e.g. "SELECT title, language FROM articles LIMIT 10"')
    sql.add_argument("--format", choices=["table", "csv", "json"], default="table")
    sql.set_defaults(func=cmd_sql)

    export = command(
        "export", "articles or a query's rows to JSONL, Parquet or CSV",
        "Stream the articles (or a read-only query's rows) to a JSONL, Parquet or CSV file or folder, in bounded memory.",
    )
    export.add_argument("out", metavar="OUT", help="the file to write, or a folder (OUT/) of files of about 500 MB; refused if it exists, unless --force")
    export.add_argument("--format", choices=EXPORT_FORMATS, help="default: from OUT's name (.jsonl .parquet .csv), else jsonl")
    rows = export.add_mutually_exclusive_group()
    rows.add_argument("--where", metavar="EXPR", help="only articles where this SQL expression holds, e.g. \"language = 'de'\"")
    rows.add_argument("--query", metavar="SQL", help="the rows of this read-only SELECT instead of the articles")
    export.add_argument("--unique", action="store_true", help="one article per duplicate group (the unique_articles view)")
    export.add_argument("--compress", choices=EXPORT_COMPRESSIONS, help="default: from OUT's name (.gz .zst), else none; Parquet is always compressed (zstd unless gzip)")
    export.add_argument("--force", action="store_true", help="replace OUT if it exists")
    export.set_defaults(func=cmd_export)

    search = command(
        "search", "full-text search of the latest articles",
        "Full-text search of the latest article versions (BM25), a snippet per hit.",
    )
    search.add_argument("query", help='words to look for, in any language, e.g. "interest rates"')
    search.add_argument("--language", metavar="xx", help="only articles tagged with this language (ISO 639-1, e.g. de)")
    search.add_argument("--site", metavar="S", help="only articles from this site (e.g. www.example.com)")
    search.add_argument("--since", metavar="DATE", help="only articles published on or after DATE (YYYY-MM-DD, UTC)")
    search.add_argument("--limit", type=int, default=10, metavar="N", help="at most N hits (default 10)")
    search.add_argument("--format", choices=["text", "json"], default="text")
    search.set_defaults(func=cmd_search)

    report = command(
        "report", "a self-contained HTML page of charts about the warehouse",
        "Write one HTML page (no network needed to view it) of charts and tables: articles per day by language, "
        "per-source health and alerts, the largest duplicate groups, languages by script. Reads the warehouse only.",
    )
    report.add_argument("out", metavar="OUT.html", help="the file to write; refused if it exists, unless --force")
    report.add_argument("--warehouse", metavar="DIR", help="the warehouse to report on (default: PRESSROOM_WAREHOUSE, else ./data/warehouse)")
    report.add_argument("--force", action="store_true", help="replace OUT.html if it exists")
    report.set_defaults(func=cmd_report)

    doctor = command(
        "doctor", "list damaged, copied and stray warehouse files",
        "List damaged, copied and stray warehouse files; --repair moves them to <warehouse>/_damaged/.",
    )
    doctor.add_argument("--repair", action="store_true", help="move them to <warehouse>/_damaged/<time>/ with a report")
    doctor.set_defaults(func=cmd_doctor)

    serve = command("serve", "serve the deployments to a Prefect server's UI", "Serve the deployments (schedules from the sources file) to a Prefect server and its UI.")
    sources_file_option(serve)
    worker_options(serve, "inputs (ingest) or articles (languages)")
    serve.set_defaults(func=cmd_serve)

    deploy = command(
        "deploy", "register the deployments on a Prefect work pool",
        "Register the deployments (schedules from the sources file) on the Prefect process work pool PRESSROOM_WORK_POOL "
        "(created when absent), for `pressroom worker` processes on any machine to run.",
    )
    sources_file_option(deploy)
    deploy.set_defaults(func=cmd_deploy)

    worker = command(
        "worker", "run flow runs of the work pool (a Prefect worker)",
        "A Prefect process worker on the work pool PRESSROOM_WORK_POOL: it runs the deployments' flow runs as subprocesses.",
    )
    worker.add_argument("--name", help="the worker's name in the UI (default: Prefect's, unique per worker)")
    worker.add_argument("--limit", type=_positive_int, metavar="N", help="at most N flow runs at once on this worker (default: no limit)")
    worker_options(worker, "inputs (ingest) or articles (languages)")
    worker.set_defaults(func=cmd_worker)

    server = command(
        "server", "Prefect's own server and UI on this machine",
        "Start Prefect's own server and UI on this machine (SQLite), or stop or show the background server commands start.",
    )
    server.add_argument(
        "action", nargs="?", choices=["start", "stop", "status", "services", "migrate"], default="start",
        help="start (in the foreground), stop or status of the background server; services: Prefect's background services "
        "alone (beside servers started with --no-services); migrate: upgrade the server's database",
    )
    server.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    server.add_argument("--port", type=int, default=4200, help="port of the UI and API (default: 4200)")
    server.add_argument("--insecure", action="store_true", help="listen beyond loopback without PREFECT_SERVER_API_AUTH_STRING")
    server.add_argument("--no-services", action="store_true", help="the API and UI only: the background services run in `pressroom server services`")
    server.set_defaults(func=cmd_server)

    check = command(
        "check-env", "refuse placeholder deployment secrets",
        "Refuse placeholder or unusable deployment secrets (docker-compose runs it before the database starts).",
    )
    check.set_defaults(func=cmd_check_env)
    return parser


def _override_settings(args: argparse.Namespace) -> None:
    """--workers and --batch-size win over PRESSROOM_WORKERS and PRESSROOM_BATCH_SIZE for this
    command: flows read Settings() from the environment when they start (in this process, and
    in the processes serve starts), so the flags are put there; Settings() then checks them
    (a ValidationError, told in one line by main)."""
    for option, variable in (("workers", "PRESSROOM_WORKERS"), ("batch_size", "PRESSROOM_BATCH_SIZE")):
        value = getattr(args, option, None)
        if value is not None:
            os.environ[variable] = str(value)
    from config.settings import Settings

    Settings()


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `pressroom` command."""
    args = build_parser().parse_args(argv)
    if args.quiet and args.verbose:  # one before the command, one after: argparse sees two groups
        return _fail("-v/--verbose and -q/--quiet exclude each other")
    if args.command not in {"sql", "export", "doctor", "check-env", "search", "report"}:  # the commands that start no Prefect flow
        _configure_prefect(args.command, args.quiet, args.verbose)
    try:
        _override_settings(args)
        if args.command in FLOW_COMMANDS:
            from flows.process_guard import start_guard

            start_guard()  # what this command starts ends with it, however it ends
            _quiet_dask_logs(args.verbose)
            _start_dask_forkserver(args.command)
        elif _takes_remote_lock(args):
            _choose_prefect_api()  # before anything imports Prefect
        # a flow command prints its first line, then chooses the Prefect API before Prefect is imported
        return args.func(args)
    except Interrupted as exc:
        print(f"pressroom: {exc}", file=sys.stderr)
        return 130
    except KeyboardInterrupt:
        print("pressroom: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        if (line := _one_line(exc)) is None:
            raise
        return _fail(line)


def _one_line(exc: Exception) -> str | None:
    """The one line for an error the user can act on (a bad sources file or setting; a damaged,
    read-only or full warehouse), or None for anything else, whose traceback must show. The
    error types are imported only here, when one is raised, so they do not slow every start."""
    import duckdb
    from pydantic import ValidationError

    from config.sources import SourcesError
    from warehouse.doctor import WarehouseDamaged
    from tasks.executor_unavailable import ExecutorUnavailable
    from warehouse.storage import StorageUnreachable

    if isinstance(exc, (SourcesError, WarehouseDamaged, StorageUnreachable, ExecutorUnavailable)):
        return str(exc)
    if isinstance(exc, OSError):
        return _os_error(exc)
    if isinstance(exc, duckdb.Error):
        return _duckdb_disk_error(exc)
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        return f"{'.'.join(map(str, first['loc']))}: {first['msg']}"
    return None


if __name__ == "__main__":
    sys.exit(main())
