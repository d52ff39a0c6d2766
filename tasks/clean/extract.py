"""The extract stage: the main text of each decoded document, and the metadata found with it.

What a document is decides how it is read:
- front matter (`---` YAML or `+++` TOML) at the top, in any format, gives the metadata, and the
  body after it is read as below (a post body that is not HTML is markdown);
- HTML goes to trafilatura (main content, comments and boilerplate left out, tables kept),
  with metadata from JSON-LD, meta tags and trafilatura's heuristics (`tasks.clean.page_metadata`);
- markdown is rendered with markdown-it-py and its blocks read as text;
- plain text is cleaned of the page furniture copied along with it (`tasks.clean.plain_text`).
`.txt` files are sniffed: they may hold HTML, markdown or front matter.
"""

from __future__ import annotations

import re
from concurrent.futures import Executor
from copy import copy
from itertools import islice

import trafilatura
from lxml import etree
from lxml.html import HtmlElement
from markdown_it import MarkdownIt
from trafilatura.settings import Extractor

from tasks.clean.front_matter import front_matter_metadata, split_front_matter
from tasks.clean.page_metadata import first_heading, html_metadata, merge
from tasks.clean.plain_text import clean_plain_text
from tasks.clean.steps import EXTRACT
from tasks.clean.values import unescape_entities
from tasks.records import DecodedDocument, ExtractedDocument, PageMetadata, Rejected
from tasks.stage import StageOutput, run_stage

# fast=True: 1.45x faster at equal F1 on the extraction benchmark (../shared/notes/extraction.md);
# comments=False: reader comments are not the article, and scored best. Built once per process
# and copied per page (trafilatura reads its ConfigParser settings on every call otherwise):
# without and with `recall` (favor_recall).
_EXTRACTORS = {
    recall: Extractor(
        output_format="python", fast=True, recall=recall, comments=False, tables=True, images=False, links=False, formatting=False
    )
    for recall in (False, True)
}

_HTML_DOCUMENT = re.compile(
    r"\A\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>])",
    re.IGNORECASE | re.DOTALL,
)
_BODY_TAG = re.compile(r"<body[\s>]", re.IGNORECASE)
_HTML_TAG = re.compile(
    r"</?(?:p|div|span|a|br|hr|img|h[1-6]|ul|ol|li|table|tr|td|th|article|section|main|header|footer|"
    r"nav|aside|blockquote|strong|em|b|i|u|figure|figcaption|iframe|script|style|meta|link|pre|code)"
    r"(?:\s[^<>]*)?/?>",
    re.IGNORECASE,
)
_HTML_BLOCK_TAG = re.compile(r"</?(?:p|div|br|hr|h[1-6]|li|tr|table|ul|ol|blockquote|section|article)\b[^<>]*>", re.IGNORECASE)
# A text that holds this many tags is HTML even when it does not start with one.
_HTML_MIN_TAGS = 5
# Markdown syntax in a text: a heading, a code fence, a link or image, or bold.
_MARKDOWN_SIGN = re.compile(
    r"^#{1,6}[ \t]+\S|^[ \t]*```|!?\[[^\]\n]+\]\([^)\s]+(?:\s+\"[^\"]*\")?\)|\*\*[^*\n]+\*\*",
    re.MULTILINE,
)

# Elements whose text is never article text, skipped when reading blocks of a page or render:
# blocks (which end a line) and inline elements (which leave a space).
_SKIPPED_BLOCKS = frozenset("head title nav footer aside form template noscript".split())
_SKIPPED_INLINE = frozenset("script style button select option iframe svg canvas object embed input textarea".split())
_BLOCK_TAGS = frozenset(
    "address article blockquote caption dd details div dl dt fieldset figcaption figure h1 h2 h3 h4 "
    "h5 h6 header hr li main ol p section summary table tbody thead tfoot ul".split()
)
_SPACES = re.compile(r"\s+")
_LIST_MARKER = re.compile(r"^(?:[-*•]|\d+\.)\s+")
_TABLE_ROW = re.compile(r"^\|(?P<cells>.*)\|\s*$")
_TABLE_RULE = re.compile(r"^\|(?:\s*:?-+:?\s*\|)+\s*$")
# Two or more blank lines. Written out rather than as `\n{3,}`: a pattern that opens with a literal
# string is searched for at C speed, where `{3,}` is tried at every character (47 -> 3 us a page).
_BLANK_LINES = re.compile(r"\n\n\n+")

