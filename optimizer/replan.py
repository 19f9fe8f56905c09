"""Minimal-change re-planning (`rotaplan plan --lock EDITED_PLAN`).

The office edits a plan by hand. Its edits are the rows whose role or school differs from the plan as
rotaplan wrote it (runs/source.py finds that original). An edit that keeps every hard rule becomes an
office lock (`locked_school`; a promotion by hand is held by the reference, below, as a lock keeps no
role); so does an edit whose only fault is to overfill a school or a township's posts, since moving
people who were not edited makes room. An edit whose own row breaks a hard rule is repaired: the stages
are pointed at the original decision.
Everyone else keeps the edited plan's decision as a *reference* (a large `weights.keep_reference` cost per
changed person), so a rotation stays a rotation with its rules and reason, an exchange an exchange, and
only what the locks and the repairs force changes. The report names each kept edit, each repair and
every other person whose outcome changed, with the reason the new plan gives them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import pandas as pd

from .params import SolveParams
from .pipeline import plan_scenario
from .reasons import Words, plan_lang

_LEADERS = ("principal", "vice_principal")
# Findings about home lessons and itinerant stops: a re-plan computes both afresh, so an edit that leaves
# them as they were (a moved teacher's home_lessons, say) is not illegal for that.
RECOMPUTED = ("coverage", "R7")
OUTCOME = ["role_after", "to_school", "period2_school", "director_of"]


@dataclass
class LockReport:
    """What `plan --lock` did with the edited plan."""

    source: str = "the edited plan"
    edits_known: bool = True  # False: no original to tell the edits by (every row is a reference, none a lock)
    kept: list[str] = field(default_factory=list)  # legal hand edits, kept as office locks
    not_kept: dict[str, str] = field(default_factory=dict)  # legal edits the new plan could not keep -> why
    repaired: dict[str, str] = field(default_factory=dict)  # person -> the hard rule(s) their edit broke
    # edits that overfilled a school or a township's posts (rules): locked all the same, others make room
    made_room: dict[str, str] = field(default_factory=dict)
    changed: list[str] = field(default_factory=list)  # everyone else whose outcome differs from the edited plan
    unattributed: list[str] = field(default_factory=list)  # hard violations of the edited plan no edit explains

    def lines(self, edited: pd.DataFrame, plan) -> list[str]:
        """The notes `plan --lock` prints and the run history keeps: counts, then a short table."""
        a = plan.assignments.set_index("person_id")
        e = edited.drop_duplicates("person_id").set_index("person_id")
        out = [f"Re-planned around the edits of {self.source}: {len(self.kept)} edit(s) kept as office locks, "
               f"{len(self.repaired)} edit(s) that broke a hard rule repaired, {len(self.changed)} other people "
               "changed."]
        if not self.edits_known:
            out.append("  The plan as rotaplan wrote it was not found beside the edited one, so the edits cannot be "
                       "told apart: every decision was kept where the hard rules allow, none locked.")
        for pid in self.kept:
            room = (f"; others moved to make room for it ({' and '.join(self.made_room[pid].split(';'))})"
                    if pid in self.made_room else "")
            out.append(f"  kept {_who(a, pid)}: {_post(e, pid)}, as edited{room}.")
        for pid, why in self.not_kept.items():
            out.append(f"  NOT kept {_who(a, pid)}: edited {_post(e, pid)}, now {_post(a, pid)}: {why}")
        for pid, rule in self.repaired.items():
            out.append(f"  repaired {_who(a, pid)}: the edit ({_post(e, pid)}) broke {' and '.join(rule.split(';'))}; "
                       f"now {_post(a, pid)} ({a.at[pid, 'move']}).")
        for v in self.unattributed:
            out.append(f"  the edited plan also broke, through no single edit: {v}")
        if self.changed:
            out.append("Other people changed (before: the edited plan; after: the new plan):")
            rows = [("person", "before", "after", "reason")]
            rows += [(_who(a, pid), _post(e, pid, detail=True), _post(a, pid, detail=True), str(a.at[pid, "reason"]))
                     for pid in self.changed]
            w = [max(len(r[i]) for r in rows) for i in range(3)]
            out += ["  " + "  ".join(r[i].ljust(w[i]) for i in range(3)) + "  " + r[3] for r in rows]
        else:
            out.append("Nobody else changed.")
        return out


def _who(a: pd.DataFrame, pid: str) -> str:
    name = str(a.at[pid, "name"]) if pid in a.index and "name" in a.columns else ""
    return f"{pid} ({name})" if name else pid


def _post(a: pd.DataFrame, pid: str, detail: bool = False) -> str:
    """A person's outcome in a few words: role at school (retired: retired)."""
    if pid not in a.index:
        return "-"
    role, school = str(a.at[pid, "role_after"]), str(a.at[pid, "to_school"])
    if role == "retired" or not school:
        return role or "-"
    text = f"{role} at {school}"
    if detail:
        if a.at[pid, "director_of"]:
            text += f", director of {a.at[pid, 'director_of']}"
        if a.at[pid, "period2_school"]:
            text += f", period 2 {a.at[pid, 'period2_school']}"
    return text


