"""What the duplicate groups look like after a dedup run, for its summary."""

from __future__ import annotations

from collections import Counter

import duckdb


def group_counts(con: duckdb.DuckDBPyConnection, largest: int = 10) -> tuple[Counter[str], Counter[str]]:
    """Groups by kind, and the `largest` groups (canonical title and kind → members), over the
    `articles` view of a warehouse connection."""
    by_kind = Counter(
        dict(con.sql("SELECT dup_kind, count(DISTINCT dup_group) FROM articles WHERE dup_group IS NOT NULL GROUP BY 1").fetchall())
    )
    rows = con.sql(
        f"""
        SELECT arg_max(coalesce(title, url, article_id), is_canonical::INT) || ' (' || any_value(dup_kind) || ')', count(*) AS n
        FROM articles WHERE dup_group IS NOT NULL
        GROUP BY dup_group ORDER BY n DESC, 1 LIMIT {int(largest)}
        """
    ).fetchall()
    return by_kind, Counter(dict(rows))
