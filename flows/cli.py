"""The `pressroom` command line."""

from __future__ import annotations

import argparse
import errno
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tasks.run_summary import RunSummary

# Offline-safe Prefect defaults (see docs/architecture.md); a user's own settings win.
PREFECT_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
}


# Prefect's log level by command and verbosity (-q, default, -v). serve and server show INFO by
# default: their logs are what the UI shows of each run. The flow commands log warnings only,
# since task-run chatter would break the progress bar; their summary is printed at the end.
LOG_LEVELS = {"serve": ("WARNING", "INFO", "DEBUG"), "server": ("WARNING", "INFO", "DEBUG")}
FLOW_LOG_LEVELS = ("ERROR", "WARNING", "INFO")
# Choices of `pressroom export` (warehouse/export.py's FORMATS and COMPRESSIONS; a test checks
# they agree): named here so the parser is built without importing DuckDB and pyarrow.
EXPORT_FORMATS = ("jsonl", "parquet", "csv")
EXPORT_COMPRESSIONS = ("gzip", "zstd")

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


# Commands that run flows, and so need a Prefect API.
FLOW_COMMANDS = frozenset({"run", "ingest", "languages", "dedup"})


def _choose_prefect_api() -> None:
    """Point this command at a running Prefect server (starting pressroom's background one on
    first use) before Prefect is imported; see flows/prefect_api.py."""
    from config.settings import Settings
    from flows.prefect_api import choose_api

    settings = Settings()
    api = choose_api(settings.prefect_server, settings.server_idle_minutes, lambda line: print(f"pressroom: {line}", file=sys.stderr, flush=True))
    if api.how == "reused" and sys.stderr.isatty():
        print(f"pressroom: Prefect server at {api.url.removesuffix('/api')}", file=sys.stderr, flush=True)


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


