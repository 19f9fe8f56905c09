"""Justified envy removed after the teacher solve (soft.py defines it; the score is flow.py's exact one).

Envy is not in the optimised score (its pair products would hide the bound); this pass removes envy pairs
by exchanges that keep every rule and do not lower the score."""

from __future__ import annotations

import time

import numpy as np

from .flow import Scorer
from .soft import envy_list, school_of_choice


def repair(data, choice: np.ndarray, deadline: float, price: float = 0.0) -> tuple[np.ndarray, int]:
    """Remove justified envy after the solve: for an envy pair (p, q, s), p takes q's seat at s and q takes
    p's place (a swap) or returns to their own school -- only when both placements stay legal (candidate
    pairs respect fit, level, R5, R6; quotas are kept) and the exact model score does not drop (by more
    than ``price`` per envy pair removed); each accepted change lowers the number of envy pairs.
    Returns the new placement and the number of changes made."""
    if len(data.p_t) == 0 or not data.has_pref.any():
        return choice, 0
    n_s = len(data.school_ids)
    pair_key = data.p_t * n_s + data.p_s  # sorted (pairs are sorted by teacher, then school)
    quota = np.where(np.isnan(data.s_quota), np.inf, data.s_quota)

    def pair(p, s):
        k = int(np.searchsorted(pair_key, p * n_s + s))
        return k if k < len(pair_key) and pair_key[k] == p * n_s + s else -1

    scorer = Scorer(data, choice)
    school_of = school_of_choice(data, scorer.choice)
    count = np.bincount(school_of[school_of >= 0], minlength=n_s)
    envy = envy_list(data, school_of)
    changes, tried = 0, set()
    while envy and time.perf_counter() < deadline:
        done = False
        for _, p, q, s in envy:
            if (p, q) in tried or time.perf_counter() > deadline:
                continue
            tried.add((p, q))
            kp = pair(p, s)
            if kp < 0 or scorer.choice[q] < 0 or scorer.choice[p] < 0:
                continue
            for kq in (pair(q, int(school_of[p])), pair(q, int(data.t_from[q])) if data.t_from[q] >= 0 else -1):
                if kq < 0 or data.p_s[kq] == s:
                    continue
                s2 = int(data.p_s[kq])
                if s2 != school_of[p] and count[s2] + 1 > quota[s2]:
                    continue  # q would push that school above its quota
                new, st = scorer.trial({p: kp, q: kq})
                if new < scorer.score - price:
                    continue
                trial = scorer.choice.copy()
                trial[p], trial[q] = kp, kq
                so = school_of_choice(data, trial)
                e2 = envy_list(data, so)
                if len(e2) >= len(envy) or new + price * (len(envy) - len(e2)) < scorer.score:
                    continue
                count[school_of[p]] -= 1
                count[s2] += 1
                scorer.commit(new, st)
                school_of, envy = so, e2
                changes += 1
                done = True
                break
            if done:
                break
        if not done:
            break
    return scorer.choice, changes
