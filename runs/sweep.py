"""Sweeps: a grid of what-ifs and/or a list of scenarios (one per county), planned in parallel on Dask.

A grid file (YAML):

    name: exchange_x_hires          # default: the file name
    scenario: ../laiwu              # the base scenario (default: the built-in sample district)
    # scenarios: [county_a/, county_b/]          # or several bases, e.g. one per county (县管校聘)
    # generate: {counties: 100, staff: 5000}     # or generated counties, built inside each task
    whatif: hire_40_bachelor        # optional what-if applied to every run (file, name or mapping)
    grid:                           # every combination of these axes is one run
      policy.exchange_share: [0.1, 0.2]
      hires: [0, 40]                # new hires with the district's subject mix (or a hires entry)
      policy.rotation_terms: [1, 2]
      # whatif: [null, strict_travel]   # what-if files as an axis
      # seed: [0, 1]                    # solver seeds as an axis
    time_limit: 10                  # CP-SAT seconds per stage
    seed: 0
    cp_workers: 1                   # CP-SAT num_workers inside each task

Runs execute on a Dask cluster: a local cluster of processes by default (one single-threaded worker per
core), or an existing one (`--scheduler tcp://HOST:8786`). Only plain data crosses process boundaries:
a task receives the scenario's path (or the generator's arguments), the what-if as a mapping and the
solver settings, and returns plain dicts (OR-Tools objects do not pickle). Each task sets CP-SAT
`num_workers` to `cp_workers`, so n workers x cp_workers threads do not oversubscribe the cores. A failing
task is reported and stored as a failed run, and a run whose best plan breaks a hard rule as an infeasible
one (with its violations, without a plan: runs/service.py); the rest go on. Every finished run is committed to the run
history as it arrives, so a sweep killed midway keeps what it finished.
"""

from __future__ import annotations

import difflib
import html
import itertools
import json
import logging
import os
import socket
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from ..models import messages
from ..models.errors import Problem, ScenarioError
from ..models.messages import Msg, Say
from ..models.policy import Policy
from ..models.yamlfile import read_mapping
from ..procinfo import peak_rss_mib
from ..scenarios.whatif import HireGroup, WhatIf

GRID_KEYS = ("name", "description", "scenario", "scenarios", "generate", "whatif", "grid", "time_limit", "seed",
             "cp_workers")
AXES_FIXED = ("hires", "whatif", "seed")
TERMINAL_COLUMNS = ("run_id", "label", "status", "moves", "uncovered_lessons", "degree_ratio_urban_rural",
                    "young_rural_leader_share", "hard_violations", "worst_gap", "seconds", "peak_rss_mib")
SUMMARY_KPIS = ("moves", "uncovered_lessons", "uncovered_rural_lessons", "degree_ratio_urban_rural",
                "young_rural_leader_share", "itinerant_teachers", "total_travel_minutes")

messages.register({
    "sweep.no_file": ("no such grid file", "参数网格文件不存在"),
    "sweep.unknown_key": ("unknown grid key '{key}': {hint}", "未知的网格参数“{key}”：{hint}"),
    "sweep.limits": ("time_limit must be positive and cp_workers at least 1",
                     "time_limit必须为正数，cp_workers至少为1"),
    "sweep.one_base": ("give one of scenario, scenarios or generate", "请只给出scenario、scenarios或generate之一"),
    "sweep.scenarios": ("a list of scenario folders or workbooks", "应为方案数据文件夹或工作簿的列表"),
    "sweep.no_scenario": ("no such scenario folder or workbook", "方案数据文件夹或工作簿不存在"),
    "sweep.generate": ("a mapping of counties (how many), staff (per county) and seed (first seed)",
                       "应为counties（县数）、staff（每县人数）和seed（起始种子）的映射"),
    "sweep.grid": ("a mapping of axis: [values]", "应为“维度: [取值]”的映射"),
    "sweep.axes": ("use policy.KEY, hires, whatif, seed or a what-if key",
                   "请使用policy.参数名、hires、whatif、seed或假设情景的参数"),
    "sweep.unknown_axis": ("unknown axis '{axis}': {hint}", "未知的维度“{axis}”：{hint}"),
    "sweep.axis_list": ("an axis needs a list of values", "每个维度需要一个取值列表"),
    "sweep.in_whatif": ("{problem}", "{problem}"),
    "sweep.hires": ("a number of hires, or a hires entry (count, degree...)",
                    "应为招聘人数，或一条招聘条目（count、degree等）"),
    "sweep.unknown_hire_key": ("unknown key '{key}'{hint}", "未知的参数“{key}”{hint}"),
    "sweep.hint": (": did you mean '{close}'?", "：是否应为“{close}”？"),
})


