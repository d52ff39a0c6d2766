"""DuckDB extensions load from their installed wheels and work, and no connection pressroom
opens would download one."""

from __future__ import annotations

import io
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from web_server import Reply, WebServer, web_server_fixture  # noqa: F401 - provides the `web_server` fixture

from warehouse.catalog import connect
from warehouse.engine import open_database
from warehouse.extensions import ExtensionMissing, extension_file, load_extension
from warehouse.scratch import scratch_connection


@pytest.fixture
def con(tmp_path: Path):
    """An in-memory connection as pressroom opens them, with an empty extension directory of its
    own: an extension that got installed (downloaded) rather than loaded would land there."""
    connection = open_database()
    connection.execute("SET extension_directory = ?", [str(tmp_path / "extensions")])
    yield connection
    connection.close()
    assert not (tmp_path / "extensions").exists()


def _loaded(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return con.execute("SELECT loaded FROM duckdb_extensions() WHERE extension_name = ?", [name]).fetchall() == [(True,)]


def test_the_extension_files_are_the_wheels_builds_for_this_duckdb() -> None:
    for name in ("fts", "httpfs"):
        path = extension_file(name)
        assert path.parts[-3:] == ("extensions", f"v{duckdb.__version__}", f"{name}.duckdb_extension")
        assert path.parent.parent.parent.name == f"duckdb_extension_{name}"


def test_fts_loads_and_ranks_with_bm25(con: duckdb.DuckDBPyConnection) -> None:
    load_extension(con, "fts")
    assert _loaded(con, "fts")
    con.execute("CREATE TABLE docs (id INTEGER, body VARCHAR)")
    con.execute(
        "INSERT INTO docs VALUES (1, 'Clinics ran out of vaccines on Monday'), (2, 'The harbour reopened after the storm'),"
        " (3, 'A vaccine for the new strain is months away, and vaccines for the old one help little')"
    )
    con.execute("PRAGMA create_fts_index('docs', 'id', 'body')")
    ranked = con.execute(
        """SELECT id FROM (SELECT id, fts_main_docs.match_bm25(id, 'vaccine') AS score FROM docs)
           WHERE score IS NOT NULL ORDER BY score DESC"""
    ).fetchall()
    assert ranked == [(3,), (1,)]  # stemmed: "vaccines" matches "vaccine"; the harbour does not


def test_httpfs_loads_and_reads_parquet_over_http(con: duckdb.DuckDBPyConnection, web_server: WebServer) -> None:
    parquet = io.BytesIO()
    pq.write_table(pa.table({"n": list(range(1, 101))}), parquet)
    web_server.add("/numbers.parquet", Reply(200, parquet.getvalue(), headers={"Content-Type": "application/octet-stream"}))
    url = web_server.url("/numbers.parquet")
    assert url.startswith("http://127.0.0.1:")
    load_extension(con, "httpfs")
    assert _loaded(con, "httpfs")
    assert con.execute("SELECT count(*), sum(n) FROM read_parquet(?)", [url]).fetchall() == [(100, 5050)]
    assert web_server.requests_to("/numbers.parquet")


def test_without_loading_an_http_read_fails_instead_of_downloading(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(duckdb.Error, match="httpfs") as raised:
        con.execute("SELECT * FROM read_parquet('http://127.0.0.1:9/none.parquet')")
    assert "download" not in str(raised.value).lower()
    assert not _loaded(con, "httpfs")


def test_an_extension_without_a_package_names_the_package() -> None:
    with pytest.raises(ExtensionMissing, match="duckdb-extension-spatial is not installed"):
        extension_file("spatial")
    with pytest.raises(ValueError):
        extension_file("../fts")


def test_a_duckdb_the_wheel_was_not_built_for_gets_the_pin_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    """DuckDB moved on without its extension wheels: the error says which wheel version fits."""
    monkeypatch.setattr(duckdb, "__version__", "9.9.9")
    with pytest.raises(ExtensionMissing, match=r"no build for DuckDB 9\.9\.9 \(install duckdb-extension-fts==9\.9\.9\)"):
        extension_file("fts")


def test_connections_pressroom_opens_never_install_extensions(warehouse: Path) -> None:
    catalog = connect(warehouse)
    try:
        assert catalog.execute("SELECT current_setting('autoinstall_known_extensions')").fetchall() == [(False,)]
    finally:
        catalog.close()
    with scratch_connection() as scratch:
        assert scratch.execute("SELECT current_setting('autoinstall_known_extensions')").fetchall() == [(False,)]
