"""Compare plans side by side: stored runs (by run id) or plan folders.

`compare(refs, history)` gathers, for every plan: what it was run on (scenario, what-if, seed), the KPIs
before/after/target, the compliance report, the move counts, the solver figures, and the people whose
outcome differs between the plans, with how. `render(cmp, console)` prints it in the terminal;
`to_html(cmp)` writes one self-contained HTML page (inline CSS, no scripts, no network).
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..models import messages
from ..models.errors import Problem, ScenarioError
from ..models.figures import MEANING
from ..models.plan import MOVES, RULE_IDS, Plan
from .words import FONT_STACK, html_lang, t, word

messages.register({
    "compare.no_plan": ("no such plan folder, and no run history to look in",
                        "没有此方案文件夹，也没有可查找的运行记录"),
    "compare.neither": ("neither a plan folder nor a run id (`rotaplan runs` lists the run ids)",
                        "既不是方案文件夹也不是运行编号（`rotaplan runs`列出运行编号）"),
    "compare.no_plan_in_run": ("run {run} {status} ({error}); it has no plan to compare",
                               "运行{run}的状态为{status}（{error}）；没有可比较的方案"),
    "compare.two": ("give at least two runs or plan folders", "请至少给出两个运行编号或方案文件夹"),
    "compare.title": ("rotaplan: plans compared", "rotaplan：方案对比"),
    "compare.h.plans": ("Plans", "参与对比的方案"),
    "compare.h.kpis": ("KPIs after the plan", "方案调整后的指标"),
    "compare.kpis_note": ("before and target are those of the first plan; differences are against the first plan "
                          "(green better, red worse).",
                          "“调整前”和“目标”取第一个方案的数值；差值相对于第一个方案（绿色为更好，红色为更差）。"),
    "compare.h.compliance": ("Compliance", "规则执行情况"),
    "compare.h.moves": ("Moves", "变动人数"),
    "compare.h.solver": ("Solver", "求解情况"),
    "compare.h.people": ("People whose outcome differs: {n}", "安排不同的人员：{n}人"),
    "compare.first_listed": ("The first {n} are listed.", "只列出前{n}人。"),
    "compare.first_shown": (" (first {n} shown)", "（显示前{n}人）"),
    "compare.same_outcome": ("Every person has the same outcome in all plans.", "所有方案中每个人的安排都相同。"),
    "compare.t.plans": ("Plans compared", "参与对比的方案"),
    "compare.t.kpis": ("KPIs after the plan (before and target: first plan)",
                       "方案调整后的指标（调整前和目标：第一个方案）"),
    "compare.info.source": ("source", "来源"),
    "compare.info.scenario": ("scenario", "情景数据"),
    "compare.info.what-if": ("what-if", "假设情景"),
    "compare.info.seed": ("seed", "随机种子"),
    "compare.info.fingerprint": ("fingerprint", "指纹"),
    "compare.col.figure": ("figure", "指标"),
    "compare.col.before": ("before", "调整前"),
    "compare.col.target": ("target", "目标"),
    "compare.col.rule": ("rule", "规则"),
    "compare.col.move": ("move", "变动类型"),
    "compare.col.stage": ("stage", "阶段"),
    "compare.col.person_id": ("person_id", "工号"),
    "compare.col.name": ("name", "姓名"),
    "compare.col.how": ("how", "差别"),
    "compare.stage.leaders": ("leaders", "校级干部"),
    "compare.stage.teachers": ("teachers", "教师"),
    "compare.stage.itinerant": ("itinerant", "走教"),
    "compare.moves_total": ("school changes (KPI moves)", "调动学校人数（指标 moves）"),
    "compare.stage_text": ("{status}{gap}{seconds}", "{status}{gap}{seconds}"),
    "compare.gap": (", gap {gap}", "，差距{gap}"),
    "compare.seconds": (", {s} s", "，{s}秒"),
    "compare.not_in_plan": ("not in this plan", "不在本方案中"),
    "compare.retire": ("retire", "退休"),
    "compare.as_role": (" as {role}", "，任{role}"),
    "compare.stay_at": ("stay at {school}{role}", "留在{school}{role}"),
    "compare.to": ("{move} -> {school}{role}", "{move} → {school}{role}"),
    "compare.from_to": ("{move} {a} -> {b}{role}", "{move} {a} → {b}{role}"),
    "compare.period2": (" (period 2: {school})", "（第二聘期：{school}）"),
    "compare.director": (", district director of {town}", "，任{town}学区主任"),
    "compare.yes": ("yes", "有"),
    "compare.no": ("no", "无"),
    "compare.in_plans": ("in {present} of the plans (added or removed by a what-if)",
                         "在各方案中：{present}（由假设情景增加或删除）"),
    "compare.vs": (" vs ", " 对 "),
    "compare.field": ("{field} {values}", "{field}：{values}"),
    "compare.field.role_after": ("role", "岗位"),
    "compare.field.to_school": ("school", "学校"),
    "compare.field.move": ("move", "变动类型"),
    "compare.field.period2_school": ("period-2 school", "第二聘期学校"),
    "compare.field.director_of": ("district director of", "学区主任"),
})

OUTCOME = ["role_after", "to_school", "move", "period2_school", "director_of"]
# Lower is better for these figures; higher is better for the shares. Used only to colour the HTML.
LOWER_BETTER = {"uncovered_lessons", "uncovered_rural_lessons", "moves", "total_travel_minutes",
                "itinerant_teachers", "degree_ratio_urban_rural"}


@dataclass
class Side:
    """One plan of the comparison."""

    label: str
    ref: str
    plan: Plan
    info: dict = field(default_factory=dict)  # scenario, what-if, seed, fingerprint...


@dataclass
class Comparison:
    sides: list[Side]
    info: pd.DataFrame  # rows: scenario, what-if, ...; columns: labels
    kpis: pd.DataFrame  # figure, before, target, then one column per label (after)
    compliance: pd.DataFrame  # rule, then one column per label (status)
    moves: pd.DataFrame  # move, then one column per label (count)
    solver: pd.DataFrame  # stage, then one column per label ("status, gap g")
    differences: pd.DataFrame  # person_id, name, one outcome column per label, how

    @property
    def labels(self) -> list[str]:
        return [s.label for s in self.sides]


def load_side(ref: str, history=None) -> Side:
    """A plan folder (or plan.xlsx) if `ref` is a path that exists, else a run id of the history."""
    p = Path(str(ref))
    if p.exists():
        plan = Plan.read(p)
        meta_path = (p if p.is_dir() else p.parent) / "meta.json"
        meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
        info = {"source": f"plan folder {p}", "scenario": meta.get("scenario", ""),
                "what-if": meta.get("whatif", ""), "seed": meta.get("seed", ""),
                "fingerprint": str(meta.get("fingerprint", ""))[:12], "run": meta.get("run_id", "")}
        return Side(p.name or str(p), str(ref), plan, info)
    if history is None:
        raise ScenarioError([Problem.of(str(ref), None, None, None, "compare.no_plan")])
    if not (str(ref).strip().lstrip("-").isdigit() or str(ref).strip().lower() in ("last", "latest")):
        raise ScenarioError([Problem.of(str(ref), None, None, None, "compare.neither")])
    run = history.get(ref)
    r = run.record
    if r["status"] not in ("ok", "draft"):
        raise ScenarioError([Problem.of(str(history.path), None, "run", run.run_id, "compare.no_plan_in_run",
                                        run=run.run_id, status=r["status"], error=r["error"][:200])])
    info = {"source": f"run {run.run_id} ({r['created']})", "scenario": r["scenario_name"] or r["scenario"],
            "what-if": r["whatif_name"], "seed": r["seed"], "fingerprint": r["fingerprint"][:12],
            "run": run.run_id}
    name = r["label"] or r["whatif_name"] or r["scenario_name"]
    return Side(f"#{run.run_id} {name}".strip(), str(ref), run.plan, info)


def compare(refs: list[str], history=None, lang: str | None = None) -> Comparison:
    """The plans of `refs` side by side; the people's outcomes in words of `lang` (en or zh)."""
    if len(refs) < 2:
        raise ScenarioError([Problem.of("compare", None, None, None, "compare.two")])
    sides = [load_side(r, history) for r in refs]
    seen: dict[str, int] = {}
    for s in sides:  # labels must be unique column names
        if s.label in seen:
            seen[s.label] += 1
            s.label = f"{s.label} ({seen[s.label]})"
        else:
            seen[s.label] = 1
    return Comparison(sides, _info(sides), _kpis(sides), _compliance(sides), _moves(sides), _solver(sides, lang),
                      differences(sides, lang))


