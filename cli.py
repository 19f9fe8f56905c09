"""rotaplan command line: a thin shell over models/, optimizer/, scenarios/ and validator/."""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import sys
import time
import traceback
from pathlib import Path

import click
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .models import Plan, Scenario, ScenarioError, messages
from .models.errors import Problem
from .models.figures import budget_text
from .models.outputs import OutputError, describe_os_error, write_text_output
from .models.schema import AREA, LEVEL

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

messages.register({
    "cli.error": ("error:", "错误："),
    "cli.warning": ("warning:", "警告："),
    "cli.problems": ("{n} problem(s) in the input:", "输入数据中有{n}处问题："),
    "cli.more": ("  ... and {n} more", "  ……另有{n}处"),
    "cli.path": ("{what}. Check the path and its permissions, or choose another one.",
                 "{what}。请检查路径及其权限，或换一个路径。"),
    "cli.interrupted": ("interrupted: nothing was half written.", "已中断：没有写入不完整的文件。"),
    "cli.bug": ("This is a bug in rotaplan, not a problem with your data.",
                "这是rotaplan程序的错误，不是您数据的问题。"),
    "cli.bug_report": ("Please report it with the command you ran and the traceback above.",
                       "请将所运行的命令和上面的错误信息一并报告。"),
    "cli.note": ("note:", "注意："),
    "cli.reading": ("Reading and validating the scenario...", "正在读取并检查方案数据……"),
    "cli.planning": ("Planning...", "正在编制方案……"),
    "cli.planning_step": ("Planning: {step}...", "正在编制方案：{step}……"),
    "cli.valid": ("[bold]Scenario {name}[/]: plan year {year}, valid.",
                  "[bold]方案数据 {name}[/]：{year}年度，检查通过。"),
    "cli.t.schools": ("Schools by area and level", "按城乡和学段统计的学校"),
    "cli.t.staff": ("Staff", "教职工"),
    "cli.t.policy_figures": ("Current policy figures (before any plan)", "当前政策指标（编制方案前）"),
    "cli.t.solver": ("Solver (per stage)", "求解情况（各阶段）"),
    "cli.t.kpis": ("KPIs", "主要指标"),
    "cli.t.compliance": ("Compliance", "规则执行情况"),
    "cli.c.area": ("area", "城乡"),
    "cli.c.figure": ("figure", "指标"),
    "cli.c.value": ("value", "数值"),
    "cli.c.rule": ("rule", "规则"),
    "cli.c.now": ("now", "现状"),
    "cli.c.target": ("target", "目标"),
    "cli.c.stage": ("stage", "阶段"),
    "cli.c.status": ("status", "状态"),
    "cli.c.objective": ("objective", "目标函数值"),
    "cli.c.bound": ("bound", "界"),
    "cli.c.gap": ("gap", "差距"),
    "cli.c.seconds": ("seconds", "秒"),
    "cli.c.before": ("before", "调整前"),
    "cli.c.after": ("after", "调整后"),
    "cli.c.detail": ("detail", "说明"),
    "cli.draft": ("[bold red]DRAFT, not a plan:[/] it breaks {n} hard rule instance(s). Written to {where}/ as a "
                  "draft (meta.json \"draft\": true, a banner in report.html) in {seconds} s.",
                  "[bold red]草稿，不是方案：[/]违反硬性规则{n}处。已作为草稿写入{where}/（meta.json中"
                  "\"draft\": true，report.html顶部有醒目提示），用时{seconds}秒。"),
    "cli.draft_run": ("[bold red]DRAFT, not a plan:[/] written with --allow-violations; it breaks hard rules.",
                      "[bold red]草稿，不是方案：[/]用--allow-violations写入，违反硬性规则。"),
    "cli.written": ("Plan written to {where}/ in {seconds} s.", "方案已写入{where}/，用时{seconds}秒。"),
    "cli.stored": ("Stored as run {run} ({status}) in the run history (`rotaplan show {run}`).",
                   "已存入运行记录，编号{run}（{status}）（`rotaplan show {run}`）。"),
    "cli.not_stored": ("the run was not stored in the run history: {why}", "本次运行未存入运行记录：{why}"),
    "cli.infeasible": ("[bold red]Infeasible:[/] no plan keeps every hard rule. The best plan found breaks {n} "
                       "hard-rule instance(s), so no plan was written.",
                       "[bold red]无可行方案：[/]没有任何方案能遵守全部硬性规则。找到的最好方案违反硬性规则{n}处，"
                       "因此没有写入方案。"),
    "cli.rule_violations": ("[bold]{rule}[/]: {n} violation(s)", "[bold]{rule}[/]：违反{n}处"),
    "cli.more_violations": ("  ... and {n} more", "  ……另有{n}处"),
    "cli.infeasible_how": ("Change the scenario or what-if (quotas, hires, locks) so the hard rules can hold, or "
                           "write the best plan as a marked draft with --allow-violations.",
                           "请修改方案数据或假设情景（编制、招聘、锁定），使硬性规则能够满足；或用--allow-violations"
                           "将最好的方案写成带标记的草稿。"),
    "cli.hard_found": ("[bold red]The validator found {n} hard-rule violation(s):[/]",
                       "[bold red]核验发现违反硬性规则{n}处：[/]"),
    "cli.no_hard": ("[green]The validator found no hard-rule violation.[/]", "[green]核验未发现违反硬性规则。[/]"),
    # the rows of `validate`'s summary (models/summary.py), as the terminal shows them
    **{f"cli.fig.{en}": (en, zh) for en, zh in (
        ("townships", "乡镇（街道）"), ("schools", "学校"), ("staff", "教职工"), ("principals", "校长"),
        ("vice-principals", "副校长"), ("teachers", "教师"), ("new hires to place", "待分配的新教师"),
        ("teachers finishing contract period 1", "第一聘期届满的教师"),
        ("leaders due for rotation (R1)", "应轮岗的校级干部（R1）"), ("  of them exempt", "  其中免于轮岗"),
        ("reserve leaders", "后备干部"), ("public-funded teachers", "公费师范生"), ("demand lines", "课时需求行数"),
        ("weekly lessons demanded", "每周需求课时"), ("road graph", "道路图"),
        ("estimated from coordinates", "按坐标估算"),
        ("young rural leader share", "乡村学校青年干部占比"), ("backbone share urban", "城区骨干教师占比"),
        ("backbone share rural", "乡村骨干教师占比"), ("bachelor+ share rural", "乡村本科及以上学历教师占比"),
        ("kindergarten associate+ share rural", "乡村幼儿园专科及以上学历教师占比"),
        ("urban/rural bachelor ratio", "城区与乡村本科学历占比之比"))},
    "cli.check_total": ("{hard} hard-rule violation(s), {targets} target(s) not met.",
                        "违反硬性规则{hard}处，未达目标{targets}项。"),
})

