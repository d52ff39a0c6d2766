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
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence

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


def numbers(text: str, limit: int = 200) -> list[str]:
    """The numbers of a text in order, canonical, at most `limit`."""
    found = []
    for match in _NUMBER.finditer(text):
        found.append(canonical_number(match.group(1)))
        if len(found) >= limit:
            break
    return found


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


def common_subsequence(a: Sequence[str], b: Sequence[str]) -> int:
    """Length of the longest common subsequence of two sequences."""
    if len(a) < len(b):
        a, b = b, a
    previous = [0] * (len(b) + 1)
    for item in a:
        current = [0]
        for j, other in enumerate(b):
            current.append(previous[j] + 1 if item == other else max(previous[j + 1], current[j]))
        previous = current
    return previous[-1]


def number_similarity(a: Sequence[str], b: Sequence[str]) -> float:
    """Share of the numbers of two texts that line up in order: 2 * LCS / (|a| + |b|)."""
    if not a or not b:
        return 0.0
    return 2.0 * common_subsequence(a, b) / (len(a) + len(b))
