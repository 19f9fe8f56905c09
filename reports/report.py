"""report.html: the plan on one self-contained page for the bureau's leadership.

Everything is inline (SVG charts, CSS, a few lines of script to toggle map layers): the page opens from
a USB stick or an e-mail attachment with no network. Sections: policy figures before / after / target
(R3, R9, R10, R11), moves by township and direction, a map of the schools drawn from their coordinates
(equirectangular projection, no tile server) with moves as arrows and itinerant routes as lines, the
compliance table and the solver summary of each stage.

Every number on the page is a figure of models/figures.py (as kpis.json holds it), and carries it in
`data-figure` / `data-part` / `data-value` attributes, so a test (tests/e2e/test_consistency.py) or a
reader's script can check it against the other outputs.
"""

from __future__ import annotations

import math
from html import escape
from pathlib import Path

import numpy as np
import pandas as pd

from ..models import figures as F

COLORS = {"before": "#9aa5b1", "after": "#1f6feb", "target": "#d1242f",
          "urban_to_rural": "#e36209", "rural_to_urban": "#8250df", "same_area": "#57606a", "new_hire": "#2da44e",
          "urban": "#1f6feb", "rural": "#2da44e", "itinerant": "#d1242f"}
DIRECTIONS = (("urban_to_rural", "urban → rural"), ("rural_to_urban", "rural → urban"),
              ("same_area", "within one area"), ("new_hire", "new hire placed"))
assert tuple(d for d, _ in DIRECTIONS) == F.DIRECTIONS
MAX_ARROWS = 3000  # school pairs drawn on the map; the rest are counted in the caption


def write_report(plan, sc, path: str | Path, violations=None) -> None:
    Path(path).write_text(report_html(plan, sc, violations), encoding="utf-8")


# ---- figures ------------------------------------------------------------------------------------
def plan_kpis(plan, sc) -> dict:
    """kpis.json's before / after / target of the plan: as the plan carries them (computed by
    models/figures.py when the plan was made), else computed now from its rows the same way."""
    k = plan.kpis or {}
    if "after" in k and "before" in k:
        return k
    return {**F.plan_figures(sc, plan.assignments, plan.itinerant), "solver": k.get("solver", {})}


def kpi_panels(plan, sc) -> list[dict]:
    """One small chart per figure: rule, title, figure key, before, after, target, whether it is a share."""
    k = plan_kpis(plan, sc)
    b, a, t = k.get("before", {}), k.get("after", {}), k.get("target", {})
    pol = sc.policy
    panels = [
        ("R3", f"Young rural leaders (share aged ≤ {pol.young_age:d})", "young_rural_leader_share", True),
        ("R9", "Backbone teachers, urban (share)", "backbone_share_urban", True),
        ("R9", "Backbone teachers, rural (share)", "backbone_share_rural", True),
        ("R9", "Bachelor or above, rural compulsory (share)", "bachelor_share_rural", True),
        ("R9", "Associate or above, rural kindergartens (share)", "kindergarten_associate_share_rural", True),
        ("R10", f"Urban / rural bachelor-share ratio (≤ {pol.degree_ratio_max:.2f})", "degree_ratio_urban_rural",
         False),
        ("R11", f"Exchange: share of {a.get('r11_eligible', '–')} eligible teachers who move", "r11_exchange_share",
         True),
        ("R11", "Exchange: backbone share among those who move", "r11_backbone_share", True),
    ]
    return [{"rule": r, "title": title, "key": key, "before": b.get(key), "after": a.get(key),
             "target": t.get(key), "share": share} for r, title, key, share in panels]


def moves_by_township(plan, sc) -> pd.DataFrame:
    """Moves counted by destination township and direction (rows: township, columns: DIRECTIONS)."""
    return F.moves_by_township(sc, F.people(sc, plan.assignments))


# ---- SVG pieces ---------------------------------------------------------------------------------
def _fmt(v, share: bool = False) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    if share:
        return f"{100 * float(v):.1f}%"
    if isinstance(v, float):
        return f"{v:.3f}"
    return str(v)


