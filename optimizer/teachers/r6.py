"""R6 (hard): a public-funded teacher with fewer than public_funded_rural_years rural years is never
moved from a rural to an urban school, except into the urban period of their own bundle (R5: a
teacher finishing period 1 at a rural school goes urban for period 2; a new hire's bundle may start
or end urban). candidates.py enforces it by offering such a teacher no urban school otherwise.

Rural years accumulate across segments. The ``rural_service_years`` column of the plan shows, for each
public-funded teacher, the total *after the coming school year*: the years so far, plus one if the plan
keeps or places them at a rural school; the reason says how many years they still owe.
"""

from __future__ import annotations

import numpy as np


def rural_years_after(data, school_of: np.ndarray) -> np.ndarray:
    """Accumulated rural years after the coming year (public-funded teachers; others unchanged)."""
    rsy = data.t["rural_service_years"].to_numpy(dtype=float)
    pf = data.t["public_funded"].to_numpy(dtype=bool)
    rural_now = np.where(school_of >= 0, data.s_rural[np.maximum(school_of, 0)], False)
    return np.where(pf, rsy + rural_now.astype(float), rsy)


def sentence(w, data, p: int, school_of: np.ndarray, after: float) -> str:
    """The R6 sentence of a public-funded teacher's reason, in the words of `w` (optimizer/reasons.py)."""
    pol = data.sc.policy
    before = float(data.t.at[p, "rural_service_years"])
    owed = max(0.0, pol.public_funded_rural_years - after)
    key = "r6_rural" if data.s_rural[school_of[p]] else "r6_urban"
    return w(key, before=f"{before:g}", after=f"{after:g}", asks=f"{pol.public_funded_rural_years:g}",
             owed=f"{owed:g}")


def violations(data, school_of: np.ndarray) -> list[int]:
    """Teacher rows moved rural -> urban against R6 (should be none)."""
    out = []
    p1 = (data.t["contract_period"].to_numpy() == 1) & (data.t["period_years"].to_numpy() >= data.sc.policy.term_years)
    for p in np.flatnonzero(data.r6_bound & (data.t_from >= 0) & (school_of >= 0) & (data.t_lock < 0)):
        if data.s_rural[data.t_from[p]] and not data.s_rural[school_of[p]] and not p1[p]:
            out.append(int(p))
    return out


def report(data, school_of: np.ndarray, state) -> bool:
    bad = violations(data, school_of)
    if bad:  # the figures: models/figures.py; here who
        state.comply("R6", "not_met", data.say.note("r6", who=data.say.list(data.t["person_id"].to_numpy()[bad][:10])))
        return False
    state.comply("R6", "met", "")
    return True