# ---- the grid -----------------------------------------------------------------------------------
@dataclass
class Sweep:
    name: str
    tasks: list[dict]  # plain data, one per run
    source: str = "grid"
    axes: list[str] = field(default_factory=list)


def read_grid(path: str | Path, time_limit: float | None = None, cp_workers: int | None = None,
              seed: int | None = None) -> Sweep:
    """Read a grid file and expand it into one task (plain dict) per run."""
    path = Path(path)
    if not path.exists():
        raise ScenarioError([Problem.of(str(path), None, None, None, "sweep.no_file")])
    data = read_mapping(path, "a grid")
    return expand(data, source=path.name, folder=path.parent, default_name=path.stem, time_limit=time_limit,
                  cp_workers=cp_workers, seed=seed)


def expand(data: dict, source: str = "grid", folder: Path | None = None, default_name: str = "sweep",
           time_limit: float | None = None, cp_workers: int | None = None, seed: int | None = None) -> Sweep:
    folder = Path(folder or ".")
    problems: list[Problem] = []
    for k in data:
        if k not in GRID_KEYS:
            close = difflib.get_close_matches(str(k), GRID_KEYS, n=1, cutoff=0.5)
            hint = Msg.of("policy.did_you_mean", close=close[0]) if close else \
                Msg.of("whatif.valid", valid=", ".join(GRID_KEYS))
            problems.append(Problem.of(source, None, str(k), None, "sweep.unknown_key", key=str(k), hint=hint))
    name = str(data.get("name") or default_name)
    tl = float(time_limit if time_limit is not None else data.get("time_limit", 10))
    cpw = int(cp_workers if cp_workers is not None else data.get("cp_workers", 1))
    base_seed = int(seed if seed is not None else data.get("seed", 0))
    if tl <= 0 or cpw < 1:
        problems.append(Problem.of(source, None, "time_limit/cp_workers", None, "sweep.limits"))

    # Scenarios: one base, a list, or generated counties.
    bases: list[tuple[str, Any]] = []
    given = [k for k in ("scenario", "scenarios", "generate") if data.get(k) is not None]
    if len(given) > 1:
        problems.append(Problem.of(source, None, "+".join(given), None, "sweep.one_base"))
    if data.get("scenarios") is not None:
        items = data["scenarios"]
        if not isinstance(items, list) or not items:
            problems.append(Problem.of(source, None, "scenarios", None, "sweep.scenarios"))
        else:
            for i, s in enumerate(items):
                p = _resolve(folder, s)
                if not Path(p).exists():
                    problems.append(Problem.of(source, None, f"scenarios[{i}]", s, "sweep.no_scenario"))
                bases.append((Path(p).stem, p))
    elif data.get("generate") is not None:
        g = data["generate"]
        if not isinstance(g, dict) or set(g) - {"counties", "staff", "seed"}:
            problems.append(Problem.of(source, None, "generate", None, "sweep.generate"))
        else:
            n, staff, s0 = int(g.get("counties", 1)), int(g.get("staff", 5000)), int(g.get("seed", 0))
            bases = [(f"county-{s0 + i:03d}", {"generate": {"staff": staff, "seed": s0 + i}}) for i in range(n)]
    else:
        s = data.get("scenario")
        path = _resolve(folder, s) if s else None
        if path and not Path(path).exists():
            problems.append(Problem.of(source, None, "scenario", s, "sweep.no_scenario"))
        bases = [(Path(path).stem if path else "laiwu", path)]

    common = _whatif_mapping(data.get("whatif"), source, "whatif", folder, problems)

    grid = data.get("grid") or {}
    if not isinstance(grid, dict):
        problems.append(Problem.of(source, None, "grid", None, "sweep.grid"))
        grid = {}
    axes: list[str] = []
    values: list[list] = []
    whatif_fields = [k for k in WhatIf.model_fields if k != "source"]
    valid_axes = [f"policy.{k}" for k in Policy.keys()] + list(AXES_FIXED) + whatif_fields
    for axis, vals in grid.items():
        axis = str(axis)
        if axis not in valid_axes:
            close = difflib.get_close_matches(axis, valid_axes, n=1, cutoff=0.5)
            hint = Msg.of("policy.did_you_mean", close=close[0]) if close else Msg.of("sweep.axes")
            problems.append(Problem.of(source, None, f"grid.{axis}", None, "sweep.unknown_axis", axis=axis,
                                       hint=hint))
            continue
        if not isinstance(vals, list) or not vals:
            problems.append(Problem.of(source, None, f"grid.{axis}", vals, "sweep.axis_list"))
            continue
        axes.append(axis)
        values.append(vals)
    if problems:
        raise ScenarioError(problems)

    tasks: list[dict] = []
    combos = list(itertools.product(*values)) if axes else [()]
    for base_label, scenario in bases:
        for combo in combos:
            wi = _deep_copy(common) if common else {}
            run_seed = base_seed
            parts = []
            for axis, v in zip(axes, combo):
                parts.append(f"{axis.removeprefix('policy.')}={_short(v)}")
                if axis.startswith("policy."):
                    wi.setdefault("policy", {})[axis.removeprefix("policy.")] = v
                elif axis == "seed":
                    run_seed = int(v)
                elif axis == "hires":
                    group = _hire_group(v, source, problems)
                    if group:
                        wi["hires"] = list(wi.get("hires", [])) + [group]
                elif axis == "whatif":
                    extra = _whatif_mapping(v, source, "grid.whatif", folder, problems) or {}
                    wi = _merge_whatif(wi, extra)
                else:
                    wi[axis] = v
            label = ", ".join(parts) if parts else "base"
            if len(bases) > 1:
                label = f"{base_label}: {label}" if parts else base_label
            wi["name"] = label
            # Validate now, so a typo fails before any cluster starts.
            try:
                WhatIf.from_mapping({k: v for k, v in wi.items() if k != "base"}, source)
            except ScenarioError as exc:
                problems += exc.problems
            tasks.append({
                "index": len(tasks), "sweep": name, "label": label, "scenario": scenario,
                "scenario_label": base_label, "whatif": wi, "source": source,
                "params": {"time_limit": tl, "seed": run_seed, "workers": cpw},
                "axes": {a: v for a, v in zip(axes, combo)},
            })
    if problems:
        raise ScenarioError(list(dict.fromkeys(problems)))
    return Sweep(name, tasks, source, axes)


