"""Plain text copied from web pages: furniture out, metadata found, body paragraphs untouched."""

from __future__ import annotations

from pathlib import Path

import pytest

from tasks.clean.plain_text import clean_plain_text

DATA = Path(__file__).resolve().parent / "fixtures" / "extract"
SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n") if p.strip()]


def _seed(prefix: str) -> str:
    if not SEEDS.is_dir():
        pytest.skip(f"seed documents not found at {SEEDS}")
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def test_seed_003_breadcrumb_label_dateline_and_repeated_lead() -> None:
    text, meta = clean_plain_text(_seed("003"))
    assert meta.title == "China calls for international vaccine cooperation to defeat COVID-19 pandemic"
    assert meta.site == "Xinhua"
    assert meta.date == "January 21, 2021"
    assert "Diplomacy" in meta.categories and "Press Room" in meta.categories
    assert "Home" not in text and "Press Room" not in text and "Updated" not in text
    assert text.count("China calls on the international community to work together") == 1
    body = _paragraphs(_seed("003"))[5:]
    assert [p for p in _paragraphs(text) if p in body] == list(dict.fromkeys(body))


@pytest.mark.parametrize("prefix", ["000", "001", "002"])
def test_seed_plain_translations_pass_through_intact(prefix: str) -> None:
    original = _seed(prefix)
    text, meta = clean_plain_text(original)
    assert text == original.strip()
    assert meta.title is None and meta.date is None and meta.site is None


def test_french_copy_with_breadcrumb_byline_and_two_dates() -> None:
    original = (DATA / "fr_plain_copy.txt").read_text(encoding="utf-8")
    text, meta = clean_plain_text(original)
    assert meta.title == "Le Parlement européen adopte une loi historique sur l'intelligence artificielle"
    assert meta.authors == ["Marie Dupont", "Luc Martin"]
    assert meta.date == "12 mars 2023 à 10h30"  # the publication date, not the update
    assert meta.categories == ["Monde", "Europe", "International"]
    lines = _paragraphs(text)
    assert lines[0] == meta.title
    assert "Accueil › Monde › Europe" not in text and "Publié le" not in text and "International" not in lines
    assert text.count("Les députés européens ont adopté mercredi") == 1
    assert "Calendrier" in lines  # a subheading in the body is not a section label
    assert "La Quadrature du Net & d'autres ONG" in text
    assert lines[-1].startswith("Le règlement doit encore être formellement approuvé")
    assert "\n\n" in text


def test_english_wire_copy_keeps_everything_not_exactly_repeated() -> None:
    original = (DATA / "en_wire_copy.txt").read_text(encoding="utf-8")
    text, meta = clean_plain_text(original)
    assert meta.title == "Senate passes stopgap bill hours before shutdown deadline"
    assert meta.authors == ["Jane Doe"]
    assert meta.date == "10:42 AM EST, Tue May 2, 2023"
    assert meta.categories == ["News", "Politics"]
    lines = _paragraphs(text)
    assert "News / Politics" not in lines and not any(line.startswith("By Jane Doe") for line in lines)
    assert lines.count("Advertisement") == 2  # short repeats are left alone
    assert "March 3, 2022" in lines and "Timeline" in lines  # dates deep in the body stay
    # a near repeat (one word differs) is not an exact repeat
    assert text.count("keeps agencies funded at current levels") == 2


def test_chinese_copy_with_location_breadcrumb_and_source_dateline() -> None:
    text, meta = clean_plain_text((DATA / "zh_plain_copy.txt").read_text(encoding="utf-8"))
    assert meta.title == "中欧班列今年开行数量突破一万列"
    assert meta.site == "新华网"
    assert meta.date == "2021-11-05 10:30"
    assert meta.categories == ["新闻", "国际"]
    assert "首页" not in text and "来源" not in text
    assert len(_paragraphs(text)) == 4


@pytest.mark.parametrize(
    ("line", "site", "date", "authors"),
    [
        ("Published: 3 March 2022 | Reuters", "Reuters", "3 March 2022", []),
        ("Von Katrin Albers und Jonas Weber · 14.03.2023, 09:30 Uhr", None, "14.03.2023, 09:30 Uhr", ["Katrin Albers", "Jonas Weber"]),
        ("Por Juan Pérez | Publicado el 3 de marzo de 2022", None, "3 de marzo de 2022", ["Juan Pérez"]),
        ("发布时间：2021-01-21 10:30 来源：人民网", "人民网", "2021-01-21 10:30", []),
        ("Stand: 14.03.2023 10:30 Uhr", None, "14.03.2023 10:30 Uhr", []),
    ],
)
def test_dateline_forms(line: str, site: str | None, date: str, authors: list[str]) -> None:
    body = "The council approved the new budget after a long debate on Tuesday evening in the town hall."
    text, meta = clean_plain_text(f"Council approves budget for next year\n\n{line}\n\n{body}")
    assert (meta.site, meta.date, meta.authors) == (site, date, authors)
    assert text == f"Council approves budget for next year\n\n{body}"


def test_breadcrumb_with_a_year_archive_step() -> None:
    body = "The regional parliament elected a new president on Thursday after three rounds of voting."
    text, meta = clean_plain_text(f"Home » 2023 » Politics\n\nNew president elected in third round\n\n{body}")
    assert meta.categories == ["2023", "Politics"]
    assert text == f"New president elected in third round\n\n{body}"


def test_weak_separator_line_is_a_title_when_nothing_else_is() -> None:
    body = "Both candidates met on stage in Ohio for ninety minutes and clashed over the economy and abroad."
    text, meta = clean_plain_text(f"Trump / Biden debate\n\n{body}")
    assert meta.title == "Trump / Biden debate"
    assert text.startswith("Trump / Biden debate")


@pytest.mark.parametrize(
    "line",
    [
        "The meeting is on May 2, 2023",  # a sentence with a date is not a dateline
        "Berlin, 14. März 2023",  # a place dateline belongs to the story
        "By the way, the library reopens",  # "By" before words that are no names
        "Sales > 50% of revenue",  # a comparison is no breadcrumb
    ],
)
@pytest.mark.parametrize("first", [True, False])
def test_lines_that_only_look_like_furniture_stay(line: str, first: bool) -> None:
    title = "Library reopens after renovation"
    body = "The library on Main Street reopens next week after two years of renovation work on the roof."
    original = f"{line}\n\n{title}\n\n{body}" if first else f"{title}\n\n{line}\n\n{body}"
    text, _ = clean_plain_text(original)
    assert text == original


def test_short_lines_stay_without_evidence_of_a_page_copy() -> None:
    original = "Hi all\n\nQuarterly report\n\nThe figures for the third quarter are attached and show a clear rise in sales across all regions."
    text, meta = clean_plain_text(original)
    assert text == original
    assert meta.categories == []



@pytest.mark.parametrize(
    ("line", "authors"),
    [
        ("By Jane Doe, Staff Writer | May 2, 2023", ["Jane Doe"]),  # a job title is not an author
        ("By Staff Reporter | May 2, 2023", []),  # a byline naming nobody is still furniture
        ("Von Ursula von der Leyen | 2. Mai 2023", ["Ursula von der Leyen"]),
    ],
)
def test_dateline_bylines_follow_the_author_grammar(line: str, authors: list[str]) -> None:
    body = "The council approved the new budget after a long debate on Tuesday evening in the town hall."
    text, meta = clean_plain_text(f"Council approves budget for next year\n\n{line}\n\n{body}")
    assert meta.authors == authors
    assert meta.date is not None
    assert text == f"Council approves budget for next year\n\n{body}"
