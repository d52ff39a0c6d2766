"""Publication dates in the forms pages and front matter really write them."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
import yaml

import tasks.clean.dates
from tasks.clean.dates import (
    as_utc,
    ascii_digits,
    from_timestamp,
    is_plausible,
    parse_published,
    published_precision,
    written_time,
)

FETCHED = datetime(2021, 9, 1, 12, 0, tzinfo=timezone.utc)
UTC = timezone.utc


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


# Forms the fast path must handle without dateparser.
FAST_FORMS = [
    ("Fri, 06 Aug 2021 00:07:04 GMT", utc(2021, 8, 6, 0, 7, 4)),  # seed 004, RFC 2822
    ("Thu, 05 Aug 2021 20:07:04 -0400", utc(2021, 8, 6, 0, 7, 4)),
    ("Thu, 05 Aug 2021 20:07:04 EDT", utc(2021, 8, 6, 0, 7, 4)),
    ("January 21, 2021", utc(2021, 1, 21)),  # seed 003
    ("21 January 2021", utc(2021, 1, 21)),
    ("Jan. 21, 2021, 10:30 a.m. EST", utc(2021, 1, 21, 15, 30)),
    ("Friday, August 6, 2021 - 10:15", utc(2021, 8, 6, 10, 15)),
    ("Aug. 6, 2021 10:30 a.m. ET", utc(2021, 8, 6, 14, 30)),  # summer: EDT
    ("Jan. 21, 2021 10:30 a.m. ET", utc(2021, 1, 21, 15, 30)),  # winter: EST
    ("2021/01/21 08:30", utc(2021, 1, 21, 8, 30)),
    ("2021-08-06", utc(2021, 8, 6)),
    ("2021-08-06T00:07:04Z", utc(2021, 8, 6, 0, 7, 4)),
    ("2021-08-06T08:07:04+08:00", utc(2021, 8, 6, 0, 7, 4)),
    ("2021-08-06T08:07:04.123456+0800", utc(2021, 8, 6, 0, 7, 4, 123456)),
    ("2021-08-06 00:07:04", utc(2021, 8, 6, 0, 7, 4)),  # naive: taken as UTC
    ("20210806", utc(2021, 8, 6)),
    ("1628208424", utc(2021, 8, 6, 0, 7, 4)),  # Unix seconds as text
    ("06.08.2021", utc(2021, 8, 6)),  # dotted dates are day first
    ("06.08.2021 14:05", utc(2021, 8, 6, 14, 5)),
    ("31/12/2020", utc(2020, 12, 31)),
    ("2021年8月6日 08:30", utc(2021, 8, 6, 8, 30)),
    ("2021年08月06日", utc(2021, 8, 6)),
    ("2021년 8월 6일", utc(2021, 8, 6)),
    ("Updated: January 21, 2021", utc(2021, 1, 21)),
    ("XinhuaUpdated: January 21, 2021", utc(2021, 1, 21)),  # seed 003's dateline
    ("Published on Aug 6, 2021", utc(2021, 8, 6)),
    ("发布时间：2021-08-06 08:30", utc(2021, 8, 6, 8, 30)),
    ("  August 2021 ", utc(2021, 8, 1)),
]

# Other languages' month names and relative dates: dateparser's job.
OTHER_LANGUAGES = [
    ("21 janvier 2021", "fr", utc(2021, 1, 21)),
    ("6. August 2021 um 10:00", "de", utc(2021, 8, 6, 10)),
    ("6 de agosto de 2021", "es", utc(2021, 8, 6)),
    ("6 августа 2021 г.", "ru", utc(2021, 8, 6)),
    ("onsdag 4 augusti 2021", "sv", utc(2021, 8, 4)),
    ("6 สิงหาคม 2564", "th", utc(2021, 8, 6)),  # Buddhist era year
    ("vor 2 Stunden", "de", FETCHED - timedelta(hours=2)),  # relative to the fetch, not to now
]


@pytest.mark.parametrize(("value", "expected"), FAST_FORMS)
def test_common_forms(value: str, expected: datetime) -> None:
    assert parse_published(value, FETCHED) == expected


@pytest.mark.parametrize(("value", "expected"), FAST_FORMS)
def test_common_forms_never_reach_dateparser(
    value: str, expected: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"slow path taken for {value!r}")

    monkeypatch.setattr(tasks.clean.dates.dateparser, "parse", refuse)
    assert parse_published(value, FETCHED) == expected


@pytest.mark.parametrize(("value", "language", "expected"), OTHER_LANGUAGES)
def test_other_languages_with_and_without_a_hint(value: str, language: str, expected: datetime) -> None:
    assert parse_published(value, FETCHED, language) == expected
    assert parse_published(value, FETCHED) == expected


def test_a_wrong_or_unknown_language_hint_does_not_lose_the_date() -> None:
    assert parse_published("21 janvier 2021", FETCHED, "en") == utc(2021, 1, 21)
    assert parse_published("21 janvier 2021", FETCHED, "xx-YY") == utc(2021, 1, 21)
    assert parse_published("21 janvier 2021", FETCHED, "fr-CA") == utc(2021, 1, 21)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1628208424, utc(2021, 8, 6, 0, 7, 4)),  # seconds
        (1628208424000, utc(2021, 8, 6, 0, 7, 4)),  # milliseconds
        (1628208424.5, utc(2021, 8, 6, 0, 7, 4, 500000)),
        (datetime(2021, 8, 6, 0, 7, 4), utc(2021, 8, 6, 0, 7, 4)),
        (datetime(2021, 8, 6, 8, 7, 4, tzinfo=timezone(timedelta(hours=8))), utc(2021, 8, 6, 0, 7, 4)),
        (date(2021, 8, 6), utc(2021, 8, 6)),
    ],
)
def test_values_that_are_not_strings(value: object, expected: datetime) -> None:
    assert parse_published(value, FETCHED) == expected


@pytest.mark.parametrize(
    ("front_matter", "expected"),
    [
        ("date: 2021-08-06 00:07:04", utc(2021, 8, 6, 0, 7, 4)),
        ("date: 2021-08-06", utc(2021, 8, 6)),
        ("date: 2021-08-06T08:07:04+08:00", utc(2021, 8, 6, 0, 7, 4)),
        ("date: 1628208424", utc(2021, 8, 6, 0, 7, 4)),
        ("date: Fri, 06 Aug 2021 00:07:04 GMT", utc(2021, 8, 6, 0, 7, 4)),
    ],
)
def test_yaml_front_matter_values_as_parsed_and_as_text(front_matter: str, expected: datetime) -> None:
    value = yaml.safe_load(front_matter)["date"]
    assert parse_published(value, FETCHED) == expected
    assert parse_published(str(value), FETCHED) == expected


@pytest.mark.parametrize(
    "value",
    [None, "", "   ", "garbage", "no date here 42", "Jan 21", "1985-06-01", "2030-01-01", True, 12, "99/99/9999", [], "0"],
)
def test_unparseable_or_implausible_values_give_none(value: object) -> None:
    assert parse_published(value, FETCHED) is None


def test_plausibility_window() -> None:
    assert parse_published("1990-01-01", FETCHED) == utc(1990, 1, 1)
    assert parse_published("1989-12-31T23:59:59Z", FETCHED) is None
    assert parse_published(FETCHED + timedelta(days=2), FETCHED) == FETCHED + timedelta(days=2)
    assert parse_published(FETCHED + timedelta(days=2, seconds=1), FETCHED) is None
    assert is_plausible(datetime(2021, 8, 6), datetime(2021, 9, 1))  # naive on both sides


def test_results_are_aware_utc() -> None:
    for value, expected in FAST_FORMS:
        parsed = parse_published(value, FETCHED)
        assert parsed is not None and parsed.utcoffset() == timedelta(0), value
        assert parsed.tzinfo == UTC


def test_helpers() -> None:
    assert as_utc(datetime(2021, 1, 1)) == utc(2021, 1, 1)
    assert as_utc(datetime(2021, 1, 1, 8, tzinfo=timezone(timedelta(hours=8)))) == utc(2021, 1, 1)
    assert from_timestamp(0) == utc(1970, 1, 1)
    assert from_timestamp(1e20) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Veröffentlicht am 14.03.2021", utc(2021, 3, 14)),
        ("Stand 14.03.2021 10:30", utc(2021, 3, 14, 10, 30)),
        ("Gepubliceerd op 2021-03-14", utc(2021, 3, 14)),
        ("Modified on Aug 6, 2021", utc(2021, 8, 6)),
        ("发布时间2021-08-06", utc(2021, 8, 6)),
    ],
)
def test_labels_of_any_language_are_stripped_before_the_fast_path(
    value: str, expected: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the labels are the ones plain-text datelines are read with (tasks.clean.date_words)
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"slow path taken for {value!r}")

    monkeypatch.setattr(tasks.clean.dates.dateparser, "parse", refuse)
    assert parse_published(value, FETCHED) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023-06-13", "day"),
        ("2023-06-13T00:00:00+02:00", "day"),  # how content systems write a date alone
        ("2023-06-13T18:11+02:00", "minute"),
        ("2023-06-13T18:11:00+02:00", "second"),
        ("2023-06-13T18:11:07.120Z", "second"),
        ("13.06.2023, 18:11 Uhr", "minute"),
        ("le 13 juin 2023 à 18h11", "minute"),
        ("2023年6月13日 18時11分", "minute"),
        ("June 13, 2023", "day"),
        ("1686672660", "second"),
        (1686672660, "second"),
        (date(2023, 6, 13), "day"),
        (datetime(2023, 6, 13, 18, 11), "minute"),
        (datetime(2023, 6, 13, 18, 11, 7), "second"),
        (None, None),
    ],
)
def test_published_precision(value: object, expected: str | None) -> None:
    assert published_precision(value) == expected  # type: ignore[arg-type]


def test_a_page_offset_moves_a_local_time_to_utc() -> None:
    assert parse_published("2023-06-13T18:11:00+02:00", FETCHED.replace(year=2024)) == utc(2023, 6, 13, 16, 11)


@pytest.mark.parametrize(
    ("value", "language", "expected"),
    [
        ("01/02/2021", None, utc(2021, 1, 2)),
        ("01/02/2021", "en", utc(2021, 1, 2)),
        ("01/02/2021", "en-US", utc(2021, 1, 2)),
        ("01/02/2021 14:30", "fr", utc(2021, 2, 1, 14, 30)),
        ("01/02/2021", "en-GB", utc(2021, 2, 1)),
        ("05/08/2021", "es-AR", utc(2021, 8, 5)),
        ("13/06/2021", "pt", utc(2021, 6, 13)),
        ("2021/01/02", "de", utc(2021, 1, 2)),  # year first stays year, month, day
    ],
)
def test_slashed_dates_are_day_first_outside_us_english(value: str, language: str | None, expected: datetime) -> None:
    assert parse_published(value, FETCHED, language) == expected


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("13.06.2023, 18:11 Uhr", "de", "2023-06-13T18:11"),
        ("Publié le 13/06/2023 à 18h11", "fr", "2023-06-13T18:11"),
        ("13 juin 2023 à 18h11 CEST", "fr", "2023-06-13T18:11+02:00"),
        ("Updated 7:40 PM EDT, June 13, 2023", "en", "2023-06-13T19:40-04:00"),
        ("2023年6月13日 18時11分", "ja", "2023-06-13T18:11"),
        ("١٣/٦/٢٠٢٣ - ١٨:١١", "ar", "2023-06-13T18:11"),
        ("१३ जून २०२३, ०६:११ PM", "hi", "2023-06-13T18:11"),
        ("June 13, 2023", "en", "2023-06-13"),
        ("13 มิ.ย. 2566 18:11 น.", "th", "2023-06-13T18:11"),
        ("3 min read", "en", None),
        ("vor 2 Stunden", "de", None),
    ],
)
def test_written_time_keeps_the_zone_and_precision_the_text_states(text: str, language: str, expected: str | None) -> None:
    # a `<time>` element without `datetime`: a zone-less time stays zone-less, for the page's offset
    assert written_time(text, language) == expected


def test_digits_of_every_script_read_as_ascii() -> None:
    assert ascii_digits("١٣/٦/٢٠٢٣ ۱۴۰۲ १३ ১৩ ๑๓ １３ 13") == "13/6/2023 1402 13 13 13 13 13"