def _resolve(folder: Path, p) -> str:
    q = Path(str(p)).expanduser()
    return str(q if q.is_absolute() else (folder / q).resolve())


def _whatif_mapping(v, source, key, folder, problems) -> dict | None:
    if v is None:
        return None
    if isinstance(v, dict):
        return dict(v)
    try:
        p = Path(_resolve(folder, v))
        wi = WhatIf.read(p if p.exists() else str(v))
    except ScenarioError as exc:
        problems += [Problem.of(source, None, key, v, "sweep.in_whatif", problem=Say(str(p), p.render("zh")))
                     for p in exc.problems]
        return None
    m = wi.to_mapping()
    m.pop("description", None)
    return m


def _merge_whatif(a: dict, b: dict) -> dict:
    out = _deep_copy(a)
    for k, v in b.items():
        if k == "policy":
            out["policy"] = {**out.get("policy", {}), **v}
        elif k in ("hires", "close_schools", "merge_schools", "add_roads", "cut_roads"):
            out[k] = list(out.get(k, [])) + list(v)
        elif k in ("quotas", "exempt"):
            out[k] = {**out.get(k, {}), **v}
        elif k not in ("name", "description"):
            out[k] = v
    return out


def _hire_group(v, source, problems) -> dict | None:
    if isinstance(v, bool) or not isinstance(v, (int, dict)):
        problems.append(Problem.of(source, None, "grid.hires", v, "sweep.hires"))
        return None
    if isinstance(v, int):
        return {"count": v} if v > 0 else None
    fields = list(HireGroup.model_fields)
    for k in v:
        if k not in fields:
            close = difflib.get_close_matches(str(k), fields, n=1, cutoff=0.5)
            problems.append(Problem.of(source, None, f"grid.hires.{k}", None, "sweep.unknown_hire_key", key=str(k),
                                       hint=Msg.of("sweep.hint", close=close[0]) if close else ""))
    return dict(v)


