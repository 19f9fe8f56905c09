"""R8 (teachers): no school above its staff_quota; subject and level fit; R12 vacancies filled first.

Subject and level fit is enforced by candidate pruning (candidates.py: a teacher is only offered
schools whose demand has their subject; preschool teachers only kindergartens). Here:

* quota: fixed teachers + teachers placed there <= staff_quota, per school with a quota (hard; where the quotas
  cannot hold the teachers, the stage adds the fewest seats short, ``R8:<school>`` -> seats, and the plan breaks
  R8 by them);
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
    w = data.say
    subj = data.subject_words(data.t_subj[p])
    own = int(data.t_from[p])
    if data.t_lock[p] >= 0:
        return w.note("held_locked", school=data.school_words(data.t_lock[p]))
    if data.r6_bound[p] and own >= 0 and data.s_rural[own] and not data.is_p1[p]:
        return w.note("held_r6", years=f"{float(data.t.at[p, 'rural_service_years']):g}",
                      asks=f"{data.sc.policy.public_funded_rural_years:g}")
    schools = sorted({int(s) for s in data.p_s[data.p_t == p]}, key=lambda s: str(data.school_ids[s]))
    where = w.list(data.school_words(s) for s in schools)
    if data.is_p1[p]:
        return w.note("held_p1", subject=subj, where=where)
    return w.note("held_new" if data.is_new[p] else "held_only", where=where, subject=subj)


def held_words(data, schools, most: int = 10) -> str:
    """The teachers of `held`, named with why, for the infeasibility note."""
    who = held(data, schools)
    pid = data.t["person_id"].to_numpy()
    w = data.say
    text = w.semi(w.note("held_who", pid=pid[p], why=why) for p, why in who[:most])
    return text + (w.note("semi_and_more", n=len(who) - most) if len(who) > most else "") if who else \
        w.note("held_nobody")


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
        room = max(int(d.s_quota[s]) - int(fixed[s]), 0) + ctx.relaxed.get(f"R8:{d.school_ids[s]}", 0)
        m.add(ctx.pair_sum(idx) <= room)


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
    w = data.say
    locked_note = ""
    if by_lock.any():
        who = w.list(w.note("r8_lock_who", pid=data.t.at[p, "person_id"], subject=data.subject_words(data.t_subj[p]),
                            school=data.school_words(school_of[p]))
                     for p in np.flatnonzero(by_lock)[:10])
        locked_note = w.note("r8_by_lock", n=int(by_lock.sum()), who=who)
        log.note(w.note("r8_teachers", detail=locked_note))
    if len(misfit):
        who = w.list(w.note("r8_misfit_who", pid=data.t.at[p, "person_id"], subject=data.subject_words(data.t_subj[p]))
                     for p in misfit[:10])
        state.comply("R8", "not_met", w.note("r8_misfit", who=who))
        return
    # the figures: models/figures.py; here which schools and teachers, and why
    if over:
        idx = {str(sid): i for i, sid in enumerate(data.school_ids)}
        listed = w.more(w.list(w.note("r8_over_school", school=data.school_words(idx[s]) if s in idx else s, n=k,
                                      quota=qq) for s, k, qq in over[:10]), len(over) - 10)
        why = w.note("r8_relaxed_why", schools=w.list(data.school_words(idx[s]) if s in idx else s
                                                      for s in relaxed_schools[:10])) if relaxed_schools else ""
        status, detail = "not_met", w.note("r8_over_quota", listed=listed, why=why)
    else:
        status, detail = "met", locked_note
    prev = state.compliance.get("R8")
    lead_word = w.note("r8_leaders", detail="")
    if prev:
        pstat, pdet = prev
        status = "not_met" if "not_met" in (pstat, status) else "met"
        # The leader stage's note opens with "leader posts: " (领导岗位：).
        lead = pdet if not pdet or pdet.startswith(lead_word) else w.note("r8_leaders", detail=pdet)
        detail = w.semi(x for x in (lead, w.note("r8_teachers", detail=detail) if detail else "") if x)
    elif detail:
        detail = w.note("r8_teachers", detail=detail)
    state.comply("R8", status, detail)
