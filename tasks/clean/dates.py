"""Publication dates from whatever a page or its front matter wrote, as UTC datetimes.

Cheap parsers go first, because most values are ISO 8601 or English: `datetime.fromisoformat`,
a few regular expressions (Unix timestamps, day-first dotted dates, CJK year/month/day), then
dateutil for English month names and RFC 2822. Only what they all reject goes to dateparser,
which knows month names in ~200 locales but costs ~1-30 ms a call (over a second for its first
call with no language hint in a process, while it loads every locale).

Conventions: a value without a time zone is taken as UTC; slashed all-number dates are read
month first (`01/02/2021` is January 2) on US English pages and pages of unknown language, day
first on every other page (`01/02/2021` is 1 February in French, German, British English),
unless the first number cannot be a month or a day; dotted ones
(`06.08.2021`) day first, as they are written in Europe; Thai Buddhist-era years (2564) are
converted when the value is in Thai script. Dates before 1990 or more than two days after the
fetch are implausible and give None, as does anything that cannot be parsed.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import Literal
from zoneinfo import ZoneInfo

import dateparser
from dateutil import parser as dateutil_parser
from dateutil.tz import tzoffset

from tasks.clean.date_words import DATE_LABELS, ZONE_HOURS, ZONE_REGIONS, alternation

EARLIEST = datetime(1990, 1, 1, tzinfo=timezone.utc)
FUTURE_SLACK = timedelta(days=2)
# Thai Buddhist era = Gregorian year + 543.
_BUDDHIST_ERA_OFFSET = 543
_MAX_SLOW_PARSE_CHARS = 80

_TZINFOS: dict[str, tzinfo] = {
    # dateutil only reads an upper-case word as a zone name
    **{name.upper(): tzoffset(name.upper(), int(hours * 3600)) for name, hours in ZONE_HOURS.items()},
    **{name.upper(): ZoneInfo(region) for name, region in ZONE_REGIONS.items()},
}

# A label before the date: any digit-free words ending in a colon ("Updated:", "Veröffentlicht:",
# "发布时间："), or a known label without a colon ("Published on", "Publié le", "Stand").
_COLON_LABEL = re.compile(r"^[^\d:：]{1,40}[:：]\s*")
_WORD_LABEL = re.compile(rf"^(?:last\s+)?(?:{alternation(DATE_LABELS)})(?![^\W\d_])(?:\s+on\b)?\s*[-–]?\s*", re.IGNORECASE)
_DIGITS = re.compile(r"\d")
_TIMESTAMP = re.compile(r"[+-]?\d{9,13}(?:\.\d+)?")
_DOTTED_DAY_FIRST = re.compile(r"\d{1,2}\.\s?\d{1,2}\.\s?\d{2,4}\b")
_SLASHED = re.compile(r"\d{1,2}/\d{1,2}/\d{2,4}\b")
_CJK_DATE = re.compile(
    r"(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日号일]?"
    r"(?:\D{0,6}?(\d{1,2})\s*[:時时시]\s*(\d{1,2})(?:\s*[:分분]\s*(\d{1,2}))?)?"
)
# A time of day as pages write it: `18:11`, `18:11:05`, `10h30`, `08時30分`, `14시 5분`.
_TIME_OF_DAY = re.compile(r"(?<!\d)(\d{1,2})\s*[:時时시hH]\s*(\d{1,2})(?:\s*[:分분]\s*(\d{1,2}))?")
_THAI_CHAR = re.compile("[\u0e00-\u0e7f]")
# A written date names its year: "13 June 2023", "2023年6月13日", Thai "13 มิ.ย. 2566" (Buddhist
# era); "3 min read" and "2 hours ago" do not.
_YEAR = re.compile(r"(?<!\d)(?:19|20|25)\d\d(?!\d)")
# Year-less defaults land in 1900, which the plausibility check then rejects.
_DEFAULT = datetime(1900, 1, 1)
_DATEPARSER_SETTINGS = {
    "TIMEZONE": "UTC",
    "TO_TIMEZONE": "UTC",
    "RETURN_AS_TIMEZONE_AWARE": True,
    "PREFER_DAY_OF_MONTH": "first",
}
_DATEPARSER_AS_WRITTEN = {"PREFER_DAY_OF_MONTH": "first"}


Precision = Literal["day", "minute", "second"]


def as_utc(value: datetime) -> datetime:
    """`value` as an aware UTC datetime; a naive one is taken to be UTC already."""
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def is_plausible(value: datetime, fetched_at: datetime) -> bool:
    """Whether a publication date can be true: not before 1990, not after the fetch (+2 days)."""
    return EARLIEST <= as_utc(value) <= as_utc(fetched_at) + FUTURE_SLACK


def from_timestamp(value: float) -> datetime | None:
    """A Unix timestamp in seconds, or in milliseconds when it is too large for seconds."""
    seconds = value / 1000 if abs(value) >= 1e11 else value
    try:
        return datetime.fromtimestamp(seconds, tz=timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None


def _parse_cjk(text: str) -> datetime | None:
    """`2021年8月6日 08:30`, `2021년 8월 6일` and the like."""
    found = _CJK_DATE.search(text)
    if not found:
        return None
    year, month, day, hour, minute, second = (int(part) if part else 0 for part in found.groups())
    try:
        return datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None


def _writes_day_first(language: str | None) -> bool:
    """Whether pages in `language` (a BCP 47 tag) write slashed dates day first: all but US English."""
    if not language:
        return False
    tag = language.strip().lower().replace("_", "-")
    return not (tag == "en" or tag.startswith("en-us"))


def _parse_dateutil(text: str, language: str | None = None) -> datetime | None:
    """English month names, RFC 2822, slashed and dotted numbers, via dateutil."""
    # only where the day or month comes first: dateutil reads `2021/01/02` day first as YDM
    dayfirst = bool(_DOTTED_DAY_FIRST.match(text)) or bool(_SLASHED.match(text) and _writes_day_first(language))
    try:
        with warnings.catch_warnings():
            # an unknown zone name makes dateutil warn and return a naive time: taken as UTC
            warnings.simplefilter("ignore", dateutil_parser.UnknownTimezoneWarning)
            return dateutil_parser.parse(text, default=_DEFAULT, dayfirst=dayfirst, tzinfos=_TZINFOS)
    except (ValueError, OverflowError, TypeError):
        return None


def _parse_dateparser(text: str, fetched_at: datetime, language: str | None, in_utc: bool = True) -> datetime | None:
    """Any locale's month names and relative dates ("vor 2 Stunden"), via dateparser; in UTC,
    or (`in_utc` False) naive unless the text names its zone."""
    settings = dict(_DATEPARSER_SETTINGS if in_utc else _DATEPARSER_AS_WRITTEN, RELATIVE_BASE=as_utc(fetched_at).replace(tzinfo=None))
    hint = re.split(r"[-_]", language.strip().lower())[0] if language else ""
    # the hint is fast but may be wrong or unknown to dateparser: then let it detect the language
    for languages in ([hint], None) if hint else (None,):
        try:
            parsed = dateparser.parse(text, languages=languages, settings=settings)
        except (ValueError, OverflowError, TypeError, KeyError):
            continue
        if parsed is not None:
            return parsed
    return None


def _from_buddhist_era(value: datetime, text: str, fetched_at: datetime) -> datetime:
    """Thai dates count years from 543 BC: shift them when the Gregorian year would be in the future."""
    if value.year > as_utc(fetched_at).year + 1 and _THAI_CHAR.search(text):
        try:
            return value.replace(year=value.year - _BUDDHIST_ERA_OFFSET)
        except ValueError:
            return value
    return value


def _parse_text(text: str, fetched_at: datetime, language: str | None, in_utc: bool = True) -> datetime | None:
    """The first reading of a date string that one of the parsers, cheapest first, accepts
    (dateparser's in UTC, or as written: `_parse_dateparser`)."""
    text = " ".join(text.split())
    unlabelled = _WORD_LABEL.sub("", _COLON_LABEL.sub("", text))
    text = unlabelled if _DIGITS.search(unlabelled) else text
    if not text or not _DIGITS.search(text):
        return None
    if _TIMESTAMP.fullmatch(text):
        return from_timestamp(float(text))
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    parsed = _parse_cjk(text) or _parse_dateutil(text, language)
    if parsed is None and len(text) <= _MAX_SLOW_PARSE_CHARS:
        parsed = _parse_dateparser(text, fetched_at, language, in_utc)
    return _from_buddhist_era(parsed, text, fetched_at) if parsed is not None else None


def parse_published(
    value: str | int | float | datetime | date | None,
    fetched_at: datetime,
    language: str | None = None,
) -> datetime | None:
    """The publication time in `value` as an aware UTC datetime, or None.

    `value` may be a string in any common form (ISO 8601 with or without offset or `Z`, RFC 2822,
    `January 21, 2021`, `21 January 2021`, `2021/01/21 08:30`, `2021年8月6日`, month names in other
    languages), a Unix timestamp (seconds or milliseconds), or a `datetime`/`date` as YAML front
    matter yields them. `language` (ISO 639-1) only speeds up non-English month names. Naive
    values are taken as UTC; implausible dates (before 1990, or more than two days after
    `fetched_at`) and unparseable values give None, never an error.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        parsed: datetime | None = value
    elif isinstance(value, date):
        parsed = datetime.combine(value, time())
    elif isinstance(value, (int, float)):
        parsed = from_timestamp(value)
    else:
        parsed = _parse_text(str(value), fetched_at, language)
    if parsed is None or not is_plausible(parsed, fetched_at):
        return None
    return as_utc(parsed)


def ascii_digits(text: str) -> str:
    """`text` with every decimal digit of any script (Arabic-Indic `١٣`, Persian `۱۳`, Devanagari
    `१३`, fullwidth `１３`) written as an ASCII digit, which the parsers read."""
    if text.isascii():
        return text
    return "".join(str(digit) if (digit := unicodedata.decimal(char, None)) is not None else char for char in text)


def written_time(text: str, language: str | None = None) -> str | None:
    """The date and time a page's text states (a `<time>` element without `datetime`), as ISO 8601
    to the precision written and in its own zone: `13.06.2023, 18:11 Uhr` is `2023-06-13T18:11`,
    `١٣/٦/٢٠٢٣ - ١٨:١١` the same, `13 June 2023` is `2023-06-13`. None when it names no year
    ("3 min read", "2 hours ago") or cannot be read.
    """
    text = ascii_digits(" ".join(text.split()))
    if not _YEAR.search(text) or len(text) > _MAX_SLOW_PARSE_CHARS:
        return None
    parsed = _parse_text(text, datetime.now(timezone.utc), language, in_utc=False)
    if parsed is None:
        return None
    precision = published_precision(text)
    if precision == "day":
        return parsed.date().isoformat()
    return parsed.isoformat(timespec="minutes" if precision == "minute" else "seconds")


def published_precision(value: str | int | float | datetime | date | None) -> Precision | None:
    """How precisely `value` states a publication time: `second`, `minute` or only the `day`.

    An exact midnight (`T00:00:00`) counts as a day: that is how content systems write a date
    without a time, and a user should not read it as published at midnight. Timestamps count
    to the second. None when `value` is None.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        clock = (value.hour, value.minute, value.second)
        return "day" if clock == (0, 0, 0) else "minute" if value.second == 0 and value.microsecond == 0 else "second"
    if isinstance(value, date):
        return "day"
    if isinstance(value, (int, float)) or _TIMESTAMP.fullmatch(str(value).strip()):
        return "second"
    found = _TIME_OF_DAY.search(str(value))
    if not found:
        return "day"
    hour, minute, second = (int(part) if part else 0 for part in found.groups())
    if (hour, minute, second) == (0, 0, 0):
        return "day"
    return "second" if found.group(3) else "minute"