def _deep_copy(d: dict) -> dict:
    return yaml.safe_load(yaml.safe_dump(d, allow_unicode=True))


def _short(v) -> str:
    if isinstance(v, dict):
        return v.get("name") or v.get("count") or "…"
    if isinstance(v, str):
        return Path(v).stem
    return "none" if v is None else str(v)


# ---- one task (runs inside a worker process) --------------------------------------------------
def run_task(task: dict) -> dict:
    """Plan one run of a sweep through the run service (runs/service.py). Plain dict in, plain dict out;
    never raises. A run whose best plan breaks a hard rule is `infeasible`: stored without a plan."""
    t0 = time.perf_counter()
    out = {"index": task["index"], "label": task["label"], "ok": False, "status": "failed",
           "worker": f"{socket.gethostname()}:{os.getpid()}"}
    try:
        from ..optimizer import SolveParams
        from .service import INFEASIBLE, PlanRequest, plan_run

        sc_spec = task["scenario"]
        generated = sc_spec["generate"] if isinstance(sc_spec, dict) and "generate" in sc_spec else None
        wi = None
        if task.get("whatif"):
            wi = WhatIf.from_mapping({k: v for k, v in task["whatif"].items() if k != "base"},
                                     task.get("source", "grid"))
        req = PlanRequest(scenario=None if generated else sc_spec, generated=generated, whatif=wi,
                          params=SolveParams(**task["params"]), store=False, label=task["label"],
                          sweep=task["sweep"], name=task["scenario_label"])
        res = plan_run(req)
        res.seconds = time.perf_counter() - t0
        record = dict(res.record, seconds=round(res.seconds, 3))
        extra = json.loads(record["extra"])
        extra.update(worker=out["worker"], peak_rss_mib=round(peak_rss_mib(), 1), axes=task.get("axes", {}))
        record["extra"] = _json(extra)
        plan = res.plan
        out.update(ok=res.status != INFEASIBLE, status=res.status, record=record, hard_violations=len(res.hard),
                   error=record["error"], kpis=_plain(plan.kpis))
        if out["ok"]:
            out.update(assignments=_table(plan.assignments), itinerant=_table(plan.itinerant),
                       compliance=_table(plan.compliance))
    except ScenarioError as exc:
        out["error"] = "; ".join(str(p) for p in exc.problems[:10])
    except Exception as exc:  # noqa: BLE001 - one failing run must not stop the sweep
        out["error"] = f"{type(exc).__name__}: {exc}"
        out["traceback"] = traceback.format_exc(limit=8)
    out["seconds"] = round(time.perf_counter() - t0, 3)
    out["peak_rss_mib"] = round(peak_rss_mib(), 1)
    return out


def _table(df: pd.DataFrame) -> dict:
    df = df.reset_index(drop=True)
    return {c: [_plain(v) for v in df[c].tolist()] for c in df.columns}


def _plain(o):
    return json.loads(json.dumps(o, default=lambda v: v.item() if hasattr(v, "item") else str(v)))


def _json(o) -> str:
    return json.dumps(o, ensure_ascii=False, default=lambda v: v.item() if hasattr(v, "item") else str(v))


