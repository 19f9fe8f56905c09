"""rotaplan command line: a thin shell over models/, optimizer/, scenarios/ and validator/."""

from __future__ import annotations

import functools
import json
import os
import sys
import time
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from .models import BUILTIN, Plan, Problem, Scenario, ScenarioError

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


def friendly(fn):
    """Bad input exits 2 with the problems listed, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except ScenarioError as exc:
            err_console.print(f"[bold red]{len(exc.problems)} problem(s) in the input:[/]")
            for p in exc.problems[:200]:
                err_console.print(f"  - {p}", markup=False)
            if len(exc.problems) > 200:
                err_console.print(f"  ... and {len(exc.problems) - 200} more")
            sys.exit(2)
        except (FileNotFoundError, PermissionError, IsADirectoryError, NotADirectoryError) as exc:
            err_console.print(f"[bold red]error:[/] {exc}", markup=True)
            sys.exit(2)
        except KeyError as exc:
            err_console.print(f"[bold red]error:[/] not found: {exc.args[0] if exc.args else exc}")
            sys.exit(2)

    return wrapper


def print_warnings(sc: Scenario) -> None:
    for w in sc.warnings:
        err_console.print(f"[yellow]warning:[/] {w}", markup=True, soft_wrap=True)


def load(path: str | None) -> Scenario:
    with console.status("Reading and validating the scenario..."):
        sc = Scenario.read(path)
    print_warnings(sc)
    return sc


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="rotaplan")
def main():
    """rotaplan: plan the annual rotation and placement of principals and teachers.

    Reads the personnel office's data (CSV folder or Excel workbook, English or Chinese headers),
    checks it, and writes a plan that can be read, checked, explained and compared.
    Rule ids (R1...R13) are those of the district policy; see docs/.
    """


# ---- validate ---------------------------------------------------------------------------
@main.command()
@click.argument("scenario", required=False, type=click.Path())
@friendly
def validate(scenario):
    """Check a SCENARIO and print its summary; exit 0 if valid, 2 with every problem listed if not.

    SCENARIO is a scenario folder of CSV files or one .xlsx workbook (default: the built-in
    Laiwu sample district).
    """
    sc = load(scenario)
    from .models.summary import summary

    s = summary(sc)
    console.print(f"[bold]Scenario {sc.name}[/]: plan year {sc.policy.plan_year}, valid.")
    t = Table(title="Schools by area and level")
    levels = list(s["schools_by_level"])
    t.add_column("area")
    for lv in levels:
        t.add_column(lv, justify="right")
    for area, row in s["schools_by_area_level"].items():
        t.add_row(area, *[str(row.get(lv, 0)) for lv in levels])
    console.print(t)
    t = Table(title="Staff")
    t.add_column("figure")
    t.add_column("value", justify="right")
    for k, v in s["figures"].items():
        t.add_row(k, str(v))
    console.print(t)
    t = Table(title="Current policy figures (before any plan)")
    for c in ("rule", "figure", "now", "target"):
        t.add_column(c)
    for rule, fig, now, target in s["rule_figures"]:
        t.add_row(rule, fig, _fmt(now), _fmt(target))
    console.print(t)


def _fmt(v) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.3f}"
    return str(v)


# ---- generate ---------------------------------------------------------------------------
@main.command()
@click.option("--staff", "n_staff", type=click.IntRange(500, 100_000), default=5000, show_default=True,
              help="approximate number of staff (500 to 100,000)")
@click.option("--seed", type=int, default=0, show_default=True, help="random seed: the same seed gives the same data")
@click.option("--laiwu", is_flag=True, help="generate the built-in Laiwu sample district instead (15 real townships)")
@click.option("--plan-year", type=int, default=2027, show_default=True, help="plan_year written to the policy")
@click.argument("out", type=click.Path())
@friendly
def generate(n_staff, seed, laiwu, plan_year, out):
    """Generate a synthetic district scenario into OUT (a folder, or a workbook if OUT ends in .xlsx)."""
    from .scenarios.generate import generate as gen

    t0 = time.perf_counter()
    with console.status(f"Generating about {n_staff} staff..."):
        frames = gen(staff=n_staff, seed=seed, laiwu=laiwu, plan_year=plan_year)
        sc = Scenario.from_frames({k: v for k, v in frames.items() if k != "policy"},
                                  policy=frames["policy"], name=Path(out).stem)
        sc.write(out)
    console.print(f"Wrote {len(sc.schools)} schools, {len(sc.staff)} staff, {len(sc.demand)} demand lines "
                  f"to {out} in {time.perf_counter() - t0:.1f} s.")


# ---- plan -------------------------------------------------------------------------------
@main.command()
@click.argument("scenario", required=False, type=click.Path())
@click.option("--out", "out", type=click.Path(), default="plan", show_default=True,
              help="plan folder to write (assignments.csv, itinerant.csv, kpis.json, compliance.csv, plan.xlsx)")
@click.option("--time-limit", type=click.FloatRange(min=0.1), default=30.0, show_default=True,
              help="CP-SAT time limit in seconds, per stage")
@click.option("--seed", type=int, default=0, show_default=True, help="CP-SAT random seed")
@click.option("--workers", type=click.IntRange(1, 64), default=8, show_default=True,
              help="CP-SAT num_workers; 1 with a fixed seed gives a reproducible plan")
@click.option("--log", is_flag=True, help="print the CP-SAT search log")
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True,
              help="language of plan.xlsx: sheet names, headers and coded values (zh: Chinese)")
@click.option("--whatif", "whatif_path", type=click.Path(), default=None,
              help="what-if YAML (policy overrides, hires, merged schools...) applied to SCENARIO, "
                   "or a name of scenarios/whatifs/ such as hire_40_bachelor")
@click.option("--db", "db", type=click.Path(dir_okay=False), default=None,
              help="run history database (default: $ROTAPLAN_DB or ~/.local/share/rotaplan/runs.sqlite)")
@click.option("--lock", "lock_path", type=click.Path(exists=True), default=None,
              help="a hand-edited plan (folder or plan.xlsx): keep its legal edits, repair the illegal ones, "
                   "change as few other decisions as possible")
@friendly
def plan(scenario, out, time_limit, seed, workers, log, lang, whatif_path, db, lock_path):
    """Plan who moves where from 1 September for SCENARIO and write the plan folder.

    SCENARIO is a scenario folder of CSV files or one .xlsx workbook (default: the built-in
    Laiwu sample district). Prints solver figures, KPIs before/after/target and compliance.
    """
    from .optimizer import SolveParams, plan_scenario
    from .validator import check_plan

    whatif = None
    if lock_path and not scenario:
        scenario = _plan_scenario(lock_path)  # the scenario the edited plan was made from
    if whatif_path:
        from .scenarios.whatif import WhatIf

        whatif = WhatIf.read(whatif_path)
        sc = whatif.apply(load(scenario or whatif.base))
        scenario = scenario or whatif.base
    else:
        sc = load(scenario)
    params = SolveParams(time_limit=time_limit, seed=seed, workers=workers, log=log)
    t0 = time.perf_counter()
    with console.status("Planning...") as status:
        progress = lambda s: status.update(f"Planning: {s}...")  # noqa: E731
        if lock_path:
            result, state = _replan(sc, lock_path, params, progress)
        else:
            state = plan_scenario(sc, params, progress=progress)  # a PlanResult: the plan, stages, notes
            result = state.plan
    violations = check_plan(sc, result)
    _write_plan(result, sc, scenario, out, params, whatif, lang=lang, violations=violations)
    for line in state.notes:
        console.print(line, markup=False)
    _print_plan_summary(result, violations)
    console.print(f"Plan written to {out}/ in {time.perf_counter() - t0:.1f} s.")
    _store_run(db, result, sc, scenario, whatif, params, out, state.notes, time.perf_counter() - t0, violations)


def _replan(sc: Scenario, lock_path, params, progress):
    """`plan --lock`: the edited plan's legal decisions kept, illegal ones repaired, few others changed."""
    from .optimizer.replan import replan
    from .validator import check_plan

    edited = Plan.read(lock_path)
    lock = Path(lock_path)
    folder = lock if lock.is_dir() else lock.parent
    original = None
    if lock.suffix.lower() == ".xlsx" and (folder / "assignments.csv").exists():
        original = Plan.read(folder)  # the plan as the optimizer wrote it, beside the edited workbook
    result, state, _ = replan(sc, edited, check_plan(sc, edited), original, params, progress)
    return result, state


