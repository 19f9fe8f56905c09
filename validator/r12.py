"""R12 (hard): everyone reaching retirement age (retirement_age_male / retirement_age_female) by
1 September of plan_year retires: move 'retire', role_after 'retired', empty to_school; nobody else does."""

from __future__ import annotations

import pandas as pd

from .core import Violation, joined


def check(sc, plan) -> list[Violation]:
    pol = sc.policy
    j = joined(sc, plan)
    limit = j["gender"].map({"M": pol.retirement_age_male, "F": pol.retirement_age_female})
    due = (j["age_sep1"] >= limit).fillna(False).astype(bool)
    retires = (j["move"] == "retire") | (j["role_after"] == "retired")
    out: list[Violation] = []
    for pid, r in j[due].iterrows():
        age, lim = int(r["age_sep1"]), int(limit[pid])
        if r["move"] != "retire" or r["role_after"] != "retired" or r["to_school"] != "":
            out.append(Violation("R12", pid, f"is {age} on 1 September {pol.plan_year} (retirement age {lim}) but "
                                             f"is not retired (move '{r['move']}', role_after '{r['role_after']}', "
                                             f"to_school '{r['to_school']}').",
                                 "set move retire, role_after retired and leave to_school empty"))
    for pid, r in j[~due & retires].iterrows():
        how_old = "of unknown age" if pd.isna(r["age_sep1"]) else f"only {int(r['age_sep1'])}"
        out.append(Violation("R12", pid, f"retires but is {how_old} on 1 September {pol.plan_year}.",
                             "keep them at a school; only those reaching retirement age retire"))
    return out
