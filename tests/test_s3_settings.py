"""`PRESSROOM_WAREHOUSE=s3://...` read into an S3Root: the bucket, the prefix, the local folder
for the catalog, the DuckDB secret and the lock names built from it, and secrets never shown."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from pydantic import ValidationError

from config.object_storage import S3Settings, parse_s3_root
from config.settings import Settings
from warehouse.lock import global_limit_name
from warehouse.storage import local_folder, location, s3_secret_sql


def test_an_s3_uri_names_bucket_prefix_and_a_local_folder_per_endpoint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("PRESSROOM_WAREHOUSE", "s3://news-archive/pressroom/prod/")
    monkeypatch.setenv("PRESSROOM_CACHE", str(tmp_path))
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9000")
    root = Settings().warehouse_root()
    assert (root.bucket, root.prefix, root.uri) == ("news-archive", "pressroom/prod", "s3://news-archive/pressroom/prod")
    assert location(root, "articles", "**", "*.parquet") == "s3://news-archive/pressroom/prod/articles/**/*.parquet"
    assert local_folder(root) == tmp_path / "s3" / "127.0.0.1_9000" / "news-archive" / "pressroom" / "prod"
    monkeypatch.delenv("AWS_ENDPOINT_URL")
    assert local_folder(Settings().warehouse_root()) == tmp_path / "s3" / "aws" / "news-archive" / "pressroom" / "prod"
    assert Settings(warehouse="s3://bucket").warehouse_root().prefix == ""


@pytest.mark.parametrize("uri", ["s3://", "s3:///prefix", "s3://bucket/a//b", "s3://bucket/../b", "s3://bucket/p?x=1"])
def test_a_malformed_s3_uri_is_a_settings_error(uri: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("PRESSROOM_WAREHOUSE", uri)
    with pytest.raises(ValidationError, match="warehouse"):
        Settings()


def test_a_local_warehouse_is_still_a_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("PRESSROOM_WAREHOUSE", str(tmp_path / "w"))
    assert Settings().warehouse_root() == tmp_path / "w"


def test_the_duckdb_secret_parses_and_the_secret_key_is_never_shown(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIA'quoted")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "very-secret-value")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://minio.internal:9000")
    s3 = S3Settings()
    assert "very-secret-value" not in repr(s3) + str(s3) + repr(parse_s3_root("s3://b/p", Path("/c"), s3))
    sql = s3_secret_sql(s3, "s3://b/p/")
    assert "ENDPOINT 'minio.internal:9000'" in sql and "URL_STYLE 'path'" in sql and "USE_SSL false" in sql
    (statement,) = duckdb.extract_statements(sql)  # the quote in the key is escaped: one statement
    assert statement.type == duckdb.StatementType.CREATE
    monkeypatch.delenv("AWS_ENDPOINT_URL")
    aws = s3_secret_sql(S3Settings(), "s3://b/p/")
    assert "ENDPOINT" not in aws and "USE_SSL true" in aws


def test_lock_names_are_valid_prefect_names_per_warehouse(tmp_path: Path):
    from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate

    root = parse_s3_root("s3://news-archive/pressroom/prod", tmp_path, S3Settings())
    names = {global_limit_name(root, purpose) for purpose in ("write", "dedup")}
    assert names == {"pressroom-write:news-archive:pressroom:prod", "pressroom-dedup:news-archive:pressroom:prod"}
    for name in names:
        GlobalConcurrencyLimitCreate(name=name, limit=1)  # Prefect refuses '/' in names
    assert global_limit_name(parse_s3_root("s3://other/pressroom/prod", tmp_path, S3Settings()), "write") not in names


def test_an_endpoint_that_does_not_answer_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from prefect_server import free_port
    from warehouse.storage import StorageUnreachable, check_reachable

    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{free_port()}")  # nobody listens there
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "key")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    root = parse_s3_root("s3://bucket/prefix", tmp_path, S3Settings())
    with pytest.raises(StorageUnreachable, match=r"^cannot use the warehouse s3://bucket/prefix: cannot connect to http://127\.0\.0\.1:\d+"):
        check_reachable(root)


def test_doctor_repair_of_an_s3_warehouse_takes_its_lock_from_the_flows_prefect_api(monkeypatch: pytest.MonkeyPatch):
    from flows.cli import _takes_remote_lock, build_parser

    parse = build_parser().parse_args
    monkeypatch.setenv("PRESSROOM_WAREHOUSE", "s3://bucket/prefix")
    assert _takes_remote_lock(parse(["doctor", "--repair"]))
    assert not _takes_remote_lock(parse(["doctor"])) and not _takes_remote_lock(parse(["sql", "SELECT 1"]))
    monkeypatch.setenv("PRESSROOM_WAREHOUSE", "data/warehouse")  # a folder's lock is a file
    assert not _takes_remote_lock(parse(["doctor", "--repair"]))
