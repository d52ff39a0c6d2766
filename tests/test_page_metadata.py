"""Metadata a page declares: each field read from JSON-LD first, then meta tags, through the shared rules."""

from __future__ import annotations

import pytest
from lxml import html as lxml_html
from trafilatura.metadata import extract_catstags

from tasks.clean import page_metadata
from tasks.clean.page_metadata import declared_metadata, html_metadata, read_declarations
from tasks.clean.page_times import MAX_TIME_TEXTS
from tasks.clean.trafilatura_metadata import GUESSED_FIELDS, found_metadata
from tasks.records import PageMetadata

_GRAPH_PAGE = """<html lang="fr"><head>
<meta name="author" content="Rédaction">
<meta property="og:site_name" content="Le Quotidien">
<meta name="description" content="Un r&eacute;sum&eacute;.">
<script type="application/ld+json">
{"@context": "https://schema.org", "@graph": [
  {"@type": "WebSite", "name": "Le Quotidien"},
  {"@type": "NewsArticle", "headline": "Les march&eacute;s &amp;amp; la BCE",
   "author": {"@type": "Person", "name": "Par Marie Dupont et Luc Martin"},
   "datePublished": "2023-03-12T10:30:00+01:00",
   "url": "https://www.quotidien.example/eco/article?id=7&para=2",
   "image": {"@type": "ImageObject", "url": "https://img.quotidien.example/a.jpg?w=800&amp;h=600"},
   "keywords": "BCE, taux , BCE", "articleSection": ["Économie"]}
]}
</script></head><body><h1>Les marchés</h1></body></html>"""

_META_PAGE = """<html><head>
<meta name="author" content="By Oliver Grant and Amira Hassan">
<link rel="canonical" href="https://news.example/politics/results">
<meta property="og:image" content="https://news.example/lead.jpg">
</head><body><time datetime="2024-05-03" pubdate>3 May</time></body></html>"""


def _page(source: str) -> page_metadata.Declarations:
    return read_declarations(lxml_html.document_fromstring(source))


def test_json_ld_article_inside_a_graph_wins_over_meta_tags() -> None:
    page = _page(_GRAPH_PAGE)
    assert page_metadata.title(page) == "Les marchés & la BCE"
    assert page_metadata.authors(page) == ["Marie Dupont", "Luc Martin"]  # not the meta "Rédaction"
    assert page_metadata.date(page) == "2023-03-12T10:30:00+01:00"
    assert page_metadata.site(page) == "Le Quotidien"
    assert page_metadata.tags(page) == ["BCE", "taux"]
    assert page_metadata.categories(page) == ["Économie"]
    assert page_metadata.description(page) == "Un résumé."
    assert page_metadata.language(page) == "fr"


def test_addresses_keep_query_strings_and_lose_escapes() -> None:
    page = _page(_GRAPH_PAGE)
    assert page_metadata.url(page) == "https://www.quotidien.example/eco/article?id=7&para=2"
    assert page_metadata.image(page) == "https://img.quotidien.example/a.jpg?w=800&h=600"


def test_meta_tags_and_links_when_there_is_no_json_ld() -> None:
    meta = declared_metadata(lxml_html.document_fromstring(_META_PAGE))
    assert meta.authors == ["Oliver Grant", "Amira Hassan"]
    assert meta.url == "https://news.example/politics/results"
    assert meta.image == "https://news.example/lead.jpg"
    assert meta.date == "2024-05-03"
    assert meta.title is None and meta.language is None


def _metadata(source: str, url: str = "https://news.example/a/1") -> PageMetadata:
    return html_metadata(lxml_html.document_fromstring(source), url, True)


_BODY = "<p>" + "Der Haushaltsausschuss hat am Mittwoch lange beraten und schließlich zugestimmt. " * 8 + "</p>"


def test_the_articles_heading_beats_the_search_engine_title() -> None:
    page = f"""<html lang="de"><head><title>Steuerreform: Was jetzt auf Sie zukommt - WELT</title>
    <meta property="og:title" content="Steuerreform: Was jetzt auf Sie zukommt - WELT">
    <link rel="canonical" href="https://www.welt.de/politik/article1.html"></head>
    <body><header><a href="/"><img alt="WELT"></a></header>
    <article><h1>Merz kündigt eine große Steuerreform an</h1>{_BODY}</article></body></html>"""
    assert _metadata(page).title == "Merz kündigt eine große Steuerreform an"