LANG_ENV = "ROTAPLAN_LANG"  # the language of messages where a command has no --lang (README: Language)
_lang: list[str] = []  # the language a command resolved (explain and routes: the plan's), for friendly()


def env_lang() -> str:
    """$ROTAPLAN_LANG when it is en or zh, else English."""
    v = os.environ.get(LANG_ENV, "").strip().lower()
    return v if v in messages.LANGS else messages.DEFAULT_LANG


def use_lang(lang: str | None) -> str:
    """The command's language from here on (error framing included): `lang`, else $ROTAPLAN_LANG, else en."""
    chosen = messages.check_lang(lang) if lang else env_lang()
    _lang[:] = [chosen]
    return chosen


def current_lang() -> str:
    return _lang[0] if _lang else env_lang()


def problem_text(p: Problem, lang: str | None = None) -> str:
    """One input problem in `lang`: where (file or sheet, row, column, value, cell) and what is wrong."""
    return p.render(lang)


# The exit codes of README.md and `rotaplan --help`.
EXIT_OK, EXIT_VIOLATIONS, EXIT_INPUT, EXIT_INFEASIBLE, EXIT_BUG, EXIT_INTERRUPTED = 0, 1, 2, 3, 70, 130


def friendly(fn):
    """Bad input and unusable paths exit 2 with a clear message and no traceback; a bug in rotaplan shows its
    traceback, asks to be reported and exits 70, never dressed up as an input error."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        use_lang(kwargs.get("lang"))  # --lang where the command has it, else $ROTAPLAN_LANG
        m = _msg
        try:
            return fn(*args, **kwargs)
        except OutputError as exc:
            err_console.print(f"[bold red]{m('cli.error')}[/] {escape(exc.message)}", soft_wrap=True)
            sys.exit(EXIT_INPUT)
        except ScenarioError as exc:
            err_console.print(f"[bold red]{m('cli.problems', n=len(exc.problems))}[/]")
            for p in exc.problems[:200]:
                err_console.print(f"  - {problem_text(p, current_lang())}", markup=False)
            if len(exc.problems) > 200:
                err_console.print(m("cli.more", n=len(exc.problems) - 200), markup=False)
            sys.exit(EXIT_INPUT)
        except OSError as exc:  # a path that cannot be read or written: the user can fix it
            err_console.print(f"[bold red]{m('cli.error')}[/] {escape(m('cli.path', what=describe_os_error(exc)))}",
                              soft_wrap=True)
            sys.exit(EXIT_INPUT)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except KeyboardInterrupt:  # Ctrl-C: outputs are swapped in whole or not at all, so nothing is half written
            err_console.print(m("cli.interrupted"))
            sys.exit(EXIT_INTERRUPTED)
        except Exception:  # noqa: BLE001 - a programming bug: show it, do not disguise it
            traceback.print_exc()
            err_console.print(f"[bold red]{m('cli.bug')}[/] {m('cli.bug_report')}", soft_wrap=True)
            sys.exit(EXIT_BUG)

    return wrapper


def _msg(key: str, **fields) -> str:
    """A message of the catalogue in the command's language."""
    return messages.text(key, current_lang(), **fields)


def print_warnings(sc: Scenario) -> None:
    for w in sc.warnings:
        text = problem_text(w, current_lang()) if isinstance(w, Problem) else str(w)
        err_console.print(f"[yellow]{_msg('cli.warning')}[/] {escape(text)}", markup=True, soft_wrap=True)


