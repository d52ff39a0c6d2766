"""The language stage: seeds, mixed and short texts, sentences in many languages, pages that are
mostly not prose, scripts, tagger versions, broken items."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from config.language import LanguageSettings
from tasks.executors import worker_pool
from tasks.language.detect import (
    ALGORITHM_VERSION,
    DETECTOR_VERSION,
    LanguageInput,
    preload_detector,
    tag_language,
    tag_languages,
    tagger_name,
)
from tasks.language.prose import prose
from tasks.language.scripts import text_script
from tasks.language.second_opinion import detector, lingua_languages
from tasks.language.windows import sample_windows

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
DEFAULT = LanguageSettings()

ENGLISH = (
    "The regional government presented its budget for next year on Thursday, promising more "
    "money for hospitals and schools while cutting spending on roads. Opposition parties said the "
    "plan relied on optimistic forecasts for tax revenue and would leave little room for "
    "emergencies. The finance minister replied that the economy had grown faster than expected "
    "and that the new figures were cautious. A vote in parliament is expected before the end of "
    "the month, and several independent members have not yet said how they will vote."
)
SPANISH = (
    "El gobierno regional presentó el jueves sus presupuestos para el próximo año, con más dinero "
    "para hospitales y colegios y un recorte del gasto en carreteras. Los partidos de la oposición "
    "afirmaron que el plan se basa en previsiones demasiado optimistas sobre la recaudación y que "
    "deja poco margen para las emergencias. La consejera de Hacienda respondió que la economía ha "
    "crecido más de lo esperado y que las nuevas cifras son prudentes. La votación en el parlamento "
    "se celebrará antes de final de mes."
)


def _item(text: str | None, title: str | None = None, description: str | None = None, article_id: str = "a1") -> LanguageInput:
    return LanguageInput(article_id, f"sha-{article_id}", title, description, text)


class _TextOnly(HTMLParser):
    """Text content of an HTML fragment (the extract stage's job; enough for a test input)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _seed_inputs() -> list[tuple[LanguageInput, str, str]]:
    if not SEEDS.is_dir():
        pytest.skip(f"seed documents not found at {SEEDS} (they live in ../shared/seeds beside the project)")
    expected = {"000": ("th", "Thai"), "001": ("is", "Latn"), "002": ("mr", "Deva"), "003": ("en", "Latn"), "004": ("zh", "Hans")}
    cases = []
    for path in sorted(SEEDS.glob("00*.txt")):
        raw = path.read_text(encoding="utf-8")
        title = None
        if raw.lstrip().startswith("---"):
            _, front, body = raw.lstrip().split("---", 2)
            title = yaml.safe_load(front)["title"]
            parser = _TextOnly()
            parser.feed(body)
            raw = "\n".join(part.strip() for part in parser.parts if part.strip())
        cases.append((_item(raw, title=title, article_id=path.stem), *expected[path.name[:3]]))
    assert len(cases) == 5
    return cases


def test_seeds_are_tagged_with_their_language_and_script() -> None:
    cases = _seed_inputs()
    output = tag_languages([item for item, _, _ in cases], DEFAULT)
    assert not output.quarantined
    got = {tag.article_id: tag for tag in output.items}
    for item, language, script in cases:
        tag = got[item.article_id]
        assert (tag.language, tag.script) == (language, script), item.article_id
        assert tag.confidence >= 0.9
        assert tag.secondary_language is None and tag.secondary_share is None
        assert tag.content_sha256 == item.content_sha256
        assert tag.tagger == tagger_name(DEFAULT)


def test_half_english_half_spanish_reports_both() -> None:
    tag = tag_language(_item(ENGLISH + "\n\n" + SPANISH), DEFAULT)
    assert {tag.language, tag.secondary_language} == {"en", "es"}
    assert tag.secondary_share is not None and 0.3 <= tag.secondary_share <= 0.7
    assert tag.confidence >= 0.9
    assert tag.script == "Latn"


def test_single_language_text_has_no_secondary_language() -> None:
    for text, language in ((ENGLISH * 3, "en"), (SPANISH * 3, "es")):
        tag = tag_language(_item(text), DEFAULT)
        assert (tag.language, tag.secondary_language, tag.secondary_share) == (language, None, None)


def test_mixed_scripts_take_the_script_of_the_primary_language() -> None:
    chinese = "市议会周二批准扩建公交网络，新增十二条线路，把北部郊区与医院片区连接起来。" * 4
    tag = tag_language(_item(chinese + "\n\n" + ENGLISH), DEFAULT)
    assert {tag.language, tag.secondary_language} == {"zh", "en"}
    assert tag.script == {"zh": "Hans", "en": "Latn"}[tag.language]


def test_very_short_text_is_undetermined_not_guessed() -> None:
    for text in ("Hello", "The city", "Der Stadtrat hat", "yes"):
        tag = tag_language(_item(text), DEFAULT)
        assert tag.language == "und", text
        assert tag.confidence < DEFAULT.min_confidence
        assert tag.secondary_language is None
        assert tag.script == "Latn"


def test_short_body_borrows_title_and_description() -> None:
    item = _item(
        "Ja.",
        title="Die Bundesregierung beschließt neue Regeln für den sozialen Wohnungsbau",
        description="Mieter sollen künftig besser vor steigenden Kosten geschützt werden.",
    )
    tag = tag_language(item, DEFAULT)
    assert tag.language == "de"
    assert tag.confidence >= DEFAULT.min_confidence


def test_confidence_grows_with_length() -> None:
    words = ENGLISH.split()
    confidences = [tag_language(_item(" ".join(words[:n])), DEFAULT).confidence for n in (2, 4, 40)]
    assert confidences == sorted(confidences)
    assert confidences[0] < DEFAULT.min_confidence <= confidences[-1]


def test_text_without_letters() -> None:
    for text in (None, "", "   ", "12 345 — 67 %"):
        tag = tag_language(_item(text), DEFAULT)
        assert (tag.language, tag.confidence, tag.script) == ("und", 0.0, "Zyyy")


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("市议会周二批准扩建公交网络，新增十二条线路。", "Hans"),
        ("市議會週二批准擴建公車路網，新增十二條路線。", "Hant"),
        ("中文", "Hani"),  # characters the two systems share: no way to tell
        ("東京都は今日、新しい計画を発表した。", "Jpan"),
        ("カタカナだけ", "Jpan"),
        ("서울시는 오늘 새로운 계획을 발표했다", "Kore"),
        ("Городской совет одобрил расширение сети", "Cyrl"),
        ("وافق المجلس البلدي على توسيع شبكة الحافلات", "Arab"),
        ("नगर परिषद ने बस नेटवर्क को मंज़ूरी दी", "Deva"),
        ("สภาเทศบาลอนุมัติการขยายเครือข่ายรถประจำทาง", "Thai"),
        ("Το δημοτικό συμβούλιο ενέκρινε την επέκταση", "Grek"),
        ("מועצת העיר אישרה את הרחבת רשת האוטובוסים", "Hebr"),
        ("Þrátt fyrir mikla rigningu", "Latn"),
        ("Chinese 中文 loanwords in an English sentence about Beijing", "Latn"),
        ("12 345 — 67 %", "Zyyy"),
    ],
)
def test_script_detection(text: str, script: str) -> None:
    assert text_script(text) == script


