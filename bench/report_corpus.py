"""A synthetic warehouse for the report: many sources of very different sizes, many languages in
their scripts, years of publication dates, ingest runs, quarantine, duplicate groups; written
through the warehouse writer as the flows write it (documents, articles, quarantine, runs,
languages, duplicates), so every view, `source_health` included, reads it as it would a real one.

Used by `bench/report_bench.py` (100,000 articles) and by the report's tests (a few thousand, to
check the page holds up with 300 sources, 60 languages and ten years).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pyarrow as pa

from warehouse.catalog import connect
from warehouse.schemas import ARTICLES, DOCUMENTS, DUPLICATES, LANGUAGES, QUARANTINE, RUNS, Table
from warehouse.writer import append_new_rows, initialize

# 60 languages with their script (ISO 639-1 where there is one, ISO 15924)
LANGUAGES_AND_SCRIPTS = (
    "en Latn de Latn fr Latn es Latn pt Latn it Latn nl Latn sv Latn da Latn nb Latn fi Latn pl Latn cs Latn sk Latn hu Latn ro Latn "
    "tr Latn id Latn ms Latn vi Latn sw Latn ca Latn hr Latn sl Latn lt Latn lv Latn et Latn is Latn ga Latn eu Latn gl Latn "
    "af Latn tl Latn sq Latn ru Cyrl uk Cyrl bg Cyrl sr Cyrl mk Cyrl be Cyrl kk Cyrl el Grek ar Arab fa Arab ur Arab he Hebr "
    "hi Deva mr Deva ne Deva bn Beng ta Taml te Telu th Thai zh Hans ja Jpan ko Kore ka Geor hy Armn am Ethi km Khmr"
).split()
LANGUAGE_SCRIPTS = list(zip(LANGUAGES_AND_SCRIPTS[0::2], LANGUAGES_AND_SCRIPTS[1::2]))
REASONS = (("fetch", "http_404"), ("extract", "no_text"), ("decode", "undecodable"), ("fetch", "timeout"), ("fetch", "robots_disallowed"))
TITLE_WORDS = ("Council", "budget", "harbour", "election", "storm", "library", "market", "rail", "museum", "school", "平和", "경제", "ข่าว", "समाचार", "новости", "أخبار")
BODY_WORDS = ("the", "council", "said", "on", "monday", "that", "its", "budget", "for", "next", "year", "would", "rise", "by", "four", "percent")
CHUNK = 25_000


def _id(*parts: object) -> str:
    return hashlib.sha256("/".join(map(str, parts)).encode()).hexdigest()[:32]


def _zipf_choice(rng: np.random.Generator, k: int, n: int, skew: float) -> np.ndarray:
    weights = 1 / np.arange(1, k + 1) ** skew
    return rng.choice(k, size=n, p=weights / weights.sum())


def _write(root: Path, table: Table, rows: list[dict]) -> None:
    for start in range(0, len(rows), CHUNK):
        append_new_rows(root, table, pa.Table.from_pylist(rows[start:start + CHUNK], table.schema), "ingest_date=2026-01-01")


def build_report_warehouse(root: Path, n: int, sources: int = 300, languages: int = 60, years: int = 10, runs: int = 12,
                           words: int = 200, seed: int = 0) -> dict:
    """Write a warehouse of `n` articles to `root`; returns what it holds (for checks)."""
    rng = np.random.default_rng(seed)
    initialize(root)
    end = datetime(2026, 1, 1, tzinfo=timezone.utc)
    run_ids = [_id("run", seed, r) for r in range(runs)]
    run_starts = [end - timedelta(days=7 * (runs - r)) for r in range(runs)]
    source_of = _zipf_choice(rng, sources, n, 0.9)
    language_of = _zipf_choice(rng, min(languages, len(LANGUAGE_SCRIPTS)), n, 1.2)
    run_of = rng.integers(0, runs, n)
    minutes = rng.integers(0, years * 365 * 24 * 60, n)
    word_counts = np.maximum(rng.normal(450, 180, n).astype(int), 5)
    body = " ".join(BODY_WORDS[i % len(BODY_WORDS)] for i in range(words))
    documents, articles, tags = [], [], []
    for i in range(n):
        source, (language, script), run = f"source-{source_of[i]:03d}", LANGUAGE_SCRIPTS[language_of[i]], int(run_of[i])
        article_id, doc_id, sha = _id("article", seed, i), _id("doc", seed, i), _id("sha", seed, i)
        fetched = run_starts[run] + timedelta(seconds=i % 3600)
        uri = f"https://{source}.example/news/{i}.html"
        documents.append({"doc_id": doc_id, "content_sha256": sha, "source": source, "uri": uri, "url": uri, "fetched_at": fetched,
                          "format": "html", "http_status": 200, "size_bytes": 100, "body": b"<html></html>", "run_id": run_ids[run]})
        title = None if i % 31 == 0 else f"{TITLE_WORDS[i % len(TITLE_WORDS)]} {TITLE_WORDS[(i * 7) % len(TITLE_WORDS)]} {i}"
        articles.append({
            "article_id": article_id, "doc_id": doc_id, "content_sha256": sha, "source": source, "uri": uri, "url": uri,
            "site": f"{source}.example", "title": title, "authors": [] if i % 5 == 0 else [f"Reporter {i % 97}"],
            "published_at": None if i % 50 == 0 else end - timedelta(minutes=int(minutes[i])), "fetched_at": fetched,
            "text": f"{body} {i}", "word_count": int(word_counts[i]), "format": "html", "run_id": run_ids[run],
        })
        tags.append({"article_id": article_id, "content_sha256": sha, "language": language, "confidence": 0.99, "script": script,
                     "tagger": "bench", "tagged_at": end, "run_id": "languages"})
    _write(root, DOCUMENTS, documents)
    _write(root, ARTICLES, articles)
    _write(root, LANGUAGES, tags)
    quarantined = [
        {"quarantine_id": _id("q", seed, j), "source": f"source-{source_of[j % n]:03d}", "uri": f"https://q.example/{j}",
         "stage": REASONS[j % len(REASONS)][0], "error": REASONS[j % len(REASONS)][1], "detail": "synthetic",
         "seen_at": run_starts[int(run_of[j % n])], "run_id": run_ids[int(run_of[j % n])]}
        for j in range(n // 30)
    ]
    _write(root, QUARANTINE, quarantined)
    decisions, grouped, i = [], 0, 0
    while i < n * 0.9:  # a tenth of the articles in groups of 2 to 40 (most small)
        size = min(int(rng.zipf(2.0)) + 1, 40)
        members = [articles[j]["article_id"] for j in range(i, min(i + size, n))]
        kind = ("exact", "near", "translation")[i % 3]
        for k, member in enumerate(members):
            decisions.append({"article_id": member, "dup_group": members[0], "dup_kind": kind, "similarity": 0.9, "is_canonical": k == 0,
                              "decided_at": end, "settings_key": "bench", "run_id": "dedup"})
        grouped += len(members)
        i += int(size * 9)
    decided = {d["article_id"] for d in decisions}
    decisions += [{"article_id": a["article_id"], "dup_group": None, "dup_kind": None, "similarity": None, "is_canonical": None,
                   "decided_at": end, "settings_key": "bench", "run_id": "dedup"} for a in articles if a["article_id"] not in decided]
    _write(root, DUPLICATES, decisions)
    _write(root, RUNS, [
        {"run_id": run_id, "flow": "ingest", "started_at": started, "finished_at": started + timedelta(minutes=5), "status": "completed",
         "inputs": int((run_of == r).sum()), "rows_added": {}, "quarantined": 0, "stages_json": json.dumps({"stages": []})}
        for r, (run_id, started) in enumerate(zip(run_ids, run_starts))
    ])
    connect(root).close()  # the views, as a flow run leaves them
    return {"articles": n, "sources": len(set(source_of.tolist())), "languages": len(set(language_of.tolist())),
            "quarantined": len(quarantined), "grouped": grouped}
