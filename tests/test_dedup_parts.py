"""The pieces of dedup on their own: tokens and shingles in several scripts, exact hashes,
MinHash bands, number fingerprints, union-find."""

from __future__ import annotations

import numpy as np
import pytest

from tasks.dedup import minhash, names, shingles, translations
from tasks.dedup.union_find import components, join_disjoint


def _token_counts(texts: list[str]) -> list[int]:
    return np.diff(shingles.tokenize(texts).offsets).tolist()


def test_tokens_are_words_in_spaced_scripts_and_characters_in_unspaced_ones() -> None:
    batch = shingles.tokenize(
        [
            "Hello, world! It's 2024.",
            "推进疫苗国际合作",  # 8 Han characters: 8 tokens
            "ประชุมสุดยอด",  # Thai: one token per code point, vowel signs included
            "परराष्ट्र मंत्री",  # Devanagari: vowel signs and virama stay inside the word
            "",
        ]
    )
    counts = np.diff(batch.offsets).tolist()
    assert counts == [5, 8, len("ประชุมสุดยอด"), 2, 0]
    assert batch.char_tokens.tolist() == [0, 8, len("ประชุมสุดยอด"), 0, 0]


def test_the_stored_character_table_is_the_unicode_data_of_the_installed_regex() -> None:
    """Shingles, and so every stored signature, depend on this table. If a new `regex` changes
    it: write it again with `python -m tasks.dedup.shingles` and bump the shingles version in
    `DedupSettings.signature_key`, so stored signatures are recomputed."""
    stored = shingles.char_classes()
    assert len(stored) == 0x110000
    assert np.array_equal(stored, shingles.classify_code_points())
    assert [int(stored[ord(c)]) for c in "a 中ก१,"] == [
        shingles.WORD_CHAR, shingles.SEPARATOR, shingles.CHAR_TOKEN, shingles.CHAR_TOKEN, shingles.WORD_CHAR, shingles.SEPARATOR
    ]


def test_token_hashes_do_not_depend_on_position_or_neighbours() -> None:
    batch = shingles.tokenize(["alpha beta", "beta, alpha!", "xalpha alphax"])
    h = batch.hashes
    assert h[0] == h[3] and h[1] == h[2]  # alpha, beta in either document
    assert len(set(h.tolist())) == 4  # xalpha and alphax are other tokens


def test_exact_hash_ignores_case_spacing_and_punctuation_but_not_words() -> None:
    texts = [
        "The Mayor said: “Stay indoors.”",
        "the  mayor   said stay\nindoors",
        "THE MAYOR SAID — STAY INDOORS!!",
        "The Mayor said: stay in doors.",
        "The Mayor said: stay indoors today.",
        "Ｔｈｅ Ｍａｙｏｒ said stay indoors",  # full-width letters: NFKC folds them
    ]
    hashes = shingles.tokenize(texts).exact_hashes
    assert hashes[0] == hashes[1] == hashes[2] == hashes[5]
    assert len({hashes[0], hashes[3], hashes[4]}) == 3


def test_shingles_use_word_ngrams_char_ngrams_or_tokens_for_short_texts() -> None:
    batch = shingles.tokenize(["one two three four", "推进疫苗国际合作", "one"])
    values, offsets = shingles.shingle(batch, word_ngram=2, char_ngram=4)
    assert np.diff(offsets).tolist() == [3, 5, 1]  # 3 word bigrams, 5 character 4-grams, the one token
    again, _ = shingles.shingle(shingles.tokenize(["x one two three four"]), word_ngram=2, char_ngram=4)
    assert set(values[:3].tolist()) <= set(again.tolist())  # a shingle is the same wherever it stands


def test_band_hashes_agree_exactly_where_all_rows_of_the_band_agree() -> None:
    rng = np.random.default_rng(1)
    left = rng.integers(0, 2**32, size=(1, 256), dtype=np.uint32)
    right = left.copy()
    right[0, 8:16] += 1  # rows of band 1 only
    a = minhash.band_hashes(left, 32, 8)
    b = minhash.band_hashes(right, 32, 8)
    assert (a == b).tolist()[0] == [i != 1 for i in range(32)]
    assert len(set(a[0].tolist())) == 32  # a band's index is in its hash


