"""The teacher stage: where each movable teacher works from 1 September (R5, R6, R8, coverage, R9-R11).

Runs after R12 and the leader stage. Steps:
1. candidates.py: who is movable and to which few schools (fit, R5, R6, distance, gaps, preferences);
2. flow.py: the core placement as a min-cost flow (greedy.py, a clerk's placement, if the flow
   cannot hold the quotas), completed and given to CP-SAT as a solution hint;
3. the model: one boolean per candidate pair, exactly one per movable teacher; R8 quotas (hard);
   coverage, R9, R10, R11 and the soft goals in one maximised score;
4. solve within the time limit; if infeasible, explain by rule and by school/person with assumption
   literals and relax the named quotas; if no solution is found in time, fall back to the warm start;
5. write every teacher's row, home_lessons for everyone, compliance for R5, R6, R8, R9, R10, R11.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from ...models.kpis import figures
from .. import sat
from . import candidates, coverage, flow, greedy, r5, r6, r8, r9, r10, r11, soft
from .ctx import ModelCtx

MAX_RELAX_ROUNDS = 3


def build_model(data, relaxed=(), explain=False) -> ModelCtx:
    ctx = ModelCtx.new(data, relaxed, explain)
    m = ctx.model
    start = np.searchsorted(data.p_t, np.arange(len(data.t)), side="left")
    end = np.searchsorted(data.p_t, np.arange(len(data.t)), side="right")
    for p in np.flatnonzero(end > start):
        m.add_exactly_one(ctx.x.values[start[p]:end[p]])
    r8.build(ctx)
    if explain:
        return ctx
    coverage.build(ctx)
    r9.build(ctx)
    r10.build(ctx)
    r11.build(ctx)
    soft.build(ctx)
    m.maximize(ctx.objective())
    return ctx


def complete_hint(ctx: ModelCtx, hint: np.ndarray, params) -> float | None:
    """Hint the clerk's placement; complete it to every auxiliary variable so CP-SAT starts from it.

    CP-SAT ignores an incomplete hint it cannot repair quickly, so the auxiliary variables (coverage
    units, counts, products, deficits, envy) are filled by a short solve with the pair variables fixed
    to the hint. Returns the hint's objective, or None when it cannot be completed (then only the pairs
    are hinted).
    """
    d = ctx.data
    m = ctx.model
    for k, v in enumerate(ctx.x.values):
        m.add_hint(v, bool(hint[d.p_t[k]] == k))
    solver = sat.make_solver(params.__class__(time_limit=min(10.0, max(1.0, params.time_limit / 3)), seed=params.seed,
                                              workers=1), None)
    solver.parameters.fix_variables_to_their_hinted_value = True
    status = solver.solve(m)
    if status not in (sat.cp_model.OPTIMAL, sat.cp_model.FEASIBLE):
        return None
    values = list(solver.response_proto.solution)
    m.clear_hints()
    for i, v in enumerate(values):
        m.add_hint(m.get_int_var_from_proto_index(i), v)
    return float(solver.objective_value)


def explain_infeasible(data, relaxed, params) -> list[str]:
    """Names of hard constraints (``R8:<school>``) that together make the placement infeasible."""
    ctx = build_model(data, relaxed, explain=True)
    ctx.model.add_assumptions(ctx.assumption_lits)
    solver, status, _ = sat.solve(ctx.model, params.__class__(time_limit=min(params.time_limit, 20.0),
                                                               seed=params.seed, workers=1, log=params.log))
    if status != "infeasible":
        return []
    core = solver.sufficient_assumptions_for_infeasibility()
    return sorted(ctx.assumptions[i] for i in core if i in ctx.assumptions)


def solve(sc, state, params) -> None:
    t0 = time.perf_counter()
    state.a = state.a.copy()  # own, writable columns (pandas copy-on-write may hand read-only ones)
    data = candidates.build(sc, state)
    hint = flow.warm_start(data)
    warm = "flow"
    if hint is None:
        hint, warm = greedy.clerk(data), "clerk"
    t_warm = time.perf_counter() - t0
    relaxed = {f"R8:{data.school_ids[s]}" for s in r8.over_by_locks(data)}
    for name in sorted(relaxed):
        state.notes.append(f"teachers: quota {name} relaxed: locked and staying teachers alone exceed it")
    stats: dict = {}
    choice, hinted = None, None
    for _ in range(MAX_RELAX_ROUNDS + 1):
        ctx = build_model(data, relaxed)
        hinted = complete_hint(ctx, hint, params)
        build_s = time.perf_counter() - t0
        remaining = max(1.0, params.time_limit - build_s)
        solver, status, stats = sat.solve(ctx.model, params, remaining)
        stats["build_seconds"] = round(build_s, 3)
        stats.update(warm_start=warm, warm_start_seconds=round(t_warm, 3), hint_complete=hinted is not None)
        stats.update(variables=len(ctx.model.proto.variables), pairs=int(len(data.p_t)),
                     movable=int(data.movable.sum()), teachers=int(len(data.t)))
        if status in ("optimal", "feasible") and stats.get("objective") is not None:
            ub = flow.upper_bound(data) if not relaxed else None
            if ub is not None and ub < stats["bound"]:
                stats["cp_sat_bound"] = stats["bound"]
                stats["bound"] = float(ub)  # the flow relaxation, solved exactly, is tighter
                stats["gap"] = sat.gap(stats["objective"], stats["bound"])
        if status in ("optimal", "feasible"):
            val = solver.boolean_values(ctx.x).to_numpy()
            choice = np.full(len(data.t), -1, dtype=np.int64)
            chosen = np.flatnonzero(val)
            choice[data.p_t[chosen]] = chosen
            break
        if status == "infeasible":
            core = explain_infeasible(data, relaxed, params)
            if not core:
                state.notes.append("teachers: the placement is infeasible and no conflicting quota was found; "
                                   "the clerk's placement is used instead")
                break
            state.notes.append("teachers: infeasible: the staff quotas (R8) of " + ", ".join(core)
                               + " cannot hold the new hires, period-2 teachers and locked teachers; relaxed")
            relaxed |= set(core)
            continue
        state.notes.append(f"teachers: CP-SAT found no plan in {remaining:.0f} s (status {status}); "
                           f"falling back to the {warm} warm-start placement")
        break
    if choice is None:
        choice = hint
        stats["fallback"] = warm
        if hinted is not None:  # the warm start's own objective and the flow bound
            ub = flow.upper_bound(data)
            stats.update(objective=hinted, bound=None if ub is None else float(ub),
                         gap=None if ub is None else sat.gap(hinted, ub))
    stats["relaxed"] = sorted(relaxed)
    stats["seconds"] = round(time.perf_counter() - t0, 3)
    state.solver["teachers"] = stats
    school_of = placement(data, choice)
    write(sc, state, data, school_of, relaxed)


def placement(data, choice: np.ndarray) -> np.ndarray:
    """School index of every teacher of the coming year after the plan (-1: not placed)."""
    school_of = data.t_fixed_at.copy()
    ok = choice >= 0
    school_of[ok] = data.p_s[choice[ok]]
    # movable teachers without any candidate: stay if they can; a new hire whose subject no school
    # teaches goes to the school of the right level (kindergarten or not) with most free seats (R8 not met)
    miss = data.movable & ~ok
    school_of[miss] = data.t_from[miss]
    n = np.bincount(school_of[school_of >= 0], minlength=len(data.school_ids))
    free = np.where(np.isnan(data.s_quota), 10**6, np.nan_to_num(data.s_quota) - n)
    for p in np.flatnonzero(miss & (school_of < 0)):
        level_ok = data.kindergarten == (data.subjects[data.t_subj[p]] == "preschool")
        cand = np.flatnonzero(level_ok) if level_ok.any() else np.arange(len(data.school_ids))
        s = int(cand[np.argmax(free[cand])])
        school_of[p] = s
        free[s] -= 1
    return school_of


def write(sc, state, data, school_of: np.ndarray, relaxed) -> None:
    """Write every teacher's row, home lessons for everyone, KPIs and compliance."""
    ids = data.school_ids
    pid = data.t["person_id"].to_numpy()
    p2 = r5.period2(data, school_of)
    lessons = coverage.home_lessons(data, school_of)
    rsy_after = r6.rural_years_after(data, school_of)
    pol = sc.policy
    years = data.t["years_at_school"].to_numpy()
    p1 = (data.t_from >= 0) & (data.t["contract_period"].to_numpy() == 1) & (
        data.t["period_years"].to_numpy() >= pol.term_years)
    pf = data.t["public_funded"].to_numpy(dtype=bool)
    area = np.where(data.s_rural, "rural", "urban")
    subj = data.subjects[data.t_subj]
    rows = {"to_school": [], "move": [], "period2_school": [], "rules": [], "reason": []}
    prev_rules = state.a.loc[pid, "rules"].to_numpy()
    prev_reason = state.a.loc[pid, "reason"].to_numpy()
    for p in range(len(data.t)):
        s, f = int(school_of[p]), int(data.t_from[p])
        to = ids[s] if s >= 0 else ""
        rules: list[str] = [r for r in str(prev_rules[p]).split(";") if r]
        reason = str(prev_reason[p])
        move, period2 = "stay", ""
        locked = data.t_lock[p] >= 0
        if f < 0:
            move = "place_new"
            rules.append("R5")
            if int(p) in p2:
                period2 = ids[p2[p]]
                reason = (f"New teacher: contract period 1 at {to} ({area[s]}), bundled with period 2 at "
                          f"{period2} ({area[p2[p]]}) under bundled hiring.")
            else:
                reason = f"New teacher: contract period 1 at {to}; no school of the other area teaches {subj[p]}."
            if s >= 0 and not data.fit[s, data.t_subj[p]]:
                reason = (f"New teacher placed at {to} without a subject fit: no school's demand has {subj[p]} "
                          f"(R8 not met).")
                rules.append("R8")
            if locked:
                reason += " Placed by the office's lock (locked_school)."
        elif s != f and p1[p] and s >= 0 and data.s_rural[s] != data.s_rural[f]:
            move = "bundle_second"
            rules.append("R5")
            reason = (f"Finished contract period 1 at {ids[f]} ({area[f]}); period 2 at {to} ({area[s]}) under "
                      f"bundled hiring.")
        elif s != f and data.is_exchange[p]:
            move = "exchange"
            rules.append("R11")
            need = "" if lessons[p] == 0 else f", where {subj[p]} lessons are needed"
            reason = f"Exchanged after {years[p]} years at {ids[f]}: moves to {to} ({area[s]}){need}."
        elif s != f:
            move = "transfer"
            if locked:
                rules.append("R5" if p1[p] else "R8")
                reason = f"Placed at {to} by the office's lock (locked_school), which wins over R5, R6 and R11."
            elif data.is_over[p]:
                rules.append("R8")
                reason = f"{ids[f]} is above its staff quota; moves to {to}, which teaches {subj[p]}."
            else:
                rules.append("R8")
                rank = data.prefs[p].index(s) + 1 if s in data.prefs[p] else 0
                reason = (f"Moves to {to}, preference rank {rank}, where a seat for {subj[p]} is free."
                          if rank else f"Moves to {to}, where a seat for {subj[p]} is free.")
        elif data.movable[p] or locked:
            if locked and p1[p]:
                rules.append("R5")
                reason = "Stays by the office's lock (locked_school), which exempts the period-2 move (R5)."
            elif locked:
                reason = reason or "Stays by the office's lock (locked_school)."
            elif p1[p]:
                rules.append("R5")
                reason = "Should move to the other area for period 2, but no school there can take a teacher of " \
                         f"{subj[p]} (R5 not met)."
            elif data.is_exchange[p]:
                rules.append("R11")
                reason = (f"Eligible for exchange after {years[p]} years, stays at {ids[f]}: the exchange target is "
                          f"met by others whose move helps more.")
            elif data.is_over[p]:
                rules.append("R8")
                reason = f"Stays at {ids[f]}: other teachers leave to bring it within its staff quota."
            elif data.has_pref[p]:
                rules.append("R8")
                reason = f"Stays at {ids[f]}: the schools ranked had no free seat for {subj[p]} or teachers " \
                         f"with more priority points."
        if pf[p] and s >= 0:
            if data.r6_bound[p]:
                rules.append("R6")
            reason = (reason + " " if reason else "") + r6.sentence(data, p, school_of, float(rsy_after[p]))
        rows["to_school"].append(to)
        rows["move"].append(move)
        rows["period2_school"].append(period2)
        rows["rules"].append(";".join(dict.fromkeys(rules)))
        rows["reason"].append(reason)
    out = pd.DataFrame(rows, index=pid)
    out["home_lessons"] = lessons
    out["rural_service_years"] = rsy_after
    state.a.loc[~state.a.index.isin(pid), "home_lessons"] = 0  # leaders and retirees teach no home lessons
    state.set_many(out)

    # KPIs and compliance
    envy = soft.envy_pairs(data, school_of)
    state.kpi_extra["envy_pairs"] = envy
    unc, unc_rural = coverage.uncovered(data, school_of)
    state.kpi_extra["home_uncovered_lessons"] = unc
    state.kpi_extra["home_uncovered_rural_lessons"] = unc_rural
    r5.report(data, school_of, p2, data.no_candidate, state)
    r6.report(data, school_of, state)
    r8.report(data, school_of, sorted(n.split(":", 1)[1] for n in relaxed), state)
    before, after = ratio_figures(sc, state)
    r9.report(before, after, state)
    r10.report(before, after, pol.degree_ratio_max, state)
    r11.report(data, school_of, state)


def ratio_figures(sc, state) -> tuple[dict, dict]:
    st = sc.staff
    base = pd.DataFrame({"degree": st["degree"].to_numpy(), "backbone": st["backbone"].to_numpy(),
                         "age": sc.ages.to_numpy()})
    before = figures(sc, base.assign(role=st["role"].to_numpy(), school_id=st["school_id"].to_numpy()))
    a = state.a.loc[st["person_id"].to_numpy()]
    after = figures(sc, base.assign(role=a["role_after"].to_numpy(), school_id=a["to_school"].to_numpy()))
    return before, after
