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

from ..models.errors import Problem, ScenarioError
from ..models.plan import MOVES, RULE_IDS, Plan

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
        raise ScenarioError([Problem(str(ref), None, None, None, "no such plan folder, and no run history to look in")])
    if not (str(ref).strip().lstrip("-").isdigit() or str(ref).strip().lower() in ("last", "latest")):
        raise ScenarioError([Problem(str(ref), None, None, None,
                                     "neither a plan folder nor a run id (`rotaplan runs` lists the run ids)")])
    run = history.get(ref)
    r = run.record
    if r["status"] not in ("ok", "draft"):
        raise ScenarioError([Problem(str(history.path), None, "run", run.run_id,
                                     f"run {run.run_id} {r['status']} ({r['error'][:200]}); "
                                     "it has no plan to compare")])
    info = {"source": f"run {run.run_id} ({r['created']})", "scenario": r["scenario_name"] or r["scenario"],
            "what-if": r["whatif_name"], "seed": r["seed"], "fingerprint": r["fingerprint"][:12],
            "run": run.run_id}
    name = r["label"] or r["whatif_name"] or r["scenario_name"]
    return Side(f"#{run.run_id} {name}".strip(), str(ref), run.plan, info)


def compare(refs: list[str], history=None) -> Comparison:
    if len(refs) < 2:
        raise ScenarioError([Problem("compare", None, None, None, "give at least two runs or plan folders")])
    sides = [load_side(r, history) for r in refs]
    seen: dict[str, int] = {}
    for s in sides:  # labels must be unique column names
        if s.label in seen:
            seen[s.label] += 1
            s.label = f"{s.label} ({seen[s.label]})"
        else:
            seen[s.label] = 1
    return Comparison(sides, _info(sides), _kpis(sides), _compliance(sides), _moves(sides), _solver(sides),
                      differences(sides))


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


def _solver(sides: list[Side]) -> pd.DataFrame:
    stages: list[str] = []
    for s in sides:
        stages += [k for k in s.plan.kpis.get("solver", {}) if k not in stages]
    out = pd.DataFrame({"stage": stages})
    for s in sides:
        sol = s.plan.kpis.get("solver", {})
        out[s.label] = [_stage_text(sol.get(st)) for st in stages]
    return out


def _stage_text(st) -> str:
    if not isinstance(st, dict):
        return "-"
    gap = st.get("gap")
    g = "" if gap is None else f", gap {gap:.3g}"
    sec = st.get("solve_seconds")
    t = "" if sec is None else f", {sec:.1f} s"
    return f"{st.get('status', '?')}{g}{t}"


def outcome_text(row) -> str:
    """One person's outcome in a few words, e.g. 'exchange S0001 -> S0040' or 'stay at S0001'."""
    move = row["move"]
    if move == "":
        return "not in this plan"
    if move == "retire":
        return "retire"
    role = f" as {row['role_after']}" if row["role_after"] not in ("teacher", "") else ""
    if move == "stay":
        text = f"stay at {row['to_school']}{role}"
    elif row["from_school"] == "":
        text = f"{move} -> {row['to_school']}{role}"
    else:
        text = f"{move} {row['from_school']} -> {row['to_school']}{role}"
    if row["period2_school"]:
        text += f" (period 2: {row['period2_school']})"
    if row["director_of"]:
        text += f", district director of {row['director_of']}"
    return text


def differences(sides: list[Side]) -> pd.DataFrame:
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
        out[s.label] = [outcome_text(r) for r in f.to_dict("records")]
    out["how"] = [_how(rows) for rows in zip(*[f.to_dict("records") for f in sub])]
    return out.sort_values("person_id", kind="stable").reset_index(drop=True)


_FIELD_WORDS = {"role_after": "role", "to_school": "school", "move": "move", "period2_school": "period-2 school",
                "director_of": "district director of"}


def _how(rows: tuple[dict, ...]) -> str:
    if any(r["move"] == "" for r in rows):
        present = ["yes" if r["move"] else "no" for r in rows]
        return "in " + " / ".join(present) + " of the plans (added or removed by a what-if)"
    parts = []
    for f in ("move", "to_school", "role_after", "period2_school", "director_of"):
        vals = [r[f] or "-" for r in rows]
        if len(set(vals)) > 1:
            parts.append(f"{_FIELD_WORDS[f]} {' vs '.join(vals)}")
    return "; ".join(parts)


# ---- output ---------------------------------------------------------------------------------
def _fmt(v) -> str:
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return "-"
    if isinstance(v, float):
        return f"{v:.4g}" if abs(v) < 1000 else f"{v:,.0f}"
    return str(v)


def render(cmp: Comparison, console, max_people: int = 30) -> None:
    """Print the comparison as rich tables."""
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

    table("Plans compared", cmp.info)
    table("KPIs after the plan (before and target: first plan)", cmp.kpis)
    colors = {"met": "green", "not_met": "red", "exempted": "yellow"}
    table("Compliance", cmp.compliance, lambda c: f"[{colors[c]}]{c}[/]" if c in colors else c)
    table("Moves", cmp.moves)
    if len(cmp.solver):
        table("Solver", cmp.solver)
    n = len(cmp.differences)
    if n == 0:
        console.print("Every person has the same outcome in all plans.")
        return
    shown = cmp.differences.head(max_people)
    table(f"People whose outcome differs: {n}" + (f" (first {max_people} shown)" if n > max_people else ""), shown)


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC","Microsoft YaHei",sans-serif;
margin:2em;color:#222}
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:2em}
table{border-collapse:collapse;font-size:.9em;margin:.5em 0}
th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}
th{background:#f0f3f7}td.num{text-align:right;font-variant-numeric:tabular-nums}
.met{color:#17803d}.not_met{color:#c0262d;font-weight:600}.exempted{color:#a06b00}
.better{background:#e7f6ea}.worse{background:#fbe9e9}small{color:#666}
"""


def to_html(cmp: Comparison, title: str = "rotaplan: plans compared") -> str:
    """One self-contained HTML page of the comparison."""
    e = html.escape
    labels = cmp.labels

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
        out = ["<table><tr>" + "".join(f"<th>{e(str(c))}</th>" for c in df.columns) + "</tr>"]
        for row in df.to_dict("records"):
            base = row[labels[0]]
            cells = [f"<td>{e(row['figure'])}</td>", f'<td class="num">{e(_fmt(row["before"]))}</td>',
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
    diff = cmp.differences.head(limit)
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">', f"<title>{e(title)}</title>",
        f"<style>{_CSS}</style></head><body>", f"<h1>{e(title)}</h1>",
        "<h2>Plans</h2>", simple(cmp.info),
        "<h2>KPIs after the plan</h2><p><small>before and target are those of the first plan; "
        "differences are against the first plan (green better, red worse).</small></p>", kpi_table(),
        "<h2>Compliance</h2>", simple(cmp.compliance, lambda c, v: v if c != "rule" else ""),
        "<h2>Moves</h2>", simple(cmp.moves),
    ]
    if len(cmp.solver):
        parts += ["<h2>Solver</h2>", simple(cmp.solver)]
    parts.append(f"<h2>People whose outcome differs: {n}</h2>")
    if n > limit:
        parts.append(f"<p>The first {limit} are listed.</p>")
    parts.append(simple(diff) if n else "<p>Every person has the same outcome in all plans.</p>")
    parts.append("</body></html>")
    return "\n".join(parts)
