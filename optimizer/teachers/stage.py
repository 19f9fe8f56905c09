"""The teacher stage: where each movable teacher works from 1 September (R5, R6, R8, coverage, R9-R11, R14-R17,
the move budget, couples).

Runs after R12 and the leader stage, within ``params.time_limit`` for the whole stage. Steps:
1. candidates.py: who is movable and to which few schools (fit, level group, R5 with the bundle school, R6,
   R11 direction, R14, R16 postings fixed, distance, gaps, seats left, preferences); budget.py, r17.py and
   couples.py read what the leader stage and the fixed placements already took;
2. where the candidate lists leave no placement within the quotas (a flow, milliseconds), longer lists are tried
   (3 and 10 times as many, then every school open to each teacher where that stays within WIDE_MAX_PAIRS
   pairs); where even those cannot hold the new hires, period-2 and locked teachers,
   a second flow finds the fewest seats short and the quotas lacking them (R8:<school>), which are relaxed
   (the plan then breaks R8 and is refused) and named with the teachers they hold;
3. flow.py: the exact model (R8 quotas hard; coverage, R9, R10, R11, the move budget and the soft goals in one
   maximised score; the hard R11 ceiling, R15 floors and R17 beds priced) solved by Lagrangian relaxation over
   a min-cost flow: every round is a plan, repaired to keep the hard limits (r15.py, r17.py, repair.py) and
   scored exactly, and a proven upper bound; the best plan gets a bounded local search; the best plan and the
   least bound give the reported gap;
4. if time is left and the model is small enough, CP-SAT (the same exact model, one module per rule, R9/R10
   with cross-multiplied products, R15 and R17 as constraints) starts from that plan and may improve it; its
   bound is kept if lower;
5. justified envy is removed afterwards by exchanges that keep every rule and do not lower the score
   (envy.py); envy pairs before and after are reported;
6. write every teacher's row, home_lessons for everyone, compliance for R5, R6, R8-R11, R14-R17, and return
   the StageResult (solver figures with the gap also in score points, KPI figures, notes).
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from ...models.kpis import figures
from .. import sat
from ..params import SolveParams
from ..reasons import Words
from ..results import StageLog, StageResult
from . import budget, candidates, couples, coverage, flow, greedy, r5, r6, r8, r9, r10, r11, r14, r15, r16, r17, soft
from .ctx import SCALE, ModelCtx
from .envy import repair as remove_envy

CP_SAT_MIN_SECONDS = 1.0  # CP-SAT only runs with at least this long left


def build_model(data, relaxed: dict | None = None) -> ModelCtx:
    ctx = ModelCtx.new(data, relaxed)
    m = ctx.model
    start = np.searchsorted(data.p_t, np.arange(len(data.t)), side="left")
    end = np.searchsorted(data.p_t, np.arange(len(data.t)), side="right")
    for p in np.flatnonzero(end > start):
        m.add_exactly_one(ctx.x.values[start[p]:end[p]])
    r8.build(ctx)
    coverage.build(ctx)
    r9.build(ctx)
    r10.build(ctx)
    r11.build(ctx)
    r15.build(ctx)
    r17.build(ctx)
    budget.build(ctx)
    soft.build(ctx)
    m.maximize(ctx.objective())
    return ctx


def shortfall(data) -> dict[str, int]:
    """The quotas (``R8:<school>``) that cannot hold the teachers, each with the fewest seats it lacks (flow.py
    ``shortfall``, exact and in milliseconds): raised by those seats, the placement is feasible."""
    short = flow.FlowNet(data).shortfall()
    return {f"R8:{data.school_ids[s]}": int(short[s]) for s in np.flatnonzero(short > 0)}


def extra_seats(data, relaxed: dict[str, int]) -> dict[int, int]:
    """School index -> seats added to its quota, from the relaxed quotas' names."""
    s_of = {f"R8:{sid}": i for i, sid in enumerate(data.school_ids)}
    return {s_of[name]: n for name, n in relaxed.items() if name in s_of and n}


def prepare(sc, state, reach: int = 1):
    """The stage's facts with candidate lists of `reach` (candidates.py), and what the soft goals read."""
    data = candidates.build(sc, state, reach)
    budget.setup(data, state)
    r17.setup(data, state)
    couples.setup(data, state)
    return data


