"""R7 stage: itinerant teachers cover the lessons placement leaves uncovered, with weekly routes.

Runs after the teacher stage. Input per teacher (role_after teacher, not retired, with a to_school):
`home_lessons`; spare = teacher_load - home_lessons. Uncovered lessons per (school, subject) = demand
- home lessons of the teachers placed there in that subject (clipped at 0).

Scope: R7 covers rural schools; urban schools of the teacher's township with a gap are stop candidates only
where the policy sets itinerant_urban, and then rural (weights.rural_coverage) and mountainous
(weights.mountain_coverage) lessons weigh more, so urban gaps are covered only with capacity no rural need
can use.

(Township, subject) pairs are independent subproblems (itinerant teaching never crosses a township,
and a teacher covers their own subject only): each is solved on its own; the stage reports, level by
level, the summed objective and bound.
"""

from __future__ import annotations

import dataclasses
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pandas as pd

from ...models.figures import itinerant_week
from ...models.plan import ITINERANT_COLUMNS
from ..params import SolveParams
from ..reasons import Words
from ..results import StageLog, StageResult
from ..sat import gap as rel_gap
from .baseline import greedy
from .r7 import Instance, R7Model, Solution, Teacher, integer_weights
from .tours import Distances, day_tours


# ---- data ---------------------------------------------------------------------------------
def placed_teachers(sc, state) -> pd.DataFrame:
    """Teachers after placement: person_id, school (to_school), subject, itinerant_ok, home_lessons."""
    a = state.a
    mask = (a["role_after"] == "teacher") & (a["move"] != "retire") & (a["to_school"] != "")
    t = a.loc[mask, ["person_id", "to_school", "home_lessons"]]
    st = sc.staff.set_index("person_id")
    return pd.DataFrame({
        "person_id": t["person_id"].to_numpy(),
        "school_id": t["to_school"].to_numpy(),
        "subject": t["person_id"].map(st["subject"]).fillna("").to_numpy(),
        "itinerant_ok": t["person_id"].map(st["itinerant_ok"]).fillna(False).astype(bool).to_numpy(),
        "home_lessons": pd.to_numeric(t["home_lessons"], errors="coerce").fillna(0).astype(int).to_numpy(),
    })


def uncovered_lessons(sc, teachers: pd.DataFrame) -> pd.Series:
    """(school_id, subject) -> lessons of demand no placed teacher teaches at home (> 0 only)."""
    d = sc.demand.groupby(["school_id", "subject"])["weekly_lessons"].sum()
    home = teachers.groupby(["school_id", "subject"])["home_lessons"].sum()
    gap = (d - home.reindex(d.index, fill_value=0)).clip(lower=0).astype(int)
    return gap[gap > 0]


def coverage_weights(sc) -> dict[str, float]:
    w = sc.policy.weights
    s = sc.schools
    rural = (s["area"] == "rural").to_numpy()
    mountain = s["mountainous"].fillna(False).astype(bool).to_numpy()
    vals = w.coverage * (1 + (w.rural_coverage - 1) * rural) * (1 + (w.mountain_coverage - 1) * mountain)
    return dict(zip(s["school_id"], vals.astype(float)))


