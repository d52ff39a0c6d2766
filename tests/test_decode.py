"""The decode stage: bytes in many encodings (declared, mis-declared, undeclared) to NFC text.

Inputs are made here from known text (tests/fixtures/decode: one news-style paragraph per language)
by encoding it with the codec under test; the decoded text must equal the original exactly.
"""

from __future__ import annotations

import hashlib
import random
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

import ftfy
import pytest
from ftfy.badness import BADNESS_RE, MOJIBAKE_CATEGORIES
from hypothesis import given, settings
from hypothesis import strategies as st

from tasks.clean.decode import _FIXER_CONFIG, MAX_REPAIR_CHARS, DecodedText, _ftfy_may_change, decode_bytes, decode_document, decode_documents
from tasks.records import DecodedDocument, FetchedDocument, Rejected

DATA = Path(__file__).resolve().parent / "fixtures" / "decode"
SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
TEXTS = {path.stem: path.read_text(encoding="utf-8").strip() for path in sorted(DATA.glob("*.txt"))}
# KOI8-R has no guillemets or em dash; Russian typed on such systems used ASCII stand-ins.
TEXTS["ru_koi8"] = TEXTS["ru"].replace("«", '"').replace("»", '"').replace("—", "-")


def page(text: str, head: str = "") -> str:
    """A small but realistic article page around `text`: markup, a script, navigation, a footer."""
    return (
        "<!DOCTYPE html>\n<html>\n<head>\n"
        f"{head}<title>News</title>\n<link rel=\"stylesheet\" href=\"/site.css\">\n"
        "<script>window.dataLayer = window.dataLayer || []; function gtag(){dataLayer.push(arguments);}</script>\n"
        "</head>\n<body>\n<nav><a href=\"/\">Home</a> | <a href=\"/world\">World</a></nav>\n"
        f"<article>\n<h1>Headline</h1>\n<p>{text}</p>\n</article>\n"
        "<footer>&copy; 2024 Example Media &amp; Partners</footer>\n</body>\n</html>\n"
    )


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def fetched(body: bytes, uri: str, declared_charset: str | None = None, format: str = "html") -> FetchedDocument:
    return FetchedDocument(
        source="test",
        uri=uri,
        doc_id=hashlib.sha256(uri.encode()).hexdigest()[:16],
        body=body,
        content_sha256=hashlib.sha256(body).hexdigest(),
        fetched_at=datetime(2024, 5, 1, tzinfo=timezone.utc),
        format=format,  # type: ignore[arg-type]
        declared_charset=declared_charset,
    )


# (text, codec to make the bytes with, name the decoder must record)
LEGACY = [
    ("de", "cp1252", "windows-1252"),
    ("fr", "cp1252", "windows-1252"),
    ("es", "cp1252", "windows-1252"),
    ("pt", "cp1252", "windows-1252"),
    ("it", "cp1252", "windows-1252"),
    ("sv", "cp1252", "windows-1252"),
    ("is", "cp1252", "windows-1252"),
    ("pl", "cp1250", "windows-1250"),
    ("cs", "cp1250", "windows-1250"),
    ("ro", "iso8859_16", "iso-8859-16"),
    ("tr", "cp1254", "windows-1254"),
    ("ru", "cp1251", "windows-1251"),
    ("ru_koi8", "koi8_r", "koi8-r"),
    ("uk", "cp1251", "windows-1251"),
    ("bg", "cp1251", "windows-1251"),
    ("el", "cp1253", "windows-1253"),
    ("he", "cp1255", "windows-1255"),
    ("ar", "cp1256", "windows-1256"),
    ("th", "cp874", "windows-874"),
    ("ja", "shift_jis", "shift_jis"),
    ("ja", "euc_jp", "euc-jp"),
    ("ja", "iso2022_jp", "iso-2022-jp"),
    ("zh_cn", "gbk", "gb18030"),
    ("zh_tw", "big5", "big5"),
    ("ko", "euc_kr", "euc-kr"),
]
LEGACY_IDS = [f"{lang}-{codec}" for lang, codec, _ in LEGACY]


