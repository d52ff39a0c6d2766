"""The warehouse on S3: a real `moto_server` on 127.0.0.1 stands in for the object store. The
pipeline with the warehouse there and its CPU stages on a Dask LocalCluster stores the rows a
local run stores; `pressroom sql` and a plain DuckDB client (with the documented commands) query
it; a rerun adds nothing; two ingest processes writing at once store every article once (the
write lock is then a Prefect global concurrency limit); a missing bucket is one line."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from pathlib import Path

import duckdb
import pytest

from conftest import EXAMPLES
from prefect_server import PRESSROOM, PROJECT, clean_environment
from s3_server import S3Server, s3_server
from test_concurrent_runs import ingests_at_once
from tests.announced import errors_only
from tests.corpus_factory import write_corpus
from tests.warehouse_factory import table_rows
from warehouse.extensions import extension_file
from warehouse.query import run_query

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("prefect_harness"), pytest.mark.timeout(900)]

ROWS = {
    "articles": "SELECT article_id, doc_id, title, authors, published_at, text FROM article_versions ORDER BY article_id",
    "languages": "SELECT article_id, language, confidence, script FROM languages ORDER BY article_id",
    "duplicates": "SELECT article_id, dup_group, dup_kind, is_canonical FROM articles ORDER BY article_id",
}


@pytest.fixture(scope="module")
def s3(tmp_path_factory: pytest.TempPathFactory):
    with s3_server(tmp_path_factory.mktemp("moto")) as server:
        yield server


@pytest.fixture
def s3_uri(s3: S3Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh bucket; this process's environment points pressroom at `s3://<bucket>/warehouse`."""
    bucket = f"pressroom-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(bucket)
    for name, value in s3.environment().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("PRESSROOM_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("PRESSROOM_WAREHOUSE", f"s3://{bucket}/warehouse")
    return f"s3://{bucket}/warehouse"


def _pipeline(monkeypatch: pytest.MonkeyPatch, warehouse: str, executor: str, workers: int = 1):
    from config.settings import Settings
    from flows.parameters import IngestParameters
    from flows.pipeline import PipelineParameters, pipeline

    monkeypatch.setenv("PRESSROOM_WAREHOUSE", warehouse)
    monkeypatch.setenv("PRESSROOM_EXECUTOR", executor)
    monkeypatch.setenv("PRESSROOM_WORKERS", str(workers))
    summaries = pipeline(PipelineParameters(ingest=IngestParameters(uris=[str(EXAMPLES)], batch_size=6)))
    assert [s.status for s in summaries] == ["completed"] * 3
    root = Settings().warehouse_root()
    return root, summaries, {name: run_query(root, sql)[1] for name, sql in ROWS.items()}


def test_the_pipeline_on_s3_and_dask_stores_the_rows_of_a_local_run(
    s3: S3Server, s3_uri: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    _, _, local = _pipeline(monkeypatch, str(tmp_path / "local"), "processes")
    root, _, remote = _pipeline(monkeypatch, s3_uri, "dask-local:2", workers=2)
    assert len(local["articles"]) > 10 and any(group for _, group, *_ in local["duplicates"])
    for name in ROWS:
        assert remote[name] == local[name], name

    # parts went straight to their keys under the prefix: no staging, nothing beside it
    keys = s3.keys(root.bucket)
    assert keys and all(k.startswith("warehouse/") for k in keys)
    assert not [k for k in keys if "_staging" in k or not k.endswith(".parquet")]
    # the catalog is local, and holds views, never the secret
    catalog = tmp_path / "cache" / "s3" / s3.endpoint.removeprefix("http://").replace(":", "_") / root.bucket / "warehouse" / "warehouse.duckdb"
    assert catalog.is_file()
    assert s3.environment()["AWS_SECRET_ACCESS_KEY"].encode() not in catalog.read_bytes()

    # a rerun adds nothing, on a machine that has none of the local files yet (the catalog, the
    # dedup cache and the search index are rebuilt from the bucket)
    shutil.rmtree(catalog.parent)
    _, again, rows = _pipeline(monkeypatch, s3_uri, "processes")
    assert catalog.is_file() and (catalog.parent / "_dedup").is_dir() and (catalog.parent / "_search").is_dir()
    assert [sum(s.rows_added.values()) for s in again] == [0, 0, 0]
    assert rows == remote
    assert len(s3.keys(root.bucket, "warehouse/runs/")) == 1 + 6  # the schema file and one row per flow run

    # `pressroom sql` answers from another process, with the same environment
    env = clean_environment(**s3.environment(), PRESSROOM_WAREHOUSE=s3_uri, PRESSROOM_CACHE=str(tmp_path / "cache"))
    sql = subprocess.run(
        [str(PRESSROOM), "sql", "--format", "csv", "SELECT count(*) AS n, count(language) AS tagged FROM articles"],
        env=env, cwd=PROJECT, capture_output=True, text=True, timeout=300,
    )
    assert sql.returncode == 0, sql.stderr
    assert sql.stdout.split() == ["n,tagged", f"{len(local['articles'])},{len(local['articles'])}"]
    assert sql.stderr == ""  # no secret, and no note from the S3 client at exit

    # an export reads the S3 warehouse as `sql` does
    from warehouse.export import export, plan_target, select_sql

    exported = export(root, plan_target(str(tmp_path / "articles.jsonl")), select_sql())
    assert exported.rows == len(local["articles"]) and len((tmp_path / "articles.jsonl").read_text().splitlines()) == exported.rows

    # a DuckDB client given the same credentials, as docs/scaling.md tells (httpfs loaded from the
    # installed wheel here: this machine cannot download it)
    client = duckdb.connect()
    client.execute(f"LOAD '{extension_file('httpfs')}'")
    client.execute(
        "CREATE SECRET (TYPE s3, KEY_ID ?, SECRET ?, REGION ?, ENDPOINT ?, URL_STYLE 'path', USE_SSL false)".replace("?", "'{}'").format(
            env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"], env["AWS_REGION"], s3.endpoint.removeprefix("http://")
        )
    )
    client.execute(f"ATTACH '{catalog}' AS warehouse (READ_ONLY)")
    assert client.execute("SELECT count(*) FROM warehouse.articles").fetchall() == [(len(local["articles"]),)]
    client.close()


def test_a_missing_bucket_is_one_line(s3: S3Server, tmp_path: Path):
    env = clean_environment(**s3.environment(), PRESSROOM_WAREHOUSE="s3://no-such-bucket/warehouse", PRESSROOM_CACHE=str(tmp_path))
    for command in (["sql", "SELECT 1"], ["ingest", str(EXAMPLES)]):
        done = subprocess.run([str(PRESSROOM), *command], env=env, cwd=PROJECT, capture_output=True, text=True, timeout=300)
        assert done.returncode == 2, done.stderr
        assert errors_only(done.stderr.strip().splitlines(), command) == [
            "pressroom: cannot use the warehouse s3://no-such-bucket/warehouse: bucket no-such-bucket does not exist (create it first)"
        ]


def test_two_ingests_into_one_s3_warehouse_store_each_article_once(s3: S3Server, s3_uri: str, tmp_path: Path):
    from prefect.settings import PREFECT_API_URL

    from config.settings import Settings
    from warehouse.catalog import ensure_catalog

    shared = write_corpus(tmp_path / "shared", 40, seed=1)
    only_a = write_corpus(tmp_path / "only-a", 10, seed=2)
    only_b = write_corpus(tmp_path / "only-b", 10, seed=3)
    root = Settings().warehouse_root()
    api_url = PREFECT_API_URL.value()  # the harness's server: both processes take the lock from it
    env = clean_environment(
        **s3.environment(), PREFECT_API_URL=api_url, PRESSROOM_WAREHOUSE=s3_uri, PRESSROOM_CACHE=str(tmp_path / "cache"),
        PRESSROOM_BATCH_SIZE="5", PRESSROOM_WORKERS="1",
    )
    ensure_catalog(root)
    commands = {name: [str(PRESSROOM), "ingest", str(tmp_path / "shared"), str(tmp_path / own)] for name, own in (("a", "only-a"), ("b", "only-b"))}
    ingests_at_once(root, commands, env, tmp_path, api_url)  # holds the warehouse's global limit until both run

    expected = {str(p) for p in shared + only_a + only_b}
    (count, distinct), = run_query(root, "SELECT count(*), count(DISTINCT article_id) FROM read_parquet("
                                   f"'{s3_uri}/articles/**/*.parquet')")[1]
    assert (count, distinct) == (len(expected), len(expected))  # every part file, not the views' one-per-key
    assert {uri for (uri,) in run_query(root, "SELECT uri FROM articles")[1]} == expected
    (docs,), = run_query(root, f"SELECT count(*) FROM read_parquet('{s3_uri}/documents/**/*.parquet')")[1]
    assert docs == len(expected)
    runs = run_query(root, "SELECT started_at, finished_at, rows_added['articles'] FROM runs ORDER BY started_at")[1]
    (start_1, end_1, added_1), (start_2, _, added_2) = runs
    assert start_2 < end_1, "the runs did not overlap: nothing was tested"
    assert added_1 + added_2 == len(expected)


def test_doctor_finds_and_moves_damaged_copied_and_stray_objects(s3: S3Server, s3_uri: str):
    from config.settings import Settings
    from warehouse.catalog import ensure_catalog
    from warehouse.doctor import WarehouseDamaged, check_readable, damage_named_in, examine, repair
    from warehouse.schemas import ARTICLES
    from warehouse.writer import append_new_rows

    root = Settings().warehouse_root()
    ensure_catalog(root)
    for start in (0, 5):
        append_new_rows(root, ARTICLES, table_rows(ARTICLES, 5, start), "ingest_date=2026-01-02")
    first, second = [k for k in s3.keys(root.bucket, "warehouse/articles/") if "/part-" in k]
    client = s3.client()
    body = client.get_object(Bucket=root.bucket, Key=first)["Body"].read()
    client.put_object(Bucket=root.bucket, Key=first, Body=body[: len(body) // 2])  # a damaged upload
    client.copy_object(Bucket=root.bucket, Key=second.replace("/part-", "/part-copy-"), CopySource={"Bucket": root.bucket, "Key": second})
    client.put_object(Bucket=root.bucket, Key="warehouse/runs/notes.txt", Body=b"x")
    relative = lambda key: key.removeprefix("warehouse/")  # noqa: E731
    expected = {relative(first): "damaged", relative(second.replace("/part-", "/part-copy-")): "copy", "runs/notes.txt": "stray"}

    check_readable(root)  # a flow's start does not read every object on S3 (a PUT is whole)...
    with pytest.raises(duckdb.Error) as failed:
        run_query(root, "SELECT count(*) FROM article_versions")
    assert isinstance(damage_named_in(root, failed.value), WarehouseDamaged)  # ...a read names the object
    assert {f.path: f.problem for f in examine(root)} == expected

    findings, report = repair(root)
    assert {f.path: f.problem for f in findings} == expected
    assert report.startswith(f"{s3_uri}/_damaged/") and report.endswith("/report.txt")
    moved = s3.keys(root.bucket, "warehouse/_damaged/")
    assert sorted(k.split("/", 3)[3] for k in moved) == sorted([*expected, "report.txt"])
    assert examine(root) == []
    assert run_query(root, "SELECT count(*) FROM article_versions")[1] == [(5,)]

