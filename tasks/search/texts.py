"""The title, url and text of each indexed article, for the hits' snippets: a SQLite table keyed
by the index's doc number, in a file beside the index (`texts.sqlite`).

Why not a table of the DuckDB index: a column store fetches one row's text by reading the whole
vector of texts around it (5-17 ms a hit at 100,000 articles, measured), and the primary key
whose ART index made it a lookup is rewritten whole at every checkpoint (0.8 s of each update at
100,000 articles, growing with the index). SQLite's B-tree on the integer key fetches a row in
microseconds, and an append writes only the pages it fills. Texts are compressed (only the
hits' ones are ever read back) with zstd at level 1: 1.5-3 times as fast as zlib at level 1, and
2-7 % smaller (measured on the ingest bench's pages and on English prose). A batch's texts are
compressed straight from their Arrow buffer with one compression context (the `zstandard`
package): pyarrow's codec creates a context per call, which was ~30 % of the compression's time,
and needs each text copied out first.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import zstandard

TEXTS_FILE = "texts.sqlite"

_CREATE = "CREATE TABLE IF NOT EXISTS texts (doc INTEGER PRIMARY KEY, title TEXT, url TEXT, text_zstd BLOB, text_bytes INTEGER)"
ZSTD_LEVEL = 1


def texts_path(index: Path) -> Path:
    """The texts file of the index at `index`."""
    return index.with_name(TEXTS_FILE)


def open_texts(path: Path, read_only: bool = False) -> sqlite3.Connection:
    """The texts file at `path`; created when writable and absent. A file that is not a texts
    file raises sqlite3.DatabaseError."""
    if read_only:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    else:
        con = sqlite3.connect(path)
        con.execute(_CREATE)
    con.execute("SELECT doc, title, url, text_zstd, text_bytes FROM texts LIMIT 1")  # a damaged or older file fails here
    return con


def texts_usable(path: Path) -> bool:
    """Whether `path` is a readable texts file."""
    if not path.exists():
        return False
    try:
        open_texts(path, read_only=True).close()
    except sqlite3.Error:
        return False
    return True


def pack_texts(docs: pa.Array, titles: pa.Array, urls: pa.Array, texts: pa.Array) -> list[tuple[int, str | None, str | None, bytes, int]]:
    """The rows `add_texts` stores for a batch of articles: the texts compressed (a missing
    text as an empty one), read from the Arrow buffer in place, never decoded."""
    if texts.null_count:  # a null slot's offsets may span bytes
        texts = pc.fill_null(texts, "")
    data = texts.cast(pa.large_binary())  # int64 offsets over the same bytes
    offsets = np.frombuffer(data.buffers()[1], dtype=np.int64, count=len(data) + 1, offset=data.offset * 8).tolist()
    body = memoryview(data.buffers()[2] or b"")
    compress = zstandard.ZstdCompressor(level=ZSTD_LEVEL).compress  # a context is not shared across threads: one per call
    return [(doc, title, url, compress(body[start:end]), end - start)
            for doc, title, url, start, end in zip(docs.to_pylist(), titles.to_pylist(), urls.to_pylist(), offsets, offsets[1:])]


def add_texts(con: sqlite3.Connection, rows: Iterable[tuple[int, str | None, str | None, bytes, int]]) -> None:
    """Store `pack_texts` rows, replacing any row of the same doc, in one commit."""
    with con:
        con.executemany("INSERT OR REPLACE INTO texts VALUES (?, ?, ?, ?, ?)", rows)


def remove_texts(con: sqlite3.Connection, docs: list[int]) -> None:
    """Delete the rows of `docs`, in one commit."""
    with con:
        con.executemany("DELETE FROM texts WHERE doc = ?", ((doc,) for doc in docs))


def fetch_texts(con: sqlite3.Connection, docs: list[int]) -> dict[int, tuple[str | None, str | None, str]]:
    """(title, url, text) of each of `docs` that has a row."""
    marks = ", ".join("?" * len(docs))
    rows = con.execute(f"SELECT doc, title, url, text_zstd, text_bytes FROM texts WHERE doc IN ({marks})", docs).fetchall() if docs else []
    decompress = zstandard.ZstdDecompressor().decompress
    return {doc: (title, url, decompress(packed, max_output_size=size).decode("utf-8")) for doc, title, url, packed, size in rows}
