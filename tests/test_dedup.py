"""The dedup stage end to end on real text: signatures stored as Parquet in a real warehouse,
candidates joined in DuckDB, groups written and read back as the newest row per article."""

from __future__ import annotations

import re
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from config.dedup import DedupSettings
from tasks.dedup.cache import SIGNATURE_FILE, attached_cache, cache_path, sync
from tasks.dedup.grouping import find_duplicates
from tasks.dedup.signatures import compute_signatures
from warehouse.catalog import connect
from warehouse.schemas import DUPLICATES, SIGNATURES
from warehouse.tables import read_table
from warehouse.writer import append_new_rows, initialize

T0 = datetime(2024, 5, 2, 8, 0, tzinfo=timezone.utc)

# Two different reports of one event: same topic, same names and figures, one shared quote.
HEAT_A = """City officials declared a heat emergency on Tuesday as temperatures in Riverton climbed past 40 degrees Celsius for the third day in a row, the longest stretch of extreme heat the city has recorded since 1998.
Mayor Elena Ruiz said cooling centres at twelve public libraries and four community halls would stay open until midnight through the weekend. "Nobody in this city should have to choose between paying for electricity and staying safe," Ruiz told reporters outside City Hall.
The regional grid operator asked households to delay running dishwashers and washing machines until after nine in the evening, when demand usually falls. Peak demand reached 6,200 megawatts on Monday afternoon, just below the record set two summers ago.
Hospitals reported a sharp rise in heat-related admissions, most of them elderly residents living alone. The health department urged neighbours to check on older people at least twice a day and to call the emergency line if someone appears confused or stops sweating.
Bus drivers will hand out free bottles of water on the busiest routes, and the transit authority suspended fare checks on air-conditioned trams until Sunday. Outdoor construction work must stop between noon and four in the afternoon under an order signed by the mayor.
Forecasters expect a cooler air mass to reach the coast on Saturday night, bringing thunderstorms and a drop of about ten degrees. Until then, officials said, the safest place to spend the afternoon is indoors."""

HEAT_B = """Riverton's overstretched power network held up through a third day of record heat, but the grid operator warned on Wednesday that rolling blackouts remain possible if demand keeps rising into the weekend.
Engineers at the northern substation worked overnight to replace a transformer that failed on Monday, leaving about 8,000 homes in the Eastbank district without power for nearly five hours. The company said the unit was more than forty years old and had been scheduled for replacement next spring.
"Nobody in this city should have to choose between paying for electricity and staying safe," Mayor Elena Ruiz said, repeating a pledge to cover late-payment fees for residents who fall behind on their bills this month.
Consumer groups have criticised the utility for raising tariffs twice in the past year while postponing maintenance. A spokesperson for the operator rejected the criticism, saying investment in the network had doubled since 2019 and that the failures this week were caused by an extraordinary load.
Large industrial customers agreed to cut consumption during the hottest hours in exchange for rebates, a scheme first tried during a drought five years ago. Analysts said the agreement could free up several hundred megawatts at the moment the network needs it most.
The operator will publish hourly demand figures on its website and send text alerts when usage approaches the limit, asking residents to switch off non-essential appliances."""


def _edit_sentences(text: str, edits: list[tuple[str, str]]) -> str:
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def syndicated_copy(text: str, header: str, footer: str, edits: list[tuple[str, str]]) -> str:
    """Another site's copy: its own header and footer, and a few sentences corrected."""
    return f"{header}\n\n{_edit_sentences(text, edits)}\n\n{footer}"


HEAT_A_COPY = syndicated_copy(
    HEAT_A,
    "Coastal Daily Herald | Wire report | Updated 2 May 2024, 11:40",
    "Distributed by the Regional News Agency. Reproduction without permission is prohibited. Subscribe for daily updates.",
    [
        ("climbed past 40 degrees", "rose above 40 degrees"),
        ("most of them elderly residents living alone", "most of them older residents who live alone"),
        ("bringing thunderstorms and a drop", "with thunderstorms and a fall"),
    ],
)