_MARKDOWN = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
# Plain text with some markdown in it: every line break is kept, as the writer saw it.
_MARKED_TEXT = MarkdownIt("commonmark", {"html": True, "breaks": True}).enable(["table", "strikethrough"])


def extract_document(decoded: DecodedDocument) -> ExtractedDocument:
    """The main text and metadata of one decoded document.

    Raises `Rejected("no_text")` when no text is left and `Rejected("unparseable")` for HTML that
    cannot be parsed.
    """
    text = decoded.text.lstrip("\ufeff")
    front = split_front_matter(text)
    body = front.body if front is not None else text
    kind = _body_kind(body, decoded.doc.format, front is not None)
    if kind == "html":
        main, found, extractor = _extract_html(body, decoded.doc.url)
    elif kind == "markdown":
        main, found, extractor = _extract_markdown(body)
    elif kind == "marked-text":
        main, found = clean_plain_text(_extract_markdown(body, _MARKED_TEXT)[0])
        extractor = "markdown+plain-text"
    else:
        main, found = clean_plain_text(_HTML_TAG.sub(_tag_break, body))
        extractor = "plain-text"
    if front is not None:
        found = merge(front_matter_metadata(front.fields), found)
        extractor = f"front-matter+{extractor}"
    main = main.strip()
    if not any(ch.isalnum() for ch in main):
        raise Rejected("no_text", f"{extractor} left no text ({kind} body of {len(body)} characters)")
    return ExtractedDocument(decoded=decoded, text=main, metadata=found, extractor=extractor)


def extract_documents(docs: list[DecodedDocument], executor: Executor | None = None) -> StageOutput[list[ExtractedDocument]]:
    """Extract a batch of decoded documents (in parallel when given a process pool)."""
    return run_stage(
        EXTRACT,
        docs,
        extract_document,
        describe=lambda d: (d.doc.source, d.doc.uri, d.doc.content_sha256),
        size=lambda d: len(d.doc.body),
        executor=executor,
    )


def html_to_text(tree: HtmlElement) -> str:
    """The text of every block of an HTML tree, one line per block, skipping scripts, navigation,
    footers, asides and forms. List items keep a `- ` or `1. ` marker; table rows join cells with
    ` | `."""
    lines: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        line = _SPACES.sub(" ", "".join(pending)).strip()
        if line:
            lines.append(line)
        pending.clear()

    walker = etree.iterwalk(tree, events=("start", "end"))
    for event, element in walker:
        tag = element.tag.lower() if isinstance(element.tag, str) else None
        if event == "start":
            if tag is None or tag in _SKIPPED_BLOCKS or tag in _SKIPPED_INLINE:
                walker.skip_subtree()
            elif tag == "br":
                flush()
            elif tag == "tr":
                flush()
                cells = (_SPACES.sub(" ", "".join(c.itertext())).strip() for c in element if c.tag in ("td", "th"))
                pending.append(" | ".join(c for c in cells if c))
                walker.skip_subtree()
            elif tag == "pre":
                flush()
                lines.extend(line.rstrip() for line in element.text_content().strip("\n").splitlines())
                walker.skip_subtree()
            else:
                if tag in _BLOCK_TAGS:
                    flush()
                if tag == "li":
                    pending.append(_list_marker(element))
                pending.append(element.text or "")
        else:
            if tag in _BLOCK_TAGS or tag in _SKIPPED_BLOCKS or tag in ("tr", "pre"):
                flush()
            elif tag in _SKIPPED_INLINE:
                pending.append(" ")
            pending.append(element.tail or "")
    flush()
    return "\n".join(lines)


