"""Text values as pages declare them: one rule for entities, a value, a list, and comparing names.

Names (of sites, people, headings) are compared by `fold`: letters and digits only, without
accents or case, so `Seznam Zprávy` matches the host `seznamzpravy.cz` and `Chuck-Ross` matches
`Chuck Ross`.

Every stage of cleaning that reads a title, a name, a label or an address out of markup goes
through these, so an escape or a stray tag is treated the same whether it came from JSON-LD, a
meta tag, front matter or a line of copied text.

Character references are decoded as HTML5 defines them (named, decimal and hexadecimal, via
`html.unescape`), but only complete ones, ending in `;`. `html.unescape` also accepts the legacy
names without `;`, which turns the `&para=`, `&copy=` and `&not` of query strings and prose into
`¶=`, `©=` and `¬`; browsers do not do that in attribute values either.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# A tag as the HTML tokenizer reads one (`<` and a letter, up to the next `>`), or a comment.
# `a < b` is no tag: a space after `<` never starts one.
_TAG = re.compile(r"<!--.*?-->|</?[A-Za-z][^<>]*>", re.DOTALL)
# Invisible characters that only get in the way in a title or name. ZWJ/ZWNJ are kept: they
# change how Persian and Indic words are written.
_INVISIBLE = re.compile("[\u00ad\u200b\u2060\ufeff]")
# Feeds escape twice (`&amp;amp;`) and sometimes three times; more is not seen in the wild.
_MAX_UNESCAPES = 3


def unescape_entities(text: str) -> str:
    """`text` with every complete HTML character reference (`&amp;`, `&#39;`, `&nbsp;`) decoded once.

    Only references ending in `;` are decoded, so `AT&T`, `?a=1&b=2` and `&para=1` stay as written.
    """
    return _ENTITY.sub(lambda m: html.unescape(m.group(0)), text)


def clean_text(value: object) -> str | None:
    """`value` as one line of plain text: markup and entities gone, whitespace collapsed; None if empty.

    References are decoded until none is left (at most three rounds), and tags are removed again
    afterwards, since escaped markup (`&lt;b&gt;`) is still markup.
    """
    if value is None:
        return None
    text = str(value)
    if "<" not in text and "&" not in text:  # most values: no tag, no reference to look for
        return " ".join(_INVISIBLE.sub("", text).split()) or None
    text = _TAG.sub(" ", text)
    for _ in range(_MAX_UNESCAPES):
        unescaped = unescape_entities(text)
        if unescaped == text:
            break
        text = unescaped
    text = _INVISIBLE.sub("", _TAG.sub(" ", text))
    return " ".join(text.split()) or None


def clean_list(values: Iterable[object] | str | None) -> list[str]:
    """Cleaned strings of `values`, empties and (case-insensitive) duplicates removed, order kept.

    A lone string is a list of one.
    """
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    seen: set[str] = set()
    out: list[str] = []
    for value in values:
        text = clean_text(value)
        if text and text.casefold() not in seen:
            seen.add(text.casefold())
            out.append(text)
    return out


@lru_cache(maxsize=4096)  # a page folds the same few names and headings many times over
def fold(text: str) -> str:
    """Letters and digits of `text` without accents or case: the key names are compared by."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed.casefold() if ch.isalnum() and not unicodedata.combining(ch))
