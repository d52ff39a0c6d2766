"""lingua's second opinion, restricted to the candidates the first pass found.

A detector restricted to a few candidate languages is both more accurate (lingua's rule engine
cannot wander to an unrelated language) and cheaper than one over all 75. lingua keeps its
language models in process-wide tables shared by every detector, loaded lazily per language, so
building a restricted detector costs well under a millisecond once its languages are loaded,
and a process holds the models of the languages its texts were in, not of all 75: the
high-accuracy models (1- to 5-grams) of all languages would take ~1.3 GB per process.
"""

from __future__ import annotations

import threading
from functools import lru_cache

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

from config.language import iso_code, language_from_code

ALL_LANGUAGES = frozenset(Language.all())
_DETECTORS: dict[tuple[bool, frozenset[Language]], LanguageDetector] = {}
_LOCK = threading.Lock()
# Candidate sets seen in a long run are few (fastText's top guesses plus relatives); this bound
# only keeps a pathological stream of distinct sets from growing the cache without end.
_MAX_DETECTORS = 4096


@lru_cache(maxsize=4096)
def lingua_languages(codes: frozenset[str]) -> frozenset[Language]:
    """The lingua languages among `codes` (codes lingua does not know are left out)."""
    known = set()
    for code in codes:
        try:
            known.add(language_from_code(code))
        except ValueError:
            continue
    return frozenset(known)


def detector(languages: frozenset[Language], high_accuracy: bool) -> LanguageDetector:
    """This process's lingua detector for exactly `languages` in the given mode (built once)."""
    key = (high_accuracy, languages)
    found = _DETECTORS.get(key)
    if found is None:
        with _LOCK:
            found = _DETECTORS.get(key)
            if found is None:
                builder = LanguageDetectorBuilder.from_languages(*languages)
                if not high_accuracy:
                    builder = builder.with_low_accuracy_mode()
                found = builder.build()
                if len(_DETECTORS) >= _MAX_DETECTORS:
                    _DETECTORS.clear()
                _DETECTORS[key] = found
    return found


def opinion(text: str, languages: frozenset[Language], high_accuracy: bool) -> tuple[str, float] | None:
    """lingua's most likely language among `languages` for `text` and its confidence (0..1),
    or None when lingua finds none of them plausible."""
    values = detector(languages, high_accuracy).compute_language_confidence_values(text)
    if not values or values[0].value <= 0.0:
        return None
    return iso_code(values[0].language), values[0].value
