"""The summary `rotaplan validate` prints: counts and the current R3/R9/R10 figures (models/figures.py)."""

from __future__ import annotations

import pandas as pd

from .figures import state_figures as figures
from .schema import LEADER_ROLES


def summary(sc) -> dict:
    sch, st, pol = sc.schools, sc.staff, sc.policy
    by = sch.groupby(["area", "level"]).size()
    area_level = {a: {lv: int(n) for (a2, lv), n in by.items() if a2 == a} for a in ("urban", "rural")}
    leaders = st[st["role"].isin(LEADER_ROLES)]
    rotating = leaders["school_id"].map(sch.drop_duplicates("school_id").set_index("school_id")["level"])
    due = leaders[(leaders["terms_at_school"] >= pol.rotation_terms)
                  & rotating.isin(list(pol.rotation_levels))]  # R1: rotation_levels only
    due_exempt = due[due["exempt_reason"] != ""]
    new = st[st["school_id"] == ""]
    p1 = st[(st["contract_period"] == 1) & (st["period_years"] >= pol.term_years) & (st["school_id"] != "")]
    fig = {
        "townships": sch["township"].nunique(),
        "schools": len(sch),
        "staff": len(st),
        "principals": int((st["role"] == "principal").sum()),
        "vice-principals": int((st["role"] == "vice_principal").sum()),
        "teachers": int((st["role"] == "teacher").sum()),
        "new hires to place": len(new),
        "teachers finishing contract period 1": len(p1),
        "leaders due for rotation (R1)": len(due),
        "  of them exempt": len(due_exempt),
        "reserve leaders": int(st["reserve_leader"].sum()),
        "public-funded teachers": int(st["public_funded"].sum()),
        "demand lines": len(sc.demand),
        "weekly lessons demanded": int(sc.demand["weekly_lessons"].sum()),
        "road graph": "roads.csv" if sc.roads is not None and not sc.roads.empty else "estimated from coordinates",
    }
    people = pd.DataFrame({"role": st["role"], "school_id": st["school_id"], "degree": st["degree"],
                           "backbone": st["backbone"], "age": sc.ages})
    f = figures(sc, people)
    rule_figures = [
        ("R3", "young rural leader share", f["young_rural_leader_share"], pol.young_rural_leader_share),
        ("R9", "backbone share urban", f["backbone_share_urban"], None),
        ("R9", "backbone share rural", f["backbone_share_rural"], f["backbone_share_urban"]),
        ("R9", "bachelor+ share rural", f["bachelor_share_rural"], f["bachelor_share_urban"]),
        ("R9", "kindergarten associate+ share rural", f["kindergarten_associate_share_rural"],
         f["kindergarten_associate_share_urban"]),
        ("R10", "urban/rural bachelor ratio", f["degree_ratio_urban_rural"], pol.degree_ratio_max),
    ]
    return {"schools_by_level": sorted(sch["level"].unique()), "schools_by_area_level": area_level,
            "figures": fig, "rule_figures": rule_figures}
