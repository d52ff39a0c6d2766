"""Bytes to Unicode text: BOM, declared charset, detection, mojibake repair, NFC.

The order follows what browsers do, hardened for wrong declarations found in the wild:

1. Known binary formats (PNG, PDF, zip, ...) and NUL-bearing bytes that are not UTF-16 are
   rejected as `binary_content`, unless the NULs are a few strays (under `MAX_STRAY_NUL_SHARE`
   of the bytes): damage to a text page, removed before decoding.
2. A byte order mark decides (UTF-8, UTF-16, UTF-32).
3. Declared charsets are tried in turn: the HTTP header's, then the one the document declares
   itself (`<meta charset>`, `<meta http-equiv>`, the XML declaration). A declaration is used only
   when it decodes strictly and the result is not a mess; multibyte UTF-8 beats any other
   declaration, since legacy single-byte code pages decode any bytes at all.
4. UTF-8, if the bytes are valid UTF-8 (or nearly: a few stray bytes among many valid sequences).
5. charset-normalizer on up to 64 KB of the text with markup removed, limited to the encodings
   browsers support, its near-ties settled by how common each encoding is on the Web.

Decoded text that is mostly control, unassigned or private-use characters, or (for a guessed
encoding) has almost no letters, is rejected as `undecodable`. The rest goes through ftfy
(mojibake, C1 controls, stray control characters; never HTML entities, quotes, ligatures,
character widths or line breaks), skipped when a quick scan shows it would change nothing, and
Unicode NFC. ftfy repairs at most the first `MAX_REPAIR_CHARS` of a text: every other step looks
at a sample or runs at C speed, while ftfy takes ~1 s per million characters.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass

import chardetng_py
import ftfy
from charset_normalizer import CharsetMatch, from_bytes
from charset_normalizer.md import mess_ratio
from ftfy.badness import BADNESS_RE, MOJIBAKE_CATEGORIES
from ftfy.chardata import CONTROL_CHARS

from tasks.clean.steps import DECODE as STAGE
from tasks.records import DecodedDocument, FetchedDocument, Rejected
from tasks.stage import StageOutput, run_stage

# Leading bytes of binary formats that turn up renamed or mis-served as pages: (offset, magic, name).
_SIGNATURES: tuple[tuple[int, bytes, str], ...] = (
    (0, b"\x89PNG\r\n\x1a\n", "PNG image"),
    (0, b"\xff\xd8\xff", "JPEG image"),
    (0, b"GIF87a", "GIF image"),
    (0, b"GIF89a", "GIF image"),
    (0, b"%PDF-", "PDF document"),
    (0, b"PK\x03\x04", "zip archive (or docx/xlsx/epub)"),
    (0, b"PK\x05\x06", "zip archive (empty)"),
    (0, b"\x1f\x8b", "gzip data"),
    (0, b"\xfd7zXZ\x00", "xz data"),
    (0, b"\x28\xb5\x2f\xfd", "zstd data"),
    (0, b"7z\xbc\xaf\x27\x1c", "7z archive"),
    (0, b"Rar!\x1a\x07", "RAR archive"),
    (0, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "OLE2 document (doc/xls/ppt)"),
    (0, b"\x7fELF", "ELF executable"),
    (0, b"SQLite format 3\x00", "SQLite database"),
    (0, b"OggS", "Ogg media"),
    (0, b"fLaC", "FLAC audio"),
    (0, b"ID3", "MP3 audio"),
    (0, b"\x1a\x45\xdf\xa3", "Matroska/WebM video"),
    (0, b"wOFF", "WOFF font"),
    (0, b"wOF2", "WOFF2 font"),
    (0, b"II*\x00", "TIFF image"),
    (0, b"MM\x00*", "TIFF image"),
    (0, b"PAR1", "Parquet file"),
    (4, b"ftyp", "ISO media (MP4/MOV/HEIF/AVIF)"),
    (8, b"WEBP", "WebP image"),
    (8, b"WAVE", "WAV audio"),
    (8, b"AVI ", "AVI video"),
)

# Longest first, so a UTF-32 LE mark is not taken for a UTF-16 LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# WHATWG encoding labels Python's codec registry does not know.
_LABEL_ALIASES = {
    "x-sjis": "shift_jis",
    "windows-31j": "cp932",
    "csshiftjis": "shift_jis",
    "x-gbk": "gbk",
    "gb_2312-80": "gb2312",
    "csgb2312": "gb2312",
    "iso-ir-58": "gb2312",
    "chinese": "gb2312",
    "x-euc-jp": "euc_jp",
    "cseuckr": "euc_kr",
    "ks_c_5601-1989": "euc_kr",
    "windows-949": "cp949",
    "x-x-big5": "big5",
    "cn-big5": "big5",
    "csbig5": "big5",
    "windows-874": "cp874",
    "dos-874": "cp874",
    "iso-8859-8-i": "iso8859_8",
    "logical": "iso8859_8",
    "visual": "iso8859_8",
    "x-mac-roman": "mac_roman",
    "x-mac-cyrillic": "mac_cyrillic",
    "x-mac-ukrainian": "mac_cyrillic",
    "unicode-1-1-utf-8": "utf-8",
    "unicode11utf8": "utf-8",
    "unicode20utf8": "utf-8",
    "x-unicode20utf8": "utf-8",
    "x-user-defined": "cp1252",
    **{f"x-cp{n}": f"cp{n}" for n in range(1250, 1259)},
}

# Codecs to decode a declaration with, by Python codec name: the superset the Web actually uses
# (WHATWG maps Latin-1 and ASCII labels to windows-1252, GBK labels to gb18030, and so on), with
# a wider fallback where the plain codec is too strict for real pages.
_DECODERS_FOR: dict[str, tuple[str, ...]] = {
    "ascii": ("cp1252",),
    "iso8859-1": ("cp1252",),
    "iso8859-9": ("cp1254",),
    "iso8859-11": ("cp874",),
    "tis-620": ("cp874",),
    "gb2312": ("gb18030",),
    "gbk": ("gb18030",),
    "cp936": ("gb18030",),
    "shift_jis": ("shift_jis", "cp932"),
    "cp932": ("shift_jis", "cp932"),
    "euc_kr": ("euc_kr", "cp949"),
    "cp949": ("euc_kr", "cp949"),
    "big5": ("big5", "cp950", "big5hkscs"),
    "cp950": ("big5", "cp950", "big5hkscs"),
    "euc_jp": ("euc_jp", "euc_jis_2004"),
}

# Python codecs that decode bytes to text but are no charset a page is written in: escape
# notations, domain name forms, and `undefined`, which fails on any input. (Bytes-to-bytes codecs
# such as base64 and zlib are told apart by Python itself.)
_NOT_CHARSETS = frozenset({"undefined", "unicode-escape", "raw-unicode-escape", "punycode", "idna"})

# Names recorded in `encoding`, where Python's codec name is not the one people know.
_RECORDED_NAMES = {
    **{f"cp{n}": f"windows-{n}" for n in (*range(1250, 1259), 874)},
    "cp866": "ibm866",
    "shift_jis": "shift_jis",
    "iso2022_jp": "iso-2022-jp",
    "mac-roman": "macintosh",
    "mac-cyrillic": "x-mac-cyrillic",
}

# What detection may answer: the encodings browsers decode (WHATWG Encoding Standard), each as
# charset-normalizer names it. Pages and articles come in nothing else, and leaving out DOS, Mac
# and EBCDIC code pages removes the guesses it most often gets wrong on Latin text.
# Non-ASCII bytes below which chardetng's guess is a coin toss ("naïve" alone reads as ISO-8859-4).
MIN_CHARDETNG_EVIDENCE = 8

_DETECTABLE = (
    "utf_8", "cp1250", "cp1251", "cp1252", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257",
    "cp874", "cp866", "koi8_r", "koi8_u", "iso8859_2", "iso8859_3", "iso8859_4",
    "iso8859_5", "iso8859_6", "iso8859_7", "iso8859_8", "iso8859_10", "iso8859_13", "iso8859_14",
    "iso8859_15", "iso8859_16", "gb18030", "gbk", "gb2312", "big5", "big5hkscs", "cp950",
    "shift_jis", "cp932", "euc_jp", "iso2022_jp", "euc_kr", "cp949",
)

# Single-byte code pages by how common they are on the Web, most common first: charset-normalizer
# cannot tell sibling Latin code pages apart on most text (it rates them equal), and then the
# common one is the better bet, as browsers' windows-1252 default is.
_PREVALENCE = (
    "cp1252", "cp1251", "cp1250", "cp1256", "cp1254", "cp874", "cp1253", "koi8_r", "cp1255",
    "cp1257", "iso8859_2", "iso8859_15", "cp1258", "koi8_u", "cp866", "iso8859_7", "iso8859_5",
    "iso8859_9", "iso8859_6", "iso8859_8", "iso8859_13", "iso8859_4", "iso8859_10", "iso8859_14",
    "iso8859_16", "iso8859_3",
)

_META_CHARSET = re.compile(rb"""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([a-z0-9_.:+-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml\b[^>]*?\bencoding\s*=\s*["']([a-z0-9_.:+-]+)""", re.IGNORECASE)
_HTML_COMMENT = re.compile(rb"<!--.*?-->", re.DOTALL)
_MARKUP = re.compile(
    rb"<script\b.*?</script\s*>|<style\b.*?</style\s*>|<!--.*?-->|<[a-z!?/][^>]*>", re.IGNORECASE | re.DOTALL
)
_WHITESPACE = re.compile(rb"\s+")

SNIFF_BYTES = 8192  # where a document's own charset declaration is looked for
DETECT_BYTES = 64 * 1024  # of text (markup removed) that detection and the mess measure look at
CHECK_CHARS = 64 * 1024  # of decoded text that the garbage check looks at
# Thresholds, measured on text in 109 languages (gettext catalogs of this machine, 26 news-style
# paragraphs in tests/fixtures/decode) plain and inside a real HTML page, against random bytes.
# A declared non-UTF charset whose decoding scores more than this on charset-normalizer's mess
# measure is wrong: right declarations scored at most 0.153 (Persian in windows-1256); Cyrillic,
# Greek, Hebrew, Arabic, Thai and CJK bytes read as windows-1252 at least 1.11.
MAX_DECLARED_MESS = 0.4
# A guess scoring more than this is garbage: right guesses scored at most 0.153, random bytes
# that some encoding decodes at all 0.75 or more (most decode in none).
MAX_GUESSED_MESS = 0.5
# Share of control, unassigned, private-use or U+FFFD characters among visible ones above which
# decoded text is garbage: real text had at most 0.0001.
MAX_BAD_CHAR_SHARE = 0.05
# For a guessed encoding, the share of letters, digits and marks needed among visible characters:
# real text and HTML pages had at least 0.63; one repeated byte decodes to none.
MIN_ALNUM_SHARE = 0.25
# NULs in bytes that are not UTF-16 above this share mean binary data; below it, stray NULs in a
# damaged text page, which are removed. Measured: a real Spanish article had 22 NULs in 194 KB
# (0.011 %); random or compressed bytes have about 1/256 (0.39 %), images 2.7-11 %, executables
# 14-46 %. What slips under the bar (a rare compressed blob at 0.06 %) decodes to a mess and is
# rejected as `undecodable` by the checks after decoding.
MAX_STRAY_NUL_SHARE = 0.001
# BOM-less UTF-16 needs this many NULs in its first 8 KB, this many times more on one side.
UTF16_MIN_NULS = 4
UTF16_NUL_SKEW = 9
# How close two detection candidates must be to count as equals (see `_rank`).
NEAR_MESS = 0.02
NEAR_COHERENCE = 0.02
# Characters ftfy repairs, from the start of a text (cut at a line break): ftfy took 0.4-1.4 s per
# million characters (long lines or short ones), so a 20 MB text would take up to 28 s. The
# longest articles are ~200,000 characters; beyond this a text is data, and its rest is kept as
# decoded. Equal to ftfy's own max_decode_length, the longest segment it decodes as a whole.
MAX_REPAIR_CHARS = 1_000_000
# Valid multibyte UTF-8 sequences needed per invalid one to read bytes as UTF-8 anyway.
UTF8_VALID_PER_INVALID = 10

# Control (other than whitespace), unassigned, private-use and surrogate code points; C1 controls
# are exempt, being mojibake of windows-1252 punctuation that ftfy repairs.
_BAD_CATEGORIES = frozenset({"Cc", "Cn", "Co", "Cs"})
_C1 = frozenset(map(chr, range(0x80, 0xA0)))

_FIXER_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False,  # entities are markup; extraction decodes them
    fix_latin_ligatures=False,
    fix_character_width=False,  # full-width forms are legitimate CJK text
    uncurl_quotes=False,
    fix_line_breaks=False,
    normalization=None,  # NFC is applied after, so `repaired` means what ftfy changed
    explain=False,
)

# Every pattern ftfy's mojibake test (BADNESS_RE) matches contains one of these characters, and
# ftfy's other fixes act only on control characters and surrogates. Text with none of them, or
# with them only where BADNESS_RE finds nothing nearby, comes out of ftfy unchanged: checking
# that first is 15-60 times faster than running ftfy (tests/test_decode.py checks the claim).
_FTFY_ALWAYS = "".join(re.escape(chr(c)) for c in sorted(CONTROL_CHARS)) + MOJIBAKE_CATEGORIES["c1"] + "\ud800-\udfff"
_FTFY_ALWAYS_RE = re.compile(f"[{_FTFY_ALWAYS}]")
_MOJIBAKE_PARTS = "".join(
    MOJIBAKE_CATEGORIES[name]
    for name in ("bad", "upper_accented", "currency", "numeric", "law", "start_punctuation", "end_punctuation", "box")
)
_FTFY_SUSPECT_RE = re.compile(f"[{_FTFY_ALWAYS}{_MOJIBAKE_PARTS}\u0153\u00d9\u00b0\u0402]")  # œ Ù ° Ђ
_BADNESS_ANY_LINE = re.compile(BADNESS_RE.pattern, BADNESS_RE.flags | re.MULTILINE)  # ftfy tests line by line
_BADNESS_REACH = 8  # characters either side of a suspect that a BADNESS_RE match can span


@dataclass(frozen=True)
class DecodedText:
    """Text decoded from bytes, the codec that decoded it, and whether ftfy had to repair it."""

    text: str
    encoding: str
    repaired: bool


def decode_bytes(body: bytes, declared_charset: str | None = None, format: str = "html") -> DecodedText:
    """Decode a document's bytes into NFC text, repairing mojibake.

    `declared_charset` is what the transport said (the HTTP header's charset); for HTML and XML
    the document's own declaration is sniffed from its first bytes. Raises `Rejected` with
    `empty`, `binary_content` or `undecodable` for input that is not text.
    """
    if not body.strip(b" \t\r\n\f\v"):
        raise Rejected("empty", f"{len(body)} bytes of whitespace" if body else "0 bytes")
    binary = _binary_kind(body)
    if binary:
        raise Rejected("binary_content", binary)
    text, codec, guessed = _decode(_without_stray_nuls(body), declared_charset, format)
    encoding = _recorded_name(codec)
    _check_sensible(text, encoding, guessed)
    fixed = _repaired(text)
    if not fixed.strip():
        raise Rejected("empty", f"only whitespace after decoding as {encoding}")
    normalized = fixed if unicodedata.is_normalized("NFC", fixed) else unicodedata.normalize("NFC", fixed)
    return DecodedText(normalized, encoding, repaired=fixed != text)


def decode_document(doc: FetchedDocument) -> DecodedDocument:
    """Decode one fetched document (see `decode_bytes`)."""
    decoded = decode_bytes(doc.body, doc.declared_charset, doc.format)
    return DecodedDocument(doc=doc, text=decoded.text, encoding=decoded.encoding, repaired=decoded.repaired)


def decode_documents(
    docs: Sequence[FetchedDocument], executor: Executor | None = None
) -> StageOutput[list[DecodedDocument]]:
    """Decode a batch; documents that are not text are quarantined with their reason."""
    return run_stage(
        STAGE,
        docs,
        decode_document,
        describe=lambda d: (d.source, d.uri, d.content_sha256),
        size=lambda d: len(d.body),
        executor=executor,
    )


def _binary_kind(body: bytes) -> str | None:
    """Name what binary format `body` is, or None when it may be text (UTF-16 counts as text)."""
    for offset, magic, name in _SIGNATURES:
        if body.startswith(magic, offset):
            return name
    if _has_foreign_nuls(body) and body.count(0) > MAX_STRAY_NUL_SHARE * len(body):
        return f"{body.count(0)} NUL bytes in {len(body)}, not laid out as UTF-16"
    return None


def _has_foreign_nuls(body: bytes) -> bool:
    """True when `body` holds NULs that are not part of UTF-16 or UTF-32 text."""
    return b"\x00" in body and not body.startswith(tuple(bom for bom, _ in _BOMS)) and _utf16_without_bom(body) is None


def _without_stray_nuls(body: bytes) -> bytes:
    """`body` without the stray NULs of a damaged text page (`_binary_kind` let only a few pass)."""
    return body.replace(b"\x00", b"") if _has_foreign_nuls(body) else body


def _utf16_without_bom(body: bytes) -> str | None:
    """The UTF-16 codec of BOM-less UTF-16 text, told by where its NULs fall, or None."""
    if len(body) % 2:
        return None
    sample = body[:8192]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    # Characters below U+0100 (markup, spaces, digits, Latin) put a NUL in every other byte, all
    # on one side; other characters rarely have a zero byte. Binary data has NULs on both sides.
    if odd >= UTF16_MIN_NULS and odd >= UTF16_NUL_SKEW * even:
        codec = "utf-16-le"
    elif even >= UTF16_MIN_NULS and even >= UTF16_NUL_SKEW * odd:
        codec = "utf-16-be"
    else:
        return None
    try:
        body.decode(codec)
    except UnicodeDecodeError:
        return None
    return codec


def _decode(body: bytes, declared_charset: str | None, format: str) -> tuple[str, str, bool]:
    """Decode `body`: (text, Python codec name, whether the codec was guessed by detection)."""
    for bom, codec in _BOMS:
        if body.startswith(bom):
            try:
                return body[len(bom) :].decode(codec), codec, False
            except UnicodeDecodeError:
                break  # a BOM on bytes that do not follow it proves nothing; look further
    if b"\x00" in body:
        codec = _utf16_without_bom(body)
        if codec:
            return body.decode(codec), codec, False
    utf8 = _as_utf8(body)
    labels = [declared_charset, *_sniffed_charsets(body, format)]
    for label in labels:
        decoders = _decoders_for(label) if label else ()
        if not decoders or decoders[0] == "utf-8":
            continue
        if utf8 is not None and not body.isascii():
            return utf8, "utf-8", False
        for codec in decoders:
            try:
                text = body.decode(codec)
            except UnicodeDecodeError:
                continue
            sample = _text_sample(body).decode(codec, "replace")
            if mess_ratio(sample, MAX_DECLARED_MESS) <= MAX_DECLARED_MESS:
                return text, codec, False
            break  # a superset codec would read the same bytes the same wrong way
    if utf8 is not None and b"\x1b$" not in body:  # an ISO-2022 escape: 7-bit CJK, valid as UTF-8
        return utf8, "utf-8", False
    text, codec = _detect(body)
    return text, codec, True


def _sniffed_charsets(body: bytes, format: str) -> list[str]:
    """Charsets a document declares in its first bytes: XML declaration, then HTML meta tags."""
    head = body[:SNIFF_BYTES]
    found = [m.decode("ascii") for m in _XML_ENCODING.findall(head)]
    if format == "html":
        found += [m.decode("ascii") for m in _META_CHARSET.findall(_HTML_COMMENT.sub(b"", head))]
    return found


def _decoders_for(label: str) -> tuple[str, ...]:
    """The codecs to try for a charset label, or () for a label no codec answers to.

    UTF-16 and UTF-32 labels give (): real UTF-16 was recognised by its BOM or NULs already, and
    a page that can declare it in ASCII is not UTF-16 (browsers read it as UTF-8 then).
    """
    label = label.strip().strip("\"'").lower()
    try:
        codec = codecs.lookup(_LABEL_ALIASES.get(label, label))
    except (LookupError, ValueError):  # ValueError: a label with a NUL in it
        return ()
    name = codec.name
    # a label naming a Python codec that is no charset (`base64`, `unicode_escape`, ...) declares nothing
    if not codec._is_text_encoding or name in _NOT_CHARSETS or name.startswith(("utf-16", "utf-32")):
        return ()
    return _DECODERS_FOR.get(name, (name,))


def _as_utf8(body: bytes) -> str | None:
    """`body` as UTF-8 if it is, or nearly is, UTF-8; else None.

    Nearly: valid multibyte sequences, and invalid bytes at most one per UTF8_VALID_PER_INVALID
    of them, as in a UTF-8 page with a pasted windows-1252 quote; those bytes are read as
    windows-1252. A character cut off at the end (a truncated download) is dropped.
    """
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    replaced = decoder.decode(body, final=False)  # holds back an incomplete last character
    cut_off = len(decoder.getstate()[0])
    invalid = replaced.count("\ufffd") - body.count("\ufffd".encode())
    multibyte = len(replaced) - len(replaced.encode("ascii", "ignore")) - invalid
    if not multibyte or multibyte < UTF8_VALID_PER_INVALID * invalid:
        return None
    return body[: len(body) - cut_off].decode("utf-8", "pressroom-utf8-stray-bytes")


def _stray_bytes_as_cp1252(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: bytes that are not UTF-8 are read as windows-1252."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    return bytes(error.object[error.start : error.end]).decode("cp1252", "replace"), error.end


codecs.register_error("pressroom-utf8-stray-bytes", _stray_bytes_as_cp1252)


def _detect(body: bytes) -> tuple[str, str]:
    """Guess the encoding and decode all of `body` with it.

    chardetng (Firefox's detector, trained on how legacy pages are really encoded) guesses
    first: it tells sibling Latin code pages apart (French windows-1252, Czech windows-1250,
    Lithuanian windows-1257) where charset-normalizer's measures tie. Its guess stands when
    charset-normalizer's mess measure finds the decoded text clean; otherwise, and for a few
    non-ASCII bytes too few for chardetng to go by, charset-normalizer ranks the candidates.
    """
    sample = _text_sample(body)
    evidence = len(sample) - len(sample.translate(None, bytes(range(128, 256))))
    guess = chardetng_py.detect(sample, allow_utf8=False) if evidence >= MIN_CHARDETNG_EVIDENCE else ""
    for codec in _decoders_for(guess) if guess else ():
        try:
            text = body.decode(codec)
        except UnicodeDecodeError:
            continue
        if mess_ratio(sample.decode(codec, "replace"), MAX_GUESSED_MESS) <= MAX_GUESSED_MESS:
            return text, codec
        break
    # threshold=1.0: the library's default 0.2 cut-off dropped real Persian text in windows-1256
    # (0.15 overall, more on some chunks); MAX_GUESSED_MESS judges the winner instead.
    matches = list(from_bytes(sample, cp_isolation=list(_DETECTABLE), threshold=1.0, preemptive_behaviour=False))
    if not matches:
        raise Rejected("undecodable", "no encoding decodes it into sensible text")
    best = matches[0]
    if best.chaos > MAX_GUESSED_MESS:
        name = _recorded_name(best.encoding)
        raise Rejected("undecodable", f"best guess {name} is a mess (score {best.chaos:.2f})")
    ranked = _rank(matches)
    for encoding in ranked:
        for codec in _decoders_for(encoding):
            try:
                return body.decode(codec), codec
            except UnicodeDecodeError:
                continue
    # Only the sample decodes cleanly: keep the best guess, marking the bytes it cannot read.
    codec = _decoders_for(ranked[0])[0]
    return body.decode(codec, "replace"), codec


def _rank(matches: list[CharsetMatch]) -> list[str]:
    """charset-normalizer's candidate encodings, best first, its near-ties settled by Web usage.

    Its mess measure differs by a few hundredths between sibling Latin code pages for reasons
    unrelated to the text (French in windows-1252 scored 0.013, in windows-1257 0.0), and its
    coherence often rates them equal. Among candidates within NEAR_MESS of the least messy, those
    within NEAR_COHERENCE of the most coherent are equals, and the most common on the Web wins.
    A match stands for every code page that decodes the sample to the same text.
    """
    least_mess = matches[0].chaos
    near = [m for m in matches if m.chaos <= least_mess + NEAR_MESS]
    most_coherent = max(m.coherence for m in near)
    equals = [m for m in near if m.coherence >= most_coherent - NEAR_COHERENCE]
    ranked = [_most_common(m) for m in equals]
    ranked.sort(key=_usage_rank)
    return ranked + [_most_common(m) for m in matches if m not in equals]


def _most_common(match: CharsetMatch) -> str:
    """The most common on the Web of the encodings a match stands for."""
    candidates = [e for e in match.could_be_from_charset if e in _DETECTABLE]
    return min(candidates, key=_usage_rank, default=match.encoding)


def _usage_rank(encoding: str) -> int:
    """Rank of a single-byte code page by Web usage, lower is more common; multibyte ones first."""
    return _PREVALENCE.index(encoding) if encoding in _PREVALENCE else -1


def _text_sample(body: bytes) -> bytes:
    """Up to DETECT_BYTES of the document's text: markup, scripts, styles and comments removed.

    Markup is ASCII and would dilute what detection and the mess measure see. Cuts fall on ASCII
    '<', '>' or whitespace, which are never part of a multibyte character in the ASCII-compatible
    encodings; ISO-2022-JP (which uses ESC and can use them) is left as it is.
    """
    window = body[: DETECT_BYTES * 4]
    if b"\x1b$" in window:
        return body[:DETECT_BYTES]
    text = _WHITESPACE.sub(b" ", _MARKUP.sub(b" ", window))
    if text.isascii():
        text = window  # the non-ASCII bytes are all inside markup: judge them there
    if len(text) <= DETECT_BYTES:
        return text
    cut = text.rfind(b" ", 0, DETECT_BYTES)
    return text[:cut] if cut > DETECT_BYTES // 2 else text[:DETECT_BYTES]


def _repaired(text: str) -> str:
    """`text` with mojibake and stray controls repaired by ftfy in its first MAX_REPAIR_CHARS."""
    cut = text.rfind("\n", 0, MAX_REPAIR_CHARS) + 1 or MAX_REPAIR_CHARS if len(text) > MAX_REPAIR_CHARS else len(text)
    head, rest = text[:cut], text[cut:]
    return (ftfy.fix_text(head, _FIXER_CONFIG) if _ftfy_may_change(head) else head) + rest


def _ftfy_may_change(text: str) -> bool:
    """Whether ftfy (as configured here) could change `text`; False means it surely would not."""
    for suspect in _FTFY_SUSPECT_RE.finditer(text):
        at = suspect.start()
        if _FTFY_ALWAYS_RE.match(text, at):
            return True
        if _BADNESS_ANY_LINE.search(text, max(0, at - _BADNESS_REACH), at + _BADNESS_REACH):
            return True
    return False


def _sample(text: str) -> str:
    """Up to CHECK_CHARS characters spread over `text`: its start, middle and end."""
    if len(text) <= CHECK_CHARS:
        return text
    third = CHECK_CHARS // 3
    middle = len(text) // 2
    return text[:third] + text[middle - third // 2 : middle + third // 2] + text[-third:]


def _check_sensible(text: str, encoding: str, guessed: bool) -> None:
    """Reject decoded text that is garbage rather than a document.

    Garbage is text with many control, unassigned, private-use or replacement characters; and,
    for a guessed encoding, text with few letters or digits among its visible characters (a run
    of one repeated byte decodes "cleanly" into no-break spaces or symbols).
    """
    sample = _sample(text)
    # printable means no control, unassigned, private-use or surrogate character: most pages.
    # Without its line breaks, tabs and CRs (the whitespace pages hold) a sample is mostly
    # printable as it is, found without splitting it into words
    if not guessed and "\ufffd" not in sample and sample.replace("\n", "").replace("\r", "").replace("\t", "").isprintable():
        return
    visible_text = "".join(sample.split())
    if not guessed and visible_text.isprintable() and "\ufffd" not in visible_text:
        return
    bad_chars = {c for c in set(sample) if c == "\ufffd" or _is_bad_char(c)}
    visible = len(visible_text)
    if bad_chars and visible:
        counts = Counter(sample)
        bad = sum(counts[c] for c in bad_chars)
        if bad / visible > MAX_BAD_CHAR_SHARE:
            kinds = "control, unassigned or private-use characters"
            raise Rejected("undecodable", f"{bad / visible:.0%} {kinds} as {encoding}")
    if not guessed:
        return
    if not visible:
        raise Rejected("undecodable", f"no visible characters as {encoding} (a guess)")
    # Combining marks count with letters: vowel signs are most of some scripts (Myanmar, Khmer).
    alnum = sum(n for c, n in Counter(sample).items() if c.isalnum() or unicodedata.category(c)[0] == "M")
    if alnum / visible < MIN_ALNUM_SHARE:
        raise Rejected("undecodable", f"only {alnum / visible:.0%} letters or digits as {encoding} (a guess)")


def _is_bad_char(char: str) -> bool:
    """A control (not whitespace, not C1), unassigned, private-use or surrogate code point."""
    return unicodedata.category(char) in _BAD_CATEGORIES and not (char.isspace() or char in _C1)


def _recorded_name(codec: str) -> str:
    """The name recorded for a Python codec: e.g. windows-1252, utf-8, gb18030, shift_jis."""
    name = codecs.lookup(codec).name
    return _RECORDED_NAMES.get(name, name.replace("_", "-").replace("iso8859", "iso-8859"))
