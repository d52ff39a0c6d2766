"""Names in Latin script: evidence against a translation that numbers cannot give.

A translation between two languages written in Latin script keeps the names of its source
(people, places, companies, acronyms: "Irena", "Varna", "Kovac", "WHO"), while two pages of one
template in two languages (a weather report for Madrid and one for Marseille, two companies'
privacy policies) share their numbers and layout but not their names. So each article keeps
the set of its Latin-script names: capitalized words that do not open a sentence, and
acronyms, folded to lowercase without accents, hashed. Two articles that both have enough
names and share few of them are not translations. Articles in other scripts carry few Latin
names (a Chinese or Thai text may keep "WHO" or "COVID"), so for them names say nothing and the
numbers decide alone.
"""

from __future__ import annotations

import functools
import hashlib
import unicodedata

import regex

# A capitalized Latin word (its first letter upper case), or an acronym, not inside a word.
_NAME = regex.compile(r"(?V1)(?<![\p{L}\p{M}\d])[\p{Lu}&&\p{Latin}][\p{L}\p{M}]*(?![\p{L}\p{M}])")
_OPENERS = ".!?:;\"'\u00ab\u00bb\u201c\u201d\u201e\u2018\u2019()[]\u2013\u2014-|>"  # after these a word is capitalized anyway
NAMES_VERSION = 1  # bump when `names` changes: stored signatures are then recomputed


def names(text: str, limit: int = 64) -> list[int]:
    """The hashed Latin-script names of a text (sorted, distinct, at most `limit`): capitalized
    words not at the start of a line or sentence (nor after a quote or dash), of 2 letters or more."""
    found: set[int] = set()
    for match in _NAME.finditer(text):
        word = match.group()
        if len(word) < 2:
            continue
        before = text[: match.start()].rstrip(" \t")[-1:]
        if before in ("", "\n") or before in _OPENERS:
            continue
        found.add(_name_hash(word))
    return sorted(found)[:limit]


@functools.lru_cache(maxsize=65536)
def _name_hash(word: str) -> int:
    folded = "".join(c for c in unicodedata.normalize("NFKD", word.casefold()) if not unicodedata.combining(c))
    return int.from_bytes(hashlib.blake2b(folded.encode(), digest_size=8).digest(), "little", signed=True)


def names_disagree(a: list[int], b: list[int], min_names: int, min_share: float) -> bool:
    """Whether two articles' names show they are not translations: both have at least
    `min_names` names and they share fewer than `min_share` of the smaller set."""
    if min(len(a), len(b)) < min_names:
        return False
    shared = len(set(a) & set(b))
    return shared < min_share * min(len(a), len(b))
