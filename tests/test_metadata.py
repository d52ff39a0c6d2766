"""The normalize-metadata stage: field helpers on realistic values, and the stage on the seeds."""

from __future__ import annotations

import pickle
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import pytest
import trafilatura
import yaml

from tasks.clean.normalize import (
    absolute_http_url,
    clean_list,
    clean_text,
    normalize_article,
    normalize_articles,
    page_url,
    site_name,
    split_authors,
)
from tasks.identity import article_id, doc_id_for_path, doc_id_for_url, sha256_hex
from tasks.clean.page_metadata import read_declarations
from tasks.clean.titles import site_in_title, strip_site_from_title
from tasks.records import DecodedDocument, ExtractedDocument, FetchedDocument, PageMetadata
from tasks.stage import run_stage

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
FETCHED_AT = datetime(2024, 3, 1, 9, 30, tzinfo=timezone.utc)
PROXIED_IMAGE = "https://cors.zfour.workers.dev/?http://zkres2.myzaker.com/202108/610ce1ad8e9f0904fe64126a_1024.jpg"
REAL_IMAGE = "http://zkres2.myzaker.com/202108/610ce1ad8e9f0904fe64126a_1024.jpg"


def seed(name: str) -> Path:
    if not SEEDS.exists():
        pytest.skip(f"seed documents not found at {SEEDS}")
    return SEEDS / name


def extracted(
    body: bytes,
    text: str,
    metadata: PageMetadata,
    *,
    uri: str,
    url: str | None = None,
    fmt: str = "html",
) -> ExtractedDocument:
    """An extracted document as the earlier stages hand it over."""
    doc_id = doc_id_for_url(url) if url else doc_id_for_path(Path(uri))
    fetched = FetchedDocument(
        source="test",
        uri=uri,
        doc_id=doc_id,
        body=body,
        content_sha256=sha256_hex(body),
        fetched_at=FETCHED_AT,
        format=fmt,  # type: ignore[arg-type]
        url=url,
    )
    decoded = DecodedDocument(doc=fetched, text=body.decode("utf-8"), encoding="utf-8", repaired=False)
    return ExtractedDocument(decoded=decoded, text=text, metadata=metadata, extractor="test")


def front_matter_seed() -> ExtractedDocument:
    """Seed 004 (Hexo post): front matter parsed with YAML, the HTML body through trafilatura."""
    path = seed("004_e115c3f2d7924f0c.txt")
    raw = path.read_bytes()
    _, header, body = raw.decode("utf-8").split("---", 2)
    fields = yaml.safe_load(header)
    metadata = PageMetadata(
        title=fields["title"],
        authors=[fields["author"]],
        date=fields["date"],
        categories=fields["categories"],
        image=fields["headimg"],
    )
    text = trafilatura.extract(body) or ""
    return extracted(raw, text, metadata, uri=str(path), fmt="markdown")


def web_page() -> ExtractedDocument:
    body = b"<html>...</html>"
    metadata = PageMetadata(
        title="  Vaccine &amp; cooperation: what&#39;s next | Example News ",
        authors=["By Jane Doe, John Smith and Li Wei", "jane@example.com"],
        date="2021-08-06T08:07:04+08:00",
        url="/world/2021/08/06/vaccines.html?utm_source=twitter",
        site="Example News",
        categories=["World", " world ", "", "Health"],
        tags=["covid-19", "vaccines", "covid-19"],
        image="../img/lead.jpg",
        description="<p>Leaders meet\n  online.</p>",
    )
    return extracted(
        body,
        "\n  Leaders met online on Friday to discuss vaccine supplies.  \n",
        metadata,
        uri="https://www.example.com/world/2021/08/06/vaccines.html?utm_campaign=x",
        url="https://www.example.com/world/2021/08/06/vaccines.html?utm_campaign=x",
    )


