"""R5 (hard): bundled hiring.

* A new hire is placed for contract period 1 (``place_new``) and bundled with a ``period2_school`` of
  the other area: the nearest school of the other area whose demand has the teacher's subject and
  still lacks lessons of it after this plan (else the nearest fitting one). The period-2 school is a
  commitment of the plan for the teacher's second period, not a seat taken now.
* A teacher finishing period 1 (contract_period 1, period_years >= term_years) moves to a school of
  the other area (``bundle_second``): to the ``bundle_school`` named at hiring, unless a hard rule forbids
  it (``bundles``: the bundle is of the same area, does not teach their subject, their certificate does not
  cover it (R14), or its staff quota (R8) is taken by the teachers fixed there, or cannot hold everyone the
  plan must place there: the bundle school earns ``bundle_reward``, above anything else one placement can
  gain, so only the quotas make the plan place them elsewhere); then another school of the other area, and
  the reason names the bundle school and why.
* Everyone continuing contract period 1 keeps a ``period2_school`` (``continuing``): their ``bundle_school``
  while it is of the other area, teaches their subject and their certificate covers it, else the nearest
  such school of their level group.
A ``locked_school`` wins over R5 (reported as exempted by the lock).
"""

from __future__ import annotations

import numpy as np

from ...models.travel import haversine_km


def bundle_reward(pol) -> float:
    """Reward (per teacher, unscaled like policy.weights) for a teacher finishing period 1 placed at the bundle
    school named at hiring: twice what every other term one teacher's placement can change adds up to (a move,
    the coverage of a full load of lessons at a rural mountain school, one teacher's R9/R10/R11 shortfall, 100 km
    of commute, a first of ten ranked schools, and weights.keep_reference), so the plan leaves the bundle school
    only where its staff quota (R8) cannot hold them. About 2,600 at the default weights."""
    w = pol.weights
    one = (w.move + w.coverage * w.rural_coverage * w.mountain_coverage * pol.teacher_load + w.r9_parity
           + w.r10_degree_ratio + w.r11_exchange + 100 * w.commute_km + 10 * w.preference + w.keep_reference)
    return 2.0 * one


