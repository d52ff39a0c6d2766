"""Process-wide settings, read from the environment (prefix `PRESSROOM_`)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from config.health import HealthSettings
from config.http import HttpSettings
from config.object_storage import S3_SCHEME, S3Root, S3Settings, default_cache, parse_s3_root

DEFAULT_SOURCES = Path(__file__).resolve().parent / "sources.toml"


class Settings(BaseSettings):
    """Settings a deployment sets once; per-run choices are flow parameters instead."""

    model_config = SettingsConfigDict(env_prefix="PRESSROOM_", env_nested_delimiter="__", extra="ignore")

    warehouse: str = Field(
        "data/warehouse",
        min_length=1,
        description="Root of the Parquet warehouse: a folder, or `s3://bucket/prefix` (endpoint, region and credentials "
        "from AWS_ENDPOINT_URL, AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY; the bucket must exist).",
    )
    cache: Path = Field(
        default_factory=default_cache,
        description="Local folder for what a warehouse on S3 cannot hold: its DuckDB catalog of views, dedup cache and "
        "search index (under s3/<endpoint>/<bucket>/<prefix>/). Unused for a warehouse folder, which holds them itself.",
    )
    sources: Path = Field(DEFAULT_SOURCES, description="The sources file the `run` and `ingest` commands read by default.")
    batch_size: int = Field(200, ge=1, le=100_000, description="Inputs (ingest) or articles (languages) per Prefect task, where a run's parameters do not say; dedup tasks hold ten DedupSettings.signature_batch batches per worker.")
    workers: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1, description="Processes for CPU-bound stages; 1 runs them in-process.")
    executor: str = Field(
        "processes",
        pattern=r"^(processes|dask-local:[1-9][0-9]*|(dask|tcp|tls)://\S+)$",
        description="Where CPU-bound stages run: `processes` (a pool of `workers` processes here), `dask://HOST:PORT` "
        "(an existing dask.distributed scheduler) or `dask-local:N` (a local Dask cluster of N workers).",
    )
    max_document_bytes: int = Field(20 * 1024 * 1024, ge=1, description="Inputs larger than this are quarantined unread.")
    document_seconds: float = Field(
        60.0, gt=0, description="Time limit for cleaning one document (decode, extract, metadata); a document over it is quarantined as `timeout`."
    )
    duckdb_memory_limit: str = Field("1GB", description="DuckDB's memory cap in the flows' large joins (dedup); it spills to disk beyond.")
    prefect_server: Literal["background", "ephemeral"] = Field(
        "background",
        description="Where commands run their flows when PREFECT_API_URL is not set: `background` starts a local Prefect "
        "server on first use and reuses it (runs show in its UI); `ephemeral` starts one per command.",
    )
    work_pool: str = Field(
        "pressroom",
        min_length=1,
        pattern=r"^[^/%&<>]+$",
        description="The Prefect process work pool `pressroom deploy` registers the deployments on and `pressroom worker` "
        "takes runs from (created when absent).",
    )
    server_idle_minutes: float = Field(60.0, gt=0, description="The background Prefect server stops after this long without a command.")
    http: HttpSettings = Field(
        default_factory=HttpSettings,
        description="The HTTP client's timeouts, retries, politeness and limits (e.g. PRESSROOM_HTTP__USER_AGENT).",
    )

    health: HealthSettings = Field(
        default_factory=HealthSettings,
        description="When a source's figures in an ingest run are reported as far outside its recent runs (e.g. PRESSROOM_HEALTH__HISTORY_RUNS).",
    )

    @field_validator("warehouse")
    @classmethod
    def _warehouse_uri(cls, value: str) -> str:
        if value.startswith(S3_SCHEME):
            parse_s3_root(value, Path("."), S3Settings())  # a malformed URI is one line, not a traceback later
        return value

    def warehouse_root(self) -> Path | S3Root:
        """The warehouse root: an absolute path (views in warehouse.duckdb store absolute paths),
        or an S3Root for `s3://` (ValueError for a malformed one)."""
        if self.warehouse.startswith(S3_SCHEME):
            return parse_s3_root(self.warehouse, self.cache)
        return Path(self.warehouse).expanduser().resolve()
