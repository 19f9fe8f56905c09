"""Roadmaps: plan -> rollover -> plan ... year by year, until a target year (`rotaplan roadmap`).

Each year is one run of the run service (`service.plan_run`: plan -> check -> write -> store), on the scenario
of that year: the first year's is the one given, every later one is `scenarios/rollover.py`'s next scenario of
the year before (with the hiring plan's new teachers), written to ``DIR/scenarios/<year>/`` and read back from
there, so each yearly plan ``DIR/<year>/`` records it and stays checkable (`rotaplan check DIR/<year>`). A what-if
applies to the first year's scenario (written to ``DIR/scenarios/<first year>/``); its policy changes stay.

The roadmap's table (``roadmap.csv``, ``roadmap.xlsx``, the terminal, ``roadmap.html`` with its charts) reads
every figure from each year's own kpis.json (models/figures.py), never recomputing one: R3, the R9 shares, R10,
R11, moves, uncovered lessons and itinerant teachers. It names the first year in which both dated targets hold — R10
(``degree_ratio_urban_rural`` <= ``degree_ratio_max``) and R3 (``young_rural_leader_share`` >=
``young_rural_leader_share``) — each as the plan's compliance row says, or "not by <year>" with the binding
reason in words, from the last year's figures.

A year whose best plan breaks a hard rule ends the roadmap there (no plan to roll over); the reason names the
rules. The yearly runs are stored in the run history with ``sweep`` = ``roadmap:<name>`` and the roadmap itself
in the history's ``roadmaps`` table (runs/history.py), so `rotaplan compare` can set two roadmaps side by side.

``DIR`` is a folder rotaplan owns (kind ``roadmap``): new, or a roadmap rotaplan wrote and nobody changed since.
Its marker lists every file written so far after each year; a roadmap is replaced year by year, not in one swap.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from ..models import Scenario
from ..models.messages import register, text
from ..models.outputs import fresh_owned_dir, mark_folder, owned_output_dir, write_text_output
from ..optimizer import SolveParams
from ..scenarios.rollover import Hiring, rollover
from ..scenarios.whatif import WhatIf
from .service import INFEASIBLE, PlanRequest, plan_run, violations_by_rule

# The roadmap's columns: (column, where in kpis.json's `after`, rule id).
FIGURES = (
    ("young_rural_leader_share", "R3"), ("backbone_share_rural", "R9"), ("backbone_share_urban", "R9"),
    ("bachelor_share_rural", "R9"), ("bachelor_share_urban", "R9"), ("degree_ratio_urban_rural", "R10"),
    ("r11_exchanged", "R11"), ("r11_exchange_share", "R11"), ("moves", ""), ("uncovered_lessons", "R7"),
    ("itinerant_teachers", "R7"), ("r16_returned", "R16"), ("retirements", "R12"), ("staff", ""),
)
# Whole numbers among them: kept as integers (empty in a year not planned), not as 84.0
COUNTS = ("run_id", "r11_exchanged", "moves", "uncovered_lessons", "itinerant_teachers", "r16_returned", "retirements",
          "staff", "compulsory_teachers_rural", "bachelor_teachers_rural", "rural_leaders", "young_rural_leaders")
TERMINAL = ("year", "status", "young_rural_leader_share", "bachelor_share_rural",
            "degree_ratio_urban_rural", "r11_exchanged", "moves", "uncovered_lessons", "itinerant_teachers",
            "R3", "R10")

register({
    "roadmap.met": ("R10 (urban/rural bachelor ratio <= {ratio}) and R3 (young rural leaders >= {share}) are both "
                    "met first in {year}.",
                    "R10（城乡本科学历比不高于{ratio}）与R3（乡村年轻干部占比不低于{share}）于{year}年首次同时达到。"),
    "roadmap.not_by": ("R10 and R3 are not both met by {year}: {why}",
                       "到{year}年R10与R3仍未同时达到：{why}"),
    "roadmap.first.met": ("{rule} first met in {year}", "{rule}于{year}年首次达到"),
    "roadmap.first.not": ("{rule} not met by {year}", "{rule}到{year}年未达到"),
    "roadmap.why.r10": ("R10 needs about {n} more bachelor-degree teachers at rural compulsory schools ({b} of {t} "
                        "are, {rs}, against {us} in town; ratio {ratio}, target <= {max}): too few bachelor-degree "
                        "hires for rural schools",
                        "R10还需乡村义务教育学校增加约{n}名本科及以上教师（现{t}名中{b}名，占{rs}，城区{us}；"
                        "比值{ratio}，目标不高于{max}）：面向乡村的本科学历新聘教师不足"),
    "roadmap.why.r3": ("R3 needs about {n} more rural leaders aged {age} or under ({y} of {l} are, {share}, target "
                       "{target}): too few young reserve leaders reach rural posts (R2)",
                       "R3还需约{n}名{age}岁及以下的乡村学校领导（现{l}名中{y}名，占{share}，目标{target}）："
                       "进入乡村岗位的年轻后备干部不足（R2）"),
    "roadmap.why.infeasible": ("the {year} plan breaks hard rules ({rules}), so the roadmap stops there",
                               "{year}年方案违反硬性规则（{rules}），路线图在该年终止"),
    "roadmap.why.sep": ("; ", "；"),
    "roadmap.paren": (" ({x})", "（{x}）"),
})


@dataclass(frozen=True)
class RoadmapRequest:
    """What to plan year by year and where it goes. Plain values (a sweep task can build one)."""

    scenario: str | None  # folder or workbook of the first year; None: the built-in sample
    until: int  # the last plan year
    out: str  # the roadmap folder DIR
    hiring: Hiring | None = None
    hiring_text: str = ""  # the hiring plan as written (stored with the roadmap)
    whatif: WhatIf | None = None  # applied to the first year's scenario (its policy changes stay every year)
    params: SolveParams = field(default_factory=SolveParams)
    lang: str = "en"
    db: str | None = None
    store: bool = True
    name: str = ""  # default: DIR's name


@dataclass
class Roadmap:
    """The outcome: one row per planned year (figures from each plan's kpis), the target year or why not."""

    name: str
    rows: pd.DataFrame
    first_met: int | None
    first: dict  # rule -> first year met (or None)
    verdict: str  # the sentence: first year met, or "not by ..." with the binding reason
    until: int
    folder: Path
    roadmap_id: int | None = None
    seconds: float = 0.0
    year_seconds: dict = field(default_factory=dict)


def run_roadmap(req: RoadmapRequest, progress: Callable[[str], None] | None = None, history=None) -> Roadmap:
    """Plan every year from the scenario's plan_year to `until`, rolling each plan over into the next year."""
    from .history import History

    t0 = time.perf_counter()
    folder = owned_output_dir(req.out, "roadmap", _protected(req), "--out")
    name = req.name or folder.name
    sc = Scenario.read(req.scenario)
    first_year = int(sc.policy.plan_year)
    if req.until < first_year:
        from ..models.errors import Problem, ScenarioError

        raise ScenarioError([Problem("--until", None, None, req.until,
                                     f"the scenario plans {first_year}: --until must be {first_year} or later")])
    folder = fresh_owned_dir(req.out, "roadmap", _protected(req), "--out")  # the guard again, then emptied
    scenario_path = req.scenario
    if req.whatif is not None:  # the changed scenario of the first year goes with the roadmap
        path = folder / "scenarios" / str(first_year)
        req.whatif.apply(sc).write(path, option="--out")
        scenario_path = str(path)
        sc = Scenario.read(path)
    h = history if history is not None else (History(req.db) if req.store else None)
    rows: list[dict] = []
    stop = ""
    year_seconds: dict = {}
    for year in range(first_year, req.until + 1):
        ty = time.perf_counter()
        if progress:
            progress(f"{year}: planning")
        pr = PlanRequest(scenario=scenario_path, out=str(folder / str(year)), params=req.params, lang=req.lang,
                         db=req.db, store=req.store, label=f"{name} {year}", sweep=f"roadmap:{name}")
        out = plan_run(pr, sc, progress=_year_progress(progress, year), history=h)
        rows.append(_row(year, out))
        if out.status == INFEASIBLE:
            rules = ", ".join(f"{r} ({n})" for r, n in violations_by_rule(out.hard))
            stop = text("roadmap.why.infeasible", req.lang, year=year, rules=rules)
            why = [n for n in out.notes if "infeasible" in n or "no placement" in n]
            if why:  # the stage's own words: which quotas conflict and whom no other school can take
                stop += f" ({why[0][:400]}{'...' if len(why[0]) > 400 else ''})"
            year_seconds[year] = round(time.perf_counter() - ty, 2)
            break
        if year < req.until:
            if progress:
                progress(f"{year}: rollover to {year + 1}")
            nxt = rollover(sc, out.plan, req.hiring, name=f"{name}-{year + 1}")
            path = folder / "scenarios" / str(year + 1)
            nxt.write(path, option="--out")
            scenario_path = str(path)
            sc = Scenario.read(path)  # as `check DIR/<year>` will read it (the fingerprint of the files)
        year_seconds[year] = round(time.perf_counter() - ty, 2)
        mark_folder(folder, "roadmap", complete=False)
    df = typed(pd.DataFrame(rows))
    rm = summarise(name, df, sc.policy, req.until, folder, req.lang, stop)
    rm.year_seconds = year_seconds
    rm.seconds = round(time.perf_counter() - t0, 2)
    df.to_csv(folder / "roadmap.csv", index=False, encoding="utf-8")
    (folder / "roadmap.json").write_text(json.dumps(
        {"name": name, "until": req.until, "first_met": rm.first_met, "first": rm.first, "verdict": rm.verdict,
         "hiring": req.hiring_text, "year_seconds": year_seconds, "rows": records(df)},
        indent=2, ensure_ascii=False, default=_plain), encoding="utf-8")
    with pd.ExcelWriter(folder / "roadmap.xlsx", engine="openpyxl") as xw:  # the table as a workbook sheet
        df.to_excel(xw, sheet_name="Roadmap", index=False)
        pd.DataFrame({"verdict": [rm.verdict]}).to_excel(xw, sheet_name="Verdict", index=False)
    from ..reports.roadmap import roadmap_html

    page = roadmap_html(name, df, rm.verdict, sc.policy, req.lang)
    (folder / "roadmap.html").write_text(page, encoding="utf-8")
    mark_folder(folder, "roadmap", complete=True)
    if h is not None:
        rm.roadmap_id = h.add_roadmap(name=name, scenario=str(Path(req.scenario).resolve()) if req.scenario
                                      else "builtin:laiwu", until=req.until, hiring=req.hiring_text,
                                      out_dir=str(folder), first_met=rm.first_met, verdict=rm.verdict,
                                      rows=records(df))
    return rm


def write_page(rm: Roadmap, path: str, policy, lang: str = "en") -> Path:
    """The roadmap page written elsewhere too (--html), through the output guard."""
    from ..reports.roadmap import roadmap_html

    return write_text_output(path, roadmap_html(rm.name, rm.rows, rm.verdict, policy, lang), "roadmap", (), "--html")


def _year_progress(progress: Callable[[str], None] | None, year: int) -> Callable[[str], None] | None:
    if progress is None:
        return None
    report = progress

    def step(stage: str) -> None:
        report(f"{year}: {stage}")

    return step


def _protected(req: RoadmapRequest) -> list:
    from ..models import BUILTIN
    from .history import default_path

    return [("scenario", req.scenario or BUILTIN), ("run history", req.db or default_path())]


def _row(year: int, out) -> dict:
    """One year of the roadmap: the plan's own figures (kpis.json `after`) and compliance statuses."""
    after = (out.plan.kpis or {}).get("after", {}) if out.status != INFEASIBLE else {}
    comp = out.plan.compliance.set_index("rule")["status"].to_dict() if out.status != INFEASIBLE else {}
    row: dict = {"year": year, "status": out.status, "run_id": out.run_id}
    for key, _ in FIGURES:
        row[key] = after.get(key)
    for key in ("compulsory_teachers_rural", "bachelor_teachers_rural", "rural_leaders", "young_rural_leaders"):
        row[key] = after.get(key)
    for rule in ("R3", "R9", "R10", "R11", "R16"):
        row[rule] = comp.get(rule, "")
    row["plan_dir"] = str(out.paths.get("plan", "")) if out.written else ""
    return row


def summarise(name: str, df: pd.DataFrame, pol, until: int, folder: Path, lang: str = "en",
              stop: str = "") -> Roadmap:
    """The first year R10 and R3 are both met (each as its plan's compliance row says), or why not."""
    first: dict = {}
    for rule in ("R10", "R3"):
        hit = df[df.get(rule, pd.Series(dtype=str)) == "met"]["year"] if len(df) else pd.Series(dtype=int)
        first[rule] = int(hit.iloc[0]) if len(hit) else None
    both = df[(df["R10"] == "met") & (df["R3"] == "met")]["year"] if len(df) and "R10" in df else pd.Series()
    first_met = int(both.iloc[0]) if len(both) else None
    if first_met is not None:
        verdict = text("roadmap.met", lang, ratio=pol.degree_ratio_max, share=f"{pol.young_rural_leader_share:.0%}",
                       year=first_met)
    else:
        verdict = text("roadmap.not_by", lang, year=until, why=binding_reason(df, pol, lang, stop))
    parts = [text("roadmap.first.met" if y is not None else "roadmap.first.not", lang, rule=r,
                  year=y if y is not None else until) for r, y in first.items()]
    verdict += text("roadmap.paren", lang, x=text("roadmap.why.sep", lang).join(parts))
    return Roadmap(name, df, first_met, first, verdict, until, folder)


def binding_reason(df: pd.DataFrame, pol, lang: str = "en", stop: str = "") -> str:
    """Why the targets are not met, in words, from the last planned year's figures: about how many more
    bachelor-degree rural teachers R10 needs, and how many more young rural leaders R3 needs."""
    why = [stop] if stop else []
    done = df[df["status"] != INFEASIBLE] if len(df) else df
    if not len(done):
        return text("roadmap.why.sep", lang).join(why)
    last = done.iloc[-1]
    if last.get("R10") != "met":
        n_r, b_r, us = last.get("compulsory_teachers_rural"), last.get("bachelor_teachers_rural"), \
            last.get("bachelor_share_urban")
        if n_r and us is not None and b_r is not None:
            need = max(0, math.ceil(us / pol.degree_ratio_max * n_r - b_r - 1e-9))
            why.append(text("roadmap.why.r10", lang, n=need, b=int(b_r), t=int(n_r),
                            rs=_pct(last.get("bachelor_share_rural")), us=_pct(us),
                            ratio=last.get("degree_ratio_urban_rural"), max=pol.degree_ratio_max))
    if last.get("R3") != "met":
        lead, young = last.get("rural_leaders"), last.get("young_rural_leaders")
        if lead:
            need = max(0, math.ceil(pol.young_rural_leader_share * lead - young - 1e-9))
            why.append(text("roadmap.why.r3", lang, n=need, age=pol.young_age, y=int(young), l=int(lead),
                            share=_pct(last.get("young_rural_leader_share")),
                            target=_pct(pol.young_rural_leader_share)))
    return text("roadmap.why.sep", lang).join(why)


def _pct(v) -> str:
    return "-" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{float(v):.1%}"


def typed(df: pd.DataFrame) -> pd.DataFrame:
    """The counts of COUNTS as integers (pandas Int64: a year not planned stays empty)."""
    for c in COUNTS:
        if c in df.columns:
            df[c] = pd.to_numeric(df[c], errors="coerce").round().astype("Int64")
    return df


def records(df: pd.DataFrame) -> list[dict]:
    return [{k: _plain(v) for k, v in r.items()} for r in df.to_dict("records")]


def _plain(v):
    if v is pd.NA:
        return None
    if hasattr(v, "item"):
        v = v.item()
    if isinstance(v, float) and math.isnan(v):
        return None
    return v


def with_params(req: RoadmapRequest, **kw) -> RoadmapRequest:
    return replace(req, **kw)


def load_roadmap(ref: str, history=None) -> dict:
    """A roadmap to compare: a roadmap folder (its roadmap.json) or a stored one (`RM3`, the history's id);
    {"name", "verdict", "first_met", "rows"}."""
    from ..models.errors import Problem, ScenarioError

    p = Path(ref)
    if (p / "roadmap.json").is_file():
        data = json.loads((p / "roadmap.json").read_text(encoding="utf-8"))
        return {"name": data["name"], "verdict": data["verdict"], "first_met": data.get("first_met"),
                "rows": data["rows"]}
    if is_roadmap_ref(ref) and history is not None:
        got = history.get_roadmap(ref[2:])
        return {"name": f"RM{got['roadmap_id']} {got['name']}", "verdict": got["verdict"],
                "first_met": got["first_met"], "rows": got["years"]}
    raise ScenarioError([Problem(str(ref), None, None, None,
                                 "not a roadmap: give a roadmap folder (with roadmap.json) or RM<id> of "
                                 "`rotaplan roadmaps`")])


def is_roadmap_ref(ref: str) -> bool:
    """RM<id> (a stored roadmap) or a roadmap folder."""
    r = str(ref).strip()
    return (r.upper().startswith("RM") and r[2:].isdigit()) or (Path(r) / "roadmap.json").is_file()


# ---- several roadmaps in parallel on the Dask sweep, one roadmap per task --------------------------------
def roadmap_task(task: dict) -> dict:
    """One roadmap inside a Dask worker: plain dict in (paths and settings), plain dict out; never raises."""
    t0 = time.perf_counter()
    out: dict = {"index": task["index"], "name": task["name"], "ok": False}
    try:
        hiring = Hiring.read(task["hiring"]) if task.get("hiring") else None
        req = RoadmapRequest(scenario=task["scenario"], until=int(task["until"]), out=task["out"], hiring=hiring,
                             hiring_text=Path(task["hiring"]).read_text(encoding="utf-8") if task.get("hiring")
                             else "", params=SolveParams(**task["params"]), lang=task.get("lang", "en"),
                             db=task.get("db"), store=bool(task.get("store", True)), name=task["name"])
        rm = run_roadmap(req)
        out.update(ok=True, roadmap_id=rm.roadmap_id, verdict=rm.verdict, first_met=rm.first_met,
                   rows=records(rm.rows), year_seconds=rm.year_seconds)
    except Exception as exc:  # noqa: BLE001 - one failing roadmap must not stop the others
        from ..models.errors import ScenarioError

        out["error"] = ("; ".join(str(p) for p in exc.problems[:5]) if isinstance(exc, ScenarioError)
                        else f"{type(exc).__name__}: {exc}")
    out["seconds"] = round(time.perf_counter() - t0, 2)
    return out


def run_roadmaps(base: RoadmapRequest, hirings: list[str], n_workers: int | None = None,
                 scheduler: str | None = None, on_result: Callable[[dict], None] | None = None) -> list[dict]:
    """One roadmap per hiring plan, in parallel on Dask (runs/sweep.py `execute`): ``DIR/<i>-<name>/`` each,
    and ``DIR/compare.html`` setting them side by side. Returns each roadmap's summary (task order)."""
    from ..reports.roadmap import compare_html
    from .sweep import execute

    folder = fresh_owned_dir(base.out, "roadmaps", _protected(base), "--out")
    p = base.params
    tasks = []
    for i, h in enumerate(hirings, 1):
        name = f"{i}-{Path(h).stem}" if h else f"{i}-no-hiring"
        tasks.append({"index": i, "sweep": f"roadmaps-{folder.name}", "name": name,
                      "scenario": str(Path(base.scenario).resolve()) if base.scenario else None,
                      "until": base.until, "out": str(folder / name), "hiring": str(Path(h).resolve()) if h else None,
                      "params": {"time_limit": p.time_limit, "seed": p.seed, "workers": p.workers, "lang": p.lang},
                      "lang": base.lang, "db": base.db, "store": base.store})
    results: dict[int, dict] = {}

    def got(task: dict, res: dict) -> None:
        results[task["index"]] = res
        if on_result:
            on_result(res)

    execute(tasks, got, scheduler=scheduler, n_workers=n_workers or min(len(tasks), 4), fn=roadmap_task)
    done = [results[t["index"]] for t in tasks if t["index"] in results]
    ok = [r for r in done if r.get("ok")]
    if ok:
        pol = Scenario.read(base.scenario, check=False).policy  # the targets drawn in the charts
        page = compare_html([{"name": r["name"], "verdict": r["verdict"], "rows": r["rows"]} for r in ok],
                            pol, base.lang)
        (folder / "compare.html").write_text(page, encoding="utf-8")
    mark_folder(folder, "roadmaps", complete=True)
    return done