def period2(data, school_of: np.ndarray, keep: dict[int, int] | None = None) -> dict[int, int]:
    """Bundled period-2 school (index) of each placed new hire (teacher row -> school).

    `keep`: teacher row -> the period-2 school of a reference plan (`plan --lock`), kept where it still
    teaches the subject in the other area."""
    keep = keep or {}
    new = np.flatnonzero((data.t_from < 0) & (school_of >= 0))
    n = np.zeros((len(data.school_ids), data.n_subj), dtype=np.int64)
    ok = school_of >= 0
    np.add.at(n, (school_of[ok], data.t_subj[ok]), 1)
    dem = np.zeros_like(n)
    dem[data.d_key // data.n_subj, data.d_key % data.n_subj] = data.d_lessons
    short = dem > data.load * n
    out: dict[int, int] = {}
    for p in new:
        s, j = int(school_of[p]), int(data.t_subj[p])
        cand = np.flatnonzero(data.fit[:, j] & (data.s_rural != data.s_rural[s])
                              & ((data.t_cert[p] < 0) | (data.s_need <= data.t_cert[p])))  # R14 for period 2
        if len(cand) == 0:
            continue
        if keep.get(int(p), -1) in cand:
            out[int(p)] = keep[int(p)]
            continue
        km = haversine_km(data.s_lat[s], data.s_lon[s], data.s_lat[cand], data.s_lon[cand])
        pick = cand[np.lexsort((cand, km, ~short[cand, j]))][0]
        out[int(p)] = int(pick)
    return out


def report(data, school_of: np.ndarray, p2: dict, no_candidate: list, state) -> bool:
    new = data.t_from < 0
    p1 = (data.t_from >= 0) & (data.t["contract_period"].to_numpy() == 1) & (
        data.t["period_years"].to_numpy() >= data.sc.policy.term_years)
    locked = data.t_lock >= 0
    area = lambda s: data.s_rural[s] if s >= 0 else None  # noqa: E731
    bad_new = [int(p) for p in np.flatnonzero(new & ~locked) if school_of[p] < 0 or int(p) not in p2]
    crossed = np.array([school_of[p] >= 0 and area(school_of[p]) != area(data.t_from[p]) for p in range(len(p1))],
                       dtype=bool)
    bad_p1 = [int(p) for p in np.flatnonzero(p1 & ~locked & ~crossed)]
    bad_p1 += [p for p, (key, _) in missed(data, school_of).items() if key == "bundle_not_full" and p not in bad_p1]
    if bad_new or bad_p1:  # the figures: models/figures.py; here who and why
        say = data.say
        who = say.list(data.t["person_id"].to_numpy()[bad_new + bad_p1][:10])
        why = say.semi(say.note("r5_why", pid=data.t.at[p, "person_id"], why=w) for p, w in no_candidate[:5])
        state.comply("R5", "not_met", say.note("r5", who=who, why=say.semi(["", why]) if why else ""))
        return False
    state.comply("R5", "met", "")
    return True


def bundles(data) -> None:
    """R5 honours bundle_school: fill data.bundle_ok (teacher row -> their bundle school, which joins their
    candidates and earns bundle_reward there) and data.bundle_why (teacher row -> (reason key, fields): why the
    bundle school cannot take them: same area, subject not taught, certificate (R14), quota taken by the teachers
    fixed there (R8)) for every movable teacher finishing contract period 1 with a bundle school."""
    p1 = np.flatnonzero(data.is_p1 & (data.t_bundle >= 0))
    if len(p1) == 0:
        return
    fixed = np.bincount(data.t_fixed_at[data.t_fixed_at >= 0], minlength=len(data.school_ids))
    seats = np.where(np.isnan(data.s_quota), np.inf, np.nan_to_num(data.s_quota) - fixed)
    for p in p1.tolist():
        b, own, j = int(data.t_bundle[p]), int(data.t_from[p]), int(data.t_subj[p])
        fields = {"bundle": str(data.school_ids[b])}
        if data.s_rural[b] == data.s_rural[own]:
            data.bundle_why[p] = ("bundle_same_area", fields)
        elif not data.fit[b, j]:
            data.bundle_why[p] = ("bundle_no_subject", {**fields, "subject": str(data.subjects[j])})
        elif 0 <= data.t_cert[p] < data.s_need[b]:
            data.bundle_why[p] = ("bundle_cert", {**fields, "level": str(data.s_level[b])})
        elif seats[b] < 1:
            data.bundle_why[p] = ("bundle_full", {**fields, "quota": f"{data.s_quota[b]:g}"})
        else:
            data.bundle_ok[p] = b


def pair_rewards(data) -> np.ndarray:
    """bundle_reward (unscaled) on each candidate pair that places a teacher at their bundle school."""
    out = np.zeros(len(data.p_t))
    if data.bundle_ok:
        want = np.full(len(data.t), -1, dtype=np.int64)
        want[list(data.bundle_ok)] = list(data.bundle_ok.values())
        out[data.p_s == want[data.p_t]] = bundle_reward(data.sc.policy)
    return out


def missed(data, school_of: np.ndarray) -> dict[int, tuple[str, dict]]:
    """Teachers whose bundle school was open to them but who serve period 2 elsewhere, teacher row -> (reason key,
    fields): ``bundle_conflict`` where the bundle school's quota is full in this plan (the reward yields only to
    the quotas, R8), ``bundle_not_full`` where it is not (R5 not met: the solve did not find it in time)."""
    n = np.bincount(school_of[school_of >= 0], minlength=len(data.school_ids))
    out = {}
    for p, b in data.bundle_ok.items():
        if school_of[p] != b:
            full = not np.isnan(data.s_quota[b]) and n[b] >= data.s_quota[b]
            out[p] = ("bundle_conflict" if full else "bundle_not_full",
                      {"bundle": str(data.school_ids[b]), "quota": f"{data.s_quota[b]:g}"})
    return out


def continuing(data, school_of: np.ndarray) -> dict[int, int]:
    """Period-2 school (index) of each teacher continuing contract period 1 (contract_period 1, period_years
    below term_years) after the plan: their bundle school while it is of the other area than their school after
    the plan, teaches their subject and their certificate covers it (R14); else the nearest such school of the
    level group of their school (else of any group); none where no school fits."""
    pol = data.sc.policy
    cp = data.t["contract_period"].to_numpy()
    py = data.t["period_years"].to_numpy()
    rows = np.flatnonzero((data.t_from >= 0) & (cp == 1) & (py < pol.term_years) & (school_of >= 0))
    group = np.array([_GROUP.get(str(lv), 3) for lv in data.s_level], dtype=np.int64)
    out: dict[int, int] = {}
    for p in rows:
        s, j = int(school_of[p]), int(data.t_subj[p])
        ok = (data.fit[:, j] & (data.s_rural != data.s_rural[s])
              & ((data.t_cert[p] < 0) | (data.s_need <= data.t_cert[p])))
        b = int(data.t_bundle[p]) if len(data.t_bundle) else -1
        if b >= 0 and ok[b]:
            out[int(p)] = b
            continue
        cand = np.flatnonzero(ok & (group == group[s]))
        if len(cand) == 0:
            cand = np.flatnonzero(ok)
        if len(cand) == 0:
            continue
        km = haversine_km(data.s_lat[s], data.s_lon[s], data.s_lat[cand], data.s_lon[cand])
        out[int(p)] = int(cand[np.lexsort((cand, km))][0])
    return out


# school level groups (as candidates.LEVEL_GROUP; candidates.py imports this module)
_GROUP = {"kindergarten": 0, "primary": 1, "junior": 1, "nine_year": 1, "senior": 2, "vocational": 2}
