"""Minimal-change re-planning (`rotaplan plan --lock EDITED_PLAN`).

The office edits a plan by hand. The hand-made decisions that keep every hard rule become locks
(`locked_school`); every other person's edited outcome becomes a *reference* the stages keep unless a
hard rule or a lock forces a change (a large `weights.keep_reference` cost per changed person). Edits
that break a hard rule are repaired.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .params import SolveParams
from .pipeline import plan_scenario


@dataclass
class LockReport:
    kept: list[str] = field(default_factory=list)  # legal hand edits, locked
    repaired: dict[str, str] = field(default_factory=dict)  # person -> the hard rule their edit broke
    changed: list[str] = field(default_factory=list)  # others whose outcome differs from the edited plan

    def lines(self, plan) -> list[str]:
        a = plan.assignments.set_index("person_id")
        out = [f"Re-planned with {len(self.kept)} hand-made decision(s) kept, {len(self.repaired)} repaired, "
               f"{len(self.changed)} other decision(s) changed."]
        for pid, rule in self.repaired.items():
            out.append(f"  repaired {pid}: the edit broke {rule}; now {a.at[pid, 'move']} to "
                       f"{a.at[pid, 'to_school'] or '-'}.")
        for pid in self.changed:
            out.append(f"  changed {pid}: now {a.at[pid, 'move']} to {a.at[pid, 'to_school'] or '-'} "
                       f"({a.at[pid, 'rules']}): {a.at[pid, 'reason']}")
        return out


def edits(edited: pd.DataFrame, original: pd.DataFrame | None) -> list[str]:
    """People whose edited outcome (role or school) differs from the original plan (all, without one)."""
    if original is None:
        return list(edited["person_id"])
    o = original.set_index("person_id")[["role_after", "to_school"]]
    e = edited.set_index("person_id")[["role_after", "to_school"]]
    o = o.reindex(e.index)
    diff = (e["role_after"] != o["role_after"]) | (e["to_school"] != o["to_school"])
    return list(e.index[diff])


def replan(sc, edited, violations, original=None, params: SolveParams | None = None, progress=None):
    """Plan again keeping the legal hand edits and as many other decisions of `edited` as possible.

    `violations`: the validator's findings on the edited plan (hard ones mark the edits to repair).
    Returns (plan, PlanResult with the re-plan's lines among its notes, LockReport).
    """
    bad = {}
    for v in violations:
        if v.hard and v.person_id not in bad:
            bad[v.person_id] = v.rule
    e = edited.assignments
    report = LockReport()
    work = sc.copy()
    staff = work.staff
    row_of = pd.Series(staff.index, index=staff["person_id"])
    for pid in edits(e, None if original is None else original.assignments):
        if pid not in row_of.index:
            continue
        r = e.set_index("person_id").loc[pid]
        if pid in bad:
            report.repaired[pid] = bad[pid]
        elif r["move"] != "retire" and r["to_school"]:
            staff.at[row_of[pid], "locked_school"] = r["to_school"]
            report.kept.append(pid)
    reference = {pid: (role, school) for pid, role, school in zip(e["person_id"], e["role_after"], e["to_school"])
                 if pid not in bad}
    result = plan_scenario(work, params, progress=progress, reference=reference)
    plan = result.plan
    after = plan.assignments.set_index("person_id")
    for pid, (role, school) in reference.items():
        if pid in after.index and pid not in report.kept and (
                after.at[pid, "to_school"] != school or after.at[pid, "role_after"] != role):
            report.changed.append(pid)
    return plan, result.with_notes(report.lines(plan)), report
