"""The extract stage on real-shaped documents: HTML pages, fragments, front matter, markdown, plain text."""

from __future__ import annotations

import hashlib
import re
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html

from tasks.clean.extract import extract_document, extract_documents, html_to_text
from tasks.records import DecodedDocument, FetchedDocument, Format, Rejected

DATA = Path(__file__).resolve().parent / "fixtures" / "extract"
SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"

# what must never be left in extracted text: tags, entity escapes, markdown syntax
_MARKUP = re.compile(
    r"<[A-Za-z/][^>]*>|&(?:[a-z]+|#\d+);|\*\*|!\[|\]\(|^#{1,6} |^\|?\s*:?-{3,}", re.MULTILINE
)


def _decoded(text: str, fmt: Format, uri: str = "mem://doc", url: str | None = None) -> DecodedDocument:
    body = text.encode("utf-8")
    doc = FetchedDocument(
        source="test",
        uri=uri,
        doc_id=hashlib.sha256(uri.encode()).hexdigest()[:16],
        body=body,
        content_sha256=hashlib.sha256(body).hexdigest(),
        fetched_at=datetime(2024, 1, 1, tzinfo=timezone.utc),
        format=fmt,
        url=url,
    )
    return DecodedDocument(doc=doc, text=text, encoding="utf-8", repaired=False)


def _fixture(name: str, fmt: Format) -> DecodedDocument:
    return _decoded((DATA / name).read_text(encoding="utf-8"), fmt, uri=str(DATA / name))


def _seed(prefix: str) -> DecodedDocument:
    if not SEEDS.is_dir():
        pytest.skip(f"seed documents not found at {SEEDS}")
    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    return _decoded(path.read_text(encoding="utf-8"), "text", uri=str(path))


def test_seed_004_front_matter_with_html_body() -> None:
    out = extract_document(_seed("004"))
    assert out.extractor == "front-matter+trafilatura"
    assert out.metadata.title == "推进疫苗国际合作进程 推动构建人类命运共同体"
    assert out.metadata.authors == ["ZAKER"]
    assert out.metadata.categories == ["新媒体", "ZAKER", "source"]
    assert out.metadata.date == "Fri, 06 Aug 2021 00:07:04 GMT"
    assert out.metadata.image == "https://cors.zfour.workers.dev/?http://zkres2.myzaker.com/202108/610ce1ad8e9f0904fe64126a_1024.jpg"
    assert "习近平" in out.text
    assert not _MARKUP.search(out.text)
    # text that sits after the image boxes, outside any <p>, is body too
    assert "今年 5 月，习近平主席在全球健康峰会上宣布" in out.text
    assert "疫情无国界" in out.text
    assert "title:" not in out.text and "headimg" not in out.text


def test_seed_003_plain_text_copy() -> None:
    out = extract_document(_seed("003"))
    assert out.extractor == "plain-text"
    assert out.metadata.title == "China calls for international vaccine cooperation to defeat COVID-19 pandemic"
    assert (out.metadata.site, out.metadata.date) == ("Xinhua", "January 21, 2021")
    assert "Home" not in out.text
    assert out.text.count("China calls on the international community to work together") == 1


@pytest.mark.parametrize("prefix", ["000", "001", "002"])
def test_seed_plain_translations_unchanged(prefix: str) -> None:
    decoded = _seed(prefix)
    out = extract_document(decoded)
    assert out.extractor == "plain-text"
    assert out.text == decoded.text.strip()


def test_german_news_page_main_content_and_metadata() -> None:
    out = extract_document(_fixture("de_news_page.html", "html"))
    assert out.extractor == "trafilatura"
    text = out.text
    for kept in (
        "Die Deutsche Bahn will die Fahrzeit zwischen Hamburg und München deutlich verkürzen.",
        "als ihre Vorgänger & weniger Energie verbrauchen",
        "„Schnellere Verbindungen machen die Bahn gegenüber dem Flugzeug konkurrenzfähiger“",
        "Reservierungspflicht für alle Fahrgäste",
        "mit dem die Bahn bis 2030 die Fahrzeiten",
    ):
        assert kept in text
    for dropped in ("Cookies", "Alle akzeptieren", "Impressum", "Mehr zum Thema", "Lokführer kündigen", "Endlich!", "Alle Rechte vorbehalten", "Startseite"):
        assert dropped not in text
    assert not _MARKUP.search(text)
    meta = out.metadata
    assert meta.title == "Bahn kündigt neue Schnellverbindung zwischen Hamburg und München an"
    assert meta.authors == ["Katrin Albers", "Jonas Weber"]
    assert meta.date == "2023-03-14T09:30:00+01:00"  # as declared, not cut to a day
    assert meta.site == "Nordkurier Online"
    assert meta.url == "https://www.nordkurier-online.example/wirtschaft/bahn-schnellverbindung-hamburg-muenchen-1234.html"
    assert meta.categories == ["Wirtschaft"]
    assert meta.tags == ["Deutsche Bahn", "Verkehr"]
    assert meta.image == "https://www.nordkurier-online.example/bilder/ice-sprinter.jpg"
    assert meta.description == "Ab Dezember sollen Sprinterzüge die Strecke in unter fünf Stunden schaffen."
    assert meta.language == "de"


