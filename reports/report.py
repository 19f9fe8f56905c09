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
from ..models import messages
from .words import FONT_STACK, html_lang, t, word

messages.register({
    "report.title": ("Rotation plan {year}: {name}", "{year}年交流轮岗方案：{name}"),
    "report.summary": ("{staff} staff; {moves} change school; {leaders} leaders from 1 September; {itinerant} "
                       "itinerant teachers, {minutes} travel minutes a week with the way back. Rule ids (R1…R17) "
                       "are those of the district policy.",
                       "教职工{staff}人；调动{moves}人；9月1日起校级干部{leaders}人；走教教师{itinerant}人，"
                       "每周路程{minutes}分钟（含返程）。规则编号（R1…R17）与区政策一致。"),
    "report.hard_found": ("The validator found {n} hard-rule violation(s).", "校验发现{n}处违反硬性规则。"),
    "report.hard_none": ("The validator found no hard-rule violation.", "校验未发现违反硬性规则。"),
    "report.h.figures": ("Policy figures before and after the plan", "方案前后的政策指标"),
    "report.h.townships": ("Moves by township and direction", "各街道镇调动人数（按方向）"),
    "report.townships_note": ("People who change school, counted by the township of the school they go to.",
                              "调动学校的人员，按调入学校所在街道镇统计。"),
    "report.h.map": ("Map of schools, moves and itinerant routes", "学校、调动与走教路线图"),
    "report.layer.moves": ("moves", "调动"),
    "report.layer.itinerant": ("itinerant routes", "走教路线"),
    "report.layer.townships": ("township names", "街道镇名称"),
    "report.h.compliance": ("Compliance", "规则执行情况"),
    "report.h.solver": ("Solver summary (per stage)", "求解情况（分阶段）"),
    "report.no_solver": ("No solver figures in this plan.", "本方案没有求解数据。"),
    "report.h.all_figures": ("All figures", "全部指标"),
    "report.col.figures": ("figure|rule|what it counts|before|after|target", "指标|规则|含义|调整前|调整后|目标"),
    "report.col.compliance": ("rule|status|detail", "规则|状态|说明"),
    "report.col.solver": ("stage|status|objective|bound|gap|seconds", "阶段|状态|目标值|目标界|差距|秒"),
    "report.stage.leaders": ("leaders", "校级干部"),
    "report.stage.teachers": ("teachers", "教师"),
    "report.stage.itinerant": ("itinerant", "走教"),
    "report.bar": ("{part}: {value}", "{part}：{value}"),
    "report.before": ("before", "调整前"),
    "report.after": ("after", "调整后"),
    "report.target": ("target", "目标"),
    "report.panel.r3": ("Young rural leaders (share aged ≤ {age})", "乡村年轻校级干部占比（{age}周岁及以下）"),
    "report.panel.r9_bb_urban": ("Backbone teachers, urban (share)", "城区区级以上骨干教师占比"),
    "report.panel.r9_bb_rural": ("Backbone teachers, rural (share)", "乡村区级以上骨干教师占比"),
    "report.panel.r9_bachelor": ("Bachelor or above, rural compulsory (share)", "乡村义务教育本科及以上占比"),
    "report.panel.r9_kindergarten": ("Associate or above, rural kindergartens (share)", "乡村幼儿园专科及以上占比"),
    "report.panel.r10": ("Urban / rural bachelor-share ratio (≤ {most})", "城乡本科及以上比例之比（≤ {most}）"),
    "report.panel.r11_share": ("Exchange: share of {n} eligible teachers who move",
                               "交流轮岗：{n}名符合条件教师中交流的比例"),
    "report.panel.r11_backbone": ("Exchange: backbone share among those who move", "交流轮岗：交流教师中骨干教师占比"),
    "report.dir.urban_to_rural": ("urban → rural", "城区 → 乡村"),
    "report.dir.rural_to_urban": ("rural → urban", "乡村 → 城区"),
    "report.dir.same_area": ("within one area", "同类区域内"),
    "report.dir.new_hire": ("new hire placed", "新聘人员"),
    "report.nobody_moves": ("No one changes school in this plan.", "本方案中无人调动学校。"),
    "report.no_coordinates": ("No school has coordinates.", "没有学校有坐标。"),
    "report.aria.townships": ("moves by township and direction", "各街道镇调动人数"),
    "report.aria.map": ("map of schools, moves and itinerant routes", "学校、调动与走教路线图"),
    "report.tip.route": ("itinerant route: {n} teacher-day(s)", "走教路线：{n}人次·天"),
    "report.tip.move": ("{a} → {b}: {n} move(s)", "{a} → {b}：调动{n}人"),
    "report.tip.school": ("{name} ({sid}), {township}, {area} {level}: {n} staff after the plan",
                          "{name}（{sid}），{township}，{area}{level}：调整后{n}人"),
    "report.tip.segment": ("{town}: {n} {what}", "{town}：{what}{n}人"),
    "report.map_caption": ("{schools} schools (blue urban, green rural, ringed: township seat; size: staff after "
                           "the plan); {moved} of the {moves} moves go from one school to another, drawn as arrows "
                           "over {pairs} school pairs{busiest}; {routes} itinerant teacher-days as dashed red lines. "
                           "New hires placed are not drawn (no origin).",
                           "共{schools}所学校（蓝色为城区，绿色为乡村，带圈为镇驻地学校；大小表示调整后人数）；"
                           "{moves}人调动中有{moved}人由一校调往另一校，以箭头画出，涉及{pairs}对学校{busiest}；"
                           "走教{routes}人次·天以红色虚线表示。新聘人员无原学校，不画出。"),
    "report.map_busiest": (" (the {n} busiest pairs drawn)", "（只画出最多的{n}对）"),
})