def _write_plan(result: Plan, sc: Scenario, scenario_path, out, params, whatif=None, lang: str = "en",
                violations=None) -> None:
    from .reports.report import write_report
    from .models.workbook import write_plan_workbook

    meta = {"scenario": str(Path(scenario_path).resolve()) if scenario_path else "builtin:laiwu",
            "seed": params.seed, "workers": params.workers, "time_limit": params.time_limit, "lang": lang}
    extra = {"plan.xlsx": lambda p: write_plan_workbook(result, sc, p, lang=lang),
             "report.html": lambda p: write_report(result, sc, p, violations)}
    if whatif is not None:  # the changed scenario goes with the plan, so `check` and `routes` find it
        meta.update(base_scenario=meta["scenario"], whatif=whatif.name,
                    scenario=str(Path(out).resolve() / "scenario"))
        extra["scenario"] = lambda p: sc.write(p)
    extra["meta.json"] = lambda p: p.write_text(json.dumps(meta, indent=2, ensure_ascii=False), encoding="utf-8")
    result.write(out, extra_files=extra)


def _store_run(db, result: Plan, sc: Scenario, scenario_path, whatif, params, out, notes, seconds,
               violations) -> None:
    """Keep the run in the run history; a history that cannot be written only warns."""
    from .runs.history import History

    hard = [str(v) for v in violations if v.hard]
    try:
        run_id = History(db).add(plan=result, sc=sc, whatif=whatif, params=params, seconds=round(seconds, 2),
                                 scenario=str(Path(scenario_path).resolve()) if scenario_path else "builtin:laiwu",
                                 plan_dir=str(Path(out).resolve()), notes=notes,
                                 label=whatif.name if whatif is not None else "",
                                 extra={"hard_violations": hard[:200], "hard_violation_count": len(hard)})
    except Exception as exc:  # noqa: BLE001 - the plan is written; the history is a convenience
        err_console.print(f"[yellow]warning:[/] the run was not stored in the run history: {exc}")
        return
    console.print(f"Stored as run {run_id} in the run history (`rotaplan show {run_id}`).")