def build_instances(sc, state, prune_teachers: bool = True,
                    log: StageLog | None = None) -> tuple[list[Instance], dict, pd.Series]:
    """One R7 Instance per (township, subject) with both uncovered lessons and candidate teachers.

    Returns (instances, distances per township, uncovered lessons). With `prune_teachers`, a
    (home, subject) group keeps only its `R` teachers with most spare, R = lessons its tours can reach:
    each itinerant teacher covers at least one lesson, and a teacher with more spare can do all a
    teacher with less spare does, so this loses no optimum. Notes (tours cut short) go to `log`.
    """
    log = log if log is not None else StageLog()
    pol = sc.policy
    teachers = placed_teachers(sc, state)
    gap = uncovered_lessons(sc, teachers)
    if not pol.itinerant_urban:  # R7: urban schools are covered only where the policy says so
        area = sc.schools.drop_duplicates("school_id").set_index("school_id")["area"]
        gap = gap[np.asarray(gap.index.get_level_values(0).map(area) == "rural")]
    township = sc.schools.set_index("school_id")["township"]
    cw = coverage_weights(sc)
    if gap.empty or max(cw.values(), default=0) <= 0:
        return [], {}, gap
    wint = integer_weights({s: cw[s] for s in gap.index.get_level_values(0).unique()})
    cand = teachers[teachers["itinerant_ok"] & (teachers["subject"] != "")].copy()
    cand["spare"] = pol.teacher_load - cand["home_lessons"]
    cand = cand[cand["spare"] > 0]
    cand["township"] = cand["school_id"].map(township)
    cand = cand[cand["township"].notna()]  # a to_school outside schools.csv is the contract's finding
    gap_df = gap.rename("lessons").reset_index()
    gap_df["township"] = gap_df["school_id"].map(township)
    cand = cand.merge(gap_df[["township", "subject"]].drop_duplicates(), on=["township", "subject"])
    cand = cand.sort_values(["township", "subject", "school_id", "spare", "person_id"],
                            ascending=[True, True, True, False, True])
    need: dict[tuple[str, str], dict[tuple[str, str], int]] = {}  # (township, subject) -> uncovered
    for tw, s, subj, v in zip(gap_df["township"], gap_df["school_id"], gap_df["subject"], gap_df["lessons"]):
        need.setdefault((tw, subj), {})[(s, subj)] = int(v)
    groups: dict[tuple[str, str], dict[str, list]] = {}  # (township, subject) -> home -> [(pid, spare)]
    for tw, subj, home, pid, sp in zip(cand["township"], cand["subject"], cand["school_id"],
                                       cand["person_id"], cand["spare"]):
        groups.setdefault((tw, subj), {}).setdefault(home, []).append((pid, int(sp)))
    stops_of: dict[str, set[str]] = {}
    for (tw, _), unc in need.items():
        if any((tw, j) in groups for _, j in unc):
            stops_of.setdefault(tw, set()).update(s for s, _ in unc)
    instances, dists = [], {}
    for (tw, subj), homes in sorted(groups.items()):
        unc = need[(tw, subj)]
        if tw not in dists:
            # Any two points of a closed day tour are at most half the day's travel apart (+ rounding).
            dists[tw] = Distances.of_township(sc, tw, sorted(stops_of[tw]),
                                              cutoff=pol.max_travel_minutes_per_day / 2 + 0.2)
        dist = dists[tw]
        tours, people = {}, []
        for home, members in sorted(homes.items()):
            found, complete = day_tours(home, [s for s, _ in unc], dist, pol.max_schools_per_day,
                                        pol.max_travel_minutes_per_day)
            found = [k for k in found if len(k.stops) <= pol.max_itinerant_lessons_per_day]
            if not complete:
                w = Words(sc, state.lang)
                log.note(w.note("r7_tours", town=tw, subject=w.subject(subj),
                                home=w.school(home) if w.zh else home))
            if not found:
                continue
            tours[(home, subj)] = found
            reach = sum(unc[(s, subj)] for s in {s for k in found for s in k.stops})
            members = members[:reach] if prune_teachers else members  # sorted by spare, most first
            people += [Teacher(p, home, subj, sp) for p, sp in members]
        if people:
            instances.append(Instance(tw, subj, people, tours, unc, {s: wint[s] for s, _ in unc},
                                      pol.days_per_week, pol.max_itinerant_lessons_per_day,
                                      pol.weights.itinerant_teacher > 0, pol.weights.travel_minute > 0))
    return instances, dists, gap


