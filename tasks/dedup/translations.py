"""Language-independent fingerprints that tell translations of one text from articles that only
share a topic.

A translation keeps the numbers of its source, in the same order: quantities, percentages,
years, dates, counts ("21 May", "8%", "1.5 doses per 100 people", "COVID-19"), whatever the
script, while two articles on one topic share only a few of them and in another order. So the
fingerprint is the sequence of numbers in the text, each in a canonical form (any script's
digits, thousands separators dropped, decimal comma or point as a point), and two articles
match when a large share of their numbers line up in order (longest common subsequence).

Measured on the seeds: whole-document embeddings cannot separate translations from same-topic
articles (issue 10); numbers in order can. Candidates for the alignment come from
shared pairs of nearby numbers, joined in DuckDB like LSH bands.

Numbers alone also line up on pages that are not translations (issue 18: calendars, price
lists, league and election tables, numbered tips, privacy policies and tutorials of one
template were grouped at 0.53-0.70). So the fingerprint keeps only numbers a translation
carries over and a layout does not: numbers inside sentences of prose (not table, calendar,
menu or code rows, not list markers, not a run of consecutive counts), each with its relative
position in the text. Two fingerprints match on numbers that are equal and stand at about the
same place in both texts (a translation follows its source sentence by sentence; another
agency's report of the same figures orders them its own way), and at least a few of those
must be figures rather than small counts (template pages share days, section and line
numbers). Measured in bench/README.md on a corpus of such pages in twelve languages.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import re
import string
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import regex

from tasks.dedup.shingles import mix64

# A number: digits in any script (`\d` matches every script's decimal digits), with thousands
# groups (1,500 / 1.500 / 1 500) or a decimal part (1.5 / 1,5). A run of exactly three digits
# after a separator is a thousands group. `regex` runs this pattern at ~14 us per article, the
# stdlib engine at ~120 us (its look-behind is slow).
_NUMBER = regex.compile(r"(?<!\d)(\d{1,3}(?:[,.\u00a0\u202f\u2009' ]\d{3})+(?!\d)|\d+(?:[.,]\d+)?)")
_GROUPED = regex.compile(r"\d{1,3}(?:[,.\u00a0\u202f\u2009' ]\d{3})+")
_GROUP_SEPARATORS = regex.compile(r"[,.\u00a0\u202f\u2009' ]")


def canonical_number(raw: str) -> str:
    """A number as written, in one form for every language: ASCII digits, no leading zeros,
    no thousands separators, a point before decimals ("1,5" and "1.5" -> "1.5")."""
    if len(raw) > 4 and _GROUPED.fullmatch(raw):
        return str(int(_GROUP_SEPARATORS.sub("", raw)))
    whole, _, fraction = raw.replace(",", ".").partition(".")
    text = str(int(whole))
    if fraction:
        fraction = str(int(fraction[::-1]))[::-1] if int(fraction) else ""
        if fraction:
            text += "." + "".join(str(int(d)) for d in fraction)
    return text


# Sentence marks of many scripts; one ends a sentence when a space or the end of the text
# follows (not the point of "1.5"), and a line break always does. So a script without such
# marks (Thai) or without spaces after them (Chinese, Japanese) is judged a line at a time: a
# sentence of 30 Han characters is already a long one.
_MARKS = "!?.\u2026\u0964\u0965\u061f\u06d4\u0589\u1362\u3002\uff01\uff1f"
# one character class first: re then skips to candidates in C (3-4x faster than an alternation)
_BOUNDARY = re.compile(f"[{_MARKS}\n](?:(?<=\n)|(?=\\s|$))")
_CLOSERS = "\"')]\u00bb\u201d\u2019\u300d\u300f\uff09"  # a sentence may end in a quote or bracket
_LIST_MARKER = re.compile(r"[ \t]*\d+(?:\.\d+)*[.)]?\s")  # "1. ", "2) ", "1.1 ", a line number
_MONTH_SUFFIXES = ("月", "월")  # "1月24日": where other languages name the month, these number it
PROSE_LETTERS = 30  # a sentence with fewer letters is a row, a label or a heading
LONG_SENTENCE_LETTERS = 80  # an unpunctuated line this long is prose (Thai marks no sentence end)
COUNT_RUN = 3  # consecutive integers in a row this long are counting: days, list items, lines
SMALL_COUNT = 31  # integers up to this (days, hours, counts, items) are in every kind of page


@dataclass(frozen=True)
class Fingerprint:
    """The numbers of a text's prose in order, canonical, and where each stands: the offset
    of its first character as a share of the text's length (0 to 1)."""

    numbers: list[str]
    positions: list[float]


