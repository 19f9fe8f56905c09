"""R8, leader posts (hard): after the plan no school holds more principals than principal_posts or more
vice-principals than vice_principal_posts; and the posts are filled only by people the policy allows:

  * with leader_level_match, a leader (or a promoted reserve leader) who changes school ends at a school of
    the level group of the school they come from: kindergarten; compulsory (primary, junior, nine_year);
    senior and vocational. A move to the person's locked_school is the office's own decision and is accepted;
  * without promote_reserve_to_principal, a teacher promoted to a leader post becomes a vice-principal,
    not a principal;
  * without promote_vice_to_principal, a vice-principal does not become a principal (with it, a vice-principal
    may be promoted to a principal post at their own or another school of the same level group).
"""

from __future__ import annotations

import pandas as pd

from .core import Violation, joined

LEVEL_GROUP = {"kindergarten": "kindergarten", "primary": "compulsory", "junior": "compulsory",
               "nine_year": "compulsory", "senior": "senior or vocational", "vocational": "senior or vocational"}
_LEADER = ("principal", "vice_principal")


def level_group(levels: pd.Series) -> pd.Series:
    """School level -> level group (unknown levels are their own group)."""
    return levels.map(LEVEL_GROUP).fillna(levels)


def check(sc, plan) -> list[Violation]:
    a = plan.assignments
    sch = sc.schools.set_index("school_id")
    out: list[Violation] = []
    for role, col in (("principal", "principal_posts"), ("vice_principal", "vice_principal_posts")):
        held = a[a["role_after"] == role].groupby("to_school").size()
        for sid, n in held.items():
            if sid not in sch.index:
                continue  # unknown schools are the contract check's finding
            posts = int(sch.at[sid, col])
            if n > posts:
                word = role.replace("_", "-")
                out.append(Violation("R8", sid, f"{sid} ends with {n} {word}s but has {posts} {col}.",
                                     f"move {n - posts} of them to another school's open post"))
    out.extend(_who_fills(sc, plan))
    return out


def _who_fills(sc, plan) -> list[Violation]:
    pol = sc.policy
    j = joined(sc, plan)
    lead = j[j["role_after"].isin(_LEADER) & (j["from_school"].fillna("") != "") & (j["to_level"] != "")]
    out: list[Violation] = []
    if pol.leader_level_match:
        moved = lead[(lead["to_school"] != lead["from_school"])
                     & (lead["to_school"] != lead["locked_school"].fillna(""))]
        g_from, g_to = level_group(moved["from_level"]), level_group(moved["to_level"])
        for pid, r in moved[g_from != g_to].iterrows():
            out.append(Violation("R8", pid, f"moves as {r['role_after'].replace('_', '-')} from {r['from_school']} "
                                            f"({r['from_level']}) to {r['to_school']} ({r['to_level']}), across "
                                            f"school level groups ({g_from[pid]} to {g_to[pid]}); with "
                                            "leader_level_match leaders move only within their level group.",
                                 "choose a leader post at a school of the same level group, or switch "
                                 "leader_level_match off"))
    if not pol.promote_reserve_to_principal:
        jumped = lead[(lead["role"] == "teacher") & (lead["role_after"] == "principal")]
        for pid, r in jumped.iterrows():
            out.append(Violation("R8", pid, f"is promoted from teacher straight to principal at {r['to_school']}; "
                                            "with promote_reserve_to_principal off a reserve leader becomes a "
                                            "vice-principal first.",
                                 "promote them to a vice-principal post, or switch promote_reserve_to_principal on"))
    if not pol.promote_vice_to_principal:
        up = lead[(lead["role"] == "vice_principal") & (lead["role_after"] == "principal")]
        for pid, r in up.iterrows():
            out.append(Violation("R8", pid, f"is promoted from vice-principal to principal at {r['to_school']}; "
                                            "with promote_vice_to_principal off vice-principals are not promoted.",
                                 "keep them a vice-principal, or switch promote_vice_to_principal on"))
    return out
