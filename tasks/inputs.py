"""Turning declared sources and command-line URIs into the list of inputs to fetch."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

from config.sources import FileSource, FolderSource, Source, SourcesError, load_sources
from tasks.records import Format, InputRef, QuarantineRecord
from tasks.stage import StageOutput, StageStats

FORMAT_BY_SUFFIX: dict[str, Format] = {
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
}


def format_for_path(path: Path) -> Format | None:
    """The document format a file's extension implies, or None for unsupported files."""
    return FORMAT_BY_SUFFIX.get(path.suffix.lower())


def _is_hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def _folder_files(source: FolderSource) -> list[Path]:
    root = source.path
    chosen: set[Path] = set()
    for pattern in source.include:
        chosen.update(p for p in root.glob(pattern) if p.is_file() and not _is_hidden(p, root))
    for pattern in source.exclude:
        for match in root.glob(pattern):
            # a pattern ending in '**' matches folders: exclude what they hold
            chosen.difference_update(match.rglob("*") if match.is_dir() else [match])
    return sorted(chosen)


def file_inputs(source: Source, default_max_bytes: int) -> tuple[list[InputRef], list[QuarantineRecord]]:
    """Inputs of a `file` or `folder` source; a missing path or unsupported file is quarantined.

    Hidden files and folders (names starting with '.') inside a folder are not inputs: they are
    version-control and editor state, not articles.
    """
    max_bytes = source.max_bytes or default_max_bytes
    if isinstance(source, FileSource):
        paths = [source.path]
    elif isinstance(source, FolderSource):
        if not source.path.is_dir():
            return [], [QuarantineRecord(source.name, str(source.path), "discover", "not_found", "folder does not exist")]
        paths = _folder_files(source)
    else:
        raise TypeError(f"not a local source: {source.kind}")
    refs: list[InputRef] = []
    quarantined: list[QuarantineRecord] = []
    for path in paths:
        fmt = format_for_path(path)
        if fmt is None:
            quarantined.append(
                QuarantineRecord(
                    source.name,
                    str(path),
                    "discover",
                    "unsupported_format",
                    f"extension {path.suffix or '(none)'!r} is not one of {', '.join(sorted(FORMAT_BY_SUFFIX))}",
                )
            )
            continue
        refs.append(InputRef(source.name, str(path), "file", fmt, max_bytes))
    return refs, quarantined


def sources_for_uris(uris: list[str], name: str = "cli") -> list[Source]:
    """Sources for URIs given on the command line or in a flow run's parameters.

    Local folders become `folder` sources, other local paths `file` sources.
    """
    sources: list[Source] = []
    for uri in uris:
        path = Path(uri).expanduser().resolve()
        if path.is_dir():
            sources.append(FolderSource(name=name, kind="folder", path=path))
        else:
            sources.append(FileSource(name=name, kind="file", path=path))
    return sources


def plan_inputs(sources: list[Source], default_max_bytes: int) -> StageOutput[InputRef]:
    """Every input of the given sources (stage `discover`); sources that cannot be listed and
    files of unsupported formats are quarantined."""
    started = time.perf_counter()
    refs: list[InputRef] = []
    quarantined: list[QuarantineRecord] = []
    for source in sources:
        if isinstance(source, (FileSource, FolderSource)):
            found, failed = file_inputs(source, default_max_bytes)
        else:
            found, failed = [], [
                QuarantineRecord(source.name, getattr(source, "url", "") or str(getattr(source, "path", "")), "discover",
                                 "unsupported_source_kind", f"source kind {source.kind!r} is not supported by this version")
            ]
        refs += found
        quarantined += failed
    stats = StageStats("discover", docs_in=len(refs) + len(quarantined), docs_out=len(refs),
                       quarantined=Counter(q.error for q in quarantined), seconds=time.perf_counter() - started)
    return StageOutput(refs, quarantined, stats)


def choose_sources(uris: list[str], names: list[str], sources_file: Path) -> list[Source]:
    """The sources a run reads: the given URIs if any, else the named (or all enabled) sources
    of the sources file. An unknown source name is an error naming it."""
    if uris:
        return sources_for_uris(uris)
    declared = load_sources(sources_file).source
    if not names:
        return [s for s in declared if s.enabled]
    unknown = sorted(set(names) - {s.name for s in declared})
    if unknown:
        raise SourcesError(f"{sources_file}: no source named {', '.join(map(repr, unknown))}")
    return [s for s in declared if s.name in names]
