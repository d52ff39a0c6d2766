"""Inputs of `file` and `folder` sources: the local files to read, and their formats."""

from __future__ import annotations

from pathlib import Path, PurePath

from config.sources import FileSource, FolderSource
from tasks.fetch.globs import matching_files
from tasks.fetch.plan import PlanContext, Planned
from tasks.identity import path_text
from tasks.records import Format, InputRef, QuarantineRecord

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


def file_inputs(source: FileSource | FolderSource, context: PlanContext) -> Planned:
    """Inputs of a `file` or `folder` source; a missing path or unsupported file is quarantined.

    Hidden files and folders (names starting with '.') inside a folder are not inputs: they are
    version-control and editor state, not articles.
    """
    max_bytes = source.max_bytes or context.default_max_bytes
    if isinstance(source, FolderSource):
        if not source.path.is_dir():
            return [], [QuarantineRecord(source.name, path_text(source.path), "discover", "not_found", "folder does not exist")]
        paths = matching_files(source.path, source.include, source.exclude)
    else:
        paths = [source.path]
    refs: list[InputRef] = []
    quarantined: list[QuarantineRecord] = []
    for path in paths:
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
    return refs, quarantined
