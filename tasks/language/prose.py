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
"""

from __future__ import annotations

import regex

# A visible character of prose is a letter (or a mark on one) far more often than not; a row of
# dates or prices is mostly digits and punctuation.
_MIN_LETTER_SHARE = 0.6
# Prose uses brackets, slashes and the like a few times per line at most; code uses them often.
_MAX_CODE_SHARE = 0.05
_CODE_CHARS = "()[]{}<>=;$_\\/|#@*`~^+"
# Words of prose average four or more letters in alphabetic scripts (Vietnamese syllables ~3.5);
# calendar and table headers are rows of one- or two-letter abbreviations. Korean words (and
# Han or kana runs) are often two or three characters long, so lines with them are exempt.
_MIN_MEAN_TOKEN_LETTERS = 2.5
_MIN_TOKENS_FOR_SHAPE = 4
_NOT_LETTERS = regex.compile(r"[^\p{L}\p{M}]+")
_SYLLABIC = regex.compile(r"[\p{Hangul}\p{Han}\p{Hiragana}\p{Katakana}]")
_ERROR_AT_LINE = regex.compile(r"\bin\s+\S+\.\w{1,5}\s+on\s+line\s+\d+", regex.IGNORECASE)


def is_prose(line: str) -> bool:
    """Whether one line of text reads as prose (see the module docstring)."""
    visible = len(line) - line.count(" ") - line.count("\t")
    if visible == 0:
        return False
    letters = len(_NOT_LETTERS.sub("", line))
    if letters < _MIN_LETTER_SHARE * visible:
        return False
    if sum(line.count(char) for char in _CODE_CHARS) > _MAX_CODE_SHARE * visible:
        return False
    tokens = line.split()
    if (
        len(tokens) >= _MIN_TOKENS_FOR_SHAPE
        and letters < _MIN_MEAN_TOKEN_LETTERS * len(tokens)
        and _SYLLABIC.search(line) is None
    ):
        return False
    return _ERROR_AT_LINE.search(line) is None


def prose(text: str) -> str:
    """The lines of `text` that read as prose, joined by newlines."""
    return "\n".join(line for raw in text.splitlines() if (line := raw.strip()) and is_prose(line))