def test_the_json_ld_headline_beats_the_search_engine_title() -> None:
    page = f"""<html lang="es"><head>
    <meta property="og:title" content="Presupuestos 2024: lo que cambia para ti | EL PAÍS">
    <script type="application/ld+json">{{"@type": "NewsArticle",
      "headline": "El Gobierno aprueba el proyecto de presupuestos"}}</script></head>
    <body><h1>El Gobierno aprueba el proyecto de presupuestos</h1>{_BODY}</body></html>"""
    assert _metadata(page, "https://elpais.com/espana/1.html").title == "El Gobierno aprueba el proyecto de presupuestos"


def test_a_cut_json_ld_headline_takes_the_whole_heading() -> None:
    whole = "Council approves the new tram line to the airport after a decade of planning and three public votes"
    page = f"""<html><head><script type="application/ld+json">{{"@type": "Article",
      "headline": "Council approves the new tram line to the airport after a decade of planning…"}}</script></head>
    <body><article><h1>{whole}</h1>{_BODY}</article></body></html>"""
    assert _metadata(page).title == whole


def test_a_blogs_name_in_its_banner_is_no_title() -> None:
    page = f"""<html lang="en"><head><title>Sourdough in a cold kitchen | Crumb &amp; Crust</title>
    <meta property="og:site_name" content="Crumb &amp; Crust"></head>
    <body><header><h1><a href="https://crumbandcrust.example/">Crumb &amp; Crust</a></h1></header>
    <div class="post"><h2>Sourdough in a cold kitchen</h2>{_BODY}</div></body></html>"""
    assert _metadata(page, "https://crumbandcrust.example/2023/sourdough").title == "Sourdough in a cold kitchen"


def test_a_heading_inside_the_meta_title_is_the_headline() -> None:
    page = f"""<html lang="cs"><head><title>Vláda schválila rozpočet na příští rok - Seznam Zprávy</title></head>
    <body><div class="top"><h1>Vláda schválila rozpočet na příští rok</h1></div>{_BODY}</body></html>"""
    assert _metadata(page, "https://www.seznamzpravy.cz/clanek/1").title == "Vláda schválila rozpočet na příští rok"


def test_a_meta_title_loses_the_site_name_when_no_heading_is_found() -> None:
    page = f"""<html lang="ja"><head><title>新型ロケット打ち上げ成功：中日新聞Web</title>
    <meta property="og:site_name" content="中日新聞Web">
    <link rel="canonical" href="https://www.chunichi.co.jp/article/1"></head>
    <body><div>{_BODY}</div></body></html>"""
    assert _metadata(page).title == "新型ロケット打ち上げ成功"


def test_a_kicker_above_the_headline_is_no_part_of_the_title() -> None:
    # the kicker known by its class, or by the search-engine title writing it as a label
    heading = '<h2><span class="{cls}">Ukraine-Krieg</span> <span>Selenskyj bittet um Luftabwehr</span></h2>'
    for cls, meta_title in (("kicker", "Selenskyj fordert Patriot-Systeme"), ("text-primary-base", "Ukraine-Krieg: Selenskyj fordert Patriot-Systeme")):
        page = f"""<html lang="de"><head><meta property="og:title" content="{meta_title}"></head>
        <body><article>{heading.format(cls=cls)}{_BODY}<h2>Mehr Hilfe</h2></article></body></html>"""
        assert _metadata(page, "https://www.spiegel.de/ausland/a-1").title == "Selenskyj bittet um Luftabwehr"


def test_a_heading_in_parts_without_a_label_keeps_them_all() -> None:
    page = f"""<html lang="en"><head><meta property="og:title" content="Rock and roll is back | Music Weekly"></head>
    <body><article><h1><span>Rock</span> <span>and roll is back</span></h1>{_BODY}</article></body></html>"""
    assert _metadata(page, "https://music.example/news/1").title == "Rock and roll is back"


