"""Identity of documents and versions: `doc_id` names a source item, a version is
`(doc_id, content_sha256)`, and `article_id` names one article version."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from tasks.urls import canonical_url


def sha256_hex(data: bytes) -> str:
    """Hex SHA-256 of raw bytes."""
    return hashlib.sha256(data).hexdigest()


def doc_id_for_url(url: str) -> str:
    """`doc_id` of a web item: hash of its canonical URL."""
    return hashlib.sha256(canonical_url(url).encode("utf-8")).hexdigest()[:32]


def doc_id_for_path(path: Path) -> str:
    """`doc_id` of a local file: hash of the bytes of its absolute path (for a UTF-8 name, the
    same as the hash of the name as text, so ids stored before names were read as bytes hold)."""
    return hashlib.sha256(os.fsencode(path.resolve())).hexdigest()[:32]


# A '%' that would read as an escape, and the bytes Python could not decode (surrogateescape
# gives each undecodable byte as the lone surrogate U+DC80..U+DCFF).
_ESCAPES = re.compile(r"%(?=[0-9A-Fa-f]{2})|[\udc80-\udcff]")


def path_text(path: Path | str) -> str:
    """A local path as stored text (the `uri` of its rows): the name itself when it is valid
    UTF-8, else with each byte that is not UTF-8 percent-encoded (`bad\\xffname.txt` is stored as
    `bad%FFname.txt`).

    Parquet holds only valid UTF-8, while a POSIX file name is any bytes. The escape is lossless:
    a '%' followed by two hex digits is written `%25`, so `urllib.parse.unquote_to_bytes(uri)`
    gives the path's bytes back for every name.
    """
    text = os.fsencode(path).decode("utf-8", errors="surrogateescape")
    return _ESCAPES.sub(lambda m: "%25" if m[0] == "%" else f"%{ord(m[0]) - 0xDC00:02X}", text)


# Characters UTF-8 cannot encode: lone surrogates, from a JSON `\\ud800` escape or from a byte
# that was not UTF-8 (read with surrogateescape as U+DC80..U+DCFF)
_UNENCODABLE = re.compile(r"[\ud800-\udfff]")


def _surrogate_bytes(char: str) -> bytes:
    code = ord(char)
    return bytes([code - 0xDC00]) if 0xDC80 <= code <= 0xDCFF else char.encode("utf-8", "surrogatepass")


def url_text(url: str) -> str:
    """A URL found in content as text Parquet can hold: each character UTF-8 cannot encode is
    written as the percent-encoded bytes it stands for (an undecodable byte as itself), the way
    URLs carry bytes; any other URL is returned unchanged."""
    return _UNENCODABLE.sub(lambda m: "".join(f"%{b:02X}" for b in _surrogate_bytes(m[0])), url)


def article_id(doc_id: str, content_sha256: str) -> str:
    """`article_id` of one version of a document."""
    return hashlib.sha256(f"{doc_id}\n{content_sha256}".encode()).hexdigest()[:32]
