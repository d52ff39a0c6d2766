"""Front matter at the top of a static-site post: YAML between `---` (Jekyll, Hexo) or TOML
between `+++` (Hugo).

`split_front_matter` finds and parses the block; `front_matter_metadata` maps its keys, which
each generator and theme names differently, onto `PageMetadata`, keeping values as written
(dates stay the strings in the file: the metadata stage parses them) except that text is cleaned
(`tasks.clean.values`) and authors are split into names (`tasks.clean.bylines`).

Front matter is a few dozen keys, so what a block may cost is bounded: a block over
`MAX_BLOCK_CHARS` is rejected as `front_matter_too_large`, and YAML whose anchors and aliases
expand to more than `MAX_YAML_NODES` nodes (a "billion laughs" of 1 KB expands to 10^9), or whose
nesting is too deep to parse, as `front_matter_too_complex`, before anything walks it.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from typing import Any, Literal

import yaml

from tasks.clean.bylines import split_authors
from tasks.clean.values import clean_list, clean_text
from tasks.records import PageMetadata, Rejected

# Real front matter is under 4 KB (the longest in tests/fixtures and the seeds is ~1 KB); a
# block 16 times that is data, not a post's metadata, and would cost seconds to parse as YAML.
MAX_BLOCK_CHARS = 64 * 1024
# Nodes a YAML block may expand to, an alias counting as a copy of what it names: a block of
# MAX_BLOCK_CHARS written out holds at most ~33,000 (`a,` per 2 characters), while anchors let
# 1 KB stand for 10^9. Aliases within the budget are kept: some Jekyll posts use them.
MAX_YAML_NODES = 50_000

# The opening fence must be the first non-blank line (after an optional byte-order mark).
_OPENING = re.compile(r"\A\ufeff?(?:[ \t]*\r?\n)*(?P<fence>---|\+\+\+)[ \t]*\r?\n")
_CLOSING = {"---": re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE), "+++": re.compile(r"^\+\+\+[ \t]*$", re.MULTILINE)}
# Hexo and Jekyll files in the wild often hold YAML that a strict parser refuses (tabs, unquoted
# colons); their lines are still `key: value` and `- item`, which this reads.
_LOOSE_KEY = re.compile(r"^\s*(?P<key>[A-Za-z_][\w-]*)\s*:\s*(?P<value>.*)$")
_LOOSE_ITEM = re.compile(r"^\s*-\s+(?P<value>.*)$")

_TITLE_KEYS = ("title", "headline")
_AUTHOR_KEYS = ("author", "authors", "creator", "creators", "byline")
_DATE_KEYS = ("date", "published", "publishdate", "publish_date", "pubdate", "published_at", "date_published", "created", "created_at")
_URL_KEYS = ("canonical", "canonical_url", "canonicalurl", "url", "permalink", "link", "source_url", "original_url")
_SITE_KEYS = ("site", "site_name", "sitename", "publisher", "source_name")
_CATEGORY_KEYS = ("categories", "category", "section", "sections")
_TAG_KEYS = ("tags", "tag", "keywords")
_IMAGE_KEYS = (
    "image", "cover", "cover_image", "headimg", "header_image", "thumbnail", "featured_image",
    "featuredimage", "feature_image", "banner", "og_image", "hero", "hero_image", "images", "photo",
)
_DESCRIPTION_KEYS = ("description", "summary", "excerpt", "abstract", "teaser")
_LANGUAGE_KEYS = ("lang", "language", "locale")
# keys inside a nested image value (Hugo's `cover = {image = "..."}`, `images: [{src: ...}]`)
_NESTED_IMAGE_KEYS = ("image", "src", "url", "path")


class _RawDateLoader(yaml.SafeLoader):
    """YAML's safe loader, except that timestamps stay the strings written in the file, and a
    document that expands to more than MAX_YAML_NODES nodes is refused as it is composed."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._expanded: dict[int, int] = {}  # id(node) -> nodes it stands for, aliases expanded

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node:
        """Compose a node as SafeLoader does, counting the nodes it expands to.

        An alias gives back the node its anchor named, whose count is already known: counting
        as the tree grows refuses a bomb after MAX_YAML_NODES steps, not 10^9.
        """
        node = super().compose_node(parent, index)
        if id(node) not in self._expanded:
            if isinstance(node, yaml.SequenceNode):
                size = 1 + sum(self._expanded[id(child)] for child in node.value)
            elif isinstance(node, yaml.MappingNode):
                size = 1 + sum(self._expanded[id(key)] + self._expanded[id(value)] for key, value in node.value)
            else:
                size = 1
            if size > MAX_YAML_NODES:
                raise Rejected("front_matter_too_complex", f"YAML expands to over {MAX_YAML_NODES} nodes (anchors and aliases)")
            self._expanded[id(node)] = size
        return node


_RawDateLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class FrontMatter:
    """A parsed front matter block and the document body after it."""

    fields: dict[str, Any]
    body: str
    syntax: Literal["yaml", "toml"]