COLORS = {"before": "#9aa5b1", "after": "#1f6feb", "target": "#d1242f",
          "urban_to_rural": "#e36209", "rural_to_urban": "#8250df", "same_area": "#57606a", "new_hire": "#2da44e",
          "urban": "#1f6feb", "rural": "#2da44e", "itinerant": "#d1242f"}
DIRECTIONS = (("urban_to_rural", "urban → rural"), ("rural_to_urban", "rural → urban"),
              ("same_area", "within one area"), ("new_hire", "new hire placed"))
assert tuple(d for d, _ in DIRECTIONS) == F.DIRECTIONS


def _directions(lang: str | None) -> list[tuple[str, str]]:
    return [(d, t(f"report.dir.{d}", lang)) for d, _ in DIRECTIONS]
MAX_ARROWS = 3000  # school pairs drawn on the map; the rest are counted in the caption


def write_report(plan, sc, path: str | Path, violations=None, lang: str | None = None) -> None:
    Path(path).write_text(report_html(plan, sc, violations, lang), encoding="utf-8")


# ---- figures ------------------------------------------------------------------------------------
def plan_kpis(plan, sc) -> dict:
    """kpis.json's before / after / target of the plan: as the plan carries them (computed by
    models/figures.py when the plan was made), else computed now from its rows the same way."""
    k = plan.kpis or {}
    if "after" in k and "before" in k:
        return k
    return {**F.plan_figures(sc, plan.assignments, plan.itinerant), "solver": k.get("solver", {})}


def kpi_panels(plan, sc, lang: str | None = None) -> list[dict]:
    """One small chart per figure: rule, title, figure key, before, after, target, whether it is a share."""
    k = plan_kpis(plan, sc)
    b, a, tg = k.get("before", {}), k.get("after", {}), k.get("target", {})
    pol = sc.policy
    panels = [
        ("R3", t("report.panel.r3", lang, age=pol.young_age), "young_rural_leader_share", True),
        ("R9", t("report.panel.r9_bb_urban", lang), "backbone_share_urban", True),
        ("R9", t("report.panel.r9_bb_rural", lang), "backbone_share_rural", True),
        ("R9", t("report.panel.r9_bachelor", lang), "bachelor_share_rural", True),
        ("R9", t("report.panel.r9_kindergarten", lang), "kindergarten_associate_share_rural", True),
        ("R10", t("report.panel.r10", lang, most=f"{pol.degree_ratio_max:.2f}"), "degree_ratio_urban_rural", False),
        ("R11", t("report.panel.r11_share", lang, n=a.get("r11_eligible", "–")), "r11_exchange_share", True),
        ("R11", t("report.panel.r11_backbone", lang), "r11_backbone_share", True),
    ]
    return [{"rule": r, "title": title, "key": key, "before": b.get(key), "after": a.get(key),
             "target": tg.get(key), "share": share} for r, title, key, share in panels]


def moves_by_township(plan, sc, ppl: pd.DataFrame | None = None) -> pd.DataFrame:
    """Moves counted by destination township and direction (rows: township, columns: DIRECTIONS); ``ppl``: the
    plan's people table (models/figures.py ``people``) where the caller has it already."""
    return F.moves_by_township(sc, F.people(sc, plan.assignments) if ppl is None else ppl)


