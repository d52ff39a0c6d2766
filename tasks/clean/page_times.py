"""The publication time of a page, chosen among the dates it declares in several places.

Pages often state one time several ways: JSON-LD `datePublished: "2023-06-13"`, a meta tag
`article:published_time` with the minute and offset, a `<time datetime>` in the article's header.
The rules:

- the first declaration in order of trust (JSON-LD article, publication meta tags, a publication
  `<time>`) fixes the day;
- a more precise declaration on that same day wins (a time over the date alone, seconds over
  minutes, an offset over none);
- a `<time datetime>` anywhere on the page adds a time to a date alone, or seconds and an offset
  to the same clock time, on that same day only: a `<time>` in a list of related articles, on
  another day, never replaces the date, and an update's time never replaces a stated time;
- a time written without an offset takes the offset the page states on another of its times
  (a German site's `18:11` with `+02:00` on its modification time is 16:11 UTC, not 18:11 UTC);
- a `<time>` element without `datetime` counts with the date and time its text writes, in any
  script's digits (`2023年6月13日 18時11分`, `١٣/٦/٢٠٢٣ - ١٨:١١`, `१३ जून २०२३, ०६:११ PM`);
  a `<time>` marked or labelled as an update (`class="updated"`, "Aktualisiert am") does not;
- when the page declares no publication date, the day found in its text (trafilatura's guess)
  is refined the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from lxml.html import HtmlElement

from tasks.clean.date_words import UPDATED_LABELS, alternation
from tasks.clean.dates import published_precision, written_time
from tasks.clean.values import clean_text

_ISO_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_HAS_TIME = re.compile(r"\d{4}-\d{1,2}-\d{1,2}[T ]\d{1,2}:\d{2}")
_OFFSET = re.compile(r"(?:[+-]\d{2}:?\d{2}|Z)$", re.IGNORECASE)
_PRECISION_RANK = {"day": 0, "minute": 1, "second": 2}
MAX_TIME_TEXTS = 5
# WordPress themes write `<time class="entry-date published">` beside `<time class="updated">`.
_UPDATE_MARK = re.compile(r"updated|modified", re.IGNORECASE)
_PUBLISHED_MARK = re.compile(r"published|datepublished", re.IGNORECASE)
_UPDATED_TEXT = re.compile(rf"^(?:{alternation(UPDATED_LABELS)})(?![^\W\d_])", re.IGNORECASE)


def published_time(declared: Sequence[str], times: Sequence[str] = (), others: Sequence[str] = ()) -> str | None:
    """The publication time as written, from `declared` (publication dates in order of trust),
    refined by `times` (the page's other `<time datetime>` values); `others` (`dateModified`)
    may only lend their offset.

    >>> published_time(["2023-06-13"], ["2023-06-13T18:11:00+02:00"])
    '2023-06-13T18:11:00+02:00'
    """
    if not declared:
        return None
    best = declared[0]
    day = _day(best)
    for value in declared[1:]:
        if day is not None and _day(value) == day and _rank(value) > _rank(best):
            best = value
    for value in times:
        # a time beside a stated clock time is another event (an update), unless it is that time
        consistent = published_precision(best) == "day" or _clock(value) == _clock(best)
        if day is not None and _day(value) == day and consistent and _rank(value) > _rank(best):
            best = value
    if _HAS_TIME.match(best) and not _offset(best) and published_precision(best) != "day":
        stated = [*declared, *times, *others]
        same_day = [value for value in stated if day is not None and _day(value) == day]
        offset = next((found.group(0) for value in [*same_day, *stated] if (found := _offset(value))), None)
        if offset:
            return best + offset
    return best


def element_times(elements: Iterable[HtmlElement], language: str | None) -> tuple[str, ...]:
    """The times of a page's `<time>` elements in order (`element_time`); only the first
    `MAX_TIME_TEXTS` without `datetime` are read from their text, since a page of comments or
    listings may hold hundreds and reading a date in another language takes milliseconds."""
    found, texts = [], 0
    for element in elements:
        if element.get("datetime") is None:
            texts += 1
            if texts > MAX_TIME_TEXTS:
                continue
        if value := element_time(element, language):
            found.append(value)
    return tuple(found)


def element_time(element: HtmlElement, language: str | None) -> str | None:
    """The time a `<time>` element states: its `datetime`, else the date its text writes; None
    for the time of an update (`class="updated"`, `itemprop="dateModified"`, a text that starts
    "Aktualisiert", "Updated", "Mis à jour"...), which must not pass for the publication."""
    marks = f"{element.get('class') or ''} {element.get('itemprop') or ''}"
    if _UPDATE_MARK.search(marks) and not _PUBLISHED_MARK.search(marks):
        return None
    declared = clean_text(element.get("datetime"))
    if declared or element.get("datetime") is not None:
        return declared
    text = clean_text(element.text_content())
    return written_time(text, language) if text and not _UPDATED_TEXT.match(text) else None


def _day(value: str) -> tuple[int, int, int] | None:
    """The calendar day an ISO 8601 value names (as written, in its own zone)."""
    found = _ISO_DAY.match(value.strip())
    return (int(found.group(1)), int(found.group(2)), int(found.group(3))) if found else None


def _clock(value: str) -> str | None:
    """The hour and minute an ISO 8601 date-time states (`18:11`)."""
    found = _HAS_TIME.match(value.strip())
    return found.group(0)[-5:].lstrip("T ") if found else None


def _offset(value: str) -> re.Match[str] | None:
    """The UTC offset at the end of an ISO 8601 date-time, if it states one."""
    value = value.strip()
    return _OFFSET.search(value) if _HAS_TIME.match(value) else None


def _rank(value: str) -> tuple[int, bool]:
    """How precise a value is: its precision, then whether it states its offset."""
    return _PRECISION_RANK[published_precision(value) or "day"], _offset(value) is not None
