"""`sql --format table` lines up by terminal columns: Chinese and Japanese take two per
character, Thai and Devanagari marks none."""

from __future__ import annotations

import pytest

from warehouse.display_width import display_width, truncate
from warehouse.query import format_rows

ROWS = [
    ("zh", "全国人大常委会审议通过新修订的法律", 12),
    ("ja", "東京で新しい美術館が開館しました", 8),
    ("th", "นายกรัฐมนตรีเดินทางเยือนจังหวัดเชียงใหม่", 3),
    ("hi", "सूरजपुरा गाँव ने दूर किया जल संकट", 1024),
    ("en", "Plain ASCII title", None),
]


@pytest.mark.parametrize(
    ("text", "width"),
    [
        ("中文", 4),
        ("ｆｕｌｌ", 8),  # fullwidth Latin
        ("สวัสดี", 4),  # two of the six characters are vowel marks above
        ("नमस्ते", 4),  # virama and the e sign combine; न म स त take a column each
        ("किसान", 5),  # the i and aa signs are spacing marks (Mc): a column each
        ("e\u0301", 1),
        ("a\u200db", 2),  # zero-width joiner
        ("abc", 3),
    ],
)
def test_display_width(text: str, width: int):
    assert display_width(text) == width


def _bars(line: str) -> list[int]:
    """The display column of every `|` in a line."""
    columns, width = [], 0
    for char in line:
        if char == "|":
            columns.append(width)
        width += display_width(char)
    return columns


@pytest.mark.parametrize("max_width", [60, 10, 7])
def test_every_bar_lines_up_by_display_width(max_width: int):
    lines = format_rows(["lang", "title", "n"], ROWS, "table", max_width=max_width).splitlines()
    table, footer = lines[:-1], lines[-1]
    assert footer == "(5 rows)"
    header, rule, body = table[0], table[1], table[2:]
    bars = _bars(header)
    assert len(bars) == 2 and all(_bars(line) == bars for line in body)
    assert [i for i, c in enumerate(rule) if c == "+"] == bars  # the rule's crossings under the bars
    assert len({display_width(line.rstrip()) for line in body if not line.endswith("NULL")}) >= 1
    for line in body:
        title = line.split(" | ")[1]
        assert display_width(title.rstrip()) <= max_width


@pytest.mark.parametrize(
    ("text", "max_width", "cut"),
    [
        ("全国人大常委会", 8, "全国人…"),  # 3 wide characters (6) + the ellipsis: a fourth would make 9
        ("全国人大常委会", 14, "全国人大常委会"),
        ("สวัสดีครับ", 5, "สวัสดี…"),  # the marks stay on their consonants
        ("नमस्ते दुनिया", 6, "नमस्ते …"),
        ("abcdef", 4, "abc…"),
    ],
)
def test_truncation_is_by_display_width(text: str, max_width: int, cut: str):
    assert truncate(text, max_width) == cut
    assert display_width(truncate(text, max_width)) <= max_width
