"""R4 (hard): every township has exactly one district director (director_of), who is a principal after
the plan at one of that township's seat schools."""

from __future__ import annotations

from .core import Violation


def check(sc, plan) -> list[Violation]:
    a = plan.assignments
    sch = sc.schools.set_index("school_id")
    towns = sorted(set(sch["township"]))
    d = a[a["director_of"].fillna("") != ""]
    out: list[Violation] = []
    for town in towns:
        n = int((d["director_of"] == town).sum())
        if n == 0:
            out.append(Violation("R4", town, f"township {town} has no district director.",
                                 "set director_of for the principal of one of its seat schools"))
        elif n > 1:
            out.append(Violation("R4", town, f"township {town} has {n} district directors.",
                                 "keep director_of on one seat-school principal only"))
    for _, r in d.iterrows():
        pid, town = r["person_id"], r["director_of"]
        if town not in towns:
            out.append(Violation("R4", pid, f"director_of '{town}' is not a township of the scenario.",
                                 "use a township name from schools.csv"))
            continue
        to = r["to_school"]
        if r["role_after"] != "principal":
            out.append(Violation("R4", pid, f"district director of {town} is {r['role_after'] or 'nobody'} after "
                                            "the plan, not a principal.",
                                 "make a seat-school principal the director"))
        elif to not in sch.index or sch.at[to, "township"] != town or not bool(sch.at[to, "is_township_seat"]):
            out.append(Violation("R4", pid, f"district director of {town} is principal at {to}, not at a seat "
                                            f"school of {town}.",
                                 "choose the principal of a seat school of that township"))
    return out