@pytest.mark.parametrize("lang", sorted(TEXTS))
@pytest.mark.parametrize("format", ["text", "html"])
def test_utf8_in_every_language_is_decoded_as_is(lang: str, format: str) -> None:
    original = page(TEXTS[lang]) if format == "html" else TEXTS[lang]
    decoded = decode_bytes(original.encode("utf-8"), None, format)
    assert decoded == DecodedText(nfc(original), "utf-8", False)


@pytest.mark.parametrize(("lang", "codec", "name"), LEGACY, ids=LEGACY_IDS)
def test_declared_charset_from_http_header(lang: str, codec: str, name: str) -> None:
    original = page(TEXTS[lang])
    decoded = decode_bytes(original.encode(codec), declared_charset=codec.replace("_", "-"))
    assert decoded == DecodedText(nfc(original), name, False)


@pytest.mark.parametrize(("lang", "codec", "name"), LEGACY, ids=LEGACY_IDS)
def test_charset_declared_in_meta_tag(lang: str, codec: str, name: str) -> None:
    label = codec.replace("_", "-")
    heads = (f'<meta charset="{label}">\n', f'<meta http-equiv="Content-Type" content="text/html; charset={label}">\n')
    for head in heads:
        original = page(TEXTS[lang], head)
        assert decode_bytes(original.encode(codec)) == DecodedText(nfc(original), name, False)


@pytest.mark.parametrize(("lang", "codec", "name"), LEGACY, ids=LEGACY_IDS)
@pytest.mark.parametrize("format", ["text", "html"])
def test_undeclared_charset_is_detected(lang: str, codec: str, name: str, format: str) -> None:
    if codec == "iso8859_16":
        pytest.xfail("undeclared ISO-8859-16 is read as windows-1250, as browsers (which lack it) would")
    original = page(TEXTS[lang]) if format == "html" else TEXTS[lang]
    decoded = decode_bytes(original.encode(codec), None, format)
    assert decoded.text == nfc(original) and not decoded.repaired
    # KOI8-U is KOI8-R plus Ukrainian letters: for Russian text both names are right
    assert decoded.encoding == name or (name, decoded.encoding) == ("koi8-r", "koi8-u")


def test_undeclared_hungarian_windows_1250() -> None:
    original = TEXTS["hu"]
    assert decode_bytes(original.encode("cp1250"), None, "text").text == original


def test_xml_declaration_names_the_charset() -> None:
    declaration = '<?xml version="1.0" encoding="windows-1251"?>\n'
    original = f"{declaration}<rss><channel><item><title>{TEXTS['ru']}</title></item></channel></rss>"
    assert decode_bytes(original.encode("cp1251"), None, "text") == DecodedText(original, "windows-1251", False)


@pytest.mark.parametrize("wrong", ["iso-8859-1", "utf-8", "windows-1252", "us-ascii"])
def test_gbk_bytes_with_a_wrong_declaration(wrong: str) -> None:
    original = page(TEXTS["zh_cn"])
    assert decode_bytes(original.encode("gbk"), declared_charset=wrong) == DecodedText(original, "gb18030", False)


@pytest.mark.parametrize(
    ("lang", "codec", "name"),
    [
        ("ru", "cp1251", "windows-1251"),
        ("el", "cp1253", "windows-1253"),
        ("th", "cp874", "windows-874"),
        ("ja", "shift_jis", "shift_jis"),
        ("ko", "euc_kr", "euc-kr"),
    ],
)
def test_non_latin_bytes_declared_latin1_are_not_read_as_latin1(lang: str, codec: str, name: str) -> None:
    original = page(TEXTS[lang])
    assert decode_bytes(original.encode(codec), declared_charset="iso-8859-1") == DecodedText(original, name, False)


