"""trafilatura's metadata of a page, its guesses made only for the fields still missing.

`trafilatura.extract_metadata` first reads what the page declares (meta tags, JSON-LD: cheap),
then guesses each field from the page's visible structure: the title from `<title>` and headings,
authors from byline markup (over a copy of the whole tree), the date by htmldate's search of the
page (its extensive mode tries dateparser on every date-like string in the text), categories
and tags from links, the license from the footer. The guesses cost more than the text
extraction on a long page, and pressroom reads the declarations itself
(`tasks.clean.page_metadata`): a field the page declares has no use for them.

`found_metadata` is `extract_metadata` of trafilatura 2.3, step by step, with each guess made
only for a field in `wanted`; the license, which pressroom does not store, is never looked for.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from courlan import extract_domain
from htmldate import find_date
from lxml import etree
from lxml.html import HtmlElement
from trafilatura.metadata import (
    META_URL,
    examine_meta,
    extract_author,
    extract_catstags,
    extract_meta_json,
    extract_sitename,
    extract_title,
    extract_url,
)
from trafilatura.settings import Document, set_date_params

# The fields a guess can fill, named as in `tasks.records.PageMetadata`.
GUESSED_FIELDS = frozenset({"title", "authors", "date", "site", "categories", "tags"})
# `extract_catstags` keeps only links whose address has a /category/ or /tag/ segment (its own
# patterns), found by eight XPaths that test class names with EXSLT regular expressions (a
# Python call per element); for categories it then reads these meta tags. A page without such
# a link or tag has none to find: one look at its link addresses tells.
_CATSTAGS_LINK = {"category": re.compile("/categor(?:y|ies|s)?/"), "tag": re.compile("/tag(?:y|ies|s)?/")}
_LINK_ADDRESSES = etree.XPath("//a/@href")
_SECTION_META = etree.XPath('.//head//meta[@property="article:section" or contains(@name, "subject")][@content]')


def found_metadata(tree: HtmlElement, default_url: str | None, wanted: Collection[str]) -> Document:
    """What trafilatura finds in the page `tree`: its reading of the declarations, and its
    guesses for the fields in `wanted` (`GUESSED_FIELDS`) that those leave empty."""
    metadata = examine_meta(tree)
    if metadata.author and " " not in metadata.author:
        metadata.author = None  # a single word is a user name, not a byline
    metadata = extract_meta_json(tree, metadata)
    if "title" in wanted and not metadata.title:
        metadata.title = extract_title(tree)
    if "authors" in wanted and not metadata.author:
        metadata.author = extract_author(tree)
    metadata.url = metadata.url or extract_url(tree, default_url)
    if metadata.url:
        metadata.hostname = extract_domain(metadata.url, fast=True)
    if "date" in wanted:
        metadata.date = find_date(tree, **set_date_params(extensive=True), url=metadata.url)
    if "site" in wanted and not metadata.sitename:
        metadata.sitename = extract_sitename(tree)
    if metadata.sitename:
        # a Twitter handle ("@welt") is capitalized; a declared name is kept as the site writes it
        # ("la Repubblica", "g1"), where trafilatura capitalizes that too
        handle = metadata.sitename.startswith("@")
        metadata.sitename = metadata.sitename.lstrip("@")
        if handle and metadata.sitename and "." not in metadata.sitename and not metadata.sitename[0].isupper():
            metadata.sitename = metadata.sitename.title()
    elif "site" in wanted and metadata.url and (host := META_URL.match(metadata.url)):
        metadata.sitename = host[1]
    # the link addresses once, for both kinds
    addresses = "\n".join(_LINK_ADDRESSES(tree)) if {"categories", "tags"} & set(wanted) else ""
    if "categories" in wanted and not metadata.categories and _may_have_catstags("category", addresses, tree):
        metadata.categories = extract_catstags("category", tree)
    if "tags" in wanted and not metadata.tags and _may_have_catstags("tag", addresses, tree):
        metadata.tags = extract_catstags("tag", tree)
    metadata.clean_and_trim()
    return metadata


def _may_have_catstags(kind: str, addresses: str, tree: HtmlElement) -> bool:
    """False when `extract_catstags(kind, tree)` surely finds nothing: none of the page's link
    `addresses` (one a line) has a /category/ (or /tag/) segment, and for categories no section
    meta tag either."""
    if _CATSTAGS_LINK[kind].search(addresses):
        return True
    return kind == "category" and bool(_SECTION_META(tree))
