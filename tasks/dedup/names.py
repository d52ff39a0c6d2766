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
import re
import unicodedata

# A word opening with a Latin capital (Basic Latin, Latin-1, Extended-A/B and Additional hold
# both cases: the first letter is checked with isupper) after one space that follows neither
# a sentence mark, a colon, a quote, a bracket or a dash, nor a line break: words that open a
# sentence, a line or a quotation are capitalized whatever they are.
_NAME = re.compile(
    "[A-Z\u00c0-\u00d6\u00d8-\u00de\u0100-\u024f\u1e00-\u1eff]"  # first: re skips to candidates in C
    "(?<=[^\\s.!?:;\"'\u00ab\u00bb\u201c\u201d\u201e\u2018\u2019()\\[\\]\u2013\u2014\\-|>] .)"
    "[^\\W\\d_]*"
)
NAMES_VERSION = 1  # bump when `names` changes: stored signatures are then recomputed


def names(text: str, limit: int = 256) -> list[int]:
    """The hashed Latin-script names of a text (sorted, distinct): capitalized words of 2
    letters or more after a space, not opening a line, sentence or quotation. At most `limit`,
    the smallest hashes (the same sample of every text's names): high, because German
    capitalizes every noun and a long German article holds a hundred or more such words, where a
    smaller sample would lose the few names it shares with its translation."""
    found = {_name_hash(word) for word in _NAME.findall(text) if len(word) > 1 and word[0].isupper()}
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
