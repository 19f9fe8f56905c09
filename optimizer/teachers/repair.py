"""Repairs of a placement shared by the hard limits the flow only prices (R15 floors, R17 beds): moves that keep
every staff quota, scored exactly by flow.Scorer."""

from __future__ import annotations

import numpy as np


def make_room(data, sc, p: int, blocked: list, start, end, full):
    """The best (score, state, moves) of p taking a pair at a full school while one movable teacher placed there
    takes another of their pairs where there is room; None if no such pair of moves raises the score."""
    best = None
    for k in blocked:
        s = int(data.p_s[k])
        for q in np.flatnonzero((sc.choice >= 0) & (data.p_s[np.maximum(sc.choice, 0)] == s)):
            if q == p or end[q] - start[q] < 2:
                continue
            for k2 in range(start[q], end[q]):
                s2 = int(data.p_s[k2])
                if s2 == s or (s2 != data.p_s[sc.choice[p]] and full(s2)):
                    continue
                new, st = sc.trial({p: k, int(q): k2})
                if new > (sc.score if best is None else best[0]):
                    best = (new, st, {p: k, int(q): k2})
    return best