def write_reserve(data) -> float:
    """Seconds kept at the end of the limit for the envy repair and writing the rows (measured: about
    50 us per teacher on the loaded 2-core machine, plus 2 s)."""
    return 2.0 + 5e-5 * len(data.t)


HOME_ROUNDS = 4  # posting_quota_at: home: at most this many plans again with postings closed


def keep_home_seats(data, net, dual, dual_deadline: float, params, stats: dict):
    """posting_quota_at: home. While the plan's new postings leave a home school above its quota (r16.home_over),
    close the postings from those schools (their pairs to rural schools cost soft.CLOSED) and plan again; the first
    plan that keeps every quota, or the last one (R8 then names the schools, and the validator refuses it)."""
    closed = np.zeros(len(data.p_t), dtype=bool)
    schools: set[int] = set()
    for _ in range(HOME_ROUNDS):
        over = r16.home_over(data, dual.choice)
        if not over.any():
            break
        schools |= {int(s) for s in np.flatnonzero(over)}
        post = data.is_exchange[data.p_t] & ~data.p_stay & data.s_rural[data.p_s]
        closed = closed | (post & np.isin(data.t_from[data.p_t], list(schools)))  # a new array: soft.py's cache
        data.p_closed = closed
        data._scorer_tables = None  # flow.tables copies the pair coefficients: built again with the closed pairs
        left = max(dual_deadline - time.perf_counter(), 0.0)
        dual = flow.lagrangian(data, net, time.perf_counter() + left, max_rounds=params.dual_max_rounds)
    stats["postings_closed_at"] = len(schools)
    return dual


REACHES = (3, 10, candidates.WIDE)  # candidate lists tried in turn where the short ones hold no placement
WIDE_MAX_PAIRS = 3_000_000  # every school open to every teacher only while at most this many pairs (memory)


def widened(sc, state, data, log):
    """The stage's facts with longer candidate lists (REACHES), the first whose flow places everyone within the
    quotas, or the longest tried; each try is noted. (data, whether its flow places everyone)."""
    w = data.say
    n_movable = int(data.movable.sum())
    for reach in REACHES:
        if reach == candidates.WIDE and n_movable * len(data.school_ids) > WIDE_MAX_PAIRS:
            break
        data = prepare(sc, state, reach)
        log.note(w.note("candidates_all" if reach == candidates.WIDE else "candidates_widened", reach=reach,
                        pairs=len(data.p_t)))
        if flow.FlowNet(data).feasible():
            return data, True
    return data, False


def cp_sat_polish(data, choice, relaxed, params, seconds: float, stats: dict):
    """CP-SAT on the exact model from the given plan; (choice, objective, bound) or None."""
    t = time.perf_counter()
    ctx = build_model(data, relaxed)
    for k, v in enumerate(ctx.x.values):
        ctx.model.add_hint(v, bool(choice[data.p_t[k]] == k))
    left = seconds - (time.perf_counter() - t)
    stats["cp_sat_build_seconds"] = round(time.perf_counter() - t, 3)
    if left < 1.0:
        return None
    solver, status, st = sat.solve(ctx.model, params, left)
    stats.update(cp_sat_status=status, cp_sat_seconds=st["solve_seconds"], cp_sat_objective=st.get("objective"),
                 cp_sat_bound=st.get("bound"), variables=len(ctx.model.proto.variables))
    if status not in ("optimal", "feasible"):
        return None
    val = solver.boolean_values(ctx.x).to_numpy()
    out = np.full(len(data.t), -1, dtype=np.int64)
    chosen = np.flatnonzero(val)
    out[data.p_t[chosen]] = chosen
    return out, float(st["objective"]), float(st["bound"])