def test_an_h1_beats_an_h2_with_a_kicker() -> None:
    page = f"""<html lang="en"><head><title>Storm closes schools | The Courier</title></head>
    <body><article><h1>Storm closes schools</h1>{_BODY}
    <h2><span class="kicker">Related</span><span>Flood warnings stay in place</span></h2></article></body></html>"""
    assert _metadata(page, "https://courier.example/news/1").title == "Storm closes schools"


def test_a_teaser_with_a_kicker_is_no_headline() -> None:
    # related articles are written as kicker and headline too: one after the article's text is a
    # teaser, so without an h1 the meta title stands, and with an h1 outside the article the h1 does
    teasers = """<main><div class="story-title">Storm closes schools</div>{body}
    <h2><span class="kicker">Weather</span><span>Flood warnings stay in place</span></h2></main>"""
    no_h1 = f"""<html lang="en"><head><meta property="og:title" content="Storm closes schools across the county | The Courier">
    <meta property="og:site_name" content="The Courier"></head>
    <body>{teasers.format(body=_BODY)}</body></html>"""
    assert _metadata(no_h1, "https://courier.example/news/1").title == "Storm closes schools across the county"
    h1_outside = f"""<html lang="en"><head><title>Storm closes schools | The Courier</title></head>
    <body><header><h1>Storm closes schools</h1></header>{teasers.format(body=_BODY)}</body></html>"""
    assert _metadata(h1_outside, "https://courier.example/news/1").title == "Storm closes schools"


def test_a_time_on_the_page_refines_a_declared_date() -> None:
    page = """<html><head>
    <script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2023-06-28"}</script>
    <meta property="article:published_time" content="2023-06-28T18:11:00+02:00"></head><body></body></html>"""
    assert page_metadata.date(_page(page)) == "2023-06-28T18:11:00+02:00"


def test_a_time_element_on_the_same_day_refines_the_date_but_not_one_on_another_day() -> None:
    page = """<html><body><article><header>
    <time itemprop="datePublished" datetime="2023-06-28">28. Juni</time>
    <time class="stamp" datetime="2023-06-28T07:45+09:00">07:45</time></header></article>
    <aside><time datetime="2023-06-24T09:00:00+02:00">24. Juni</time></aside></body></html>"""
    assert page_metadata.date(_page(page)) == "2023-06-28T07:45+09:00"
    related_only = page.replace('<time class="stamp" datetime="2023-06-28T07:45+09:00">07:45</time>', "")
    assert page_metadata.date(_page(related_only)) == "2023-06-28"


def test_a_time_without_offset_takes_the_offset_the_page_states_elsewhere() -> None:
    page = """<html><head><script type="application/ld+json">{"@type": "NewsArticle",
      "datePublished": "2023-06-13T18:11:00", "dateModified": "2023-06-13T19:02:00+02:00"}</script>
    </head><body></body></html>"""
    assert page_metadata.date(_page(page)) == "2023-06-13T18:11:00+02:00"


def test_people_named_beside_the_publisher_are_the_authors() -> None:
    page = """<html lang="de"><head><script type="application/ld+json">{"@type": "NewsArticle",
      "author": [{"@type": "Person", "name": "Monika Bolliger"},
                 {"@type": "Organization", "name": "Frankfurter Allgemeine Zeitung GmbH"}],
      "publisher": {"@type": "Organization", "name": "Frankfurter Allgemeine Zeitung"}}</script>
    </head><body></body></html>"""
    assert page_metadata.authors(_page(page)) == ["Monika Bolliger"]


def test_an_organization_is_the_author_when_no_person_is_named() -> None:
    page = """<html lang="fr"><head><meta property="og:site_name" content="Le Monde">
    <script type="application/ld+json">{"@type": "NewsArticle",
      "author": {"@type": "Organization", "name": "Le Monde"}}</script></head><body></body></html>"""
    assert page_metadata.authors(_page(page)) == ["Le Monde"]


def test_declared_names_beat_trafilaturas_mangled_ones() -> None:
    page = f"""<html lang="es"><head><meta name="author" content="María R. Sahuquillo">
    <script type="application/ld+json">{{"@type": "NewsArticle", "headline": "Bruselas propone",
      "author": {{"@type": "Person", "name": "Mar&iacute;a R. Sahuquillo"}}}}</script></head>
    <body><article><h1>Bruselas propone</h1><p class="author">MARÍA R. SAHUQUILLO</p>{_BODY}</article></body></html>"""
    assert _metadata(page, "https://elpais.com/internacional/1.html").authors == ["María R. Sahuquillo"]