# ---- running on Dask ----------------------------------------------------------------------------
def execute(tasks: list[dict], on_result, scheduler: str | None = None, n_workers: int | None = None,
            connect_timeout: float = 30.0, fn=None) -> dict:
    """Run the tasks on a Dask cluster, calling on_result(result) as each finishes (in this process).
    `fn`: the task function (default `run_task`, one plan; runs/roadmap.py passes one roadmap per task).

    Returns cluster facts: workers, threads, address.
    """
    from dask.distributed import Client, LocalCluster

    cluster = None
    if scheduler:
        try:
            client = Client(scheduler, timeout=connect_timeout)
        except (OSError, TimeoutError) as exc:
            raise ScenarioError([Problem(scheduler, None, "--scheduler", scheduler,
                                         f"cannot reach the Dask scheduler: {exc}")]) from None
    else:
        n = int(n_workers or os.cpu_count() or 1)
        cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address="127.0.0.1:0",
                               silence_logs=logging.ERROR)
        client = Client(cluster)
    try:
        if scheduler:
            client.wait_for_workers(1, timeout=connect_timeout)
        return run_on(client, tasks, on_result, fn)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def run_on(client, tasks: list[dict], on_result, fn=None) -> dict:
    """Submit every task to a connected Dask client; hand each result to on_result as it completes."""
    from dask.distributed import as_completed

    workers = client.scheduler_info().get("workers", {})
    facts = {"address": client.scheduler.address, "workers": len(workers),
             "threads": sum(w.get("nthreads", 1) for w in workers.values())}
    stamp = time.time_ns()
    futures = {client.submit(fn or run_task, t, pure=False, key=f"rotaplan-{t['sweep']}-{t['index']}-{stamp}"): t
               for t in tasks}
    for fut in as_completed(futures):
        task = futures[fut]
        try:
            res = fut.result()
        except Exception as exc:  # noqa: BLE001 - e.g. a worker died (KilledWorker): report, go on
            res = {"index": task["index"], "label": task["label"], "ok": False,
                   "error": f"{type(exc).__name__}: {exc}", "seconds": None}
        on_result(task, res)
        fut.release()
    return facts


def failed_record(task: dict, res: dict) -> dict:
    return {"created": time.strftime("%Y-%m-%d %H:%M:%S"), "status": "failed", "label": task["label"],
            "sweep": task["sweep"], "scenario": _scenario_text(task["scenario"]),
            "scenario_name": task["scenario_label"], "whatif_name": task["label"],
            "whatif": yaml.safe_dump(task.get("whatif") or {}, allow_unicode=True, sort_keys=False),
            "seed": task["params"]["seed"], "workers": task["params"]["workers"],
            "time_limit": task["params"]["time_limit"], "seconds": res.get("seconds"),
            "error": res.get("error", "unknown error"),
            "extra": _json({"worker": res.get("worker", ""), "traceback": res.get("traceback", ""),
                            "axes": task.get("axes", {})})}


def _scenario_text(s) -> str:
    if isinstance(s, dict) and "generate" in s:
        return f"generated:staff={s['generate']['staff']},seed={s['generate']['seed']}"
    return str(s) if s else "builtin:laiwu"


def store(history, task: dict, res: dict) -> int:
    """Commit one result to the run history (its own transaction); returns the run id."""
    from ..models.plan import Plan

    if res.get("ok"):
        plan = Plan(pd.DataFrame(res["assignments"]), pd.DataFrame(res["itinerant"]), res["kpis"],
                    pd.DataFrame(res["compliance"]))
        return history.add_record(res["record"], plan)
    if res.get("record"):  # infeasible: the record, with its violations, and no plan
        return history.add_record(res["record"])
    return history.add_record(failed_record(task, res))


@dataclass
class SweepResult:
    name: str
    rows: pd.DataFrame  # one row per run: run_id, label, status, KPIs, seconds, worker, peak memory
    seconds: float
    cluster: dict