@pytest.mark.parametrize(
    ("text", "language", "script"),
    [
        ("儘管下著大雨，仍有數千人聚集在中心廣場，慶祝球隊半個世紀以來的第一座冠軍。", "zh", "Hant"),
        ("激しい雨にもかかわらず、数千人が中央広場に集まり、チームにとって半世紀ぶりとなる優勝を祝った。", "ja", "Jpan"),
        ("거센 비에도 불구하고 수천 명의 시민이 중앙 광장에 모여 팀이 반세기 만에 차지한 첫 우승을 축하했다.", "ko", "Kore"),
        ("Несмотря на проливной дождь, тысячи людей собрались на главной площади города.", "ru", "Cyrl"),
    ],
)
def test_tags_carry_the_script(text: str, language: str, script: str) -> None:
    tag = tag_language(_item(text), DEFAULT)
    assert (tag.language, tag.script) == (language, script)


def test_tagger_name_changes_with_what_changes_the_tags() -> None:
    base = tagger_name(DEFAULT)
    assert base == f"{DETECTOR_VERSION}/high/all/{ALGORITHM_VERSION}"
    assert base.startswith("fasttext-") and "+lingua-" in base
    low = tagger_name(LanguageSettings(accuracy="low"))
    subset = tagger_name(LanguageSettings(languages=["en", "de", "fr"]))
    tuned = tagger_name(LanguageSettings(window_chars=500))
    assert len({base, low, subset, tuned}) == 4
    assert subset == f"{DETECTOR_VERSION}/high/de-en-fr/{ALGORITHM_VERSION}"
    # The same set however it is written is the same tagger.
    assert tagger_name(LanguageSettings(languages=["fra", "EN", "de", "en"])) == subset
    # Settings equal to the defaults name the default tagger.
    assert tagger_name(LanguageSettings(window_chars=DEFAULT.window_chars)) == base
    many = tagger_name(LanguageSettings(languages=["en", "de", "fr", "es", "it", "pt", "nl", "sv", "da", "fi"]))
    assert many.startswith(f"{DETECTOR_VERSION}/high/10langs-") and many.endswith(f"/{ALGORITHM_VERSION}")


