"""R2 (target): vacant rural leader posts go first to reserve leaders from urban schools.

Checked on the plan as written: a teacher promoted to a leader post must be a reserve leader; and a
rural post given to a rural reserve leader while an urban reserve leader of the same level group
stayed a teacher breaks the "urban first" order."""

from __future__ import annotations

from .core import Violation, joined

_GROUP = {"kindergarten": "kindergarten", "primary": "compulsory", "junior": "compulsory",
          "nine_year": "compulsory", "senior": "senior", "vocational": "senior"}


def check(sc, plan) -> list[Violation]:
    j = joined(sc, plan)
    out: list[Violation] = []
    promoted = j[(j["role_before"] == "teacher") & j["role_after"].isin(("principal", "vice_principal"))]
    for pid in promoted[~promoted["reserve_leader"].astype(bool)].index:
        out.append(Violation("R2", pid, "a teacher who is not a reserve leader is promoted to a leader post.",
                             "promote a reserve leader (reserve_leader = true) instead", hard=False))
    rural_by_rural = promoted[(promoted["to_area"] == "rural") & (promoted["from_area"] == "rural")]
    if rural_by_rural.empty:
        return out
    waiting = j[(j["role_after"] == "teacher") & j["reserve_leader"].astype(bool) & (j["from_area"] == "urban")]
    waiting_groups = set(waiting["from_level"].map(_GROUP))
    for pid, r in rural_by_rural.iterrows():
        if _GROUP.get(r["to_level"]) in waiting_groups:
            out.append(Violation("R2", pid, f"rural reserve leader promoted to {r['to_school']} while an urban "
                                            "reserve leader of the same school level stays a teacher.",
                                 "give the post to an urban reserve leader first", hard=False))
    return out