@pytest.mark.parametrize("lang", ["de", "ru", "zh_cn", "th", "is"])
@pytest.mark.parametrize("wrong", ["iso-8859-1", "windows-1252", "windows-1251", "gbk"])
def test_valid_utf8_beats_a_declared_legacy_charset(lang: str, wrong: str) -> None:
    original = page(TEXTS[lang])
    assert decode_bytes(original.encode("utf-8"), declared_charset=wrong) == DecodedText(original, "utf-8", False)
    in_meta = page(TEXTS[lang], f'<meta charset="{wrong}">')
    assert decode_bytes(in_meta.encode("utf-8")) == DecodedText(in_meta, "utf-8", False)


def test_wrong_http_charset_then_right_meta_charset() -> None:
    original = page(TEXTS["ru"], '<meta charset="windows-1251">')
    decoded = decode_bytes(original.encode("cp1251"), declared_charset="utf-8")
    assert decoded == DecodedText(original, "windows-1251", False)


@pytest.mark.parametrize("label", ["gb2312", "GBK", "x-gbk", "cp936"])
def test_gbk_declarations_decode_with_gb18030(label: str) -> None:
    # U+20000 and U+1F600 exist only in gb18030 (four-byte sequences), not in GBK or GB2312.
    original = "新媒体 𠀀 😀 " + TEXTS["zh_cn"]
    assert decode_bytes(original.encode("gb18030"), label, "text") == DecodedText(original, "gb18030", False)


def test_unknown_declared_label_falls_through_to_detection() -> None:
    original = page(TEXTS["fr"], '<meta charset="x-no-such-charset">')
    decoded = decode_bytes(original.encode("cp1252"), declared_charset="klingon-8")
    assert decoded == DecodedText(original, "windows-1252", False)


@pytest.mark.parametrize("lang", ["de", "fr", "ru", "zh_cn", "ja", "th", "el", "is", "ar", "ko", "hi", "pl", "tr"])
@pytest.mark.parametrize("misread_as", ["sloppy-windows-1252", "latin-1"])
def test_double_encoded_utf8_is_repaired(lang: str, misread_as: str) -> None:
    """UTF-8 read as windows-1252 (or Latin-1) and saved again as UTF-8: ftfy undoes it."""
    original = page(TEXTS[lang], '<meta charset="utf-8">')
    mojibake = original.encode("utf-8").decode(misread_as).encode("utf-8")
    assert decode_bytes(mojibake) == DecodedText(original, "utf-8", True)


def test_mojibake_of_undeclared_legacy_decode_is_repaired() -> None:
    original = "Der Fußgänger sagte: „Schön.“"
    mojibake = original.encode("utf-8").decode("cp1252").encode("utf-8")
    assert decode_bytes(mojibake, None, "text") == DecodedText(original, "utf-8", True)


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-8-sig"])
@pytest.mark.parametrize("lang", ["ru", "zh_cn", "th", "de"])
def test_byte_order_mark_decides(codec: str, lang: str) -> None:
    original = page(TEXTS[lang])
    body = original.encode(codec)
    if codec in ("utf-16-le", "utf-16-be"):
        body = "\ufeff".encode(codec) + body
    expected = {"utf-16": "utf-16-le", "utf-32": "utf-32-le", "utf-8-sig": "utf-8"}.get(codec, codec)
    # A BOM overrides any declaration.
    assert decode_bytes(body, declared_charset="windows-1251") == DecodedText(original, expected, False)


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize(("lang", "format"), [("zh_cn", "html"), ("ja", "html"), ("th", "text"), ("de", "text")])
def test_utf16_without_bom_is_text_not_binary(codec: str, lang: str, format: str) -> None:
    original = page(TEXTS[lang]) if format == "html" else TEXTS[lang]
    assert decode_bytes(original.encode(codec), None, format) == DecodedText(original, codec, False)


def test_utf8_cut_off_mid_character_keeps_the_rest() -> None:
    original = page(TEXTS["ru"])
    body = original.encode("utf-8")
    cut = body[: body.index("Правительство".encode()) + 3]  # one and a half Cyrillic letters
    decoded = decode_bytes(cut)
    assert decoded.encoding == "utf-8"
    assert decoded.text == original[: original.index("Правительство") + 1]


