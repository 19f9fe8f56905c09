"""R8 (teachers): no school above its staff_quota; subject and level fit; R12 vacancies filled first.

Subject and level fit is enforced by candidate pruning (candidates.py: a teacher is only offered
schools whose demand has their subject; preschool teachers only kindergartens). Here:

* quota: fixed teachers + teachers placed there <= staff_quota, per school with a quota (hard,
  named ``R8:<school>`` so an infeasible plan can say which quotas conflict);
* vacancies (R12) are filled first through coverage: a retiree's or promoted teacher's lessons become a
  gap of their school, and coverage.py rewards each lesson covered (rural and mountainous ones more).
  No separate vacancy reward, so the min-cost flow of flow.py stays an exact relaxation (a proven
  bound) of the model.
"""

from __future__ import annotations

import numpy as np

from .ctx import ModelCtx, groups


def fixed_per_school(data) -> np.ndarray:
    f = data.t_fixed_at[data.t_fixed_at >= 0]
    return np.bincount(f, minlength=len(data.school_ids))


def over_by_locks(data) -> list[int]:
    """Schools whose fixed (locked or staying) teachers alone exceed the quota."""
    fixed = fixed_per_school(data)
    q = data.s_quota
    return [int(s) for s in np.flatnonzero(~np.isnan(q) & (fixed > np.nan_to_num(q, nan=0)))]


def held(data, schools) -> list[tuple[int, str]]:
    """Teachers whom only `schools` (indices) can take, locked or with every candidate there, each with the rule or
    fact that keeps them there, in words: what a conflict of those schools' quotas has to hold."""
    schools = sorted({int(s) for s in schools})
    n = len(data.t)
    pairs = np.bincount(data.p_t, minlength=n)
    inside = np.bincount(data.p_t[np.isin(data.p_s, schools)], minlength=n)
    only = (pairs > 0) & (inside == pairs)
    locked = np.isin(data.t_lock, schools)
    return [(int(p), _why_held(data, int(p))) for p in np.flatnonzero(only | locked)]


def _why_held(data, p: int) -> str:
    ids = data.school_ids
    subj = data.subjects[data.t_subj[p]]
    own = int(data.t_from[p])
    if data.t_lock[p] >= 0:
        return f"locked to {ids[data.t_lock[p]]} by the office"
    if data.r6_bound[p] and own >= 0 and data.s_rural[own] and not data.is_p1[p]:
        return (f"public-funded with {float(data.t.at[p, 'rural_service_years']):g} of "
                f"{data.sc.policy.public_funded_rural_years:g} rural years, whom R6 keeps from urban schools")
    where = ", ".join(sorted({str(ids[s]) for s in data.p_s[data.p_t == p]}))
    if data.is_p1[p]:
        return f"finishing contract period 1, whom R5 sends to a school of the other area teaching {subj} ({where})"
    return f"{'a new hire: ' if data.is_new[p] else ''}only {where} of their school level group take {subj} teachers"


def held_words(data, schools, most: int = 10) -> str:
    """The teachers of `held`, named with why, for the infeasibility note."""
    who = held(data, schools)
    pid = data.t["person_id"].to_numpy()
    text = "; ".join(f"{pid[p]} ({why})" for p, why in who[:most])
    return text + (f"; and {len(who) - most} more" if len(who) > most else "") if who else "nobody named"


def build(ctx: ModelCtx) -> None:
    d = ctx.data
    m = ctx.model
    fixed = fixed_per_school(d)
    keys, idxs = groups(d.p_s)
    by_school = dict(zip(keys.tolist(), idxs))
    for s in np.flatnonzero(~np.isnan(d.s_quota)):
        idx = by_school.get(int(s))
        if idx is None:
            continue
        quota = int(d.s_quota[s])
        room = quota - int(fixed[s])
        ctx.hard(f"R8:{d.school_ids[s]}", lambda idx=idx, room=room: m.add(ctx.pair_sum(idx) <= max(room, 0)))


def report(data, school_of: np.ndarray, relaxed_schools: list[str], state, log) -> None:
    """Compliance row for R8, merged with the leader stage's R8 row (posts) if present; `log`: the stage's
    StageLog (the note naming locks to schools without the subject)."""
    n = np.bincount(school_of[school_of >= 0], minlength=len(data.school_ids))
    q = data.s_quota
    over = [(data.school_ids[s], int(n[s]), int(q[s])) for s in np.flatnonzero(~np.isnan(q) & (n > np.nan_to_num(q)))]
    ok = school_of >= 0
    misfit_all = ok & (school_of != data.t_from) & ~data.fit[np.maximum(school_of, 0), data.t_subj]
    by_lock = misfit_all & (data.t_lock >= 0) & (school_of == data.t_lock)
    misfit = np.flatnonzero(misfit_all & ~by_lock)
    locked_note = ""
    if by_lock.any():
        who = ", ".join(f"{data.t.at[p, 'person_id']} "
                        f"({data.subjects[data.t_subj[p]]} at {data.school_ids[school_of[p]]})"
                        for p in np.flatnonzero(by_lock)[:10])
        locked_note = (f"; {int(by_lock.sum())} teachers placed by the office's lock (locked_school) at a school "
                       f"whose demand lacks their subject, accepted as the office's decision (no home lessons "
                       f"there): {who}")
        log.note("teachers: " + locked_note[2:])
    if len(misfit):
        who = ", ".join(f"{data.t.at[p, 'person_id']} ({data.subjects[data.t_subj[p]]})" for p in misfit[:10])
        state.comply("R8", "not_met", f"no school's demand has the subject of {who}: placed without a subject fit")
        return
    # the figures: models/figures.py; here which schools and teachers, and why
    if over:
        listed = ", ".join(f"{s} ({k} teachers, quota {qq})" for s, k, qq in over[:10])
        more = f" and {len(over) - 10} more" if len(over) > 10 else ""
        why = (f"; relaxed because the quota conflicts with placing new hires and period-2 teachers "
               f"(R5) or with locks: {', '.join(relaxed_schools[:10])}") if relaxed_schools else ""
        status, detail = "not_met", f"teachers above staff_quota at {listed}{more}{why}"
    else:
        status, detail = "met", locked_note[2:]
    prev = state.compliance.get("R8")
    if prev:
        pstat, pdet = prev
        status = "not_met" if "not_met" in (pstat, status) else "met"
        # The leader stage's note opens with "leader posts: ".
        lead = pdet if not pdet or pdet.startswith("leader posts:") else f"leader posts: {pdet}"
        detail = "; ".join(x for x in (lead, f"teachers: {detail}" if detail else "") if x)
    elif detail:
        detail = f"teachers: {detail}"
    state.comply("R8", status, detail)
