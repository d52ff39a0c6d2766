"""Two languages in one text: windows sampled over the text, each detected by lingua.

Used when the first pass over the whole text gives a second, unrelated language a substantial
probability. A few windows (`window_count` x `window_chars`) spread evenly over the text are
detected separately, so text in two languages shows up as windows that disagree and the cost
stops growing with the text's length. The first and last windows are read first: when lingua is
sure (confidence >= 0.95) of the same language in both, the windows between are skipped.

Each window's confidence values, weighted by its letters, vote for the primary language. A second
language that clearly wins (confidence >= 0.95) windows holding at least `min_secondary_share`
of the sampled letters is reported with that share. The confidence is the letter-weighted
confidence of the primary language over the windows not given to the second language.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from lingua import Language, LanguageDetector

from tasks.language.scripts import ScriptCounts, count_scripts

# lingua's confidence values are sorted; values below this add nothing to the vote.
_NEGLIGIBLE_CONFIDENCE = 1e-3
# A window counts for a second language only when lingua is this sure of it: close relatives
# (Indonesian/Malay, Danish/Bokmål) split a window's confidence, two languages in one text don't.
_DECISIVE_WINDOW = 0.95
_SPACE = re.compile(r"\s")


def _cut(text: str, start: int, end: int) -> str:
    """`text[start:end]` without the partial words at either edge (kept if it has no spaces)."""
    window = text[start:end]
    slack = max(1, len(window) // 4)
    if start > 0:
        space = _SPACE.search(window, 0, slack)
        if space:
            window = window[space.end():]
    if end < len(text):
        tail = window[-slack:]
        spaces = [m.start() for m in _SPACE.finditer(tail)]
        if spaces:
            window = window[: len(window) - slack + spaces[-1]]
    return window


def _next_space(text: str, at: int) -> int:
    """The first whitespace at or after `at` if one is near, else `at` (scripts without spaces)."""
    space = _SPACE.search(text, at, at + 40)
    return space.start() if space else at


def sample_windows(text: str, window_chars: int, window_count: int) -> list[str]:
    """Up to `window_count` windows of about `window_chars` characters spread over `text`.

    A text that fits in the windows is cut into consecutive pieces (all of it is read);
    a longer one is sampled at evenly spaced offsets from its start to its end.
    """
    text = text.strip()
    length = len(text)
    if length <= window_chars:
        return [text] if text else []
    if length <= window_chars * window_count:
        pieces = -(-length // window_chars)
        bounds = [0, *(_next_space(text, round(i * length / pieces)) for i in range(1, pieces)), length]
        return [piece for a, b in zip(bounds, bounds[1:]) if (piece := text[a:b].strip())]
    if window_count == 1:
        start = (length - window_chars) // 2
        spans = [(start, start + window_chars)]
    else:
        stride = (length - window_chars) / (window_count - 1)
        spans = [(round(i * stride), round(i * stride) + window_chars) for i in range(window_count)]
    windows = [_cut(text, start, end).strip() for start, end in spans]
    return [window for window in windows if window]


@dataclass
class Window:
    """One sampled window: its letters per script and lingua's confidences for it."""

    scripts: ScriptCounts
    confidences: dict[Language, float]  # the non-negligible ones

    @property
    def letters(self) -> int:
        return self.scripts.letters

    @property
    def top(self) -> Language:
        return max(self.confidences, key=self.confidences.__getitem__)

    @property
    def decisive(self) -> bool:
        return self.confidences[self.top] >= _DECISIVE_WINDOW


def read_windows(detector: LanguageDetector, windows: list[str]) -> list[Window]:
    """Count each window's scripts and ask lingua for its language confidences (first and last
    window first; the ones between are skipped when those two agree decisively)."""
    order = [0, len(windows) - 1, *range(1, len(windows) - 1)] if len(windows) > 2 else range(len(windows))
    verdicts: list[Window] = []
    for read, index in enumerate(order):
        if read == 2 and len(verdicts) == 2 and all(v.decisive for v in verdicts) and verdicts[0].top == verdicts[1].top:
            break
        window = windows[index]
        scripts = count_scripts(window)
        if not scripts.letters:
            continue
        confidences: dict[Language, float] = {}
        for value in detector.compute_language_confidence_values(window):
            if value.value < _NEGLIGIBLE_CONFIDENCE:
                break
            confidences[value.language] = value.value
        if confidences:
            verdicts.append(Window(scripts, confidences))
    return verdicts


@dataclass
class Verdict:
    """What the windows say: the primary language and its confidence, and a second language
    with the share of the sampled letters it holds (None when there is none)."""

    primary: Language
    confidence: float
    secondary: Language | None
    share: float | None
    script: str


def decide(verdicts: list[Window], min_secondary_share: float) -> Verdict:
    """Primary language, its confidence, the second language with its share, and the script of
    the primary language's windows (see the module docstring). `verdicts` must not be empty."""
    votes: dict[Language, float] = defaultdict(float)
    won: dict[Language, int] = defaultdict(int)  # letters of the windows a language clearly tops
    for verdict in verdicts:
        for language, confidence in verdict.confidences.items():
            votes[language] += verdict.letters * confidence
        if verdict.decisive:
            won[verdict.top] += verdict.letters
    total = sum(verdict.letters for verdict in verdicts)
    primary = max(votes, key=votes.__getitem__)
    secondary = max((lang for lang in won if lang != primary), key=won.__getitem__, default=None)
    share = won[secondary] / total if secondary is not None else None
    if share is not None and share < min_secondary_share:
        secondary = share = None

    # The second language's windows say nothing about how sure the primary tag is.
    kept = [v for v in verdicts if secondary is None or not (v.decisive and v.top == secondary)]
    confidence = sum(v.letters * v.confidences.get(primary, 0.0) for v in kept) / sum(v.letters for v in kept)
    own = [v.scripts for v in verdicts if v.top == primary] or [v.scripts for v in verdicts]
    script = sum(own, ScriptCounts({}, 0, 0)).dominant()
    return Verdict(primary, confidence, secondary, share, script)
