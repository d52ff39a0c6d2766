"""The terms the search index stores for a text, and the same for a query, in every language.

A text is split into words: in spaced scripts at anything that is not a letter, mark or digit
(`l'économie` gives `l`, `économie`); runs of scripts written without spaces (Thai, Lao, Khmer,
Myanmar, Chinese, Japanese) are segmented with ICU's dictionary word breaker, as
tasks/clean/word_count.py counts them (stage packages do not import one another, so the
character class is repeated here). Words are case-folded, then stemmed with the Snowball
stemmer of the article's language when there is one (PyStemmer), then stripped of the accents
on Latin letters, so a query typed without accents (`economie`) finds `économie`. Accents are
stripped after stemming because the stemmers are written for accented words, and only on Latin
letters because marks are letters' parts elsewhere (Devanagari vowel signs, Thai tones).

A query is not stemmed with one language: each of its words becomes one term per stemmer the
index holds (`stemmed_variants`), and each matches only articles stemmed that way.
"""

from __future__ import annotations

import hashlib
import re
import threading
import unicodedata
from collections.abc import Collection, Iterator
from functools import lru_cache

import regex
import Stemmer
from icu4py.breakers import WordBreaker

from tasks.unspaced_scripts import UNSPACED_CLASS

# Changes whenever the terms a text gives change: an index built by another version is rebuilt.
TERMS_VERSION = "terms-1"

# ISO 639-1 (or 639-3) language tags -> the Snowball stemmer for the language.
STEMMERS: dict[str, str] = {
    "ar": "arabic", "hy": "armenian", "eu": "basque", "ca": "catalan", "cs": "czech", "da": "danish",
    "nl": "dutch", "en": "english", "eo": "esperanto", "et": "estonian", "fi": "finnish", "fr": "french",
    "de": "german", "el": "greek", "hi": "hindi", "hu": "hungarian", "id": "indonesian", "ga": "irish",
    "it": "italian", "lt": "lithuanian", "ne": "nepali", "nb": "norwegian", "nn": "norwegian", "no": "norwegian",
    "fa": "persian", "pl": "polish", "pt": "portuguese", "ro": "romanian", "ru": "russian", "sr": "serbian",
    "st": "sesotho", "es": "spanish", "sv": "swedish", "ta": "tamil", "tr": "turkish", "yi": "yiddish",
}
UNSTEMMED = ""  # the stemmer name of articles whose language has none (or no tag yet)

# the characters of a word in spaced scripts (a `regex` character class's inside)
WORD_CLASS = r"\p{L}\p{M}\p{N}"
# stdlib re: ten times faster than regex at finding (or not finding) a run of these ranges
_UNSPACED_RUN = re.compile(f"[{UNSPACED_CLASS}]+")
_SPACED_WORD = regex.compile(f"[{WORD_CLASS}]+")
_HAS_WORD_CHAR = regex.compile(r"[\p{L}\p{N}]")
_LATIN_BASE_END = 0x024F  # Latin letters (Basic Latin to Latin Extended-B) whose accents are stripped

# Title words count this many times: a word in the title says more about an article than one
# word among hundreds in its text.
TITLE_WEIGHT = 2


def stemmer_of(language: str | None) -> str:
    """The stemmer name used for articles tagged `language` (UNSTEMMED when it has none)."""
    return STEMMERS.get((language or "").lower(), UNSTEMMED)