def solve(sc, state, params: SolveParams) -> StageResult:
    """Place every teacher of the coming year (their rows of `state`); the stage's solver figures, KPIs, notes."""
    t0 = time.perf_counter()
    log = StageLog()
    data = prepare(sc, state)
    # quotas the locked and staying teachers alone exceed: nobody else is placed there (no seat added)
    relaxed = {f"R8:{data.school_ids[s]}": 0 for s in r8.over_by_locks(data)}
    w = data.say
    placeable = flow.FlowNet(data).feasible()
    if not placeable:
        # the short candidate lists leave no placement within the quotas: longer ones, until one has a placement
        data, placeable = widened(sc, state, data, log)
    deadline = t0 + params.time_limit - write_reserve(data)
    s_of = {str(sid): i for i, sid in enumerate(data.school_ids)}

    def quota_name(name: str) -> str:  # "R8:U1" / "城区一小（U1）的R8"
        sid = name.split(":", 1)[1]
        return name if not w.zh or sid not in s_of else f"{data.school_words(s_of[sid])}的R8"

    for name in sorted(relaxed):
        log.note(w.note("quota_relaxed", name=quota_name(name)))
    use_cp_sat = 0 < len(data.p_t) <= params.polish_max_pairs
    stats: dict = {"pairs": int(len(data.p_t)), "movable": int(data.movable.sum()), "teachers": int(len(data.t)),
                   "num_workers": params.workers, "seed": params.seed, "time_limit": params.time_limit}
    t_opt = time.perf_counter()
    stats["build_seconds"] = round(t_opt - t0, 3)
    short = {} if placeable else shortfall(data)
    if short:  # even the longest candidate lists cannot hold the teachers: those quotas, by the seats they lack
        core_s = [s_of[c.split(":", 1)[1]] for c in short]
        log.note(w.note("quota_conflict", schools=w.list(w.note("quota_short", name=quota_name(c), n=n)
                                                          for c, n in sorted(short.items())),
                        n=sum(short.values()), held=r8.held_words(data, core_s)))
        relaxed.update(short)
        stats["seats_short"] = dict(sorted(short.items()))
    net = flow.FlowNet(data, extra_seats(data, relaxed))
    left = deadline - time.perf_counter()
    dual_deadline = time.perf_counter() + (params.dual_share * left if use_cp_sat else left)
    dual = flow.lagrangian(data, net, dual_deadline, max_rounds=params.dual_max_rounds)
    if sc.policy.posting_quota_at == "home" and not dual.infeasible:
        dual = keep_home_seats(data, net, dual, dual_deadline, params, stats)
    choice = None if dual.infeasible else dual.choice
    if choice is None:  # no flow plan (cannot happen once the quotas short are relaxed): the clerk's placement
        log.note(w.note("no_placement"))
        choice = greedy.clerk(data)
        stats.update(status="infeasible", fallback="clerk", objective=float(flow.evaluate(data, choice)["objective"]),
                     bound=None, gap=None)
    else:
        assert dual is not None  # the plan is the last round's flow plan
        stats.update(status="feasible", objective=dual.objective, bound=dual.bound, method="lagrangian flow",
                     dual_rounds=dual.rounds, multipliers=dual.multipliers,
                     dual_seconds=round(time.perf_counter() - t_opt, 3))
        left = deadline - time.perf_counter()
        if use_cp_sat and left >= CP_SAT_MIN_SECONDS and stats["bound"] - stats["objective"] > 0.5:
            res = cp_sat_polish(data, choice, relaxed, params, left, stats)
            if res is not None:
                c2, obj2, bound2 = res
                if obj2 > stats["objective"]:
                    choice, stats["objective"] = c2, obj2
                    stats["method"] = "lagrangian flow + CP-SAT"
                stats["bound"] = min(stats["bound"], bound2)
        stats["gap"] = sat.gap(stats["objective"], stats["bound"])
        stats["status"] = "optimal" if stats["bound"] - stats["objective"] < 1.0 else "feasible"
    stats["solve_seconds"] = round(time.perf_counter() - t_opt, 3)
    terms = flow.evaluate(data, choice)
    stats["terms"] = {k: terms[k] for k in ("pairs", "coverage", "subject_mix", "penalty")}
    school_of = placement(data, choice)
    envy_before = soft.envy_pairs(data, school_of)
    choice, swaps = remove_envy(data, choice, t0 + params.time_limit - 0.5 * write_reserve(data))
    school_of = placement(data, choice)
    if swaps:
        stats["objective"] = float(flow.evaluate(data, choice)["objective"])  # never lower: repairs keep the score
        if stats.get("bound") is not None:
            stats["gap"] = sat.gap(stats["objective"], stats["bound"])
    stats["envy_pairs_before_repair"] = envy_before
    stats["envy_repair_swaps"] = swaps
    stats["relaxed"] = sorted(relaxed)
    # The R5 bundle reward is a large constant where every bundle is honoured: the objective and bound are
    # reported without it (each bundle missed then counts as minus the reward), so the gap is that of the
    # rest of the score and stays comparable between scenarios with and without bundles
    offset = int(round(r5.bundle_reward(sc.policy) * SCALE)) * len(data.bundle_ok)
    if offset and stats.get("objective") is not None:
        stats["objective"] -= offset
        if stats.get("bound") is not None:
            stats["bound"] -= offset
            stats["gap"] = sat.gap(stats["objective"], stats["bound"])
        stats["bundle_reward_offset"] = offset
    if stats.get("bound") is not None and stats.get("objective") is not None:
        # the gap in the score's own units (one unit = the policy's weights: a move costs weights.move), which
        # reads true where the score is near 0 and the relative gap is large
        stats["gap_points"] = round((stats["bound"] - stats["objective"]) / SCALE, 1)
    write(sc, state, log, data, school_of, relaxed)
    head = {k: stats.pop(k) for k in ("status", "objective", "bound", "gap", "solve_seconds")}
    return StageResult.of("teachers", head["status"], log, objective=head["objective"], bound=head["bound"],
                          gap=head["gap"], solve_seconds=head["solve_seconds"],
                          stage_seconds=round(time.perf_counter() - t0, 3), details=stats)


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
        cov = level_ok & ((data.t_cert[p] < 0) | (data.s_need <= data.t_cert[p]))  # R14 where it can hold
        level_ok = cov if cov.any() else level_ok
        cand = np.flatnonzero(level_ok) if level_ok.any() else np.arange(len(data.school_ids))
        s = int(cand[np.argmax(free[cand])])
        school_of[p] = s
        free[s] -= 1
    return school_of


