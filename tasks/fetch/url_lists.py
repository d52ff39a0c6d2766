"""Inputs of `urls` sources: page URLs given inline or in a file, one per line."""

from __future__ import annotations

from config.sources import UrlsSource
from tasks.fetch.plan import PlanContext, Planned
from tasks.identity import path_text, url_text
from tasks.records import InputRef, QuarantineRecord


def url_inputs(source: UrlsSource, context: PlanContext) -> Planned:
    """The source's URLs (blank lines and `#` comments in its file skipped); an unreadable file
    is quarantined."""
    urls = list(source.urls)
    if source.file is not None:
        try:
            # a byte that is not UTF-8 reaches the URL percent-encoded, not as a crash
            lines = url_text(source.file.read_text(encoding="utf-8", errors="surrogateescape")).splitlines()
        except OSError as exc:
            return [], [QuarantineRecord(source.name, path_text(source.file), "discover", "not_found", exc.strerror or str(exc))]
        urls += [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    return [InputRef(source.name, u, "url", None, source.max_bytes, source.obey_robots) for u in urls], []