def test_table_survives_as_text() -> None:
    out = extract_document(_fixture("en_table_page.html", "html"))
    lines = out.text.splitlines()
    assert "Candidate | Party | Votes | Share" in lines
    assert "Amira Hassan | Labour | 1,104 | 38.2%" in lines
    assert "Mark Ellison | Liberal Democrat | 266 | 9.2%" in lines
    assert not _MARKUP.search(out.text)
    assert "newsletter" not in out.text and "Most read" not in out.text and "Registered in England" not in out.text
    assert out.metadata.authors == ["Oliver Grant"]
    assert out.metadata.date == "2024-05-03"
    assert out.metadata.language == "en-GB"


def test_short_page_is_not_lost() -> None:
    out = extract_document(_fixture("short_page.html", "html"))
    assert "La Autoridad Portuaria de Vigo cerró el puerto a las 7.00 horas" in out.text
    assert "Aviso legal" not in out.text and "Deportes" not in out.text
    assert out.metadata.date == "2022-11-08T07:45:00+01:00"


def test_jekyll_post_with_toml_front_matter_renders_markdown_to_clean_text() -> None:
    out = extract_document(_fixture("jekyll_toml_post.md", "markdown"))
    assert out.extractor == "front-matter+markdown"
    lines = out.text.splitlines()
    assert not _MARKUP.search(out.text)
    assert "Portals are not enough" in lines  # headings kept as lines
    assert "2. Keep old versions available for at least five years." in lines
    assert "Lisbon | 1,240 | 35%" in lines
    assert "with links to the slides and the recordings." in out.text
    assert "Open data without a feedback loop is a monologue." in lines
    meta = out.metadata
    assert meta.title == "Notes from the 2023 Open Data Summit in Lisbon"
    assert meta.date == "2023-05-02T08:15:00+00:00"
    assert meta.authors == ["Priya Raman", "Tomás Ferreira"]
    assert meta.image == "/assets/img/2023/lisbon-summit.jpg"
    assert meta.url == "https://blog.opendatalab.example/2023/05/02/lisbon-summit/"


def test_txt_with_bom_yaml_front_matter_and_markdown_body() -> None:
    out = extract_document(_fixture("es_front_matter_markdown.txt", "text"))
    assert out.extractor == "front-matter+markdown"
    assert not _MARKUP.search(out.text)
    assert "almacenan solo el 18 % de su capacidad, según los datos publicados este martes por la Confederación Hidrográfica." in out.text
    assert "- El arroz no se sembrará este año." in out.text.splitlines()
    assert "---" not in out.text and "featured_image" not in out.text
    meta = out.metadata
    assert meta.title == "Sequía: los embalses del Guadalquivir, al 18 % de su capacidad"
    assert meta.authors == ["Lucía Romero", "Andrés Gil"]
    assert meta.date == "2023-04-11 09:20:00 +0200"
    assert meta.tags == ["sequía", "agua", "embalses"]
    assert meta.language == "es-ES"


def test_txt_holding_a_whole_html_page_is_read_as_html() -> None:
    page = (DATA / "de_news_page.html").read_text(encoding="utf-8")
    out = extract_document(_decoded(page, "text"))
    assert out.extractor == "trafilatura"
    assert "Cookies" not in out.text and "Reservierungspflicht für alle Fahrgäste" in out.text


def test_short_html_fragment_in_txt_is_kept() -> None:
    out = extract_document(_decoded("<p>Die Fähre nach Juist fällt heute wegen Sturm aus.</p>", "text"))
    assert out.extractor == "trafilatura"
    assert out.text == "Die Fähre nach Juist fällt heute wegen Sturm aus."


def test_page_copied_as_markdown_into_txt_is_rendered_then_cleaned() -> None:
    text = (
        "[Startseite](/) › [Panorama](/panorama)\n"
        "# Hochwasser in Passau: Pegel steigt weiter\n"
        "Von Anna Schmidt | 03.06.2024, 07:15 Uhr\n"
        "Der Pegel der Donau stieg in der Nacht auf **neun Meter**, meldet der [Hochwassernachrichtendienst](https://hnd.example).\n"
        "Die Altstadt ist seit dem frühen Morgen für den Verkehr gesperrt, Anwohner wurden aufgefordert, Keller zu räumen.\n"
    )
    out = extract_document(_decoded(text, "text"))
    assert out.extractor == "markdown+plain-text"
    assert not _MARKUP.search(out.text)
    assert out.metadata.title == "Hochwasser in Passau: Pegel steigt weiter"
    assert out.metadata.authors == ["Anna Schmidt"]
    assert out.metadata.date == "03.06.2024, 07:15 Uhr"
    assert out.metadata.categories == ["Panorama"]
    assert out.text.splitlines() == [
        "Hochwasser in Passau: Pegel steigt weiter",
        "Der Pegel der Donau stieg in der Nacht auf neun Meter, meldet der Hochwassernachrichtendienst.",
        "Die Altstadt ist seit dem frühen Morgen für den Verkehr gesperrt, Anwohner wurden aufgefordert, Keller zu räumen.",
    ]


