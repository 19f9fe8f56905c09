"""The run service: one flow from a scenario to a stored plan, read -> plan -> check -> write -> store.

`rotaplan plan`, every sweep task, every roadmap year and the web application call `plan_run`, so the flow, its
safety rules and the run record exist once:

- the output folder is checked before any solving (models/outputs.py: only a new folder, or a plan folder
  rotaplan wrote and nobody changed since; never the scenario, the edited plan or the run history);
- the validator checks the optimizer's plan; a plan that breaks a hard rule is **infeasible**: it is not
  written and is stored in the run history as `infeasible` (no assignments), unless the request allows
  violations, and then it is written and stored as a `draft`, marked as such in meta.json and report.html;
- the plan folder is swapped into place atomically, then the run is stored in its own transaction.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..models import BUILTIN, Plan, Scenario, ScenarioError
from ..models.messages import register, text
from ..models.outputs import owned_output_dir
from ..optimizer import SolveParams
from ..scenarios.whatif import WhatIf

OK, DRAFT, INFEASIBLE = "ok", "draft", "infeasible"


@dataclass(frozen=True)
class PlanRequest:
    """What to plan and where the result goes. Plain values: a web form or a sweep task can build one."""

    scenario: str | None = None  # folder or workbook; None: the what-if's base, else the built-in sample
    generated: dict | None = None  # {"staff": N, "seed": S}: a generated district instead of a file (sweeps)
    whatif: WhatIf | None = None  # applied to the scenario
    lock: str | None = None  # a hand-edited plan (folder or plan.xlsx) to re-plan around
    out: str | None = None  # the plan folder to write; None: not written (sweep runs live in the history)
    params: SolveParams = field(default_factory=SolveParams)
    lang: str = "en"  # language of plan.xlsx
    allow_violations: bool = False  # write a plan that breaks hard rules, as a draft
    db: str | None = None  # run history file (None: the default one)
    store: bool = True  # store the run in the run history
    label: str = ""
    sweep: str = ""
    name: str = ""  # scenario name for a generated district
    option: str = "--out"  # how the user gave `out`, for messages

    @property
    def scenario_path(self) -> str | None:
        """The scenario file or folder used: the given one, else the what-if's base (None: built-in)."""
        return self.scenario or (self.whatif.base if self.whatif is not None else None) or None

    @property
    def scenario_text(self) -> str:
        """How the run history and meta.json name the scenario."""
        if self.generated is not None:
            return f"generated:staff={self.generated['staff']},seed={self.generated['seed']}"
        p = self.scenario_path
        return str(Path(p).resolve()) if p else "builtin:laiwu"

    def protected(self) -> list[tuple[str, str | Path | None]]:
        """Paths the plan folder must never replace or contain."""
        from .history import default_path

        return [("scenario", self.scenario_path or (BUILTIN if self.generated is None else None)),
                ("edited plan given to --lock", self.lock),
                ("run history", self.db or default_path())]


@dataclass
class PlanOutcome:
    """What one run gave: the plan (written or not), what the validator found, where it went."""

    request: PlanRequest
    scenario: Scenario
    plan: Plan
    violations: list  # validator.Violation, hard ones first
    notes: list[str]
    status: str  # ok | draft | infeasible
    seconds: float  # the whole run
    plan_seconds: float  # the optimizer alone
    paths: dict[str, Path] = field(default_factory=dict)  # plan, meta, report, workbook (when written)
    run_id: int | None = None
    history_error: str = ""  # why the run could not be stored (the plan is written all the same)
    record: dict = field(default_factory=dict)  # the run history row

    @property
    def hard(self) -> list:
        return [v for v in self.violations if v.hard]

    @property
    def written(self) -> bool:
        return "plan" in self.paths


# ---- the flow -------------------------------------------------------------------------------------
def check_output(req: PlanRequest) -> Path | None:
    """Refuse an output folder the plan may not go to, before minutes of solving (OutputError)."""
    if req.out is None:
        return None
    return owned_output_dir(req.out, "plan", req.protected(), req.option)


def load_scenario(req: PlanRequest) -> Scenario:
    """The scenario of the request: read (or generated) and validated, the what-if applied."""
    if req.generated is not None:
        from ..scenarios.generate import generate

        g = req.generated
        frames = generate(staff=int(g["staff"]), seed=int(g["seed"]))
        sc = Scenario.from_frames({k: v for k, v in frames.items() if k != "policy"}, policy=frames["policy"],
                                  name=req.name or "generated", check=True)
    else:
        sc = Scenario.read(req.scenario_path)
    return req.whatif.apply(sc) if req.whatif is not None else sc


