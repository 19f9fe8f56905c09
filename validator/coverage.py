"""Coverage arithmetic (hard): home_lessons <= teacher_load; only teachers teach home lessons; per school and
subject the home lessons do not exceed the demand."""

from __future__ import annotations

from .core import Violation, joined


def check(sc, plan) -> list[Violation]:
    out: list[Violation] = []
    load = sc.policy.teacher_load
    j = joined(sc, plan)
    h = j["home_lessons"].astype(int)
    for pid in j.index[h > load]:
        out.append(Violation("coverage", pid, f"{h[pid]} home lessons, more than teacher_load {load}.",
                             f"at most {load} lessons a week"))
    for pid in j.index[h < 0]:
        out.append(Violation("coverage", pid, "negative home lessons.", "set home_lessons to 0 or more"))
    for pid in j.index[(h > 0) & (j["role_after"] != "teacher")]:
        out.append(Violation("coverage", pid, f"{j.at[pid, 'role_after']} with {h[pid]} home lessons.",
                             "only teachers teach home lessons: set 0"))
    t = j[(j["role_after"] == "teacher") & (h > 0)]
    got = t.groupby(["to_school", "subject"])["home_lessons"].sum()
    dem = sc.demand.groupby(["school_id", "subject"])["weekly_lessons"].sum()
    for (sid, subj), k in got.items():
        d = int(dem.get((sid, subj), 0))
        if k > d:
            out.append(Violation("coverage", sid, f"{int(k)} home lessons of {subj}, above the demand of {d}.",
                                 "lower home_lessons of that school's teachers of the subject"))
    return out