def kpi_chart(p: dict) -> str:
    """Before / after bars with a dashed target line."""
    w, h, top, bottom = 220, 170, 28, 30
    vals = [v for v in (p["before"], p["after"], p["target"]) if isinstance(v, (int, float))]
    hi = 1.0 if p["share"] else max(vals + [1.0]) * 1.15
    hi = max(hi, max(vals, default=0) * 1.1) or 1.0
    plot_h = h - top - bottom

    def y(v):
        return top + plot_h * (1 - float(v) / hi)

    parts = [f'<svg class="chart kpi" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" '
             f'aria-label="{escape(p["title"])}">',
             f'<text x="4" y="14" class="t">{escape(p["rule"])}</text>',
             f'<line x1="30" y1="{top + plot_h}" x2="{w - 10}" y2="{top + plot_h}" class="axis"/>']
    for i, key in enumerate(("before", "after")):
        v = p[key]
        x = 50 + i * 80
        if isinstance(v, (int, float)):
            parts.append(f'<rect class="bar {key}" x="{x}" y="{y(v):.1f}" width="50" '
                         f'height="{top + plot_h - y(v):.1f}" fill="{COLORS[key]}">'
                         f'<title>{key}: {_fmt(v, p["share"])}</title></rect>')
            parts.append(f'<text x="{x + 25}" y="{y(v) - 4:.1f}" text-anchor="middle">{_fmt(v, p["share"])}</text>')
        else:
            parts.append(f'<text x="{x + 25}" y="{top + plot_h - 4}" text-anchor="middle">–</text>')
        parts.append(f'<text x="{x + 25}" y="{h - 12}" text-anchor="middle" class="lab">{key}</text>')
    if isinstance(p["target"], (int, float)):
        ty = y(p["target"])
        parts.append(f'<line class="target" x1="34" y1="{ty:.1f}" x2="{w - 14}" y2="{ty:.1f}" '
                     f'stroke="{COLORS["target"]}" stroke-dasharray="5 3"/>')
        parts.append(f'<text x="{w - 6}" y="14" text-anchor="end" class="lab" fill="{COLORS["target"]}">'
                     f'- - target {_fmt(p["target"], p["share"])}</text>')
    parts.append("</svg>")
    data = " ".join(_data(p["key"], part, p[part]) for part in ("before", "after", "target"))
    return (f'<figure class="panel" data-figure="{escape(p["key"])}" {data}>{"".join(parts)}'
            f'<figcaption>{escape(p["title"])}</figcaption></figure>')


def _minutes(after: dict) -> str:
    v = after.get("total_travel_minutes")
    return "–" if v is None else f"{float(v):.1f}"


def _raw(v) -> str:
    """A figure's value as data attributes carry it: the number exactly as kpis.json holds it."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    return repr(float(v)) if isinstance(v, float) else str(v)


def _data(key: str, part: str, v) -> str:
    return f'data-{part}="{escape(_raw(v))}"'


def _figure(key: str, v, text: str | None = None, part: str = "after") -> str:
    """A figure in running text, tagged with its name."""
    return (f'<span class="fig" data-figure="{escape(key)}" data-part="{part}" data-value="{escape(_raw(v))}">'
            f'{escape(text if text is not None else _fmt(v))}</span>')


def township_chart(table: pd.DataFrame) -> str:
    """Horizontal stacked bars: moves into each township, by direction."""
    if table.empty:
        return '<p class="note">No one changes school in this plan.</p>'
    row_h, left, w = 22, 150, 860
    h = 30 + row_h * len(table) + 10
    most = int(table.sum(axis=1).max()) or 1
    scale = (w - left - 60) / most
    parts = [f'<svg id="township-chart" class="chart" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" '
             'aria-label="moves by township and direction">']
    x: float = left
    for d, label in DIRECTIONS:  # legend
        parts.append(f'<rect x="{x}" y="4" width="12" height="12" fill="{COLORS[d]}"/>'
                     f'<text x="{x + 16}" y="14" class="lab">{escape(label)}</text>')
        x += 150
    for i, (town, row) in enumerate(table.iterrows()):
        yy = 30 + i * row_h
        parts.append(f'<text x="{left - 6}" y="{yy + 14}" text-anchor="end">{escape(str(town))}</text>')
        x = float(left)
        for d, label in DIRECTIONS:
            n = int(row[d])
            if n:
                parts.append(f'<rect class="seg {d}" x="{x:.1f}" y="{yy}" width="{n * scale:.1f}" height="{row_h - 6}" '
                             f'fill="{COLORS[d]}"><title>{escape(str(town))}: {n} {escape(label)}</title></rect>')
                x += n * scale
        parts.append(f'<text x="{x + 4:.1f}" y="{yy + 13}" class="lab">{int(row.sum())}</text>')
    parts.append("</svg>")
    return "".join(parts)


class Projection:
    """Equirectangular projection of the schools' bounding box onto a width x height canvas."""

    def __init__(self, lat: np.ndarray, lon: np.ndarray, width: int = 900, pad: int = 30, max_height: int = 700):
        lat0, lat1 = float(np.nanmin(lat)), float(np.nanmax(lat))
        lon0, lon1 = float(np.nanmin(lon)), float(np.nanmax(lon))
        self.k = math.cos(math.radians((lat0 + lat1) / 2))  # a degree of longitude is shorter than one of latitude
        span_x = max((lon1 - lon0) * self.k, 1e-6)
        span_y = max(lat1 - lat0, 1e-6)
        self.scale = min((width - 2 * pad) / span_x, (max_height - 2 * pad) / span_y)
        self.lat1, self.lon0, self.pad = lat1, lon0, pad
        self.width = int(span_x * self.scale + 2 * pad)
        self.height = int(span_y * self.scale + 2 * pad)

    def xy(self, lat, lon):
        x = self.pad + (np.asarray(lon, dtype=float) - self.lon0) * self.k * self.scale
        y = self.pad + (self.lat1 - np.asarray(lat, dtype=float)) * self.scale
        return x, y


