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

from lxml import etree
from lxml.html import HtmlElement

from tasks.clean.bylines import names_a_person, people_first, split_authors
from tasks.clean.page_times import element_times, published_time
from tasks.clean.titles import host_names, site_in_title, strip_site_from_title, title_affixes
from tasks.clean.trafilatura_metadata import GUESSED_FIELDS, found_metadata
from tasks.clean.values import clean_list, clean_text, fold
from tasks.records import PageMetadata
from tasks.urls import url_parts

_JSON_LD_ARTICLE = re.compile(r"(?:Article|BlogPosting|Report)$")
_META_AUTHOR_KEYS = ("author", "dc.creator", "dcterms.creator", "parsely-author", "sailthru.author", "article:author")
_META_DATE_KEYS = (
    "article:published_time", "og:article:published_time", "datepublished", "pubdate", "publishdate",
    "publish-date", "publication_date", "date", "dc.date", "dc.date.issued", "dcterms.created",
    "dcterms.issued", "sailthru.date", "parsely-pub-date", "article.published",
)
# An article type written in a JSON-LD script, also one too broken to parse.
_JSON_LD_ARTICLE_TEXT = re.compile(r'(?:Article|BlogPosting|Report)"')
_JSON_LD_TYPE = re.compile(r'"@type"\s*:\s*\[?\s*"([^"]+)"')
_META_TITLE_KEYS = ("og:title", "twitter:title", "dc.title")
_META_SITE_KEYS = ("og:site_name", "application-name", "apple-mobile-web-app-title", "publisher")
# Headlines are cut at ~110 characters for search engines; the visible heading has it whole.
_TRUNCATED = re.compile(r"\s*(?:…|\.\.\.)$")
_META_MODIFIED_KEYS = ("article:modified_time", "og:updated_time", "datemodified", "dcterms.modified")
_META_LANGUAGE_KEYS = ("content-language", "og:locale", "dc.language", "language")
# h1s and elements with an itemprop, in document order: an XPath walks the tree in C, where a
# Python loop over every element took about a tenth of the declarations' reading
_HEADING_CANDIDATES = etree.XPath("descendant-or-self::*[self::h1 or @itemprop or self::h2[*[2]]]")
# A site's trail of sections, as links: `<nav aria-label="breadcrumb">`, `<ol class="breadcrumbs">`.
_BREADCRUMB_LINKS = etree.XPath(
    "//*[contains(translate(@class, 'B', 'b'), 'breadcrumb') or contains(translate(@aria-label, 'B', 'b'), 'breadcrumb')"
    " or contains(@itemtype, 'BreadcrumbList')]//a"
)
# Looked for first: any such class or label holds "readcrum" as written (only its B is
# lowercased above), and most pages have none; these attributes are found in a fifth of the time
# the whole expression takes (its `translate` copies every class on the page).
_BREADCRUMB_MARKS = etree.XPath(
    "//@class[contains(., 'readcrum')] | //@aria-label[contains(., 'readcrum')] | //@itemtype[contains(., 'BreadcrumbList')]"
)
# The label above a headline, as templates name it: `<span class="kicker">Ukraine-Krieg</span>`.
_KICKER_CLASS = re.compile(r"kicker|overline|topline|dachzeile|roofline|eyebrow|supertitle|surtitle|rubric", re.IGNORECASE)
# Between a kicker and its headline in a search-engine title: "Ukraine-Krieg: Headline".
_LABEL_END = r"\s*[:|–—-]"
# Characters of text before an h2 in its article beyond which it is no headline but a teaser.
_OPENING_TEXT = 300
_META_IMAGE_KEYS = ("og:image", "og:image:url", "twitter:image", "twitter:image:src")


@dataclass(frozen=True)
class Declarations:
    """What a page declares about itself, read once from its tree."""

    ld: dict[str, Any]  # the article object of its JSON-LD (`_main_article`), or {}
    ld_elsewhere: str  # the folded text of its JSON-LD scripts that hold no article (events, products)
    meta: dict[str, str]  # meta tag contents (cleaned) by lowercase name; the first of a name wins
    lang: str | None  # <html lang>
    canonical: str | None  # <link rel="canonical"> href
    time_published: str | None  # datetime of <time itemprop="datePublished"> or <time pubdate>
    times: tuple[str, ...]  # datetime of every <time> on the page, in order
    title_tag: str | None  # <title>
    headings: tuple[Heading, ...]  # every <h1>, `itemprop="headline"` element and h2 with a kicker, in order
    breadcrumbs: tuple[str, ...]  # the names of its JSON-LD BreadcrumbList and breadcrumb links


