"""R6 (hard): a public-funded person short of public_funded_rural_years rural years is never moved from a
rural to an urban school, whatever role they take (a teacher, or a leader post they keep or are promoted to),
except into the urban period of their own bundle (finishing period 1). A locked_school exempts.
The plan's rural_service_years must not show fewer years than already served."""

from __future__ import annotations

from .core import Violation, joined


def check(sc, plan) -> list[Violation]:
    out: list[Violation] = []
    pol = sc.policy
    j = joined(sc, plan)
    pf = j["public_funded"].fillna(False).astype(bool) & (j["move"] != "retire")
    # the scenario's years (joined keeps the plan's column, so read the scenario's separately)
    served = sc.staff.set_index("person_id")["rural_service_years"]
    short = pf & (j["person_id"].map(served).astype(float) < pol.public_funded_rural_years)
    own_bundle = (j["contract_period"] == 1) & (j["period_years"] >= pol.term_years)
    locked = j["locked_school"].fillna("") != ""
    bad = short & (j["from_area"] == "rural") & (j["to_area"] == "urban") & ~own_bundle & ~locked
    for pid, r in j[bad].iterrows():
        who = "teacher" if r["role_after"] == "teacher" else f"person (taking a {r['role_after']} post)"
        out.append(Violation("R6", pid, f"public-funded {who} with {served[pid]:g} rural years (< "
                                        f"{pol.public_funded_rural_years:g}) moved from rural {r['from_school']} "
                                        f"to urban {r['to_school']}.",
                             "keep them at a rural school until the rural years are served"))
    if "rural_service_years" in plan.assignments.columns:
        shown = plan.assignments.set_index("person_id")["rural_service_years"]
        shown = shown.reindex(j.index[pf & (j["role_after"] == "teacher")])
        shown = shown[shown.astype(str).str.strip() != ""].astype(float)
        for pid, v in shown.items():
            if v < float(served[pid]) - 1e-9:
                out.append(Violation("R6", pid, f"shows {v:g} rural years, fewer than the {served[pid]:g} served.",
                                     "show the accumulated rural years (all segments)", hard=False))
    return out
