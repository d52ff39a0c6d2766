"""Shingles of article text, hashed to 64 bits, computed for a whole batch at once with NumPy.

Text is normalized (Unicode NFKC, case-folded); a token is a run of letters, marks and digits,
except in scripts written without spaces (Han, Hiragana, Katakana, Thai, Lao, Khmer, Myanmar),
where every character is a token. A document whose tokens are mostly such characters is
shingled with character n-grams, any other with word n-grams; a document shorter than its n
uses its tokens as shingles.

Why NumPy over the code points of the whole batch rather than a regex per document: tokenizing
in Python (`regex.findall`, one string per token) runs at ~8,000 docs/s and is the bottleneck
once MinHash itself runs in Rust; classifying code points with a lookup table and hashing tokens
with vectorized polynomial hashes does the same work for a batch in a few array passes. The
hashes are fixed functions of the text (no per-process seed), so stored signatures stay
comparable across runs and machines.
"""

from __future__ import annotations

import functools
import hashlib
import unicodedata
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import regex

SEPARATOR, WORD_CHAR, CHAR_TOKEN = 0, 1, 2
NO_SPACE_SCRIPTS = ("Han", "Hiragana", "Katakana", "Thai", "Lao", "Khmer", "Myanmar")

_U64 = np.uint64
_POLY = _U64(0x100000001B3)  # odd, so it has an inverse modulo 2**64
_POLY_INVERSE = _U64(pow(0x100000001B3, -1, 2**64))
_NGRAM_MUL = _U64(0x9E3779B97F4A7C15)


def mix64(values: np.ndarray) -> np.ndarray:
    """The splitmix64 finalizer over a uint64 array: spreads every input bit over the output."""
    x = values ^ (values >> _U64(30))
    x = x * _U64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> _U64(27))
    x = x * _U64(0x94D049BB133111EB)
    return x ^ (x >> _U64(31))


CHAR_CLASSES_FILE = Path(__file__).with_name("char_classes.zlib")


@functools.cache
def char_classes() -> np.ndarray:
    """A uint8 table over all code points: separator, word character, or one-character token.

    Read from `char_classes.zlib` (3 KB), which `python -m tasks.dedup.shingles` writes from
    `classify_code_points()`. Why stored: computing it takes ~150 ms, which a run signing a few
    articles in one process would pay every time; and a fixed table keeps shingles, so stored
    signatures, the same when a newer `regex` brings newer Unicode data (a test compares them).
    """
    return np.frombuffer(zlib.decompress(CHAR_CLASSES_FILE.read_bytes()), dtype=np.uint8)


def classify_code_points() -> np.ndarray:
    """The character table from the Unicode data of the installed `regex` module."""
    code_points = np.arange(0x110000, dtype=np.uint32)
    code_points[0xD800:0xE000] = 0x20  # surrogates cannot be encoded; they separate
    every_char = code_points.tobytes().decode("utf-32-le")
    scripts = "".join(f"\\p{{{s}}}" for s in NO_SPACE_SCRIPTS)
    classes = np.full(0x110000, SEPARATOR, dtype=np.uint8)
    classes[_matching(every_char, r"[\p{L}\p{M}\p{N}]")] = WORD_CHAR
    classes[_matching(every_char, f"[{scripts}]")] = CHAR_TOKEN
    return classes


def _matching(every_char: str, pattern: str) -> np.ndarray:
    """Code points (of the string of all code points) that match a one-character pattern."""
    marked = np.frombuffer(regex.sub(pattern, "\x00", every_char).encode("utf-32-le"), dtype=np.uint32)
    matched = marked == 0
    matched[0] = False  # NUL itself was 0 before marking; it separates documents
    return matched


def normalize(text: str) -> str:
    """NFKC, then case folding: the form every hash in dedup is taken over."""
    return unicodedata.normalize("NFKC", text).casefold()


@dataclass(frozen=True)
class TokenBatch:
    """The tokens of a batch of documents: one 64-bit hash per token, grouped by document."""

    hashes: np.ndarray  # uint64, tokens of document i at offsets[i]:offsets[i + 1]
    offsets: np.ndarray  # int64, length documents + 1
    char_tokens: np.ndarray  # int64 per document: how many tokens are no-space-script chars
    exact_hashes: list[str]  # per document: hex blake2b-128 of its token sequence

    def __len__(self) -> int:
        return len(self.offsets) - 1