def split_front_matter(text: str) -> FrontMatter | None:
    """The front matter at the top of `text` and the body after it, or None if there is none.

    A block counts only when it is closed and parses to a mapping, so a markdown document that
    merely starts with a `---` rule is left alone. Raises `Rejected` for a block too large or too
    complex to parse (see the module docstring).
    """
    opening = _OPENING.match(text)
    if opening is None:
        return None
    fence = opening.group("fence")
    closing = _CLOSING[fence].search(text, opening.end())
    if closing is None:
        return None
    block = text[opening.end() : closing.start()]
    if len(block) > MAX_BLOCK_CHARS:
        raise Rejected("front_matter_too_large", f"{len(block)} characters of {'TOML' if fence == '+++' else 'YAML'}, over {MAX_BLOCK_CHARS}")
    fields = _parse_toml(block) if fence == "+++" else _parse_yaml(block)
    if not fields:
        return None
    body = text[closing.end() :].lstrip("\r\n")
    return FrontMatter(fields=fields, body=body, syntax="toml" if fence == "+++" else "yaml")


def front_matter_metadata(fields: dict[str, Any]) -> PageMetadata:
    """Map front matter keys (any generator's spelling, any case) onto `PageMetadata`."""
    by_key = {str(k).strip().lower().replace("-", "_"): v for k, v in fields.items()}
    return PageMetadata(
        title=_first_text(by_key, _TITLE_KEYS),
        authors=split_authors(_all_texts(by_key, _AUTHOR_KEYS, split_commas=False)),
        date=_first_text(by_key, _DATE_KEYS),
        url=_first_text(by_key, _URL_KEYS),
        site=_first_text(by_key, _SITE_KEYS),
        categories=_all_texts(by_key, _CATEGORY_KEYS, split_commas=False),
        tags=_all_texts(by_key, _TAG_KEYS, split_commas=True),
        image=_first_image(by_key),
        description=_first_text(by_key, _DESCRIPTION_KEYS),
        language=_first_text(by_key, _LANGUAGE_KEYS),
    )


def _parse_yaml(block: str) -> dict[str, Any] | None:
    """A YAML block as a mapping; None if it is not one."""
    try:
        fields = yaml.load(block, Loader=_RawDateLoader)  # noqa: S506 - a SafeLoader subclass
    except (yaml.YAMLError, ValueError):  # ValueError: PyYAML's float() of a `!!float` scalar it scanned wrongly
        return _parse_loose(block)
    except RecursionError:  # PyYAML composes and constructs nested collections recursively
        raise Rejected("front_matter_too_complex", "YAML nested too deeply to parse") from None
    return fields if isinstance(fields, dict) and fields else None


def _parse_toml(block: str) -> dict[str, Any] | None:
    """A TOML block as a mapping; None if it does not parse."""
    try:
        fields = tomllib.loads(block)
    except tomllib.TOMLDecodeError:
        return None
    except RecursionError:  # tomllib parses nested arrays and inline tables recursively
        raise Rejected("front_matter_too_complex", "TOML nested too deeply to parse") from None
    return fields or None


def _parse_loose(block: str) -> dict[str, Any] | None:
    """`key: value` lines and `- item` lists, for YAML a strict parser refuses.

    None unless every line is one of those (or blank, or a comment): prose between two `---`
    rules is not front matter.
    """
    fields: dict[str, Any] = {}
    key: str | None = None
    for line in block.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if (item := _LOOSE_ITEM.match(line)) and key is not None:
            current = fields.get(key)
            fields[key] = (current if isinstance(current, list) else []) + [_unquote(item.group("value"))]
        elif entry := _LOOSE_KEY.match(line):
            key = entry.group("key")
            fields[key] = _unquote(entry.group("value")) or None
        else:
            return None
    return fields or None


def _unquote(value: str) -> str:
    """A loose YAML scalar without its surrounding quotes."""
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def _scalar_text(value: Any) -> str | None:
    """A scalar as clean text (TOML dates as ISO 8601, as the file wrote them); None otherwise."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (str, int, float)):
        return clean_text(value)
    return None


def _texts(value: Any) -> list[str]:
    """All texts in a value: a scalar, a (nested) list, or mappings with a `name`."""
    if isinstance(value, list):
        return [text for item in value for text in _texts(item)]
    if isinstance(value, dict):
        return _texts(value.get("name") or value.get("title"))
    text = _scalar_text(value)
    return [text] if text else []


def _first_text(fields: dict[str, Any], keys: tuple[str, ...]) -> str | None:
    """The first of `keys` that holds text."""
    for key in keys:
        texts = _texts(fields.get(key))
        if texts:
            return texts[0]
    return None


def _all_texts(fields: dict[str, Any], keys: tuple[str, ...], split_commas: bool) -> list[str]:
    """The texts of the first of `keys` that holds any, split at commas if asked, without repeats."""
    for key in keys:
        texts = _texts(fields.get(key))
        texts = clean_list(part for text in texts for part in text.split(",")) if split_commas else clean_list(texts)
        if texts:
            return texts
    return []


def _first_image(fields: dict[str, Any]) -> str | None:
    """The first image the front matter names, looking inside nested image values."""
    for key in _IMAGE_KEYS:
        image = _image_of(fields.get(key))
        if image:
            return image
    return None


def _image_of(value: Any) -> str | None:
    """The image address in a value: a string, a list (its first), or a mapping with `src`/`url`."""
    if isinstance(value, list):
        return next((image for item in value if (image := _image_of(item))), None)
    if isinstance(value, dict):
        return next((image for key in _NESTED_IMAGE_KEYS if (image := _image_of(value.get(key)))), None)
    return _scalar_text(value) if isinstance(value, str) else None