def test_an_events_organizer_is_no_author() -> None:
    # the unescaped quotes break the JSON: trafilatura still reads the organizer out of it
    page = f"""<html lang="de"><head><title>Sommerfest im Park</title>
    <script type="application/ld+json">{{"@type": "Event", "name": "Sommerfest im Park",
      "organizer": {{"@type": "Person", "name": "Max Mustermann UND Erika Musterfrau"}},
      "description": "Das "Sommerfest" im Park", "startDate": "2023-07-01"}}</script></head>
    <body><h1>Sommerfest im Park</h1>{_BODY}</body></html>"""
    assert _metadata(page, "https://stadt.example/events/1").authors == []


def test_a_banner_heading_without_a_link_is_known_by_the_titles_affix() -> None:
    page = f"""<html lang="en"><head><title>Why my starter died in winter | Crumb and Crust</title></head>
    <body><div id="masthead"><h1>Crumb and Crust</h1></div><div class="post">{_BODY}</div></body></html>"""
    assert _metadata(page, "https://bakingnotes.example/2023/starter").title == "Why my starter died in winter"


def test_the_pages_only_heading_beats_a_reworded_search_engine_title() -> None:
    page = f"""<html lang="pt"><head>
    <meta property="og:title" content="Inflação: veja o que muda no seu bolso em 2024 | Jornal do Povo">
    <meta property="og:site_name" content="Jornal do Povo"></head>
    <body><div class="materia"><h1>Inflação desacelera e muda as contas das famílias em 2024</h1>{_BODY}</div></body></html>"""
    assert _metadata(page, "https://jornaldopovo.example/economia/1").title == (
        "Inflação desacelera e muda as contas das famílias em 2024"
    )


def test_a_section_name_as_the_only_heading_is_no_title() -> None:
    page = f"""<html lang="it"><head><title>Il governo approva la manovra - Gazzetta di Provincia</title>
    <link rel="canonical" href="https://www.gazzettadiprovincia.example/politica/1"></head>
    <body><h1>Politica</h1><div>{_BODY}</div></body></html>"""
    assert _metadata(page, "https://gazzettadiprovincia.example/politica/1").title == "Il governo approva la manovra"


def test_the_json_ld_article_at_the_pages_own_address_is_the_one_it_is_about() -> None:
    page = """<html lang="de"><head><link rel="canonical" href="https://www.tagblatt.example/region/flut-28">
    <script type="application/ld+json">{"@type": "NewsArticle", "url": "https://www.tagblatt.example/region/brand-24",
      "headline": "Großbrand in Lagerhalle", "datePublished": "2023-06-24T09:00:00+02:00"}</script>
    <script type="application/ld+json">{"@type": "NewsArticle",
      "mainEntityOfPage": {"@id": "https://tagblatt.example/region/flut-28/"},
      "headline": "Flut erreicht die Altstadt", "datePublished": "2023-06-28T18:11:00+02:00"}</script>
    </head><body></body></html>"""
    declared = _page(page)
    assert (page_metadata.title(declared), page_metadata.date(declared)) == (
        "Flut erreicht die Altstadt",
        "2023-06-28T18:11:00+02:00",
    )


def test_a_person_described_in_a_script_of_their_own_stays_an_author() -> None:
    page = f"""<html lang="en"><head><title>Tide tables explained - Coast Notes</title>
    <script type="application/ld+json">{{"@type": "Person", "name": "Hannah Pike", "jobTitle": "Editor"}}</script>
    </head><body><h1><a href="#top">Tide tables explained</a></h1>
    <p class="byline">By <span class="author">Hannah Pike</span></p>{_BODY}</body></html>"""
    metadata = _metadata(page, "https://coastnotes.example/tides")
    assert (metadata.title, metadata.authors) == ("Tide tables explained", ["Hannah Pike"])