def plan_run(req: PlanRequest, sc: Scenario | None = None, progress: Callable[[str], None] | None = None,
             history=None) -> PlanOutcome:
    """Plan, check, write (unless infeasible) and store one run. Bad input raises ScenarioError, an output
    path that may not be written OutputError; an infeasible plan is an outcome, not an exception."""
    from ..validator import check_plan

    t0 = time.perf_counter()
    check_output(req)
    sc = sc if sc is not None else load_scenario(req)
    t_plan = time.perf_counter()
    if req.lock:
        plan, result = _replan(sc, req.lock, req.params, progress)
    else:
        from ..optimizer import plan_scenario

        result = plan_scenario(sc, req.params, progress=progress)
        plan = result.plan
    plan_seconds = time.perf_counter() - t_plan
    violations = check_plan(sc, plan)
    hard = [v for v in violations if v.hard]
    status = OK if not hard else DRAFT if req.allow_violations else INFEASIBLE
    out = PlanOutcome(req, sc, plan, violations, list(result.notes), status, 0.0, plan_seconds)
    if req.out is not None and status != INFEASIBLE:
        out.paths = write_plan(out)
    out.seconds = time.perf_counter() - t0
    out.record = run_record(out)
    if req.store:
        store_run(out, history)
    return out


LOCK_HOW = "pass the scenario it was made from as SCENARIO (`rotaplan plan SCENARIO --lock PLAN`)"


def _replan(sc: Scenario, lock_path: str, params: SolveParams, progress):
    """`plan --lock`: the edited plan's legal decisions kept, illegal ones repaired, few others changed.

    The edited copy and the plan as rotaplan wrote it come from runs/source.py (the scenario must be the one
    the plan was made from); the notes say what was read and list who else changed and why."""
    from ..optimizer.replan import replan
    from ..validator import check_plan
    from .source import open_plan

    opened = open_plan(lock_path, sc, how_to_pass=LOCK_HOW)
    edited = opened.plan
    plan, result, _ = replan(sc, edited, check_plan(sc, edited), opened.original, params, progress,
                             source=Path(opened.file).name)
    read = [opened.what_was_read, *(f"note: {n}" for n in opened.notes)]
    return plan, replace(result, notes=(*read, *result.notes))


# ---- writing --------------------------------------------------------------------------------------
def plan_meta(req: PlanRequest, sc: Scenario, plan: Plan, folder: Path, status: str = OK) -> dict:
    """meta.json: what the plan was made from (scenario and its fingerprint, what-if, solver settings), the
    fingerprints of its decisions, and whether it is a draft. The one place this record is built; check,
    explain, routes and --lock read it (runs/source.py)."""
    from ..models.provenance import fingerprint, plan_stamp

    meta = {"scenario": req.scenario_text, "fingerprint": fingerprint(sc), **plan_stamp(plan),
            "seed": req.params.seed, "workers": req.params.workers,
            "time_limit": req.params.time_limit, "lang": req.lang, "draft": status == DRAFT}
    if req.whatif is not None:  # the changed scenario goes with the plan, so `check` and `routes` find it
        meta.update(base_scenario=meta["scenario"], whatif=req.whatif.name, scenario=str(Path(folder) / "scenario"))
    return meta


def write_plan(out: PlanOutcome) -> dict[str, Path]:
    """The plan folder: the contract's files, plan.xlsx, report.html, meta.json and, for a what-if, the
    changed scenario; swapped into place atomically. Returns the paths written."""
    from ..models.provenance import workbook_stamp
    from ..models.workbook import write_plan_workbook
    from ..reports.report import report_html

    req, sc, plan = out.request, out.scenario, out.plan
    assert req.out is not None, "write_plan needs an output folder"
    folder = Path(req.out).expanduser().resolve()
    meta = plan_meta(req, sc, plan, folder, out.status)
    banner = draft_banner(out.hard, req.lang) if out.status == DRAFT else ""
    # plan.xlsx says it too: the About sheet's `draft` row (models/workbook.py), opened first in a draft
    about = {**meta, "draft": draft_text(out.hard, req.lang)} if out.status == DRAFT else meta

    def report(p: Path) -> None:
        html = report_html(plan, sc, out.violations, req.lang)
        p.write_text(_insert_after_body(html, banner) if banner else html, encoding="utf-8")

    extra: dict[str, Callable[[Path], object]] = {
        "plan.xlsx": lambda p: write_plan_workbook(plan, sc, p, lang=req.lang, about=about), "report.html": report}
    if req.whatif is not None:
        extra["scenario"] = sc.write_files
    extra["meta.json"] = lambda p: p.write_text(  # plan.xlsx is written first: its hash tells an edited copy
        json.dumps({**meta, **workbook_stamp(p.parent / "plan.xlsx")}, indent=2, ensure_ascii=False),
        encoding="utf-8")
    folder = plan.write(folder, extra_files=extra, protect=req.protected(), option=req.option)
    return {"plan": folder, "meta": folder / "meta.json", "report": folder / "report.html",
            "workbook": folder / "plan.xlsx"}