def test_settings_reject_bad_languages_and_describe_every_field() -> None:
    with pytest.raises(ValidationError, match="unknown or unsupported language code 'xx'"):
        LanguageSettings(languages=["en", "xx"])
    with pytest.raises(ValidationError, match="at least two languages"):
        LanguageSettings(languages=["en"])
    with pytest.raises(ValidationError):
        LanguageSettings(accuracy="medium")
    properties = LanguageSettings.model_json_schema()["properties"]
    assert all(field.get("description") for field in properties.values())


def test_restricted_language_set_is_used() -> None:
    settings = LanguageSettings(languages=["en", "es"])
    tag = tag_language(_item(SPANISH), settings)
    assert tag.language == "es"
    assert tag.tagger.endswith(f"/high/en-es/{ALGORITHM_VERSION}")
    # French is not among the choices: the detector can only answer one of the two.
    french = "Le conseil municipal a voté mardi l'extension du réseau de bus vers la banlieue nord."
    assert tag_language(_item(french), settings).language in {"en", "es", "und"}


def test_lingua_detectors_are_built_once_per_language_set_and_mode() -> None:
    pair = lingua_languages(frozenset({"en", "es"}))
    assert detector(pair, high_accuracy=True) is detector(lingua_languages(frozenset({"es", "en", "xx"})), high_accuracy=True)
    assert detector(pair, high_accuracy=False) is not detector(pair, high_accuracy=True)


def test_long_texts_are_sampled_in_bounded_windows() -> None:
    text = (ENGLISH + "\n\n") * 2000  # ~1 MB
    windows = sample_windows(text, DEFAULT.window_chars, DEFAULT.window_count)
    assert len(windows) == DEFAULT.window_count
    assert all(0 < len(w) <= DEFAULT.window_chars for w in windows)
    # The windows come from the start, the middle and the end, cut between words.
    assert windows[0].startswith("The regional government")
    assert all(not w[0].isspace() and not w[-1].isspace() for w in windows)
    short = sample_windows(ENGLISH, DEFAULT.window_chars, DEFAULT.window_count)
    assert "".join(short).replace(" ", "") == ENGLISH.replace(" ", "")  # all of a short text is read
    assert tag_language(_item(text), DEFAULT).language == "en"


def test_broken_items_are_quarantined_and_the_batch_goes_on() -> None:
    batch = [
        _item(ENGLISH, article_id="good-1"),
        _item(123, article_id="not-text"),  # type: ignore[arg-type]
        _item("Unpaired surrogate \ud800 in the middle of " + ENGLISH, article_id="bad-unicode"),
        _item(SPANISH, article_id="good-2"),
    ]
    output = tag_languages(batch, DEFAULT)
    assert [(t.article_id, t.language) for t in output.items] == [("good-1", "en"), ("good-2", "es")]
    reasons = {(q.uri, q.error) for q in output.quarantined}
    assert reasons == {("not-text", "invalid_text"), ("bad-unicode", "invalid_unicode")}
    assert all(q.stage == "language" and q.content_sha256 == f"sha-{q.uri}" for q in output.quarantined)
    assert output.stats.docs_in == 4 and output.stats.docs_out == 2
    assert dict(output.stats.quarantined) == {"invalid_text": 1, "invalid_unicode": 1}


def test_process_pool_gives_the_same_tags() -> None:
    texts = [ENGLISH, SPANISH, ENGLISH + "\n\n" + SPANISH, "Hello", "市議會週二批准擴建公車路網，新增十二條路線。"] * 4
    batch = [_item(text, article_id=f"a{i}") for i, text in enumerate(texts)]
    in_process = tag_languages(batch, DEFAULT)
    with worker_pool(2, preload_detector, (DEFAULT,), start_now=True) as pool:
        pooled = tag_languages(batch, DEFAULT, executor=pool)
    assert pooled.items == in_process.items
    assert not pooled.quarantined


# Pages that are mostly not prose, each with the language its prose is in (None: it has none).
# The tag must be `und` or that language, never a confident other label.
BOOKING_CALENDAR = """Verfügbarkeit prüfen
Dezember 2026
Mo Di Mi Do Fr Sa So
1 2 3 4 5 6
7 8 9 10 11 12 13
14 15 16 17 18 19 20
21 22 23 24 25 26 27
28 29 30 31
Januar 2027
Mo Di Mi Do Fr Sa So
1 2 3
4 5 6 7 8 9 10
Erw. 2 Kinder 0 Zi. 1
€ 89 / Nacht"""
PHP_WARNINGS_AROUND_GERMAN = """Warning: Undefined variable $title in /var/www/html/wp-content/themes/news/single.php on line 42
Warning: Trying to access array offset on value of type null in /var/www/html/wp-content/themes/news/single.php on line 57
Notice: Undefined index: author in /var/www/html/includes/meta.php on line 118
Der Gemeinderat hat am Montag beschlossen, die Gebühren für die Müllabfuhr im kommenden Jahr nicht zu erhöhen.
Deprecated: Function create_function() is deprecated in /var/www/html/wp-includes/plugin.php on line 213
Warning: Cannot modify header information - headers already sent by (output started at /var/www/html/index.php:12) in /var/www/html/wp-includes/pluggable.php on line 1435"""
CODE_LISTING = """def parse(path):
    with open(path) as f:
        for line in f:
            key, value = line.split("=", 1)
            yield key.strip(), value.strip()

if __name__ == "__main__":
    print(dict(parse(sys.argv[1])))"""
