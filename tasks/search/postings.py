"""The postings of a batch of articles, counted with Arrow's compute kernels: finding and
counting the words runs in C++ over whole columns, and Python sees each distinct word of a
batch once (to fold, stem and hash it), not each word.

The terms are those `terms.words` and `terms.word_keys` give (tests/test_search.py compares
them on a multilingual sample, and the word class on every code point):

- Words are found in the text as stored and case-folded afterwards, once per distinct word:
  case folding maps every character to characters of the same kind (word character or not,
  unspaced script or not; true of every code point, the tests check), so the folded words of a
  text are the words of the folded text.
- Arrow's regular expressions (RE2) know an older Unicode than the `regex` module that defines
  the word class for queries: RE2 is given the class as the ranges of code points `regex` puts
  in it, read from `regex` once per process.
- The separators (runs of characters outside the class) are replaced by a space, then the text
  is split at spaces: RE2 pays per match, and a text has one separator other than a space per
  punctuation mark or line, against one word per five or six characters.
- Runs of scripts written without spaces (Chinese, Japanese, Thai, ...) are separators there
  too, and are segmented by ICU in Python, in the texts that have them only.
- Titles are split in the same pass as the texts; a title's counts are multiplied by TITLE_WEIGHT.
"""

from __future__ import annotations

import threading
from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import regex

from tasks.search.terms import TITLE_WEIGHT, WORD_CLASS, unspaced_words, word_keys
from tasks.unspaced_scripts import UNSPACED_CLASS

_UNSPACED = f"[{UNSPACED_CLASS}]"
_SEPARATORS_LOCK = threading.Lock()  # an update's threads start together: one reads the class, the others wait


def separators() -> str:
    """`_separators()`, read once per process."""
    with _SEPARATORS_LOCK:
        return _separators()


@lru_cache(maxsize=1)
def _separators() -> str:
    """An RE2 pattern for the runs of characters a text's words are split at, spaces aside:
    characters outside the word class, and runs of unspaced scripts (segmented apart). The
    class is read from `regex` in the planes where Unicode assigns letters, marks and digits
    (0-3 and 14); RE2's own classes cover the rest."""
    codes = np.concatenate([np.arange(0x40000, dtype="<u4"), np.arange(0xE0000, 0xF0000, dtype="<u4")])
    codes[0xD800:0xE000] = ord(" ")  # surrogates are no characters; a space is no word character
    everything = codes.tobytes().decode("utf-32-le")
    spans = (match.span() for match in regex.finditer(f"[{WORD_CLASS}]+", everything))
    ranges = "".join(f"\\x{{{codes[start]:x}}}-\\x{{{codes[end - 1]:x}}}" for start, end in spans)
    return f"[^{WORD_CLASS}{ranges} ]+|{_UNSPACED}+"


def _words(texts: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Every word of `texts` (as written, but those of unspaced scripts, case-folded by their
    segmentation), and the position in `texts` of the text of each. A text that starts or ends
    with a separator also gives an empty string there."""
    pieces = pc.ascii_split_whitespace(pc.replace_substring_regex(texts, separators(), " "))
    found, rows = pc.list_flatten(pieces), pc.list_parent_indices(pieces)
    unspaced = pc.match_substring_regex(texts, _UNSPACED)
    if not pc.any(unspaced).as_py():
        return found, rows
    segmented: list[str] = []
    segmented_rows: list[int] = []
    for row, text in zip(pc.indices_nonzero(unspaced).to_pylist(), texts.filter(unspaced).to_pylist()):
        words = unspaced_words(text.casefold())
        segmented += words
        segmented_rows += [row] * len(words)
    return pa.concat_arrays([found, pa.array(segmented, found.type)]), pa.concat_arrays([rows, pa.array(segmented_rows, rows.type)])


def _keys(words: pa.Array, vocabulary: list[str], stemmer: str) -> pa.Array:
    """The term key of each of `words` (indices into `vocabulary`), stemmed by `stemmer`."""
    used = pc.unique(words)
    keys = word_keys([vocabulary[index].casefold() for index in used.to_pylist()], stemmer)
    return pc.take(pa.array(keys, pa.int64()), pc.index_in(words, used))


def batch_postings(docs: pa.Array, titles: pa.Array, texts: pa.Array, stemmers: pa.Array) -> pa.Table:
    """The postings of a batch of articles (`docs` their numbers, `stemmers` the stemmer of
    each): a (term, doc, tf) row per term of each article, tf how often its words occur (a
    title's words TITLE_WEIGHT times)."""
    count = len(texts)
    # one pass over texts and titles (the title of row r at row count + r): RE2 compiles the
    # word class once, in ~1.5 ms
    found, rows = _words(pa.concat_arrays([texts, titles.cast(texts.type)]))
    encoded = pc.dictionary_encode(found)  # each distinct word once
    vocabulary = encoded.dictionary.to_pylist()
    counted = pa.table({"word": encoded.indices, "row": rows}).group_by(["word", "row"]).aggregate([([], "count_all")])
    if "" in vocabulary:
        counted = counted.filter(pc.not_equal(counted.column("word"), vocabulary.index("")))
    words, rows, tf = (counted.column(name).combine_chunks() for name in ("word", "row", "count_all"))
    in_title = pc.greater_equal(rows, count)
    rows = pc.if_else(in_title, pc.subtract(rows, count), rows)
    tf = pc.if_else(in_title, pc.multiply(tf, TITLE_WEIGHT), tf)
    row_stemmers = pc.take(stemmers, rows)
    parts = []
    for name in pc.unique(stemmers).to_pylist():
        mask = pc.equal(row_stemmers, name)
        parts.append(pa.table({"term": _keys(words.filter(mask), vocabulary, name), "row": rows.filter(mask), "tf": tf.filter(mask)}))
    # two words of one term (cases of a word, or words of one stem, or one in the title and in the text) are one posting
    summed = pa.concat_tables(parts).group_by(["term", "row"]).aggregate([("tf", "sum")])
    return pa.table({
        "term": summed.column("term"),
        "doc": pc.take(docs, summed.column("row")).cast(pa.int32()),
        "tf": summed.column("tf_sum").cast(pa.int32()),
    })
