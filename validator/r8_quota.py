"""R8 (hard), teachers: no school holds more teachers (role_after teacher) than its staff_quota; a teacher
placed at a school (moved or new) fits it: preschool teachers only at kindergartens, others never there,
and the school's demand has the teacher's subject. A move to the person's locked_school is the office's own
decision and is accepted (as for leader posts, r8_posts.py): the lock places them there whatever the fit."""

from __future__ import annotations

import pandas as pd

from .core import Violation, joined, records


def check(sc, plan) -> list[Violation]:
    out: list[Violation] = []
    j = joined(sc, plan)
    teach = j[j["role_after"] == "teacher"]
    quota = pd.to_numeric(sc.schools.set_index("school_id")["staff_quota"], errors="coerce")
    at = teach["to_school"]
    if sc.policy.posting_quota_at == "home" and "home_school" in teach.columns:  # R16: posted teachers count at home
        home_after = teach["home_school"].fillna("").astype(str).str.strip()
        at = at.where(home_after == "", home_after)
    n = at.value_counts()
    for sid, k in n.items():
        q = quota.get(sid)
        if q is not None and not pd.isna(q) and k > q:
            out.append(Violation("R8", sid, f"{k} teachers after the plan, above the staff quota of {int(q)}.",
                                 f"move {int(k - q)} teacher(s) to schools with free seats"))
    demand = set(zip(sc.demand["school_id"], sc.demand["subject"]))
    placed = teach[(teach["to_school"] != teach["from_school"])
                   & (teach["to_school"] != teach["locked_school"].fillna(""))]
    for pid, r in records(placed, ("to_level", "to_school", "subject")):
        kg = r["to_level"] == "kindergarten"
        pre = r["subject"] == "preschool"
        if kg != pre:
            what = "a preschool teacher at a non-kindergarten" if pre else f"a {r['subject']} teacher at a kindergarten"
            out.append(Violation("R8", pid, f"{what} ({r['to_school']}).",
                                 "place preschool teachers at kindergartens and others at schools"))
        elif (r["to_school"], r["subject"]) not in demand:
            out.append(Violation("R8", pid, f"placed at {r['to_school']}, whose demand has no {r['subject']} lessons.",
                                 "place the teacher where the subject is taught"))
    return out