@dataclass(frozen=True)
class Heading:
    """A page heading that may be the article's headline, with where it stands."""

    text: str
    in_article: bool  # inside <article>, <main>, or marked `itemprop="headline"`
    links_home: bool  # holds a link to the site's home page (a blog's name in its banner)
    kicker: str | None = None  # its first part, when written apart and may be a label above the rest
    kicker_marked: bool = False  # the kicker's class names it one (`kicker`, `dachzeile`, `eyebrow`)
    is_h1: bool = True  # an <h1> or marked headline; else an <h2> with a kicker

    def without_kicker(self, meta_title: str | None, sections: set[str]) -> str:
        """The headline without its kicker, when something says the kicker is a label: its class,
        its being one of the page's `sections` (folded), or the meta title starting with it as
        a label ("Ukraine-Krieg: ..."). Else the whole text."""
        if not self.kicker:
            return self.text
        is_label = (
            self.kicker_marked
            or fold(self.kicker) in sections
            or bool(meta_title and re.match(re.escape(self.kicker) + _LABEL_END, meta_title))
        )
        return self.text[len(self.kicker) :].lstrip(" :|–—-") if is_label else self.text


def read_declarations(tree: HtmlElement) -> Declarations:
    """The declarations of a parsed page (or fragment)."""
    scripts = _json_ld_scripts(tree)
    lang = tree.getroottree().getroot().get("lang")
    meta: dict[str, str] = {}
    for element in tree.iter("meta"):
        name = element.get("property") or element.get("name") or element.get("itemprop") or element.get("http-equiv")
        content = clean_text(element.get("content"))
        if name and content:
            meta.setdefault(name.strip().lower(), content)
    canonical = next((a.get("href") for a in tree.iter("link") if "canonical" in (a.get("rel") or "").lower()), None)
    return Declarations(
        ld=_main_article([node for _, nodes in scripts for node in nodes if _is_article(node)], canonical or meta.get("og:url")),
        ld_elsewhere=fold(" ".join(text for text, nodes in scripts if _describes_no_article(text, nodes))),
        meta=meta,
        lang=lang,
        canonical=canonical,
        time_published=next(
            (t.get("datetime") for t in tree.iter("time") if t.get("itemprop") == "datePublished" or "pubdate" in t.attrib),
            None,
        ),
        times=element_times(tree.iter("time"), lang),
        title_tag=next((text for t in tree.iter("title") if (text := clean_text(t.text_content()))), None),
        headings=tuple(_headings(tree)),
        breadcrumbs=tuple(_breadcrumbs(tree, [node for _, nodes in scripts for node in nodes])),
    )


def _breadcrumbs(tree: HtmlElement, nodes: list[dict[str, Any]]) -> list[str]:
    """The section names of the page's trail: its JSON-LD BreadcrumbList items, its breadcrumb links."""
    items = [
        item
        for node in nodes
        if "BreadcrumbList" in str(node.get("@type"))
        for item in (node.get("itemListElement") if isinstance(node.get("itemListElement"), list) else [])
        if isinstance(item, dict)
    ]
    # a ListItem names its section itself or in its `item` object (its `item` string is an address)
    named = [_ld_text(item.get("name") or (item.get("item") if isinstance(item.get("item"), dict) else None)) for item in items]
    links = _BREADCRUMB_LINKS(tree) if _BREADCRUMB_MARKS(tree) else []
    return [name for name in [*named, *(clean_text(a.text_content()) for a in links)] if name]