def load(path: str | None) -> Scenario:
    with console.status(_msg("cli.reading")):
        sc = Scenario.read(path)
    print_warnings(sc)
    return sc


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="rotaplan")
def main():
    """rotaplan: plan the annual rotation and placement of principals and teachers.

    Reads the personnel office's data (CSV folder or Excel workbook, English or Chinese headers),
    checks it, and writes a plan that can be read, checked, explained and compared.
    Rule ids (R1...R17) are those of the district policy; see docs/.

    \b
    Outputs go only to a new path, or over an output rotaplan wrote before and nobody changed
    since; your own files are never replaced.

    \b
    Exit codes: 0 ok; 1 `check` found hard-rule violations; 2 bad input (a scenario, plan, option
    or path rotaplan cannot use); 3 infeasible (no plan keeps every hard rule; nothing is written
    unless --allow-violations writes a draft); 70 a bug in rotaplan (please report it).
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
    console.print(_msg("cli.valid", name=escape(str(sc.name)), year=sc.policy.plan_year))
    zh = current_lang() == "zh"
    t = Table(title=_msg("cli.t.schools"))
    levels = list(s["schools_by_level"])
    t.add_column(_msg("cli.c.area"))
    for lv in levels:
        t.add_column(LEVEL[lv][0] if zh and lv in LEVEL else lv, justify="right")
    for area, row in s["schools_by_area_level"].items():
        t.add_row(AREA[area][0] if zh and area in AREA else area, *[str(row.get(lv, 0)) for lv in levels])
    console.print(t)
    t = Table(title=_msg("cli.t.staff"))
    t.add_column(_msg("cli.c.figure"))
    t.add_column(_msg("cli.c.value"), justify="right")
    for k, v in s["figures"].items():
        t.add_row(_label(k), _label(str(v)))
    console.print(t)
    t = Table(title=_msg("cli.t.policy_figures"))
    for c in ("rule", "figure", "now", "target"):
        t.add_column(_msg(f"cli.c.{c}"))
    for rule, fig, now, target in s["rule_figures"]:
        t.add_row(rule, _label(fig), _fmt(now), _fmt(target))
    console.print(t)


def _label(text: str) -> str:
    """A summary row's words in the command's language (as given where the catalogue has no such row)."""
    return _msg(f"cli.fig.{text}") if f"cli.fig.{text}" in messages.catalogue() else text


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
    """Generate a synthetic district scenario into OUT (a folder, or a workbook if OUT ends in .xlsx).

    OUT must be new, or a scenario that rotaplan generated there before and nobody changed since."""
    from .models.outputs import owned_output_dir, owned_output_file
    from .scenarios.generate import generate as gen

    t0 = time.perf_counter()
    (owned_output_file if Path(out).suffix.lower() == ".xlsx" else owned_output_dir)(out, "scenario", option="")
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
              help="plan folder to write (assignments.csv, itinerant.csv, kpis.json, compliance.csv, plan.xlsx, "
                   "report.html, meta.json): a new folder, or a plan folder rotaplan wrote and nobody changed since")
@click.option("--time-limit", type=click.FloatRange(min=0.1), default=30.0, show_default=True,
              help="CP-SAT time limit in seconds, per stage")
@click.option("--seed", type=int, default=0, show_default=True, help="CP-SAT random seed")
@click.option("--workers", type=click.IntRange(1, 64), default=8, show_default=True,
              help="CP-SAT num_workers; 1 with a fixed seed gives a reproducible plan")
@click.option("--log", is_flag=True, help="print the CP-SAT search log")
@click.option("--lang", type=click.Choice(["en", "zh"]), default=None,
              help="language of the plan: the reasons in assignments.csv, plan.xlsx (sheet names, headers, coded "
                   "values) and report.html, recorded in meta.json for explain, routes and compare "
                   "(default: $ROTAPLAN_LANG, else the policy's lang, else en)")
@click.option("--whatif", "whatif_path", type=click.Path(), default=None,
              help="what-if YAML (policy overrides, hires, merged schools...) applied to SCENARIO, "
                   "or a name of scenarios/whatifs/ such as hire_40_bachelor")
@click.option("--db", "db", type=click.Path(dir_okay=False), default=None,
              help="run history database (default: $ROTAPLAN_DB or ~/.local/share/rotaplan/runs.sqlite)")
@click.option("--lock", "lock_path", type=click.Path(exists=True), default=None,
              help="a hand-edited plan (folder, plan.xlsx or assignments.csv): keep its legal edits as office "
                   "locks, repair the illegal ones, change as few other decisions as possible (SCENARIO: the one "
                   "the plan records)")
@click.option("--allow-violations", is_flag=True,
              help="when no plan keeps every hard rule, write the best one anyway as a DRAFT (marked in meta.json, "
                   "report.html and the run history); the exit code is 3 all the same")
@friendly
def plan(scenario, out, time_limit, seed, workers, log, lang, whatif_path, db, lock_path, allow_violations):
    """Plan who moves where from 1 September for SCENARIO and write the plan folder.

    SCENARIO is a scenario folder of CSV files or one .xlsx workbook (default: the built-in
    Laiwu sample district). Prints solver figures, KPIs before/after/target and compliance.
    A plan that breaks a hard rule is not written: the violations are listed by rule and person
    and the exit code is 3 (see --allow-violations).
    """
    from .optimizer import SolveParams
    from .runs.service import DRAFT, INFEASIBLE, PlanRequest, check_output, load_scenario, plan_run

    whatif = None
    if lock_path and not scenario:
        scenario = _plan_scenario(lock_path)  # the scenario the edited plan was made from
    if whatif_path:
        from .scenarios.whatif import WhatIf

        whatif = WhatIf.read(whatif_path)
    given = lang or (env_lang() if os.environ.get(LANG_ENV, "").strip() else None)
    use_lang(given)
    req = PlanRequest(scenario=scenario, whatif=whatif, lock=lock_path, out=out, lang=given or "en", db=db,
                      params=SolveParams(time_limit=time_limit, seed=seed, workers=workers, log=log,
                                         lang=given or ""),
                      allow_violations=allow_violations)
    check_output(req)  # an unusable --out fails now, not after minutes of planning
    with console.status(_msg("cli.reading")):
        sc = load_scenario(req)
    if given is None:  # --lang or $ROTAPLAN_LANG override the policy's lang; else the policy's is the plan's
        req = dataclasses.replace(req, lang=use_lang(sc.policy.lang))
    print_warnings(sc)
    with console.status(_msg("cli.planning")) as status:
        outcome = plan_run(req, sc, progress=lambda s: status.update(_msg("cli.planning_step", step=s)))
    for line in outcome.notes:
        console.print(line, markup=False)
    if outcome.status == INFEASIBLE:
        _print_infeasible(outcome)
    else:
        _print_plan_summary(outcome.plan, outcome.violations, outcome.scenario.policy)
        where = outcome.paths["plan"]
        if outcome.status == DRAFT:
            console.print(_msg("cli.draft", n=len(outcome.hard), where=escape(str(where)),
                               seconds=f"{outcome.seconds:.1f}"), soft_wrap=True)
        else:
            console.print(_msg("cli.written", where=escape(str(where)), seconds=f"{outcome.seconds:.1f}"))
    if outcome.run_id is not None:
        console.print(_msg("cli.stored", run=outcome.run_id, status=outcome.status))
    elif outcome.history_error:
        err_console.print(f"[yellow]{_msg('cli.warning')}[/] "
                          f"{_msg('cli.not_stored', why=escape(outcome.history_error))}")
    sys.exit(EXIT_OK if outcome.status not in (DRAFT, INFEASIBLE) else EXIT_INFEASIBLE)


def _print_infeasible(outcome) -> None:
    """No plan: which hard rules the best plan found still breaks, for whom, and what to do."""
    from .runs.service import violations_by_rule

    hard = outcome.hard
    err_console.print(_msg("cli.infeasible", n=len(hard)), soft_wrap=True)
    for rule, n in violations_by_rule(hard):
        err_console.print(_msg("cli.rule_violations", rule=rule, n=n))
        shown = [v for v in hard if v.rule == rule]
        for v in shown[:20]:
            err_console.print(f"  - {v}", markup=False, soft_wrap=True)
        if len(shown) > 20:
            err_console.print(_msg("cli.more_violations", n=len(shown) - 20))
    err_console.print(_msg("cli.infeasible_how"), soft_wrap=True)


_LOCK_HOW = "pass the scenario it was made from as SCENARIO (`rotaplan plan SCENARIO --lock PLAN`)"


def _print_plan_summary(result: Plan, violations, pol=None) -> None:
    k = result.kpis
    t = Table(title=_msg("cli.t.solver"))
    for c in ("stage", "status", "objective", "bound", "gap", "seconds"):
        t.add_column(_msg(f"cli.c.{c}"))
    for stage, s in k.get("solver", {}).items():
        t.add_row(stage, str(s.get("status")), _fmt(s.get("objective")), _fmt(s.get("bound")),
                  _fmt(s.get("gap")), _fmt(s.get("solve_seconds")))
    console.print(t)
    t = Table(title=_msg("cli.t.kpis"))
    for c in ("figure", "before", "after", "target"):
        t.add_column(_msg(f"cli.c.{c}"))
    keys = list(k["before"]) + [x for x in k["after"] if x not in k["before"]]
    for key in keys:
        t.add_row(key, _fmt(k["before"].get(key)), _fmt(k["after"].get(key)), _fmt(k["target"].get(key)))
    console.print(t)
    t = Table(title=_msg("cli.t.compliance"))
    for c in ("rule", "status", "detail"):
        t.add_column(_msg(f"cli.c.{c}"))
    for r in result.compliance.itertuples():
        color = {"met": "green", "not_met": "red", "exempted": "yellow"}.get(r.status, "white")
        t.add_row(r.rule, f"[{color}]{r.status}[/]", str(r.detail))
    console.print(t)
    budget = budget_text(k, pol, current_lang())
    if budget:
        console.print(budget, markup=False)
    hard = [v for v in violations if v.hard]
    if hard:
        console.print(_msg("cli.hard_found", n=len(hard)))
        for v in hard[:50]:
            console.print(f"  - {v}", markup=False)
    else:
        console.print(_msg("cli.no_hard"))


# ---- check ------------------------------------------------------------------------------
@main.command()
@click.argument("plan_path", metavar="PLAN", type=click.Path(exists=True))
@click.argument("scenario", required=False, type=click.Path())
@friendly
def check(plan_path, scenario):
    """Check a PLAN (a plan folder, its plan.xlsx or assignments.csv, or a plan.xlsx anywhere), edited by
    hand or not, against every rule.

    In a folder, the copy that was edited is read (plan.xlsx or the CSV files) and the first line says
    which. SCENARIO defaults to the scenario the plan records (meta.json, or the About sheet of
    plan.xlsx); one whose content differs from it is refused. Exit 1 when a hard rule is broken."""
    from .validator import check_plan

    opened = _open_plan(plan_path, scenario, "pass the scenario it was made from as SCENARIO "
                                             "(`rotaplan check PLAN SCENARIO`)")
    violations = check_plan(opened.scenario, opened.plan)
    for v in violations:
        console.print(f"- {v}", markup=False, soft_wrap=True)  # one line per violation, easy to grep
    hard = sum(v.hard for v in violations)
    console.print(_msg("cli.check_total", hard=hard, targets=len(violations) - hard))
    sys.exit(1 if hard else 0)


def _plan_scenario(plan_path) -> str | None:
    """The scenario path a plan records (None: the built-in sample); an error when it records none."""
    from .runs.source import recorded_scenario

    return recorded_scenario(plan_path, _LOCK_HOW)


def _open_plan(plan_path, scenario, how_to_pass: str):
    """The plan (the edited copy where one was edited) and its scenario, verified; says what it read."""
    from .runs.source import open_plan

    opened = open_plan(plan_path, scenario, read_scenario=load, how_to_pass=how_to_pass, lang=current_lang())
    console.print(opened.what_was_read, markup=False, soft_wrap=True)
    for note in opened.notes:
        err_console.print(f"[yellow]{_msg('cli.note')}[/] {escape(note)}", soft_wrap=True)
    return opened


# ---- rollover ---------------------------------------------------------------------------
@main.command()
@click.argument("plan_path", metavar="PLAN", type=click.Path(exists=True))
@click.option("--out", "out", type=click.Path(), required=True,
              help="next year's scenario to write: a folder of CSV + policy.yaml, or one workbook if it ends in "
                   ".xlsx (a new path, or a scenario rotaplan wrote there and nobody changed since)")
@click.option("--hiring", "hiring_path", type=click.Path(exists=True, dir_okay=False), default=None,
              help="hiring plan (hiring.yaml): new teachers by subject, degree, certificate and public-funded "
                   "share, every year or by year, and/or a sheet of named people")
@click.option("--scenario", type=click.Path(), default=None,
              help="scenario of the plan (default: the one the plan records)")
@friendly
def rollover(plan_path, out, hiring_path, scenario):
    """Write next year's scenario (plan_year + 1) from PLAN and the scenario it was made from.

    Everyone is at their school and role from the plan, with one school year served: years at school,
    leader terms and contract periods advanced, bundle_school from period2_school, postings carried (R16),
    rural years added (R6), R13 trainees recorded, retirees removed, locks and exemptions cleared unless
    marked permanent, and the hiring plan's new teachers added (docs/scenario-format.md, "Next year").
    The office can open and edit the result, then `rotaplan validate` and `rotaplan plan` it."""
    from .models.outputs import owned_output_dir, owned_output_file
    from .scenarios.rollover import Hiring, summary
    from .scenarios.rollover import rollover as roll

    (owned_output_file if Path(out).suffix.lower() == ".xlsx" else owned_output_dir)(out, "scenario",
                                                                                     option="--out")
    hiring = Hiring.read(hiring_path) if hiring_path else None
    opened = _open_plan(plan_path, scenario, "pass the scenario it was made from with --scenario")
    t0 = time.perf_counter()
    nxt = roll(opened.scenario, opened.plan, hiring, name=Path(out).stem)
    nxt.write(out, option="--out")
    s = summary(opened.scenario, nxt)
    console.print(f"Wrote the {s['plan_year']} scenario to {out}: {s['staff_after']} staff ({s['left']} left, "
                  f"{s['hired']} hired), {s['on_posting']} on a posting, {s['bundled']} with a bundle_school, "
                  f"in {time.perf_counter() - t0:.1f} s.", soft_wrap=True)


# ---- roadmap ----------------------------------------------------------------------------
@main.command()
@click.argument("scenario", required=False, type=click.Path())
@click.option("--until", "until", type=click.IntRange(2000, 2100), required=True,
              help="the last plan year: plan, roll over and plan again every year until then")
@click.option("--hiring", "hiring_paths", type=click.Path(exists=True, dir_okay=False), multiple=True,
              help="hiring plan (hiring.yaml) giving the new teachers of every year after the first; given twice or "
                   "more, one roadmap per hiring plan runs in parallel on Dask (DIR/<n>-<name>/ each, and "
                   "DIR/compare.html)")
@click.option("--whatif", "whatif_path", type=click.Path(), default=None,
              help="what-if applied to the first year's scenario (file or a name of scenarios/whatifs/); its policy "
                   "changes stay in every later year")
@click.option("--dask-workers", type=click.IntRange(1, 64), default=None,
              help="several hiring plans: local Dask worker processes (default: one per roadmap, at most 4)")
@click.option("--out", "out", type=click.Path(), default="roadmap", show_default=True,
              help="roadmap folder: <year>/ holds each year's plan, scenarios/<year>/ each later year's scenario "
                   "(and the first year's with --whatif), with roadmap.csv, roadmap.xlsx, roadmap.json and "
                   "roadmap.html (a new folder, or a roadmap rotaplan wrote and nobody changed since)")
@click.option("--time-limit", type=click.FloatRange(min=0.1), default=10.0, show_default=True,
              help="CP-SAT time limit in seconds, per stage and year")
@click.option("--seed", type=int, default=0, show_default=True, help="CP-SAT random seed")
@click.option("--workers", type=click.IntRange(1, 64), default=8, show_default=True, help="CP-SAT num_workers")
@click.option("--lang", type=click.Choice(["en", "zh"]), default=None, help="language of the plans and the page")
@click.option("--db", "db", type=click.Path(dir_okay=False), default=None,
              help="run history database (default: $ROTAPLAN_DB or ~/.local/share/rotaplan/runs.sqlite)")
@friendly
def roadmap(scenario, until, hiring_paths, whatif_path, dask_workers, out, time_limit, seed, workers, lang, db):
    """Plan SCENARIO year after year until --until: plan, roll over (`rotaplan rollover`), plan again...

    Prints, and writes to roadmap.csv, roadmap.xlsx and roadmap.html (with charts), R3, the R9 shares, R10, R11, moves,
    uncovered lessons and itinerant teachers of every year, each from that year's plan, and the first year
    R10 and R3 are both met, or why not by --until. Each yearly plan is stored in the run history, the
    roadmap too (`rotaplan roadmaps`; `rotaplan compare RM1 RM2` sets two roadmaps side by side)."""
    from .optimizer import SolveParams
    from .runs.roadmap import RoadmapRequest, run_roadmap
    from .scenarios.rollover import Hiring

    use_lang(lang)
    whatif = None
    if whatif_path:
        from .scenarios.whatif import WhatIf

        whatif = WhatIf.read(whatif_path)
        scenario = scenario or whatif.base
    if len(hiring_paths) > 1 and whatif is not None:
        raise click.UsageError("--whatif goes with one hiring plan: run one roadmap per what-if")
    if len(hiring_paths) > 1:
        _parallel_roadmaps(scenario, until, hiring_paths, dask_workers, out, time_limit, seed, workers, lang, db)
        return
    hiring_path = hiring_paths[0] if hiring_paths else None
    hiring = Hiring.read(hiring_path) if hiring_path else None
    req = RoadmapRequest(scenario=scenario, until=until, out=out, hiring=hiring,
                         hiring_text=Path(hiring_path).read_text(encoding="utf-8") if hiring_path else "",
                         whatif=whatif,
                         params=SolveParams(time_limit=time_limit, seed=seed, workers=workers, lang=lang or ""),
                         lang=lang or "en", db=db)
    with console.status("Roadmap...") as status:
        rm = run_roadmap(req, progress=lambda s: status.update(f"Roadmap: {s}..."))
    console.print(roadmap_table(rm))
    console.print(rm.verdict, markup=False, soft_wrap=True)
    console.print("Seconds per year: " + ", ".join(f"{y}: {s:g}" for y, s in rm.year_seconds.items())
                  + f"; {rm.seconds:g} s in all.")
    console.print(f"Written to {rm.folder}/ (roadmap.csv, roadmap.html, one plan folder per year)"
                  + (f"; stored as roadmap RM{rm.roadmap_id} in the run history (`rotaplan roadmaps`)." if rm.roadmap_id
                     else "."),
                  soft_wrap=True)


def roadmap_table(rm) -> Table:
    """The roadmap's years as a terminal table (runs/roadmap.py TERMINAL columns)."""
    from .runs.roadmap import TERMINAL, records

    t = Table(title=f"Roadmap {rm.name}", box=box.SIMPLE_HEAD, padding=(0, 1, 0, 0), pad_edge=False)
    cols = [c for c in TERMINAL if c in rm.rows.columns]
    short = {"young_rural_leader_share": "R3\nyoung", "bachelor_share_rural": "R9 bach.\nrural",
             "bachelor_share_urban": "R9 bach.\nurban", "degree_ratio_urban_rural": "R10\nratio",
             "r11_exchanged": "R11\nexch.", "uncovered_lessons": "uncov-\nered", "itinerant_teachers": "itin-\nerant",
             "R3": "R3\nmet", "R10": "R10\nmet"}
    word = {"met": "met", "not_met": "no", "exempted": "exempt", "": "-", "infeasible": "refused"}  # short words
    cells = [[word.get(str(r.get(c) or ""), str(r.get(c))) if c in ("status", "R3", "R10") else _fmt(r.get(c))
              for c in cols] for r in records(rm.rows)]
    for i, c in enumerate(cols):  # as wide as the widest figure or header line: nothing folds where it fits
        head = short.get(c, c)
        width = max([len(row[i]) for row in cells] + [len(x) for x in head.split("\n")])
        left = c in ("status", "R3", "R10")
        t.add_column(head, overflow="fold", min_width=width, justify="left" if left else "right")
    for row in cells:
        t.add_row(*row)
    return t