def _info(sides: list[Side]) -> pd.DataFrame:
    keys = ["source", "scenario", "what-if", "seed", "fingerprint"]
    data = {s.label: [str(s.info.get(k, "") if s.info.get(k) is not None else "") for k in keys] for s in sides}
    return pd.DataFrame({"": keys, **data})


def _kpis(sides: list[Side]) -> pd.DataFrame:
    first = sides[0].plan.kpis
    keys: list[str] = []
    for s in sides:
        for k in list(s.plan.kpis.get("before", {})) + list(s.plan.kpis.get("after", {})):
            if k not in keys:
                keys.append(k)
    rows = []
    for k in keys:
        row = {"figure": k, "before": first.get("before", {}).get(k), "target": first.get("target", {}).get(k)}
        for s in sides:
            row[s.label] = s.plan.kpis.get("after", {}).get(k)
        rows.append(row)
    return pd.DataFrame(rows, columns=["figure", "before", "target", *[s.label for s in sides]])


def _compliance(sides: list[Side]) -> pd.DataFrame:
    out = pd.DataFrame({"rule": list(RULE_IDS)})
    for s in sides:
        c = s.plan.compliance
        status = dict(zip(c["rule"], c["status"])) if len(c) else {}
        out[s.label] = [status.get(r, "-") for r in out["rule"]]
    return out


