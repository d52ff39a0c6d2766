"""Canonical URLs and proxy unwrapping, as the metadata stage relies on them."""

from __future__ import annotations

import pytest

from tasks.urls import canonical_url, unwrap_proxy_url


@pytest.mark.parametrize(
    ("wrapped", "expected"),
    [
        (
            "https://cors.zfour.workers.dev/?http://zkres2.myzaker.com/202108/610ce1ad8e9f0904fe64126a_1024.jpg",
            "http://zkres2.myzaker.com/202108/610ce1ad8e9f0904fe64126a_1024.jpg",
        ),
        ("https://api.allorigins.win/raw?url=http%3A%2F%2Freal.example%2Fx%3Fa%3D1", "http://real.example/x?a=1"),
        ("https://web.archive.org/web/20210806000704/http://real.example/x", "http://real.example/x"),
        ("https://web.archive.org/web/20210806000704id_/http:/real.example/x", "http://real.example/x"),
        ("https://archive.ph/newest/https://real.example/x", "https://real.example/x"),
        ("https://l.facebook.com/l.php?u=https%3A%2F%2Freal.example%2Fa%3Fb%3D1&h=AT0x", "https://real.example/a?b=1"),
        ("https://www.google.com/url?q=https://real.example/a&sa=D", "https://real.example/a"),
        ("https://real-example.cdn.ampproject.org/c/s/real.example/2024/a.amp", "https://real.example/2024/a.amp"),
        ("https://www.google.com/amp/s/real.example/a", "https://real.example/a"),
        ("https://www-my--site-example.translate.goog/a?_x_tr_sl=es&_x_tr_tl=en&id=3", "https://www.my-site.example/a?id=3"),
        (
            "https://relay.workers.dev/?https://corsproxy.io/?http://real.example/x.jpg",
            "http://real.example/x.jpg",
        ),
        ("https://example.com/search?q=vaccines", "https://example.com/search?q=vaccines"),
        ("https://example.com/a/b.html", "https://example.com/a/b.html"),
    ],
)
def test_unwrap_proxy_url(wrapped: str, expected: str) -> None:
    assert unwrap_proxy_url(wrapped) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTPS://Example.com:443/a/../b?utm_source=x&b=2&a=1#top", "https://example.com/b?a=1&b=2"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com/a/?fbclid=123", "https://example.com/a/"),
        ("https://example.com/app#!/story/1", "https://example.com/app#!/story/1"),
        ("  https://cors.name.workers.dev/?http://real.example/x.jpg ", "http://real.example/x.jpg"),
        ("  mailto:news@example.com ", "mailto:news@example.com"),
        ("/relative/path", "/relative/path"),
    ],
)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


def test_canonical_url_is_idempotent() -> None:
    for url in ("HTTPS://Example.com:443/a/../b?utm_source=x&b=2&a=1#top", "http://x.example/%7Euser/?b=1&a=2"):
        once = canonical_url(url)
        assert canonical_url(once) == once


@pytest.mark.parametrize(
    "own_page",
    [
        "https://news.example/share?url=https://other.example/a",
        "https://news.example/?https://other.example/a",
        "https://news.example/redirect?to=https%3A%2F%2Fother.example%2Fa",
        "https://news.example/out/https://other.example/a",
        "https://www.google.com/search?q=https://other.example/a",
    ],
)
def test_a_sites_own_share_or_redirect_page_keeps_its_identity(own_page: str) -> None:
    """Only known proxies are unwrapped: a site's own share page is that site's URL."""
    assert unwrap_proxy_url(own_page) == own_page
    assert canonical_url(own_page).startswith(("https://news.example/", "https://www.google.com/"))