# Number-heavy pages in two languages that are not translations of each other: every pair here
# shared its numbers in order (similarity 0.91-0.93) and was grouped before issue 18.
BAKERY_DE = """Preisliste Bäckerei Sonnenkorn

Brötchen 0,45 €
Laugenbrezel 0,95 €
Roggenbrot 750 g 3,80 €
Dinkelvollkornbrot 1 kg 5,20 €
Croissant 1,30 €
Apfelkuchen (Stück) 2,60 €
Kaffee 2,20 €

Alle Preise gültig ab 1. März 2025."""

BAKERY_ES = """Lista de precios – Panadería La Espiga

Barra de pan 0,95 €
Pan de centeno 750 g 3,80 €
Pan integral 1 kg 5,20 €
Cruasán 1,30 €
Napolitana de chocolate 1,60 €
Porción de tarta de manzana 2,60 €
Café con leche 2,20 €

Precios válidos desde el 1 de marzo de 2025."""

RESULTS_DE = """Handball-Bundesliga, 12. Spieltag: alle Ergebnisse

Donnerstag, 21. November
THW Kiel – SC Magdeburg 29:27
Freitag, 22. November
Füchse Berlin – TBV Lemgo 31:25
SG Flensburg-Handewitt – HSG Wetzlar 33:24
Sonntag, 24. November
Rhein-Neckar Löwen – MT Melsungen 28:28
TVB Stuttgart – HC Erlangen 26:30"""

RESULTS_FR = """Starligue, 12e journée : tous les résultats

Jeudi 21 novembre
Montpellier – Nantes 29:27
Vendredi 22 novembre
Paris SG – Chambéry 31:25
Toulouse – Dunkerque 33:25
Dimanche 24 novembre
Saint-Raphaël – Aix 28:28
Limoges – Créteil 26:30"""

CORPUS = Path(__file__).resolve().parents[1] / "bench" / "translation_corpus"
# Pairs from the bench corpus (bench/README.md) that were grouped as translations before issue
# 18: calendars, booking calendars, same-story reports from two agencies, privacy policies,
# tutorials, recipes and numbered tips, each in two languages; and two weather reports of one
# template for other cities (numbers aligned 0.86 with 4 figures: their names tell them apart).
CORPUS_NEGATIVES = [
    "cabin-lakeside.en.txt", "ferienwohnung-harz.de.txt",
    "calendar-march-2025-fetes.fr.txt", "calendar-april-2025-kalendarz.pl.txt",
    "ferry-fire.en.txt", "ferry-fire-agency2.it.txt",
    "privacy-littoral.fr.txt", "privacy-solana.es.txt",
    "python-files-tutorial.ja.txt", "python-loops-tutorial.ru.txt",
    "pancakes-recipe.en.txt", "crepes-recipe.fr.txt",
    "diet-tips-7.de.txt", "diet-tips-8.es.txt",
    "weather-spain.en.txt", "weather-france.fr.txt",
]  # fmt: skip
CORPUS_TRANSLATIONS = ["storm-irena.en.txt", "storm-irena.de.txt", "storm-irena.es.txt", "storm-irena.zh.txt", "rail-strike.es.txt", "rail-strike.ru.txt", "rail-strike.zh.txt"]


def corpus_article(name: str) -> dict:
    """A bench corpus file as an article: its id from the name, its language from the suffix."""
    return {"article_id": name.ljust(32, "_"), "text": (CORPUS / name).read_text(encoding="utf-8"), "language": name.rsplit(".", 2)[1]}


def article_table(rows: list[dict]) -> pa.Table:
    return pa.table(
        {
            "article_id": [r["article_id"] for r in rows],
            "content_sha256": [r["article_id"] * 2 for r in rows],
            "language": pa.array([r.get("language", "en") for r in rows], pa.string()),
            "published_at": pa.array([r.get("published_at", T0) for r in rows], pa.timestamp("us", tz="UTC")),
            "text": [r["text"] for r in rows],
        }
    )


