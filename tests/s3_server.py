"""A real S3 endpoint for tests: `moto_server` on a free 127.0.0.1 port, a bucket in it, and the
AWS variables that point pressroom (and boto3, pyarrow, DuckDB) at it."""

from __future__ import annotations

import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from prefect_server import free_port, running, wait_for

MOTO_SERVER = Path(sys.executable).with_name("moto_server")
ACCESS_KEY, SECRET_KEY, REGION = "pressroom-test-key", "pressroom-test-secret", "us-east-1"


@dataclass
class S3Server:
    """A running moto server: its endpoint and the environment that reaches it."""

    endpoint: str

    def environment(self) -> dict[str, str]:
        """The AWS variables pressroom reads, pointing at this server."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_REGION": REGION,
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        }

    def client(self):
        """A boto3 S3 client of this server (for creating buckets and looking at keys)."""
        import boto3

        return boto3.client(
            "s3", endpoint_url=self.endpoint, region_name=REGION, aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY
        )

    def create_bucket(self, name: str) -> None:
        self.client().create_bucket(Bucket=name)

    def keys(self, bucket: str, prefix: str = "") -> list[str]:
        """Every key under `prefix` in `bucket`, sorted."""
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", []))


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


@contextmanager
def s3_server(workdir: Path, timeout: float = 60) -> Iterator[S3Server]:
    """`moto_server` on 127.0.0.1 (in-memory: its buckets go with it), stopped on exit."""
    port = free_port()
    log = workdir / "moto-server.log"
    with running([str(MOTO_SERVER), "-H", "127.0.0.1", "-p", str(port)], {"PATH": "/usr/bin:/bin"}, log) as process:
        wait_for(lambda: _listening(port) or process.poll() is not None, timeout, "moto server listening", log)
        if process.poll() is not None:
            raise RuntimeError(f"moto server exited with {process.returncode}")
        yield S3Server(f"http://127.0.0.1:{port}")