def _print_plan_summary(result: Plan, violations) -> None:
    k = result.kpis
    t = Table(title="Solver (per stage)")
    for c in ("stage", "status", "objective", "bound", "gap", "seconds"):
        t.add_column(c)
    for stage, s in k.get("solver", {}).items():
        t.add_row(stage, str(s.get("status")), _fmt(s.get("objective")), _fmt(s.get("bound")),
                  _fmt(s.get("gap")), _fmt(s.get("solve_seconds")))
    console.print(t)
    t = Table(title="KPIs")
    for c in ("figure", "before", "after", "target"):
        t.add_column(c)
    keys = list(k["before"]) + [x for x in k["after"] if x not in k["before"]]
    for key in keys:
        t.add_row(key, _fmt(k["before"].get(key)), _fmt(k["after"].get(key)), _fmt(k["target"].get(key)))
    console.print(t)
    t = Table(title="Compliance")
    for c in ("rule", "status", "detail"):
        t.add_column(c)
    for r in result.compliance.itertuples():
        color = {"met": "green", "not_met": "red", "exempted": "yellow"}.get(r.status, "white")
        t.add_row(r.rule, f"[{color}]{r.status}[/]", str(r.detail))
    console.print(t)
    hard = [v for v in violations if v.hard]
    if hard:
        console.print(f"[bold red]The validator found {len(hard)} hard-rule violation(s):[/]")
        for v in hard[:50]:
            console.print(f"  - {v}", markup=False)
    else:
        console.print("[green]The validator found no hard-rule violation.[/]")


# ---- check ------------------------------------------------------------------------------
@main.command()
@click.argument("plan_path", metavar="PLAN", type=click.Path(exists=True))
@click.argument("scenario", required=False, type=click.Path())
@friendly
def check(plan_path, scenario):
    """Check a PLAN folder or plan.xlsx (possibly edited by hand) against every rule.

    SCENARIO defaults to the scenario the plan was made from. Exit 1 when a hard rule is broken."""
    from .validator import check_plan

    pl = Plan.read(plan_path)
    sc = load(scenario or _plan_scenario(plan_path))
    violations = check_plan(sc, pl)
    for v in violations:
        console.print(f"- {v}", markup=False, soft_wrap=True)  # one line per violation, easy to grep
    hard = sum(v.hard for v in violations)
    console.print(f"{hard} hard-rule violation(s), {len(violations) - hard} target(s) not met.")
    sys.exit(1 if hard else 0)