def _curve(x1, y1, x2, y2, bend: float = 0.15) -> str:
    """A gently bent path from 1 to 2 (bent to the right, so A->B and B->A do not overlap)."""
    mx, my = (x1 + x2) / 2, (y1 + y2) / 2
    dx, dy = x2 - x1, y2 - y1
    cx, cy = mx - dy * bend, my + dx * bend
    return f"M{x1:.1f},{y1:.1f} Q{cx:.1f},{cy:.1f} {x2:.1f},{y2:.1f}"


def map_svg(plan, sc) -> tuple[str, str]:
    """(svg, caption) of the school map with move arrows and itinerant routes."""
    sch = sc.schools.reset_index(drop=True)
    ok = sch["lat"].notna() & sch["lon"].notna()
    sch = sch[ok]
    if sch.empty:
        return '<p class="note">No school has coordinates.</p>', ""
    proj = Projection(sch["lat"].to_numpy(), sch["lon"].to_numpy())
    xs, ys = proj.xy(sch["lat"].to_numpy(), sch["lon"].to_numpy())
    pos = {sid: (x, y) for sid, x, y in zip(sch["school_id"], xs, ys)}
    area = dict(zip(sch["school_id"], sch["area"]))
    a = plan.assignments
    staff_after = a[a["move"] != "retire"].groupby("to_school").size()
    w, h = proj.width, proj.height
    parts = [f'<svg id="map" class="chart" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" '
             'aria-label="map of schools, moves and itinerant routes">',
             '<defs>' + "".join(
                 f'<marker id="arrow-{d}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" '
                 f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{COLORS[d]}"/></marker>'
                 for d, _ in DIRECTIONS[:3]) + '</defs>',
             f'<rect width="{w}" height="{h}" fill="#f6f8fa"/>']
    # township labels at the centre of their schools
    parts.append('<g id="layer-townships" class="layer">')
    for town, g in sch.assign(x=xs, y=ys).groupby("township"):
        parts.append(f'<text class="town" x="{g["x"].mean():.1f}" y="{g["y"].mean():.1f}" text-anchor="middle">'
                     f'{escape(str(town))}</text>')
    parts.append("</g>")
    # itinerant routes: home school -> stop 1 -> stop 2 ... per teacher and day, drawn once per school pair
    it = plan.itinerant
    n_routes = 0
    parts.append('<g id="layer-itinerant" class="layer">')
    if len(it):
        home = a.set_index("person_id")["to_school"]
        it = it.sort_values(["person_id", "day", "seq"], kind="stable")
        prev = it.groupby(["person_id", "day"])["school_id"].shift(1)
        prev = prev.fillna(it["person_id"].map(home))
        seg = pd.DataFrame({"a": prev.to_numpy(), "b": it["school_id"].to_numpy()})
        seg = seg[seg["a"] != seg["b"]]
        key = np.where(seg["a"] < seg["b"], seg["a"] + "|" + seg["b"], seg["b"] + "|" + seg["a"])
        counts = pd.Series(key).value_counts()
        n_routes = int(it.groupby(["person_id", "day"]).ngroups)
        for k, n in counts.items():
            s1, s2 = k.split("|")
            if s1 in pos and s2 in pos:
                (x1, y1), (x2, y2) = pos[s1], pos[s2]
                parts.append(f'<line class="route" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
                             f'stroke="{COLORS["itinerant"]}" stroke-width="{min(5, 1 + math.log2(n)):.1f}" '
                             f'stroke-dasharray="4 3"><title>itinerant route: {n} teacher-day(s)</title></line>')
    parts.append("</g>")
    # moves: one bent arrow per (from, to) school pair, width by the number of people
    moves = F.move_directions(F.people(sc, a))  # the `moves` figure, person by person
    m = moves[moves["direction"] != "new_hire"]
    pairs = m.groupby(["from_school", "to_school"]).size().sort_values(ascending=False, kind="stable")
    drawn = pairs.head(MAX_ARROWS)
    parts.append('<g id="layer-moves" class="layer">')
    for (f, t), n in drawn.items():
        if f not in pos or t not in pos:
            continue
        d = ("urban_to_rural" if (area[f], area[t]) == ("urban", "rural") else
             "rural_to_urban" if (area[f], area[t]) == ("rural", "urban") else "same_area")
        (x1, y1), (x2, y2) = pos[f], pos[t]
        parts.append(f'<path class="move {d}" d="{_curve(x1, y1, x2, y2)}" fill="none" stroke="{COLORS[d]}" '
                     f'stroke-opacity="0.7" stroke-width="{min(6, 1 + math.log2(n)):.1f}" '
                     f'marker-end="url(#arrow-{d})"><title>{escape(f)} → {escape(t)}: {n} move(s)</title></path>')
    parts.append("</g>")
    # schools on top
    parts.append('<g id="layer-schools">')
    for r, x, y in zip(sch.itertuples(index=False), xs, ys):
        n = int(staff_after.get(r.school_id, 0))
        rad = 2.5 + math.sqrt(n) / 2.5
        seat = ' stroke="#24292f" stroke-width="1.5"' if bool(r.is_township_seat) else ""
        parts.append(f'<circle class="school {escape(str(r.area))}" cx="{x:.1f}" cy="{y:.1f}" r="{rad:.1f}" '
                     f'fill="{COLORS.get(r.area, "#999")}" fill-opacity="0.8"{seat} '
                     f'data-school="{escape(r.school_id)}"><title>{escape(str(r.name))} ({escape(r.school_id)}), '
                     f'{escape(str(r.township))}, {escape(str(r.area))} {escape(str(r.level))}: {n} staff after the '
                     f'plan</title></circle>')
    parts.append("</g></svg>")
    caption = (f"{len(sch)} schools (blue urban, green rural, ringed: township seat; size: staff after the plan); "
               f"{int(pairs.sum())} of the {len(moves)} moves go from one school to another, drawn as arrows over "
               f"{len(pairs)} school pairs"
               + (f" (the {MAX_ARROWS} busiest pairs drawn)" if len(pairs) > MAX_ARROWS else "")
               + f"; {n_routes} itinerant teacher-days as dashed red lines. New hires placed are not drawn "
               "(no origin).")
    return "".join(parts), caption