# ---- language of explain, routes, compare ----------------------------------------------------
_LANG_OPTION = click.option("--lang", type=click.Choice(["en", "zh"]), default=None,
                            help="language of the text (default: the plan's, as `plan --lang` recorded it in "
                                 "meta.json; else $ROTAPLAN_LANG, else en)")


def plan_lang(plan_path) -> str | None:
    """The language a plan was written in (meta.json `lang` beside it), None when it records none."""
    p = Path(str(plan_path))
    meta = (p if p.is_dir() else p.parent) / "meta.json"
    try:
        lang = json.loads(meta.read_text(encoding="utf-8")).get("lang")
    except (OSError, ValueError, AttributeError):  # no meta.json, or not one rotaplan can read: open_plan says so
        return None
    return lang if lang in messages.LANGS else None


# ---- routes -----------------------------------------------------------------------------
@main.command()
@click.argument("person")
@click.argument("plan_path", metavar="[PLAN]", required=False, default="plan", type=click.Path())
@click.option("--scenario", type=click.Path(), default=None,
              help="scenario of the plan (default: recorded in the plan)")
@_LANG_OPTION
@friendly
def routes(person, plan_path, scenario, lang):
    """Print PERSON's itinerant-teaching week from PLAN (default folder: plan): days, stops, lessons, minutes."""
    from .reports.routes import week_text

    use_lang(lang or plan_lang(plan_path))
    opened = _open_plan(plan_path, scenario, "pass the scenario it was made from with --scenario")
    console.print(week_text(opened.plan, opened.scenario, person, current_lang()), markup=False)