def test_estimated_jaccard_follows_the_true_jaccard() -> None:
    rng = np.random.default_rng(2)
    base = rng.integers(0, 2**63, size=1000, dtype=np.uint64)
    other = np.concatenate([base[:800], rng.integers(0, 2**63, size=200, dtype=np.uint64)])  # J = 800/1200
    values = np.concatenate([base, other])
    matrix = minhash.signatures(values, np.array([0, 1000, 2000]), 256, 42)
    compact = minhash.compact(matrix)
    assert minhash.estimated_jaccard(compact[:1], compact[1:])[0] == pytest.approx(800 / 1200, abs=0.06)


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [("5,000", "5000"), ("26 000", "26000"), ("1,5", "1.5"), ("1.50", "1.5"), ("007", "7"), ("๒๕๖๔", "2564"), ("१००", "100")],
)
def test_numbers_have_one_form_in_every_language(raw: str, canonical: str) -> None:
    assert translations.canonical_number(raw) == canonical


THAI = "เมื่อวันที่ 21 พฤษภาคม องค์การการค้าโลกเตือนว่าการค้าสินค้าหดตัว 8% ประเทศที่มีรายได้น้อยฉีดวัคซีนได้เพียง 1.5 โดสต่อประชากร 100 คน"
ICELANDIC = "Þann 21. maí varaði stofnunin við því að vöruviðskipti hefðu dregist saman um 8 prósent. Lágtekjulöndin hafa aðeins gefið 1,5 skammta fyrir hverja 100 íbúa."


def test_number_fingerprint_keeps_prose_numbers_in_order_with_their_places() -> None:
    a, b = translations.fingerprint(THAI), translations.fingerprint(ICELANDIC)
    assert a.numbers == b.numbers == ["21", "8", "1.5", "100"]
    assert a.positions == sorted(a.positions) and 0 <= a.positions[0] and a.positions[-1] < 1
    assert THAI[round(a.positions[2] * len(THAI)) :].startswith("1.5")
    assert set(translations.number_keys(a.numbers)) == set(translations.number_keys(list(reversed(a.numbers))))


