-- The views users query. `{root}` is replaced by the warehouse root (absolute path) when the
-- views are (re)built into warehouse.duckdb; every table is a folder of Parquet files.
--
-- Each table's rows are taken once per key (the key columns of warehouse/schemas.py), from the
-- first file that holds the key: a part file copied beside itself (a backup, a restore, a sync
-- tool) must not show its rows twice. A semi-join on (key, first file) streams the rows; a
-- window over the key would hold every row, texts and bodies included (measured on 100,000
-- articles in 100 files: a full text scan 0.31 s against 0.25 s unguarded and 0.56 s windowed).

-- `documents_in`, `article_versions_in` and `quarantine_in` take the files to read (a glob, or
-- a list of files that holds the table's `_schema.parquet`): the views read every file; the
-- ingest run's alert check (warehouse/health.py) reads only the files of the runs it compares.
CREATE OR REPLACE MACRO documents_in(files) AS TABLE
    SELECT * EXCLUDE (filename)
    FROM read_parquet(files, hive_partitioning = false, filename = true)
    SEMI JOIN (
        SELECT doc_id, content_sha256, min(filename) AS filename
        FROM read_parquet(files, hive_partitioning = false, filename = true)
        GROUP BY ALL
    ) USING (doc_id, content_sha256, filename);

CREATE OR REPLACE VIEW documents AS SELECT * FROM documents_in('{root}/documents/**/*.parquet');

-- By name: files written before a column was added (published_at_precision) read it as NULL.
CREATE OR REPLACE MACRO article_versions_in(files) AS TABLE
    SELECT * EXCLUDE (filename)
    FROM read_parquet(files, hive_partitioning = false, union_by_name = true, filename = true)
    SEMI JOIN (
        SELECT article_id, min(filename) AS filename
        FROM read_parquet(files, hive_partitioning = false, filename = true)
        GROUP BY ALL
    ) USING (article_id, filename);

CREATE OR REPLACE VIEW article_versions AS SELECT * FROM article_versions_in('{root}/articles/**/*.parquet');

CREATE OR REPLACE MACRO quarantine_in(files) AS TABLE
    SELECT source, uri, stage, error, detail, seen_at, run_id, content_sha256, quarantine_id
    FROM read_parquet(files, hive_partitioning = false, filename = true)
    SEMI JOIN (
        SELECT quarantine_id, min(filename) AS filename
        FROM read_parquet(files, hive_partitioning = false, filename = true)
        GROUP BY ALL
    ) USING (quarantine_id, filename);

CREATE OR REPLACE VIEW quarantine AS SELECT * FROM quarantine_in('{root}/quarantine/**/*.parquet');

CREATE OR REPLACE VIEW runs AS
    SELECT * EXCLUDE (filename)
    FROM read_parquet('{root}/runs/**/*.parquet', hive_partitioning = false, filename = true)
    SEMI JOIN (
        SELECT run_id, min(filename) AS filename
        FROM read_parquet('{root}/runs/**/*.parquet', hive_partitioning = false, filename = true)
        GROUP BY ALL
    ) USING (run_id, filename);

-- The newest tag of each article version (a new tagger version adds newer tags): one row per
-- article_id, so a copied file adds none.
CREATE OR REPLACE VIEW languages AS
    SELECT * FROM read_parquet('{root}/languages/**/*.parquet', hive_partitioning = false)
    QUALIFY row_number() OVER (PARTITION BY article_id ORDER BY tagged_at DESC, tagger DESC) = 1;

-- Each article version's newest duplicate decision (dedup writes a row only when it changes):
-- one row per article_id, so a copied file adds none.
CREATE OR REPLACE VIEW duplicates AS
    SELECT * FROM read_parquet('{root}/duplicates/**/*.parquet', hive_partitioning = false)
    QUALIFY row_number() OVER (PARTITION BY article_id ORDER BY decided_at DESC, run_id DESC) = 1;

-- The lastmod each sitemap page had when a run last handled it (newest row per page).
CREATE OR REPLACE VIEW sitemap_lastmods AS
    SELECT * FROM read_parquet('{root}/sitemap_lastmods/**/*.parquet', hive_partitioning = false)
    QUALIFY row_number() OVER (PARTITION BY source, url ORDER BY seen_at DESC, run_id DESC) = 1;

-- What each feed URL answered when last fetched in full (newest row per feed).
CREATE OR REPLACE VIEW feed_state AS
    SELECT * FROM read_parquet('{root}/feed_state/**/*.parquet', hive_partitioning = false)
    QUALIFY row_number() OVER (PARTITION BY source, url ORDER BY fetched_at DESC) = 1;

-- What dedup compares, per article version and signature settings. By name: files written
-- before a column was added (number_positions) read it as NULL.
CREATE OR REPLACE VIEW signatures AS
    SELECT * EXCLUDE (filename)
    FROM read_parquet('{root}/signatures/**/*.parquet', hive_partitioning = false, union_by_name = true, filename = true)
    SEMI JOIN (
        SELECT article_id, signature_key, min(filename) AS filename
        FROM read_parquet('{root}/signatures/**/*.parquet', hive_partitioning = false, filename = true)
        GROUP BY ALL
    ) USING (article_id, signature_key, filename);

-- One row per source item: its latest version, with its language tag (what dedup compares:
-- `articles` without the duplicate group, which dedup itself decides).
CREATE OR REPLACE VIEW tagged_articles AS
    WITH latest AS (
        SELECT * FROM article_versions
        QUALIFY row_number() OVER (PARTITION BY doc_id ORDER BY fetched_at DESC, article_id) = 1
    )
    SELECT
        a.article_id, a.doc_id, a.url, a.source, a.site, a.title, a.authors, a.published_at,
        a.published_at_precision, a.fetched_at, a.categories, a.tags, a.image_url, a.description,
        a.text, a.word_count, a.content_sha256,
        l.language, l.confidence AS language_confidence, l.script, l.secondary_language,
        a.uri, a.format, a.encoding, a.encoding_repaired, a.extractor, a.run_id
    FROM latest AS a
    LEFT JOIN languages AS l USING (article_id);

-- One row per source item: its latest version, with its language tag and duplicate group.
CREATE OR REPLACE VIEW articles AS
    SELECT
        t.article_id, t.doc_id, t.url, t.source, t.site, t.title, t.authors, t.published_at,
        t.published_at_precision, t.fetched_at, t.categories, t.tags, t.image_url, t.description,
        t.text, t.word_count, t.content_sha256,
        t.language, t.language_confidence, t.script, t.secondary_language,
        d.dup_group, d.is_canonical, d.dup_kind,
        t.uri, t.format, t.encoding, t.encoding_repaired, t.extractor, t.run_id
    FROM tagged_articles AS t
    LEFT JOIN duplicates AS d USING (article_id);

-- Articles that are unique or the canonical member of their duplicate group.
CREATE OR REPLACE VIEW unique_articles AS
    SELECT * FROM articles WHERE dup_group IS NULL OR is_canonical;

-- Per source and ingest run: what the run added for the source and how healthy it looks.
-- Counted from the rows the run wrote: new versions (`documents`), their articles, and
-- quarantine rows. An input found unchanged (a 304, the same bytes) writes no row, and a failure
-- identical to one already stored (same input, stage, reason and bytes) is not stored again, so
-- a run that changed nothing for a source has no row for it. `inputs` counts distinct inputs
-- (a fetched version and its quarantine row are one). Empty bodies are inputs whose text came
-- out empty (quarantined `extract/no_text`, `decode/empty`); short bodies are articles of fewer
-- than 50 words. Shares are of: inputs (quarantine), articles plus empty bodies (empty or short),
-- articles (missing fields), articles with a dedup decision, `deduplicated` (duplicates: members
-- of a group other than its canonical article; NULL before dedup ran). Rows written by language
-- and dedup runs (their quarantine) are not counted.
CREATE OR REPLACE MACRO source_health_in(document_files, quarantine_files, article_files, with_duplicates) AS TABLE
    WITH other_runs AS (
        SELECT run_id FROM runs WHERE flow <> 'ingest'
    ),
    inputs AS (
        SELECT source, run_id, uri, fetched_at AS seen_at FROM documents_in(document_files)
        UNION ALL
        SELECT source, run_id, uri, seen_at FROM quarantine_in(quarantine_files)
    ),
    input_figures AS (
        SELECT source, run_id, count(DISTINCT uri) AS inputs, min(seen_at) AS first_seen_at
        FROM inputs GROUP BY ALL
    ),
    reasons AS (
        SELECT source, run_id, stage || '/' || error AS reason, count(*) AS n,
               count(*) FILTER (WHERE (stage = 'extract' AND error = 'no_text') OR (stage = 'decode' AND error = 'empty')) AS empty
        FROM quarantine_in(quarantine_files) GROUP BY ALL
    ),
    quarantine_figures AS (
        SELECT source, run_id, sum(n)::BIGINT AS quarantined, sum(empty)::BIGINT AS empty_bodies,
               map(list(reason ORDER BY n DESC, reason), list(n ORDER BY n DESC, reason)) AS quarantined_by_reason
        FROM reasons GROUP BY ALL
    ),
    article_figures AS (
        SELECT
            a.source, a.run_id,
            count(*) AS articles,
            count(*) FILTER (WHERE coalesce(a.word_count, 0) < 50) AS short_bodies,
            count(*) FILTER (WHERE a.title IS NULL OR trim(a.title) = '') AS missing_title,
            count(*) FILTER (WHERE a.published_at IS NULL) AS missing_published_at,
            count(*) FILTER (WHERE a.authors IS NULL OR len(a.authors) = 0) AS missing_authors,
            median(a.word_count)::DOUBLE AS median_words,
            count(d.article_id) AS dedup_decided,
            count(*) FILTER (WHERE d.dup_group IS NOT NULL AND NOT d.is_canonical) AS duplicates
        FROM article_versions_in(article_files) AS a
        LEFT JOIN (SELECT * FROM duplicates WHERE with_duplicates) AS d USING (article_id)
        GROUP BY ALL
    )
    SELECT
        i.source, i.run_id,
        coalesce(r.started_at, i.first_seen_at) AS started_at,
        r.status,
        i.inputs,
        coalesce(a.articles, 0) AS articles,
        coalesce(q.quarantined, 0) AS quarantined,
        coalesce(q.quarantined_by_reason, MAP {}::MAP(VARCHAR, BIGINT)) AS quarantined_by_reason,
        coalesce(q.empty_bodies, 0) AS empty_bodies,
        coalesce(a.short_bodies, 0) AS short_bodies,
        coalesce(a.missing_title, 0) AS missing_title,
        coalesce(a.missing_published_at, 0) AS missing_published_at,
        coalesce(a.missing_authors, 0) AS missing_authors,
        a.median_words,
        coalesce(a.dedup_decided, 0) AS deduplicated,
        CASE WHEN a.dedup_decided > 0 THEN a.duplicates END AS duplicates,
        coalesce(q.quarantined, 0) / i.inputs AS quarantine_share,
        (coalesce(q.empty_bodies, 0) + coalesce(a.short_bodies, 0)) / nullif(coalesce(a.articles, 0) + coalesce(q.empty_bodies, 0), 0) AS empty_or_short_share,
        a.missing_title / nullif(a.articles, 0) AS missing_title_share,
        a.missing_published_at / nullif(a.articles, 0) AS missing_published_at_share,
        a.missing_authors / nullif(a.articles, 0) AS missing_authors_share,
        a.duplicates / nullif(a.dedup_decided, 0) AS duplicate_share
    FROM input_figures AS i
    LEFT JOIN article_figures AS a USING (source, run_id)
    LEFT JOIN quarantine_figures AS q USING (source, run_id)
    LEFT JOIN runs AS r USING (run_id)
    WHERE i.run_id NOT IN (SELECT run_id FROM other_runs);

CREATE OR REPLACE VIEW source_health AS
    SELECT * FROM source_health_in(
        '{root}/documents/**/*.parquet', '{root}/quarantine/**/*.parquet', '{root}/articles/**/*.parquet', true);

-- What ingest runs found far outside a source's recent runs (tasks/source_alerts.py).
CREATE OR REPLACE VIEW source_alerts AS
    SELECT * EXCLUDE (filename)
    FROM read_parquet('{root}/source_alerts/**/*.parquet', hive_partitioning = false, filename = true)
    SEMI JOIN (
        SELECT run_id, source, figure, min(filename) AS filename
        FROM read_parquet('{root}/source_alerts/**/*.parquet', hive_partitioning = false, filename = true)
        GROUP BY ALL
    ) USING (run_id, source, figure, filename);