def _quiet_interrupt_logs() -> None:
    """Prefect logs a run stopped by Ctrl-C as crashed, and one whose Dask scheduler is gone with
    its traceback, at ERROR; the command says either in one line."""
    import logging

    from tasks.executor_unavailable import ExecutorUnavailable

    def not_said_in_one_line(record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return "interrupt signal" not in message and ExecutorUnavailable.__name__ not in message

    for name in ("prefect.flow_runs", "prefect.task_runs"):
        logging.getLogger(name).addFilter(not_said_in_one_line)


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


def _with_progress(run, show: bool = True):
    """Call `run()` while showing the progress bar (if `show`), fed by flows.progress."""
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
    _quiet_interrupt_logs()
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


def _check_sources(args: argparse.Namespace) -> None:
    """Validate the sources file and source names before a flow starts, so a mistake is one
    line here rather than a failed flow run (raises SourcesError)."""
    from config.http import HttpSettings
    from config.settings import Settings
    from tasks.fetch import choose_sources

    choose_sources([], args.source, Path(args.sources) if args.sources else Settings().sources, HttpSettings())


def _ingest_outcome(summary: RunSummary, uris: list[str], names: list[str]) -> int:
    """The exit status of a command whose ingest run gave `summary`: 1, with a line saying why
    and where to look, when it read nothing at all (see flows.ingest.nothing_ingested); else 0,
    with a line saying so when nothing was new."""
    from flows.ingest_outcome import nothing_ingested, unchanged_inputs

    if why := nothing_ingested(summary, uris):
        sources = ["cli"] if uris else names  # the source name of command-line URIs
        quoted = ", ".join("'" + n.replace("'", "''") + "'" for n in sources)
        where = f" WHERE source IN ({quoted})" if sources else ""
        look = f'; see `pressroom sql "SELECT uri, stage, error, detail FROM quarantine{where}"`' if summary.quarantined else ""
        print(f"pressroom: {why}{look}", file=sys.stderr)
        return 1
    if not summary.rows_added["articles"] and (unchanged := unchanged_inputs(summary)):
        print(f"nothing new: {unchanged} input{'s' * (unchanged != 1)} unchanged since last read")
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    from flows.ingest import ingest
    from flows.parameters import IngestParameters
    from tasks.fetch import AMBIGUOUS, guess_uri_kind

    if not args.uris:
        _check_sources(args)
    for uri in args.uris:
        if "://" not in uri and not Path(uri).expanduser().exists():
            return _fail(f"no such file or folder: {uri}")
    _check_warehouse()
    for uri in args.uris:
        kind = guess_uri_kind(uri)
        if not args.quiet:
            print(f"{uri}: {'web resource (its content type will tell)' if kind == AMBIGUOUS else kind}", file=sys.stderr)
    params = IngestParameters(uris=args.uris, sources=args.source, sources_file=args.sources, limit=args.limit)
    summary = _with_progress(lambda: ingest(params), _shows_bar(args))
    _summary(args, summary.to_text())
    return _ingest_outcome(summary, args.uris, args.source)


def cmd_run(args: argparse.Namespace) -> int:
    from flows.parameters import IngestParameters
    from flows.pipeline import PipelineParameters, pipeline

    _check_sources(args)
    params = PipelineParameters(ingest=IngestParameters(sources=args.source, sources_file=args.sources, limit=args.limit))
    _check_warehouse()
    summaries = _with_progress(lambda: pipeline(params), _shows_bar(args))
    _summary(args, "\n".join(s.to_text() for s in summaries))
    return _ingest_outcome(summaries[0], [], args.source)


def cmd_languages(args: argparse.Namespace) -> int:
    from flows.language import languages
    from flows.parameters import LanguageParameters

    _check_warehouse()
    summary = _with_progress(lambda: languages(LanguageParameters(retag=args.retag)), _shows_bar(args))
    _summary(args, summary.to_text())
    return 0


def cmd_dedup(args: argparse.Namespace) -> int:
    from config.dedup import DedupSettings
    from flows.dedup import dedup
    from flows.parameters import DedupParameters

    _check_warehouse()
    summary = _with_progress(lambda: dedup(DedupParameters(settings=DedupSettings(threshold=args.threshold))), _shows_bar(args))
    _summary(args, summary.to_text())
    return 0


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
        print(f"moved {len(findings)} file{'s' * (len(findings) != 1)} to {report.parent} (why: {report})")
    else:
        print(f"run `pressroom doctor --repair` to move {'them' if len(findings) != 1 else 'it'} to {root / DAMAGED}/")
        return 1
    return 0


def _check_warehouse() -> None:
    """Prepare the warehouse before a flow starts, as the flow will: a damaged or read-only one
    is then one line here instead of a failed run's log. Staging leftovers are cleared only if no
    writer holds the warehouse lock (a running writer may hold it a while: the flow's own start
    waits for it)."""
    from config.settings import Settings
    from warehouse.catalog import ensure_catalog
    from warehouse.doctor import check_readable
    from warehouse.writer import clear_staging

    root = Settings().warehouse_root()
    ensure_catalog(root)
    clear_staging(root, wait=False)
    check_readable(root)


def _os_error(exc: OSError) -> str | None:
    """One line for a warehouse that cannot be written (read-only, not ours, full); else None."""
    if exc.errno not in {errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC, errno.EDQUOT}:
        return None
    where = f" ({exc.filename})" if exc.filename else ""
    return f"cannot write the warehouse: {exc.strerror or exc}{where}"


_DISK_ERRORS = ("Read-only file system", "Permission denied", "No space left on device", "Disk quota exceeded")


def _duckdb_disk_error(exc: Exception) -> str | None:
    """One line for a DuckDB error that is the disk's (read-only, not ours, full); else None."""
    first = str(exc).splitlines()[0]
    return f"cannot write the warehouse: {first}" if any(text in first for text in _DISK_ERRORS) else None


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


def cmd_serve(args: argparse.Namespace) -> int:
    from flows.deploy import NoServer, serve_deployments

    try:
        serve_deployments(Path(args.sources) if args.sources else None)
    except NoServer as exc:
        return _fail(str(exc))
    return 0


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
    from flows.deploy import run_local_server, server_start_problem

    if problem := server_start_problem(args.host, args.port, args.insecure):
        return _fail(problem)
    run_local_server(args.host, args.port)
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
    """The command line's arguments, with defaults read from the settings models."""
    from config.dedup import DedupSettings

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

    def source_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--sources", metavar="FILE", help="sources file (default: PRESSROOM_SOURCES or config/sources.toml)")
        p.add_argument("--source", action="append", default=[], metavar="NAME", help="only this source (repeatable)")
        p.add_argument("--limit", type=int, metavar="N", help="at most N inputs")

    def worker_options(p: argparse.ArgumentParser, batch: str | None) -> None:
        p.add_argument("--workers", type=_positive_int, metavar="N", help="processes for CPU-bound stages (default: PRESSROOM_WORKERS, else the number of cores)")
        if batch:
            p.add_argument("--batch-size", type=_positive_int, metavar="N", help=f"{batch} per Prefect task (default: PRESSROOM_BATCH_SIZE, else 200)")

    run = command("run", "ingest, tag and deduplicate: the whole pipeline", "The pipeline: ingest, then the language and dedup flows; prints a summary of each.")
    source_options(run)
    worker_options(run, "inputs (ingest) or articles (languages)")
    run.set_defaults(func=cmd_run)

    ingest = command("ingest", "fetch and clean the sources, or the given URIs", "The ingest flow alone, on the sources file or on the given URIs.")
    source_options(ingest)
    worker_options(ingest, "inputs")
    ingest.add_argument("uris", nargs="*", metavar="URI", help="files, folders, URLs, feeds, sitemaps, WARC files")
    ingest.set_defaults(func=cmd_ingest)

    langs = command("languages", "tag articles with their language and script", "The language flow alone: tag articles without a tag of the current tagger.")
    langs.add_argument("--retag", action="store_true", help="tag every article again")
    worker_options(langs, "articles")
    langs.set_defaults(func=cmd_languages)

    dedup = command("dedup", "group exact copies, near copies and translations", "The dedup flow alone: group exact copies, near copies and translations.")
    threshold = DedupSettings.model_fields["threshold"].default
    dedup.add_argument("--threshold", type=float, default=threshold, metavar="J", help=f"Jaccard similarity of near duplicates (default {threshold})")
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

    doctor = command(
        "doctor", "list damaged, copied and stray warehouse files",
        "List damaged, copied and stray warehouse files; --repair moves them to <warehouse>/_damaged/.",
    )
    doctor.add_argument("--repair", action="store_true", help="move them to <warehouse>/_damaged/<time>/ with a report")
    doctor.set_defaults(func=cmd_doctor)

    serve = command("serve", "serve the deployments to a Prefect server's UI", "Serve the deployments (schedules from the sources file) to a Prefect server and its UI.")
    serve.add_argument("--sources", metavar="FILE", help="sources file (default: PRESSROOM_SOURCES or config/sources.toml)")
    worker_options(serve, "inputs (ingest) or articles (languages)")
    serve.set_defaults(func=cmd_serve)

    server = command(
        "server", "Prefect's own server and UI on this machine",
        "Start Prefect's own server and UI on this machine (SQLite), or stop or show the background server commands start.",
    )
    server.add_argument("action", nargs="?", choices=["start", "stop", "status"], default="start", help="start (in the foreground), stop or status of the background server")
    server.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    server.add_argument("--port", type=int, default=4200, help="port of the UI and API (default: 4200)")
    server.add_argument("--insecure", action="store_true", help="listen beyond loopback without PREFECT_SERVER_API_AUTH_STRING")
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
    if args.command not in {"sql", "export", "doctor", "check-env", "search"}:  # the commands that start no Prefect flow
        _configure_prefect(args.command, args.quiet, args.verbose)
    import duckdb
    from pydantic import ValidationError

    from config.sources import SourcesError
    from tasks.executor_unavailable import ExecutorUnavailable
    from warehouse.doctor import WarehouseDamaged

    try:
        _override_settings(args)
        if args.command in FLOW_COMMANDS:
            _choose_prefect_api()  # before anything imports Prefect
            _quiet_dask_logs(args.verbose)
        return args.func(args)
    except (SourcesError, WarehouseDamaged, ExecutorUnavailable) as exc:
        return _fail(str(exc))
    except OSError as exc:
        if (line := _os_error(exc)) is None:
            raise
        return _fail(line)
    except duckdb.Error as exc:
        if (line := _duckdb_disk_error(exc)) is None:
            raise
        return _fail(line)
    except ValidationError as exc:
        first = exc.errors()[0]
        return _fail(f"{'.'.join(map(str, first['loc']))}: {first['msg']}")
    except Interrupted as exc:
        print(f"pressroom: {exc}", file=sys.stderr)
        return 130
    except KeyboardInterrupt:
        print("pressroom: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