class Warehouse:
    """What the dedup flow does, against a real Parquet warehouse: sign the article versions
    without a stored signature, store them, group, append the decisions."""

    def __init__(self, root: Path, settings: DedupSettings | None = None, cache: str = "synced") -> None:
        self.root = root
        self.settings = settings or DedupSettings()
        # "synced": as the flow (the cache catches up after each write); "dropped": deleted before
        # every run; "unsynced": never told of a write (as if killed between write and sync)
        self.cache = cache
        initialize(root)
        self.articles: list[dict] = []

    def run(self, new_articles: list[dict], run_id: str) -> pa.Table:
        """Add articles (may be empty) and run dedup; returns the rows this run appended."""
        self.articles.extend(new_articles)
        if self.cache == "dropped":
            shutil.rmtree(cache_path(self.root).parent, ignore_errors=True)
        con = duckdb.connect()
        try:
            con.register("incoming", article_table(self.articles))
            with attached_cache(con, self.root, self.settings) as cache:
                unsigned = con.sql(f"SELECT * FROM incoming ANTI JOIN {cache.schema}.sig USING (article_id)").to_arrow_table()
                append_new_rows(self.root, SIGNATURES, compute_signatures(unsigned, self.settings, run_id=run_id))
                sync(con, self.root, self.settings)
                # the compared set: the current article versions, with their current language
                rows = find_duplicates(con, cache, "SELECT article_id, language FROM incoming", self.settings, run_id)
                append_new_rows(self.root, DUPLICATES, rows)
                if self.cache == "synced":
                    sync(con, self.root, self.settings)
        finally:
            con.close()
        return rows

    def truth(self) -> dict[str, dict]:
        """The newest decision per article."""
        rows = read_table(self.root, DUPLICATES).to_pylist()
        latest: dict[str, dict] = {}
        for row in sorted(rows, key=lambda r: r["decided_at"]):
            latest[row["article_id"]] = row
        return latest

    def groups(self) -> dict[str, tuple[str, set[str]]]:
        """dup_group -> (kind, members)."""
        out: dict[str, tuple[str, set[str]]] = {}
        for article_id, row in self.truth().items():
            if row["dup_group"] is not None:
                kind, members = out.setdefault(row["dup_group"], (row["dup_kind"], set()))
                assert kind == row["dup_kind"]
                members.add(article_id)
        return out


@pytest.fixture
def store(tmp_path: Path) -> Warehouse:
    return Warehouse((tmp_path / "warehouse").resolve())


def test_syndicated_copy_with_new_header_footer_and_three_edits_is_one_near_group(store: Warehouse) -> None:
    rows = store.run(
        [
            {"article_id": "a" * 32, "text": HEAT_A},
            {"article_id": "b" * 32, "text": HEAT_A_COPY, "published_at": T0 + timedelta(hours=3)},
        ],
        "run-1",
    )
    assert store.groups() == {"a" * 32: ("near", {"a" * 32, "b" * 32})}
    by_id = {r["article_id"]: r for r in rows.to_pylist()}
    assert by_id["a" * 32]["is_canonical"] and not by_id["b" * 32]["is_canonical"]
    assert 0.8 <= by_id["b" * 32]["similarity"] < 1.0


def test_two_articles_on_the_same_topic_are_not_grouped(store: Warehouse) -> None:
    store.run([{"article_id": "a" * 32, "text": HEAT_A}, {"article_id": "c" * 32, "text": HEAT_B}], "run-1")
    assert store.groups() == {}
    truth = store.truth()
    assert set(truth) == {"a" * 32, "c" * 32}  # both decided, as singletons
    assert all(r["dup_group"] is None and r["is_canonical"] for r in truth.values())


def test_copies_that_differ_only_in_case_spacing_and_punctuation_are_exact(store: Warehouse) -> None:
    respaced = re.sub(r"\s+", "  ", HEAT_A.upper()).replace(",", " ,").replace('"', "'")
    store.run(
        [
            {"article_id": "b" * 32, "text": respaced, "published_at": T0 + timedelta(days=1)},
            {"article_id": "a" * 32, "text": HEAT_A},
            {"article_id": "c" * 32, "text": HEAT_B},
        ],
        "run-1",
    )
    groups = store.groups()
    assert groups == {"a" * 32: ("exact", {"a" * 32, "b" * 32})}
    assert store.truth()["b" * 32]["similarity"] == pytest.approx(1.0)


