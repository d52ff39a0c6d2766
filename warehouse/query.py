"""Read-only SQL on the warehouse, formatted as a table, CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import duckdb

from warehouse.catalog import connect
from warehouse.display_width import display_width, pad, truncate

OutputFormat = Literal["table", "csv", "json"]
# Statement types that only read. Everything else (INSERT, CREATE, COPY, ATTACH, SET, ...) is refused.
READ_ONLY_STATEMENTS = {"SELECT", "EXPLAIN", "PRAGMA"}


class QueryRefused(ValueError):
    """A statement that would write or change state; `pressroom sql` is read-only."""


def check_read_only(sql: str) -> None:
    """Raise QueryRefused unless every statement in `sql` only reads."""
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise duckdb.ParserException(str(exc).splitlines()[0]) from None
    if not statements:
        raise QueryRefused("no SQL statement given")
    for statement in statements:
        kind = statement.type.name
        if kind not in READ_ONLY_STATEMENTS:
            raise QueryRefused(f"pressroom sql is read-only: {kind} statements are refused")


def run_query(root: Path, sql: str) -> tuple[list[str], list[tuple]]:
    """Run a read-only query on the warehouse views; returns column names and rows."""
    check_read_only(sql)
    con = connect(root)
    try:
        cursor = con.execute(sql)
        columns = [d[0] for d in cursor.description or []]
        return columns, cursor.fetchall()
    finally:
        con.close()


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def format_rows(columns: list[str], rows: list[tuple], output: OutputFormat, max_width: int = 60) -> str:
    """Rows as text: an aligned table, CSV with a header, or a JSON array of objects."""
    if output == "json":
        return json.dumps([dict(zip(columns, map(_jsonable, row))) for row in rows], ensure_ascii=False, indent=1)
    if output == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([json.dumps(_jsonable(v), ensure_ascii=False) if isinstance(v, (list, dict)) else _jsonable(v) for v in row])
        return buffer.getvalue().rstrip("\n")

    def cell(value: Any) -> str:
        text = "NULL" if value is None else str(_jsonable(value)) if not isinstance(value, str) else value
        return truncate(" ".join(text.split()), max_width)

    # widths in terminal columns, not characters: Chinese takes two per character, Thai and
    # Devanagari marks none (warehouse/display_width.py)
    cells = [[cell(v) for v in row] for row in rows]
    widths = [max([display_width(c)] + [display_width(r[i]) for r in cells]) for i, c in enumerate(columns)]
    line = lambda values: " | ".join(pad(v, w) for v, w in zip(values, widths))  # noqa: E731
    out = [line(columns), "-+-".join("-" * w for w in widths)] + [line(r) for r in cells]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)
