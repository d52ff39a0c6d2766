"""Canonical URLs: one spelling per page, so a page gets one `doc_id` however it was linked.

courlan does the normalization (lower-cased scheme and host, default ports dropped, query
sorted, tracking parameters such as utm_*, fbclid and gclid removed); this module adds what it
leaves: unwrapping proxy and archive prefixes that embed the real URL, resolving `.`/`..`
segments and dropping fragments.
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import parse_qsl, unquote, urlsplit, urlunsplit

from courlan import normalize_url

# An absolute http(s) URL embedded in another one, plain or percent-encoded.
# Archive paths may have collapsed the scheme's '//' to '/'.
_EMBEDDED = re.compile(r"https?(?::|%3A)(?:/{1,2}|%2F%2F)(?=[^/])", re.IGNORECASE)
# Query parameters that commonly carry the target of a redirector or proxy.
_TARGET_PARAMS = {"url", "u", "q", "target", "dest", "destination", "link", "to", "href"}


def unwrap_proxy_url(url: str) -> str:
    """The URL a proxy, CORS relay or archive prefix wraps, or `url` unchanged.

    Handles `https://proxy/?http://real/x`, `https://proxy/?url=http%3A%2F%2Freal%2Fx` and
    `https://web.archive.org/web/2021/http://real/x`, nested any number of times.
    """
    for _ in range(5):
        parts = urlsplit(url)
        candidate = None
        if _EMBEDDED.match(parts.query):
            candidate = parts.query
        else:
            for key, value in parse_qsl(parts.query, keep_blank_values=True):
                if key.lower() in _TARGET_PARAMS and _EMBEDDED.match(value):
                    candidate = value
                    break
        if candidate is None:
            found = _EMBEDDED.search(parts.path)
            if found and found.start() > 0:
                candidate = parts.path[found.start():] + (f"?{parts.query}" if parts.query else "")
        if candidate is None:
            return url
        candidate = unquote(candidate) if "%3a" in candidate[:8].lower() else candidate
        # archive paths collapse '//' to '/': restore the scheme separator
        url = re.sub(r"^(https?):/(?!/)", r"\1://", candidate, flags=re.IGNORECASE)
    return url


def canonical_url(url: str) -> str:
    """The canonical spelling of an http(s) URL; other strings are returned stripped.

    >>> canonical_url("HTTPS://Example.com:443/a/../b?utm_source=x&b=2&a=1#top")
    'https://example.com/b?a=1&b=2'
    """
    url = unwrap_proxy_url(url.strip())
    parts = urlsplit(url)
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