def write(sc, state, log: StageLog, data, school_of: np.ndarray, relaxed) -> None:
    """Write every teacher's row, home lessons for everyone; KPIs and notes into `log`; compliance rows."""
    ids = data.school_ids
    pid = data.t["person_id"].to_numpy()
    ref, s_of = getattr(state, "reference", None) or {}, {sid: i for i, sid in enumerate(ids)}
    keep_p2 = {p: s_of[r[2]] for p, r in enumerate(ref.get(x) for x in pid)
               if r is not None and len(r) > 2 and r[2] in s_of}  # plan --lock: (role, school, period-2 school)
    p2 = r5.period2(data, school_of, keep_p2)
    p2_cont = r5.continuing(data, school_of)  # those continuing contract period 1 keep a period-2 school (R5)
    missed = r5.missed(data, school_of)  # period 2 not at the bundle school open to them: its quota is full
    lessons = coverage.home_lessons(data, school_of)
    rsy_after = r6.rural_years_after(data, school_of)
    pol = sc.policy
    years = data.t["years_at_school"].to_numpy()
    p1 = (data.t_from >= 0) & (data.t["contract_period"].to_numpy() == 1) & (
        data.t["period_years"].to_numpy() >= pol.term_years)
    pf = data.t["public_funded"].to_numpy(dtype=bool)
    w = Words(sc, state.lang)
    subj = data.subjects[data.t_subj]
    exempt = data.t["exempt_reason"].astype(str).to_numpy()
    rows: dict[str, list] = {"to_school": [], "move": [], "period2_school": [], "rules": [], "reason": []}
    # teachers whom only schools with a relaxed quota could take: their reason says what keeps them there
    held_at = dict(r8.held(data, [i for i, sid in enumerate(ids) if f"R8:{sid}" in relaxed])) if relaxed else {}
    prev_rules = state.a.loc[pid, "rules"].to_numpy()
    prev_reason = state.a.loc[pid, "reason"].to_numpy()
    for p in range(len(data.t)):
        s, f = int(school_of[p]), int(data.t_from[p])
        to = ids[s] if s >= 0 else ""
        rules: list[str] = [r for r in str(prev_rules[p]).split(";") if r]
        reason = str(prev_reason[p])
        move, period2 = "stay", ""
        locked = data.t_lock[p] >= 0
        here = w.school(to) if s >= 0 else ""
        sub = w.subject(subj[p])
        r16_move = r16.move(data, p, s)  # R16: a posting that ends or continues decides the move
        if r16_move:
            move = r16_move
            rules.append("R16")
            reason = r16.reason(w, data, p, move)
        elif f < 0:
            move = "place_new"
            rules.append("R5")
            if s < 0:
                reason = w("new_unplaced")
            elif int(p) in p2:
                period2 = ids[p2[p]]
                reason = w("new_bundled", school=w.school(to, area=True), period2=w.school(period2, area=True))
            else:
                reason = w("new_unbundled", school=here, subject=sub)
            if s >= 0 and not data.fit[s, data.t_subj[p]]:
                reason = w("new_no_fit", school=here, subject=sub)
                rules.append("R8")
            if locked:
                reason = w.join(reason, w("new_locked"))
        elif s != f and p1[p] and s >= 0 and data.s_rural[s] != data.s_rural[f]:
            move = "bundle_second"
            rules.append("R5")
            reason = _bundle_second_reason(w, data, p, f, s, missed)
        elif s != f and data.is_exchange[p] and s >= 0 and data.s_rural[s]:
            move = "exchange"
            rules.append("R11")
            reason = w("exchange" if lessons[p] == 0 else "exchange_need", years=years[p],
                       from_school=w.school(ids[f], area=True), school=w.school(to, area=True), subject=sub)
            rules.append("R16")
            reason = w.join(reason, w("r16_posting", years=pol.exchange_years,
                                      until=pol.plan_year + pol.exchange_years - 1, home=w.school(ids[f])))
        elif s != f:
            move = "transfer"
            if locked:
                rules.append("R5" if p1[p] else "R8")
                reason = w("locked_transfer", school=here)
            elif data.is_over[p]:
                rules.append("R8")
                reason = w("over_quota_move", from_school=w.school(ids[f]), school=here, subject=sub)
            else:
                rules.append("R8")
                rank = data.prefs[p].index(s) + 1 if s in data.prefs[p] else 0
                reason = (w("pref_move", school=here, rank=rank, subject=sub) if rank
                          else w("seat_move", school=here, subject=sub))
        else:
            reason = _stay_reason(w, data, p, here, sub, reason, rules, held_at, bool(p1[p]), int(years[p]),
                                  exempt[p])
        if int(p) in p2_cont:
            period2 = ids[p2_cont[int(p)]]
            rules.append("R5")
            reason = w.join(reason, w("period2_continuing", period2=w.school(period2, area=True)))
        if data.has_ref[p]:
            reason = _reference_sentence(w, data, p, s, f, reason, move)
        if pf[p] and s >= 0:
            if data.r6_bound[p]:
                rules.append("R6")
            reason = w.join(reason, r6.sentence(w, data, p, school_of, float(rsy_after[p])))
        rows["to_school"].append(to)
        rows["move"].append(move)
        rows["period2_school"].append(period2)
        rows["rules"].append(";".join(dict.fromkeys(rules)))
        rows["reason"].append(reason)
    out = pd.DataFrame(rows, index=pid)
    out["home_lessons"] = lessons
    out["rural_service_years"] = rsy_after
    out["home_school"], out["posting_until"] = r16.columns(data, school_of, rows["move"], pol.plan_year,
                                                           pol.exchange_years)
    state.a.loc[~state.a.index.isin(pid), "home_lessons"] = 0  # leaders and retirees teach no home lessons
    state.set_many(out)

    # KPIs and compliance
    envy = soft.envy_pairs(data, school_of)
    log.kpis["envy_pairs"] = envy
    unc, unc_rural = coverage.uncovered(data, school_of)
    log.kpis["home_uncovered_lessons"] = unc
    log.kpis["home_uncovered_rural_lessons"] = unc_rural
    _report_reference(data, school_of, log)
    r5.report(data, school_of, p2, data.no_candidate, state)
    r6.report(data, school_of, state)
    r8.report(data, school_of, sorted(n.split(":", 1)[1] for n in relaxed), state, log)
    before, after = ratio_figures(sc, state)
    r9.report(before, after, state, log)
    r10.report(before, after, pol.degree_ratio_max, state, log)
    r11.report(data, school_of, state, log)
    r14.report(data, school_of, {**p2, **p2_cont}, state)
    r15.report(data, r9.counts_at(data, school_of), state)
    r17.report(data, school_of, state)
    r16.report(data, school_of, state)
    for p, why in data.no_candidate:
        if "(R14)" in why or "（R14）" in why:
            log.note(data.say.note("r14_stuck", pid=data.t.at[p, "person_id"], why=why))