register({
    "service.draft": ("DRAFT, NOT A PLAN: {n} hard-rule violation(s), {rules}. It was written with --allow-violations "
                      "for discussion only; see the compliance table and `rotaplan check`.",
                      "草稿，不是方案：违反硬性规则{n}处，{rules}。本稿以--allow-violations写出，仅供讨论；"
                      "详见合规表和`rotaplan check`。"),
    "service.draft_rule": ("{rule} ({n})", "{rule}（{n}处）"),
    "service.draft_sep": (", ", "、"),
})


def draft_text(hard: list, lang: str | None = None) -> str:
    """This is not a plan, and why, in the plan's language (report.html's banner, plan.xlsx's About sheet)."""
    by_rule = text("service.draft_sep", lang).join(text("service.draft_rule", lang, rule=rule, n=n)
                                                   for rule, n in violations_by_rule(hard))
    return text("service.draft", lang, n=len(hard), rules=by_rule)


def draft_banner(hard: list, lang: str | None = None) -> str:
    """The top of a draft's report.html: this is not a plan, and why."""
    from html import escape

    return ('<div class="draft-banner" style="background:#d1242f;color:#fff;padding:14px 18px;font-size:1.15em;'
            f'font-weight:bold;margin-bottom:12px">{escape(draft_text(hard, lang))}</div>')


def _insert_after_body(html: str, banner: str) -> str:
    m = re.search(r"<body[^>]*>", html, flags=re.IGNORECASE)
    at = m.end() if m else 0
    return html[:at] + banner + html[at:]


def violations_by_rule(violations: list) -> list[tuple[str, int]]:
    """(rule id, count), in the validator's order."""
    return list(Counter(v.rule for v in violations).items())


# ---- the run history ------------------------------------------------------------------------------
def run_record(out: PlanOutcome, extra: dict | None = None) -> dict:
    """The run history row of an outcome (the columns of `runs`); the plan's rows go beside it."""
    from ..models.provenance import fingerprint

    req, sc, plan = out.request, out.scenario, out.plan
    hard = [str(v) for v in out.hard]
    wi = req.whatif
    error = ""
    if out.status == INFEASIBLE:
        error = (f"infeasible: {len(hard)} hard-rule violation(s), "
                 + ", ".join(f"{r} ({n})" for r, n in violations_by_rule(out.hard)) + "; not written")
    return {
        "created": time.strftime("%Y-%m-%d %H:%M:%S"), "status": out.status,
        "label": req.label or (wi.name if wi is not None else ""), "sweep": req.sweep,
        "scenario": req.scenario_text, "scenario_name": sc.name, "fingerprint": fingerprint(sc),
        "whatif_name": wi.name if wi is not None else "", "whatif": wi.to_yaml() if wi is not None else "",
        "policy": sc.policy.to_yaml(), "seed": req.params.seed, "workers": req.params.workers,
        "time_limit": req.params.time_limit, "seconds": round(out.seconds, 3), "staff": len(sc.staff),
        "schools": len(sc.schools), "solver": _dumps(plan.kpis.get("solver", {})),
        "kpis": _dumps({k: v for k, v in plan.kpis.items() if k != "solver"}), "notes": _dumps(out.notes),
        "plan_dir": str(out.paths["plan"]) if out.written else "", "error": error,
        "extra": _dumps({"hard_violations": hard[:200], "hard_violation_count": len(hard),
                         "plan_seconds": round(out.plan_seconds, 3), **(extra or {})}),
    }


def store_run(out: PlanOutcome, history=None) -> int | None:
    """Store the run (an infeasible one without its rows: it is not a plan). A history that cannot be
    written leaves the written plan as it is: the reason is kept in `history_error`."""
    from .history import History

    try:
        h = history if history is not None else History(out.request.db)
        out.run_id = h.add_record(out.record, out.plan if out.status != INFEASIBLE else None)
    except (ScenarioError, sqlite3.Error, OSError) as exc:  # the plan is written; the history is a convenience
        out.history_error = str(exc)
    return out.run_id


def _dumps(o) -> str:
    return json.dumps(o, ensure_ascii=False, default=lambda v: v.item() if hasattr(v, "item") else str(v))