# ---- explain ----------------------------------------------------------------------------
@main.command()
@click.argument("person")
@click.argument("plan_path", metavar="[PLAN]", required=False, default="plan", type=click.Path())
@click.option("--scenario", type=click.Path(), default=None,
              help="scenario of the plan (default: recorded in the plan)")
@_LANG_OPTION
@friendly
def explain(person, plan_path, scenario, lang):
    """Explain why PERSON goes where they go in PLAN (a plan folder or plan.xlsx; default folder: plan).

    Prints the rule ids, the data used about the person, the parameters and weights that mattered,
    and for each school they ranked higher what blocked it (a hard rule, a full quota, or someone
    with more priority points, named)."""
    from .reports.explain import explain as explain_person

    use_lang(lang or plan_lang(plan_path))
    opened = _open_plan(plan_path, scenario, "pass the scenario it was made from with --scenario")
    console.print(explain_person(opened.scenario, opened.plan, person, lang=current_lang()).text(), markup=False,
                  soft_wrap=True)


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
        if r["status"] in ("failed", "infeasible"):  # no plan: say why where its figures would be
            cells[7] = escape((r["error"] or "")[:60])
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
    if rec["status"] == "failed":
        console.print(f"[red]This run failed:[/] {escape(rec['error'])}")
        return
    for line in json.loads(rec["notes"] or "[]"):
        console.print(line, markup=False)
    extra = json.loads(rec["extra"] or "{}")
    stored = [_StoredViolation(v) for v in extra.get("hard_violations", [])]
    if rec["status"] == "infeasible":
        console.print(f"[red]This run found no plan that keeps every hard rule[/] ({escape(rec['error'])}):")
        for v in stored[:50]:
            console.print(f"  - {v}", markup=False)
        return
    if rec["status"] == "draft":
        console.print(_msg("cli.draft_run"))
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
              help="HTML page to write: a new file, or a page rotaplan wrote and nobody changed since")
