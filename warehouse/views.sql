-- The views users query. `{root}` is replaced by the warehouse root (absolute path) when the
-- views are (re)built into warehouse.duckdb; every table is a folder of Parquet files.

CREATE OR REPLACE VIEW documents AS
    SELECT * FROM read_parquet('{root}/documents/**/*.parquet', hive_partitioning = false);

CREATE OR REPLACE VIEW article_versions AS
    SELECT * FROM read_parquet('{root}/articles/**/*.parquet', hive_partitioning = false);

CREATE OR REPLACE VIEW quarantine AS
    SELECT source, uri, stage, error, detail, seen_at, run_id, content_sha256, quarantine_id
    FROM read_parquet('{root}/quarantine/**/*.parquet', hive_partitioning = false);

CREATE OR REPLACE VIEW runs AS
    SELECT * FROM read_parquet('{root}/runs/**/*.parquet', hive_partitioning = false);

-- The newest tag of each article version (a new tagger version adds newer tags).
CREATE OR REPLACE VIEW languages AS
    SELECT * FROM read_parquet('{root}/languages/**/*.parquet', hive_partitioning = false)
    QUALIFY row_number() OVER (PARTITION BY article_id ORDER BY tagged_at DESC, tagger DESC) = 1;

-- Each article version's newest duplicate decision (dedup writes a row only when it changes).
CREATE OR REPLACE VIEW duplicates AS
    SELECT * FROM read_parquet('{root}/duplicates/**/*.parquet', hive_partitioning = false)
    QUALIFY row_number() OVER (PARTITION BY article_id ORDER BY decided_at DESC, run_id DESC) = 1;

-- What dedup compares, per article version and signature settings. By name: files written
-- before a column was added (number_positions) read it as NULL.
CREATE OR REPLACE VIEW signatures AS
    SELECT * FROM read_parquet('{root}/signatures/**/*.parquet', hive_partitioning = false, union_by_name = true);

-- One row per source item: its latest version, with its language tag (what dedup compares:
-- `articles` without the duplicate group, which dedup itself decides).
CREATE OR REPLACE VIEW tagged_articles AS
    WITH latest AS (
        SELECT * FROM article_versions
        QUALIFY row_number() OVER (PARTITION BY doc_id ORDER BY fetched_at DESC, article_id) = 1
    )
    SELECT
        a.article_id, a.doc_id, a.url, a.source, a.site, a.title, a.authors, a.published_at,
        a.fetched_at, a.categories, a.tags, a.image_url, a.description, a.text, a.word_count,
        a.content_sha256,
        l.language, l.confidence AS language_confidence, l.script, l.secondary_language,
        a.uri, a.format, a.encoding, a.encoding_repaired, a.extractor, a.run_id
    FROM latest AS a
    LEFT JOIN languages AS l USING (article_id);

-- One row per source item: its latest version, with its language tag and duplicate group.
CREATE OR REPLACE VIEW articles AS
    SELECT
        t.article_id, t.doc_id, t.url, t.source, t.site, t.title, t.authors, t.published_at,
        t.fetched_at, t.categories, t.tags, t.image_url, t.description, t.text, t.word_count,
        t.content_sha256,
        t.language, t.language_confidence, t.script, t.secondary_language,
        d.dup_group, d.is_canonical, d.dup_kind,
        t.uri, t.format, t.encoding, t.encoding_repaired, t.extractor, t.run_id
    FROM tagged_articles AS t
    LEFT JOIN duplicates AS d USING (article_id);

-- Articles that are unique or the canonical member of their duplicate group.
CREATE OR REPLACE VIEW unique_articles AS
    SELECT * FROM articles WHERE dup_group IS NULL OR is_canonical;
