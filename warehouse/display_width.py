"""How many terminal columns text takes, so tables of Chinese, Japanese, Thai or Devanagari
line up: East Asian wide and fullwidth characters take two columns, and marks that combine
with the character before them (Thai vowel and tone marks, Devanagari virama and vowel signs
above and below) take none.

The rules are wcwidth's, as glibc and most terminals apply them, from the standard library's
Unicode database: general categories Mn (nonspacing marks), Me (enclosing marks) and Cf
(format characters such as the zero-width joiner), and Hangul medial vowels and final consonants
(U+1160-U+11FF, drawn inside the syllable they follow) are zero columns wide; East Asian Width W
or F is two; anything else is one. Spacing marks (Mc, such as Devanagari's ा and ि) take a
column of their own, as terminals draw them.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

ELLIPSIS = "…"  # one column wide (East Asian Width "A", narrow outside CJK locales)
_ZERO_WIDTH_CATEGORIES = {"Mn", "Me", "Cf"}


@lru_cache(maxsize=4096)
def char_width(char: str) -> int:
    """Columns one character takes: 0, 1 or 2."""
    if unicodedata.category(char) in _ZERO_WIDTH_CATEGORIES or "\u1160" <= char <= "\u11ff":
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def display_width(text: str) -> int:
    """Columns `text` takes on a terminal."""
    return sum(char_width(c) for c in text) if not text.isascii() else len(text)


def truncate(text: str, max_width: int) -> str:
    """`text` cut to at most `max_width` columns, ending in "…" when it was cut (a wide
    character is never split, and a mark stays with the character it belongs to)."""
    if display_width(text) <= max_width:
        return text
    kept, width = [], 0
    for char in text:
        w = char_width(char)
        if width + w > max_width - 1:
            break
        kept.append(char)
        width += w
    return "".join(kept) + ELLIPSIS


def pad(text: str, width: int) -> str:
    """`text` followed by spaces up to `width` columns."""
    return text + " " * (width - display_width(text))