def test_stray_windows_1252_byte_in_utf8_is_read_as_windows_1252() -> None:
    original = page(TEXTS["de"])
    body = original.encode("utf-8").replace("„".encode(), b"\x84", 1)  # one quote pasted from windows-1252
    assert decode_bytes(body) == DecodedText(original, "utf-8", False)


@pytest.mark.parametrize(
    "text",
    [
        "AT&amp;T &lt;b&gt; &eacute;l&egrave;ve &#8217; &nbsp; &copy;",
        "“Curly” quotes, ‘single’ ones, „German“ and «French» guillemets — and an en dash –…",
        "ＦＵＬＬＷＩＤＴＨ　ｔｅｘｔ：ｶﾀｶﾅ and the ﬁ ﬂ ligatures",
        "Windows\r\nline breaks\r\nstay",
        "10³ km², ½ cup, 5 µg, № 7, © ® ™ § ¶ € £ ¥ ¢ ±",
        TEXTS["th"],
        TEXTS["zh_cn"],
        TEXTS["is"],
        TEXTS["de"],
        TEXTS["ru"],
        TEXTS["ja"],
        TEXTS["ar"],
    ],
)
def test_legitimate_text_is_left_alone(text: str) -> None:
    for format in ("html", "text"):
        assert decode_bytes(text.encode("utf-8"), None, format) == DecodedText(text, "utf-8", False)


def test_output_is_nfc_without_counting_as_a_repair() -> None:
    composed = TEXTS["vi"] + " " + TEXTS["de"]
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    assert decode_bytes(decomposed.encode("utf-8"), None, "text") == DecodedText(composed, "utf-8", False)


def test_c1_control_from_latin1_is_repaired() -> None:
    body = "It\u0092s a \u0093test\u0094 of C1 controls.".encode("utf-8")
    assert decode_bytes(body, None, "text") == DecodedText("It’s a “test” of C1 controls.", "utf-8", True)


# --- rejections -----------------------------------------------------------------------------


@pytest.mark.parametrize("body", [b"", b"   \r\n\t ", b"\xef\xbb\xbf", b"\xff\xfe", b"\xef\xbb\xbf \n "])
def test_empty_input_is_rejected(body: bytes) -> None:
    with pytest.raises(Rejected) as rejected:
        decode_bytes(body)
    assert rejected.value.error == "empty"


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", "PNG image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01", "JPEG image"),
        (b"GIF89a\x01\x00\x01\x00\x80\x00\x00", "GIF image"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>", "PDF document"),
        (b"PK\x03\x04\x14\x00\x06\x00\x08\x00", "zip archive"),
        (b"\x1f\x8b\x08\x00\x00\x00\x00\x00", "gzip data"),
        (b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00", "ISO media"),
    ],
)
def test_binary_formats_are_rejected_by_name(body: bytes, kind: str) -> None:
    with pytest.raises(Rejected) as rejected:
        decode_bytes(body + bytes(range(256)))
    assert rejected.value.error == "binary_content"
    assert kind in rejected.value.detail


@pytest.mark.parametrize("seed", range(5))
def test_bytes_with_nuls_that_are_not_utf16_are_binary(seed: int) -> None:
    noise = random.Random(seed).randbytes(4096)
    assert b"\x00" in noise
    text = TEXTS["de"].encode("utf-8")
    one_nul_in_a_hundred = b"".join(text[i:i + 99] + b"\x00" for i in range(0, len(text), 99))
    for body in (noise, one_nul_in_a_hundred):
        with pytest.raises(Rejected) as rejected:
            decode_bytes(body)
        assert rejected.value.error == "binary_content"
        assert "NUL" in rejected.value.detail


