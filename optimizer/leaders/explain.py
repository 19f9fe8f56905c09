"""Infeasibility in words: which hard rules (R1 per due leader, R4 per township, locks per person) cannot
all hold, found with assumption literals and CP-SAT's sufficient assumptions, shrunk to a small set.
"""

from __future__ import annotations

from .. import sat
from . import r1, r4

SHRINK_UP_TO = 12  # cores this small are shrunk by deletion to a minimal conflict


def find_conflict(ctx, params, build_model) -> list:
    """Guards (rule instances) that cannot all hold together; [] when none is found in time.

    Solved with params.explaining() (one worker, explain_time_limit); each deletion step of the shrinking
    gets a quarter of that."""
    m = build_model(ctx, "explain")
    one = params.explaining()
    solver, status, _ = sat.solve(m.model, one)
    if status != "infeasible":
        return []
    core = [m.guards[i] for i in solver.sufficient_assumptions_for_infeasibility() if i in m.guards]
    if len(core) <= SHRINK_UP_TO:
        kept = list(core)
        for item in list(core):
            trial = [c for c in kept if c is not item]
            m.model.clear_assumptions()
            m.model.add_assumptions([lit for _, lit in trial])
            _, st, _ = sat.solve(m.model, one, time_limit=one.time_limit / 4)
            if st == "infeasible":
                kept = trial
        core = kept
    return sorted((g for g, _ in core), key=lambda g: (g.rule, g.key))


def sentences(ctx, guards) -> list[str]:
    """One sentence per rule group of the conflict."""
    out = []
    r1_people = [g.key for g in guards if g.rule == "R1"]
    if r1_people:
        out.append(r1.conflict_sentence(ctx, r1_people))
    for g in guards:
        if g.rule == "R4":
            out.append(r4.conflict_sentence(ctx, g.key))
    locks = [g.key for g in guards if g.rule == "lock"]
    if locks:
        out.append(_locks_sentence(ctx, locks, together=bool(out)))
    return out


def summary(ctx, guards) -> str:
    return "Infeasible: " + " ".join(s[0].upper() + s[1:] + "." for s in sentences(ctx, guards))


def reasons(ctx, conflict, relaxed) -> dict:
    """(rule, key) -> why that hard rule was relaxed: the conflict's sentences for its members, a sentence
    of its own for any other rule the relaxed plan had to break."""
    out = {}
    core = " ".join(s + "." for s in sentences(ctx, conflict))
    for g in conflict:
        out[(g.rule, g.key)] = core
    for g in relaxed:
        if (g.rule, g.key) not in out:
            out[(g.rule, g.key)] = " ".join(s + "." for s in sentences(ctx, [g]))
    return out


def _locks_sentence(ctx, pids, together: bool) -> str:
    from .context import ROLE_WORDS

    people = ctx.people
    opt = ctx.options
    parts, full = [], []
    for pid in pids:
        lk = opt[(opt["holder"] == pid) & opt["source"].str.contains("lock")]
        s, r = (int(lk["s_idx"].iloc[0]), int(lk["role"].iloc[0])) if len(lk) else (int(people.at[pid, "lock_idx"]), 0)
        parts.append(f"{people.at[pid, 'name']} ({pid}) to {ctx.school_name(s)}")
        held = int(ctx.options_fixed[s, r])
        if held >= int(ctx.cap[s, r]):
            full.append(f"{ctx.school_name(s)} has {int(ctx.cap[s, r])} {ROLE_WORDS[r]} post"
                        f"{'s' if ctx.cap[s, r] != 1 else ''}, held by leaders who stay")
    many = len(pids) > 1
    text = f"the lock{'s' if many else ''} of {'; '.join(parts)} cannot {'all ' if many else ''}be honoured"
    if together:
        text += " together with the rules above"
    if full:
        text += ": " + "; ".join(dict.fromkeys(full)) + " (R8)"
    return text