# ---- field helpers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("By Jane Doe, John Smith and Li Wei", ["Jane Doe", "John Smith", "Li Wei"]),
        ("Jane Doe & John Smith", ["Jane Doe", "John Smith"]),
        ("Jane Doe; John Smith", ["Jane Doe", "John Smith"]),
        ("By JANE DOE", ["Jane Doe"]),  # a person's name in capitals, as a reader writes it
        ("ZAKER", ["ZAKER"]),
        ("Von Anna Schmidt und Peter Müller", ["Anna Schmidt", "Peter Müller"]),
        ("Par Jean Dupont et Marie Curie", ["Jean Dupont", "Marie Curie"]),
        ("Por María López y Juan Pérez", ["María López", "Juan Pérez"]),
        ("Av Anna Svensson och Erik Johansson", ["Anna Svensson", "Erik Johansson"]),
        ("Text: Anna Schmidt / Peter Müller", ["Anna Schmidt", "Peter Müller"]),
        ("作者：张三、李四", ["张三", "李四"]),
        ("John Smith, Staff Writer", ["John Smith"]),
        ("Jane Doe (Reuters)", ["Jane Doe"]),
        ("Jane Doe <jane.doe@example.com>", ["Jane Doe"]),
        ("John Smith, Jr.", ["John Smith Jr."]),
        ("Jane Doe &amp; John Smith", ["Jane Doe", "John Smith"]),
        ('<a href="/authors/jdoe" rel="author">Jane Doe</a>', ["Jane Doe"]),
        (["Jane Doe", "jane  doe", "John Smith", "Jane Doe"], ["Jane Doe", "John Smith"]),
        ("By Jane Doe and John Smith, Reuters", ["Jane Doe", "John Smith", "Reuters"]),
        # names that look like lists but are one name, and lone roles or addresses that are none
        ("José Ortega y Gasset", ["José Ortega y Gasset"]),
        ("Von Miller", ["Von Miller"]),
        ("AT&T Editorial Team", ["AT&T Editorial Team"]),
        ("Doe, Jane", ["Doe, Jane"]),
        ("Staff Reporter", []),
        ("newsroom@example.com", []),
        ("", []),
        (None, []),
    ],
)
def test_split_authors(value: object, expected: list[str]) -> None:
    assert split_authors(value) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("  推进疫苗国际合作进程 推动构建人类命运共同体 ", "推进疫苗国际合作进程 推动构建人类命运共同体"),
        ("Vaccines &amp;amp; <em>trade</em>\u00a0 talks", "Vaccines & trade talks"),
        ("&lt;b&gt;Escaped markup&lt;/b&gt;", "Escaped markup"),
        ("a < b and c > d", "a < b and c > d"),
        ("zero\u200bwidth\ufeff", "zerowidth"),
        ("می\u200cخواهم", "می\u200cخواهم"),  # ZWNJ is part of Persian spelling
        ("\n\t  ", None),
        (None, None),
    ],
)
def test_clean_text(value: object, expected: str | None) -> None:
    assert clean_text(value) == expected


def test_clean_list_keeps_order_and_drops_empties_and_duplicates() -> None:
    assert clean_list(["新媒体", "ZAKER", " source ", "", None, "zaker", "新媒体"]) == ["新媒体", "ZAKER", "source"]
    assert clean_list("Politics") == ["Politics"]
    assert clean_list(None) == []


@pytest.mark.parametrize(
    ("title", "site", "host", "expected"),
    [
        ("Big story | The Times", "The Times", None, "Big story"),
        ("BBC News - Big story", "BBC News", None, "Big story"),
        ("推进疫苗国际合作_新浪网", "新浪网", None, "推进疫苗国际合作"),
        ("Rock - Paper - Scissors", "Games", "games.example", "Rock - Paper - Scissors"),
        ("The Times", "The Times", None, "The Times"),
        ("Big story | The Times", None, None, "Big story | The Times"),
        # the site named by its host alone, written in capitals, with accents, or as the domain
        ("Merz will die Steuern senken - WELT", None, "www.welt.de", "Merz will die Steuern senken"),
        ("Vláda schválila rozpočet - Seznam Zprávy", None, "www.seznamzpravy.cz", "Vláda schválila rozpočet"),
        ("Wildfire forces evacuations | Globalnews.ca", "Global News", "globalnews.ca", "Wildfire forces evacuations"),
        ("Unfall auf der A7 - Hamburger Abendblatt", None, "www.abendblatt.de", "Unfall auf der A7"),
        # a fullwidth separator, and a site name the affix extends
        ("新型ロケット打ち上げ成功：中日新聞Web", "中日新聞", "www.chunichi.co.jp", "新型ロケット打ち上げ成功"),
        # a date after the site's short name
        ("Hochwasser in Cherson – DW – 13.06.2023", "Deutsche Welle", "www.dw.com", "Hochwasser in Cherson"),
        ("Elecciones en Argentina - 13 de junio de 2023", "Clarín", "www.clarin.com", "Elecciones en Argentina"),
        ("Streams in depth - Node.js", None, None, "Streams in depth - Node.js"),
        ("Wildfire forces evacuations | Globalnews.ca", None, None, "Wildfire forces evacuations"),
        ("Jobs report - June 2023", "Labor Weekly", "laborweekly.example", "Jobs report - June 2023"),
        # a chance run of the site's letters is no affix ("dw" in "Sandwich")
        ("The perfect club - Sandwich", "DW", "www.dw.com", "The perfect club - Sandwich"),
    ],
)
def test_strip_site_from_title(title: str, site: str | None, host: str | None, expected: str) -> None:
    assert strip_site_from_title(title, [site], host) == expected