def test_a_few_stray_nuls_in_a_text_page_are_removed() -> None:
    """A real Spanish article had 22 NULs in 194 KB: damage to remove, not a sign of a binary."""
    paragraphs = "\n".join(f"<p>{TEXTS['es']}</p>" for _ in range(40))
    original = page(paragraphs, head='<meta charset="utf-8">\n')
    body = original.encode("utf-8")
    assert len(body) > 25_000  # 8 NULs: 0.026 % of the bytes
    cuts = sorted(random.Random(7).sample(range(len(body)), 8))
    damaged = b"".join(body[a:b] + b"\x00" for a, b in zip([0, *cuts], cuts)) + body[cuts[-1]:]
    assert damaged.count(0) == 8 and damaged.replace(b"\x00", b"") == body
    # the NULs fall between bytes of a UTF-8 sequence too: removing them restores the text
    assert decode_bytes(damaged, "utf-8") == DecodedText(original, "utf-8", False)
    assert decode_bytes(damaged) == DecodedText(original, "utf-8", False)


def test_utf16_without_bom_still_reads_as_utf16_not_as_stray_nuls() -> None:
    """The stray-NUL allowance does not take BOM-less UTF-16 (a NUL in every other byte) for
    damaged 8-bit text."""
    original = page(TEXTS["es"] * 20)
    for codec in ("utf-16-le", "utf-16-be"):
        assert decode_bytes(original.encode(codec)) == DecodedText(original, codec, False)


def _random_bytes(seed: int, low: int, size: int) -> bytes:
    rng = random.Random(seed)
    return bytes(rng.randrange(low, 256) for _ in range(size))


@pytest.mark.parametrize(
    "body",
    [b"\xff" * 4096, b"\xff" * 100, b"\xfe\xff" + b"\xfd\xfe\xff" * 1000, bytes(range(1, 32)) * 100]
    + [_random_bytes(seed, 1, 4096) for seed in range(5)]
    + [_random_bytes(seed, 128, 4096) for seed in range(5)]
    + [_random_bytes(seed, 32, 4096) for seed in range(5)]
    + [_random_bytes(seed, 128, 256) for seed in range(5)],
    ids=["ff4096", "ff100", "bom-then-garbage", "controls"]
    + [f"random-{s}" for s in range(5)]
    + [f"random-high-{s}" for s in range(5)]
    + [f"random-printable-{s}" for s in range(5)]
    + [f"random-high-short-{s}" for s in range(5)],
)
def test_garbage_is_undecodable(body: bytes) -> None:
    assert b"\x00" not in body
    with pytest.raises(Rejected) as rejected:
        decode_bytes(body)
    assert rejected.value.error == "undecodable"
    assert rejected.value.detail


@pytest.mark.parametrize(
    ("text", "codec"),
    [("café", "cp1252"), ("Grüße aus Köln", "cp1252"), ("naïve", "cp1252"), ("Привет, мир", "cp1251"), ("OK", "ascii")]
    + [("★ — ✓", "utf-8"), ("日本語のテキスト", "shift_jis")],
)
def test_short_real_text_is_not_rejected(text: str, codec: str) -> None:
    assert decode_bytes(text.encode(codec), None, "text").text == text


def test_seed_documents_decode_unchanged() -> None:
    if not SEEDS.is_dir():
        pytest.skip(f"seed documents not found at {SEEDS} (they live beside the project in shared/)")
    for path in sorted(SEEDS.glob("0*.txt")):
        body = path.read_bytes()
        assert decode_bytes(body, None, "text") == DecodedText(nfc(body.decode("utf-8")), "utf-8", False), path.name


# --- the ftfy shortcut ----------------------------------------------------------------------

# Every character ftfy's mojibake heuristic mentions, plus letters, spaces and control characters.
_MOJIBAKE_ALPHABET = "".join(
    sorted(set("".join(MOJIBAKE_CATEGORIES.values()) + BADNESS_RE.pattern + "abcXYZ .,\n\u0080\u009f\x0b\x1b"))
)


@settings(max_examples=4000, deadline=None)
@given(st.text(alphabet=_MOJIBAKE_ALPHABET, max_size=14))
def test_ftfy_shortcut_never_skips_a_change(text: str) -> None:
    if ftfy.fix_text(text, _FIXER_CONFIG) != text:
        assert _ftfy_may_change(text)


@pytest.mark.parametrize("lang", sorted(TEXTS))
def test_ftfy_shortcut_skips_clean_text(lang: str) -> None:
    assert not _ftfy_may_change(page(TEXTS[lang]))
    assert _ftfy_may_change(page(TEXTS[lang]).encode("utf-8").decode("sloppy-windows-1252"))


