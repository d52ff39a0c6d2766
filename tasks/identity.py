"""Identity of documents and versions: `doc_id` names a source item, a version is
`(doc_id, content_sha256)`, and `article_id` names one article version."""

from __future__ import annotations

import hashlib
from pathlib import Path

from tasks.urls import canonical_url


def sha256_hex(data: bytes) -> str:
    """Hex SHA-256 of raw bytes."""
    return hashlib.sha256(data).hexdigest()


def doc_id_for_url(url: str) -> str:
    """`doc_id` of a web item: hash of its canonical URL."""
    return hashlib.sha256(canonical_url(url).encode("utf-8")).hexdigest()[:32]


def doc_id_for_path(path: Path) -> str:
    """`doc_id` of a local file: hash of its absolute path."""
    return hashlib.sha256(str(path.resolve()).encode("utf-8")).hexdigest()[:32]


def article_id(doc_id: str, content_sha256: str) -> str:
    """`article_id` of one version of a document."""
    return hashlib.sha256(f"{doc_id}\n{content_sha256}".encode()).hexdigest()[:32]
