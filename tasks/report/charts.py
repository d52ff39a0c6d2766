"""Charts as inline SVG elements, drawn in Python: nothing to download or run to see them, and
they print as sharp as the text.

Every chart is built with ElementTree, so every label (a title in any script, one with `<script>`
in it) is escaped by the serializer, not by hand. Each mark (a bar segment, a heatmap cell) is a
`rect` of class `mark` carrying its data: `data-key` (its row or period, `|`, its series) and
`data-value`, and a `title` a browser shows on hover; a test reads them back against DuckDB.
"""

from __future__ import annotations

import math
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Sequence

PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f")
MUTED = "#bab0ac"  # "other", "untagged": the series that are not one thing
WIDTH = 960
LABEL_WIDTH = 230  # room for row labels left of horizontal bars
ROW_HEIGHT = 22
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def clean_text(text: object) -> str:
    """`text` as a string fit for a page: control characters (which no page shows, and XML
    refuses) removed; escaping is the serializer's."""
    return _CONTROL.sub("", str(text))


def shorten(text: object, columns: int) -> str:
    """`text` cut to about `columns` terminal columns (wide characters count two), with `…`."""
    out, used = [], 0
    for char in clean_text(text):
        width = 2 if unicodedata.east_asian_width(char) in "WF" else 0 if unicodedata.combining(char) else 1
        if used + width > columns - 1:
            return "".join(out).rstrip() + "…"
        out.append(char)
        used += width
    return "".join(out)