def test_numbers_outside_prose_are_not_in_the_fingerprint() -> None:
    page = """Availability
Mo Tu We Th Fr Sa Su
1 2 3 4 5 6
7 8 9 10 11 12 13
Espresso 2,40 €
Cappuccino 3,50 €
1. Drink 2 litres of water every day, as thirst is often mistaken for hunger.
Name days: 1 Aubin, 2 Charles, 3 Guénolé, 4 Casimir, 5 Olive, 6 Colette, 7 Félicité, 8 Jean.
4  print(len(numbers))  # 6
世界保健機関は1月24日、欧州で2023年に報告された患者数が941人となったと発表した。"""
    assert translations.fingerprint(page).numbers == ["2", "24", "2023", "941"]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "The council approved 1,500 new homes on 21 May, at a cost of 8.5 million euros.",
        "Le conseil a approuvé 1 500 logements le 21 mai : « un coût de 8,5 millions d’euros ».",
        "Übermorgen öffnen 12 Bäder – Straße für Straße, sagt Dr. Jürgen Weiß (SPD).",
        "Правительство одобрило 1 500 новых домов 21 мая.",  # no ASCII letter at all
        "世界保健機関は1月24日、欧州で2023年に報告された患者数が941人となったと発表した。",
        "สธ.รายงานผู้ป่วย 941 รายในปี 2566 เพิ่มขึ้นร้อยละ 8",  # Thai: vowel signs are marks, not letters
        "केंद्र ने 21 मई को 1,500 घरों को मंज़ूरी दी।",  # Devanagari: combining vowel signs and nukta
        "وافق المجلس على ١٥٠٠ منزل في ٢١ مايو؟",
        "x² + y² = r², ①②③, Ⅻ o'clock, ½ cup, 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝟙𝟚𝟛 \ud800 lone surrogate, e\u0301 combining, ǅ titlecase, ª º ˢ",
        "MIXED ascii and ëxtended Latin, ﬁ ligature, ß, İstanbul, \u00a0no-break\u2009thin\u202fnarrow",
    ],
)
def test_letter_count_is_the_count_of_str_isalpha(text: str) -> None:
    # the prose test's letters, counted on UTF-8 bytes for ASCII: the same number as asking each character
    for part in (text, text * 7, text[: len(text) // 2], "12, 13. " + text + " 14."):
        assert translations.letter_count(part) == sum(map(str.isalpha, part))


def test_numbers_line_up_only_at_about_the_same_place_and_figures_are_counted() -> None:
    a = translations.Fingerprint(["21", "8", "1.5", "100"], [0.1, 0.3, 0.6, 0.9])
    moved = translations.Fingerprint(["21", "8", "1.5", "100"], [0.1, 0.3, 0.9, 0.95])
    assert translations.match(a, a, 0.15) == translations.Match(1.0, 2)  # 1.5 and 100 are figures, 21 and 8 counts
    assert translations.match(a, moved, 0.15).similarity == pytest.approx(0.75)
    reordered = translations.Fingerprint(list(reversed(a.numbers)), a.positions)
    assert translations.match(a, reordered, 1.0).similarity == pytest.approx(0.25)


def test_join_disjoint_takes_links_in_order_and_never_joins_two_groups_holding_one_tag() -> None:
    nodes = np.array([1, 2, 3, 4, 5])
    labels = components(nodes, np.array([1]), np.array([2]))  # 1 and 2: copies, both English
    tags = {1: "en", 2: "en", 3: "de", 4: "de", 5: "fr"}
    joined, taken = join_disjoint(nodes, labels, np.array([1, 2, 4, 5]), np.array([3, 4, 5, 3]), tags)
    # 1-3 joins en+de; 2-4 would bring a second de; 4-5 joins de+fr; 5-3 then has de on both sides
    assert taken.tolist() == [True, False, True, False]
    assert dict(zip(nodes.tolist(), joined.tolist())) == {1: 1, 2: 1, 3: 1, 4: 4, 5: 4}
    untouched = np.array([9, 8])  # nodes no edge touches keep their labels
    joined, _ = join_disjoint(np.concatenate([nodes, untouched]), np.concatenate([labels, untouched]), np.array([1]), np.array([3]), tags)
    assert joined.tolist() == [1, 1, 1, 4, 5, 9, 8]


def test_names_are_latin_capitalized_words_not_opening_a_sentence_folded_and_hashed() -> None:
    text = 'Storm Irena hit Varna on Monday. The WHO said Grégory Doucet (Lyon) met "Officials" in Lyon.\nRain fell.'
    # not "Storm", "The", "Rain" (they open a sentence or a line) nor "Officials" (after a quote);
    # "(Lyon)" is skipped after its bracket, "in Lyon" counts; accents and case are folded
    assert names.names(text) == names.names("x Irena x Varna x Monday x WHO x Gregory x DOUCET x Lyon")
    assert len(names.names(text)) == 7
    assert names.names("Шторм Ирена обрушился. 风暴伊雷娜 WHO") == names.names("x WHO")


def test_names_disagree_only_when_both_have_enough_and_share_few() -> None:
    assert names.names_disagree([1, 2, 3], [4, 5, 6], 3, 0.2)
    assert not names.names_disagree([1, 2, 3], [3, 5, 6], 3, 0.2)  # one of three shared
    assert not names.names_disagree([1, 2], [4, 5, 6], 3, 0.2)  # a text in another script: no evidence


def test_components_label_each_node_with_the_smallest_id_in_its_component() -> None:
    nodes = np.array([10, 3, 7, 5, 99, 42])
    labels = components(nodes, np.array([10, 7, 42]), np.array([7, 5, 42]))
    assert dict(zip(nodes.tolist(), labels.tolist())) == {10: 5, 3: 3, 7: 5, 5: 5, 99: 99, 42: 42}


def test_components_of_a_long_chain_in_reverse_order() -> None:
    ids = np.arange(10_000, 0, -1)
    labels = components(ids, ids[:-1], ids[1:])
    assert set(labels.tolist()) == {1}