def _headings(tree: HtmlElement) -> list[Heading]:
    """The page's `<h1>`s, headline-marked elements and `<h2>`s with a kicker, with where each stands."""
    found = []
    for element in _HEADING_CANDIDATES(tree):
        marked = "headline" in (element.get("itemprop") or "").split()
        if element.tag not in {"h1", "h2"} and not marked:
            continue
        children = [child for child in element if isinstance(child.tag, str)]
        pieces = [text for child in children if (text := clean_text(child.text_content()))]
        loose = clean_text("".join([element.text or "", *(child.tail or "" for child in children)]))
        # a kicker is written apart: the heading's first of several parts, with no loose text
        kicker = pieces[0] if len(pieces) > 1 and not (loose or "").strip(":|–—-") else None
        if element.tag == "h2" and not marked and (kicker is None or not _opens_its_article(element)):
            continue
        text = " ".join(pieces) if kicker else clean_text(element.text_content())
        if not text:
            continue
        ancestors = {a.tag for a in element.iterancestors()}
        hrefs = [href for a in element.iter("a") if (href := (a.get("href") or "").strip()) and href[0] not in "#?"]
        home_links = ((parts := url_parts(href)) is not None and parts.path in {"", "/"} for href in hrefs)
        found.append(
            Heading(
                text=text,
                in_article=marked or bool(ancestors & {"article", "main"}),
                links_home=any(home_links),
                kicker=kicker,
                kicker_marked=kicker is not None and bool(_KICKER_CLASS.search(children[0].get("class") or "")),
                is_h1=element.tag == "h1" or marked,
            )
        )
    return found


def _opens_its_article(element: HtmlElement) -> bool:
    """Whether little text stands before `element` in its `<article>` or `<main>`: a headline opens
    the article, where teasers of related articles (written as kicker and headline too) follow it."""
    container = next((a for a in element.iterancestors() if a.tag in {"article", "main"}), None)
    if container is None:
        return True
    before = 0
    for node in container.iter():
        if node is element:
            return True
        before += len((node.text or "").strip()) + len((node.tail or "").strip()) if node is not container else len((node.text or "").strip())
        if before > _OPENING_TEXT:
            return False
    return True


def title(page: Declarations) -> str | None:
    """The article's own headline: JSON-LD `headline`, then the article's heading, then the meta
    or `<title>` title without the site's name.

    The meta titles are the search-engine variant (reworded, with the site's name and often its
    section, which are removed when the page declares them: `articleSection`, `article:section`). A heading is
    the headline when it stands in the article, when it makes most of the meta title, or when it
    is the page's only one and shares words with the meta title; an `h2` written as kicker and
    headline (`Heading.without_kicker`) counts after the `h1`s. Beside the site's name, the meta
    title also loses the sections the page is filed under (breadcrumbs, `articleSection`, the
    folders of its address). A heading that names the site
    (as the page or its host does, or as the meta title's affix) or links to its home page is the
    site's banner (a blog's `h1`), never a title.
    """
    headline = _ld_text(page.ld.get("headline") or page.ld.get("name"))
    meta_title = _first_meta(page, _META_TITLE_KEYS) or page.title_tag
    # the section a title names between headline and site ("Headline | Internacional | EL PAÍS")
    names = site_names(page) | {key for name in [*categories(page), page.meta.get("article:section")] if name and (key := fold(name))}
    # a heading that repeats the meta title's affix is the site's banner, and so names the site
    affixes = {fold(affix) for affix in title_affixes(meta_title or "")}
    names |= {key for h in page.headings if (key := fold(h.text)) in affixes}
    sections = [*page.breadcrumbs, *categories(page), page.meta.get("article:section"), *_folders(url(page))]
    stripped = strip_site_from_title(meta_title, names, _host(page), sections) if meta_title else None
    section_keys = {key for name in sections if name and (key := fold(name))}
    # an h2 with a kicker is the headline only where the page has no h1
    own_headings = [h for h in page.headings if not h.links_home and fold(h.text) not in names]
    has_h1 = any(h.is_h1 for h in own_headings)
    ranked = [h for h in own_headings if h.is_h1 or not has_h1]
    own = [(h.without_kicker(meta_title, section_keys), h.in_article) for h in ranked]
    headings = [text for text, _ in own]
    if headline:
        cut = _TRUNCATED.sub("", headline)
        return next((text for text in headings if cut != headline and text.startswith(cut)), headline)
    in_article = [text for text, in_article in own if in_article]
    return (
        next(iter(in_article), None)
        or next((text for text in headings if stripped and _is_most_of(text, stripped)), None)
        or (headings[0] if len(headings) == 1 and (not stripped or _shares_words(headings[0], stripped)) else None)
        or stripped
    )