_UNDECLARED_PAGE = f"""<html><head><title>Harbour reopens after storm</title></head><body>
<article><h1>Harbour reopens after storm</h1>
<p class="byline">By <a rel="author" href="/authors/jane-doe">Jane Doe</a></p>
<p>Published on 14 March 2023</p>{_BODY}
<div class="entry-meta"><a href="/category/maritime/">Maritime</a> <a href="/tag/storms/">Storms</a></div></article></body></html>"""


def test_trafilatura_guesses_only_the_fields_asked_for() -> None:
    tree = lxml_html.document_fromstring(_UNDECLARED_PAGE)
    guessed = found_metadata(tree, "https://port.example/news/1", GUESSED_FIELDS)
    assert (guessed.date, guessed.categories, guessed.tags) == ("2023-03-14", ["Maritime"], ["Storms"])
    assert guessed.title == "Harbour reopens after storm" and guessed.author == "Jane Doe"
    nothing = found_metadata(tree, "https://port.example/news/1", set())
    assert (nothing.title, nothing.author, nothing.date, nothing.categories or [], nothing.tags) == (None, None, None, [], [])


@pytest.mark.parametrize(
    "links",
    [
        '<div class="entry-meta"><a href="/category/maritime/">Maritime</a> <a href="/tag/storms/">Storms</a></div>',
        '<div class="entry-meta"><a href="/sections/maritime/">Maritime</a> <a href="/topics/storms/">Storms</a></div>',
        '<div class="tags"><a href="https://port.example/tags/storms/">Storms</a></div><a href="/categories/x/">X</a>',
        '<div class="entry-meta"><a href="/about/">About</a></div>',
    ],
)
@pytest.mark.parametrize("head", ["", '<meta property="article:section" content="Port">', '<meta name="dc.subject" content="Harbours">'])
def test_categories_and_tags_are_trafilaturas_when_looked_for_only_on_pages_that_may_have_them(links: str, head: str) -> None:
    tree = lxml_html.document_fromstring(f"<html><head>{head}</head><body><article><p>{_BODY}</p>{links}</article></body></html>")
    found = found_metadata(tree, "https://port.example/news/1", {"categories", "tags"})
    assert (found.categories or [], found.tags or []) == (extract_catstags("category", tree), extract_catstags("tag", tree))


def test_a_page_that_declares_nothing_gets_trafilaturas_guesses() -> None:
    found = _metadata(_UNDECLARED_PAGE, "https://port.example/news/1")
    assert (found.title, found.authors, found.date) == ("Harbour reopens after storm", ["Jane Doe"], "2023-03-14")
    assert (found.categories, found.tags, found.site) == (["Maritime"], ["Storms"], "port.example")


def test_a_declared_field_is_not_guessed_over() -> None:
    declared = _UNDECLARED_PAGE.replace(
        "<head>",
        """<head><script type="application/ld+json">{"@type": "NewsArticle", "headline": "Harbour reopens",
        "datePublished": "2023-03-15", "author": {"@type": "Person", "name": "Sam Roe"},
        "articleSection": "Port", "keywords": "harbour", "publisher": {"@type": "Organization", "name": "Port News"}}</script>""",
    )
    found = _metadata(declared, "https://port.example/news/1")
    assert (found.title, found.authors, found.date) == ("Harbour reopens", ["Sam Roe"], "2023-03-15")
    assert (found.categories, found.tags, found.site) == (["Port"], ["harbour"], "Port News")


def test_a_person_in_the_byline_markup_beats_a_declared_organization() -> None:
    declared = _UNDECLARED_PAGE.replace(
        "<head>",
        """<head><script type="application/ld+json">{"@type": "NewsArticle",
        "author": {"@type": "Organization", "name": "Port News"}}</script>""",
    )
    assert _metadata(declared, "https://port.example/news/1").authors == ["Jane Doe"]


def test_only_the_first_time_texts_are_read() -> None:
    # a page of comments holds hundreds of `<time>` texts; the article's own comes first
    comments = "".join(f"<li><time>13 juin 2023 à 18h{minute:02d}</time> Bravo</li>" for minute in range(40))
    page = _page(f'<html lang="fr"><body><time datetime="2023-06-13T08:00:00+02:00">ce matin</time><ol>{comments}</ol></body></html>')
    assert page.times == ("2023-06-13T08:00:00+02:00", *(f"2023-06-13T18:{minute:02d}" for minute in range(MAX_TIME_TEXTS)))