def fingerprint(text: str, limit: int = 200) -> Fingerprint:
    """The prose numbers of a text, at most `limit`: numbers in sentences with at least
    `PROSE_LETTERS` letters that end with a sentence mark (or are `LONG_SENTENCE_LETTERS`
    long), except a list marker or line number opening a line, a number counting months in
    CJK dates, and runs of `COUNT_RUN` consecutive integers."""
    matches = list(_NUMBER.finditer(text))
    if not matches:
        return Fingerprint([], [])
    ends = [m.end() for m in _BOUNDARY.finditer(text)]
    ends = [end for end in ends if not _ordinal(text, end)]
    found: list[tuple[str, int]] = []
    prose: dict[int, bool] = {}  # sentence start -> is it prose
    for match in matches:
        start = match.start()
        i = bisect.bisect_right(ends, start)
        sentence_start = ends[i - 1] if i else 0
        if sentence_start not in prose:
            prose[sentence_start] = _is_prose(text[sentence_start : ends[i] if i < len(ends) else len(text)])
        if not prose[sentence_start] or text[match.end() : match.end() + 1] in _MONTH_SUFFIXES:
            continue
        line_start = text.rfind("\n", 0, start) + 1
        marker = _LIST_MARKER.match(text, line_start) if text[line_start:start].isspace() or line_start == start else None
        if marker and marker.end() >= match.end():
            continue
        found.append((canonical_number(match.group(1)), start))
    kept = _without_counting(found)[:limit]
    length = len(text)
    return Fingerprint([n for n, _ in kept], [start / length for _, start in kept])


def _ordinal(text: str, end: int) -> bool:
    """Whether the point before `end` follows a digit and precedes a lowercase word: an ordinal
    ("21. maí", "3. listopadu"), not the end of a sentence."""
    return text[end - 1] == "." and text[end - 2 : end - 1].isdigit() and text[end : end + 2].strip()[:1].islower()


def _is_prose(sentence: str) -> bool:
    if len(sentence) < PROSE_LETTERS:
        return False
    ends = sentence.rstrip().rstrip(_CLOSERS)[-1:] in _MARKS
    # letters counted in a prefix first: most prose sentences show enough of them early
    prefix = 2 * LONG_SENTENCE_LETTERS
    letters = letter_count(sentence[:prefix])
    if letters < LONG_SENTENCE_LETTERS and not (ends and letters >= PROSE_LETTERS) and len(sentence) > prefix:
        letters = letter_count(sentence)
    return letters >= LONG_SENTENCE_LETTERS or (ends and letters >= PROSE_LETTERS)


_ASCII_LETTERS = string.ascii_letters.encode()
_ASCII_RUNS = re.compile("[\x00-\x7f]+")


def letter_count(text: str) -> int:
    """How many characters of `text` are letters (`str.isalpha`). ASCII letters are counted on
    the UTF-8 bytes, where each is a byte of its own and bytes.translate deletes them in C; only
    the other characters are asked one by one: a fifth of the cost on mostly ASCII sentences
    (bench/README.md "dedup")."""
    encoded = text.encode("utf-8", "surrogatepass")
    ascii_letters = len(encoded) - len(encoded.translate(None, _ASCII_LETTERS))
    if len(encoded) == len(text):  # all ASCII: a character beyond it takes two bytes or more
        return ascii_letters
    if not ascii_letters:  # another script: asking each character costs less than cutting out ASCII
        return sum(map(str.isalpha, text))
    return ascii_letters + sum(map(str.isalpha, _ASCII_RUNS.sub("", text)))