def _moves(sides: list[Side]) -> pd.DataFrame:
    counts = {s.label: s.plan.assignments["move"].value_counts() for s in sides}
    kinds = list(MOVES) + sorted({m for c in counts.values() for m in c.index} - set(MOVES))
    out = pd.DataFrame({"move": kinds})
    for label, c in counts.items():
        out[label] = [int(c.get(k, 0)) for k in kinds]
    out = out[(out[[s.label for s in sides]] > 0).any(axis=1)].reset_index(drop=True)
    total = {"move": "school changes (KPI moves)"}
    for s in sides:  # the plan's own `moves` figure (models/figures.py), as its kpis.json holds it
        total[s.label] = s.plan.kpis.get("after", {}).get("moves")
    return pd.concat([out, pd.DataFrame([total])], ignore_index=True)


def _solver(sides: list[Side], lang: str | None = None) -> pd.DataFrame:
    stages: list[str] = []
    for s in sides:
        stages += [k for k in s.plan.kpis.get("solver", {}) if k not in stages]
    out = pd.DataFrame({"stage": stages})
    for s in sides:
        sol = s.plan.kpis.get("solver", {})
        out[s.label] = [_stage_text(sol.get(st), lang) for st in stages]
    return out


def _stage_text(st, lang: str | None = None) -> str:
    if not isinstance(st, dict):
        return "-"
    gap = st.get("gap")
    g = "" if gap is None else t("compare.gap", lang, gap=f"{gap:.3g}")
    sec = st.get("solve_seconds")
    secs = "" if sec is None else t("compare.seconds", lang, s=f"{sec:.1f}")
    return t("compare.stage_text", lang, status=st.get("status", "?"), gap=g, seconds=secs)


def outcome_text(row, lang: str | None = None) -> str:
    """One person's outcome in a few words, e.g. 'exchange S0001 -> S0040' or 'stay at S0001'."""
    move = row["move"]
    if move == "":
        return t("compare.not_in_plan", lang)
    if move == "retire":
        return t("compare.retire", lang)
    # English keeps the coded values (as the plan's files spell them); Chinese gives the office's words
    zh = messages.check_lang(lang) == "zh"
    role = (t("compare.as_role", lang, role=word("role", row["role_after"], lang) if zh else row["role_after"])
            if row["role_after"] not in ("teacher", "") else "")
    mv = word("move", move, lang) if zh else move
    if move == "stay":
        text = t("compare.stay_at", lang, school=row["to_school"], role=role)
    elif row["from_school"] == "":
        text = t("compare.to", lang, move=mv, school=row["to_school"], role=role)
    else:
        text = t("compare.from_to", lang, move=mv, a=row["from_school"], b=row["to_school"], role=role)
    if row["period2_school"]:
        text += t("compare.period2", lang, school=row["period2_school"])
    if row["director_of"]:
        text += t("compare.director", lang, town=row["director_of"])
    return text


def differences(sides: list[Side], lang: str | None = None) -> pd.DataFrame:
    """People whose outcome (role, school, move, bundle, directorship) differs between the plans."""
    cols = ["name", "from_school", *OUTCOME]
    frames = []
    for s in sides:
        a = s.plan.assignments
        frames.append(a.drop_duplicates("person_id").set_index("person_id")[cols].astype(str))
    ids = frames[0].index
    for f in frames[1:]:
        ids = ids.union(f.index, sort=False)
    aligned = [f.reindex(ids).fillna("") for f in frames]
    key = [f[OUTCOME].agg("\x1f".join, axis=1) for f in aligned]
    differs = pd.Series(False, index=ids)
    for k in key[1:]:
        differs |= k != key[0]
    if not differs.any():
        return pd.DataFrame(columns=["person_id", "name", *[s.label for s in sides], "how"])
    sub = [f[differs.to_numpy()] for f in aligned]
    name = sub[0]["name"].where(sub[0]["name"] != "", sub[-1]["name"])
    for f in sub[1:-1]:
        name = name.where(name != "", f["name"])
    out = pd.DataFrame({"person_id": sub[0].index, "name": name.to_numpy()})
    for s, f in zip(sides, sub):
        out[s.label] = [outcome_text(r, lang) for r in f.to_dict("records")]
    out["how"] = [_how(rows, lang) for rows in zip(*[f.to_dict("records") for f in sub])]
    return out.sort_values("person_id", kind="stable").reset_index(drop=True)