@pytest.mark.parametrize(
    ("title", "sections", "expected"),
    [
        # sections between the site's name and the headline, on either side
        ("NDR.de - Nachrichten - Niedersachsen - Neue Stadtbahn", ["Nachrichten", "niedersachsen"], "Neue Stadtbahn"),
        ("Incendie à Gennevilliers - Île-de-France & Oise - Le Parisien", ["Ile-de-France & Oise"], "Incendie à Gennevilliers"),
        # a section with no site name beyond it is kept, as is a headline that names one
        ("Nachrichten - Niedersachsen - Neue Stadtbahn", ["Nachrichten", "Niedersachsen"], "Nachrichten - Niedersachsen - Neue Stadtbahn"),
        ("NDR.de - Niedersachsen", ["Niedersachsen"], "Niedersachsen"),
        # a headline with its own separators: its parts are no sections
        ("NDR.de - Nachrichten - Rock - Paper - Scissors", ["Nachrichten"], "Rock - Paper - Scissors"),
        # a long segment is the headline's, even when a breadcrumb repeats it
        ("NDR.de - Neue Stadtbahn soll ab 2026 durch die List fahren - Teil 2", ["Neue Stadtbahn soll ab 2026 durch die List fahren"],
         "Neue Stadtbahn soll ab 2026 durch die List fahren - Teil 2"),
    ],
)
def test_sections_beside_the_site_name_leave_the_title(title: str, sections: list[str], expected: str) -> None:
    assert strip_site_from_title(title, ["Le Parisien"], "www.ndr.de", sections) == expected


@pytest.mark.parametrize(
    ("title", "headline", "expected"),
    [
        ("国务院常务会议部署稳就业工作_新浪新闻", "国务院常务会议部署稳就业工作", "新浪新闻"),
        ("Kabinet wil sneller bouwen | NOS", "Kabinet wil sneller bouwen", "NOS"),
        ("Der Spiegel :: Ein Heft wird 75", "Ein Heft wird 75", "Der Spiegel"),
        # beyond the sections between it and the headline
        ("NDR.de - Nachrichten - Niedersachsen - Neue Stadtbahn fährt", "Neue Stadtbahn fährt", "NDR.de"),
        ("Neue Stadtbahn fährt | Hannover | Stadtanzeiger", "Neue Stadtbahn fährt", "Stadtanzeiger"),
        # a date, a second headline, a reworded title, a title without separator: no site name
        ("Hochwasser in Cherson – 13.06.2023", "Hochwasser in Cherson", None),
        ("Rock - Paper - Scissors", "Rock - Paper - Scissors", None),
        ("Steuern: Was sich ändert | WELT", "Was sich 2024 bei der Steuer ändert", None),
        ("Ein Heft wird 75", "Ein Heft wird 75", None),
    ],
)
def test_site_in_title_beside_the_headline(title: str, headline: str, expected: str | None) -> None:
    # for pages that declare no site name (many Chinese sites write it only after the headline)
    assert site_in_title(title, headline) == expected