def _bundle_second_reason(w: Words, data, p: int, f: int, s: int, missed: dict) -> str:
    """Why a teacher finishing contract period 1 serves period 2 at school `s`: the bundle school named at hiring,
    or another school of the other area and why the bundle school cannot take them (R5)."""
    frm, here = w.school(data.school_ids[f], area=True), w.school(data.school_ids[s], area=True)
    if s == data.t_bundle[p]:
        return w("bundle_second_named", from_school=frm, school=here)
    why = data.bundle_why.get(int(p)) or missed.get(int(p))
    if why:
        key, fields = why
        fields = {**fields, "bundle": w.school(fields["bundle"])}
        if "subject" in fields:
            fields["subject"] = w.subject(fields["subject"])
        if "level" in fields:
            fields["level"] = w.level(fields["level"])
        return w("bundle_second_other", from_school=frm, school=here,
                 bundle=fields["bundle"], why=w(key, **fields))
    return w("bundle_second", from_school=frm, school=here)


def _stay_reason(w: Words, data, p: int, here: str, sub: str, reason: str, rules: list, held_at: dict,
                 p1: bool, years: int, exempt: str) -> str:
    """Why a teacher stays at their school (`here`, named): the lock, the period-2 move that is impossible, the
    exchange target met by others, the staff quota, the ranked schools that were full, an exemption, or nothing
    that moves them. `rules` gets the rule that decided it."""
    locked = data.t_lock[p] >= 0
    if not (data.movable[p] or locked):
        if reason:  # written by an earlier stage (a reserve leader who stays a teacher)
            return reason
        if exempt.strip():
            return w("exempt_stay", school=here, exempt=exempt.strip())
        return w("plain_stay", school=here)
    if locked and p1:
        rules.append("R5")
        return w("locked_stay_p2", school=here)
    if locked:
        return reason or w("locked_stay", school=here)
    if p1:
        rules.append("R5")
        return w("p2_impossible", school=here, subject=sub)
    if data.is_exchange[p]:
        rules.append("R11")
        return w("exchange_stay", years=years, school=here)
    if data.is_over[p] and int(p) in held_at:
        rules.append("R8")
        return w("quota_held", school=here, why=held_at[int(p)])
    if data.is_over[p]:
        rules.append("R8")
        return w("quota_stay", school=here)
    if data.has_pref[p]:
        rules.append("R8")
        return w("pref_stay", school=here, subject=sub)
    return w("plain_stay", school=here)