def test_canonical_is_earliest_then_longest_then_smallest_id(store: Warehouse) -> None:
    same_time_longer = HEAT_A + "\nThis story has been updated."
    store.run(
        [
            {"article_id": "c" * 32, "text": HEAT_A, "published_at": T0},
            {"article_id": "b" * 32, "text": HEAT_A.upper(), "published_at": T0},
            {"article_id": "d" * 32, "text": same_time_longer, "published_at": T0},
            {"article_id": "a" * 32, "text": HEAT_A, "published_at": None},
        ],
        "run-1",
    )
    (group,) = store.groups().items()
    assert group[0] == "d" * 32  # earliest (unknown dates last), then the longest text
    store2 = Warehouse(store.root.parent / "w2")
    store2.run(
        [
            {"article_id": "c" * 32, "text": HEAT_A, "published_at": T0},
            {"article_id": "b" * 32, "text": HEAT_A.upper(), "published_at": T0},
        ],
        "run-1",
    )
    assert list(store2.groups()) == ["b" * 32]  # same date and length: the smallest id


def test_incremental_run_adds_a_new_copy_to_the_stored_group(store: Warehouse) -> None:
    first = store.run(
        [
            {"article_id": "a" * 32, "text": HEAT_A, "published_at": T0},
            {"article_id": "b" * 32, "text": HEAT_A_COPY, "published_at": T0 + timedelta(hours=3)},
            {"article_id": "c" * 32, "text": HEAT_B},
        ],
        "run-1",
    )
    assert first.num_rows == 3
    assert store.run([], "run-2").num_rows == 0  # nothing new: nothing written

    late_copy = syndicated_copy(
        HEAT_A,
        "Valley Times | From the wires",
        "All rights reserved by the publisher.",
        [("the longest stretch", "the longest run"), ("stay open until midnight", "remain open until midnight"), ("Until then, officials said", "Until then, city officials said")],
    )
    second = store.run([{"article_id": "e" * 32, "text": late_copy, "published_at": T0 + timedelta(days=1)}], "run-3")
    written = {r["article_id"] for r in second.to_pylist()}
    # the new copy, and at most the member it links to (when that link is its strongest)
    assert "e" * 32 in written and written <= {"a" * 32, "e" * 32}
    assert store.groups() == {"a" * 32: ("near", {"a" * 32, "b" * 32, "e" * 32})}

    # an earlier copy arrives: it becomes canonical, and every member is rewritten to its group
    earlier = HEAT_A.replace("Mayor Elena Ruiz", "Mayor Ruiz")
    third = store.run([{"article_id": "f" * 32, "text": earlier, "published_at": T0 - timedelta(hours=1)}], "run-4")
    assert {r["article_id"] for r in third.to_pylist()} == {"a" * 32, "b" * 32, "e" * 32, "f" * 32}
    assert store.groups() == {"f" * 32: ("near", {"a" * 32, "b" * 32, "e" * 32, "f" * 32})}
    assert store.run([], "run-5").num_rows == 0


def test_a_superseded_version_leaves_its_group_and_the_rest_is_regrouped(store: Warehouse) -> None:
    store.run(
        [
            {"article_id": "a" * 32, "text": HEAT_A, "published_at": T0},
            {"article_id": "b" * 32, "text": HEAT_A_COPY, "published_at": T0 + timedelta(hours=1)},
            {"article_id": "c" * 32, "text": HEAT_A_COPY + " ", "published_at": T0 + timedelta(hours=2)},
        ],
        "run-1",
    )
    assert store.groups() == {"a" * 32: ("near", {"a" * 32, "b" * 32, "c" * 32})}
    store.articles = [a for a in store.articles if a["article_id"] != "a" * 32]  # a's newer version replaced it
    rows = store.run([], "run-2")
    assert {r["article_id"] for r in rows.to_pylist()} == {"a" * 32, "b" * 32, "c" * 32}
    assert store.groups() == {"b" * 32: ("exact", {"b" * 32, "c" * 32})}


