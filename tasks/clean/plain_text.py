"""Plain text copied from a web page: drop the page furniture copied along, find the metadata.

A copy of a news page carries, above and around the article, a breadcrumb (`Home > World >`),
section labels (`Diplomacy`), and datelines that mix the site, the byline and the date
(`XinhuaUpdated: January 21, 2021`, `By Jane Doe | Updated 10:42 AM EST, Tue May 2, 2023`);
the lead paragraph is often repeated after the dateline. `clean_plain_text` removes those lines
and reports what they said (title, site, date, categories) as raw strings, and the authors as
names (`tasks.clean.bylines`, which also decides whether a line is a byline).

The rules are conservative: furniture is only looked for in the page's head (before the second
paragraph of prose), a line is only a breadcrumb when it is short segments joined by separators,
only a dateline when every part of it reads as a date, label, byline or name, section labels are
only dropped when other furniture proves the text is a page copy, and a paragraph is only dropped
when it exactly repeats an earlier one.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from tasks.clean.bylines import read_byline
from tasks.clean.date_words import (
    AM_PM,
    DATE_CONNECTORS,
    DATE_LABELS,
    MONTH_NAMES,
    UPDATED_LABELS,
    WEEKDAY_NAMES,
    ZONE_NAMES,
    alternation,
)
from tasks.clean.values import clean_list, unescape_entities
from tasks.records import PageMetadata

_SPACES = re.compile(r"\s+")

# Only the first non-blank lines of a copy may be furniture; below them everything is body.
_HEAD_LINES = 12
# Shorter repeats ("Advertisement", a refrain) are left alone: only a repeated paragraph goes.
_REPEAT_MIN_CHARS = 40
_REPEAT_MIN_WORDS = 8

_SENTENCE_END = re.compile(r"[.!?。！？…][\"'”’»)\]]*$")
_NO_TITLE_END = re.compile(r"[.,;:。，；：、]$")
# Scripts written without spaces between words, where character counts stand in for word counts.
_UNSPACED = re.compile(r"[\u0e00-\u0e7f\u0e80-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")

_HOME_WORDS = frozenset(
    """home homepage start startseite accueil inicio início inizio portada forside etusivu hem
    startsida voorpagina anasayfa beranda главная головна 首页 主页 首頁 ホーム 홈 หน้าแรก""".split()
) | {"home page", "front page", "strona główna", "ana sayfa", "trang chủ", "página inicial"}
_STRONG_CRUMB_SEPARATORS = re.compile(r"\s*(?:>|»|›|→|⟩|〉|＞|>>)\s*")
_WEAK_CRUMB_SEPARATORS = re.compile(r"\s+(?:/|\||::)\s+")
# `You are here: Home > ...` in several languages
_CRUMB_LEAD = re.compile(
    r"^(?:you are here|sie sind hier|vous êtes ici|está usted en|usted está aquí|você está em|"
    r"sei qui|u bevindt zich hier|当前位置|您的位置|现在的位置|位置)\s*[:：]\s*",
    re.IGNORECASE,
)

_COLON_GLUED = re.compile(r"(：|:(?=[^\d\s]))(?=\S)")
_MAX_DATELINE_WORDS = 30
_PART_SEPARATORS = re.compile(r"\s*(?:\||•|·|\s[-–—]\s|\t|\s{3,})\s*")

# A label at the end of a part, alone or after a site name: spaced, or glued where the case
# changes (`XinhuaUpdated:`) or after Han characters (`新华网发布时间：`).
_DATE_LABEL = re.compile(
    r"^(?:(?P<site>.*?)(?:\s+|(?<=[a-zà-ÿ])(?=[A-Z])|(?<=[\u3400-\u9fff])))??"
    rf"(?i:(?P<label>{alternation(DATE_LABELS)}))\s*[:：]?$"
)
_UPDATED_LABEL = re.compile(rf"^(?:{alternation(UPDATED_LABELS)})$", re.IGNORECASE)
_SOURCE_LABEL = re.compile(
    r"^(?:source|sources|quelle|fuente|fonte|bron|källa|kilde|lähde|źródło|источник|来源|來源|出典|출처)"
    r"\s*[:：]\s*(?P<site>.+)$",
    re.IGNORECASE,
)
# Small words inside a site or agency name ("The Voice of America", "Frankfurter Allgemeine der ...").
_SITE_NAME_JOINERS = frozenset("of the de la le der die das du del di and und et y & for für".split())
_DATE_WORDS = MONTH_NAMES | WEEKDAY_NAMES | DATE_CONNECTORS | ZONE_NAMES | AM_PM

_DATE_TOKEN = re.compile(
    r"(?P<full>\d{4}-\d{1,2}-\d{1,2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?"
    r"|\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\.?"
    r"|\d{2,4}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?"
    r"|\d{4}\.\s?\d{1,2}\.\s?\d{1,2}\.?)"
    r"|(?P<time>\d{1,2}(?::\d{2}){1,2}(?:\s?[ap]\.?m\.?)?|\d{1,2}\s?h\s?\d{2}|\d{1,2}\s?[ap]\.?m\.?"
    r"|\d{1,2}\s*[时時点]\s*(?:\d{1,2}\s*分)?)"
    r"|(?P<offset>(?:utc|gmt)?[+-]\d{1,2}(?::?\d{2})?)"
    r"|(?P<number>\d{1,4}(?:st|nd|rd|th|er|e|º|ª|\.)?)"
    r"|(?P<word>[^\W\d_]+\.?)"
    r"|(?P<punct>[,()\[\]/\-–—]+)"
    r"|(?P<space>\s+)",
    re.IGNORECASE,
)


@dataclass
class _Furniture:
    """What the furniture lines said, gathered while they are removed."""

    dates: list[tuple[bool, str]] = field(default_factory=list)  # (is an "updated" date, date)
    sites: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)


def clean_plain_text(text: str) -> tuple[str, PageMetadata]:
    """Clean plain text copied from a web page and find its title, date, site, byline and sections.

    Returns the text without breadcrumbs, section labels, datelines and repeated paragraphs (title
    and body otherwise as written, paragraph breaks kept), and the metadata those lines held.
    """
    lines = [line.rstrip() for line in unescape_entities(text.lstrip("\ufeff")).splitlines()]
    content = [i for i, line in enumerate(lines) if line.strip()]
    prose = [i for i in content if _is_prose(lines[i])]
    # the head (breadcrumb, title, labels) ends at the first prose line, datelines may follow the
    # lead up to the second; neither reaches past the first lines of the page
    limit = content[_HEAD_LINES] if len(content) > _HEAD_LINES else len(lines)
    head_end = min(prose[0] if prose else limit, limit)
    zone_end = min(prose[1] if len(prose) > 1 else limit, limit)

    found = _Furniture()
    removed: set[int] = set()
    for i in content:
        if i >= zone_end:
            break
        if _read_dateline(_flat(lines[i]), found):
            removed.add(i)

    head = [i for i in content if i < head_end and i not in removed]
    strong = {i for i in head if _breadcrumb_segments(_flat(lines[i]), strong_only=True) is not None}
    weak = {i for i in head if i not in strong and _breadcrumb_segments(_flat(lines[i]), strong_only=False) is not None}
    title_at = _find_title(lines, [i for i in head if i not in strong | weak])
    if title_at is None:
        weak = set()
        title_at = _find_title(lines, [i for i in head if i not in strong])
    crumbs = sorted(i for i in strong | weak if title_at is None or i < title_at)
    for i in crumbs:
        segments = _breadcrumb_segments(_flat(lines[i]), strong_only=i in strong) or []
        found.categories.extend(s for s in segments if s.casefold() not in _HOME_WORDS)
        removed.add(i)

    title = _flat(lines[title_at]) if title_at is not None else None
    if title is not None and (crumbs or found.dates or found.sites or found.authors):
        for i in head:
            if i != title_at and i not in removed and _is_section_label(_flat(lines[i])):
                found.categories.append(_flat(lines[i]))
                removed.add(i)

    removed |= _repeated_paragraphs(lines, [i for i in content if i not in removed])
    kept = [line for i, line in enumerate(lines) if i not in removed]
    metadata = PageMetadata(
        title=title,
        authors=clean_list(found.authors),
        date=_pick_date(found.dates),
        site=found.sites[0] if found.sites else None,
        categories=[c for c in clean_list(found.categories) if c != title],
    )
    return _join_paragraphs(kept), metadata


def _flat(line: str) -> str:
    """A line with every run of whitespace (no-break spaces too) as one space."""
    return _SPACES.sub(" ", line).strip()


def _words(line: str) -> int:
    """Words in a line; in scripts without spaces, every three characters count as a word."""
    if _UNSPACED.search(line):
        return max(len(line.split()), len(line) // 3)
    return len(line.split())


def _is_prose(line: str) -> bool:
    """A line that is body text: long, or a full sentence of some length."""
    flat = _flat(line)
    words = _words(flat)
    if len(flat) >= 150 or words >= 25:
        return True
    return bool(_SENTENCE_END.search(flat)) and (words >= 8 or len(flat) >= 40)


def _is_headline(line: str) -> bool:
    """A line that could be a title: short, not ending like a sentence or a clause, with letters."""
    return (
        len(line) <= 250
        and _words(line) <= 30
        and not _NO_TITLE_END.search(line)
        and any(ch.isalpha() for ch in line)
    )


def _find_title(lines: list[str], candidates: list[int]) -> int | None:
    """Index of the first headline of four words or more, else of two words or more."""
    headlines = [i for i in candidates if _is_headline(_flat(lines[i]))]
    for minimum in (4, 2):
        for i in headlines:
            if _words(_flat(lines[i])) >= minimum:
                return i
    return None


def _is_section_label(line: str) -> bool:
    """A short label such as `Diplomacy` or `Wirtschaft`: one to three words, no sentence marks."""
    return (
        0 < _words(line) <= 3
        and len(line) <= 40
        and not _NO_TITLE_END.search(line)
        and not _SENTENCE_END.search(line)
        and not any(ch.isdigit() for ch in line)
    )


def _breadcrumb_segments(line: str, strong_only: bool) -> list[str] | None:
    """The segments of a breadcrumb line (`Home > Press Room >`), or None if it is not one.

    Strong separators (`>`, `»`, `›`, `→`) join steps of up to five words; weak ones (` / `,
    ` | `) steps of up to three, and the caller only trusts them when a title follows.
    """
    line = _CRUMB_LEAD.sub("", line)
    separators = _STRONG_CRUMB_SEPARATORS if strong_only else _WEAK_CRUMB_SEPARATORS
    pieces = separators.split(line)
    trailing = len(pieces) > 1 and pieces[-1] == ""
    segments = [p.strip() for p in pieces if p.strip()]
    max_words = 5 if strong_only else 3
    if len(line) > 150 or not segments or any(not _is_crumb_segment(s, max_words) for s in segments):
        return None
    if len(segments) >= 2 or (trailing and strong_only):
        return segments
    return None


def _is_crumb_segment(segment: str, max_words: int) -> bool:
    """One breadcrumb step: a short name starting with a letter (or a bare year), not a sentence."""
    if segment.isdigit():
        return len(segment) == 4
    return (
        segment[0].isalpha()
        and _words(segment) <= max_words
        and len(segment) <= 40
        and not _SENTENCE_END.search(segment)
    )


def _read_dateline(line: str, found: _Furniture) -> bool:
    """If `line` is a dateline or byline, add what it says to `found` and return True.

    Every part between separators must read as a date (optionally after a label, possibly glued
    to a site name as in `XinhuaUpdated:`), a byline, a `Source:` label, or a short name.
    """
    if len(line) > 160:
        return False
    line = _COLON_GLUED.sub(r"\1 ", line)
    dates: list[tuple[bool, str]] = []
    sites: list[str] = []
    names: list[str] = []
    authors: list[str] = []
    bylined = False  # a byline may name only job titles ("By Staff Reporter")
    for part in (p for p in _PART_SEPARATORS.split(line) if p):
        span = _date_span(part)
        rests = [part] if span is None else [span[0], span[2]]
        if span is not None:
            label = _DATE_LABEL.match(span[0])
            dates.append((bool(label and _UPDATED_LABEL.match(label.group("label"))), span[1]))
        for rest in filter(None, rests):
            if labelled := _DATE_LABEL.match(rest):
                site = labelled.group("site")
                if site and not _is_site_name(site):
                    return False
                sites.extend(filter(None, [site]))
            elif source := _SOURCE_LABEL.match(rest):
                if not _is_site_name(source.group("site")):
                    return False
                sites.append(source.group("site").strip())
            elif (people := read_byline(rest)) is not None:
                bylined = True
                authors.extend(people)
            elif _is_site_name(rest):
                names.append(rest)
            else:
                return False
    if not (dates or bylined or sites) or (names and not (dates or bylined)):
        return False
    found.dates.extend(dates)
    found.sites.extend(sites + names)
    found.authors.extend(authors)
    return True


def _date_span(part: str) -> tuple[str, str, str] | None:
    """Split `part` into (before, date, after) around its longest run of words that is a date."""
    if not any(ch.isdigit() for ch in part):
        return None
    words = part.split(" ")[:_MAX_DATELINE_WORDS]
    best: tuple[int, int] | None = None
    for start in range(len(words)):
        for end in range(len(words), start, -1):
            if best is not None and end - start <= best[1] - best[0]:
                break
            if _is_date(" ".join(words[start:end])):
                best = (start, end)
                break
    if best is None:
        return None
    start, end = best
    before, after = " ".join(words[:start]), " ".join(words[end:])
    return before.strip(), _trim_date(" ".join(words[start:end])), after.strip()


def _is_date(text: str) -> bool:
    """True if `text` is only a date (and time): numeric forms, or a day with a month name."""
    position = 0
    has_full = has_month = has_number = False
    for token in _DATE_TOKEN.finditer(text):
        if token.start() != position:
            return False
        position = token.end()
        kind = token.lastgroup
        value = token.group(0).lower()
        if kind == "full":
            has_full = True
        elif kind == "number":
            has_number = True
        elif kind == "word":
            word = value.rstrip(".")
            if word not in _DATE_WORDS and value not in _DATE_WORDS:
                return False
            has_month = has_month or word in MONTH_NAMES
    return position == len(text) and (has_full or (has_month and has_number))


def _trim_date(date: str) -> str:
    """A date without the connectors before it and punctuation around it (`le 12 mars` -> `12 mars`)."""
    words = date.split()
    while words and words[0].lower().strip(",.:") in DATE_CONNECTORS:
        words.pop(0)
    return " ".join(words).strip(" ,;:-–—")


def _is_site_name(text: str) -> bool:
    """A short proper name of a site or agency (`Xinhua`, `The Associated Press`, `dpa`, `新华网`).

    At most five words, no digits or sentence marks, and written like a name: every word
    capitalized except small joining words, or one short lowercase brand, or an uncased script.
    """
    text = text.strip()
    words = text.split()
    if not (0 < _words(text) <= 5 and len(text) <= 40) or any(ch.isdigit() for ch in text):
        return False
    if _NO_TITLE_END.search(text) or _SENTENCE_END.search(text) or not any(ch.isalpha() for ch in text):
        return False
    if _UNSPACED.search(text) or (len(words) == 1 and len(text) <= 6):
        return True
    return words[0][0].isupper() and all(w[0].isupper() or w.lower() in _SITE_NAME_JOINERS for w in words)


def _pick_date(dates: list[tuple[bool, str]]) -> str | None:
    """The publication date: the first one not labelled as an update, else the first."""
    for updated, date in dates:
        if not updated:
            return date
    return dates[0][1] if dates else None


def _repeated_paragraphs(lines: list[str], candidates: list[int]) -> set[int]:
    """Indices of lines that exactly repeat an earlier line (after normalization) and are long."""
    seen: set[str] = set()
    repeated: set[int] = set()
    for i in candidates:
        key = unicodedata.normalize("NFKC", _flat(lines[i])).casefold()
        if len(key) < _REPEAT_MIN_CHARS and _words(key) < _REPEAT_MIN_WORDS:
            continue
        if key in seen:
            repeated.add(i)
        seen.add(key)
    return repeated


def _join_paragraphs(lines: list[str]) -> str:
    """Lines joined back, with any run of blank lines left by removals as one blank line."""
    text = "\n".join(lines)
    return re.sub(r"\n\s*\n(?:\s*\n)+", "\n\n", text).strip()

