"""Progress reporting from flows to whoever started them (the command line shows a bar)."""

from __future__ import annotations

from collections.abc import Callable

Reporter = Callable[[str, int, int | None], None]
_reporter: Reporter | None = None


def set_reporter(reporter: Reporter | None) -> None:
    """Install the callback `(phase, advance, total)` that receives progress; None removes it."""
    global _reporter
    _reporter = reporter


def report(phase: str, advance: int = 0, total: int | None = None) -> None:
    """Tell the reporter, if any, that `advance` more items of `total` in `phase` are done."""
    if _reporter is not None:
        _reporter(phase, advance, total)