@click.option("--people", type=click.IntRange(0), default=30, show_default=True,
              help="people with a different outcome to list in the terminal (the HTML lists them all)")
@click.option("--lang", type=click.Choice(["en", "zh"]), default=None,
              help="language of the tables and the page (default: the plans' when their folders record one and "
                   "the same, else $ROTAPLAN_LANG, else en)")
@friendly
def compare(refs, db, html_path, people, lang):
    """Compare plans side by side: run ids of the run history (`rotaplan runs`) or plan folders; or roadmaps:
    RM ids (`rotaplan roadmaps`) or roadmap folders, year by year.

    Prints KPIs, compliance, move counts and the people whose outcome differs (for roadmaps: each year's
    figures and what each roadmap reaches), and writes an HTML page."""
    from .models.outputs import owned_output_file
    from .reports.compare import compare as build
    from .reports.compare import render, to_html
    from .runs.history import History

    owned_output_file(html_path, "compare", option="--html")
    from .runs.roadmap import is_roadmap_ref

    if all(is_roadmap_ref(r) for r in refs):
        _compare_roadmaps(refs, db, html_path, lang)
        return
    if not lang:
        recorded = {plan_lang(r) for r in refs if Path(r).exists()}
        lang = recorded.pop() if len(recorded) == 1 and len(refs) == sum(Path(r).exists() for r in refs) else None
    lang = use_lang(lang)
    needs_db = any(not Path(r).exists() for r in refs)
    cmp = build(list(refs), History(db) if needs_db else None, lang=lang)
    render(cmp, console, max_people=people, lang=lang)
    write_text_output(html_path, to_html(cmp, lang=lang), "compare", option="--html")
    console.print(f"Comparison written to {html_path}.")