def _plan_scenario(plan_path) -> str | None:
    p = Path(plan_path)
    meta = (p if p.is_dir() else p.parent) / "meta.json"
    if meta.exists():
        s = json.loads(meta.read_text(encoding="utf-8")).get("scenario", "")
        return None if s.startswith("builtin:") else s
    return None


# ---- routes -----------------------------------------------------------------------------
@main.command()
@click.argument("person")
@click.argument("plan_path", metavar="[PLAN]", required=False, default="plan", type=click.Path())
@click.option("--scenario", type=click.Path(), default=None, help="scenario of the plan (default: recorded in the plan)")
@friendly
def routes(person, plan_path, scenario):
    """Print PERSON's itinerant-teaching week from PLAN (default folder: plan): days, stops, lessons, minutes."""
    from .reports.routes import week_text

    if not Path(plan_path).exists():
        raise ScenarioError([Problem(str(plan_path), None, None, None,
                                     "no such plan: run `rotaplan plan --out DIR` first")])
    pl = Plan.read(plan_path)
    sc = load(scenario or _plan_scenario(plan_path))
    console.print(week_text(pl, sc, person), markup=False)


# ---- explain ----------------------------------------------------------------------------
@main.command()
@click.argument("person")
@click.argument("plan_path", metavar="[PLAN]", required=False, default="plan", type=click.Path())
@click.option("--scenario", type=click.Path(), default=None, help="scenario of the plan (default: recorded in the plan)")
@friendly
def explain(person, plan_path, scenario):
    """Explain why PERSON goes where they go in PLAN (a plan folder or plan.xlsx; default folder: plan).

    Prints the rule ids, the data used about the person, the parameters and weights that mattered,
    and for each school they ranked higher what blocked it (a hard rule, a full quota, or someone
    with more priority points, named)."""
    from .reports.explain import explain as explain_person

    if not Path(plan_path).exists():
        raise ScenarioError([Problem(str(plan_path), None, None, None,
                                     "no such plan: run `rotaplan plan --out DIR` first")])
    pl = Plan.read(plan_path)
    sc = load(scenario or _plan_scenario(plan_path))
    console.print(explain_person(sc, pl, person).text(), markup=False, soft_wrap=True)


# ---- run history: runs, show, compare, sweep -----------------------------------------------
_DB_OPTION = click.option("--db", "db", type=click.Path(dir_okay=False), default=None,
                          help="run history database (default: $ROTAPLAN_DB or ~/.local/share/rotaplan/runs.sqlite)")


@main.command()
@_DB_OPTION
@click.option("--sweep", "sweep_name", default=None, help="only the runs of this sweep")
@click.option("--limit", type=click.IntRange(1), default=50, show_default=True, help="newest runs to list")
@friendly
def runs(db, sweep_name, limit):
    """List the stored runs of the run history, newest last."""
    from .runs.history import History

    h = History(db)
    df = h.runs(sweep=sweep_name, limit=limit)
    if df.empty:
        console.print(f"No runs stored in {h.path} yet: `rotaplan plan` and `rotaplan sweep` store them.")
        return
    t = Table(title=f"Runs in {h.path} ({h.count()} in all)")
    cols = ["run_id", "created", "status", "label", "scenario_name", "staff", "seed", "moves", "uncovered_lessons",
            "degree_ratio_urban_rural", "worst_gap", "seconds"]
    for c in cols:
        t.add_column(c.replace("_urban_rural", "").replace("scenario_name", "scenario"), overflow="fold")
    for r in df.to_dict("records"):
        cells = [_fmt(r[c]) if not (isinstance(r[c], float) and r[c] != r[c]) else "-" for c in cols]
        if r["status"] != "ok":
            cells[2] = f"[red]{r['status']}[/]"
            cells[7] = (r["error"] or "")[:60]
        t.add_row(*cells)
    console.print(t)


