"""Read-only SQL on the warehouse, formatted as a table, CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

import duckdb

from warehouse.catalog import ensure_catalog, require_warehouse
from warehouse.display_width import display_width, pad, truncate
from warehouse.engine import open_database
from warehouse.storage import WarehouseRoot, configure_duckdb, is_remote, location, sql_literal

OutputFormat = Literal["table", "csv", "json"]
# `EXPLAIN`, `EXPLAIN ANALYZE` and `EXPLAIN (options)` in front of the statement they explain.
_EXPLAIN = re.compile(r"EXPLAIN\s+(?:ANALY[SZ]E\s+)?(?:\([^()]*\)\s*)?", re.IGNORECASE)
_LEADING_KEYWORD = re.compile(r"(?:FORCE\s+)?[A-Z]+", re.IGNORECASE)
QUERY_DATABASE = "warehouse"  # the name the catalog file is attached under in a query's database


class QueryRefused(ValueError):
    """A statement that is not a plain read; `pressroom sql` runs one SELECT and nothing else."""


def _statement_name(statement: duckdb.Statement) -> str:
    """What a user calls the statement (`INSTALL`, `PRAGMA`, `RESET`): DuckDB's statement types
    lump several together (INSTALL is a LOAD statement, PRAGMA x = y a SET statement)."""
    keyword = _LEADING_KEYWORD.match(statement.query.lstrip())
    name = " ".join(keyword.group(0).upper().split()) if keyword else ""
    return statement.type.name if name in ("", "WITH") else name


def _one_statement(sql: str) -> duckdb.Statement:
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise duckdb.ParserException(str(exc).splitlines()[0]) from None
    if not statements:
        raise QueryRefused("no SQL statement given")
    if len(statements) > 1:
        raise QueryRefused(f"pressroom sql is read-only and runs one statement at a time; got {len(statements)}")
    return statements[0]


def check_read_only(sql: str) -> None:
    """Raise QueryRefused unless `sql` is one SELECT (DESCRIBE, SHOW, SUMMARIZE, VALUES and
    FROM-first queries parse as SELECT) or an EXPLAIN of one.

    Allowed by what the statement is, not refused by a list of what it might be: whatever DuckDB
    adds later is refused until someone decides it only reads. EXPLAIN ANALYZE runs the
    statement it explains (`EXPLAIN ANALYZE COPY ... TO` writes the file), so the explained
    statement is parsed again and must itself be a SELECT.
    """
    statement = _one_statement(sql)
    if statement.type == duckdb.StatementType.EXPLAIN:
        explained = _EXPLAIN.match(statement.query)
        try:
            inner = _one_statement(statement.query[explained.end():]) if explained else None
        except (duckdb.ParserException, QueryRefused):
            inner = None  # an EXPLAIN form this does not take apart (a comment inside it): refused
        if inner is None or inner.type != duckdb.StatementType.SELECT:
            what = _statement_name(inner) if inner is not None else "that"
            raise QueryRefused(f"pressroom sql is read-only: EXPLAIN of {what} statements is refused")
        return
    if statement.type != duckdb.StatementType.SELECT:
        hint = " (use SELECT * FROM pragma_<name>(...), DESCRIBE or SHOW)" if _statement_name(statement) == "PRAGMA" else ""
        raise QueryRefused(f"pressroom sql is read-only: {_statement_name(statement)} statements are refused{hint}")
    for name in _table_functions(statement.query):
        if _STATE_CHANGING_TABLE_FUNCTION.match(name):
            raise QueryRefused(f"pressroom sql is read-only: {name}() changes DuckDB's state and is refused")


# Table functions that act rather than read (`enable_logging` writes log files, `checkpoint`
# writes a database): DuckDB flags side effects on scalar functions only, and the locked
# configuration does not stop these in DuckDB 1.5.
_STATE_CHANGING_TABLE_FUNCTION = re.compile(r"^(?:enable|disable|truncate|force|checkpoint)", re.IGNORECASE)


def _table_functions(sql: str) -> list[str]:
    """The names of the table functions a SELECT calls, anywhere in it (subqueries, CTEs)."""
    con = open_database()
    try:
        tree = json.loads(con.execute("SELECT json_serialize_sql(?)", [sql]).fetchall()[0][0])
    finally:
        con.close()
    names: list[str] = []
    stack: list[Any] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if node.get("type") == "TABLE_FUNCTION" and isinstance(node.get("function"), dict):
                names.append(str(node["function"].get("function_name", "")))
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return names


def query_connection(root: WarehouseRoot) -> duckdb.DuckDBPyConnection:
    """A connection for a user's query: a database of its own with the catalog attached
    read-only, which may read files under the warehouse root only and whose settings cannot be
    changed (so a statement that slipped past `check_read_only` still cannot load an extension,
    reach the network or another file, or turn these guards off).

    Its own in-memory database, not the catalog file opened directly: DuckDB shares one database
    per file within a process, and these settings would otherwise bind a flow's connection too.
    For S3, httpfs and the secret are set up first, and the files it may read are those under
    the warehouse's prefix.
    """
    require_warehouse(root)
    catalog = ensure_catalog(root)
    con = open_database()
    try:
        con.execute(f"ATTACH {sql_literal(str(catalog))} AS {QUERY_DATABASE} (READ_ONLY)")
        con.execute(f"USE {QUERY_DATABASE}")
        con.execute("SET TimeZone = 'UTC'")
        con.execute("SET enable_progress_bar = false")
        configure_duckdb(con, root)
        con.execute(f"SET allowed_directories = [{sql_literal(location(root) + ('/' if is_remote(root) else os.sep))}]")
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
    except BaseException:
        con.close()
        raise
    return con


def run_query(root: WarehouseRoot, sql: str) -> tuple[list[str], list[tuple]]:
    """Run a read-only query on the warehouse views; returns column names and rows."""
    check_read_only(sql)
    con = query_connection(root)
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