def colors_for(series: Sequence[str], muted: Sequence[str]) -> dict[str, str]:
    """A color per series, in order; the series in `muted` grey."""
    colors, palette = {}, iter(PALETTE * (1 + len(series) // len(PALETTE)))
    for name in series:
        colors[name] = MUTED if name in muted else next(palette)
    return colors


def nice_ticks(top: float, count: int = 5) -> list[float]:
    """Round axis ticks from 0 to at least `top` (steps of 1, 2 or 5 times a power of ten)."""
    if top <= 0:
        return [0, 1]
    raw = top / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    step = max(step, 1) if top >= 1 else step
    return [i * step for i in range(int(math.ceil(top / step)) + 1)]


def number(value: float) -> str:
    """A count with thousands separators; a tick value without a needless `.0`."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2g}"


def _svg(height: float, label: str) -> ET.Element:
    return ET.Element("svg", {
        "xmlns": "http://www.w3.org/2000/svg", "viewBox": f"0 0 {WIDTH} {math.ceil(height)}", "role": "img", "aria-label": clean_text(label),
    })


def _text(parent: ET.Element, x: float, y: float, text: str, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, "text", {"x": f"{x:.1f}", "y": f"{y:.1f}", **attributes})
    element.text = clean_text(text)
    return element


def _mark(parent: ET.Element, x: float, y: float, width: float, height: float, color: str, key: str, value: float, tip: str) -> None:
    rect = ET.SubElement(parent, "rect", {
        "class": "mark", "x": f"{x:.2f}", "y": f"{y:.2f}", "width": f"{max(width, 0.0):.2f}", "height": f"{max(height, 0.0):.2f}",
        "fill": color, "data-key": clean_text(key), "data-value": repr(value) if isinstance(value, float) else str(value),
    })
    ET.SubElement(rect, "title").text = clean_text(tip)


def legend(colors: dict[str, str]) -> ET.Element:
    """The legend of a chart's series, as an HTML list (it wraps on narrow pages)."""
    ul = ET.Element("ul", {"class": "legend"})
    for name, color in colors.items():
        li = ET.SubElement(ul, "li")
        ET.SubElement(li, "span", {"class": "swatch", "style": f"background:{color}"})
        ET.SubElement(li, "span").text = clean_text(name)
    return ul


def stacked_columns(
    periods: Sequence[str], labels: Sequence[str], series: Sequence[str], counts: dict[tuple[str, str], int],
    colors: dict[str, str], axis_label: str,
) -> ET.Element:
    """Vertical stacked columns over time: one column per period (key `periods[i]`, shown as
    `labels[i]`), a segment per series; a count axis on the left, about ten period labels below."""
    height, top, bottom, left, right = 320, 16, 44, 64, 40
    totals = [sum(counts.get((p, s), 0) for s in series) for p in periods]
    ticks = nice_ticks(max(totals, default=0))
    scale = (height - top - bottom) / ticks[-1]
    svg = _svg(height, axis_label)
    plot = WIDTH - left - right
    slot = plot / max(len(periods), 1)
    bar = min(max(slot * 0.8, 0.8), 48.0)  # a day or two of articles: columns, not walls
    for tick in ticks:
        y = height - bottom - tick * scale
        ET.SubElement(svg, "line", {"x1": str(left), "x2": str(WIDTH - right), "y1": f"{y:.1f}", "y2": f"{y:.1f}", "class": "grid"})
        _text(svg, left - 6, y + 4, number(tick), **{"text-anchor": "end", "class": "tick"})
    _text(svg, 14, top + (height - top - bottom) / 2, axis_label, **{"class": "axis", "transform": f"rotate(-90 14 {top + (height - top - bottom) / 2:.0f})", "text-anchor": "middle"})
    every = max(1, math.ceil(len(periods) / 10))
    for i, period in enumerate(periods):
        x = left + i * slot + (slot - bar) / 2
        y = height - bottom
        for name in series:
            n = counts.get((period, name), 0)
            if n:
                _mark(svg, x, y - n * scale, bar, n * scale, colors[name], f"{period}|{name}", n, f"{labels[i]} · {name}: {n:,}")
                y -= n * scale
        if i % every == 0:
            _text(svg, x + bar / 2, height - bottom + 16, labels[i], **{"text-anchor": "middle", "class": "tick"})
    ET.SubElement(svg, "line", {"x1": str(left), "x2": str(WIDTH - right), "y1": str(height - bottom), "y2": str(height - bottom), "class": "axis-line"})
    return svg


def stacked_bars(
    rows: Sequence[str], series: Sequence[str], counts: dict[tuple[str, str], int], colors: dict[str, str], axis_label: str,
    totals: dict[str, int] | None = None, labels: dict[str, str] | None = None,
) -> ET.Element:
    """Horizontal stacked bars: one per row (its label on the left, its total at its end), a
    segment per series, a count axis at the bottom. `totals` overrides the number shown at a
    bar's end (e.g. inputs, where the segments are what became of them); `labels` the label shown
    for a row (rows are keys, which need not be fit to read)."""
    top, bottom = 8, 40
    height = top + bottom + ROW_HEIGHT * max(len(rows), 1)
    sums = {row: sum(counts.get((row, s), 0) for s in series) for row in rows}
    ticks = nice_ticks(max(sums.values(), default=0))
    plot = WIDTH - LABEL_WIDTH - 70
    scale = plot / ticks[-1]
    svg = _svg(height, axis_label)
    for tick in ticks:
        x = LABEL_WIDTH + tick * scale
        ET.SubElement(svg, "line", {"x1": f"{x:.1f}", "x2": f"{x:.1f}", "y1": str(top), "y2": str(height - bottom), "class": "grid"})
        _text(svg, x, height - bottom + 16, number(tick), **{"text-anchor": "middle", "class": "tick"})
    _text(svg, LABEL_WIDTH + plot / 2, height - 6, axis_label, **{"text-anchor": "middle", "class": "axis"})
    for i, row in enumerate(rows):
        y = top + i * ROW_HEIGHT
        name = (labels or {}).get(row, row)
        label = _text(svg, LABEL_WIDTH - 8, y + ROW_HEIGHT * 0.68, shorten(name, 34), **{"text-anchor": "end", "class": "label"})
        ET.SubElement(label, "title").text = clean_text(name)
        x = LABEL_WIDTH
        for name in series:
            n = counts.get((row, name), 0)
            if n:
                _mark(svg, x, y + 3, n * scale, ROW_HEIGHT - 6, colors[name], f"{row}|{name}", n, f"{row} · {name}: {n:,}")
                x += n * scale
        shown = (totals or sums).get(row, sums[row])
        _text(svg, x + 5, y + ROW_HEIGHT * 0.68, f"{shown:,}", **{"class": "value"})
    return svg


def _heat(share: float) -> str:
    """White through orange to deep red as a share goes from 0 to 1."""
    low, high = (255, 245, 235), (165, 15, 21)
    return "#" + "".join(f"{round(a + (b - a) * share ** 0.6):02x}" for a, b in zip(low, high))


def heatmap(rows: Sequence[str], columns: Sequence[str], shares: dict[tuple[str, str], float | None], axis_label: str) -> ET.Element:
    """A table of shares as colored cells (row labels on the left, column labels on top, the
    percentage written in each cell; an empty cell where there is nothing to share)."""
    top, cell = 34, (WIDTH - LABEL_WIDTH - 10) / max(len(columns), 1)
    height = top + ROW_HEIGHT * max(len(rows), 1) + 8
    svg = _svg(height, axis_label)
    for j, column in enumerate(columns):
        _text(svg, LABEL_WIDTH + (j + 0.5) * cell, top - 10, column, **{"text-anchor": "middle", "class": "label"})
    for i, row in enumerate(rows):
        y = top + i * ROW_HEIGHT
        label = _text(svg, LABEL_WIDTH - 8, y + ROW_HEIGHT * 0.68, shorten(row, 34), **{"text-anchor": "end", "class": "label"})
        ET.SubElement(label, "title").text = clean_text(row)
        for j, column in enumerate(columns):
            share = shares.get((row, column))
            x = LABEL_WIDTH + j * cell
            if share is None:
                _text(svg, x + cell / 2, y + ROW_HEIGHT * 0.68, "–", **{"text-anchor": "middle", "class": "tick"})
                continue
            _mark(svg, x + 1, y + 1, cell - 2, ROW_HEIGHT - 2, _heat(share), f"{row}|{column}", share, f"{row} · {column}: {share:.1%}")
            _text(svg, x + cell / 2, y + ROW_HEIGHT * 0.68, f"{share:.0%}" if share == 0 or share >= 0.005 else "<1%",
                  **{"text-anchor": "middle", "class": "cell-dark" if share > 0.45 else "cell"})
    return svg