@lru_cache(maxsize=64)
def _stemmer(name: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(name)


def word_spans(text: str) -> Iterator[tuple[int, int]]:
    """The (start, end) offsets of the words of `text`, in order."""
    position = 0
    for run in _UNSPACED_RUN.finditer(text):
        for word in _SPACED_WORD.finditer(text, position, run.start()):
            yield word.span()
        offset = run.start()
        for segment in WordBreaker(run.group(), "und"):
            if _HAS_WORD_CHAR.search(segment):
                yield offset, offset + len(segment)
            offset += len(segment)
        position = run.end()
    for word in _SPACED_WORD.finditer(text, position):
        yield word.span()


def words(text: str) -> list[str]:
    """The case-folded words of `text` (the words `word_spans` finds, built without offsets)."""
    folded = text.casefold()
    if not _UNSPACED_RUN.search(folded):
        return _SPACED_WORD.findall(folded)  # the common case, without offsets: 5-10x faster
    found: list[str] = []
    position = 0
    for run in _UNSPACED_RUN.finditer(folded):
        found += _SPACED_WORD.findall(folded, position, run.start())
        found += _run_words(run.group())
        position = run.end()
    found += _SPACED_WORD.findall(folded, position)
    return found


def unspaced_words(folded: str) -> list[str]:
    """The words of the runs of unspaced scripts in `folded` (case-folded text), as `words`
    finds them: ICU's segments that hold a letter or digit. The runs are segmented in one go,
    a line break between each two: a break iterator costs ~6 µs to create and a page of Chinese
    has dozens of runs, and ICU always breaks before and after a line break (rules WB3a/WB3b,
    which come before any rule joining characters), so each run's segments are those it has alone."""
    return _run_words("\n".join(_UNSPACED_RUN.findall(folded)))


def _run_words(run: str) -> list[str]:
    # isalpha first: a segment of letters only (most Han and Kana words) needs no regex
    return [segment for segment in WordBreaker(run, "und") if segment.isalpha() or _HAS_WORD_CHAR.search(segment)]


@lru_cache(maxsize=200_000)
def strip_latin_accents(word: str) -> str:
    """`word` without the accents on its Latin letters (`économie` -> `economie`)."""
    if word.isascii():
        return word
    kept: list[str] = []
    for char in unicodedata.normalize("NFD", word):
        if unicodedata.category(char) == "Mn" and kept and ord(kept[-1]) <= _LATIN_BASE_END:
            continue
        kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept))


def terms_of_words(unique_words: list[str], stemmer: str) -> list[str]:
    """The index term of each word (case-folded already), stemmed by `stemmer`."""
    stems = _stemmer(stemmer).stemWords(unique_words) if stemmer else unique_words
    return [stem if stem.isascii() else strip_latin_accents(stem) for stem in stems]


# word -> key of its term, per stemmer: most words of an article were seen in earlier ones, and
# a dict lookup is far cheaper than stemming, folding and hashing again (profiled: most of an
# update's Python time went there). An update's threads share it, and the stemmers, under a lock.
_KEY_CACHE: dict[str, dict[str, int]] = {}
_KEY_CACHE_WORDS = 500_000
_KEY_LOCK = threading.Lock()


def word_keys(unique_words: Collection[str], stemmer: str) -> list[int]:
    """The index key (`term_key`) of the term of each of `unique_words` (case-folded already),
    stemmed by `stemmer`, in their order. Two words with one stem have one key."""
    with _KEY_LOCK:
        cache = _KEY_CACHE.setdefault(stemmer, {})
        unseen = [word for word in unique_words if word not in cache]
        if len(cache) + len(unseen) > _KEY_CACHE_WORDS:
            cache.clear()
            unseen = list(unique_words)
        if unseen:
            cache.update(zip(unseen, [term_key(stemmer, term) for term in terms_of_words(unseen, stemmer)]))
        return list(map(cache.__getitem__, unique_words))


def term_key(stemmer: str, term: str) -> int:
    """The 64-bit integer the index stores for `term` made by `stemmer`: a hash, so the index
    needs no table of terms to look them up in. With ten million distinct terms, the chance
    that any two share a key is about three in a million, and it would only merge their
    postings (a few spurious matches)."""
    return int.from_bytes(hashlib.blake2b(f"{stemmer}\0{term}".encode(), digest_size=8).digest(), "little", signed=True)


def stemmed_variants(query: str, stemmers: list[str]) -> list[tuple[str, str, str]]:
    """(word, stemmer, term) for every word of `query` and every stemmer given: the term that
    word is stored as in articles stemmed by that stemmer."""
    unique = list(dict.fromkeys(words(query)))
    return [(word, stemmer, term) for stemmer in stemmers for word, term in zip(unique, terms_of_words(unique, stemmer))]
