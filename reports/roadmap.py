"""The roadmap page (`rotaplan roadmap`): one self-contained HTML page, no external assets.

A table of the yearly figures (each read from that year's plan, runs/roadmap.py) and one small line chart
per figure, year by year, in the style of the sweep's trade-off chart (runs/sweep.py `svg_chart`); the R3 and
R10 charts draw their target as a dashed line. The verdict sentence (first year the targets are met, or why
not) heads the page."""

from __future__ import annotations

import html

import pandas as pd

from ..models.messages import register, text
from .compare import _CSS, _fmt
from .words import html_lang

register({
    "roadmap.title": ("rotaplan roadmap {name}", "rotaplan路线图 {name}"),
    "roadmap.h1": ("Roadmap {name}: {first} to {last}", "路线图 {name}：{first}—{last}年"),
    "roadmap.h.charts": ("Year by year", "逐年变化"),
    "roadmap.h.table": ("The yearly plans", "各年方案"),
    "roadmap.note": ("Every figure is the one of that year's plan (its kpis.json); each plan is in the folder "
                     "named by its year and can be checked with `rotaplan check DIR/<year>`.",
                     "所有数字均取自当年方案（kpis.json）；各年方案在以年份命名的文件夹中，可用"
                     "`rotaplan check DIR/<年份>`复核。"),
})

# (figure, its words, rule id, target policy key or None); the R9 pairs share one chart
CHARTS = (
    ("young_rural_leader_share", "R3 young rural leader share", "young_rural_leader_share"),
    ("degree_ratio_urban_rural", "R10 urban/rural bachelor ratio", "degree_ratio_max"),
    (("bachelor_share_rural", "bachelor_share_urban"), "R9 bachelor+ share (rural, urban)", None),
    (("backbone_share_rural", "backbone_share_urban"), "R9 district+ backbone share (rural, urban)", None),
    ("r11_exchanged", "R11 teachers exchanged", None),
    ("moves", "moves", None),
    ("uncovered_lessons", "uncovered lessons", None),
    ("itinerant_teachers", "itinerant teachers", None),
)
COLORS = ("#3461a8", "#c0262d", "#17803d", "#a06b00", "#7a3ea8")
COLUMNS = ("year", "status", "run_id", "young_rural_leader_share", "R3", "bachelor_share_rural",
           "bachelor_share_urban", "backbone_share_rural", "backbone_share_urban", "degree_ratio_urban_rural", "R10",
           "r11_exchanged", "r11_exchange_share", "moves", "uncovered_lessons", "itinerant_teachers", "r16_returned",
           "retirements", "staff")


def line_chart(df: pd.DataFrame, keys, title: str, target: float | None = None, w: int = 330,
               h: int = 200) -> str:
    """A small SVG line chart of df[key] over df['year'] (one line per key), with an optional target line."""
    keys = (keys,) if isinstance(keys, str) else tuple(keys)
    d = df[df["status"] != "infeasible"] if "status" in df else df
    series = {k: [(int(y), float(v)) for y, v in zip(d["year"], d[k]) if v is not None and not pd.isna(v)]
              for k in keys if k in d}
    return chart(series, title, target, w, h)


def chart(series: dict[str, list[tuple[int, float]]], title: str, target: float | None = None, w: int = 330,
          h: int = 200) -> str:
    """A small SVG chart of (year, value) lines, one per series, with an optional dashed target line."""
    pts = [p for s in series.values() for p in s]
    e = html.escape
    if not pts:
        return f"<div class='chart'><b>{e(title)}</b><p>-</p></div>"
    xs = [x for x, _ in pts]
    ys = [y for _, y in pts] + ([target] if target is not None else [])
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    if y0 == y1:
        y0, y1 = y0 - 1, y1 + 1
    pad, left = 36, 52  # room for the year labels below and the value labels on the left

    def sx(v: float) -> float:
        return left + (0 if x1 == x0 else (v - x0) / (x1 - x0)) * (w - left - pad)

    def sy(v: float) -> float:
        return h - pad - (v - y0) / (y1 - y0) * (h - 2 * pad)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-size="10" '
             'font-family="sans-serif">',
             f'<text x="{w / 2}" y="12" text-anchor="middle" font-weight="bold">{e(title)}</text>',
             f'<line x1="{left}" y1="{h - pad}" x2="{w - pad}" y2="{h - pad}" stroke="#444"/>',
             f'<line x1="{left}" y1="{pad}" x2="{left}" y2="{h - pad}" stroke="#444"/>',
             f'<text x="{left - 4}" y="{h - pad}" text-anchor="end">{y0:.4g}</text>',
             f'<text x="{left - 4}" y="{pad + 4}" text-anchor="end">{y1:.4g}</text>']
    for year in sorted(set(xs)):
        parts.append(f'<text x="{sx(year):.1f}" y="{h - pad + 14}" text-anchor="middle">{year}</text>')
    if target is not None:
        parts.append(f'<line x1="{left}" y1="{sy(target):.1f}" x2="{w - pad}" y2="{sy(target):.1f}" '
                     f'stroke="#17803d" stroke-dasharray="4 3"><title>target {target:g}</title></line>')
    for i, (k, s) in enumerate(series.items()):
        color = COLORS[i % len(COLORS)]
        if len(s) > 1:
            line = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in s)
            parts.append(f'<polyline points="{line}" fill="none" stroke="{color}" stroke-width="2"/>')
        for x, y in s:
            parts.append(f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="3.5" fill="{color}">'
                         f'<title>{x} {e(k)} {y:g}</title></circle>')
    parts.append("</svg>")
    legend = ""
    if len(series) > 1:  # below the chart, so it never hides a line
        legend = "<br>" + " ".join(f'<span style="color:{COLORS[i % len(COLORS)]}">&#9679; {e(k)}</span>'
                                   for i, k in enumerate(series))
    return "<div class='chart'>" + "".join(parts) + f"<small>{legend}</small></div>"