# ---- SVG pieces ---------------------------------------------------------------------------------
def _fmt(v, share: bool = False) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    if share:
        return f"{100 * float(v):.1f}%"
    if isinstance(v, float):
        return f"{v:.3f}"
    return str(v)


def kpi_chart(p: dict, lang: str | None = None) -> str:
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
            tip = escape(t("report.bar", lang, part=t("report." + key, lang), value=_fmt(v, p["share"])))
            parts.append(f'<rect class="bar {key}" x="{x}" y="{y(v):.1f}" width="50" '
                         f'height="{top + plot_h - y(v):.1f}" fill="{COLORS[key]}">'
                         f'<title>{tip}</title></rect>')
            parts.append(f'<text x="{x + 25}" y="{y(v) - 4:.1f}" text-anchor="middle">{_fmt(v, p["share"])}</text>')
        else:
            parts.append(f'<text x="{x + 25}" y="{top + plot_h - 4}" text-anchor="middle">–</text>')
        parts.append(f'<text x="{x + 25}" y="{h - 12}" text-anchor="middle" class="lab">'
                     f'{t("report." + key, lang)}</text>')
    if isinstance(p["target"], (int, float)):
        ty = y(p["target"])
        parts.append(f'<line class="target" x1="34" y1="{ty:.1f}" x2="{w - 14}" y2="{ty:.1f}" '
                     f'stroke="{COLORS["target"]}" stroke-dasharray="5 3"/>')
        parts.append(f'<text x="{w - 6}" y="14" text-anchor="end" class="lab" fill="{COLORS["target"]}">'
                     f'- - {t("report.target", lang)} {_fmt(p["target"], p["share"])}</text>')
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


def township_chart(table: pd.DataFrame, lang: str | None = None) -> str:
    """Horizontal stacked bars: moves into each township, by direction."""
    if table.empty:
        return f'<p class="note">{escape(t("report.nobody_moves", lang))}</p>'
    row_h, left, w = 22, 150, 860
    h = 30 + row_h * len(table) + 10
    most = int(table.sum(axis=1).max()) or 1
    scale = (w - left - 60) / most
    parts = [f'<svg id="township-chart" class="chart" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" '
             f'aria-label="{escape(t("report.aria.townships", lang))}">']
    x: float = left
    for d, label in _directions(lang):  # legend
        parts.append(f'<rect x="{x}" y="4" width="12" height="12" fill="{COLORS[d]}"/>'
                     f'<text x="{x + 16}" y="14" class="lab">{escape(label)}</text>')
        x += 150
    for i, (town, row) in enumerate(table.iterrows()):
        yy = 30 + i * row_h
        parts.append(f'<text x="{left - 6}" y="{yy + 14}" text-anchor="end">{escape(str(town))}</text>')
        x = float(left)
        for d, label in _directions(lang):
            n = int(row[d])
            if n:
                parts.append(f'<rect class="seg {d}" x="{x:.1f}" y="{yy}" width="{n * scale:.1f}" height="{row_h - 6}" '
                             f'fill="{COLORS[d]}"><title>'
                             f'{escape(t("report.tip.segment", lang, town=town, n=n, what=label))}</title></rect>')
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