def edits(edited: pd.DataFrame, original: pd.DataFrame | None) -> list[str]:
    """People whose edited outcome (role or school) differs from the original plan ([] without one)."""
    if original is None:
        return []
    o = original.drop_duplicates("person_id").set_index("person_id")[["role_after", "to_school"]]
    e = edited.drop_duplicates("person_id").set_index("person_id")[["role_after", "to_school"]]
    o = o.reindex(e.index)
    diff = (e["role_after"] != o["role_after"]) | (e["to_school"] != o["to_school"])
    return list(e.index[diff])


def blame(sc, edited: pd.DataFrame, violations, edited_ids: list[str]) -> tuple[dict[str, str], dict[str, str], list]:
    """Who a hard violation of the edited plan is about: (personal, shared, unattributed).

    personal: person -> rules, the person's own row breaks them; shared: edited person -> rules, their edit
    takes part in a school's or township's violation (a quota, a leader post, a district director), which
    moving people who were not edited may resolve; unattributed: violations that no edit explains."""
    staff = set(sc.staff["person_id"])
    towns = sc.schools.set_index("school_id")["township"]
    e = edited.drop_duplicates("person_id").set_index("person_id")
    ed = e.loc[[p for p in edited_ids if p in e.index]]
    personal: dict[str, str] = {}
    shared: dict[str, str] = {}
    loose = []

    def add(into, pid, rule):
        rules = into.get(pid, "").split(";") if into.get(pid) else []
        into[pid] = ";".join(dict.fromkeys([*rules, rule]))

    for v in violations:
        if not v.hard or v.rule in RECOMPUTED:
            continue
        who = str(v.person_id)
        if who in staff:
            add(personal, who, v.rule)
            continue
        if who in towns.index:  # a school: the edits that bring people there
            hit = ed.index[ed["to_school"] == who]
        elif who and who in set(towns):  # a township: the leader edits there
            lead = ed["role_after"].isin(_LEADERS) | ed["role_before"].isin(_LEADERS)
            at = ed["to_school"].map(towns).eq(who) | ed["from_school"].map(towns).eq(who)
            hit = ed.index[lead & at]
        else:
            hit = pd.Index([])
        for pid in hit:
            add(shared, pid, v.rule)
        if not len(hit):
            loose.append(str(v))
    return personal, shared, loose


