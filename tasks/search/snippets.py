"""A snippet per search hit: a window of the article's text around the first word that matched
the query, the word in [brackets]."""

from __future__ import annotations

from tasks.search.terms import terms_of_words, word_spans

BEFORE = 60  # characters of context shown before the matched word
WIDTH = 200  # characters a snippet shows at most, the word and both ellipses aside
_TRIM = 15  # how far a window's edge moves to fall between words rather than inside one


def _first_match(text: str, stemmer: str, terms: set[str]) -> tuple[int, int] | None:
    for start, end in word_spans(text):
        if terms_of_words([text[start:end].casefold()], stemmer)[0] in terms:
            return start, end
    return None


def snippet(text: str | None, stemmer: str, terms: set[str]) -> str:
    """A window of `text` around its first word whose term (made with `stemmer`) is in
    `terms`; the beginning of the text when none is (the query matched the title)."""
    text = " ".join((text or "").split())
    match = _first_match(text, stemmer, terms)
    start, end = (0, WIDTH) if match is None else (max(0, match[0] - BEFORE), max(0, match[0] - BEFORE) + WIDTH)
    if start > 0 and (space := text.find(" ", start, start + _TRIM)) != -1 and (match is None or space < match[0]):
        start = space + 1
    if end < len(text) and (space := text.rfind(" ", end - _TRIM, end)) != -1 and (match is None or space > match[1]):
        end = space
    window = text[start:end] if match is None else f"{text[start:match[0]]}[{text[match[0]:match[1]]}]{text[match[1]:end]}"
    return f"{'…' if start > 0 else ''}{window}{'…' if end < len(text) else ''}"
