"""Canonical URLs: one spelling per page, so a page gets one `doc_id` however it was linked.

courlan does the normalization (lower-cased scheme and host, default ports dropped, query
sorted, tracking parameters such as utm_*, fbclid and gclid removed); this module adds what it
leaves: unwrapping the URLs of known proxies, relays, caches and archives that embed the real
URL, resolving `.`/`..` segments and dropping fragments.

Only hosts known to serve someone else's page are unwrapped. A site's own share or redirect
page (`https://news.example/share?url=https://other.example/a`) is that site's URL: unwrapping
it would give the page the identity of a site nobody fetched it from.
"""

from __future__ import annotations

import posixpath
import re
from functools import lru_cache
from urllib.parse import SplitResult, parse_qsl, unquote, urlencode, urljoin, urlsplit, urlunsplit

from courlan import normalize_url

# An absolute http(s) URL embedded in another one, plain or percent-encoded.
# Archive paths may have collapsed the scheme's '//' to '/'.
_EMBEDDED = re.compile(r"https?(?::|%3A)(?:/{1,2}|%2F%2F)(?=[^/])", re.IGNORECASE)

# Hosts (and their subdomains) that carry the wrapped URL in their path:
# `https://web.archive.org/web/2021/http://real/x`, `https://archive.ph/newest/http://real/x`,
# `https://cors-anywhere.herokuapp.com/http://real/x`.
_PATH_WRAPPERS = frozenset({
    "web.archive.org", "wayback.archive.org",
    "archive.today", "archive.ph", "archive.is", "archive.li", "archive.md", "archive.vn", "archive.fo",
    "cors-anywhere.herokuapp.com", "thingproxy.freeboard.io", "yacdn.org", "cors.bridged.cc",
})
# Relays whose whole query is the wrapped URL: `https://cors.name.workers.dev/?http://real/x`
# (Cloudflare Workers are the usual home of home-made CORS relays), `https://corsproxy.io/?...`.
_QUERY_WRAPPERS = frozenset({"workers.dev", "corsproxy.io"})
# Redirectors and proxies that carry it in a parameter: (host, path or None for any, parameters).
_PARAM_WRAPPERS: tuple[tuple[str, str | None, tuple[str, ...]], ...] = (
    ("l.facebook.com", "/l.php", ("u",)),
    ("lm.facebook.com", "/l.php", ("u",)),
    ("google.com", "/url", ("q", "url")),
    ("translate.google.com", "/translate", ("u",)),
    ("translate.googleusercontent.com", "/translate_c", ("u",)),
    ("corsproxy.io", None, ("url",)),
    ("api.allorigins.win", None, ("url",)),
    ("api.codetabs.com", "/v1/proxy", ("quest",)),
)
# Google's AMP cache: `https://example-com.cdn.ampproject.org/c/s/example.com/a` is
# `https://example.com/a` (`s/` means https); `https://www.google.com/amp/s/example.com/a` too.
_AMP_CACHE = re.compile(r"^/(?:[cvi]/)(s/)?([^/]+\.[^/]+(?:/.*)?)$")
_GOOGLE_AMP = re.compile(r"^/amp/(s/)?([^/]+\.[^/]+(?:/.*)?)$")
# Google Translate's proxy names the site in its host: `www-example-com.translate.goog`.
_TRANSLATE_HOST = ".translate.goog"


def _on(host: str, domain: str) -> bool:
    return host == domain or host.endswith("." + domain)


def _decode_translate_host(label: str) -> str:
    """`www-my--site-com` -> `www.my-site.com` (Google doubles the site's own hyphens)."""
    return label.replace("--", "\0").replace("-", ".").replace("\0", "-")


