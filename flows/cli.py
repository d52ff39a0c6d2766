"""The `pressroom` command line."""

from __future__ import annotations

import argparse
import errno
import os
import sys
from pathlib import Path

# Offline-safe Prefect defaults (see docs/architecture.md); a user's own settings win.
PREFECT_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
}


def _configure_prefect(quiet: bool = True) -> None:
    for key, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(key, value)
    if quiet:
        # task-run chatter would break the progress bar; the summary is printed at the end
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")


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


def _quiet_interrupt_logs() -> None:
    """Prefect logs a run stopped by Ctrl-C as crashed, at ERROR; the command says it in one line."""
    import logging

    def not_an_interrupt(record: logging.LogRecord) -> bool:
        return "interrupt signal" not in record.getMessage()

    for name in ("prefect.flow_runs", "prefect.task_runs"):
        logging.getLogger(name).addFilter(not_an_interrupt)


class Interrupted(Exception):
    """Ctrl-C during a command; the message says how far it got."""


def _fail(message: str) -> int:
    print(f"pressroom: {message}", file=sys.stderr)
    return 2


def _with_progress(run):
    """Call `run()` while showing a progress bar fed by flows.progress."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from flows.progress import set_reporter

    progress = Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        transient=True, disable=not sys.stderr.isatty(), console=None,
    )
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


def _check_sources(args: argparse.Namespace) -> None:
    """Validate the sources file and source names before a flow starts, so a mistake is one
    line here rather than a failed flow run (raises SourcesError)."""
    from config.http import HttpSettings
    from config.settings import Settings
    from tasks.fetch import choose_sources

    choose_sources([], args.source, Path(args.sources) if args.sources else Settings().sources, HttpSettings())


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
        print(f"{uri}: {'web resource (its content type will tell)' if kind == AMBIGUOUS else kind}", file=sys.stderr)
    params = IngestParameters(uris=args.uris, sources=args.source, sources_file=args.sources, limit=args.limit)
    summary = _with_progress(lambda: ingest(params))
    print(summary.to_text())
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from flows.parameters import IngestParameters
    from flows.pipeline import PipelineParameters, pipeline

    _check_sources(args)
    params = PipelineParameters(ingest=IngestParameters(sources=args.source, sources_file=args.sources, limit=args.limit))
    _check_warehouse()
    summaries = _with_progress(lambda: pipeline(params))
    print("\n".join(s.to_text() for s in summaries))
    return 0


def cmd_languages(args: argparse.Namespace) -> int:
    from flows.language import languages
    from flows.parameters import LanguageParameters

    _check_warehouse()
    summary = _with_progress(lambda: languages(LanguageParameters(retag=args.retag)))
    print(summary.to_text())
    return 0


def cmd_dedup(args: argparse.Namespace) -> int:
    from config.dedup import DedupSettings
    from flows.dedup import dedup
    from flows.parameters import DedupParameters

    _check_warehouse()
    summary = _with_progress(lambda: dedup(DedupParameters(settings=DedupSettings(threshold=args.threshold))))
    print(summary.to_text())
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
    """Prepare the warehouse as a flow run starts, before the flow: a damaged or read-only
    warehouse is then one line here instead of a failed run's log (the flow prepares it too,
    for runs started from the UI or a schedule)."""
    from config.settings import Settings
    from flows.recorded_run import prepare_warehouse

    prepare_warehouse(Settings().warehouse_root())


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
    from flows.deploy import run_local_server

    run_local_server(args.host, args.port)
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The command line's arguments, with defaults read from the settings models."""
    from config.dedup import DedupSettings

    parser = argparse.ArgumentParser(
        prog="pressroom",
        description="Fetch, clean, tag and deduplicate articles into a Parquet warehouse queried with DuckDB.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def source_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--sources", metavar="FILE", help="sources file (default: PRESSROOM_SOURCES or config/sources.toml)")
        p.add_argument("--source", action="append", default=[], metavar="NAME", help="only this source (repeatable)")
        p.add_argument("--limit", type=int, metavar="N", help="at most N inputs")

    run = sub.add_parser("run", help="the pipeline: ingest, then the other flows; prints a summary")
    source_options(run)
    run.set_defaults(func=cmd_run)

    ingest = sub.add_parser("ingest", help="the ingest flow alone, on the sources file or on the given URIs")
    source_options(ingest)
    ingest.add_argument("uris", nargs="*", metavar="URI", help="files, folders, URLs, feeds, sitemaps, WARC files")
    ingest.set_defaults(func=cmd_ingest)

    langs = sub.add_parser("languages", help="the language flow alone: tag articles without a current tag")
    langs.add_argument("--retag", action="store_true", help="tag every article again")
    langs.set_defaults(func=cmd_languages)

    dedup = sub.add_parser("dedup", help="the dedup flow alone: group exact copies, near copies and translations")
    threshold = DedupSettings.model_fields["threshold"].default
    dedup.add_argument("--threshold", type=float, default=threshold, metavar="J", help=f"Jaccard similarity of near duplicates (default {threshold})")
    dedup.set_defaults(func=cmd_dedup)

    sql = sub.add_parser("sql", help="a read-only SQL query on the warehouse")
    sql.add_argument("query", help='e.g. "SELECT title, language FROM articles LIMIT 10"')
    sql.add_argument("--format", choices=["table", "csv", "json"], default="table")
    sql.set_defaults(func=cmd_sql)

    search = sub.add_parser("search", help="full-text search of the latest article versions (BM25), a snippet per hit")
    search.add_argument("query", help='words to look for, in any language, e.g. "interest rates"')
    search.add_argument("--language", metavar="xx", help="only articles tagged with this language (ISO 639-1, e.g. de)")
    search.add_argument("--site", metavar="S", help="only articles from this site (e.g. www.example.com)")
    search.add_argument("--since", metavar="DATE", help="only articles published on or after DATE (YYYY-MM-DD, UTC)")
    search.add_argument("--limit", type=int, default=10, metavar="N", help="at most N hits (default 10)")
    search.add_argument("--format", choices=["text", "json"], default="text")
    search.set_defaults(func=cmd_search)

    doctor = sub.add_parser("doctor", help="list damaged, copied and stray warehouse files; --repair moves them to <warehouse>/_damaged/")
    doctor.add_argument("--repair", action="store_true", help="move them to <warehouse>/_damaged/<time>/ with a report")
    doctor.set_defaults(func=cmd_doctor)

    serve = sub.add_parser("serve", help="serve the deployments (schedules from the sources file) to a Prefect server and its UI")
    serve.add_argument("--sources", metavar="FILE", help="sources file (default: PRESSROOM_SOURCES or config/sources.toml)")
    serve.set_defaults(func=cmd_serve)

    server = sub.add_parser(
        "server", help="Prefect's own server and UI on this machine (SQLite); `stop`/`status` for the background one commands start"
    )
    server.add_argument("action", nargs="?", choices=["start", "stop", "status"], default="start", help="start (in the foreground), stop or status of the background server")
    server.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    server.add_argument("--port", type=int, default=4200, help="port of the UI and API (default: 4200)")
    server.set_defaults(func=cmd_server)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `pressroom` command."""
    args = build_parser().parse_args(argv)
    if args.command not in {"sql", "doctor", "search"}:
        # serve and server show Prefect's INFO logs (they are what the UI shows of each run)
        _configure_prefect(quiet=args.command not in {"serve", "server"})
    if args.command in FLOW_COMMANDS:
        _choose_prefect_api()
    import duckdb
    from pydantic import ValidationError

    from config.sources import SourcesError
    from warehouse.doctor import WarehouseDamaged

    try:
        return args.func(args)
    except (SourcesError, WarehouseDamaged) as exc:
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
