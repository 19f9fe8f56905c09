"""R1 (hard): a leader of a school whose level is in rotation_levels who has completed rotation_terms or more
terms there (terms_at_school counts completed terms), no exempt_reason and no locked_school, moves to a leader
post at another school, keeping the role (principal -> vice-principal only where the policy allows it,
allow_principal_to_vice; vice-principal -> principal, a promotion into an open principal post, only where it
allows that, promote_vice_to_principal).

R1x (target, reported, never hard): due leaders crossing the urban-rural line, against a simple count of
the most the posts could allow: per role and direction, the due leaders of one area against the posts of
the other area not held after the plan by leaders who were not due and stayed (with leader_level_match,
counted within each school level group, as leaders move only within theirs; see r8_posts.py).
"""

from __future__ import annotations

from .core import Violation, joined
from .r8_posts import level_group

_LEADER = ("principal", "vice_principal")


def _allowed_roles(role: str, allow_vice: bool, vice_up: bool) -> set[str]:
    if role == "principal" and allow_vice or role == "vice_principal" and vice_up:
        return {"principal", "vice_principal"}
    return {role}


def check(sc, plan) -> list[Violation]:
    pol = sc.policy
    j = joined(sc, plan)
    j = j[j["role"].isin(_LEADER) & (j["move"] != "retire") & (j["role_after"] != "retired")]
    levels = {str(x) for x in pol.rotation_levels}  # leaders of other levels are never due
    due = j[(j["terms_at_school"].fillna(0) >= pol.rotation_terms) & (j["exempt_reason"].fillna("") == "")
            & (j["locked_school"].fillna("") == "") & j["from_level"].isin(levels)]
    out: list[Violation] = []
    for pid, r in due.iterrows():
        served = (f"has completed {int(r['terms_at_school'])} terms at {r['from_school']}, a {r['from_level']} "
                  "school (due under R1)")
        if r["to_school"] == r["from_school"]:
            out.append(Violation("R1", pid, f"{served} but stays at the same school.",
                                 "move them to a leader post at another school, or record an exempt_reason"))
        elif r["role_after"] not in _allowed_roles(r["role"], pol.allow_principal_to_vice,
                                                   pol.promote_vice_to_principal):
            out.append(Violation("R1", pid, f"{served} but leaves as {r['role_after'] or 'nothing'}, not as "
                                            f"{r['role']}.",
                                 "keep the leader role when rotating (principal to vice-principal only if "
                                 "allow_principal_to_vice is set, vice-principal to principal only if "
                                 "promote_vice_to_principal is set)"))
    out.extend(_r1x(sc, j, due))
    return out


def _r1x(sc, leaders, due) -> list[Violation]:
    moved = due[due["to_school"] != due["from_school"]]
    crossing = int((moved["from_area"] != moved["to_area"]).sum())
    posts = sc.schools.set_index("school_id")
    stayers = leaders[(leaders["to_school"] == leaders["from_school"]) & ~leaders.index.isin(due.index)]
    if sc.policy.leader_level_match:
        groups = level_group(posts["level"])
        due_group = level_group(due["from_level"])
        bound = sum(_most_crossings(sc, posts[groups == g], stayers, due[due_group == g]) for g in sorted(set(groups)))
    else:
        bound = _most_crossings(sc, posts, stayers, due)
    if crossing < bound:
        return [Violation("R1x", "", f"{crossing} due leaders cross the urban-rural line; a simple count of open "
                                     f"posts allows up to {bound}.",
                          "rotate more due leaders across the line where a post is open, or tell each who "
                          "stays within their area why", hard=False)]
    return []


def _most_crossings(sc, posts, stayers, due) -> int:
    """Most due leaders who could cross into the open posts of `posts` (schools indexed by school_id)."""
    bound = 0
    allow_vice = sc.policy.allow_principal_to_vice
    for area, other in (("urban", "rural"), ("rural", "urban")):
        other_ids = posts.index[posts["area"] == other]
        open_posts = {}
        for role, col in (("principal", "principal_posts"), ("vice_principal", "vice_principal_posts")):
            held = int(((stayers["role_after"] == role) & stayers["to_school"].isin(other_ids)).sum())
            open_posts[role] = max(0, int(posts.loc[other_ids, col].sum()) - held)
        n_p = int(((due["from_area"] == area) & (due["role"] == "principal")).sum())
        n_v = int(((due["from_area"] == area) & (due["role"] == "vice_principal")).sum())
        to_p = min(n_p, open_posts["principal"])
        spare_v = open_posts["vice_principal"]
        to_v = min(n_v, spare_v)
        extra = min(n_p - to_p, spare_v - to_v) if allow_vice else 0
        bound += to_p + to_v + extra
    return bound