@pytest.mark.parametrize(
    ("value", "base", "expected"),
    [
        (PROXIED_IMAGE, None, REAL_IMAGE),
        ("/img/a.jpg", "https://www.example.com/news/x.html", "https://www.example.com/img/a.jpg"),
        ("a.jpg?utm_source=x&w=800", "https://example.com/news/x.html", "https://example.com/news/a.jpg?w=800"),
        ("//cdn.example.com/a.jpg", "http://example.com/", "http://cdn.example.com/a.jpg"),
        ("//cdn.example.com/a.jpg", None, "https://cdn.example.com/a.jpg"),
        ("img/a.jpg", None, None),
        ("data:image/png;base64,iVBORw0KGgo=", "https://example.com/", None),
        ("file:///tmp/a.jpg", None, None),
        ("", "https://example.com/", None),
    ],
)
def test_absolute_http_url(value: str, base: str | None, expected: str | None) -> None:
    assert absolute_http_url(value, base) == expected


def test_page_url_prefers_the_declared_canonical_made_absolute() -> None:
    fetched = "https://www.example.com/a/b.html?utm_source=feed"
    assert page_url("/a/b.html", fetched, fetched) == "https://www.example.com/a/b.html"
    assert page_url("https://amp.example.com/a/b", fetched, fetched) == "https://amp.example.com/a/b"


def test_page_url_ignores_a_canonical_pointing_at_the_home_page() -> None:
    fetched = "https://example.com/2021/08/06/story"
    assert page_url("https://example.com/", fetched, fetched) == fetched


def test_page_url_falls_back_to_fetched_url_then_file_uri(tmp_path: Path) -> None:
    assert page_url(None, "HTTPS://Example.com:443/x/../y?b=2&a=1#top", "u") == "https://example.com/y?a=1&b=2"
    local = tmp_path / "story one.md"
    assert page_url(None, None, str(local)) == local.resolve().as_uri()
    assert page_url("relative/only.html", None, str(local)) == local.resolve().as_uri()
    assert page_url(None, None, str(local)).endswith("story%20one.md")


@pytest.mark.parametrize(
    ("declared", "url", "expected"),
    [
        ("  Xinhua ", "https://english.news.cn/x", "Xinhua"),
        (None, "https://www.example.co.uk/a", "example.co.uk"),
        (None, "http://news.example.com:8080/a", "news.example.com"),
        (None, "file:///tmp/a.txt", None),
        (None, None, None),
    ],
)
def test_site_name(declared: str | None, url: str | None, expected: str | None) -> None:
    assert site_name(declared, url) == expected


# ---- the stage -------------------------------------------------------------------------------


def test_front_matter_seed_004() -> None:
    doc = front_matter_seed()
    record = normalize_article(doc)
    assert record.title == "推进疫苗国际合作进程 推动构建人类命运共同体"
    assert record.authors == ["ZAKER"]
    assert record.categories == ["新媒体", "ZAKER", "source"]
    assert record.published_at == datetime(2021, 8, 6, 0, 7, 4, tzinfo=timezone.utc)
    assert record.published_at_precision == "second"
    assert record.image_url == REAL_IMAGE
    assert record.url == Path(doc.decoded.doc.uri).resolve().as_uri()
    assert record.url.endswith("004_e115c3f2d7924f0c.txt")
    assert record.site is None
    assert "<" not in record.text and record.text == record.text.strip()
    # Chinese runs ~1.6 characters a word: far fewer words than Han characters, far more than
    # whitespace-separated tokens
    han = len(re.findall(r"[\u4e00-\u9fff]", record.text))
    assert 0.45 * han < record.word_count < 0.8 * han
    assert record.word_count > 5 * len(record.text.split())


def test_plain_text_seed_003() -> None:
    path = seed("003_5ccf66efb4d35361.txt")
    raw = path.read_bytes()
    metadata = PageMetadata(
        title="China calls for international vaccine cooperation to defeat COVID-19 pandemic",
        date="January 21, 2021",
        site="Xinhua",
    )
    record = normalize_article(extracted(raw, raw.decode("utf-8"), metadata, uri=str(path), fmt="text"))
    assert record.published_at == datetime(2021, 1, 21, tzinfo=timezone.utc)
    assert record.published_at_precision == "day"  # a date alone, not a midnight
    assert record.site == "Xinhua"
    # English: whitespace-separated tokens, not counting the breadcrumb's ">" separators
    tokens = raw.decode("utf-8").split()
    assert record.word_count == len(tokens) - tokens.count(">") > 500
    assert record.url.endswith("003_5ccf66efb4d35361.txt")