def test_changed_settings_regroup_every_article(store: Warehouse) -> None:
    store.run([{"article_id": "a" * 32, "text": HEAT_A}, {"article_id": "b" * 32, "text": HEAT_A_COPY}], "run-1")
    assert len(store.groups()) == 1
    store.settings = DedupSettings(threshold=0.99)
    rows = store.run([], "run-2")
    assert rows.num_rows == 2
    assert store.groups() == {}


def _decisions(rows: pa.Table) -> list[tuple]:
    return sorted((r["article_id"], r["dup_group"], r["dup_kind"], round(r["similarity"] or 0, 4), r["is_canonical"]) for r in rows.to_pylist())


def test_the_cache_changes_no_decision_however_stale_or_missing(tmp_path: Path) -> None:
    """The same runs against a warehouse whose cache is kept current, one whose cache is
    deleted before every run (rebuilt from Parquet), and one whose cache never hears of the
    decisions written (a run killed between writing and syncing): the same rows every run."""
    copy_2 = syndicated_copy(HEAT_A, "Valley Times", "All rights reserved.", [("the longest stretch", "the longest run")])
    runs = [
        ([{"article_id": "a" * 32, "text": HEAT_A, "published_at": T0}, {"article_id": "c" * 32, "text": HEAT_B}], None),
        ([{"article_id": "b" * 32, "text": HEAT_A_COPY, "published_at": T0 + timedelta(hours=3)}], None),
        ([], None),
        ([{"article_id": "e" * 32, "text": copy_2, "published_at": T0 - timedelta(hours=1)}], None),
        ([], "a" * 32),  # a newer version of a replaced it: it leaves the compared set
        ([], "threshold"),  # settings changed: everything is regrouped
    ]
    stores = {mode: Warehouse((tmp_path / mode).resolve(), cache=mode) for mode in ("synced", "dropped", "unsynced")}
    for i, (articles, change) in enumerate(runs):
        results = {}
        for mode, store in stores.items():
            if change == "threshold":
                store.settings = DedupSettings(threshold=0.99)
            elif change:
                store.articles = [a for a in store.articles if a["article_id"] != change]
            results[mode] = _decisions(store.run([dict(a) for a in articles], f"run-{i}"))
        assert results["dropped"] == results["synced"] == results["unsynced"], f"run {i}"
    assert stores["synced"].groups() == stores["dropped"].groups() == stores["unsynced"].groups() == {}


def test_the_cache_keys_each_exact_hash_by_its_128_bit_value(tmp_path: Path) -> None:
    """`exact_key` is the number the 32 hex digits of `exact_hash` spell, highest and lowest
    halves included (exact copies are joined on it)."""
    root = tmp_path.resolve()
    initialize(root)
    settings = DedupSettings()
    hashes = ["f" * 32, "0" * 32, "8" + "0" * 30 + "1", "0" * 15 + "1" + "f" * 16, "0123456789abcdef" * 2]
    articles = article_table([{"article_id": f"{i:032x}", "text": f"{HEAT_A} {i}"} for i in range(len(hashes))])
    signed = compute_signatures(articles, settings, run_id="run-1")
    signed = signed.set_column(signed.schema.get_field_index("exact_hash"), "exact_hash", pa.array(hashes, pa.string()))
    append_new_rows(root, SIGNATURES, signed)
    con = duckdb.connect()
    try:
        with attached_cache(con, root, settings) as cache:
            keys = dict(con.execute(f"SELECT exact_hash, exact_key FROM {cache.schema}.sig").fetchall())
    finally:
        con.close()
    assert keys == {h: int(h, 16) for h in hashes}


