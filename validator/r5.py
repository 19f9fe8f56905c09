"""R5 (hard): bundled hiring. A new hire gets a period-1 school and a period-2 school of the other area;
a teacher finishing contract period 1 moves to a school of the other area. A locked_school exempts."""

from __future__ import annotations

from .core import Violation, joined


def check(sc, plan) -> list[Violation]:
    out: list[Violation] = []
    j = joined(sc, plan)
    area = sc.schools.set_index("school_id")["area"]
    teach = (j["role_after"] == "teacher") & (j["locked_school"].fillna("") == "")
    for pid, r in j[teach & (j["school_id"].fillna("") == "")].iterrows():
        p2 = r["period2_school"]
        if r["move"] != "place_new":
            out.append(Violation("R5", pid, f"new hire has move '{r['move']}', not place_new.",
                                 "mark the new hire's period-1 placement as place_new"))
        if p2 not in area.index:
            out.append(Violation("R5", pid, "new hire has no bundled period-2 school.",
                                 "set period2_school to a school of the other area"))
        elif r["to_area"] and area[p2] == r["to_area"]:
            out.append(Violation("R5", pid, f"period-2 school {p2} is in the same area ({area[p2]}) as the "
                                            f"period-1 school {r['to_school']}.",
                                 "bundle a period-2 school of the other area"))
    p1 = teach & (j["school_id"].fillna("") != "") & (j["contract_period"] == 1) & (
        j["period_years"] >= sc.policy.term_years)
    for pid, r in j[p1].iterrows():
        if r["to_area"] == r["from_area"]:
            out.append(Violation("R5", pid, f"finished contract period 1 at {r['from_school']} ({r['from_area']}) "
                                            f"but stays in the {r['from_area']} area.",
                                 "move the teacher to a school of the other area for period 2 (bundle_second)"))
    return out