def run_sweep(sweep: Sweep, history, scheduler: str | None = None, n_workers: int | None = None,
              console=None) -> SweepResult:
    """Run a sweep with a progress bar, storing each run as it finishes."""
    rows: list[dict] = []
    t0 = time.perf_counter()
    progress = None
    if console is not None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        progress = Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                            TimeElapsedColumn(), TextColumn("{task.fields[last]}"), console=console,
                            transient=False)
        bar = progress.add_task(f"sweep {sweep.name}", total=len(sweep.tasks), last="starting the cluster...")
        progress.start()

    def on_result(task, res):
        run_id = store(history, task, res)
        row = {"run_id": run_id, "label": task["label"], "status": res.get("status", "failed"),
               "seconds": res.get("seconds"), "worker": res.get("worker", ""),
               "peak_rss_mib": res.get("peak_rss_mib"), "error": res.get("error", "")}
        after = (res.get("kpis") or {}).get("after", {})
        for k in SUMMARY_KPIS:
            row[k] = after.get(k)
        solver = (res.get("kpis") or {}).get("solver", {})
        gaps = [s.get("gap") for s in solver.values() if isinstance(s, dict) and s.get("gap") is not None]
        row["worst_gap"] = max(gaps) if gaps else None
        row["hard_violations"] = res.get("hard_violations")
        row.update({f"axis:{k}": v for k, v in task.get("axes", {}).items()})
        rows.append(row)
        if progress is not None:
            last = (f"run {run_id} {task['label']}" if res.get("ok") else
                    f"[red]{row['status'].upper()}[/] {task['label']}: {res.get('error', '')[:80]}")
            progress.update(bar, advance=1, last=last)
            if not res.get("ok"):
                progress.console.print(f"[red]run {run_id} {row['status']}[/] ({task['label']}): {res.get('error')}",
                                       markup=True, highlight=False)

    try:
        cluster = execute(sweep.tasks, on_result, scheduler=scheduler, n_workers=n_workers)
    finally:
        if progress is not None:
            progress.stop()
    df = pd.DataFrame(rows).sort_values("run_id").reset_index(drop=True) if rows else pd.DataFrame()
    return SweepResult(sweep.name, df, time.perf_counter() - t0, cluster)


# ---- the report -----------------------------------------------------------------------------------
def pareto(df: pd.DataFrame, x: str, y: str) -> pd.Series:
    """True for runs no other run beats on both x and y (lower is better on both)."""
    ok = df[x].notna() & df[y].notna()
    pts = df.loc[ok, [x, y]].astype(float)
    front = pd.Series(False, index=df.index)
    for i, (a, b) in pts.iterrows():
        dominated = ((pts[x] <= a) & (pts[y] <= b) & ((pts[x] < a) | (pts[y] < b))).any()
        front[i] = not dominated
    return front


def text_chart(df: pd.DataFrame, x: str = "moves", y: str = "uncovered_lessons", width: int = 60,
               height: int = 16) -> str:
    """A small scatter plot in characters: each run by its run id, * marks the trade-off front."""
    d = df[df[x].notna() & df[y].notna()]
    if d.empty:
        return "(no finished runs to chart)"
    xs, ys = d[x].astype(float), d[y].astype(float)
    x0, x1, y0, y1 = xs.min(), xs.max(), ys.min(), ys.max()
    grid = [[" "] * width for _ in range(height)]
    front = pareto(d, x, y)
    cells: dict[tuple[int, int], list[str]] = {}
    on_front: set[tuple[int, int]] = set()
    for (i, r), fx, fy in zip(d.iterrows(), xs, ys):
        cx = 0 if x1 == x0 else round((fx - x0) / (x1 - x0) * (width - 10))
        cy = 0 if y1 == y0 else round((fy - y0) / (y1 - y0) * (height - 1))
        cells.setdefault((cx, cy), []).append(str(int(r["run_id"])))  # runs at one point share a mark
        if front[i]:
            on_front.add((cx, cy))
    for (cx, cy), ids in cells.items():
        mark = ("*" if (cx, cy) in on_front else "") + ",".join(ids)
        row = grid[height - 1 - cy]
        for k, ch in enumerate(mark[: width - cx]):
            row[cx + k] = ch
    lines = [f"{y} (up) against {x} (right); * = no other run is better on both"]
    lines += [f"{(y1 if k == 0 else y0 if k == height - 1 else ''):>10} |" + "".join(r) for k, r in
              enumerate(grid)]
    lines.append(" " * 11 + "+" + "-" * width)
    lines.append(" " * 12 + f"{x0:<.4g}".ljust(width - 8) + f"{x1:.4g}")
    return "\n".join(lines)


