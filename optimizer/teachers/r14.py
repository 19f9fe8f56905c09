"""R14 (hard): a teacher is placed only at a school whose level their teacher certificate (教师资格) covers.

A certificate covers its own level and those below: kindergarten < primary < junior < senior, vocational
ranking with senior; a nine-year school needs primary or above. An empty ``certificate`` is read as the
level of the teacher's current school (a nine-year school's as junior); a new hire without one may go to
any level. A ``locked_school`` wins over R14 (the stage reports who is placed uncovered by a lock).
candidates.py offers only covered schools, and r5.py bundles only with covered period-2 schools.
"""

from __future__ import annotations

import numpy as np

CERT_RANK = {"kindergarten": 0, "primary": 1, "junior": 2, "senior": 3, "vocational": 3}
# the least certificate rank each school level needs
LEVEL_NEED = {"kindergarten": 0, "primary": 1, "nine_year": 1, "junior": 2, "senior": 3, "vocational": 3}
# the certificate an empty cell stands for: the level of the current school
LEVEL_CERT = {"kindergarten": "kindergarten", "primary": "primary", "junior": "junior", "nine_year": "junior",
              "senior": "senior", "vocational": "vocational"}


def cert_rank(certificate: np.ndarray, current_level: np.ndarray) -> np.ndarray:
    """Certificate rank per teacher; -1 where any level is covered (a new hire without a certificate)."""
    out = np.full(len(certificate), -1, dtype=np.int64)
    for i, (c, lv) in enumerate(zip(certificate, current_level)):
        c = str(c or "")
        if not c and lv:
            c = LEVEL_CERT.get(str(lv), "")
        if c in CERT_RANK:
            out[i] = CERT_RANK[c]
    return out


def school_need(s_level: np.ndarray) -> np.ndarray:
    return np.array([LEVEL_NEED.get(str(lv), 0) for lv in s_level], dtype=np.int64)


def covers(rank: np.ndarray | int, need: np.ndarray | int) -> np.ndarray:
    """Whether a certificate rank covers a school's need (rank -1 covers every level)."""
    return (np.asarray(rank) < 0) | (np.asarray(rank) >= np.asarray(need))


def report(data, school_of: np.ndarray, p2: dict, state) -> bool:
    """Compliance row for R14: every placed teacher and every period-2 bundle covered, locks reported."""
    need = school_need(data.s_level)
    placed = school_of >= 0
    ok = np.ones(len(school_of), dtype=bool)
    ok[placed] = covers(data.t_cert[placed], need[school_of[placed]])
    pid = data.t["person_id"].to_numpy()
    locked = (data.t_lock >= 0) & (school_of == data.t_lock)
    bad = np.flatnonzero(~ok & ~locked)
    by_lock = np.flatnonzero(~ok & locked)
    bad_p2 = [p for p, s in p2.items() if not covers(data.t_cert[p], need[s])]
    if len(bad) or bad_p2:
        w = data.say
        who = w.list(list(pid[bad[:10]]) + [w.note("r14_period2", pid=pid[p]) for p in bad_p2[:10]])
        state.comply("R14", "not_met", w.note("r14", who=who))
        return False
    if len(by_lock):
        state.comply("R14", "exempted", data.say.note("r14_lock", who=data.say.list(pid[by_lock[:10]])))
        return True
    state.comply("R14", "met", "")
    return True