@main.command()
@click.argument("run")
@_DB_OPTION
@friendly
def show(run, db):
    """Reprint the summary of stored RUN (a run id, or `last`): what it ran on, solver, KPIs, compliance."""
    from .runs.history import History

    r = History(db).get(run)
    rec = r.record
    console.print(f"[bold]Run {r.run_id}[/] ({rec['status']}), {rec['created']}: {rec['label'] or '-'}")
    for key in ("scenario", "scenario_name", "fingerprint", "whatif_name", "seed", "workers", "time_limit",
                "seconds", "staff", "schools", "plan_dir", "sweep"):
        if rec.get(key) not in (None, ""):
            console.print(f"  {key}: {rec[key]}", markup=False)
    if rec["whatif"]:
        console.print("  what-if:\n    " + rec["whatif"].strip().replace("\n", "\n    "), markup=False)
    if rec["status"] != "ok":
        console.print(f"[red]This run failed:[/] {rec['error']}")
        return
    for line in json.loads(rec["notes"] or "[]"):
        console.print(line, markup=False)
    extra = json.loads(rec["extra"] or "{}")
    stored = [_StoredViolation(v) for v in extra.get("hard_violations", [])]
    _print_plan_summary(r.plan, stored)


class _StoredViolation:
    hard = True

    def __init__(self, text: str):
        self.text = text

    def __str__(self) -> str:
        return self.text


@main.command()
@click.argument("refs", metavar="RUN_A RUN_B [...]", nargs=-1, required=True)
@_DB_OPTION
@click.option("--html", "html_path", type=click.Path(dir_okay=False), default="compare.html", show_default=True,
              help="HTML page to write")
@click.option("--people", type=click.IntRange(0), default=30, show_default=True,
              help="people with a different outcome to list in the terminal (the HTML lists them all)")
@friendly
def compare(refs, db, html_path, people):
    """Compare plans side by side: run ids of the run history (`rotaplan runs`) or plan folders.

    Prints KPIs, compliance, move counts and the people whose outcome differs, and writes an HTML page."""
    from .reports.compare import compare as build, render, to_html
    from .runs.history import History

    needs_db = any(not Path(r).exists() for r in refs)
    cmp = build(list(refs), History(db) if needs_db else None)
    render(cmp, console, max_people=people)
    Path(html_path).write_text(to_html(cmp), encoding="utf-8")
    console.print(f"Comparison written to {html_path}.")


@main.command()
@click.argument("grid", type=click.Path())
@_DB_OPTION
@click.option("--scheduler", default=None, help="address of an existing Dask scheduler, e.g. tcp://HOST:8786 "
              "(default: a local cluster of processes)")
@click.option("--workers", "n_workers", type=click.IntRange(1, 256), default=None,
              help="local cluster: number of worker processes (default: one per core)")
@click.option("--cp-workers", type=click.IntRange(1, 64), default=None,
              help="CP-SAT num_workers inside each run (default: the grid's cp_workers, else 1)")
@click.option("--time-limit", type=click.FloatRange(min=0.1), default=None,
              help="CP-SAT time limit per stage (default: the grid's time_limit, else 10)")
@click.option("--html", "html_path", type=click.Path(dir_okay=False), default="sweep.html", show_default=True,
              help="HTML report to write (summary table and trade-off chart)")
@friendly
def sweep(grid, db, scheduler, n_workers, cp_workers, time_limit, html_path):
    """Run a GRID of what-ifs and/or scenarios in parallel on Dask; every run goes into the run history."""
    from .runs.history import History
    from .runs.sweep import read_grid, render, run_sweep, to_html

    sw = read_grid(grid, time_limit=time_limit, cp_workers=cp_workers)
    h = History(db)
    where = scheduler or f"a local cluster of {n_workers or os.cpu_count()} worker processes"
    console.print(f"Sweep {sw.name}: {len(sw.tasks)} runs on {where}; storing in {h.path}.")
    res = run_sweep(sw, h, scheduler=scheduler, n_workers=n_workers, console=console)
    render(res, console)
    Path(html_path).write_text(to_html(res), encoding="utf-8")
    failed = int((res.rows["status"] != "ok").sum()) if len(res.rows) else 0
    console.print(f"{len(res.rows)} runs stored in {h.path} ({failed} failed). Report written to {html_path}.")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":  # pragma: no cover
    main()