def _how(rows: tuple[dict, ...], lang: str | None = None) -> str:
    if any(r["move"] == "" for r in rows):
        present = [t("compare.yes" if r["move"] else "compare.no", lang) for r in rows]
        return t("compare.in_plans", lang, present=" / ".join(present))
    zh = messages.check_lang(lang) == "zh"
    parts = []
    for f in ("move", "to_school", "role_after", "period2_school", "director_of"):
        vals = [r[f] or "-" for r in rows]
        if zh and f in ("move", "role_after"):
            vals = [word("move" if f == "move" else "role", v, lang) for v in vals]
        if len(set(vals)) > 1:
            parts.append(t("compare.field", lang, field=t(f"compare.field.{f}", lang),
                           values=t("compare.vs", lang).join(vals)))
    return ("；" if zh else "; ").join(parts)


# ---- output ---------------------------------------------------------------------------------
def _fmt(v) -> str:
    if v is None or v is pd.NA or (isinstance(v, float) and pd.isna(v)):
        return "-"
    if isinstance(v, float):
        return f"{v:.4g}" if abs(v) < 1000 else f"{v:,.0f}"
    return str(v)


def localised(cmp: Comparison, lang: str | None = None) -> dict[str, pd.DataFrame]:
    """The comparison's tables with headers and coded values in `lang` (figures keep their values)."""
    if messages.check_lang(lang) != "zh":
        return {"info": cmp.info, "kpis": cmp.kpis, "compliance": cmp.compliance, "moves": cmp.moves,
                "solver": cmp.solver, "differences": cmp.differences}
    labels = cmp.labels
    cat = messages.catalogue()

    def cols(df: pd.DataFrame) -> pd.DataFrame:
        return df.rename(columns={c: t(f"compare.col.{c}", lang) for c in df.columns
                                  if c not in labels and f"compare.col.{c}" in cat})

    info = cmp.info.copy()
    info[""] = [t(f"compare.info.{k}", lang) for k in info[""]]
    kpis = cmp.kpis.copy()
    kpis["figure"] = [MEANING[k][2] if k in MEANING else k for k in kpis["figure"]]
    comp = cmp.compliance.copy()
    for lab in labels:
        comp[lab] = [word("status", v, lang) for v in comp[lab]]
    moves = cmp.moves.copy()
    moves["move"] = [t("compare.moves_total", lang) if m == "school changes (KPI moves)" else word("move", m, lang)
                     for m in moves["move"]]
    solver = cmp.solver.copy()
    if len(solver):
        solver["stage"] = [t(f"compare.stage.{x}", lang) if f"compare.stage.{x}" in cat else x
                           for x in solver["stage"]]
    return {"info": info, "kpis": cols(kpis), "compliance": cols(comp), "moves": cols(moves),
            "solver": cols(solver), "differences": cols(cmp.differences)}


def render(cmp: Comparison, console, max_people: int = 30, lang: str | None = None) -> None:
    """Print the comparison as rich tables, in `lang`."""
    from rich.table import Table

    def table(title: str, df: pd.DataFrame, color=None):
        t = Table(title=title)
        for c in df.columns:
            t.add_column(str(c), overflow="fold")
        for row in df.itertuples(index=False):
            cells = [_fmt(v) for v in row]
            if color:
                cells = [color(c) for c in cells]
            t.add_row(*cells)
        console.print(t)

    loc = localised(cmp, lang)
    table(t("compare.t.plans", lang), loc["info"])
    table(t("compare.t.kpis", lang), loc["kpis"])
    colors = {word("status", k, lang): c for k, c in (("met", "green"), ("not_met", "red"), ("exempted", "yellow"))}
    table(t("compare.h.compliance", lang), loc["compliance"], lambda c: f"[{colors[c]}]{c}[/]" if c in colors else c)
    table(t("compare.h.moves", lang), loc["moves"])
    if len(cmp.solver):
        table(t("compare.h.solver", lang), loc["solver"])
    n = len(cmp.differences)
    if n == 0:
        console.print(t("compare.same_outcome", lang))
        return
    shown = loc["differences"].head(max_people)
    table(t("compare.h.people", lang, n=n) + (t("compare.first_shown", lang, n=max_people) if n > max_people else ""),
          shown)


