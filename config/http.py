"""How web content is fetched: the HTTP client's timeouts, retries, politeness and limits."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class HttpSettings(BaseModel):
    """How politely and patiently web content is fetched."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    connect_timeout: float = Field(10.0, gt=0, description="Seconds to establish a connection (DNS, TCP, TLS).")
    read_timeout: float = Field(20.0, gt=0, description="Seconds to wait for any next bytes of a response.")
    total_timeout: float = Field(60.0, gt=0, description="Seconds one request may take in all, headers and body, so a server trickling bytes cannot hold a slot forever.")
    retries: int = Field(3, ge=0, le=10, description="Further attempts after a connection error, timeout, 429 or 5xx.")
    backoff_base: float = Field(0.5, ge=0, description="Seconds before the first retry; doubles with each further retry.")
    backoff_max: float = Field(30.0, ge=0, description="Upper bound of one backoff wait, in seconds.")
    jitter: float = Field(0.5, ge=0, le=1, description="Random spread of each backoff wait, as a fraction of it (0.5: ±50%).")
    max_retry_after: float = Field(120.0, ge=0, description="Longest Retry-After (seconds) honoured; a server asking for more is given up on for this run.")
    max_redirects: int = Field(10, ge=0, le=50, description="Redirects followed before giving up with `too_many_redirects`.")
    per_host_delay: float = Field(1.0, ge=0, description="Seconds between the starts of two requests to the same host.")
    max_crawl_delay: float = Field(30.0, ge=0, description="Upper bound on a robots.txt Crawl-delay, which otherwise raises the per-host delay.")
    per_host_concurrency: int = Field(2, ge=1, le=64, description="Requests in flight at once to one host.")
    host_limits: Literal["process", "prefect"] = Field(
        "process",
        description="Where per_host_delay and per_host_concurrency hold: `process` (each fetch on its own, the fast path for one "
        "machine) or `prefect` (across every flow run and worker: one run at a time fetches a host, holding a Prefect global "
        "concurrency limit `host:NAME`; `pressroom deploy` sets it for runs on the work pool).",
    )
    global_concurrency: int = Field(32, ge=1, le=1024, description="Requests in flight at once in all.")
    user_agent: str = Field(
        "pressroom/0.1 (news archiver; +https://github.com/pressroom)",
        min_length=1,
        description="User-Agent header; its first token (before '/') is the name matched in robots.txt.",
    )
    max_body_bytes: int = Field(20 * 1024 * 1024, ge=1, description="Largest response body accepted as sent on the wire; larger ones are `too_large`.")
    max_decompressed_bytes: int = Field(50 * 1024 * 1024, ge=1, description="Largest body accepted after gzip/deflate/brotli decoding; decoding stops at this size.")
    max_archive_bytes: int = Field(
        64 * 1024**3,
        ge=1,
        description="Largest WARC or WET file streamed over HTTP (read record by record, never held whole; a Common Crawl "
        "WARC is about 1 GiB): the records before the limit are kept and the rest is one quarantine row `too_large`.",
    )
    archive_base_url: str = Field(
        "https://data.commoncrawl.org/",
        description="What the relative paths of a `warc.paths.gz` / `wet.paths.gz` listing are joined to (Common Crawl's bucket).",
    )
    obey_robots: bool = Field(True, description="Consult robots.txt before every request (switch off only for sites you own).")
    allow_private_addresses: bool = Field(
        False,
        description="Let links found in feeds and sitemaps, and redirects, reach loopback, private and link-local addresses "
        "(intranet crawls). Off: such a URL is quarantined as `forbidden_address` unless it is on the origin the user named.",
    )