def replan(sc, edited, violations, original=None, params: SolveParams | None = None, progress=None,
           source: str = "the edited plan"):
    """Plan again keeping the legal hand edits (as locks) and every other decision of `edited` where the
    hard rules allow.

    `violations`: the validator's findings on the edited plan (hard ones mark the edits to repair);
    `original`: the plan as rotaplan wrote it, which tells the edits (without it, no edit is locked).
    Returns (plan, PlanResult with the re-plan's lines among its notes, LockReport)."""
    e = edited.assignments
    e_by = e.drop_duplicates("person_id").set_index("person_id")
    o_by = None if original is None else original.assignments.drop_duplicates("person_id").set_index("person_id")
    report = LockReport(source=source, edits_known=original is not None)
    changed_rows = [p for p in edits(e, None if original is None else original.assignments) if p in e_by.index]
    personal, shared, report.unattributed = blame(sc, e, violations, changed_rows)
    work = sc.copy()
    staff = work.staff
    row_of = pd.Series(staff.index, index=staff["person_id"])
    # person -> (role_after, to_school, period2_school): what the stages keep where the hard rules allow
    reference = {pid: (role, school, p2) for pid, role, school, p2
                 in zip(e["person_id"], e["role_after"], e["to_school"], e["period2_school"]) if pid not in personal}
    locked = []
    for pid in changed_rows:
        if pid not in row_of.index:
            continue
        if pid in personal:
            report.repaired[pid] = personal[pid]
            if o_by is not None and pid in o_by.index:
                # the repair points back at the original decision, which kept the rules
                reference[pid] = (o_by.at[pid, "role_after"], o_by.at[pid, "to_school"], o_by.at[pid, "period2_school"])
            continue
        if pid in shared:  # the office's intent: others (not edited) make room where the rules allow
            report.made_room[pid] = shared[pid]
        r = e_by.loc[pid]
        if r["role_after"] == "retired" or not r["to_school"]:
            continue
        promoted = r["role_before"] not in _LEADERS and r["role_after"] in _LEADERS
        if not promoted:  # a promotion by hand is held by its reference: a lock keeps no role
            staff.at[row_of[pid], "locked_school"] = r["to_school"]
        locked.append(pid)
    result = plan_scenario(work, params, progress=progress, reference=reference)
    plan = result.plan
    after = plan.assignments.drop_duplicates("person_id").set_index("person_id")
    for pid in locked:
        want = (e_by.at[pid, "role_after"], e_by.at[pid, "to_school"])  # the edit as made
        got = (after.at[pid, "role_after"], after.at[pid, "to_school"])
        if got == want:
            report.kept.append(pid)
        else:
            report.not_kept[pid] = str(after.at[pid, "reason"])
    handled = set(report.kept) | set(report.not_kept) | set(report.repaired)
    e_out = e_by[OUTCOME].fillna("").astype(str)
    a_out = after[OUTCOME].fillna("").astype(str).reindex(e_out.index)
    differs = (e_out != a_out).any(axis=1)
    report.changed = [pid for pid in e_out.index[differs] if pid not in handled]
    _mark_office_edits(plan, e_by, report, source, Words(sc, plan_lang(params, sc.policy)))
    # The stages' own reference counts are superseded by the report (a repair points at the original).
    notes = [n for n in result.notes if not n.startswith("Reference plan:")]
    return plan, replace(result, notes=(*notes, *report.lines(e, plan))), report


def _mark_office_edits(plan, e_by: pd.DataFrame, report: LockReport, source: str, w: Words) -> None:
    """Reasons in the office's words: the stages' "reference plan" is the edited plan (the original one for a
    repaired edit); a kept edit says it is the office's lock, a repaired one which rule it broke."""
    a = plan.assignments
    repaired = a["person_id"].isin(report.repaired)
    reason = a["reason"].astype(str)
    reference = w("reference_plan")
    edited_words = w("edited_plan") if source == "the edited plan" else w("edited_source", source=source)
    a["reason"] = reason.where(repaired, reason.str.replace(reference, edited_words, regex=False))
    a.loc[repaired, "reason"] = reason[repaired].str.replace(reference, w("first_plan"), regex=False)
    where = edited_words if source == "the edited plan" else source
    for i in a.index[repaired]:
        pid = a.at[i, "person_id"]
        rules = report.repaired[pid].split(";")
        mark = w("edit_repaired_many" if len(rules) > 1 else "edit_repaired_one", source=where,
                 post=_post_words(w, e_by, pid), rules=w.names(rules))
        a.at[i, "reason"] = w.join(str(a.at[i, "reason"]), mark)
    kept = a["person_id"].isin(report.kept)
    a.loc[kept, "reason"] = [w.join(r, w("edit_kept", source=where)) for r in a.loc[kept, "reason"].astype(str)]


def _post_words(w: Words, a: pd.DataFrame, pid: str) -> str:
    """A person's outcome in a reason: role at school, the school by name (retired: retired)."""
    if pid not in a.index:
        return "-"
    role, school = str(a.at[pid, "role_after"]), str(a.at[pid, "to_school"])
    if role == "retired" or not school:
        return w("retired") if role == "retired" else (role or "-")
    return w("ref_role_at", role=w.role(role), school=w.school(school))
