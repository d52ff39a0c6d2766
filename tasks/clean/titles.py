"""Titles without the site's name: what pages add around a headline in `<title>` and `og:title`.

Pages write `Story - WELT`, `Story | Globalnews.ca`, `Story：中日新聞Web`, `Story – DW – 13.06.2023`,
`BBC News - Story`. An affix is removed only on evidence from the page itself: the segment beyond
a separator names the site (its declared name, or its host: `WELT` for welt.de, `Seznam Zprávy`
for seznamzpravy.cz, `Globalnews.ca`), or is a date. Beside a removed site name, the sections the
page files itself under go too (`NDR.de - Nachrichten - Niedersachsen - Headline`). A segment
that merely looks short is kept: `Rock - Paper - Scissors` is a title.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tasks.clean.date_words import DATE_CONNECTORS, MONTH_NAMES
from tasks.clean.values import fold

# Between a headline and the site's name; the fullwidth ones are written without spaces.
_SEPARATOR = re.compile(r"\s+(?:[|\-–—•·»/]|::)\s+|\s*[｜：]\s*|\s*_\s*")
# Host labels that name no site: `www`, mobile and AMP prefixes, generic second-level domains.
_GENERIC_HOST_LABELS = frozenset("www m amp mobile co com org net ne or ac gov edu go".split())
# A site written as its domain ("Globalnews.ca"); not a software name ("Node.js", "ASP.NET").
_DOMAIN = re.compile(r"^(?:[\w-]+\.)+(?!(?:js|ts|py|rb|net)$)[a-z]{2,}$", re.IGNORECASE)
_YEAR = re.compile(r"^\d{4}$")
_NUMERIC_DATE = re.compile(r"^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\.?$")
# A segment under half a site name is a word of it ("News" of "BBC News"), not its name.
_MIN_NAME_SHARE = 0.5
_MIN_NAME_CHARS = 3
# A section name is a few words ("Region Hannover"); a longer segment is part of the headline.
_MAX_SECTION_WORDS = 4


def host_names(host: str | None) -> list[str]:
    """Names a host gives its site: itself without `www.`, and its distinctive labels joined."""
    if not host:
        return []
    host = host.lower().removeprefix("www.")
    labels = host.split(".")[:-1]  # the top-level domain names no site
    distinctive = [label for label in labels if label not in _GENERIC_HOST_LABELS]
    return [host, *distinctive, "".join(distinctive)]


def strip_site_from_title(
    title: str, site_names: Iterable[str | None], host: str | None = None, sections: Iterable[str | None] = ()
) -> str:
    """`title` without leading or trailing segments that name the site or give a date, and the
    `sections` (breadcrumbs, folders of the page's address) written between them and the headline.

    `site_names` are what the page calls its site (`og:site_name`, the JSON-LD publisher),
    `host` the host it was published under. A section goes only on the side where the site's
    name went, and only when a few words long. The headline itself is never removed whole.
    """
    names = {key for name in [*site_names, *host_names(host)] if name and (key := fold(name))}
    section_keys = {key for name in sections if name and (key := fold(name))}
    # the spans of the segments between separators, so the headline keeps its own ("Rock - Paper")
    spans, start = [], 0
    for separator in _SEPARATOR.finditer(title):
        spans.append((start, separator.start()))
        start = separator.end()
    spans.append((start, len(title)))
    segments = [title[slice(*span)] for span in spans]
    last = len(spans) - 1 - _count_affixes(segments[:0:-1], names, section_keys)
    first = _count_affixes(segments[:last], names, section_keys)
    return title[spans[first][0] : spans[last][1]].strip()


def site_in_title(title: str, headline: str | None) -> str | None:
    """The segment `title` (a page's `<title>`) adds before or after the page's `headline`
    (`国务院常务会议部署稳就业工作_新浪新闻`): the site's name, for a page that declares none.
    None when the title is not the headline and one segment, or that segment is a date."""
    separators = list(_SEPARATOR.finditer(title))
    key = fold(headline or "")
    if not separators or not key:
        return None
    # the headline may stand after sections too ("NDR.de - Nachrichten - Headline"): the site is beyond them
    splits = [(title[sep.end() :], title[: sep.start()], -1) for sep in separators[::-1]]
    splits += [(title[: sep.start()], title[sep.end() :], 0) for sep in separators]
    for rest, kept, outer in splits:
        site = _SEPARATOR.split(rest)[outer].strip()
        if fold(kept) == key and fold(site) and len(site) < len(kept) and not _is_date(site):
            return site
    return None


def title_affixes(title: str) -> list[str]:
    """The first or last segment of a title written in several (`Story | Blog name`) when it is
    under half the title: where a site's name stands when the page does not declare it."""
    parts = [part.strip() for part in _SEPARATOR.split(title)]
    ends = [parts[0], parts[-1]] if len(parts) > 1 else []
    return [part for part in ends if len(part) < len(title) / 2]


def _is_affix(segment: str, names: set[str]) -> bool:
    """Whether a title segment names the site (one of `names`, folded) or is a date."""
    key = fold(segment)
    if not key:
        return False
    if _DOMAIN.match(segment.strip()) or _is_date(segment):
        return True
    return any(key == name or _is_part_of(key, name) or _is_part_of(name, key) for name in names)


def _count_affixes(segments: list[str], names: set[str], sections: set[str]) -> int:
    """How many of `segments`, from the first on, name the site, give a date or, once one did,
    name a section."""
    count = 0
    for segment in segments:
        if not (_is_affix(segment, names) or (count and _is_section(segment, sections))):
            break
        count += 1
    return count


def _is_section(segment: str, sections: set[str]) -> bool:
    """Whether a title segment is one of the page's `sections` (folded) and a few words long."""
    return len(segment.split()) <= _MAX_SECTION_WORDS and fold(segment) in sections


def _is_part_of(short: str, long: str) -> bool:
    """Whether `short` is a substantial part of `long` ("中日新聞" of "中日新聞web"), not a chance
    run of letters ("dw" of "sandwich")."""
    return len(short) >= _MIN_NAME_CHARS and len(short) >= _MIN_NAME_SHARE * len(long) and short in long


def _is_date(segment: str) -> bool:
    """`13.06.2023`, `2023-06-13`, `13 June 2023`, `June 13, 2023`: only date words and numbers."""
    text = segment.strip()
    if _NUMERIC_DATE.match(text):
        return True
    words = re.findall(r"[^\W\d_]+|\d+", text.casefold())
    # a day too: "Jobs report - June 2023" names a month, not the page's date
    return (
        any(_YEAR.match(word) for word in words)
        and any(word.isdigit() and len(word) <= 2 for word in words)
        and any(word in MONTH_NAMES for word in words)
        and all(word.isdigit() or word in MONTH_NAMES or word in DATE_CONNECTORS for word in words)
    )
