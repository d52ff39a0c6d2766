"""Metadata a page declares: each field read from JSON-LD first, then meta tags, through the shared rules."""

from __future__ import annotations

from lxml import html as lxml_html

from tasks.clean import page_metadata
from tasks.clean.page_metadata import declared_metadata, read_declarations

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