def test_article_trafilatura_misses_comes_from_block_text() -> None:
    page = (
        "<html><body><nav><a href='/'>Start</a> <a href='/news'>News</a></nav>"
        "<div id='comments-enabled-post'><h1>Ferry service suspended</h1>"
        "<p>The 9:15 ferry to Vlieland is cancelled today because of the storm warning.</p></div>"
        "<footer>Harbour News</footer></body></html>"
    )
    out = extract_document(_decoded(page, "html"))
    assert out.extractor == "html-text"
    assert out.text == "Ferry service suspended\nThe 9:15 ferry to Vlieland is cancelled today because of the storm warning."


def test_article_only_found_in_recall_mode() -> None:
    page = (
        "<html><body><aside class='notice'><p>The 9:15 ferry to Vlieland is cancelled today because of the storm warning.</p>"
        "</aside><footer>Harbour News</footer></body></html>"
    )
    out = extract_document(_decoded(page, "html"))
    assert out.extractor == "trafilatura-recall"
    assert out.text == "The 9:15 ferry to Vlieland is cancelled today because of the storm warning."


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        ("<html><head><title>Nothing</title></head><body><script>var x = 1;</script></body></html>", "html"),
        ("<html><body><nav><a href='/'>Home</a><a href='/news'>News</a></nav></body></html>", "html"),
        ("   \n\n  ", "text"),
        ("---\ntitle: Only front matter\n---\n", "text"),
    ],
)
def test_no_text_is_rejected(text: str, fmt: Format) -> None:
    with pytest.raises(Rejected) as caught:
        extract_document(_decoded(text, fmt))
    assert caught.value.error == "no_text"


def test_unparseable_html_is_rejected() -> None:
    with pytest.raises(Rejected) as caught:
        extract_document(_decoded("<!DOCTYPE html>", "html"))
    assert caught.value.error == "unparseable"


def test_html_to_text_blocks_lists_tables_and_skipped_parts() -> None:
    tree = lxml_html.document_fromstring(
        "<html><body><nav>Menu</nav><h2>Results</h2><p>First<br>second line &amp; more</p>"
        "<ol><li>one</li><li>two</li></ol><ul><li>dot</li></ul>"
        "<table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td></td><td>2</td></tr></table>"
        "<pre>  code\n  block</pre><p>tail <b>bold</b><script>x()</script>end</p>"
        "<div>before<aside>Related</aside>after</div></body></html>"
    )
    assert html_to_text(tree).splitlines() == [
        "Results", "First", "second line & more", "1. one", "2. two", "- dot", "A | B", "1 | 2",
        "  code", "  block", "tail bold end", "before", "after",
    ]


def _batch() -> list[DecodedDocument]:
    return [
        _fixture("de_news_page.html", "html"),
        _decoded("", "text", uri="mem://empty"),
        _fixture("fr_plain_copy.txt", "text"),
        _decoded("<!DOCTYPE html>", "html", uri="mem://broken"),
        _fixture("jekyll_toml_post.md", "markdown"),
    ]


def test_extract_documents_counts_and_quarantines() -> None:
    out = extract_documents(_batch())
    assert [d.extractor for d in out.items] == ["trafilatura", "plain-text", "front-matter+markdown"]
    assert sorted((q.uri, q.stage, q.error) for q in out.quarantined) == [
        ("mem://broken", "extract", "unparseable"),
        ("mem://empty", "extract", "no_text"),
    ]
    assert out.stats.docs_in == 5 and out.stats.docs_out == 3
    assert out.stats.quarantined == {"no_text": 1, "unparseable": 1}
    assert out.stats.bytes_in == sum(len(d.doc.body) for d in _batch())


def test_extract_documents_in_a_process_pool_matches_in_process() -> None:
    with ProcessPoolExecutor(max_workers=2) as pool:
        pooled = extract_documents(_batch(), executor=pool)
    local = extract_documents(_batch())
    assert [(d.text, d.metadata, d.extractor) for d in pooled.items] == [(d.text, d.metadata, d.extractor) for d in local.items]
    assert pooled.stats.quarantined == local.stats.quarantined


_PIECES = st.sampled_from(
    ["<p>", "</p>", "<div>", "<br>", "<html>", "<body>", "---\n", "+++\n", "title: x\n", "# ", "**", "[a](b)", "Home > News >",
     "By Jane Doe | ", "Updated: May 2, 2023", "&amp;", "&nbsp;", "\n", "\n\n", " ", "\ufeff", "<!DOCTYPE html>", "<table><tr><td>"]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(_PIECES, st.text(max_size=30)), max_size=25), st.sampled_from(["html", "text", "markdown"]))
def test_any_input_gives_text_or_a_known_rejection(pieces: list[str], fmt: Format) -> None:
    try:
        out = extract_document(_decoded("".join(pieces), fmt))
    except Rejected as rejected:
        assert rejected.error in {"no_text", "unparseable"}
    else:
        assert any(ch.isalnum() for ch in out.text)
        assert out.text == out.text.strip()
