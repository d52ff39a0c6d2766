"""The report as one self-contained HTML page: inline CSS, charts as inline SVG, no script, no
font, image or style sheet from anywhere else, so it opens offline and prints as it shows.

Built as an ElementTree and serialized once: every value from the warehouse is escaped by the
serializer. Charts show the top rows (sources, languages, scripts, groups) and fold the rest into
"other"; the tables below them list every row, in boxes that scroll on screen and unfold in print.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import date, datetime

from tasks.report.charts import clean_text, colors_for, heatmap, legend, shorten, stacked_bars, stacked_columns
from warehouse.report_data import OTHER, UNTAGGED, DuplicateGroup, ReportData, SourceFigures, Timeline
from warehouse.storage import WarehouseRoot

TOP_ROWS = 20  # sources and scripts drawn as bars; the rest are one "other" bar
TOP_REASONS = 8
SHARE_COLUMNS = ("empty or short", "no title", "no date", "no author", "duplicates")

STYLE = """
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, "Segoe UI", "Noto Sans", "Noto Sans CJK SC", "Noto Sans Thai", "Noto Sans Devanagari",
       "Noto Sans Arabic", sans-serif; color: #1f2328; margin: 0 auto; max-width: 1080px; padding: 24px; }
h1 { font-size: 24px; margin: 0 0 4px; } h2 { font-size: 19px; margin: 36px 0 8px; border-bottom: 1px solid #d0d7de; }
h3 { font-size: 15px; margin: 0; } .meta, .note { color: #57606a; font-size: 12.5px; }
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 8px; margin: 16px 0; }
.tile { border: 1px solid #d0d7de; border-radius: 6px; padding: 8px 10px; }
.tile b { display: block; font-size: 20px; font-variant-numeric: tabular-nums; } .tile span { color: #57606a; font-size: 12px; }
figure.chart { margin: 16px 0 20px; break-inside: avoid; } figure.chart svg { width: 100%; height: auto; display: block; }
figcaption { margin-bottom: 6px; }
.legend { list-style: none; padding: 0; margin: 4px 0 6px; display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 12.5px; }
.swatch { display: inline-block; width: 11px; height: 11px; border-radius: 2px; margin-right: 5px; vertical-align: -1px; }
svg text { font-family: inherit; fill: #1f2328; } svg .tick { font-size: 11px; fill: #57606a; } svg .label { font-size: 12px; }
svg .value { font-size: 11.5px; fill: #24292f; } svg .axis { font-size: 12px; fill: #57606a; }
svg .cell { font-size: 11.5px; fill: #24292f; } svg .cell-dark { font-size: 11.5px; fill: #fff; }
svg .grid { stroke: #eaeef2; } svg .axis-line { stroke: #8c959f; }
.scroll { max-height: 420px; overflow: auto; border: 1px solid #d0d7de; border-radius: 6px; }
table { border-collapse: collapse; width: 100%; font-size: 12.5px; }
th, td { padding: 4px 8px; border-bottom: 1px solid #eaeef2; text-align: left; vertical-align: top; unicode-bidi: plaintext; }
th { position: sticky; top: 0; background: #f6f8fa; } td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
details { margin: 4px 0; } summary { cursor: pointer; }
.empty { color: #57606a; font-style: italic; }
@media print {
  body { max-width: none; padding: 0; font-size: 11px; } .scroll { max-height: none; overflow: visible; border: 0; }
  th { position: static; } details > * { display: block; } h2 { break-after: avoid; }
}
"""


def _element(parent: ET.Element, tag: str, text: object = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k.rstrip("_").replace("_", "-"): v for k, v in attributes.items()})
    if text is not None:
        element.text = clean_text(text)
    return element


def _when(moment: datetime | date | None) -> str:
    if moment is None:
        return "–"
    return moment.strftime("%Y-%m-%d %H:%M UTC") if isinstance(moment, datetime) else moment.isoformat()


def _share(value: float | None) -> str:
    if value is None:
        return "–"
    return "<1%" if 0 < value < 0.005 else f"{value:.0%}"


def _figure(parent: ET.Element, chart: str, title: str, note: str = "") -> ET.Element:
    figure = _element(parent, "figure", **{"class": "chart", "id": chart, "data-chart": chart})
    caption = _element(figure, "figcaption")
    _element(caption, "h3", title)
    if note:
        _element(caption, "div", note, class_="note")
    return figure


def _nothing(figure: ET.Element, text: str) -> None:
    figure.set("data-empty", "true")
    _element(figure, "p", text, class_="empty")


def _table(parent: ET.Element, headers: Sequence[str], rows: Sequence[Sequence[object]], numeric: set[int], table_id: str) -> None:
    box = _element(parent, "div", class_="scroll")
    table = _element(box, "table", id=table_id)
    head = _element(_element(table, "thead"), "tr")
    for i, header in enumerate(headers):
        _element(head, "th", header, **({"class": "n"} if i in numeric else {}))
    body = _element(table, "tbody")
    for row in rows:
        tr = _element(body, "tr")
        for i, value in enumerate(row):
            shown = f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else "–" if value is None else value
            _element(tr, "td", shown, **({"class": "n"} if i in numeric else {}))


def _overview(body: ET.Element, data: ReportData) -> None:
    o = data.overview
    published = f"{_when(o.first_published.date() if o.first_published else None)} – {_when(o.last_published.date() if o.last_published else None)}"
    tiles = _element(body, "div", class_="tiles")
    for value, label in (
        (f"{o.articles:,}", "articles (latest versions)"), (f"{o.versions:,}", "article versions"), (f"{o.sources:,}", "sources"),
        (f"{o.languages:,}", "languages"), (published, "published"), (f"{o.undated:,}", "without a date"),
        (f"{o.duplicates:,}", f"duplicates in {o.groups:,} groups"), (f"{o.quarantined:,}", "inputs quarantined"),
        (f"{o.runs:,}", f"runs, last {_when(o.last_run)}"),
    ):
        tile = _element(tiles, "div", class_="tile")
        _element(tile, "b", value)
        _element(tile, "span", label)


_PERIOD_FORMAT = {"day": "%Y-%m-%d", "week": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}


def _period_label(period: date, step: str) -> str:
    if step == "quarter":
        return f"{period.year} Q{(period.month - 1) // 3 + 1}"
    return period.strftime(_PERIOD_FORMAT[step])


def _timeline(body: ET.Element, timeline: Timeline, colors: dict[str, str]) -> None:
    _element(body, "h2", "Articles over time")
    notes = [f"by publication date, one column per {timeline.step}" + (" (weeks start on Monday)" if timeline.step == "week" else "")]
    if timeline.undated:
        notes.append(f"{timeline.undated:,} articles without a date not shown")
    if timeline.earlier:
        notes.append(f"{timeline.earlier:,} dated before {_when(timeline.periods[0]) if timeline.periods else '–'} not shown")
    figure = _figure(body, "articles-over-time", f"Articles per {timeline.step} by language", "; ".join(notes))
    figure.set("data-step", timeline.step)
    if not timeline.counts:
        _nothing(figure, "No article has a publication date.")
        return
    series_colors = {name: colors[name] for name in timeline.languages}
    figure.append(legend(series_colors))
    keys = [p.isoformat() for p in timeline.periods]
    counts = {(p.isoformat(), name): n for (p, name), n in timeline.counts.items()}
    labels = [_period_label(p, timeline.step) for p in timeline.periods]
    figure.append(stacked_columns(keys, labels, timeline.languages, counts, series_colors, f"articles per {timeline.step}"))


def _top_with_other(names: Sequence[str], what: str) -> tuple[list[str], list[str]]:
    """The first TOP_ROWS names and the rest; the chart's rows end with an "other" row for the rest."""
    shown, rest = list(names[:TOP_ROWS]), list(names[TOP_ROWS:])
    return (shown + [f"{OTHER} ({len(rest):,} {what})"] if rest else shown), rest


def _sources(body: ET.Element, sources: list[SourceFigures]) -> None:
    _element(body, "h2", "Sources")
    by_name = {s.source: s for s in sources}
    rows, rest = _top_with_other([s.source for s in sources], "sources")
    members = {row: [by_name[row]] if row in by_name else [by_name[name] for name in rest] for row in rows}

    figure = _figure(body, "source-inputs", "Inputs per source: what became of them",
                     "inputs a run added (new versions and failures), summed over runs; the number at each bar's end")
    if not sources:
        _nothing(figure, "No ingest run has added anything yet.")
    else:
        colors = {"articles": "#59a14f", "quarantined": "#e15759"}
        figure.append(legend(colors))
        counts = {(row, name): sum(getattr(s, name) for s in group) for row, group in members.items() for name in colors}
        totals = {row: sum(s.inputs for s in group) for row, group in members.items()}
        figure.append(stacked_bars(rows, list(colors), counts, colors, "inputs", totals))

    reasons: dict[str, int] = {}
    for s in sources:
        for reason, n in s.reasons.items():
            reasons[reason] = reasons.get(reason, 0) + n
    top = [r for r, _ in sorted(reasons.items(), key=lambda item: (-item[1], item[0]))[:TOP_REASONS]]
    series = top + ([OTHER] if len(reasons) > len(top) else [])
    quarantining = [s for s in sources if s.quarantined]
    figure = _figure(body, "quarantine-reasons", "Quarantined inputs per source by reason (stage/reason)")
    if not quarantining:
        _nothing(figure, "No input was quarantined.")
    else:
        colors = colors_for(series, [OTHER])
        figure.append(legend(colors))
        q_rows, q_rest = _top_with_other([s.source for s in sorted(quarantining, key=lambda s: (-s.quarantined, s.source))], "sources")
        q_members = {row: [by_name[row]] if row in by_name else [by_name[name] for name in q_rest] for row in q_rows}
        counts = {}
        for row, group in q_members.items():
            for s in group:
                for reason, n in s.reasons.items():
                    key = (row, reason if reason in top else OTHER)
                    counts[key] = counts.get(key, 0) + n
        figure.append(stacked_bars(q_rows, series, counts, colors, "quarantined inputs"))

    figure = _figure(body, "source-quality", "Body and metadata quality per source",
                     "share of empty or very short bodies (under 50 words), of articles without a title, a date or an author, "
                     "and of duplicates (members of a group other than its canonical article; – before dedup ran)")
    if not sources:
        _nothing(figure, "No ingest run has added anything yet.")
    else:
        shares = {}
        for row, group in members.items():
            merged = SourceFigures(row, 0, None, *(sum(getattr(s, f) for s in group) for f in (
                "inputs", "articles", "quarantined", "empty_bodies", "short_bodies", "missing_title", "missing_published_at",
                "missing_authors", "deduplicated", "duplicates")), None)
            shares.update({(row, column): value for column, value in merged.shares.items()})
        figure.append(heatmap(rows, SHARE_COLUMNS, shares, "share per source"))

    _element(body, "h3", f"Every source ({len(sources):,})")
    _table(body, ("source", "runs", "last run", "inputs", "articles", "quarantined", "top quarantine reasons", *SHARE_COLUMNS, "median words"), [
        (s.source, s.runs, _when(s.last_run), s.inputs, s.articles, s.quarantined,
         ", ".join(f"{r} {n:,}" for r, n in list(s.reasons.items())[:3]), *(_share(v) for v in s.shares.values()),
         "–" if s.median_words is None else f"{s.median_words:g}")
        for s in sources
    ], numeric={1, 3, 4, 5, 7, 8, 9, 10, 11, 12}, table_id="sources-table")


def _alerts(body: ET.Element, data: ReportData) -> None:
    _element(body, "h3", "Recent run alerts")
    if not data.alerts:
        _element(body, "p", "No run has found a source's figures far outside its recent runs.", class_="empty")
        return
    _table(body, ("raised", "source", "figure", "alert"), [(_when(a.raised_at), a.source, a.figure, a.message) for a in data.alerts],
           numeric=set(), table_id="alerts-table")


def _group_title(group: DuplicateGroup) -> str:
    titled = next((m.title for m in group.members if m.title), None)
    return titled or group.group_id


def _groups(body: ET.Element, groups: list[DuplicateGroup]) -> None:
    _element(body, "h2", "Largest duplicate groups")
    figure = _figure(body, "duplicate-groups", "Articles per duplicate group (the largest groups)",
                     "each bar a group, named by its canonical article; kinds: exact copies, near copies, translations")
    if not groups:
        _nothing(figure, "No duplicate group yet (run `pressroom dedup`).")
        return
    colors = {"articles": "#4e79a7"}
    figure.append(legend(colors))
    # rows are keyed by group id (titles may repeat); the labels say what a group is
    labels = {g.group_id: f"{shorten(_group_title(g), 24)} ({', '.join(g.kinds)})" for g in groups}
    counts = {(g.group_id, "articles"): g.size for g in groups}
    figure.append(stacked_bars([g.group_id for g in groups], list(colors), counts, colors, "articles in the group", labels=labels))
    for g in groups:
        details = _element(body, "details")
        _element(details, "summary", f"{_group_title(g)} — {g.size:,} articles ({', '.join(g.kinds)})")
        _table(details, ("title", "site", "language", "kind", "published", "canonical"), [
            (m.title or "(no title)", m.site, m.language or UNTAGGED, m.dup_kind, _when(m.published_at), "yes" if m.is_canonical else "")
            for m in g.members
        ], numeric=set(), table_id=f"group-{g.group_id}")
        if g.size > len(g.members):
            _element(details, "div", f"and {g.size - len(g.members):,} more", class_="note")


def _scripts(body: ET.Element, scripts: dict[str, dict[str, int]], colors: dict[str, str]) -> None:
    _element(body, "h2", "Languages by script")
    figure = _figure(body, "language-by-script", "Articles per script (ISO 15924) by language")
    if not scripts:
        _nothing(figure, "No article yet.")
        return
    rows, rest = _top_with_other(list(scripts), "scripts")
    series = [name for name in colors if name != OTHER] + [OTHER]
    counts: dict[tuple[str, str], int] = {}
    for row in rows:
        for script in [row] if row in scripts else rest:
            for language, n in scripts[script].items():
                key = (row, language if language in colors else OTHER)
                counts[key] = counts.get(key, 0) + n
    used = [name for name in series if any(counts.get((row, name)) for row in rows)]
    figure.append(legend({name: colors[name] for name in used}))
    figure.append(stacked_bars(rows, used, counts, colors, "articles"))
    _table(body, ("script", "articles", "languages"), [
        (script, sum(languages.values()), ", ".join(f"{language} {n:,}" for language, n in languages.items()))
        for script, languages in scripts.items()
    ], numeric={1}, table_id="scripts-table")


def render_page(data: ReportData, root: WarehouseRoot, generated_at: datetime) -> str:
    """The report page for the warehouse at `root`, as HTML text."""
    html = ET.Element("html", lang="en")
    head = _element(html, "head")
    _element(head, "meta", charset="utf-8")
    _element(head, "meta", name="viewport", content="width=device-width, initial-scale=1")
    _element(head, "title", f"pressroom report — {root}")
    _element(head, "style").text = STYLE
    body = _element(html, "body")
    _element(body, "h1", "pressroom report")
    _element(body, "div", f"warehouse {root} · generated {_when(generated_at)}", class_="meta")
    _overview(body, data)
    # one color per language across the page: the most frequent ones by name, the rest "other"
    colors = colors_for([*data.top_languages, OTHER], [OTHER, UNTAGGED])
    _timeline(body, data.timeline, colors)
    _sources(body, data.sources)
    _alerts(body, data)
    _groups(body, data.groups)
    _scripts(body, data.scripts, colors)
    return "<!DOCTYPE html>\n" + ET.tostring(html, encoding="unicode", method="html") + "\n"
