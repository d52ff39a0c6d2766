"""Value cleaning: the one entity rule, one line of text, one list."""

from __future__ import annotations

import pytest

from tasks.clean.values import clean_list, clean_text, unescape_entities


def test_entities_are_unescaped_but_bare_ampersands_stay() -> None:
    assert unescape_entities("AT&T &amp; Co &#8211; ?a=1&b=2 &nbsp;x") == "AT&T & Co – ?a=1&b=2 \xa0x"
    assert clean_text("<b>Breaking</b>&nbsp;news  \n today") == "Breaking news today"
    assert clean_text("  ") is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # HTML5 named, decimal and hexadecimal references
        ("Agn&egrave;s &#x2014; O&#39;Brien &hellip; &euro;5", "Agnès — O'Brien … €5"),
        # legacy names without `;` are text: html.unescape would make these `¶=2`, `©=3`, `¬`
        ("https://example.com/i.jpg?w=1&para=2&copy=3", "https://example.com/i.jpg?w=1&para=2&copy=3"),
        ("Fish &not chips", "Fish &not chips"),
        # escaped three times, as some feeds do
        ("Tom &amp;amp;amp; Jerry", "Tom & Jerry"),
        ("&amp;lt;em&amp;gt;Escaped twice&amp;lt;/em&amp;gt;", "Escaped twice"),
        ("<!-- teaser -->Title<br/>", "Title"),
    ],
)
def test_clean_text_decodes_complete_references_only(value: str, expected: str) -> None:
    assert clean_text(value) == expected


def test_body_text_is_unescaped_once() -> None:
    # an article about HTML that shows an escape keeps it
    assert unescape_entities("Write &amp;amp; for &amp;.") == "Write &amp; for &."


def test_clean_list_takes_any_iterable() -> None:
    assert clean_list(name for name in ["Politik", "politik", "<i>Wirtschaft</i>", "Wirtschaft &amp; Finanzen"]) == [
        "Politik",
        "Wirtschaft",
        "Wirtschaft & Finanzen",
    ]