_CSS = """
body{font-family:FONTS;margin:2em;color:#222}
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:2em}
table{border-collapse:collapse;font-size:.9em;margin:.5em 0}
th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}
th{background:#f0f3f7}td.num{text-align:right;font-variant-numeric:tabular-nums}
.met{color:#17803d}.not_met{color:#c0262d;font-weight:600}.exempted{color:#a06b00}
.better{background:#e7f6ea}.worse{background:#fbe9e9}small{color:#666}
""".replace("FONTS", FONT_STACK)


def to_html(cmp: Comparison, title: str | None = None, lang: str | None = None) -> str:
    """One self-contained HTML page of the comparison, in `lang` (en or zh)."""
    e = html.escape
    labels = cmp.labels
    title = title or t("compare.title", lang)
    loc = localised(cmp, lang)
    status_class = {word("status", k, lang): k for k in ("met", "not_met", "exempted")}

    def simple(df: pd.DataFrame, cls_of=None) -> str:
        out = ["<table><tr>" + "".join(f"<th>{e(str(c))}</th>" for c in df.columns) + "</tr>"]
        for row in df.itertuples(index=False):
            cells = []
            for c, v in zip(df.columns, row):
                cls = cls_of(c, v) if cls_of else ""
                num = " num" if isinstance(v, (int, float)) and not isinstance(v, bool) else ""
                cells.append(f'<td class="{cls}{num}">{e(_fmt(v))}</td>')
            out.append("<tr>" + "".join(cells) + "</tr>")
        out.append("</table>")
        return "\n".join(out)

    def kpi_table() -> str:
        df = cmp.kpis
        shown = loc["kpis"]
        out = ["<table><tr>" + "".join(f"<th>{e(str(c))}</th>" for c in shown.columns) + "</tr>"]
        for row, name in zip(df.to_dict("records"), shown.iloc[:, 0]):
            base = row[labels[0]]
            cells = [f'<td data-figure="{e(row["figure"])}">{e(str(name))}</td>',
                     f'<td class="num">{e(_fmt(row["before"]))}</td>',
                     f'<td class="num">{e(_fmt(row["target"]))}</td>']
            for i, lab in enumerate(labels):
                v = row[lab]
                cls, delta = "", ""
                if i and isinstance(v, (int, float)) and isinstance(base, (int, float)) and v != base:
                    d = v - base
                    delta = f" <small>({'+' if d > 0 else ''}{_fmt(d)})</small>"
                    lower = row["figure"] in LOWER_BETTER
                    cls = "better" if (d < 0) == lower else "worse"
                cells.append(f'<td class="num {cls}">{e(_fmt(v))}{delta}</td>')
            out.append("<tr>" + "".join(cells) + "</tr>")
        out.append("</table>")
        return "\n".join(out)

    n = len(cmp.differences)
    limit = 5000
    diff = loc["differences"].head(limit)
    parts = [
        "<!DOCTYPE html>", f'<html lang="{html_lang(lang)}"><head><meta charset="utf-8">', f"<title>{e(title)}</title>",
        f"<style>{_CSS}</style></head><body>", f"<h1>{e(title)}</h1>",
        f"<h2>{e(t('compare.h.plans', lang))}</h2>", simple(loc["info"]),
        f"<h2>{e(t('compare.h.kpis', lang))}</h2><p><small>{e(t('compare.kpis_note', lang))}</small></p>", kpi_table(),
        f"<h2>{e(t('compare.h.compliance', lang))}</h2>",
        simple(loc["compliance"], lambda c, v: status_class.get(v, "") if c in labels else ""),
        f"<h2>{e(t('compare.h.moves', lang))}</h2>", simple(loc["moves"]),
    ]
    if len(cmp.solver):
        parts += [f"<h2>{e(t('compare.h.solver', lang))}</h2>", simple(loc["solver"])]
    parts.append(f"<h2>{e(t('compare.h.people', lang, n=n))}</h2>")
    if n > limit:
        parts.append(f"<p>{e(t('compare.first_listed', lang, n=limit))}</p>")
    parts.append(simple(diff) if n else f"<p>{e(t('compare.same_outcome', lang))}</p>")
    parts.append("</body></html>")
    return "\n".join(parts)
