"""The plan contract itself: one row per person, known schools, known move kinds, consistent rows."""

from __future__ import annotations

from .core import Violation, joined

_MOVES = {"stay", "rotate", "promote", "exchange", "return", "place_new", "bundle_second", "transfer", "retire"}
_ROLES = {"principal", "vice_principal", "teacher", "retired"}


def check(sc, plan) -> list[Violation]:
    out: list[Violation] = []
    a = plan.assignments
    ids = set(sc.staff["person_id"])
    seen = a["person_id"]
    for pid in sorted(ids - set(seen)):
        out.append(Violation("contract", pid, "person of the scenario has no row in assignments.",
                             "add a row for every person of the scenario"))
    for pid in sorted(set(seen) - ids):
        out.append(Violation("contract", pid, "row for a person who is not in the scenario.", "delete the row"))
    for pid in sorted(set(seen[seen.duplicated()])):
        out.append(Violation("contract", pid, "person has more than one row in assignments.", "keep one row"))
    j = joined(sc, plan)
    j = j[j["person_id"].isin(ids)]
    schools = set(sc.schools["school_id"])
    checks = [
        (~j["move"].isin(_MOVES), lambda r: f"move '{r['move']}' is not a known kind.",
         "use one of " + ", ".join(sorted(_MOVES))),
        (~j["role_after"].isin(_ROLES), lambda r: f"role_after '{r['role_after']}' is not known.",
         "use principal, vice_principal, teacher or retired"),
        ((j["move"] != "retire") & ~j["to_school"].isin(schools),
         lambda r: f"to_school '{r['to_school']}' is not a school of the scenario.",
         "set to_school to a school_id of schools.csv"),
        (j["from_school"] != j["school_id"],
         lambda r: f"from_school '{r['from_school']}' differs from the scenario's '{r['school_id']}'.",
         "from_school must be the person's current school"),
        (j["role_before"] != j["role"], lambda r: f"role_before '{r['role_before']}' differs from the scenario.",
         "role_before must be the person's current role"),
        ((j["move"] == "stay") & (j["to_school"] != j["from_school"]),
         lambda r: "move is 'stay' but the school changes.",
         "name the move (transfer, exchange, rotate...) or keep the school"),
    ]
    for mask, message, fix in checks:
        for pid, r in j[mask].iterrows():
            out.append(Violation("contract", pid, message(r), fix))
    return out
