"""The title, url and text of each indexed article, for the hits' snippets: a SQLite table keyed
by the index's doc number, in a file beside the index (`texts.sqlite`).

Why not a table of the DuckDB index: a column store fetches one row's text by reading the whole
vector of texts around it (5-17 ms a hit at 100,000 articles, measured), and the primary key
whose ART index made it a lookup is rewritten whole at every checkpoint (0.8 s of each update at
100,000 articles, growing with the index). SQLite's B-tree on the integer key fetches a row in
microseconds, and an append writes only the pages it fills. Texts are compressed (only the
hits' ones are ever read back) with zstd at level 1, through pyarrow: 1.5-3 times as fast as
zlib at level 1, and 2-7 % smaller (measured on the ingest bench's pages and on English prose).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa

TEXTS_FILE = "texts.sqlite"

_CREATE = "CREATE TABLE IF NOT EXISTS texts (doc INTEGER PRIMARY KEY, title TEXT, url TEXT, text_zstd BLOB, text_bytes INTEGER)"
_CODEC = pa.Codec("zstd", compression_level=1)


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


def pack_texts(
    docs: list[int], titles: list[str | None], urls: list[str | None], texts: list[bytes | None]
) -> list[tuple[int, str | None, str | None, bytes, int]]:
    """The rows `add_texts` stores for articles (`texts` their UTF-8 bytes): the texts compressed."""
    return [(doc, title, url, _CODEC.compress(text or b"", asbytes=True), len(text or b""))
            for doc, title, url, text in zip(docs, titles, urls, texts)]


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
    return {doc: (title, url, _CODEC.decompress(packed, decompressed_size=size, asbytes=True).decode("utf-8"))
            for doc, title, url, packed, size in rows}