def map_svg(plan, sc, lang: str | None = None, ppl: pd.DataFrame | None = None) -> tuple[str, str]:
    """(svg, caption) of the school map with move arrows and itinerant routes (``ppl`` as for
    ``moves_by_township``)."""
    sch = sc.schools.reset_index(drop=True)
    ok = sch["lat"].notna() & sch["lon"].notna()
    sch = sch[ok]
    if sch.empty:
        return f'<p class="note">{escape(t("report.no_coordinates", lang))}</p>', ""
    proj = Projection(sch["lat"].to_numpy(), sch["lon"].to_numpy())
    xs, ys = proj.xy(sch["lat"].to_numpy(), sch["lon"].to_numpy())
    pos = {sid: (x, y) for sid, x, y in zip(sch["school_id"], xs, ys)}
    area = dict(zip(sch["school_id"], sch["area"]))
    a = plan.assignments
    staff_after = a[a["move"] != "retire"].groupby("to_school").size()
    w, h = proj.width, proj.height
    parts = [f'<svg id="map" class="chart" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" '
             f'aria-label="{escape(t("report.aria.map", lang))}">',
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
                             f'stroke-dasharray="4 3"><title>{escape(t("report.tip.route", lang, n=n))}</title></line>')
    parts.append("</g>")
    # moves: one bent arrow per (from, to) school pair, width by the number of people
    moves = F.move_directions(F.people(sc, a) if ppl is None else ppl)  # the `moves` figure, person by person
    m = moves[moves["direction"] != "new_hire"]
    pairs = m.groupby(["from_school", "to_school"]).size().sort_values(ascending=False, kind="stable")
    drawn = pairs.head(MAX_ARROWS)
    parts.append('<g id="layer-moves" class="layer">')
    for (f, to), n in drawn.items():
        if f not in pos or to not in pos:
            continue
        d = ("urban_to_rural" if (area[f], area[to]) == ("urban", "rural") else
             "rural_to_urban" if (area[f], area[to]) == ("rural", "urban") else "same_area")
        (x1, y1), (x2, y2) = pos[f], pos[to]
        parts.append(f'<path class="move {d}" d="{_curve(x1, y1, x2, y2)}" fill="none" stroke="{COLORS[d]}" '
                     f'stroke-opacity="0.7" stroke-width="{min(6, 1 + math.log2(n)):.1f}" '
                     f'marker-end="url(#arrow-{d})"><title>{escape(t("report.tip.move", lang, a=f, b=to, n=n))}'
                     '</title></path>')
    parts.append("</g>")
    # schools on top
    parts.append('<g id="layer-schools">')
    for r, x, y in zip(sch.itertuples(index=False), xs, ys):
        n = int(staff_after.get(r.school_id, 0))
        rad = 2.5 + math.sqrt(n) / 2.5
        seat = ' stroke="#24292f" stroke-width="1.5"' if bool(r.is_township_seat) else ""
        parts.append(f'<circle class="school {escape(str(r.area))}" cx="{x:.1f}" cy="{y:.1f}" r="{rad:.1f}" '
                     f'fill="{COLORS.get(r.area, "#999")}" fill-opacity="0.8"{seat} '
                     f'data-school="{escape(r.school_id)}"><title>'
                     + escape(t("report.tip.school", lang, name=r.name, sid=r.school_id, township=r.township,
                                area=word("area", r.area, lang), level=word("level", r.level, lang), n=n))
                     + '</title></circle>')
    parts.append("</g></svg>")
    caption = t("report.map_caption", lang, schools=len(sch), moved=int(pairs.sum()), moves=len(moves),
                pairs=len(pairs), routes=n_routes,
                busiest=t("report.map_busiest", lang, n=MAX_ARROWS) if len(pairs) > MAX_ARROWS else "")
    return "".join(parts), caption