def _parallel_roadmaps(scenario, until, hiring_paths, dask_workers, out, time_limit, seed, workers, lang, db):
    """`roadmap --hiring A --hiring B ...`: one roadmap per hiring plan on Dask, then side by side."""
    from .optimizer import SolveParams
    from .runs.roadmap import RoadmapRequest, run_roadmaps
    from .scenarios.rollover import Hiring

    for h in hiring_paths:
        Hiring.read(h)  # a bad hiring plan fails now, before any cluster starts
    base = RoadmapRequest(scenario=scenario, until=until, out=out,
                          params=SolveParams(time_limit=time_limit, seed=seed, workers=workers, lang=lang or ""),
                          lang=lang or "en", db=db)
    console.print(f"{len(hiring_paths)} roadmaps to {until}, one per hiring plan, in parallel on Dask...")
    done = run_roadmaps(base, list(hiring_paths), n_workers=dask_workers,
                        on_result=lambda r: console.print(f"  {r['name']}: " + (r["verdict"] if r.get("ok") else
                                                          f"failed: {r.get('error')}"), markup=False, soft_wrap=True))
    _compare_roadmaps([str(Path(out) / r["name"]) for r in done if r.get("ok")], db, str(Path(out) / "cmp.html"),
                      lang, write=False)
    console.print(f"Written to {out}/ (one roadmap folder per hiring plan, compare.html).")
    if any(not r.get("ok") for r in done):
        sys.exit(EXIT_INFEASIBLE)