def _wrapped(url: str) -> str | None:
    """The URL that `url` wraps when its host is a known proxy, relay, cache or archive."""
    try:
        parts = urlsplit(url)
    except ValueError:  # an unclosed IPv6 bracket (`http://[::1`): no host, so no proxy
        return None
    host = (parts.hostname or "").lower()
    if any(_on(host, h) for h in _QUERY_WRAPPERS) and _EMBEDDED.match(parts.query):
        return parts.query
    for domain, path, params in _PARAM_WRAPPERS:
        if _on(host, domain) and (path is None or parts.path == path):
            for key, value in parse_qsl(parts.query, keep_blank_values=True):
                if key in params and _EMBEDDED.match(value):
                    return value
    if any(_on(host, h) for h in _PATH_WRAPPERS):
        found = _EMBEDDED.search(parts.path)
        if found and found.start() > 0:
            return parts.path[found.start():] + (f"?{parts.query}" if parts.query else "")
    amp = _AMP_CACHE.match(parts.path) if host.endswith(".cdn.ampproject.org") else None
    amp = amp or (_GOOGLE_AMP.match(parts.path) if _on(host, "google.com") else None)
    if amp:
        return ("https://" if amp.group(1) else "http://") + amp.group(2) + (f"?{parts.query}" if parts.query else "")
    if host.endswith(_TRANSLATE_HOST) and host != _TRANSLATE_HOST[1:]:
        site = _decode_translate_host(host.removesuffix(_TRANSLATE_HOST))
        query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not k.startswith("_x_tr_")])
        return urlunsplit(("https", site, parts.path or "/", query, ""))
    return None


def unwrap_proxy_url(url: str) -> str:
    """The URL a known proxy, CORS relay, AMP cache, translation proxy, redirector or archive
    wraps, or `url` unchanged.

    Handles `https://cors.x.workers.dev/?http://real/x`, `https://l.facebook.com/l.php?u=http%3A%2F%2Freal%2Fx`,
    `https://web.archive.org/web/2021/http://real/x` and the others above, nested any number
    of times; any other host's URL is returned as it is, whatever its query holds.
    """
    for _ in range(5):
        candidate = _wrapped(url)
        if candidate is None:
            return url
        candidate = unquote(candidate) if "%3a" in candidate[:8].lower() else candidate
        # archive paths collapse '//' to '/': restore the scheme separator
        url = re.sub(r"^(https?):/(?!/)", r"\1://", candidate, flags=re.IGNORECASE)
    return url


def canonical_url(url: str) -> str:
    """The canonical spelling of an http(s) URL; other strings (unparseable ones too) are returned stripped.

    >>> canonical_url("HTTPS://Example.com:443/a/../b?utm_source=x&b=2&a=1#top")
    'https://example.com/b?a=1&b=2'
    """
    url = unwrap_proxy_url(url.strip())
    try:
        parts = urlsplit(url)
    except ValueError:  # `http://[::1`: not a URL, so one of the other strings
        return url
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        return url
    path = parts.path or "/"
    resolved = posixpath.normpath(path)
    if path.endswith("/") and not resolved.endswith("/"):
        resolved += "/"
    resolved = "/" + resolved.lstrip("/")
    keep_fragment = parts.fragment.startswith("!")  # hash-bang routes name distinct pages
    rebuilt = urlunsplit((parts.scheme, parts.netloc, resolved, parts.query, parts.fragment if keep_fragment else ""))
    try:
        return normalize_url(rebuilt)
    except ValueError:
        return rebuilt


def joined_url(base: str, link: str) -> str | None:
    """`link` made absolute against `base`; None when it is no URL at all (`http://[::1`, an
    unclosed IPv6 bracket, which urljoin refuses)."""
    try:
        return urljoin(base, link)
    except ValueError:
        return None


@lru_cache(maxsize=1024)  # a page's metadata asks for its own few addresses' parts again and again
def url_parts(url: str) -> SplitResult | None:
    """`urlsplit(url)`, or None for text that is no URL at all (`http://[::1`, an unclosed IPv6
    bracket, which urlsplit refuses) or whose port is out of range."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        return None
    return parts