# ---- tables -------------------------------------------------------------------------------------
def _table(df: pd.DataFrame, cls: str = "", status_col: str | None = None, headers: list[str] | None = None,
           lang: str | None = None) -> str:
    head = "".join(f"<th>{escape(str(c))}</th>" for c in (headers or df.columns))
    rows = []
    for r in df.itertuples(index=False):
        cells = []
        for c, v in zip(df.columns, r):
            txt = _fmt(v) if isinstance(v, float) or v is None else escape(str(v))
            extra = f' class="st-{escape(str(v))}"' if c == status_col else ""
            if c == status_col:
                txt = escape(word("status", v, lang))
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
body{font-family:FONTS;margin:24px;color:#24292f;max-width:1200px}
h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #d0d7de}
.panels{display:flex;flex-wrap:wrap;gap:12px}
.panel{margin:0;border:1px solid #d0d7de;border-radius:6px;padding:6px;width:224px}
figcaption{font-size:12px;color:#57606a}.chart text{font-size:11px}.chart .t{font-weight:bold}
.axis{stroke:#8c959f}.lab{fill:#57606a}.town{font-size:12px;fill:#57606a;opacity:.8}
table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #d0d7de;padding:3px 8px;text-align:left}
th{background:#f6f8fa}.st-met{color:#1a7f37}.st-not_met{color:#d1242f;font-weight:bold}.st-exempted{color:#9a6700}
.note{color:#57606a;font-size:13px}.hidden{display:none}.figures td{font-variant-numeric:tabular-nums}
circle.school.highlight{stroke:#d1242f;stroke-width:3}
""".replace("FONTS", FONT_STACK)

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


def figures_table(k: dict, lang: str | None = None) -> str:
    """Every figure of kpis.json with what it counts (models/figures.py: MEANING), before / after / target."""
    before, after, target = k.get("before", {}), k.get("after", {}), k.get("target", {})
    keys = list(before) + [x for x in after if x not in before]
    head = "".join(f"<th>{escape(c)}</th>" for c in t("report.col.figures", lang).split("|"))
    rows = []
    for key in keys:
        rule, meaning_en, meaning_zh = F.MEANING.get(key, ("", "", ""))
        meaning = meaning_zh if messages.check_lang(lang) == "zh" else meaning_en
        cells = [f"<td>{escape(key)}</td><td>{escape(rule)}</td><td>{escape(meaning)}</td>"]
        for part, src in (("before", before), ("after", after), ("target", target)):
            v = src.get(key)
            cells.append(f'<td data-figure="{escape(key)}" data-part="{part}" data-value="{escape(_raw(v))}">'
                         f"{_fmt(v) if key in src else ''}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f'<table class="figures"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def report_html(plan, sc, violations=None, lang: str | None = None) -> str:
    """The whole page in `lang` (en or zh): headings, labels and sentences from the message catalogue; the
    compliance details are the plan's own (compliance.csv)."""
    lang = messages.check_lang(lang)
    k = plan_kpis(plan, sc)
    after = k.get("after", {})
    title = t("report.title", lang, year=sc.policy.plan_year, name=sc.name)
    ppl = F.people(sc, plan.assignments)  # once, for the map and the townships' moves
    map_part, map_caption = map_svg(plan, sc, lang, ppl)
    comp = plan.compliance[["rule", "status", "detail"]] if len(plan.compliance) else plan.compliance
    solver = solver_table(plan)
    if len(solver):
        solver["stage"] = [t(f"report.stage.{x}", lang) if f"report.stage.{x}" in messages.catalogue() else x
                           for x in solver["stage"]]
    hard = [v for v in (violations or []) if v.hard]
    check_line = ""
    if violations is not None:
        check_line = (f'<p class="st-not_met">{escape(t("report.hard_found", lang, n=len(hard)))}</p>' if hard
                      else f'<p class="st-met">{escape(t("report.hard_none", lang))}</p>')
    summary = escape(t("report.summary", lang, staff="\x00staff\x00", moves="\x00moves\x00",
                       leaders="\x00leaders\x00", itinerant="\x00itinerant_teachers\x00",
                       minutes="\x00total_travel_minutes\x00"))
    for key in ("staff", "moves", "leaders", "itinerant_teachers"):
        summary = summary.replace(f"\x00{key}\x00", _figure(key, after.get(key)))
    summary = summary.replace("\x00total_travel_minutes\x00",
                              _figure("total_travel_minutes", after.get("total_travel_minutes"), _minutes(after)))

    def h(key: str) -> str:
        return escape(t(key, lang))

    body = [
        f"<h1>{escape(title)}</h1>",
        f"<p>{summary}</p>",
        check_line,
        f'<h2 id="figures">{h("report.h.figures")}</h2>',
        '<div class="panels" id="kpi-charts">' + "".join(kpi_chart(p, lang) for p in kpi_panels(plan, sc, lang))
        + "</div>",
        f'<h2 id="townships">{h("report.h.townships")}</h2>',
        f'<p class="note">{h("report.townships_note")}</p>',
        township_chart(moves_by_township(plan, sc, ppl), lang),
        f'<h2 id="map-title">{h("report.h.map")}</h2>',
        f'<p class="note"><label><input type="checkbox" data-layer="layer-moves" checked> {h("report.layer.moves")}'
        f'</label> <label><input type="checkbox" data-layer="layer-itinerant" checked> '
        f'{h("report.layer.itinerant")}</label> <label><input type="checkbox" data-layer="layer-townships" checked> '
        f'{h("report.layer.townships")}</label></p>',
        map_part,
        f'<p class="note">{escape(map_caption)}</p>',
        f'<h2 id="compliance">{h("report.h.compliance")}</h2>',
        _table(comp, "compliance", status_col="status", headers=t("report.col.compliance", lang).split("|"),
               lang=lang),
        f'<h2 id="solver">{h("report.h.solver")}</h2>',
        _table(solver, "solver", headers=t("report.col.solver", lang).split("|"), lang=lang) if len(solver)
        else f'<p class="note">{h("report.no_solver")}</p>',
        f'<h2 id="all-figures">{h("report.h.all_figures")}</h2>',
        figures_table(k, lang),
    ]
    return (f"<!DOCTYPE html>\n<html lang=\"{html_lang(lang)}\"><head><meta charset=\"utf-8\">"
            f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>"
            + "\n".join(body) + f"<script>{_JS}</script></body></html>\n")
