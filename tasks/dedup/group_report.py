"""What the duplicate groups look like after a dedup run, for its summary."""

from __future__ import annotations

from collections import Counter

from tasks.dedup.cache import sync
from tasks.dedup.session import DedupSession
from warehouse.schemas import ARTICLES
from warehouse.tables import table_scan


def group_counts(session: DedupSession, largest: int = 10) -> tuple[Counter[str], Counter[str]]:
    """Groups by kind, and the `largest` groups (canonical title and kind → members; equal sizes
    in the order of their canonical article's id), among the articles the session compared, from
    the newest decisions, once the dedup cache has read those the run wrote. Read from the cache,
    not the `articles` view: the view's latest-version and newest-decision windows read every
    stored article."""
    con, cache = session.con, session.cache
    sync(con, session.root, session.settings)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE dedup_members AS
            SELECT d.dup_group, d.dup_kind FROM {cache.schema}.decision d JOIN {cache.schema}.sig s USING (idx)
            SEMI JOIN {session.compared} USING (article_id)
            WHERE d.dup_group IS NOT NULL"""
    )
    try:
        by_kind = Counter(dict(con.sql("SELECT dup_kind, count(DISTINCT dup_group) FROM dedup_members GROUP BY 1").fetchall()))
        top = con.sql(
            f"SELECT dup_group, any_value(dup_kind), count(*) AS n FROM dedup_members GROUP BY 1 ORDER BY n DESC, 1 LIMIT {int(largest)}"
        ).fetchall()
    finally:
        con.execute("DROP TABLE IF EXISTS dedup_members")
    # the canonical article's id is the group's; its title (or address) names the group
    names = dict(
        con.execute(
            f"SELECT article_id, any_value(coalesce(title, url)) FROM {table_scan(session.root, ARTICLES)} WHERE article_id IN ({', '.join('?' * len(top))}) GROUP BY 1",
            [group for group, _, _ in top],
        ).fetchall()
    ) if top else {}
    return by_kind, Counter({f"{names.get(group) or group} ({kind})": n for group, kind, n in top})
