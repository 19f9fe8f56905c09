"""R5 (hard): bundled hiring.

* A new hire is placed for contract period 1 (``place_new``) and bundled with a ``period2_school`` of
  the other area: the nearest school of the other area whose demand has the teacher's subject and
  still lacks lessons of it after this plan (else the nearest fitting one). The period-2 school is a
  commitment of the plan for the teacher's second period, not a seat taken now.
* A teacher finishing period 1 (contract_period 1, period_years >= term_years) moves to a school of
  the other area (``bundle_second``): candidates.py offers them only schools of the other area.
A ``locked_school`` wins over R5 (reported as exempted by the lock).
"""

from __future__ import annotations

import numpy as np

from ...models.travel import haversine_km


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
    if bad_new or bad_p1:  # the figures: models/figures.py; here who and why
        who = ", ".join(data.t["person_id"].to_numpy()[bad_new + bad_p1][:10])
        why = "; ".join(f"{data.t.at[p, 'person_id']}: {w}" for p, w in no_candidate[:5])
        state.comply("R5", "not_met", f"not bundled or not moved to the other area: {who}{'; ' + why if why else ''}")
        return False
    state.comply("R5", "met", "")
    return True
