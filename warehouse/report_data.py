"""The figures of `pressroom report`, computed in DuckDB on the warehouse's read-only query
connection: only aggregates (and the members of the largest duplicate groups) reach Python, never
the articles themselves."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TypeVar

import duckdb

from warehouse.query import query_connection
from warehouse.storage import WarehouseRoot

TOP_LANGUAGES = 9  # languages shown by name in the charts; the rest are "other"
TOP_GROUPS = 12  # duplicate groups shown
GROUP_MEMBERS = 12  # members listed per group
ALERTS = 50  # recent alerts listed
OTHER = "other"
UNTAGGED = "untagged"
# The coarsest time step that keeps a timeline to at most about this many columns.
MAX_PERIODS = 130
T = TypeVar("T")
STEPS = (("day", 1), ("week", 7), ("month", 31), ("quarter", 92), ("year", 366))


@dataclass(frozen=True)
class Overview:
    """The warehouse at a glance."""

    articles: int
    versions: int
    sources: int
    languages: int
    first_published: datetime | None
    last_published: datetime | None
    undated: int
    duplicates: int  # articles in a duplicate group that are not its canonical article
    groups: int
    quarantined: int
    runs: int
    last_run: datetime | None


@dataclass(frozen=True)
class Timeline:
    """Articles per period (`step`: day, week, month, quarter or year) by language."""

    step: str
    periods: list[date]
    languages: list[str]  # the series, most articles first, OTHER last
    counts: dict[tuple[date, str], int]
    undated: int
    earlier: int  # dated over a year before the earliest thousandth: a stray 1970 would squash the rest


@dataclass(frozen=True)
class SourceFigures:
    """One source over all its ingest runs (sums of `source_health`), with its quarantine reasons and
    the median words of its latest article versions."""

    source: str
    runs: int
    last_run: datetime | None
    inputs: int
    articles: int
    quarantined: int
    empty_bodies: int
    short_bodies: int
    missing_title: int
    missing_published_at: int
    missing_authors: int
    deduplicated: int
    duplicates: int
    median_words: float | None
    reasons: dict[str, int] = field(default_factory=dict)

    @property
    def shares(self) -> dict[str, float | None]:
        """The health shares, as in `source_health` (None where there is nothing to share)."""

        def share(part: int, whole: int) -> float | None:
            return part / whole if whole else None

        return {
            "empty or short": share(self.empty_bodies + self.short_bodies, self.articles + self.empty_bodies),
            "no title": share(self.missing_title, self.articles),
            "no date": share(self.missing_published_at, self.articles),
            "no author": share(self.missing_authors, self.articles),
            "duplicates": share(self.duplicates, self.deduplicated),
        }


@dataclass(frozen=True)
class GroupMember:
    """An article of a duplicate group."""

    title: str | None
    site: str | None
    language: str | None
    dup_kind: str | None
    is_canonical: bool
    published_at: datetime | None
    url: str | None


@dataclass(frozen=True)
class DuplicateGroup:
    """One of the largest duplicate groups, with its first members (canonical first)."""

    group_id: str
    size: int
    kinds: list[str]
    members: list[GroupMember]


@dataclass(frozen=True)
class SourceAlertRow:
    """A stored run alert."""

    raised_at: datetime
    source: str
    figure: str
    message: str


@dataclass(frozen=True)
class ReportData:
    """Everything the report shows."""

    overview: Overview
    top_languages: list[str]  # the languages charts name (most articles first); the rest are OTHER
    timeline: Timeline
    sources: list[SourceFigures]  # most inputs first
    groups: list[DuplicateGroup]
    scripts: dict[str, dict[str, int]]  # script -> language -> articles, most articles first
    alerts: list[SourceAlertRow]


# What the report reads of the latest article versions and of `source_health`, each computed
# once (every chart would otherwise scan and join the part files again).
_TAKE_ONCE = (
    """CREATE TEMP TABLE report_articles AS
       SELECT article_id, published_at, coalesce(language, '') AS language, coalesce(script, '') AS script,
              dup_group, is_canonical, dup_kind, source, title, site, url, word_count
       FROM articles""",
    "CREATE TEMP TABLE report_health AS SELECT * FROM source_health",
)


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: dict | None = None) -> list[tuple]:
    return con.execute(sql, params or {}).fetchall()


def _overview(con: duckdb.DuckDBPyConnection) -> Overview:
    (articles, sources, languages, first, last, undated, duplicates, groups), = _rows(con, """
        SELECT count(*), count(DISTINCT source), count(DISTINCT language) FILTER (WHERE language NOT IN ('', 'und')),
               min(published_at), max(published_at), count(*) FILTER (WHERE published_at IS NULL),
               count(*) FILTER (WHERE dup_group IS NOT NULL AND NOT is_canonical), count(DISTINCT dup_group)
        FROM report_articles""")
    (versions,), = _rows(con, "SELECT count(*) FROM article_versions")
    (quarantined,), = _rows(con, "SELECT count(*) FROM quarantine")
    (runs, last_run), = _rows(con, "SELECT count(*), max(started_at) FROM runs")
    return Overview(articles, versions, sources, languages, first, last, undated, duplicates, groups, quarantined, runs, last_run)


def _step(first: date, last: date) -> str:
    days = (last - first).days + 1
    return next((name for name, length in STEPS if days / length <= MAX_PERIODS), "year")


def _language_label(code: str) -> str:
    return UNTAGGED if code == "" else code


def _top_languages(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [row[0] for row in _rows(con, """
        SELECT language FROM report_articles GROUP BY language ORDER BY count(*) DESC, language LIMIT $n""", {"n": TOP_LANGUAGES})]


def _timeline(con: duckdb.DuckDBPyConnection, top: list[str]) -> Timeline:
    (low, high, undated), = _rows(con, """
        SELECT greatest(min(published_at::DATE), (quantile_disc(published_at::DATE, 0.001) - INTERVAL 365 DAY)::DATE),
               max(published_at::DATE), count(*) FILTER (WHERE published_at IS NULL)
        FROM report_articles""")
    if high is None:
        return Timeline("day", [], [], {}, undated, 0)
    step = _step(low, high)
    rows = _rows(con, f"""
        WITH periods AS (
            SELECT unnest(generate_series(date_trunc('{step}', $low::DATE), date_trunc('{step}', $high::DATE), INTERVAL 1 {step}))::DATE AS period
        ),
        counted AS (
            SELECT date_trunc('{step}', published_at::DATE)::DATE AS period,
                   CASE WHEN list_contains($top, language) THEN language ELSE '{OTHER}' END AS series, count(*) AS n
            FROM report_articles WHERE published_at::DATE >= date_trunc('{step}', $low::DATE)
            GROUP BY ALL
        )
        SELECT p.period, c.series, c.n FROM periods AS p LEFT JOIN counted AS c USING (period) ORDER BY p.period""",
        {"low": low, "high": high, "top": top})
    (earlier,), = _rows(con, f"SELECT count(*) FROM report_articles WHERE published_at::DATE < date_trunc('{step}', $low::DATE)", {"low": low})
    periods = sorted({row[0] for row in rows})
    counts = {(period, _language_label(series)): n for period, series, n in rows if series is not None}
    present = {series for _, series in counts}
    languages = [_language_label(code) for code in top if _language_label(code) in present] + ([OTHER] if OTHER in present else [])
    return Timeline(step, periods, languages, counts, undated, earlier)


def _sources(con: duckdb.DuckDBPyConnection) -> list[SourceFigures]:
    reasons: dict[str, dict[str, int]] = {}
    for source, reason, n in _rows(con, """
            SELECT source, reason, sum(n)::BIGINT FROM (
                SELECT source, unnest(map_keys(quarantined_by_reason)) AS reason, unnest(map_values(quarantined_by_reason)) AS n
                FROM report_health
            ) GROUP BY ALL ORDER BY 3 DESC, 2"""):
        reasons.setdefault(source, {})[reason] = n
    rows = _rows(con, """
        WITH words AS (SELECT source, median(word_count)::DOUBLE AS median_words FROM report_articles GROUP BY source)
        SELECT h.source, count(*), max(h.started_at),
               sum(h.inputs)::BIGINT, sum(h.articles)::BIGINT, sum(h.quarantined)::BIGINT, sum(h.empty_bodies)::BIGINT,
               sum(h.short_bodies)::BIGINT, sum(h.missing_title)::BIGINT, sum(h.missing_published_at)::BIGINT,
               sum(h.missing_authors)::BIGINT, sum(h.deduplicated)::BIGINT, coalesce(sum(h.duplicates), 0)::BIGINT,
               any_value(w.median_words)
        FROM report_health AS h LEFT JOIN words AS w USING (source)
        GROUP BY h.source ORDER BY sum(h.inputs) DESC, h.source""")
    return [SourceFigures(*row, reasons=reasons.get(row[0], {})) for row in rows]


def _groups(con: duckdb.DuckDBPyConnection) -> list[DuplicateGroup]:
    rows = _rows(con, """
        WITH largest AS (
            SELECT dup_group, count(*) AS size, list(DISTINCT dup_kind ORDER BY dup_kind) FILTER (WHERE dup_kind IS NOT NULL) AS kinds
            FROM report_articles WHERE dup_group IS NOT NULL
            GROUP BY dup_group ORDER BY size DESC, dup_group LIMIT $groups
        )
        SELECT l.dup_group, l.size, l.kinds, a.title, a.site, nullif(a.language, ''), a.dup_kind, a.is_canonical, a.published_at, a.url
        FROM largest AS l JOIN report_articles AS a USING (dup_group)
        QUALIFY row_number() OVER (PARTITION BY l.dup_group ORDER BY a.is_canonical DESC, a.published_at, a.article_id) <= $members
        ORDER BY l.size DESC, l.dup_group, a.is_canonical DESC, a.published_at, a.article_id""",
        {"groups": TOP_GROUPS, "members": GROUP_MEMBERS})
    groups: dict[str, DuplicateGroup] = {}
    for group_id, size, kinds, *member in rows:
        groups.setdefault(group_id, DuplicateGroup(group_id, size, kinds or [], [])).members.append(GroupMember(*member))
    return list(groups.values())


def _scripts(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, int]]:
    scripts: dict[str, dict[str, int]] = {}
    for script, language, n in _rows(con, """
            SELECT script, language, n FROM (SELECT script, language, count(*) AS n FROM report_articles GROUP BY ALL)
            ORDER BY sum(n) OVER (PARTITION BY script) DESC, script, n DESC, language"""):
        scripts.setdefault(script or "unknown", {})[_language_label(language)] = n
    return scripts


def _alerts(con: duckdb.DuckDBPyConnection) -> list[SourceAlertRow]:
    rows = _rows(con, "SELECT raised_at, source, figure, message FROM source_alerts ORDER BY raised_at DESC, source, figure LIMIT $n", {"n": ALERTS})
    return [SourceAlertRow(*row) for row in rows]


STEPS_TOTAL = len(_TAKE_ONCE) + 6  # what `read_report_data` tells its progress callback it will do


def read_report_data(root: WarehouseRoot, progress: Callable[[int, int], None] | None = None) -> ReportData:
    """The report's figures, from the warehouse at `root` (read-only; raises NoWarehouse when
    there is none). `progress(done, total)` is told after each query."""
    con = query_connection(root)
    done = 0

    def step(value: T) -> T:
        nonlocal done
        done += 1
        if progress:
            progress(done, STEPS_TOTAL)
        return value

    try:
        for statement in _TAKE_ONCE:
            step(con.execute(statement))
        top = step(_top_languages(con))
        overview, timeline, sources = step(_overview(con)), step(_timeline(con, top)), step(_sources(con))
        groups, scripts, alerts = step(_groups(con)), step(_scripts(con)), _alerts(con)
        return ReportData(overview, [_language_label(code) for code in top], timeline, sources, groups, scripts, alerts)
    finally:
        con.close()
