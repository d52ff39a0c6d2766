"""`pressroom report`: one self-contained HTML page of charts and tables about the warehouse."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from tasks.report.page import render_page
from warehouse.catalog import NoWarehouse, require_warehouse
from warehouse.report_data import read_report_data
from warehouse.storage import WarehouseRoot


class ReportRefused(ValueError):
    """A report that must not be written: OUT exists (without force), lies in the warehouse, or
    its folder is missing."""


@dataclass(frozen=True)
class ReportResult:
    """What a report wrote."""

    path: Path
    bytes: int
    articles: int


def check_place(root: WarehouseRoot, out: Path, force: bool = False) -> None:
    """Raise ReportRefused unless a report may be written to `out`: not over an existing file
    without `force`, not over a folder, in a folder that exists, outside the warehouse (whose
    folders the views read)."""
    out = out.expanduser().absolute()
    if out.exists() and not force:
        raise ReportRefused(f"{out} exists; add --force to replace it")
    if out.is_dir():
        raise ReportRefused(f"{out} is a folder; name the HTML file to write")
    if not out.parent.is_dir():
        raise ReportRefused(f"no such folder: {out.parent}")
    if isinstance(root, Path) and out.resolve().is_relative_to(root):  # S3: nothing local to overwrite
        raise ReportRefused(f"{out} is inside the warehouse {root}; write it elsewhere")


def write_report(root: WarehouseRoot, out: Path, force: bool = False, progress: Callable[[int, int], None] | None = None) -> ReportResult:
    """Write the report of the warehouse at `root` to `out`, reading the warehouse only;
    `progress(done, total)` is told as the queries are done.

    OUT appears whole or not at all (written beside it, then renamed). Raises ReportRefused
    (see `check_place`), and NoWarehouse when `root` holds no warehouse."""
    out = out.expanduser().absolute()
    check_place(root, out, force)
    require_warehouse(root)
    data = read_report_data(root, progress)
    page = render_page(data, root, datetime.now(timezone.utc))
    staging = out.with_name(f".{out.name}.{os.getpid()}.partial")
    try:
        staging.write_text(page, encoding="utf-8", errors="replace")  # a lone surrogate must not lose the page
        os.replace(staging, out)
    except BaseException:
        staging.unlink(missing_ok=True)
        raise
    return ReportResult(out, out.stat().st_size, data.overview.articles)


__all__ = ["NoWarehouse", "ReportRefused", "ReportResult", "check_place", "write_report"]
