"""Inputs of `file` and `folder` sources: the local files to read, and their formats."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path, PurePath

from config.sources import FileSource, FolderSource
from tasks.fetch.globs import matching_files
from tasks.fetch.plan import PlanContext, Planned
from tasks.identity import path_text
from tasks.records import Format, InputRef, QuarantineRecord
from warehouse.known import stored_validators

FORMAT_BY_SUFFIX: dict[str, Format] = {
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
}


def format_for_path(path: PurePath) -> Format | None:
    """The document format a file's extension implies, or None for unsupported files.

    A gzip-compressed file (`story.html.gz`) has the format of the name inside it; it is
    decompressed when read.
    """
    suffixes = [s.lower() for s in path.suffixes]
    if len(suffixes) >= 2 and suffixes[-1] == ".gz":
        return FORMAT_BY_SUFFIX.get(suffixes[-2])
    return FORMAT_BY_SUFFIX.get(path.suffix.lower())


def file_validator(stat: os.stat_result) -> str:
    """A file's validator, stored as its version's `etag`: size and modification time, as web
    servers make ETags for files. Equal validators mean an unchanged file; the content hash
    stays the truth whenever they differ."""
    return f'W/"{stat.st_size:x}-{stat.st_mtime_ns:x}"'


def file_inputs(source: FileSource | FolderSource, context: PlanContext) -> Planned:
    """Inputs of a `file` or `folder` source; a missing path or unsupported file is quarantined.

    Hidden files and folders (names starting with '.') inside a folder are not inputs: they are
    version-control and editor state, not articles. A file whose size and modification time are
    those of its stored version is not an input either (counted as `unchanged`): a rerun over
    an unchanged folder reads no file.
    """
    max_bytes = source.max_bytes or context.default_max_bytes
    if isinstance(source, FolderSource):
        if not source.path.is_dir():
            return [], [QuarantineRecord(source.name, path_text(source.path), "discover", "not_found", "folder does not exist")]
    refs: list[InputRef] = []
    quarantined: list[QuarantineRecord] = []
    for path in _paths(source):
        fmt = format_for_path(path)
        if fmt is None:
            quarantined.append(
                QuarantineRecord(
                    source.name,
                    path_text(path),
                    "discover",
                    "unsupported_format",
                    f"extension {path.suffix or '(none)'!r} is not one of {', '.join(sorted(FORMAT_BY_SUFFIX))} (or one of them + .gz)",
                )
            )
            continue
        refs.append(InputRef(source.name, str(path), "file", fmt, max_bytes))
    return _changed(refs, context), quarantined


def modified_after(sources: list[FileSource | FolderSource], moment: datetime) -> bool:
    """Whether an input file of `sources` was modified after `moment`, stopping at the first
    found. With `moment` the end of the newest recorded run (`warehouse.known.last_run_end`),
    such a file is one no recorded run read as it is now: there is work, without asking the
    warehouse for every file's stored validator."""
    after = moment.timestamp()
    for source in sources:
        for path in _paths(source):
            if format_for_path(path) is None:
                continue
            try:
                if path.stat().st_mtime > after:
                    return True
            except OSError:
                continue  # the plan quarantines it
    return False


def _paths(source: FileSource | FolderSource) -> list[Path]:
    """The files a source names: a folder's matching files (none when it does not exist), or the
    file itself."""
    if isinstance(source, FolderSource):
        return matching_files(source.path, source.include, source.exclude) if source.path.is_dir() else []
    return [source.path]


def _changed(refs: list[InputRef], context: PlanContext) -> list[InputRef]:
    """The refs whose file differs from its stored version by size or modification time."""
    stored = stored_validators(context.root, [path_text(r.uri) for r in refs])
    if not stored:
        return refs
    changed = []
    for ref in refs:
        try:
            unchanged = stored.get(path_text(ref.uri)) == file_validator(os.stat(ref.uri))
        except OSError:
            unchanged = False  # the fetch stage names what is wrong with it
        if unchanged:
            context.counts["unchanged"] += 1
        else:
            changed.append(ref)
    return changed