def _folders(address: str | None) -> list[str]:
    """The folders of a page's address, which name its sections (`/nachrichten/niedersachsen/`)."""
    parts = url_parts(address) if address and "://" in address else None
    return parts.path.split("/")[1:-1] if parts is not None else []


def _is_most_of(heading: str, title: str) -> bool:
    """Whether `heading` is in `title` and makes at least half of it (not a word of it)."""
    part, whole = fold(heading), fold(title)
    return bool(part) and part in whole and len(part) >= len(whole) / 2


def _shares_words(heading: str, title: str) -> bool:
    """Whether a third of the heading's words are in the title: a reworded headline, not a
    section name or a slogan."""
    words = {fold(word) for word in heading.split()} - {""}
    in_title = words & {fold(word) for word in title.split()}
    return bool(words) and len(in_title) * 3 >= len(words)


def site_names(page: Declarations) -> set[str]:
    """Every name the page gives its site (folded): declared names and its host's."""
    declared = [*_ld_names(page.ld.get("publisher")), *(page.meta.get(key) for key in _META_SITE_KEYS)]
    return {key for name in [*declared, *host_names(_host(page))] if name and (key := fold(name))}


def _host(page: Declarations) -> str | None:
    """The host the page says it is published under (its canonical or Open Graph address)."""
    address = url(page)
    parts = url_parts(address) if address and "://" in address else None
    return parts.hostname if parts is not None else None


def authors(page: Declarations) -> list[str]:
    """The people among the JSON-LD authors, else among the names of an author meta tag; an
    organization only when no source names a person (`bylines.people_first`)."""
    sources = [split_authors(_ld_names(page.ld.get("author"))), *(split_authors(page.meta.get(key)) for key in _META_AUTHOR_KEYS)]
    return people_first(sources, organization_names(page))


def organization_names(page: Declarations) -> list[str]:
    """Names the page gives to organizations: its publisher, its site, authors typed Organization."""
    listed = page.ld.get("author")
    typed = [
        name
        for item in (listed if isinstance(listed, list) else [listed])
        if isinstance(item, dict) and "Organization" in str(item.get("@type")) and (name := _ld_text(item))
    ]
    declared = [*_ld_names(page.ld.get("publisher")), *(page.meta.get(key) for key in _META_SITE_KEYS)]
    return [*typed, *(name for name in declared if name), *host_names(_host(page))]


def is_named_outside_articles(page: Declarations, name: str) -> bool:
    """Whether the page's JSON-LD names `name` only outside any article: an event's organizer
    or performer, a product's maker. Such a name is nobody's byline. The scripts are searched
    as text, since trafilatura also reads the names out of scripts too broken to parse."""
    key = fold(name)
    return bool(key) and key in page.ld_elsewhere


def date(page: Declarations, guessed: str | None = None) -> str | None:
    """The publication time as written: the first of JSON-LD, meta tags, a publication `<time>`
    and the day `guessed` from the page's text fixes the day, the most precise value on that day
    wins (`tasks.clean.page_times`)."""
    declared = [
        value
        for value in (
            _ld_text(page.ld.get("datePublished")),
            _ld_text(page.ld.get("dateCreated")),
            *(page.meta.get(key) for key in _META_DATE_KEYS),
            clean_text(page.time_published),
            guessed,
        )
        if value
    ]
    modified = [_ld_text(page.ld.get("dateModified")), *(page.meta.get(key) for key in _META_MODIFIED_KEYS)]
    return published_time(declared, page.times, [value for value in modified if value])


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
    return _declared_metadata(read_declarations(tree))


def _declared_metadata(page: Declarations) -> PageMetadata:
    """Every field of the declarations `page`."""
    headline = title(page)
    return PageMetadata(
        title=headline,
        authors=authors(page),
        date=date(page),
        url=url(page),
        site=site(page) or site_in_title(page.title_tag or "", headline),
        categories=categories(page),
        tags=tags(page),
        image=image(page),
        description=description(page),
        language=language(page),
    )