SPAN_CODE_POINTS = 1 << 16  # tokenized per pass (a longer text gets a pass of its own)


def tokenize(texts: Sequence[str]) -> TokenBatch:
    """Tokenize and hash a batch of texts; also take each text's exact-duplicate hash.

    The texts are taken in passes of about `SPAN_CODE_POINTS` code points: the arrays of a pass
    then fit in the CPU cache and their memory is reused by the next pass (bench/README.md)."""
    normalized = [normalize(t) for t in texts]
    parts = [_tokenize_normalized(normalized[i:j]) for i, j in _spans(normalized)]
    if len(parts) == 1:
        return parts[0]
    token_counts = np.cumsum([0] + [len(p.hashes) for p in parts[:-1]])
    return TokenBatch(
        np.concatenate([p.hashes for p in parts]),
        np.concatenate([[0]] + [p.offsets[1:] + base for p, base in zip(parts, token_counts)]).astype(np.int64),
        np.concatenate([p.char_tokens for p in parts]),
        [h for p in parts for h in p.exact_hashes],
    )


def _spans(normalized: list[str]) -> list[tuple[int, int]]:
    """[start, end) ranges of texts of about SPAN_CODE_POINTS code points each, at least one text."""
    spans, start, size = [], 0, 0
    for i, text in enumerate(normalized):
        if size and size + len(text) + 1 > SPAN_CODE_POINTS:
            spans.append((start, i))
            start, size = i, 0
        size += len(text) + 1
    if size or not spans:
        spans.append((start, len(normalized)))
    return spans


def _tokenize_normalized(normalized: list[str]) -> TokenBatch:
    lengths = np.fromiter((len(t) + 1 for t in normalized), dtype=np.int64, count=len(normalized))
    doc_starts = np.concatenate(([0], np.cumsum(lengths)))
    # a NUL after every document: a separator, so no token spans two documents
    code_points = np.frombuffer(("\x00".join(normalized) + "\x00").encode("utf-32-le"), dtype=np.uint32)
    classes = char_classes()[code_points]

    is_word = classes == WORD_CHAR
    is_char = classes == CHAR_TOKEN
    next_word = np.empty_like(is_word)
    next_word[:-1] = is_word[1:]
    next_word[-1] = False
    prev_word = np.empty_like(is_word)
    prev_word[1:] = is_word[:-1]
    prev_word[0] = False
    start_marks = is_char | (is_word & ~prev_word)
    starts = np.flatnonzero(start_marks)
    ends = np.flatnonzero(is_char | (is_word & ~next_word))  # one end per start, in order
    token_hashes = _token_hashes(code_points, classes != SEPARATOR, starts, ends - starts + 1)

    token_docs = np.searchsorted(doc_starts, starts, side="right") - 1
    offsets = np.searchsorted(token_docs, np.arange(len(normalized) + 1), side="left").astype(np.int64)
    char_tokens = np.bincount(token_docs[is_char[starts]], minlength=len(normalized)).astype(np.int64)
    exact = _exact_hashes(token_hashes, offsets)
    return TokenBatch(token_hashes, offsets, char_tokens, exact)


_powers_cache: dict[str, np.ndarray] = {}


def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    """P**i and P**-i (mod 2**64) for i < n, kept per process and grown when a batch is longer."""
    if len(_powers_cache.get("up", ())) < n:
        size = max(n, 2 * len(_powers_cache.get("up", ())))
        _powers_cache["up"] = _geometric(_POLY, size)
        _powers_cache["down"] = _geometric(_POLY_INVERSE, size)
    return _powers_cache["up"], _powers_cache["down"]


def _geometric(ratio: np.uint64, size: int) -> np.ndarray:
    """ratio**i (mod 2**64) for i < size, by doubling: log2(size) vector products instead of a
    cumulative product (which NumPy runs element by element)."""
    out = np.empty(size, dtype=np.uint64)
    out[0] = 1
    filled = 1
    with np.errstate(over="ignore"):
        while filled < size:
            step = min(filled, size - filled)
            out[filled : filled + step] = out[:step] * (out[filled - 1] * ratio)
            filled += step
    return out


