"""The prose of a page: its lines that read as sentences, without tables, code or warnings.

A language detector asked about a booking calendar, a code listing or PHP warnings answers
with some language anyway, often an unlikely one and with high confidence. So lines that are
not prose are dropped before detection, each by its shape, not its language:

- lines where letters are under `_MIN_LETTER_SHARE` of the visible characters (dates, prices,
  numbers, tables of figures, separators);
- lines with more than `_MAX_CODE_SHARE` of characters that prose hardly uses (brackets, `=`,
  `;`, `$`, `_`, slashes, `#`, `*`...): source code, markup, paths and URLs;
- error messages that name a file and a line number (`... in /path/file.php on line 42`);
- rows of several very short tokens (`Mo Tu We Th Fr Sa Su`): calendars and table headers.

A text that reads as prose as a whole by stricter measures (`_CLEAN`) is kept whole without
looking at its lines: most articles are, and the line-by-line check costs a good part of what
fastText does. For a long text the measures are taken on a sample of it spread from its start
to its end (the caller's windows), which shows the same shares at a fraction of the cost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import regex

# A visible character of prose is a letter (or a mark on one) far more often than not; a row of
# dates or prices is mostly digits and punctuation.
_MIN_LETTER_SHARE = 0.6
# Prose uses brackets, slashes and the like a few times per line at most; code uses them often.
_MAX_CODE_SHARE = 0.05
_CODE_CHAR = re.compile(r"[()\[\]{}<>=;$_\\/|#@*`~^+]")
# Words of prose average four or more letters in alphabetic scripts (Vietnamese syllables ~3.5);
# calendar and table headers are rows of one- or two-letter abbreviations. Korean words (and
# Han or kana runs) are often two or three characters long, so lines with them are exempt.
_MIN_MEAN_TOKEN_LETTERS = 2.5
_MIN_TOKENS_FOR_SHAPE = 4


@dataclass(frozen=True)
class _Limits:
    """The shares a text (or line) must keep to read as prose."""

    min_letter_share: float
    max_code_share: float
    min_mean_token_letters: float


_LINE = _Limits(_MIN_LETTER_SHARE, _MAX_CODE_SHARE, _MIN_MEAN_TOKEN_LETTERS)
# Running prose is ~95 % letters with at most a stray bracket or slash per paragraph and words
# of four to six letters: a whole text within these limits has no line worth dropping.
_CLEAN = _Limits(0.9, 0.005, 3.5)
# Counting the few characters that are not letters is cheaper than counting the many that are.
_VISIBLE_NON_LETTER = regex.compile(r"[^\p{L}\p{M}\s]")
_SPACES = " \t\n\r\xa0\u3000"
_SYLLABIC = regex.compile(r"[\p{Hangul}\p{Han}\p{Hiragana}\p{Katakana}]")
_ERROR_AT_LINE = regex.compile(r"\bin\s+\S+\.\w{1,5}\s+on\s+line\s+\d+", regex.IGNORECASE)


def _reads_as_prose(text: str, limits: _Limits) -> bool:
    visible = len(text) - sum(text.count(space) for space in _SPACES)
    if visible <= 0:
        return False
    letters = visible - len(_VISIBLE_NON_LETTER.findall(text))
    if letters < limits.min_letter_share * visible:
        return False
    if len(_CODE_CHAR.findall(text)) > limits.max_code_share * visible:
        return False
    tokens = len(text.split())
    if (
        tokens >= _MIN_TOKENS_FOR_SHAPE
        and letters < limits.min_mean_token_letters * tokens
        and _SYLLABIC.search(text) is None
    ):
        return False
    return _ERROR_AT_LINE.search(text) is None


def is_prose(line: str) -> bool:
    """Whether one line of text reads as prose (see the module docstring)."""
    return _reads_as_prose(line, _LINE)


def prose(text: str, sample: str | None = None) -> str:
    """The lines of `text` that read as prose, joined by newlines; all of `text` as it is when it
    (or `sample`, a part of it spread over its length) is clean prose by the stricter measures."""
    if _reads_as_prose(text if sample is None else sample, _CLEAN):
        return text
    return "\n".join(line for raw in text.splitlines() if (line := raw.strip()) and is_prose(line))