# ---- tables -------------------------------------------------------------------------------------
def _table(df: pd.DataFrame, cls: str = "", status_col: str | None = None) -> str:
    head = "".join(f"<th>{escape(str(c))}</th>" for c in df.columns)
    rows = []
    for r in df.itertuples(index=False):
        cells = []
        for c, v in zip(df.columns, r):
            txt = _fmt(v) if isinstance(v, float) or v is None else escape(str(v))
            extra = f' class="st-{escape(str(v))}"' if c == status_col else ""
            cells.append(f"<td{extra}>{txt}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def solver_table(plan) -> pd.DataFrame:
    rows = []
    for stage, s in (plan.kpis or {}).get("solver", {}).items():
        s = s or {}
        rows.append({"stage": stage, "status": s.get("status", ""), "objective": s.get("objective"),
                     "bound": s.get("bound"), "gap": s.get("gap"), "seconds": s.get("solve_seconds")})
    return pd.DataFrame(rows, columns=["stage", "status", "objective", "bound", "gap", "seconds"])


_CSS = """
body{font-family:system-ui,"Segoe UI","Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:24px;color:#24292f;
max-width:1200px}
h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #d0d7de}
.panels{display:flex;flex-wrap:wrap;gap:12px}
.panel{margin:0;border:1px solid #d0d7de;border-radius:6px;padding:6px;width:224px}
figcaption{font-size:12px;color:#57606a}.chart text{font-size:11px}.chart .t{font-weight:bold}
.axis{stroke:#8c959f}.lab{fill:#57606a}.town{font-size:12px;fill:#57606a;opacity:.8}
table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #d0d7de;padding:3px 8px;text-align:left}
th{background:#f6f8fa}.st-met{color:#1a7f37}.st-not_met{color:#d1242f;font-weight:bold}.st-exempted{color:#9a6700}
.note{color:#57606a;font-size:13px}.hidden{display:none}.figures td{font-variant-numeric:tabular-nums}
circle.school.highlight{stroke:#d1242f;stroke-width:3}
"""

_JS = """
(function(){
  document.querySelectorAll('input[data-layer]').forEach(function(box){
    box.addEventListener('change', function(){
      var g = document.getElementById(box.getAttribute('data-layer'));
      if (g) { g.classList.toggle('hidden', !box.checked); }
    });
  });
  document.querySelectorAll('circle.school').forEach(function(c){
    c.addEventListener('mouseenter', function(){ c.classList.add('highlight'); });
    c.addEventListener('mouseleave', function(){ c.classList.remove('highlight'); });
  });
  document.body.setAttribute('data-rendered', 'yes');
})();
"""


def figures_table(k: dict) -> str:
    """Every figure of kpis.json with what it counts (models/figures.py: MEANING), before / after / target."""
    before, after, target = k.get("before", {}), k.get("after", {}), k.get("target", {})
    keys = list(before) + [x for x in after if x not in before]
    head = "".join(f"<th>{c}</th>" for c in ("figure", "rule", "what it counts", "before", "after", "target"))
    rows = []
    for key in keys:
        rule, meaning, _ = F.MEANING.get(key, ("", "", ""))
        cells = [f"<td>{escape(key)}</td><td>{escape(rule)}</td><td>{escape(meaning)}</td>"]
        for part, src in (("before", before), ("after", after), ("target", target)):
            v = src.get(key)
            cells.append(f'<td data-figure="{escape(key)}" data-part="{part}" data-value="{escape(_raw(v))}">'
                         f"{_fmt(v) if key in src else ''}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f'<table class="figures"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def report_html(plan, sc, violations=None) -> str:
    k = plan_kpis(plan, sc)
    after = k.get("after", {})
    title = f"Rotation plan {sc.policy.plan_year}: {sc.name}"
    map_part, map_caption = map_svg(plan, sc)
    comp = plan.compliance[["rule", "status", "detail"]] if len(plan.compliance) else plan.compliance
    solver = solver_table(plan)
    hard = [v for v in (violations or []) if v.hard]
    check_line = ""
    if violations is not None:
        check_line = (f'<p class="st-not_met">The validator found {len(hard)} hard-rule violation(s).</p>' if hard
                      else '<p class="st-met">The validator found no hard-rule violation.</p>')
    body = [
        f"<h1>{escape(title)}</h1>",
        f"<p>{_figure('staff', after.get('staff'))} staff; {_figure('moves', after.get('moves'))} change school; "
        f"{_figure('leaders', after.get('leaders'))} leaders from 1 September; "
        f"{_figure('itinerant_teachers', after.get('itinerant_teachers'))} itinerant teachers, "
        f"{_figure('total_travel_minutes', after.get('total_travel_minutes'), _minutes(after))} travel minutes a "
        "week with the way back. Rule ids (R1…R13) are those of the district policy.</p>",
        check_line,
        '<h2 id="figures">Policy figures before and after the plan</h2>',
        '<div class="panels" id="kpi-charts">' + "".join(kpi_chart(p) for p in kpi_panels(plan, sc)) + "</div>",
        '<h2 id="townships">Moves by township and direction</h2>',
        '<p class="note">People who change school, counted by the township of the school they go to.</p>',
        township_chart(moves_by_township(plan, sc)),
        '<h2 id="map-title">Map of schools, moves and itinerant routes</h2>',
        '<p class="note"><label><input type="checkbox" data-layer="layer-moves" checked> moves</label> '
        '<label><input type="checkbox" data-layer="layer-itinerant" checked> itinerant routes</label> '
        '<label><input type="checkbox" data-layer="layer-townships" checked> township names</label></p>',
        map_part,
        f'<p class="note">{escape(map_caption)}</p>',
        '<h2 id="compliance">Compliance</h2>',
        _table(comp, "compliance", status_col="status"),
        '<h2 id="solver">Solver summary (per stage)</h2>',
        _table(solver, "solver") if len(solver) else '<p class="note">No solver figures in this plan.</p>',
        '<h2 id="all-figures">All figures</h2>',
        figures_table(k),
    ]
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>"
            + "\n".join(body) + f"<script>{_JS}</script></body></html>\n")
