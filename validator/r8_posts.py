"""R8, leader posts (hard): after the plan no school holds more principals than principal_posts or more
vice-principals than vice_principal_posts."""

from __future__ import annotations

from .core import Violation


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
    return out
