"""Metadata of an HTML page: what it declares (JSON-LD, meta tags), then trafilatura's findings.

The page's declarations are read once into a `Declarations` (its JSON-LD article object, its
meta tags, `<html lang>`, canonical link and publication `<time>`); each field is then one small
function over it, JSON-LD first and meta tags after, so each reads like its specification and
can be tested alone. Values are cleaned by `tasks.clean.values` and authors split by
`tasks.clean.bylines`, as for every other source of metadata.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, fields, replace
from typing import Any

import trafilatura
from lxml.html import HtmlElement

from tasks.clean.bylines import split_authors
from tasks.clean.values import clean_list, clean_text
from tasks.records import PageMetadata

_JSON_LD_ARTICLE = re.compile(r"(?:Article|BlogPosting|Report)$")
_META_AUTHOR_KEYS = ("author", "dc.creator", "dcterms.creator", "parsely-author", "sailthru.author", "article:author")
_META_DATE_KEYS = (
    "article:published_time", "og:article:published_time", "datepublished", "pubdate", "publishdate",
    "publish-date", "publication_date", "date", "dc.date", "dc.date.issued", "dcterms.created",
    "dcterms.issued", "sailthru.date", "parsely-pub-date", "article.published",
)
_META_LANGUAGE_KEYS = ("content-language", "og:locale", "dc.language", "language")
_META_IMAGE_KEYS = ("og:image", "og:image:url", "twitter:image", "twitter:image:src")


@dataclass(frozen=True)
class Declarations:
    """What a page declares about itself, read once from its tree."""

    ld: dict[str, Any]  # the first article object of its JSON-LD, or {}
    meta: dict[str, str]  # meta tag contents (cleaned) by lowercase name; the first of a name wins
    lang: str | None  # <html lang>
    canonical: str | None  # <link rel="canonical"> href
    time_published: str | None  # datetime of <time itemprop="datePublished"> or <time pubdate>


def read_declarations(tree: HtmlElement) -> Declarations:
    """The declarations of a parsed page (or fragment)."""
    meta: dict[str, str] = {}
    for element in tree.iter("meta"):
        name = element.get("property") or element.get("name") or element.get("itemprop") or element.get("http-equiv")
        content = clean_text(element.get("content"))
        if name and content:
            meta.setdefault(name.strip().lower(), content)
    return Declarations(
        ld=_json_ld_article(tree),
        meta=meta,
        lang=tree.getroottree().getroot().get("lang"),
        canonical=next((a.get("href") for a in tree.iter("link") if "canonical" in (a.get("rel") or "").lower()), None),
        time_published=next(
            (t.get("datetime") for t in tree.iter("time") if t.get("itemprop") == "datePublished" or "pubdate" in t.attrib),
            None,
        ),
    )


def title(page: Declarations) -> str | None:
    """The JSON-LD headline (meta titles are left to trafilatura, which strips site names)."""
    return _ld_text(page.ld.get("headline") or page.ld.get("name"))


def authors(page: Declarations) -> list[str]:
    """The JSON-LD authors, else the names of the first author meta tag that holds any."""
    names = split_authors(_ld_names(page.ld.get("author")))
    return names or next((found for key in _META_AUTHOR_KEYS if (found := split_authors(page.meta.get(key)))), [])


def date(page: Declarations) -> str | None:
    """The publication date as written: JSON-LD, then meta tags, then a publication `<time>`."""
    return (
        _ld_text(page.ld.get("datePublished") or page.ld.get("dateCreated"))
        or _first_meta(page, _META_DATE_KEYS)
        or clean_text(page.time_published)
    )


def url(page: Declarations) -> str | None:
    """The page's own address: JSON-LD, then the canonical link, then `og:url`."""
    return _ld_url(page.ld.get("url") or page.ld.get("mainEntityOfPage")) or clean_text(page.canonical) or page.meta.get("og:url")


def site(page: Declarations) -> str | None:
    """The publisher's name: JSON-LD, then `og:site_name`."""
    return next(iter(_ld_names(page.ld.get("publisher"))), None) or page.meta.get("og:site_name")


def categories(page: Declarations) -> list[str]:
    """The JSON-LD `articleSection`s."""
    return _ld_list(page.ld.get("articleSection"))


def tags(page: Declarations) -> list[str]:
    """The JSON-LD `keywords` (a list, or one comma-separated string)."""
    return _ld_list(page.ld.get("keywords"))


def image(page: Declarations) -> str | None:
    """The lead image: JSON-LD, then Open Graph and Twitter card tags."""
    return _ld_url(page.ld.get("image")) or _first_meta(page, _META_IMAGE_KEYS)


def description(page: Declarations) -> str | None:
    """The summary: JSON-LD, then the description meta tags."""
    return _ld_text(page.ld.get("description")) or page.meta.get("description") or page.meta.get("og:description")


