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
    return ctx.say.note("infeasible", sentences=ctx.say.sentences(sentences(ctx, guards)))


def reasons(ctx, conflict, relaxed) -> dict:
    """(rule, key) -> why that hard rule was relaxed: the conflict's sentences for its members, a sentence
    of its own for any other rule the relaxed plan had to break."""
    out = {}
    core = _plain(ctx, sentences(ctx, conflict))
    for g in conflict:
        out[(g.rule, g.key)] = core
    for g in relaxed:
        if (g.rule, g.key) not in out:
            out[(g.rule, g.key)] = _plain(ctx, sentences(ctx, [g]))
    return out


def _plain(ctx, parts: list[str]) -> str:
    """Sentences as a reason quotes them: "A. B." / "A。B。"."""
    w = ctx.say
    return w.sentences(parts) if w.zh else " ".join(s + "." for s in parts)


def _locks_sentence(ctx, pids, together: bool) -> str:
    from .context import ROLE_WORDS

    people = ctx.people
    opt = ctx.options
    w = ctx.say
    parts, full = [], []
    for pid in pids:
        lk = opt[(opt["holder"] == pid) & opt["source"].str.contains("lock")]
        s, r = (int(lk["s_idx"].iloc[0]), int(lk["role"].iloc[0])) if len(lk) else (int(people.at[pid, "lock_idx"]), 0)
        parts.append(w.note("lock_to", person=w.person(people.at[pid, "name"], pid), school=ctx.school_words(s)))
        held = int(ctx.options_fixed[s, r])
        if held >= int(ctx.cap[s, r]):
            posts = w.note(f"{ROLE_WORDS[r]}_post" + ("s" if ctx.cap[s, r] != 1 else ""))
            full.append(w.note("lock_full", school=ctx.school_words(s), n=int(ctx.cap[s, r]), posts=posts))
    many = len(pids) > 1
    text = w.note("lock_many" if many else "lock_one", who=w.semi(parts))
    if together:
        text += w.note("lock_together")
    if full:
        text += w.note("lock_full_tail", full=w.semi(dict.fromkeys(full)))
    return text