def _token_hashes(code_points: np.ndarray, in_token: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Polynomial hash of each token's code points (mod 2**64), mixed with its length.

    Each character is weighted by P**(its position in the batch); summing a token's terms and
    multiplying by P**-start gives a hash that does not depend on where the token stands.
    """
    if len(starts) == 0:
        return np.zeros(0, dtype=np.uint64)
    up, down = _powers(len(code_points))
    with np.errstate(over="ignore"):
        terms = np.where(in_token, code_points, np.uint32(0)).astype(np.uint64)
        terms *= up[: len(code_points)]
        sums = np.add.reduceat(terms, starts)  # separators after a token add 0
        return mix64(sums * down[starts] + lengths.astype(np.uint64) * _NGRAM_MUL)


def _exact_hashes(token_hashes: np.ndarray, offsets: np.ndarray) -> list[str]:
    """blake2b-128 of each text's token-hash sequence.

    Equal for texts whose normalized tokens are equal in order, whatever whitespace and
    punctuation lie between them: the normalized, collapsed text, up to a 64-bit collision
    between two different tokens (for ten million distinct tokens, a chance of about 3 in a
    million that any two collide at all).
    Hashing the tokens already computed costs no further pass over the characters.
    """
    return [
        hashlib.blake2b(token_hashes[offsets[i] : offsets[i + 1]].tobytes(), digest_size=16).hexdigest()
        for i in range(len(offsets) - 1)
    ]


def ngram_hashes(hashes: np.ndarray, token_docs: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of every run of `n` consecutive tokens, and whether the run stays in one document.

    Both arrays have one entry per token (the run starting there); runs past the end are invalid.
    """
    count = len(hashes)
    combined = hashes.copy()
    valid = np.ones(count, dtype=bool)
    with np.errstate(over="ignore"):
        for j in range(1, n):
            ahead = max(count - j, 0)  # tokens with a j-th successor (none when the batch is shorter)
            shifted = np.zeros(count, dtype=np.uint64)
            shifted[:ahead] = hashes[count - ahead :]
            combined = mix64(combined * _NGRAM_MUL + shifted)
            same_doc = np.zeros(count, dtype=bool)
            same_doc[:ahead] = token_docs[count - ahead :] == token_docs[:ahead]
            valid &= same_doc
    return combined, valid


def shingle(tokens: TokenBatch, word_ngram: int, char_ngram: int, char_share: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """Shingle hashes of every document, flat, with offsets (int64, documents + 1).

    A document is shingled with `char_ngram`-grams when more than `char_share` of its tokens are
    no-space-script characters, with `word_ngram`-grams otherwise; one with fewer tokens than its
    n keeps its tokens as shingles. A document without tokens has no shingles.
    """
    docs = len(tokens)
    counts = np.diff(tokens.offsets)
    token_docs = np.repeat(np.arange(docs), counts)
    char_mode = tokens.char_tokens > char_share * np.maximum(counts, 1)
    n_per_doc = np.where(char_mode, char_ngram, word_ngram)
    short = counts < n_per_doc

    word_hashes, word_valid = ngram_hashes(tokens.hashes, token_docs, word_ngram)
    if char_ngram == word_ngram:
        char_hashes, char_valid = word_hashes, word_valid
    else:
        char_hashes, char_valid = ngram_hashes(tokens.hashes, token_docs, char_ngram)
    in_char_mode = char_mode[token_docs]
    in_short = short[token_docs]
    values = np.where(in_short, tokens.hashes, np.where(in_char_mode, char_hashes, word_hashes))
    keep = in_short | np.where(in_char_mode, char_valid, word_valid)
    kept_counts = np.bincount(token_docs[keep], minlength=docs)
    offsets = np.concatenate(([0], np.cumsum(kept_counts))).astype(np.int64)
    return values[keep], offsets


if __name__ == "__main__":
    CHAR_CLASSES_FILE.write_bytes(zlib.compress(classify_code_points().tobytes(), 9))