def _without_counting(found: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Drop runs of at least `COUNT_RUN` consecutive integers (1 2 3 ..., 14 15 16): name days,
    list items and line numbers count, they do not carry a text's content."""
    values = [int(n) if n.isdigit() else None for n, _ in found]
    keep = [True] * len(found)
    start = 0
    while start < len(found):
        end = start
        while end + 1 < len(found) and values[end] is not None and values[end + 1] == values[end] + 1:
            end += 1
        if end - start + 1 >= COUNT_RUN:
            keep[start : end + 1] = [False] * (end - start + 1)
        start = end + 1
    return [item for item, k in zip(found, keep) if k]


def is_figure(number: str) -> bool:
    """A number that is not a small count: a decimal, or an integer above `SMALL_COUNT`."""
    return not number.isdigit() or int(number) > SMALL_COUNT


FINGERPRINT_VERSION = 2  # bump when `fingerprint` changes: stored signatures are then recomputed
KEY_WINDOW = 2  # numbers at most this far apart in the sequence form a key


def number_keys(sequence: Sequence[str]) -> list[int]:
    """Signed 64-bit hashes of the unordered pairs of different numbers standing at most
    `KEY_WINDOW` apart: the join keys for translation candidates. Unordered and windowed
    because translations reorder nearby numbers ("21 May" / "May 21", "30 July 2021" in a
    verb-final language); measured on the seeds, translations share 8-13 such keys, same-topic
    articles 0-3."""
    return batch_number_keys([sequence])[0].tolist()


def batch_number_keys(sequences: Sequence[Sequence[str]]) -> tuple[np.ndarray, np.ndarray]:
    """`number_keys` of many sequences at once: every sequence's keys, sorted and distinct, in
    one int64 array, and offsets (one more than the sequences) into it, computed in array passes
    over the whole batch rather than a loop per sequence."""
    lengths = np.fromiter((len(s) for s in sequences), dtype=np.int64, count=len(sequences))
    codes_of: dict[str, int] = {}
    codes = np.fromiter((codes_of.setdefault(n, len(codes_of)) for s in sequences for n in s), dtype=np.int64, count=int(lengths.sum()))
    hashes = np.fromiter((_number_hash(n) for n in codes_of), dtype=np.uint64, count=len(codes_of))[codes]
    docs = np.repeat(np.arange(len(sequences)), lengths)
    keys, key_docs = [], []
    for distance in range(1, KEY_WINDOW + 1):
        first = np.arange(len(codes) - distance)
        second = first + distance
        pair = (docs[first] == docs[second]) & (codes[first] != codes[second])
        a, b = hashes[first[pair]], hashes[second[pair]]
        with np.errstate(over="ignore"):
            keys.append(mix64(np.minimum(a, b) * np.uint64(0x9E3779B97F4A7C15) + np.maximum(a, b)).view(np.int64))
        key_docs.append(docs[first[pair]])
    flat, flat_docs = np.concatenate(keys), np.concatenate(key_docs)
    order = np.lexsort((flat, flat_docs))
    flat, flat_docs = flat[order], flat_docs[order]
    distinct = np.ones(len(flat), dtype=bool)
    distinct[1:] = (flat[1:] != flat[:-1]) | (flat_docs[1:] != flat_docs[:-1])
    flat, flat_docs = flat[distinct], flat_docs[distinct]
    return flat, np.searchsorted(flat_docs, np.arange(len(sequences) + 1))


@functools.lru_cache(maxsize=65536)
def _number_hash(number: str) -> int:
    return int.from_bytes(hashlib.blake2b(number.encode(), digest_size=8).digest(), "little")


@dataclass(frozen=True)
class Match:
    """How two fingerprints line up: `similarity` = 2 * aligned / (m + n), and how many of the
    aligned numbers are figures (`is_figure`)."""

    similarity: float
    figures: int


def match(a: Fingerprint, b: Fingerprint, tolerance: float) -> Match:
    """The longest common subsequence of two fingerprints' numbers, counting only equal numbers
    whose positions differ by at most `tolerance` (ties broken towards more figures)."""
    if not a.numbers or not b.numbers:
        return Match(0.0, 0)
    previous = [(0, 0)] * (len(b.numbers) + 1)
    for number, position in zip(a.numbers, a.positions):
        current = [(0, 0)]
        figure = is_figure(number)
        for j, (other, other_position) in enumerate(zip(b.numbers, b.positions)):
            if number == other and abs(position - other_position) <= tolerance:
                aligned, figures = previous[j]
                current.append((aligned + 1, figures + figure))
            else:
                current.append(max(previous[j + 1], current[j]))
        previous = current
    aligned, figures = previous[-1]
    return Match(2.0 * aligned / (len(a.numbers) + len(b.numbers)), figures)