def svg_chart(df: pd.DataFrame, x: str = "moves", y: str = "uncovered_lessons", w: int = 640, h: int = 420) -> str:
    d = df[df[x].notna() & df[y].notna()]
    if d.empty:
        return "<p>No finished runs to chart.</p>"
    xs, ys = d[x].astype(float), d[y].astype(float)
    x0, x1, y0, y1 = xs.min(), xs.max(), ys.min(), ys.max()
    pad = 50
    def sx(v: float) -> float:
        return pad + (0 if x1 == x0 else (v - x0) / (x1 - x0)) * (w - 2 * pad)

    def sy(v: float) -> float:
        return h - pad - (0 if y1 == y0 else (v - y0) / (y1 - y0)) * (h - 2 * pad)

    front = pareto(d, x, y)
    e = html.escape
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-size="11" '
             'font-family="sans-serif">',
             f'<line x1="{pad}" y1="{h - pad}" x2="{w - pad}" y2="{h - pad}" stroke="#444"/>',
             f'<line x1="{pad}" y1="{pad}" x2="{pad}" y2="{h - pad}" stroke="#444"/>',
             f'<text x="{w / 2}" y="{h - 12}" text-anchor="middle">{e(x)} (fewer is less disruption)</text>',
             f'<text x="14" y="{h / 2}" transform="rotate(-90 14 {h / 2})" text-anchor="middle">{e(y)}</text>',
             f'<text x="{pad}" y="{h - pad + 14}" text-anchor="middle">{x0:.4g}</text>',
             f'<text x="{w - pad}" y="{h - pad + 14}" text-anchor="middle">{x1:.4g}</text>',
             f'<text x="{pad - 4}" y="{h - pad}" text-anchor="end">{y0:.4g}</text>',
             f'<text x="{pad - 4}" y="{pad + 4}" text-anchor="end">{y1:.4g}</text>']
    fr = d[front].assign(_x=xs[front].map(sx), _y=ys[front].map(sy)).sort_values("_x")
    if len(fr) > 1:
        pts = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(fr["_x"], fr["_y"]))
        parts.append(f'<polyline points="{pts}" fill="none" stroke="#17803d" stroke-dasharray="4 3"/>')
    for (i, r), fx, fy in zip(d.iterrows(), xs, ys):
        color = "#17803d" if front[i] else "#3461a8"
        parts.append(f'<circle cx="{sx(fx):.1f}" cy="{sy(fy):.1f}" r="5" fill="{color}">'
                     f'<title>run {int(r["run_id"])}: {e(str(r["label"]))}\n{x} {fx:g}, {y} {fy:g}</title></circle>')
        parts.append(f'<text x="{sx(fx) + 7:.1f}" y="{sy(fy) - 6:.1f}">{int(r["run_id"])}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def summary_columns(df: pd.DataFrame) -> list[str]:
    cols = ["run_id", "label", "status", *SUMMARY_KPIS, "hard_violations", "worst_gap", "seconds", "peak_rss_mib"]
    return [c for c in cols if c in df.columns]


def _register_page_messages() -> None:
    from ..models import messages

    messages.register({
        "sweep.title": ("rotaplan sweep {name}", "rotaplan批量运行 {name}"),
        "sweep.h1": ("Sweep {name}", "批量运行 {name}"),
        "sweep.summary": ("{n} runs ({failed} without a plan) in {seconds} s on {workers} Dask workers ({address}).",
                          "共{n}次运行（{failed}次未得出方案），用时{seconds}秒，{workers}个Dask工作进程（{address}）。"),
        "sweep.h.tradeoff": ("Trade-off", "目标权衡"),
        "sweep.h.runs": ("Runs", "各次运行"),
        "sweep.h.failed": ("Runs without a plan", "未得出方案的运行"),
        "sweep.compare_hint": ("Compare runs side by side with", "并排对比各次运行："),
    })


def to_html(res: SweepResult, x: str = "moves", y: str = "uncovered_lessons", lang: str | None = None) -> str:
    """A self-contained HTML report of the sweep: the summary table and the trade-off chart; headings in `lang`."""
    from ..models.messages import text
    from ..reports.compare import _CSS, _fmt
    from ..reports.words import html_lang

    _register_page_messages()

    e = html.escape
    df = res.rows
    cols = summary_columns(df)
    table = ["<table><tr>" + "".join(f"<th>{e(c)}</th>" for c in cols) + "</tr>"]
    for r in df.to_dict("records"):
        cls = "" if r.get("status") == "ok" else ' class="not_met"'
        table.append(f"<tr{cls}>" + "".join(f"<td>{e(_fmt(r.get(c)))}</td>" for c in cols) + "</tr>")
    table.append("</table>")
    failed = df[df["status"] != "ok"] if len(df) else df  # failed or infeasible: no plan
    parts = ["<!DOCTYPE html>", f'<html lang="{html_lang(lang)}"><head><meta charset="utf-8">',
             f"<title>{e(text('sweep.title', lang, name=res.name))}</title><style>{_CSS}</style></head><body>",
             f"<h1>{e(text('sweep.h1', lang, name=res.name))}</h1>",
             "<p>" + e(text("sweep.summary", lang, n=len(df), failed=len(failed), seconds=f"{res.seconds:.1f}",
                            workers=res.cluster.get("workers", "?"), address=str(res.cluster.get("address", ""))))
             + "</p>",
             f"<h2>{e(text('sweep.h.tradeoff', lang))}</h2>", svg_chart(df, x, y) if len(df) else "",
             f"<h2>{e(text('sweep.h.runs', lang))}</h2>", "\n".join(table)]
    if len(failed):
        parts += [f"<h2>{e(text('sweep.h.failed', lang))}</h2><ul>"]
        parts += [f"<li>run {int(r.run_id)} ({e(r.label)}), {e(r.status)}: {e(str(r.error))}</li>"
                  for r in failed.itertuples()] + ["</ul>"]
    hint = e(text("sweep.compare_hint", lang))
    parts.append(f"<p><small>{hint} <code>rotaplan compare RUN_A RUN_B</code>{'' if lang == 'zh' else '.'}</small></p>")
    parts.append("</body></html>")
    return "\n".join(parts)


def render(res: SweepResult, console, x: str = "moves", y: str = "uncovered_lessons") -> None:
    from rich.table import Table

    from ..reports.compare import _fmt

    df = res.rows
    if df.empty:
        console.print("No run finished.")
        return
    t = Table(title=f"Sweep {res.name}: {len(df)} runs in {res.seconds:.1f} s on {res.cluster.get('workers')} workers")
    short = {"uncovered_lessons": "uncovered", "degree_ratio_urban_rural": "degree ratio",
             "young_rural_leader_share": "young rural leaders", "peak_rss_mib": "peak MiB", "seconds": "s",
             "hard_violations": "hard violations"}
    cols = [c for c in summary_columns(df) if c in TERMINAL_COLUMNS]
    for c in cols:
        t.add_column(short.get(c, c), overflow="fold")
    for r in df.to_dict("records"):
        cells = [_fmt(r.get(c)) for c in cols]
        if r.get("status") != "ok":
            cells = [f"[red]{c}[/]" for c in cells]
        t.add_row(*cells)
    console.print(t)
    failed = df[df["status"] != "ok"]
    for r in failed.itertuples():
        console.print(f"run {int(r.run_id)} {r.status} ({r.label}): {r.error}", markup=False, highlight=False)
    console.print(text_chart(df, x, y), markup=False, highlight=False)
