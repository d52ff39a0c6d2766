"""Where the warehouse's files are: a local folder (a `Path`) or a bucket and prefix on S3 (an
`S3Root`). The modules that list, read or write table files ask here, so a flow or stage never
knows which it got.

On S3, files are written straight to their final keys (a PUT is atomic: a reader sees the
whole object or none, so there is no staging file to rename) through pyarrow's S3 filesystem,
and DuckDB reads them through its httpfs extension (loaded from the installed wheel, never
downloaded) with a secret built from the same AWS settings. The secret is created per
connection, in memory: it is never written to a DuckDB file.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path
from collections.abc import Iterator
from typing import BinaryIO

import duckdb
import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from config.object_storage import S3Root, S3Settings
from warehouse.extensions import load_extension

WarehouseRoot = Path | S3Root
SECRET_NAME = "pressroom_s3"


class StorageUnreachable(RuntimeError):
    """The S3 warehouse cannot be used: no such bucket, credentials refused, endpoint down."""


@dataclass(frozen=True)
class StoredFile:
    """A file of the warehouse: its name relative to the root (`articles/.../part-x.parquet`),
    size in bytes and modification time (seconds since the epoch)."""

    name: str
    size: int
    mtime: float


def is_remote(root: WarehouseRoot) -> bool:
    """Whether the warehouse is on object storage (no file locks, no staging renames)."""
    return isinstance(root, S3Root)


def location(root: WarehouseRoot, *parts: str) -> str:
    """A file or folder of the warehouse as DuckDB and pyarrow name it: an absolute path, or an
    `s3://` URL."""
    if isinstance(root, S3Root):
        return root.url(*parts)
    return str(root.joinpath(*parts))


def local_folder(root: WarehouseRoot) -> Path:
    """The local folder for the warehouse's derived files (catalog, dedup cache, search index):
    the root itself, or for S3 the cache folder keyed by the warehouse's URI."""
    return root.local if isinstance(root, S3Root) else root


@functools.cache
def s3_filesystem(s3: S3Settings) -> pafs.S3FileSystem:
    """pyarrow's S3 filesystem for these settings, one per process (it keeps connections)."""
    return pafs.S3FileSystem(
        access_key=s3.access_key_id,
        secret_key=s3.secret_access_key.get_secret_value() if s3.secret_access_key else None,
        session_token=s3.session_token.get_secret_value() if s3.session_token else None,
        anonymous=s3.access_key_id is None,
        region=s3.region,
        endpoint_override=s3.endpoint_url,
        # the SDK's defaults (1 s to connect, 3 s a request) fail a loaded machine's large PUT
        connect_timeout=10,
        request_timeout=120,
    )