# ---- the week ----------------------------------------------------------------------------
def lay_out_week(bookings) -> list[tuple[int, int, str, int, float]]:
    """(day, seq, school, lessons, minutes from the previous stop) rows for one teacher.

    A booking of n days with lessons L_s per stop becomes n consecutive days; each day gets a balanced
    share of the tour's lessons (<= the daily cap, as sum L <= cap * n) and at least one lesson per stop
    (as L_s >= n): one lesson per stop per day first, the rest filled in north-west-corner order.
    """
    rows, day = [], 0
    for b in sorted(bookings, key=lambda b: (-b.days, b.tour.stops)):
        n, m = b.days, len(b.tour.stops)
        total = sum(b.lessons)
        per_day = [total // n + (1 if d < total % n else 0) for d in range(n)]
        grid = [[1] * n for _ in range(m)]
        rest_s = [L - n for L in b.lessons]
        rest_d = [T - m for T in per_day]
        i = j = 0
        while i < m and j < n:
            q = min(rest_s[i], rest_d[j])
            grid[i][j] += q
            rest_s[i] -= q
            rest_d[j] -= q
            if rest_s[i] == 0:
                i += 1
            else:
                j += 1
        for d in range(n):
            day += 1
            for seq, (s, leg) in enumerate(zip(b.tour.stops, b.tour.legs), start=1):
                rows.append((day, seq, s, grid[seq - 1][d], round(leg, 2)))
    return rows


def itinerant_frame(sol: Solution, subject_of: dict[str, str]) -> pd.DataFrame:
    rows = []
    for pid in sorted(sol.bookings):
        for day, seq, s, x, leg in lay_out_week(sol.bookings[pid]):
            rows.append((pid, day, seq, s, subject_of[pid], x, leg))
    df = pd.DataFrame(rows, columns=ITINERANT_COLUMNS)
    return df.astype({"day": int, "seq": int, "lessons": int, "travel_minutes": float})


# ---- the stage ---------------------------------------------------------------------------


def solve_instances(sc, instances, dists, params, started: float | None = None) -> tuple[Solution, dict]:
    """Solve every (township, subject), level by level: coverage everywhere first, then teachers,
    then travel, so the time limit never cuts a higher level short for a lower one elsewhere.

    The stage as a whole (from `started`) keeps to `params.time_limit`: each level gets its share
    (params.itinerant_level_shares) of the time left, split over the subproblems that still need a search
    in proportion to their size.
    Big subproblems (params.portfolio_min_size and up) run one after another with `params.workers` CP-SAT
    workers; small ones run `params.workers` at a time with one CP-SAT worker each (so each solve stays
    deterministic).
    Objectives and bounds add up over subproblems.
    """
    pol = sc.policy
    started = time.perf_counter() if started is None else started
    width = max(1, params.workers)
    single = dataclasses.replace(params, workers=1)
    models = []
    for inst in sorted(instances, key=lambda i: (-i.size, i.township, i.subject)):
        model = R7Model(inst)
        model.start(greedy(inst, dists[inst.township], pol.max_schools_per_day, pol.max_travel_minutes_per_day))
        models.append(model)
    end = started + params.time_limit
    for i, level in enumerate(R7Model.LEVELS):
        t0 = time.perf_counter()
        # This level's share of the time left (a level that finishes early leaves time to the next).
        shares = list(params.itinerant_level_shares[i:])  # in the order of R7Model.LEVELS
        budget = max(0.0, end - t0) * shares[0] / sum(shares)
        todo = [m for m in models if m.open_level(level)]
        size = sum(m.inst.size for m in todo) or 1
        deadline = t0 + budget

        def run(m, p, share, level=level, deadline=deadline, budget=budget, size=size):
            left = deadline - time.perf_counter()
            if left > 0.05:
                m.search(level, p, min(left, max(0.2, budget * share * m.inst.size / size)))

        big = [m for m in todo if m.inst.size >= params.portfolio_min_size or width == 1]
        small = [m for m in todo if not (m.inst.size >= params.portfolio_min_size or width == 1)]
        for m in big:
            run(m, params, 1.0)
        if small:
            with ThreadPoolExecutor(max_workers=width) as pool:  # CP-SAT releases the GIL while solving
                list(pool.map(lambda m: run(m, single, width), small))
    combined = Solution()
    agg: dict[str, Any] = {"coverage": [0, 0], "teachers": [0, 0], "minutes": [0, 0], "solve_seconds": 0.0,
                           "solves": 0, "variables": 0, "teachers_considered": 0, "tours": 0}
    for m in models:
        combined.bookings.update(m.best.bookings)
        for k in R7Model.LEVELS:
            agg[k] = [agg[k][0] + m.stats[k][0], agg[k][1] + m.stats[k][1]]
        agg["solve_seconds"] += m.stats["solve_seconds"]
        agg["solves"] += m.stats["solves"]
        agg["variables"] += m.n_variables
        agg["teachers_considered"] += len(m.inst.teachers)
        agg["tours"] += sum(len(v) for v in m.inst.tours.values())
    return combined, agg


def solve(sc, state, params: SolveParams) -> StageResult:
    """Itinerant stops (state.itinerant) and R7 in the itinerant teachers' rows; the stage's figures and notes."""
    t0 = time.perf_counter()
    log = StageLog()
    instances, dists, gap = build_instances(sc, state, log=log)
    build_s = time.perf_counter() - t0
    sol, agg = solve_instances(sc, instances, dists, params, started=t0)
    subject_of = dict(zip(sc.staff["person_id"], sc.staff["subject"]))
    state.itinerant = itinerant_frame(sol, subject_of)
    _explain(sc, state, sol)
    return _report(sc, state, log, params, sol, agg, gap, len(instances), build_s, time.perf_counter() - t0)


def _explain(sc, state, sol: Solution) -> None:
    """R7 in the rules of every itinerant teacher, and a sentence naming the schools they cover."""
    if not sol.bookings:
        return
    w = Words(sc, state.lang)
    subject_of = dict(zip(sc.staff["person_id"], sc.staff["subject"]))
    week = itinerant_week(sc, dict(zip(state.a["person_id"], state.a["to_school"])), state.itinerant)
    pids, reasons, rules = [], [], []
    for pid, bookings in sorted(sol.bookings.items()):
        per_school: dict[str, int] = {}
        for b in bookings:
            for s, x in zip(b.tour.stops, b.lessons):
                per_school[s] = per_school.get(s, 0) + x
        days = sum(b.days for b in bookings)
        minutes = float(week.at[pid, "travel_minutes"])  # models/figures.py, as every output shows it
        where = w.list([w("itinerant_stop", lessons=x, school=w.school(s)) for s, x in sorted(per_school.items())])
        sentence = w("itinerant", subject=w.subject(subject_of[pid]), where=where, days=days,
                     minutes=f"{minutes:.1f}")
        old = str(state.a.at[pid, "reason"]).strip()
        have = [r for r in str(state.a.at[pid, "rules"]).split(";") if r]
        pids.append(pid)
        reasons.append(w.join(old, sentence))
        rules.append(";".join(have + ([] if "R7" in have else ["R7"])))
    state.set_many(pd.DataFrame({"reason": reasons, "rules": rules}, index=pids))


def _report(sc, state, log, params, sol, agg, gap, n_instances, build_s, total_s) -> StageResult:
    area = sc.schools.set_index("school_id")["area"]
    it = state.itinerant
    rural_gap = gap[gap.index.get_level_values(0).map(area) == "rural"]
    before = int(rural_gap.sum())
    covered = it.groupby(["school_id", "subject"])["lessons"].sum() if len(it) else pd.Series(dtype=int)
    covered_rural = int(covered[covered.index.get_level_values(0).map(area) == "rural"].sum()) if len(it) else 0
    after = before - covered_rural
    lessons = int(it["lessons"].sum()) if len(it) else 0
    minutes = round(sol.minutes(), 1)
    # Level 1 in the policy's weight units: the integer weights are the float weights times a constant.
    unit = 1.0
    if len(gap):
        cw = coverage_weights(sc)
        w_int = integer_weights({s: cw[s] for s in gap.index.get_level_values(0).unique()})
        s0 = max(w_int, key=w_int.__getitem__)
        unit = float(cw[s0]) / w_int[s0] if w_int[s0] else 1.0
    (c_obj, c_bound), (t_obj, t_bound), (m_obj, m_bound) = agg["coverage"], agg["teachers"], agg["minutes"]
    gaps = [rel_gap(c_obj, c_bound), rel_gap(t_obj, t_bound), rel_gap(m_obj, m_bound)]
    details = {
        "objective_meaning": "lexicographic: (1) weighted covered lessons [objective, bound, gap], "
                             "(2) itinerant teachers, (3) weekly travel minutes with the way back",
        "teachers": t_obj, "teachers_bound": t_bound, "teachers_gap": round(gaps[1], 6),
        "travel_minutes": round(m_obj / 100, 2), "travel_minutes_bound": round(m_bound / 100, 2),
        "travel_gap": round(gaps[2], 6),
        # solve_seconds: wall-clock seconds after the build; subproblems run in parallel, so their CP-SAT times
        # are reported apart as a sum that may exceed the wall clock.
        "cp_sat_seconds_summed": round(agg["solve_seconds"], 3), "build_seconds": round(build_s, 3),
        "subproblems": n_instances, "cp_sat_solves": agg["solves"],
        "teachers_considered": agg["teachers_considered"], "tours": agg["tours"], "variables": agg["variables"],
        "seed": params.seed, "num_workers": params.workers, "time_limit": params.time_limit,
    }
    log.kpis["uncovered_rural_before_itinerant"] = before
    log.kpis["uncovered_rural_after_itinerant"] = after
    log.kpis["itinerant_lessons"] = lessons
    log.kpis["total_travel_minutes_with_return"] = minutes
    # the figures: models/figures.py; here whether the solver proved the coverage maximal
    w = Words(sc, state.lang)
    if gaps[0] <= 1e-9:
        state.comply("R7", "met", w.note("r7_proven"))
    else:
        state.comply("R7", "not_met", w.note("r7_not_proven", gap=f"{gaps[0]:.2%}"))
    return StageResult.of("itinerant", "optimal" if max(gaps) <= 1e-9 else "feasible", log,
                          objective=round(c_obj * unit, 4), bound=round(c_bound * unit, 4), gap=round(gaps[0], 6),
                          solve_seconds=round(total_s - build_s, 3), stage_seconds=round(total_s, 3),
                          details=details)
