"""Where a warehouse on object storage is (`PRESSROOM_WAREHOUSE=s3://bucket/prefix`) and how to
reach it: endpoint, region and credentials from the usual AWS variables (`AWS_ENDPOINT_URL`,
`AWS_REGION`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`), so the same
environment serves pressroom, the AWS command line and boto3."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

S3_SCHEME = "s3://"


class S3Settings(BaseSettings):
    """How to reach S3 or an S3-compatible store (MinIO, Ceph, moto); the secrets are SecretStr,
    so a printed or logged settings object shows `**********`."""

    model_config = SettingsConfigDict(env_prefix="AWS_", extra="ignore", frozen=True)

    endpoint_url: str | None = Field(None, description="An S3-compatible endpoint (http://host:port); AWS's own when unset.")
    region: str = Field("us-east-1", validation_alias=AliasChoices("AWS_REGION", "AWS_DEFAULT_REGION"), description="The bucket's region.")
    access_key_id: str | None = Field(None, description="The access key; unset means anonymous access.")
    secret_access_key: SecretStr | None = Field(None, description="The secret key of the access key.")
    session_token: SecretStr | None = Field(None, description="A temporary session's token, if any.")

    def endpoint_host(self) -> str | None:
        """`host:port` of a custom endpoint (what DuckDB's secret and pyarrow take), or None for AWS."""
        if not self.endpoint_url:
            return None
        return urlsplit(self.endpoint_url).netloc or None

    def uses_tls(self) -> bool:
        """Whether the endpoint is reached over HTTPS (AWS always; a custom one by its scheme)."""
        return not self.endpoint_url or urlsplit(self.endpoint_url).scheme != "http"


@dataclass(frozen=True)
class S3Root:
    """A warehouse root on S3: the bucket, the key prefix its tables live under (no slashes at
    either end; may be empty), how to reach it, and the local folder for what cannot live in S3
    (the DuckDB catalog of views, the dedup cache, the search index)."""

    bucket: str
    prefix: str
    s3: S3Settings
    local: Path

    @property
    def uri(self) -> str:
        """`s3://bucket/prefix`, as the user wrote it."""
        return f"{S3_SCHEME}{self.bucket}/{self.prefix}".rstrip("/")

    def __str__(self) -> str:
        return self.uri

    def key(self, *parts: str) -> str:
        """`bucket/prefix/part/...`: a location as pyarrow's S3 filesystem names it."""
        return "/".join(p for p in (self.bucket, self.prefix, *parts) if p)

    def url(self, *parts: str) -> str:
        """`s3://bucket/prefix/part/...`: a location as DuckDB names it."""
        return S3_SCHEME + self.key(*parts)


def default_cache() -> Path:
    """Where local copies of derived data go by default: `$XDG_CACHE_HOME/pressroom`, else
    `~/.cache/pressroom`."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "pressroom"


def parse_s3_root(uri: str, cache: Path, s3: S3Settings | None = None) -> S3Root:
    """The S3Root of `s3://bucket/prefix`; its local folder is
    `<cache>/s3/<endpoint host:port, or aws>/<bucket>/<prefix>`, so two warehouses (or one bucket
    name on two endpoints) never share a catalog. Raises ValueError for a URI without a bucket."""
    parts = urlsplit(uri)
    if parts.scheme != "s3" or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(f"not an S3 warehouse URI (s3://bucket/prefix): {uri}")
    prefix = parts.path.strip("/")
    if prefix and any(p in ("", ".", "..") for p in prefix.split("/")):
        raise ValueError(f"S3 warehouse prefix has an empty, '.' or '..' part: {uri}")
    s3 = s3 or S3Settings()
    endpoint = (s3.endpoint_host() or "aws").replace(":", "_")
    return S3Root(parts.netloc, prefix, s3, cache.expanduser().resolve() / "s3" / endpoint / parts.netloc / prefix)
