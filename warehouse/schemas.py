"""Arrow schemas of every warehouse table, declared once.

Tables are folders of zstd Parquet files under the warehouse root. Each table has key columns:
a row whose key is already stored is never written again, which makes every write idempotent.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

UTC_TS = pa.timestamp("us", tz="UTC")
STRINGS = pa.list_(pa.string())


@dataclass(frozen=True)
class Table:
    """A warehouse table: its folder name, Arrow schema and the columns that identify a row."""

    name: str
    schema: pa.Schema
    key: tuple[str, ...]


DOCUMENTS = Table(
    "documents",
    pa.schema(
        [
            ("doc_id", pa.string()),
            ("content_sha256", pa.string()),
            ("source", pa.string()),
            ("uri", pa.string()),
            ("url", pa.string()),
            ("fetched_at", UTC_TS),
            ("format", pa.string()),
            ("content_type", pa.string()),
            ("declared_charset", pa.string()),
            ("http_status", pa.int32()),
            ("etag", pa.string()),
            ("last_modified", pa.string()),
            ("size_bytes", pa.int64()),
            ("body", pa.large_binary()),
            ("run_id", pa.string()),
        ]
    ),
    key=("doc_id", "content_sha256"),
)

ARTICLES = Table(
    "articles",
    pa.schema(
        [
            ("article_id", pa.string()),
            ("doc_id", pa.string()),
            ("content_sha256", pa.string()),
            ("source", pa.string()),
            ("uri", pa.string()),
            ("url", pa.string()),
            ("site", pa.string()),
            ("title", pa.string()),
            ("authors", STRINGS),
            ("published_at", UTC_TS),
            ("published_at_precision", pa.string()),
            ("fetched_at", UTC_TS),
            ("categories", STRINGS),
            ("tags", STRINGS),
            ("image_url", pa.string()),
            ("description", pa.string()),
            ("text", pa.large_string()),
            ("word_count", pa.int32()),
            ("format", pa.string()),
            ("encoding", pa.string()),
            ("encoding_repaired", pa.bool_()),
            ("extractor", pa.string()),
            ("run_id", pa.string()),
        ]
    ),
    key=("article_id",),
)

QUARANTINE = Table(
    "quarantine",
    pa.schema(
        [
            ("quarantine_id", pa.string()),
            ("source", pa.string()),
            ("uri", pa.string()),
            ("stage", pa.string()),
            ("error", pa.string()),
            ("detail", pa.string()),
            ("content_sha256", pa.string()),
            ("seen_at", UTC_TS),
            ("run_id", pa.string()),
        ]
    ),
    key=("quarantine_id",),
)

RUNS = Table(
    "runs",
    pa.schema(
        [
            ("run_id", pa.string()),
            ("flow", pa.string()),
            ("started_at", UTC_TS),
            ("finished_at", UTC_TS),
            ("status", pa.string()),
            ("inputs", pa.int64()),
            ("rows_added", pa.map_(pa.string(), pa.int64())),
            ("quarantined", pa.int64()),
            ("stages_json", pa.string()),
        ]
    ),
    key=("run_id",),
)

LANGUAGES = Table(
    "languages",
    pa.schema(
        [
            ("article_id", pa.string()),
            ("content_sha256", pa.string()),
            ("language", pa.string()),
            ("confidence", pa.float32()),
            ("script", pa.string()),
            ("secondary_language", pa.string()),
            ("secondary_share", pa.float32()),
            ("tagger", pa.string()),
            ("tagged_at", UTC_TS),
            ("run_id", pa.string()),
        ]
    ),
    key=("article_id", "tagger", "run_id"),
)

# One row per article version each time its duplicate grouping changes; the newest row per
# article (by decided_at) is the truth. dup_group is the article_id of the group's canonical
# article, NULL for an article that duplicates nothing. settings_key names the dedup settings a
# row was decided under: rows decided under other settings are regrouped.
DUPLICATES = Table(
    "duplicates",
    pa.schema(
        [
            ("article_id", pa.string()),
            ("dup_group", pa.string()),
            ("dup_kind", pa.string()),
            ("similarity", pa.float32()),
            ("is_canonical", pa.bool_()),
            ("decided_at", UTC_TS),
            ("settings_key", pa.string()),
            ("run_id", pa.string()),
        ]
    ),
    key=("article_id", "run_id"),
)

# Per article version and signature settings: what dedup compares, computed once. exact_hash
# groups exact copies; signature (low 16 bits of each MinHash minimum) estimates Jaccard;
# bands are the LSH band hashes joined for near-duplicate candidates; numbers (the numbers of
# the text's prose, in order), number_positions (where each stands, as a share of the text's
# length) and number_keys (hashes of pairs of nearby numbers) find and verify translations;
# names (hashes of Latin-script names) rule out a translation between two pages of one template.
SIGNATURES = Table(
    "signatures",
    pa.schema(
        [
            ("article_id", pa.string()),
            ("content_sha256", pa.string()),
            ("signature_key", pa.string()),
            ("language", pa.string()),
            ("published_at", UTC_TS),
            ("text_chars", pa.int64()),
            ("token_count", pa.int32()),
            ("exact_hash", pa.string()),
            ("signature", pa.binary()),
            ("bands", pa.list_(pa.int64())),
            ("numbers", STRINGS),
            ("number_positions", pa.list_(pa.float32())),
            ("number_count", pa.int32()),
            ("number_keys", pa.list_(pa.int64())),
            ("names", pa.list_(pa.int64())),
            ("computed_at", UTC_TS),
            ("run_id", pa.string()),
        ]
    ),
    key=("article_id", "signature_key"),
)

# The `lastmod` a sitemap gave each page when a run last handled it (a version stored, or the
# page found unchanged): a page is requested again when its lastmod differs. One row per page
# per run that handled it; the newest row per (source, url) is the truth. `url` is canonical.
SITEMAP_LASTMODS = Table(
    "sitemap_lastmods",
    pa.schema(
        [
            ("source", pa.string()),
            ("url", pa.string()),
            ("lastmod", UTC_TS),
            ("seen_at", UTC_TS),
            ("run_id", pa.string()),
        ]
    ),
    key=("source", "url", "run_id"),
)

# What a feed URL answered when last fetched in full: its validators, sent as If-None-Match and
# If-Modified-Since next time, and its body, whose entries are selected again on a 304 (so an
# entry whose page failed to fetch is still retried). The newest row per (source, url) is the
# truth; an identical answer adds no row.
FEED_STATE = Table(
    "feed_state",
    pa.schema(
        [
            ("source", pa.string()),
            ("url", pa.string()),
            ("final_url", pa.string()),
            ("etag", pa.string()),
            ("last_modified", pa.string()),
            ("content_type", pa.string()),
            ("content_sha256", pa.string()),
            ("body", pa.large_binary()),
            ("fetched_at", UTC_TS),
        ]
    ),
    key=("source", "url", "content_sha256", "etag", "last_modified"),
)

# What an ingest run found far outside a source's recent runs (tasks/source_alerts.py): one row
# per run, source and figure (`empty_or_short_share`, `quarantine_share`, `missing_title_share`,
# ..., `articles`, `median_words`). `value` is this run's, `baseline_*` the median and range of
# the `history_runs` runs it was compared with, `pages` the count the share is of.
SOURCE_ALERTS = Table(
    "source_alerts",
    pa.schema(
        [
            ("run_id", pa.string()),
            ("source", pa.string()),
            ("figure", pa.string()),
            ("value", pa.float64()),
            ("baseline_median", pa.float64()),
            ("baseline_low", pa.float64()),
            ("baseline_high", pa.float64()),
            ("history_runs", pa.int32()),
            ("pages", pa.int64()),
            ("message", pa.string()),
            ("raised_at", UTC_TS),
        ]
    ),
    key=("run_id", "source", "figure"),
)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (DOCUMENTS, ARTICLES, QUARANTINE, RUNS, LANGUAGES, DUPLICATES, SIGNATURES, SITEMAP_LASTMODS, FEED_STATE, SOURCE_ALERTS)
}