def test_a_damaged_cache_is_rebuilt(store: Warehouse) -> None:
    store.run([{"article_id": "a" * 32, "text": HEAT_A}, {"article_id": "b" * 32, "text": HEAT_A_COPY}], "run-1")
    cache_path(store.root).write_bytes(b"not a database")
    assert store.run([], "run-2").num_rows == 0
    rows = store.run([{"article_id": "c" * 32, "text": HEAT_A + " More."}], "run-3")
    assert {r["article_id"] for r in rows.to_pylist()} >= {"c" * 32}
    assert list(store.groups().values()) == [("near", {"a" * 32, "b" * 32, "c" * 32})]


def test_a_signature_file_out_of_step_with_the_cache_is_cut_back_or_rebuilt(store: Warehouse) -> None:
    """Signature rows past the cache's table (written by a run killed before its commit) are cut
    off; a file shorter than the table makes the cache rebuilt. Decisions do not change."""
    row_bytes = 2 * store.settings.num_perm
    store.run([{"article_id": "a" * 32, "text": HEAT_A}, {"article_id": "b" * 32, "text": HEAT_A_COPY}], "run-1")
    signature_file = cache_path(store.root).with_name(SIGNATURE_FILE)
    assert signature_file.stat().st_size == 2 * row_bytes
    with signature_file.open("ab") as handle:
        handle.write(b"\x01" * (row_bytes + 7))
    rows = store.run([{"article_id": "c" * 32, "text": HEAT_A + " More."}], "run-2")
    assert "c" * 32 in {r["article_id"] for r in rows.to_pylist()}
    assert signature_file.stat().st_size == 3 * row_bytes
    signature_file.write_bytes(signature_file.read_bytes()[:row_bytes])
    assert store.run([], "run-3").num_rows == 0
    assert signature_file.stat().st_size == 3 * row_bytes
    assert list(store.groups().values()) == [("near", {"a" * 32, "b" * 32, "c" * 32})]


def _seed_text(path: Path) -> str:
    raw = path.read_text(encoding="utf-8")
    if raw.lstrip().startswith("---"):  # 004: front matter, then an HTML body
        import trafilatura

        body = raw.lstrip().split("---", 2)[2]
        return trafilatura.extract(body) or ""
    return raw


def test_seed_translations_form_one_translation_group_and_same_topic_seeds_stay_alone(store: Warehouse, seeds: Path) -> None:
    languages = {"000": "th", "001": "is", "002": "mr", "003": "en", "004": "zh"}
    articles = []
    for path in sorted(seeds.glob("00*.txt")):
        prefix = path.name[:3]
        articles.append({"article_id": prefix * 10 + "xx", "text": _seed_text(path), "language": languages[prefix], "published_at": T0 + timedelta(hours=int(prefix))})
    assert all(a["text"] for a in articles)
    store.run(articles, "run-1")
    groups = store.groups()
    assert list(groups.values()) == [("translation", {"000" * 10 + "xx", "001" * 10 + "xx", "002" * 10 + "xx"})]
    assert list(groups) == ["000" * 10 + "xx"]  # the earliest published
    truth = store.truth()
    assert truth["003" * 10 + "xx"]["dup_group"] is None and truth["004" * 10 + "xx"]["dup_group"] is None


def test_translations_need_different_languages_and_known_ones(store: Warehouse, seeds: Path) -> None:
    thai = _seed_text(next(seeds.glob("000_*.txt")))
    icelandic = _seed_text(next(seeds.glob("001_*.txt")))
    store.run(
        [
            {"article_id": "a" * 32, "text": thai, "language": None},
            {"article_id": "b" * 32, "text": icelandic, "language": "is"},
        ],
        "run-1",
    )
    assert store.groups() == {}