def _body_kind(body: str, declared: str, has_front_matter: bool) -> str:
    """How to read a body, from its declared format and content: "html", "markdown", "text",
    or "marked-text" (plain text with markdown syntax, such as a page copied as markdown)."""
    if _HTML_DOCUMENT.match(body):
        return "html"
    if declared == "html":
        return "html" if _HTML_TAG.search(body) else "text"
    if declared == "markdown":
        return "markdown"
    if _HTML_TAG.match(body.lstrip()) or _has_matches(_HTML_TAG, body, _HTML_MIN_TAGS):
        return "html"
    if has_front_matter:
        return "markdown"
    return "marked-text" if _MARKDOWN_SIGN.search(body) else "text"


def _has_matches(pattern: re.Pattern[str], text: str, count: int) -> bool:
    """True if `pattern` occurs at least `count` times in `text` (stops looking at `count`)."""
    return sum(1 for _ in islice(pattern.finditer(text), count)) >= count


def _tag_break(match: re.Match[str]) -> str:
    """A stray tag in plain text: a line break where it broke a block, else nothing."""
    return "\n" if _HTML_BLOCK_TAG.fullmatch(match.group(0)) else ""


def _extract_html(html: str, url: str | None) -> tuple[str, PageMetadata, str]:
    """Main text, metadata and extractor name for an HTML page or fragment."""
    is_page = bool(_HTML_DOCUMENT.match(html) or _BODY_TAG.search(html))
    # trafilatura refuses a lone fragment as "not HTML"; wrapped, it is a page with no boilerplate
    tree = trafilatura.load_html(html if is_page else f"<html><body>{html}</body></html>")
    if tree is None:
        raise Rejected("unparseable", f"lxml could not parse {len(html)} characters of HTML")
    metadata = html_metadata(tree, url, is_page)
    # a fragment (a post body, a feed entry) is all content: recall mode keeps text that sits
    # outside <p> elements, which precision-leaning defaults drop
    attempts = [("trafilatura", not is_page)] + ([("trafilatura-recall", True)] if is_page else [])
    for extractor, favor_recall in attempts:
        document = trafilatura.bare_extraction(tree, options=_extractor(url, favor_recall))
        if document is not None and _is_article_text(document.text, tree):
            return _tidy_trafilatura(document.text), metadata, extractor
    return unescape_entities(html_to_text(tree)), metadata, "html-text"


def _extractor(url: str | None, favor_recall: bool) -> Extractor:
    """trafilatura's settings for one page at `url`."""
    options = copy(_EXTRACTORS[favor_recall])
    options.url = options.source = url
    return options


def _is_article_text(text: str | None, tree: HtmlElement) -> bool:
    """False for no text, or for text that is nothing but link labels of the page (a menu that
    trafilatura returned after missing the article)."""
    links = {_SPACES.sub(" ", "".join(a.itertext())).strip() for a in tree.iter("a")}
    return any(
        (label := _LIST_MARKER.sub("", _SPACES.sub(" ", line).strip())) and label not in links
        for line in (text or "").splitlines()
    )


def _extract_markdown(markdown: str, renderer: MarkdownIt = _MARKDOWN) -> tuple[str, PageMetadata, str]:
    """Text and title of a markdown body: rendered, then read block by block.

    Rendered markdown has no boilerplate, and trafilatura drops its headings and short lists,
    so the blocks are read directly.
    """
    tree = trafilatura.load_html(f"<html><body>{renderer.render(markdown)}</body></html>")
    if tree is None:
        return "", PageMetadata(), "markdown"
    return unescape_entities(html_to_text(tree)), PageMetadata(title=first_heading(tree)), "markdown"


def _tidy_trafilatura(text: str) -> str:
    """trafilatura's text without markdown table syntax and leftover (double-escaped) entities."""
    lines = []
    for line in unescape_entities(text).splitlines():
        if _TABLE_RULE.match(line):
            continue
        if row := _TABLE_ROW.match(line):
            cells = [cell.strip() for cell in row.group("cells").split("|")]
            line = " | ".join(cell for cell in cells if cell)
        lines.append(line.rstrip())
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _list_marker(item: HtmlElement) -> str:
    """`1. ` for the n-th item of an ordered list, `- ` otherwise."""
    parent = item.getparent()
    if parent is not None and parent.tag == "ol":
        return f"{list(parent.iterchildren('li')).index(item) + 1}. "
    return "- "