PRICE_LIST = """Espresso 2,20 €
Cappuccino 3,10 €
Latte Macchiato 3,50 €
Croissant 1,80 €
Panino Prosciutto 5,90 €
Acqua minerale 0,5 l 2,00 €
Torta della nonna 4,50 €"""
PINYIN_LYRICS = """Yuè liàng dài biǎo wǒ de xīn
Nǐ wèn wǒ ài nǐ yǒu duō shēn
Wǒ ài nǐ yǒu jǐ fēn
Wǒ de qíng yě zhēn wǒ de ài yě zhēn
Yuè liàng dài biǎo wǒ de xīn"""
GERMAN_LETTER = """Sehr geehrte Frau Müller,

vielen Dank für Ihre Nachricht vom 3. März. Gern bestätigen wir Ihnen den Termin am Donnerstag um 10 Uhr in unserem Büro.

Mit freundlichen Grüßen
Thomas Becker"""


@pytest.mark.parametrize(
    ("text", "prose_language"),
    [
        (BOOKING_CALENDAR, "de"),
        (PHP_WARNINGS_AROUND_GERMAN, "de"),
        (CODE_LISTING, None),
        (PRICE_LIST, "it"),
        (PINYIN_LYRICS, None),  # Chinese in Latin letters: no detector here knows it
    ],
    ids=["booking-calendar", "php-warnings", "code", "price-list", "pinyin"],
)
def test_pages_that_are_mostly_not_prose_get_und_or_their_prose_language(text: str, prose_language: str | None) -> None:
    tag = tag_language(_item(text), DEFAULT)
    assert tag.language in {"und", prose_language}, (tag.language, tag.confidence)
    assert tag.secondary_language is None
    assert tag.script == "Latn"


def test_german_after_php_warnings_is_german() -> None:
    tag = tag_language(_item(PHP_WARNINGS_AROUND_GERMAN + "\n" + GERMAN_LETTER), DEFAULT)
    assert (tag.language, tag.secondary_language) == ("de", None)
    assert tag.confidence >= 0.9


def test_plain_german_letter_is_german() -> None:
    tag = tag_language(_item(GERMAN_LETTER), DEFAULT)
    assert (tag.language, tag.script) == ("de", "Latn")
    assert tag.confidence >= 0.9


def test_prose_filter_keeps_sentences_and_drops_tables_code_and_warnings() -> None:
    kept = prose(PHP_WARNINGS_AROUND_GERMAN + "\n" + BOOKING_CALENDAR + "\n" + CODE_LISTING)
    assert kept.splitlines() == [
        "Der Gemeinderat hat am Montag beschlossen, die Gebühren für die Müllabfuhr im kommenden Jahr nicht zu erhöhen.",
        "Verfügbarkeit prüfen",
        "Dezember 2026",
        "Januar 2027",
        "for line in f:",  # a line of code that reads like words passes; alone it is too short to tag
    ]
    # Sentences in scripts with short words or no spaces are prose too.
    for sentence in ("의사는 그에게 매일 삼십 분씩 걷고", "東京都は今日、新しい計画を発表した。", "Chị quản lý mới muốn mọi người lên văn phòng."):
        assert prose(sentence) == sentence


def test_single_sentences_in_many_languages() -> None:
    from bench.langid_corpus import SENTENCES
    from tasks.language.relatives import relatives

    samples = [(text, language) for (language, _), group in SENTENCES.items() for text in group]
    tags = tag_languages([_item(text, article_id=f"s{i}") for i, (text, _) in enumerate(samples)], DEFAULT).items
    right = sum(tag.language == language for tag, (_, language) in zip(tags, samples))
    assert right / len(samples) >= 0.97
    assert len({language for _, language in samples}) >= 30
    # A wrong tag is at worst undetermined or a close relative (Indonesian for Malay), never far off.
    for tag, (text, language) in zip(tags, samples):
        assert tag.language == "und" or tag.language in relatives(language), (language, tag.language, text)