def test_number_heavy_pages_and_other_agencies_reports_are_not_translations(store: Warehouse) -> None:
    inline = [("BAKERY_DE", BAKERY_DE, "de"), ("BAKERY_ES", BAKERY_ES, "es"), ("RESULTS_DE", RESULTS_DE, "de"), ("RESULTS_FR", RESULTS_FR, "fr")]
    articles = [{"article_id": name.ljust(32, "_"), "text": text, "language": language} for name, text, language in inline]
    articles += [corpus_article(name) for name in CORPUS_NEGATIVES + CORPUS_TRANSLATIONS + ["rail-strike-agency2.fr.txt"]]
    store.run(articles, "run-1")
    groups = sorted(sorted(a.rstrip("_") for a in members) for kind, members in store.groups().values())
    assert groups == [
        ["rail-strike.es.txt", "rail-strike.ru.txt", "rail-strike.zh.txt"],
        ["storm-irena.de.txt", "storm-irena.en.txt", "storm-irena.es.txt", "storm-irena.zh.txt"],
    ]


STORM_OTHER_GERMAN = """Unwetter an der Nordküste: Mindestens 14 Menschen sterben durch Sturm Irena

Mit Windgeschwindigkeiten von bis zu 148 km/h hat Sturm Irena in der Nacht auf Montag die Nordküste heimgesucht. Mindestens 14 Menschen starben, etwa 230.000 Haushalte hatten keinen Strom mehr, wie der Zivilschutz am Montag berichtete.

Laut Zivilschutz sind 3.200 Feuerwehrkräfte und 450 Soldaten im Einsatz, um in den 27 besonders schwer getroffenen Kommunen die Straßen freizuräumen. Über der Hafenstadt Varna gingen in 12 Stunden 96 Millimeter Regen nieder, mehr als im Durchschnitt des gesamten Oktobers.

Regierungschef Daniel Kovac sagte 75 Millionen Euro Nothilfe zu; die Schulen in der Region bleiben nach seinen Worten bis Mittwoch, 16. Oktober, zu. Zwischen Varna und der Hauptstadt rollen die Züge seit Dienstag um 6 Uhr wieder, nachdem Arbeiter 38 umgekippte Bäume von der Strecke geräumt hatten.

Die Versicherungswirtschaft beziffert den Schaden auf 1,2 Milliarden Euro, womit Irena der kostspieligste Sturm im Land seit 2009 wäre."""


def test_a_translation_group_takes_copies_but_one_translation_per_language(store: Warehouse) -> None:
    english, german, spanish = (corpus_article(f"storm-irena.{language}.txt") for language in ("en", "de", "es"))
    copy = {
        "article_id": "storm-copy".ljust(32, "_"),
        "language": "en",
        "text": syndicated_copy(english["text"], "Northern Gazette | Wire | 14 Oct 2024", "Distributed by the Regional News Agency.", [("killing at least 14 people", "leaving at least 14 people dead")]),
    }
    store.run([english, copy, german], "run-1")
    # another site's own German translation (not a copy of the first): the group holds German already
    other_german = {"article_id": "storm-other-de".ljust(32, "_"), "language": "de", "text": STORM_OTHER_GERMAN}
    store.run([spanish, other_german], "run-2")
    groups = list(store.groups().values())
    assert [(kind, {a.rstrip("_") for a in members}) for kind, members in groups] == [
        ("translation", {"storm-irena.en.txt", "storm-copy", "storm-irena.de.txt", "storm-irena.es.txt"})
    ]


def test_signatures_stored_before_positions_and_names_existed_are_recomputed_and_still_readable(store: Warehouse) -> None:
    old = compute_signatures(article_table([{"article_id": "a" * 32, "text": HEAT_A}]), store.settings)
    old = old.drop_columns(["number_positions", "names"]).set_column(2, "signature_key", pa.array(["before-issue-18"], pa.string()))
    pq.write_table(old, store.root / SIGNATURES.name / "part-old.parquet")
    store.run([{"article_id": "a" * 32, "text": HEAT_A}, {"article_id": "b" * 32, "text": HEAT_A_COPY}], "run-1")
    assert list(store.groups().values()) == [("near", {"a" * 32, "b" * 32})]
    con = connect(store.root)
    try:
        rows = con.sql("SELECT signature_key = 'before-issue-18', number_positions IS NULL FROM signatures WHERE article_id = $a ORDER BY 1", params={"a": "a" * 32}).fetchall()
    finally:
        con.close()
    assert rows == [(False, False), (True, True)]