def _compare_roadmaps(refs, db, html_path, lang, write: bool = True) -> None:
    """`rotaplan compare RM1 RM2` (or roadmap folders): each roadmap's verdict and its figures year by year."""
    from .models.policy import Policy
    from .reports.roadmap import compare_html, compare_table
    from .runs.history import History
    from .runs.roadmap import load_roadmap

    lang = use_lang(lang)
    needs_db = any(not Path(r).exists() for r in refs)
    h = History(db) if needs_db else None
    rms = [load_roadmap(r, h) for r in refs]
    table = compare_table(rms)
    t = Table(title="Roadmaps compared, year by year (each figure from that year's plan)")
    for c in table.columns:
        t.add_column(str(c), overflow="fold")
    for r in table.to_dict("records"):
        t.add_row(*[_fmt(v) if v is not None else "-" for v in r.values()])
    console.print(t)
    for rm in rms:
        console.print(f"{rm['name']}: {rm['verdict']}", markup=False, soft_wrap=True)
    if write:
        write_text_output(html_path, compare_html(rms, Policy(), lang), "compare", option="--html")
        console.print(f"Comparison written to {html_path}.")


@main.command()
@_DB_OPTION
@friendly
def roadmaps(db):
    """List the roadmaps stored in the run history (`rotaplan roadmap`), with the first year R10 and R3 are met."""
    from .runs.history import History

    df = History(db).roadmaps()
    if df.empty:
        console.print("No roadmap stored yet: `rotaplan roadmap SCENARIO --until YEAR`.")
        return
    t = Table(title="Roadmaps")
    for c in ("roadmap", "created", "name", "until", "first_met", "verdict"):
        t.add_column(c, overflow="fold")
    for r in df.itertuples():
        t.add_row(f"RM{r.roadmap_id}", r.created, r.name, str(r.until),
                  "-" if pd_isna(r.first_met) else str(int(r.first_met)), r.verdict)
    console.print(t)


def pd_isna(v) -> bool:
    return v is None or (isinstance(v, float) and v != v)


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
    """Run a GRID of what-ifs and/or scenarios in parallel on Dask; every run goes into the run history.

    Exit 0 when every run gave a plan, 3 when some gave none (infeasible or failed: see the table)."""
    from .models.outputs import owned_output_file
    from .runs.history import History
    from .runs.sweep import read_grid, render, run_sweep, to_html

    sw = read_grid(grid, time_limit=time_limit, cp_workers=cp_workers)
    owned_output_file(html_path, "sweep", protect=[("grid file", grid)], option="--html")
    h = History(db)
    where = scheduler or f"a local cluster of {n_workers or os.cpu_count()} worker processes"
    console.print(f"Sweep {sw.name}: {len(sw.tasks)} runs on {where}; storing in {h.path}.")
    res = run_sweep(sw, h, scheduler=scheduler, n_workers=n_workers, console=console)
    render(res, console)
    write_text_output(html_path, to_html(res, lang=current_lang()), "sweep", protect=[("grid file", grid)],
                      option="--html")
    status = list(res.rows["status"]) if len(res.rows) else []
    failed, infeasible = status.count("failed"), status.count("infeasible")
    console.print(f"{len(res.rows)} runs stored in {h.path} ({failed} failed"
                  + (f", {infeasible} infeasible" if infeasible else "") + f"). Report written to {html_path}.")
    sys.exit(EXIT_INFEASIBLE if failed or infeasible else EXIT_OK)


# ---- the web application ----------------------------------------------------------------------
@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="address to listen on: 127.0.0.1 serves this machine only, 0.0.0.0 the office's network")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="port to listen on")
@_DB_OPTION
@click.option("--workers", "n_workers", type=click.IntRange(1, 16), default=2, show_default=True,
              help="plans that may run at once (one worker process each)")
@click.option("--cp-workers", type=click.IntRange(1, 64), default=8, show_default=True,
              help="CP-SAT num_workers inside each plan (as `plan --workers`)")
@friendly
def serve(host, port, db, n_workers, cp_workers):
    """Serve the office's web application: upload, validate, set the policy, plan, review, explain, change a
    decision, compare and download, start and compare roadmaps, in Chinese or English.

    Users, sessions, the audit log and plan jobs are kept in the run history database (tables web_*);
    uploads and plan folders in the folder beside it (<db name>-web/). Create the first user with
    `rotaplan user add NAME --role admin`. Ctrl-C or SIGTERM stops it: plans and roadmaps still running are
    marked failed and their worker processes ended."""
    import uvicorn

    from .web.app import create_app

    app = create_app(db, workers=n_workers, plan_workers=cp_workers)
    console.print(f"rotaplan web application on http://{host}:{port}/ (database {app.state.store.path}); "
                  "Ctrl-C stops it.", markup=False)
    uvicorn.run(app, host=host, port=port, log_level="warning")


@main.group()
def user():
    """Users of the web application (roles: admin, clerk, viewer)."""


@user.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(["admin", "clerk", "viewer"]), required=True,
              help="admin: users and everything; clerk: upload, plan, edit, download; viewer: read, compare, download")
@click.option("--password-stdin", is_flag=True, help="read the password from standard input (scripts, tests)")
@_DB_OPTION
@friendly
def user_add(name, role, password_stdin, db):
    """Create the web application's user NAME (the password is prompted, or read with --password-stdin)."""
    from .web.security import add_user
    from .web.store import WebStore

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    store = WebStore(db)
    add_user(store, name, role, password)
    store.audit("(command line)", "user", name, f"added as {role}")
    console.print(f"User {name} ({role}) added to {store.path}.", markup=False)


if __name__ == "__main__":  # pragma: no cover
    main()