def test_web_page_fields() -> None:
    doc = web_page()
    record = normalize_article(doc)
    fetched = doc.decoded.doc
    assert record.url == "https://www.example.com/world/2021/08/06/vaccines.html"
    assert record.site == "Example News"
    assert record.title == "Vaccine & cooperation: what's next"
    assert record.authors == ["Jane Doe", "John Smith", "Li Wei"]
    assert record.published_at == datetime(2021, 8, 6, 0, 7, 4, tzinfo=timezone.utc)
    assert record.categories == ["World", "Health"]
    assert record.tags == ["covid-19", "vaccines"]
    assert record.image_url == "https://www.example.com/world/2021/08/img/lead.jpg"
    assert record.description == "Leaders meet online."
    assert record.text == "Leaders met online on Friday to discuss vaccine supplies."
    assert record.word_count == 9
    assert record.article_id == article_id(fetched.doc_id, fetched.content_sha256)
    assert (record.doc_id, record.content_sha256, record.source, record.uri) == (
        fetched.doc_id,
        fetched.content_sha256,
        fetched.source,
        fetched.uri,
    )
    assert (record.fetched_at, record.format, record.encoding, record.encoding_repaired, record.extractor) == (
        FETCHED_AT,
        "html",
        "utf-8",
        False,
        "test",
    )


def test_missing_metadata_gives_nones_not_errors() -> None:
    doc = extracted(b"x", "Just text.", PageMetadata(), uri="https://www.example.org/p/1", url="https://www.example.org/p/1")
    record = normalize_article(doc)
    assert (record.title, record.published_at, record.image_url, record.description) == (None, None, None, None)
    assert record.published_at_precision is None
    assert (record.authors, record.categories, record.tags) == ([], [], [])
    assert record.site == "example.org"
    assert record.url == "https://www.example.org/p/1"


def test_implausible_and_unparseable_dates_become_none() -> None:
    future = replace(web_page().metadata, date="2031-01-01")
    junk = replace(web_page().metadata, date="sometime last spring")
    for metadata in (future, junk):
        doc = web_page()
        doc.metadata = metadata
        assert normalize_article(doc).published_at is None


def test_batch_quarantines_a_broken_document_and_counts() -> None:
    good, broken = web_page(), web_page()
    broken.metadata = None  # type: ignore[assignment]
    output = normalize_articles([good, broken])
    assert [record.url for record in output.items] == ["https://www.example.com/world/2021/08/06/vaccines.html"]
    assert len(output.quarantined) == 1
    row = output.quarantined[0]
    assert (row.stage, row.error, row.source, row.uri) == ("metadata", "unexpected_error", "test", broken.decoded.doc.uri)
    assert row.content_sha256 == broken.decoded.doc.content_sha256
    stats = output.stats
    assert (stats.stage, stats.docs_in, stats.docs_out, dict(stats.quarantined)) == ("metadata", 2, 1, {"unexpected_error": 1})
    assert stats.bytes_in == 2 * len(good.text.encode())


def test_stage_function_runs_in_a_process_pool() -> None:
    docs = [web_page(), web_page(), web_page()]
    assert pickle.loads(pickle.dumps(normalize_article)) is normalize_article
    with ProcessPoolExecutor(max_workers=2) as pool:
        output = run_stage("metadata", docs, normalize_article, describe=lambda d: ("", "", None), executor=pool)
    assert [record.title for record in output.items] == ["Vaccine & cooperation: what's next"] * 3
    assert output.items[0].word_count == 9


@pytest.mark.parametrize(
    ("trail", "expected"),
    [
        ('<nav aria-label="Breadcrumb"><a href="/">Home</a><a href="/politik/">Politik</a></nav>', ("Home", "Politik")),
        ('<ol class="site-breadcrumbs"><li><a href="/sport/">Sport</a></li></ol>', ("Sport",)),
        ('<div itemtype="https://schema.org/BreadcrumbList"><a href="/kultur/">Kultur</a></div>', ("Kultur",)),
        ('<ol class="BreadCrumbs"><li><a href="/sport/">Sport</a></li></ol>', ()),  # only the B is folded
        ('<nav class="menu"><a href="/sport/">Sport</a></nav>', ()),
    ],
)
def test_breadcrumb_links_are_read_where_a_trail_is_marked(trail: str, expected: tuple[str, ...]) -> None:
    tree = trafilatura.load_html(f"<html><body>{trail}<article><h1>Title</h1><p>Text.</p></article></body></html>")
    assert read_declarations(tree).breadcrumbs == expected