def html_metadata(tree: HtmlElement, fetched_url: str | None, is_page: bool) -> PageMetadata:
    """Metadata of a page: what it declares, then trafilatura's findings for what it leaves out.

    trafilatura reads the same declarations (its values come first for the address, site,
    categories, tags, image and description) and guesses what they leave empty; its guesses are
    made only for the fields the page does not declare (`tasks.clean.trafilatura_metadata`).
    The authors, title, date and language come from the declarations first because trafilatura
    mangles names (title case, initials without their period, entities half decoded) and takes
    an event's organizer for an author, prefers the search-engine title (`og:title`) or a lone
    `h1` that may be the blog's name, reduces the date to a day and does not report the
    language; a fragment (`is_page` False) gets no heuristic metadata, since it has no head and
    its text dates are guesses, only its first heading.
    """
    page = read_declarations(tree)
    declared = _declared_metadata(page)
    if not is_page:
        return merge(declared, PageMetadata(title=first_heading(tree)))
    organizations = organization_names(page)
    wanted = {name for name in GUESSED_FIELDS if not getattr(declared, name)}
    if declared.authors and not names_a_person(declared.authors, organizations):
        wanted.add("authors")  # a person trafilatura finds comes before a declared organization
    found = found_metadata(tree, fetched_url, wanted)
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
    # trafilatura's names that are an event's or a fragment of a declared name ("Redacci") are none
    wholes = [fold(name) for name in declared.authors]
    heuristic_authors = [
        name
        for name in heuristic.authors
        if not is_named_outside_articles(page, name) and not any(fold(name) in whole for whole in wholes)
    ]
    return replace(
        merged,
        title=declared.title or heuristic.title,
        authors=people_first([declared.authors, heuristic_authors], organizations),
        # a day found in the text that is an event's (its start) is no publication date
        date=declared.date or (date(page, heuristic.date) if heuristic.date and not is_named_outside_articles(page, heuristic.date) else None),
        language=declared.language,
    )


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


def _json_ld_scripts(tree: HtmlElement) -> list[tuple[str, list[dict[str, Any]]]]:
    """Each JSON-LD script of the page: its text, and its typed objects in order (looking
    inside lists and @graph; none when it does not parse)."""
    scripts = []
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        nodes: list[dict[str, Any]] = []
        try:
            stack = [json.loads(script.text, strict=False)]
        except json.JSONDecodeError:
            stack = []
        while stack:
            node = stack.pop(0)
            if isinstance(node, list):
                stack.extend(node)
            elif isinstance(node, dict):
                if "@type" in node:
                    nodes.append(node)
                stack.extend(v for k, v in node.items() if k == "@graph")
        scripts.append((script.text, nodes))
    return scripts


def _describes_no_article(text: str, nodes: list[dict[str, Any]]) -> bool:
    """Whether a JSON-LD script is about something other than an article or a person (an event,
    a product): judged on its text too, since trafilatura reads scripts too broken to parse."""
    first_type = _JSON_LD_TYPE.search(text)
    is_person = bool(first_type) and first_type.group(1) == "Person"
    return not is_person and not any(_is_article(node) for node in nodes) and not _JSON_LD_ARTICLE_TEXT.search(text)


def _main_article(articles: list[dict[str, Any]], address: str | None) -> dict[str, Any]:
    """The article a page is about, among the article objects of its JSON-LD: the one whose
    address is the page's own (a page also describes the articles it links to, with their own
    dates and authors), else the first; {} when there is none."""
    own = _address_key(address)
    keys = ("url", "mainEntityOfPage", "@id")
    return next(
        (node for node in articles if own and own in {_address_key(_ld_url(node.get(key))) for key in keys}),
        articles[0] if articles else {},
    )


def _address_key(address: str | None) -> str | None:
    """An address as compared between declarations: without scheme, `www.`, fragment, final `/`."""
    if not address:
        return None
    parts = url_parts(address.strip())
    if parts is None:
        return None
    query = f"?{parts.query}" if parts.query else ""
    return f"{(parts.hostname or '').removeprefix('www.')}{parts.path.rstrip('/')}{query}" or None


def _is_article(node: dict[str, Any]) -> bool:
    """Whether a JSON-LD object is an article (NewsArticle, BlogPosting, Report, ...)."""
    types = node.get("@type")
    return any(isinstance(t, str) and _JSON_LD_ARTICLE.search(t) for t in (types if isinstance(types, list) else [types]))


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
