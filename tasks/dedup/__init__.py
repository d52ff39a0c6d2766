"""The dedup stage: exact, near-duplicate and translation groups of articles.

Two steps, each a plain function the dedup flow wraps in a task:

1. `sign_articles` (`signatures.py`): for article versions that have none yet, the exact hash, MinHash signature, LSH band hashes and number fingerprint (one row each of
   the `signatures` table). This is the costly part and runs on a process pool in batches.
2. `find_duplicates` (`grouping.py`): the rows to append
   to the `duplicates` table. Articles without a decision under the current settings are the
   "new" ones; only they are compared against everything stored (read through the dedup
   cache, `cache.py`): exact-hash and band-hash joins and number-pair joins in
   DuckDB, verification (estimated Jaccard from the stored signatures; for translations, prose
   numbers aligned in order at about the same places, a few of them figures, and Latin-script
   names that do not disagree), then union-find
   together with the stored groups they touch, a translation link joining only groups with no
   language in common.

How `duplicates` is written: one row per article version whenever its grouping changes, and
the newest row per article (by `decided_at`) is the truth. A run writes a row for every new
article (singletons too, with `dup_group` NULL, so an article is decided once), for every
member of a group that changed (joined, merged, or got a new canonical), and for members of a
group one of whose articles left the compared set (a superseded version), whose remaining
members are compared afresh. A rerun with nothing new writes nothing. Changing the settings
that decide groups (threshold, n-grams, ...) changes `settings_key`, which makes every article
new again: the next run regroups all of them and writes only the rows that differ.

A group's `dup_group` is the article_id of its canonical article: the earliest `published_at`
(unknown dates last), then the longest text, then the smallest article_id. Its `dup_kind` is
`translation` if any link in it joins two languages, else `near` if any link is a near
duplicate, else `exact`. `similarity` is the strongest verified link of the article into its
group (1.0 for an exact copy; estimated Jaccard for near; number alignment for translation).
"""
from tasks.dedup.group_report import group_counts
from tasks.dedup.last_run import new_rows_at_most, nothing_new
from tasks.dedup.session import DedupSession, dedup_session, group_articles
from tasks.dedup.signatures import sign_articles

__all__ = ["DedupSession", "dedup_session", "group_articles", "group_counts", "new_rows_at_most", "nothing_new", "sign_articles"]