def roadmap_html(name: str, df: pd.DataFrame, verdict: str, pol, lang: str | None = None) -> str:
    """The page: verdict, charts, table."""
    e = html.escape
    first = int(df["year"].min()) if len(df) else ""
    last = int(df["year"].max()) if len(df) else ""
    charts = []
    for keys, title, target_key in CHARTS:
        target = float(getattr(pol, target_key)) if target_key else None
        charts.append(line_chart(df, keys, title, target))
    cols = [c for c in COLUMNS if c in df.columns]
    table = ["<table><tr>" + "".join(f"<th>{e(c)}</th>" for c in cols) + "</tr>"]
    for r in df.to_dict("records"):
        cells = []
        for c in cols:
            v = r.get(c)
            cls = f' class="{e(str(v))}"' if c in ("R3", "R10") and v else ""
            cells.append(f"<td{cls}>{e(_fmt(v))}</td>")
        table.append("<tr>" + "".join(cells) + "</tr>")
    table.append("</table>")
    return "\n".join([
        "<!DOCTYPE html>", f'<html lang="{html_lang(lang)}"><head><meta charset="utf-8">',
        f"<title>{e(text('roadmap.title', lang, name=name))}</title>",
        f"<style>{_CSS}.chart{{display:inline-block;margin:4px}}</style></head><body>",
        f"<h1>{e(text('roadmap.h1', lang, name=name, first=first, last=last))}</h1>",
        f"<p><b>{e(verdict)}</b></p>",
        f"<h2>{e(text('roadmap.h.charts', lang))}</h2>", "\n".join(charts),
        f"<h2>{e(text('roadmap.h.table', lang))}</h2>", "\n".join(table),
        f"<p><small>{e(text('roadmap.note', lang))}</small></p>",
        "</body></html>"])


# ---- two or more roadmaps side by side (`rotaplan compare RM1 RM2`) -------------------------------------
register({
    "roadmap.cmp.title": ("rotaplan roadmaps compared", "rotaplan路线图对比"),
    "roadmap.cmp.h1": ("Roadmaps compared: {names}", "路线图对比：{names}"),
    "roadmap.cmp.verdicts": ("What each roadmap reaches", "各路线图的结论"),
})
COMPARED = ("young_rural_leader_share", "degree_ratio_urban_rural", "bachelor_share_rural", "backbone_share_rural",
            "r11_exchanged", "moves", "uncovered_lessons", "itinerant_teachers")


def compare_table(roadmaps: list[dict]) -> pd.DataFrame:
    """Year by year, each compared figure of each roadmap (`roadmaps`: name, rows, verdict), as the plans
    report it: one row per (year, figure), one column per roadmap."""
    rows: dict[tuple[int, str], dict] = {}
    for rm in roadmaps:
        for r in rm["rows"]:
            for k in COMPARED:
                rows.setdefault((int(r["year"]), k), {})[rm["name"]] = r.get(k)
    return pd.DataFrame([{"year": y, "figure": k, **v} for (y, k), v in sorted(rows.items())], dtype=object)


def compare_html(roadmaps: list[dict], pol, lang: str | None = None) -> str:
    """The comparison page: each roadmap's verdict, one chart per figure with a line per roadmap, the table."""
    e = html.escape
    names = [rm["name"] for rm in roadmaps]
    charts = []
    for keys, title, target_key in CHARTS:
        key = keys if isinstance(keys, str) else keys[0]
        series = {rm["name"]: [(int(r["year"]), float(r[key])) for r in rm["rows"]
                               if r.get(key) is not None and not pd.isna(r.get(key))] for rm in roadmaps}
        target = float(getattr(pol, target_key)) if target_key else None
        charts.append(chart(series, title if isinstance(keys, str) else f"{title.split(' (')[0]} (rural)", target))
    table = compare_table(roadmaps)
    head = "<table><tr>" + "".join(f"<th>{e(str(c))}</th>" for c in table.columns) + "</tr>"
    body = ["<tr>" + "".join(f"<td>{e(_fmt(r[c]))}</td>" for c in table.columns) + "</tr>"
            for r in table.to_dict("records")]
    return "\n".join([
        "<!DOCTYPE html>", f'<html lang="{html_lang(lang)}"><head><meta charset="utf-8">',
        f"<title>{e(text('roadmap.cmp.title', lang))}</title>",
        f"<style>{_CSS}.chart{{display:inline-block;margin:4px}}</style></head><body>",
        f"<h1>{e(text('roadmap.cmp.h1', lang, names=', '.join(names)))}</h1>",
        f"<h2>{e(text('roadmap.cmp.verdicts', lang))}</h2><ul>",
        *[f"<li><b>{e(rm['name'])}</b>: {e(rm['verdict'])}</li>" for rm in roadmaps], "</ul>",
        f"<h2>{e(text('roadmap.h.charts', lang))}</h2>", "\n".join(charts),
        f"<h2>{e(text('roadmap.h.table', lang))}</h2>", head, *body, "</table>",
        "</body></html>"])