def language(page: Declarations) -> str | None:
    """The page's language: `<html lang>`, then meta tags, then JSON-LD `inLanguage`."""
    return clean_text(page.lang) or _first_meta(page, _META_LANGUAGE_KEYS) or _ld_text(page.ld.get("inLanguage"))


def declared_metadata(tree: HtmlElement) -> PageMetadata:
    """Every field a page declares, from its JSON-LD article, meta tags and links."""
    page = read_declarations(tree)
    return PageMetadata(
        title=title(page),
        authors=authors(page),
        date=date(page),
        url=url(page),
        site=site(page),
        categories=categories(page),
        tags=tags(page),
        image=image(page),
        description=description(page),
        language=language(page),
    )


def html_metadata(tree: HtmlElement, fetched_url: str | None, is_page: bool) -> PageMetadata:
    """Metadata of a page: trafilatura's (it reads the same declarations and adds heuristics)
    where it finds a value, else the declared one.

    The date and language come from the declarations first because trafilatura reduces the date
    to a day and does not report the language; a fragment (`is_page` False) gets no heuristic
    metadata, since it has no head and its text dates are guesses, only its first heading.
    """
    declared = declared_metadata(tree)
    if not is_page:
        return merge(declared, PageMetadata(title=first_heading(tree)))
    # htmldate's extensive search (dates in the visible text) costs more than the text extraction
    # itself on long pages; it is only worth it when the page declares no date
    found = trafilatura.extract_metadata(tree, default_url=fetched_url, extensive=declared.date is None)
    heuristic = PageMetadata(
        title=clean_text(found.title),
        authors=split_authors(found.author),
        date=clean_text(found.date),
        url=clean_text(found.url),
        site=clean_text(found.sitename),
        categories=clean_list(found.categories),
        tags=clean_list(found.tags),
        image=clean_text(found.image),
        description=clean_text(found.description),
    )
    merged = merge(heuristic, declared)
    return replace(merged, date=declared.date or heuristic.date, language=declared.language)


def first_heading(tree: HtmlElement) -> str | None:
    """The text of the first <h1>, as a title for bodies without declared metadata."""
    heading = next(tree.iter("h1"), None)
    return clean_text("".join(heading.itertext())) if heading is not None else None


def merge(primary: PageMetadata, secondary: PageMetadata) -> PageMetadata:
    """Each field from `primary` where it has a value, else from `secondary`."""
    merged: dict[str, Any] = {}
    for field in fields(PageMetadata):
        value = getattr(primary, field.name)
        merged[field.name] = value if value else getattr(secondary, field.name)
    return PageMetadata(**merged)


def _first_meta(page: Declarations, keys: tuple[str, ...]) -> str | None:
    """The content of the first of the meta tags `keys` the page has."""
    return next((page.meta[key] for key in keys if key in page.meta), None)


def _json_ld_article(tree: HtmlElement) -> dict[str, Any]:
    """The first article object in the page's JSON-LD (looking inside lists and @graph), or {}."""
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text, strict=False)
        except json.JSONDecodeError:
            continue
        stack = [data]
        while stack:
            node = stack.pop(0)
            if isinstance(node, list):
                stack.extend(node)
            elif isinstance(node, dict):
                types = node.get("@type")
                types = types if isinstance(types, list) else [types]
                if any(isinstance(t, str) and _JSON_LD_ARTICLE.search(t) for t in types):
                    return node
                stack.extend(v for k, v in node.items() if k == "@graph")
    return {}


def _ld_text(value: Any) -> str | None:
    """A JSON-LD value as text (the first of a list, the name of an object)."""
    if isinstance(value, list):
        return next((text for item in value if (text := _ld_text(item))), None)
    if isinstance(value, dict):
        return _ld_text(value.get("name") or value.get("alternateName"))
    return clean_text(value) if isinstance(value, (str, int, float)) and not isinstance(value, bool) else None


def _ld_names(value: Any) -> list[str]:
    """Names in a JSON-LD person/organization value (a string, an object, or a list of them)."""
    items = value if isinstance(value, list) else [value]
    return [name for item in items if (name := _ld_text(item))]


def _ld_url(value: Any) -> str | None:
    """An address in a JSON-LD value: a string, an object's `url`/`@id`, or the first of a list."""
    if isinstance(value, list):
        return next((address for item in value if (address := _ld_url(item))), None)
    if isinstance(value, dict):
        return _ld_url(value.get("url") or value.get("@id") or value.get("contentUrl"))
    return clean_text(value) if isinstance(value, str) else None


def _ld_list(value: Any) -> list[str]:
    """A JSON-LD list of labels: a list, or a comma-separated string (`keywords`)."""
    items = value if isinstance(value, list) else value.split(",") if isinstance(value, str) else []
    return clean_list(items)