def _reference_sentence(w: Words, data, p: int, s: int, f: int, reason: str, move: str) -> str:
    """The reason of a teacher with a reference plan (`plan --lock`), ending with whether it is kept."""
    ids = data.school_ids
    ref = int(data.t_ref[p])
    if s == ref and s >= 0:
        if move == "transfer" and data.t_lock[p] < 0 and not data.is_over[p]:
            return w("ref_same_move", school=w.school(ids[s]))
        return w.join(reason, w("ref_same"))
    was = w.school(ids[ref]) if ref >= 0 else w("ref_unknown_school")
    why = data.ref_problem.get(int(p)) or (w("ref_why_lock") if data.t_lock[p] >= 0 else w("ref_why_hard"))
    return w.join(reason, w("ref_differs", was=was, why=why))


def _report_reference(data, school_of: np.ndarray, log: StageLog) -> None:
    """KPI teachers_changed_from_reference and a note naming the teachers who differ from the reference plan."""
    if not data.has_ref.any():
        return
    changed = np.flatnonzero(data.has_ref & (school_of != data.t_ref))
    log.kpis["teachers_changed_from_reference"] = int(len(changed))
    pid = data.t["person_id"].to_numpy()
    w = data.say
    names = w.more(w.list(pid[changed[:20]]), len(changed) - 20)
    named = w.note("ref_named", names=names) if len(changed) else w.note("ref_none_changed")
    log.note(w.note("ref_teachers", n=len(changed), total=int(data.has_ref.sum()), named=named))


def ratio_figures(sc, state) -> tuple[dict, dict]:
    st = sc.staff
    base = pd.DataFrame({"degree": st["degree"].to_numpy(), "backbone": st["backbone"].to_numpy(),
                         "age": sc.ages.to_numpy()})
    before = figures(sc, base.assign(role=st["role"].to_numpy(), school_id=st["school_id"].to_numpy()))
    a = state.a.loc[st["person_id"].to_numpy()]
    after = figures(sc, base.assign(role=a["role_after"].to_numpy(), school_id=a["to_school"].to_numpy()))
    return before, after
