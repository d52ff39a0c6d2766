"""The report's drawing rules: axis ticks, label widths, control characters, the timeline's step,
and labels that are markup staying text in the SVG."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from lxml import html as lxml_html

from tasks.report.charts import clean_text, colors_for, nice_ticks, shorten, stacked_bars
from warehouse.report_data import _step


@pytest.mark.parametrize(("top", "ticks"), [(1, [0, 1]), (7, [0, 2, 4, 6, 8]), (17, [0, 5, 10, 15, 20]), (51_961, [0, 20_000, 40_000, 60_000])])
def test_ticks_are_round_and_reach_the_top(top: int, ticks: list[int]):
    assert nice_ticks(top) == ticks


def test_labels_are_cut_by_display_width_and_lose_control_characters():
    assert shorten("東京都の新しい図書館が開館しました", 10) == "東京都の…"  # two columns a character
    assert shorten("short", 10) == "short"
    assert clean_text("a\x00b\x1bc\td") == "abc\td"


@pytest.mark.parametrize(("days", "step"), [(1, "day"), (120, "day"), (700, "week"), (3650, "month"), (30 * 365, "quarter"), (60 * 365, "year")])
def test_the_timeline_takes_the_finest_step_that_stays_readable(days: int, step: str):
    first = date(2000, 1, 1)
    assert _step(first, first + timedelta(days=days - 1)) == step


def test_a_label_that_is_markup_stays_text():
    name = '<script>alert(1)</script> & "x"'
    svg = ET.tostring(stacked_bars([name], ["a"], {(name, "a"): 3}, colors_for(["a"], []), "n"), encoding="unicode", method="html")
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    (mark,) = lxml_html.fromstring(svg).iter("rect")  # as a browser's HTML parser reads it
    assert mark.get("data-key") == f"{name}|a" and mark.get("data-value") == "3"