def _s3_error(root: S3Root, exc: OSError) -> StorageUnreachable:
    message = str(exc)
    if "NO_SUCH_BUCKET" in message or "NoSuchBucket" in message:
        reason = f"bucket {root.bucket} does not exist (create it first)"
    elif any(word in message for word in ("ACCESS_DENIED", "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "Forbidden")):
        reason = "access denied (check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)"
    elif any(word in message for word in ("NETWORK_CONNECTION", "Couldn't connect", "Could not connect", "curlCode")):
        reason = f"cannot connect to {root.s3.endpoint_url or 'AWS'} (check AWS_ENDPOINT_URL)"
    else:
        reason = message.splitlines()[0] if message else type(exc).__name__
    return StorageUnreachable(f"cannot use the warehouse {root.uri}: {reason}")


def check_reachable(root: WarehouseRoot) -> None:
    """Raise StorageUnreachable (one line) unless the S3 bucket exists and the credentials may
    reach it (one HEAD request); nothing for a local folder."""
    if not isinstance(root, S3Root):
        return
    try:
        bucket = s3_filesystem(root.s3).get_file_info(root.bucket)
    except OSError as exc:
        raise _s3_error(root, exc) from None
    if bucket.type == pafs.FileType.NotFound:
        raise StorageUnreachable(f"cannot use the warehouse {root.uri}: bucket {root.bucket} does not exist (create it first)")


def list_files(root: WarehouseRoot, folder: str) -> list[StoredFile]:
    """Every file under `folder` (relative to the root), at any depth, sorted by name; none when
    the folder does not exist."""
    if isinstance(root, S3Root):
        base = root.key()
        try:
            infos = s3_filesystem(root.s3).get_file_info(pafs.FileSelector(root.key(folder), recursive=True, allow_not_found=True))
        except OSError as exc:
            raise _s3_error(root, exc) from None
        files = [
            StoredFile(i.path[len(base) + 1:] if base else i.path, i.size or 0, i.mtime.timestamp() if i.mtime else 0.0)
            for i in infos
            if i.type == pafs.FileType.File
        ]
        return sorted(files, key=lambda f: f.name)
    files = []
    for name, entry in _walk(root / folder, folder.strip("/")):
        try:
            stat = entry.stat(follow_symlinks=True)
        except FileNotFoundError:
            continue  # moved aside meanwhile (doctor --repair)
        files.append(StoredFile(name, stat.st_size, stat.st_mtime))
    return sorted(files, key=lambda f: f.name)


def list_names(root: WarehouseRoot, folder: str) -> list[str]:
    """The names of the files under `folder` (as `list_files` gives them), without their sizes
    and times: locally no `stat` per file, which on a table of 5,000 parts is most of the cost
    of listing it (and every write lists its table)."""
    if isinstance(root, S3Root):
        return [f.name for f in list_files(root, folder)]
    return sorted(name for name, _ in _walk(root / folder, folder.strip("/")))


def _walk(path: Path, name: str) -> Iterator[tuple[str, os.DirEntry]]:
    """`(name relative to the root, entry)` of each file under the folder `path` (named `name`).
    `os.scandir` knows an entry's type without a `stat`."""
    try:
        entries = list(os.scandir(path))
    except (FileNotFoundError, NotADirectoryError):
        return
    for entry in entries:
        try:
            if entry.is_dir(follow_symlinks=False):
                yield from _walk(Path(entry.path), f"{name}/{entry.name}")
            elif entry.is_file(follow_symlinks=True):
                yield f"{name}/{entry.name}", entry
        except FileNotFoundError:
            continue  # moved aside meanwhile (doctor --repair)


def exists(root: WarehouseRoot, name: str) -> bool:
    """Whether the file `name` (relative to the root) exists."""
    if isinstance(root, S3Root):
        try:
            return s3_filesystem(root.s3).get_file_info(root.key(name)).type == pafs.FileType.File
        except OSError as exc:
            raise _s3_error(root, exc) from None
    return (root / name).is_file()


def parquet_file(root: WarehouseRoot, name: str) -> pq.ParquetFile:
    """The Parquet file `name` (relative to the root), opened for its footer and row groups."""
    if isinstance(root, S3Root):
        return pq.ParquetFile(root.key(name), filesystem=s3_filesystem(root.s3))
    return pq.ParquetFile(root / name)


def open_input(root: WarehouseRoot, name: str) -> BinaryIO:
    """The file `name` (relative to the root) opened for reading, seekable (on S3 each read is
    a ranged GET, so reading a file's ends does not fetch its middle)."""
    if isinstance(root, S3Root):
        try:
            return s3_filesystem(root.s3).open_input_file(root.key(name))
        except OSError as exc:
            raise _s3_error(root, exc) from None
    return (root / name).open("rb")


def move(root: WarehouseRoot, source: str, target: str) -> None:
    """Move a file of the warehouse to another name under the root (on S3 a copy, then a
    delete: the object is readable under one name or both, never neither)."""
    if isinstance(root, S3Root):
        try:
            s3_filesystem(root.s3).move(root.key(source), root.key(target))
        except OSError as exc:
            raise _s3_error(root, exc) from None
        return
    (root / target).parent.mkdir(parents=True, exist_ok=True)
    os.replace(root / source, root / target)


def write_text(root: WarehouseRoot, name: str, text: str) -> None:
    """Write a small text file (a report) under the root."""
    if isinstance(root, S3Root):
        try:
            with s3_filesystem(root.s3).open_output_stream(root.key(name)) as out:
                out.write(text.encode("utf-8"))
        except OSError as exc:
            raise _s3_error(root, exc) from None
        return
    (root / name).parent.mkdir(parents=True, exist_ok=True)
    (root / name).write_text(text, encoding="utf-8")


def put_parquet(root: S3Root, name: str, table: pa.Table) -> None:
    """Write `table` as the object `name` (relative to the root) in one PUT: the object appears
    whole or not at all, so no staging and rename are needed (or possible: S3 has no rename)."""
    try:
        # a large file goes up as a multipart upload, which also appears only when completed
        pq.write_table(table, root.key(name), filesystem=s3_filesystem(root.s3), compression="zstd")
    except OSError as exc:
        raise _s3_error(root, exc) from None


def sql_literal(text: str) -> str:
    """`text` as a SQL string literal (quotes doubled)."""
    return "'" + text.replace("'", "''") + "'"


def s3_secret_sql(s3: S3Settings, scope: str) -> str:
    """The `CREATE SECRET` statement that lets DuckDB's httpfs read `scope` (an `s3://` prefix)
    with these settings; it holds the secret key, so it is executed, never shown."""
    options = {"TYPE": "s3", "PROVIDER": "config", "REGION": sql_literal(s3.region), "SCOPE": sql_literal(scope)}
    if s3.access_key_id:
        options["KEY_ID"] = sql_literal(s3.access_key_id)
    if s3.secret_access_key:
        options["SECRET"] = sql_literal(s3.secret_access_key.get_secret_value())
    if s3.session_token:
        options["SESSION_TOKEN"] = sql_literal(s3.session_token.get_secret_value())
    if host := s3.endpoint_host():
        # a custom endpoint (MinIO, moto) serves buckets as paths, not as host names
        options.update(ENDPOINT=sql_literal(host), URL_STYLE="'path'")
    options["USE_SSL"] = "true" if s3.uses_tls() else "false"
    body = ", ".join(f"{k} {v}" for k, v in options.items())
    return f"CREATE OR REPLACE TEMPORARY SECRET {SECRET_NAME} ({body})"


def configure_duckdb(con: duckdb.DuckDBPyConnection, root: WarehouseRoot) -> None:
    """Let `con`'s database read the warehouse's files: for S3, httpfs loaded from its wheel and
    a temporary (in-memory) secret for the warehouse's bucket and prefix; nothing for a folder."""
    if not isinstance(root, S3Root):
        return
    load_extension(con, "httpfs")
    if con.execute("SELECT current_setting('allow_persistent_secrets')").fetchone()[0]:
        con.execute("SET allow_persistent_secrets = false")  # a database not opened by warehouse.engine
    try:
        con.execute(s3_secret_sql(root.s3, root.url() + "/"))
    except duckdb.Error as exc:
        # DuckDB's message may quote the statement, and the statement holds the secret key
        raise StorageUnreachable(f"DuckDB refused the S3 settings for {root.uri} ({type(exc).__name__})") from None