# --- documents and batches ------------------------------------------------------------------


def test_decode_document_uses_the_declared_charset_and_format() -> None:
    original = TEXTS["ru"]
    doc = fetched(original.encode("cp1251"), "/ru.txt", declared_charset="windows-1251", format="text")
    decoded = decode_document(doc)
    assert isinstance(decoded, DecodedDocument)
    assert (decoded.doc, decoded.text, decoded.encoding, decoded.repaired) == (doc, original, "windows-1251", False)


def _batch() -> list[FetchedDocument]:
    return [
        fetched(page(TEXTS["de"]).encode("utf-8"), "https://example.org/de"),
        fetched(b"", "https://example.org/empty"),
        fetched(page(TEXTS["zh_cn"]).encode("gbk"), "https://example.org/zh", declared_charset="iso-8859-1"),
        fetched(b"\x89PNG\r\n\x1a\n" + bytes(64), "https://example.org/image.html"),
        fetched(b"\xff" * 4096, "https://example.org/ff"),
        fetched(page(TEXTS["ja"]).encode("shift_jis"), "https://example.org/ja"),
        fetched(random.Random(9).randbytes(2048), "https://example.org/noise"),
        fetched(page(TEXTS["ru"]).encode().decode("sloppy-windows-1252").encode(), "https://example.org/mojibake"),
    ]


def _check_batch(docs: list[FetchedDocument], output) -> None:
    assert [d.doc.uri.rsplit("/", 1)[1] for d in output.items] == ["de", "zh", "ja", "mojibake"]
    assert [(d.encoding, d.repaired) for d in output.items] == [
        ("utf-8", False),
        ("gb18030", False),
        ("shift_jis", False),
        ("utf-8", True),
    ]
    assert output.items[3].text == page(TEXTS["ru"])
    assert output.stats.stage == "decode"
    assert (output.stats.docs_in, output.stats.docs_out) == (8, 4)
    assert output.stats.bytes_in == sum(len(d.body) for d in docs)
    assert dict(output.stats.quarantined) == {"empty": 1, "binary_content": 2, "undecodable": 1}
    rows = {q.uri.rsplit("/", 1)[1]: q for q in output.quarantined}
    assert {name: q.error for name, q in rows.items()} == {
        "empty": "empty",
        "image.html": "binary_content",
        "ff": "undecodable",
        "noise": "binary_content",
    }
    assert rows["image.html"].detail == "PNG image"
    by_uri = {d.uri: d for d in docs}
    for q in output.quarantined:
        assert (q.stage, q.source, q.content_sha256) == ("decode", "test", by_uri[q.uri].content_sha256)


def test_batch_keeps_going_past_bad_documents() -> None:
    docs = _batch()
    _check_batch(docs, decode_documents(docs))


def test_batch_in_a_process_pool() -> None:
    docs = _batch()
    with ProcessPoolExecutor(max_workers=2) as pool:
        _check_batch(docs, decode_documents(docs, executor=pool))


@pytest.mark.timeout(60)  # unbounded, ftfy took ~30 s on such a text
@pytest.mark.parametrize("line_end", ["", "\n"], ids=["one line", "short lines"])
def test_twenty_megabytes_of_mojibake_are_repaired_in_their_first_part_only(line_end: str) -> None:
    mojibake = f"CafÃ© naÃ¯ve dÃ©jÃ  vu. {line_end}"  # UTF-8 read as windows-1252
    body = (mojibake * (20_000_000 // len(mojibake.encode()))).encode("utf-8")
    decoded = decode_bytes(body, format="text")
    repaired = f"Café naïve déjà vu. {line_end}"
    assert decoded.repaired
    assert decoded.text.startswith(repaired * 100)
    assert decoded.text.endswith(mojibake * 100)  # beyond MAX_REPAIR_CHARS, kept as decoded
    assert decoded.text.count(repaired) * len(repaired) <= MAX_REPAIR_CHARS
