"""The leader stage: which principals and vice-principals move where, which vice-principals are promoted to
open principal posts and which reserve leaders are promoted (R1, R1x, R2, R3, R4, R8 leader posts; R12 already
applied).

Steps: facts (context) -> options proposed by the rule modules (pruned candidate posts) -> feasibility guard
(feasible_candidates: where the pruned options leave no plan keeping the hard rules, the level groups concerned
get unpruned options, so pruning never causes an infeasibility) -> greedy plan
(the benchmark baseline) and min-cost-flow plan (exact without the envy goal: CP-SAT's warm start and
bound, see flow.py) -> CP-SAT (strict) -> if infeasible: explain the conflict in words (explain.py) and
solve again with the hard rules relaxable at a high price -> write every leader's and promoted reserve
leader's decision with its rules and reason (decide: one named function per kind of decision) and the
compliance rows -> return the StageResult (solver figures, KPI figures, notes).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import sat
from ..params import SolveParams
from ..reasons import Words
from ..results import SOLVED, StageLog, StageResult
from . import context, explain, flow, greedy, locks, r1, r1x, r2, r3, r4, r5, r6, r8, soft
from .context import PRINCIPAL, ROLE_NAMES, VICE
from .model import LeaderModel

OPTION_COLUMNS = ["holder", "s_idx", "role", "source"]
NO_PLAN = "no plan keeping every hard rule was found in time."


# ---- options --------------------------------------------------------------------------------
def collect_options(ctx) -> pd.DataFrame:
    """Every option the rule modules propose (pruned), plus the unpruned ones of ctx.full_groups."""
    parts = [r1.options(ctx), r1.swap_options(ctx), r1x.options(ctx), locks.options(ctx), r4.options(ctx),
             soft.options(ctx), r8.vice_options(ctx), r2.options(ctx), soft.reference_options(ctx)]
    if ctx.full_groups:
        full, too_large = r1.unpruned_options(ctx, ctx.full_groups)
        parts.append(full)
        if too_large:
            words = ctx.say.list(_group_words(ctx, g) for g in too_large)
            ctx.notes = [ctx.say.note("level_group_large", words=words)]
    parts = [p[OPTION_COLUMNS] for p in parts if len(p)]
    opt = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=OPTION_COLUMNS)
    opt = opt.astype({"holder": object, "s_idx": int, "role": int, "source": object})
    people = ctx.people
    opt = opt[allowed(ctx, opt)]
    # Every leader with a choice may also keep their post (R1 forbids it for due leaders unless relaxed).
    ld = people.loc[people.index.intersection(pd.Index(opt["holder"].unique()))]
    ld = ld[ld["kind"] == "leader"]
    stays = pd.DataFrame({"holder": ld.index, "s_idx": ld["s_idx"].to_numpy(), "role": ld["role_idx"].to_numpy(),
                          "source": "stay"})
    opt = pd.concat([opt, stays], ignore_index=True)
    # One row per (holder, school, role); `source` lists every module that proposed it.
    tags = sorted(opt["source"].unique())
    bit = {t: 1 << i for i, t in enumerate(tags)}
    opt["_bit"] = opt["source"].map(bit).astype(np.int64)
    opt = opt.drop_duplicates(["holder", "s_idx", "role", "_bit"])
    opt = opt.groupby(["holder", "s_idx", "role"], sort=False)["_bit"].sum().reset_index()
    sources = {mk: ";".join(t for t in tags if mk & bit[t]) for mk in opt["_bit"].unique()}
    opt["source"] = opt["_bit"].map(sources)
    opt = opt.drop(columns="_bit")
    order = pd.Series(np.arange(len(people)), index=people.index)
    opt = opt.assign(_o=opt["holder"].map(order)).sort_values(["_o", "s_idx", "role"], kind="stable")
    opt = opt.drop(columns="_o").reset_index(drop=True)
    sch = ctx.schools
    opt["kind"] = opt["holder"].map(people["kind"])
    opt["s_from"] = opt["holder"].map(people["s_idx"]).astype(int)
    opt["rural_from"] = sch["rural"].to_numpy()[opt["s_from"].to_numpy()]
    opt["rural_to"] = sch["rural"].to_numpy()[opt["s_idx"].to_numpy()]
    opt["is_stay"] = ((opt["kind"] == "leader") & (opt["s_idx"] == opt["s_from"])
                      & (opt["role"] == opt["holder"].map(people["role_idx"])))
    opt["school"] = sch["school_id"].to_numpy()[opt["s_idx"].to_numpy()]
    opt["role_name"] = np.array(ROLE_NAMES, dtype=object)[opt["role"].to_numpy()]
    ctx.options = opt
    # Leaders without options simply stay: they fill their post.
    ld_all = ctx.leaders()
    alone = ~ld_all.index.isin(opt["holder"].unique())
    fixed = np.zeros_like(ctx.cap)
    np.add.at(fixed, (ld_all["s_idx"].to_numpy()[alone], ld_all["role_idx"].to_numpy()[alone]), 1)
    ctx.options_fixed = fixed
    return opt


def allowed(ctx, opt: pd.DataFrame) -> np.ndarray:
    """The policy switches every option must respect, whichever module proposed it (so the greedy, the flow
    and CP-SAT all do): with leader_level_match a post in the level group of the holder's school, unless the
    office locked them there (the lock wins); a reserve leader only into a role of ctx.reserve_roles(); a
    promotion to principal only for a person who meets principal eligibility (context principal_ok); R5 (r5.py)
    and R6 (r6.py), which a lock wins over."""
    people = ctx.people
    holder = opt["holder"]
    same_group = ctx.group[opt["s_idx"].to_numpy()] == holder.map(people["group"]).to_numpy()
    locked = opt["source"].str.contains("lock").to_numpy()
    reserve = holder.map(people["kind"]).to_numpy() == "reserve"
    role_ok = ~reserve | np.isin(opt["role"].to_numpy(), ctx.reserve_roles())
    # principal eligibility: a promotion to principal (vice-principal or reserve leader) needs principal_ok
    promoted = (opt["role"].to_numpy() == PRINCIPAL) & (holder.map(people["role"]).to_numpy() != "principal")
    eligible = ~promoted | holder.map(people["principal_ok"]).fillna(False).to_numpy(dtype=bool)
    return (same_group | locked) & role_ok & eligible & ((r5.allowed(ctx, opt) & r6.allowed(ctx, opt)) | locked)


def option_costs(ctx) -> dict[str, np.ndarray]:
    """Objective terms per option, by goal (scaled integers; negative = reward)."""
    raw = {
        "r1x_crossing": r1x.costs(ctx),
        "r2_urban_reserve": r2.costs(ctx),
        "r3_young_rural_leader": r3.costs(ctx),
        "leader_post_filled": r8.costs(ctx),
        "move": soft.move_costs(ctx),
        "keep_reference": soft.reference_costs(ctx),
        "commute_km": soft.commute_costs(ctx),
        "preference": soft.preference_costs(ctx),
        "experienced_weak_school": soft.experienced_costs(ctx),
    }
    return {goal: np.rint(np.asarray(arr, dtype=float)).astype(np.int64) for goal, arr in raw.items()}


def build_model(ctx, mode: str, lower_bound: int | None = None) -> LeaderModel:
    m = LeaderModel(ctx, mode, lower_bound=lower_bound)
    opt = ctx.options
    lead = opt.index[opt["kind"] == "leader"]
    for _, rows in opt.loc[lead].groupby("holder", sort=False).groups.items():
        m.model.add_exactly_one(m.vars_of(rows))
    r1.build(m)
    locks.build(m)
    r4.build(m)
    r8.build(m)
    r2.build(m)
    if mode != "explain":
        for goal, arr in ctx.costs.items():
            m.add_cost(goal, arr)
        soft.build_envy(m)
    m.set_objective()
    return m


def feasible_candidates(ctx) -> tuple[np.ndarray | None, int | None]:
    """Make sure candidate pruning never causes an infeasibility: while the min-cost flow (exact for the hard
    rules) finds no plan, give the level groups where the relaxed flow breaks a hard rule their unpruned
    candidates (r1.unpruned_options) and try again. Returns the strict flow's (plan, cost), (None, None) when
    even the unpruned candidates of those groups leave no plan (a genuine infeasibility, then explained)."""
    while True:
        total = sum(ctx.costs.values())
        plan, cost = flow.solve(ctx, total)
        if plan is not None:
            return plan, cost
        relaxed_plan, _ = flow.solve(ctx, total, relaxed=True)
        groups = (set(ctx.groups()) if relaxed_plan is None else broken_groups(ctx, relaxed_plan)) - ctx.full_groups
        if not groups:
            return None, None
        ctx.full_groups |= groups
        collect_options(ctx)
        ctx.costs = option_costs(ctx)


def broken_groups(ctx, chosen: np.ndarray) -> set:
    """Level groups where a (relaxed) plan breaks a hard rule: R1 (a due leader stays), a lock, R4 (the groups of
    the township's seat schools)."""
    opt = ctx.options
    people = ctx.people
    group = ctx.group
    sel = opt[chosen]
    out = set()
    due_stay = sel[sel["is_stay"] & sel["holder"].map(people["due"]).astype(bool)]
    out |= set(due_stay["holder"].map(people["group"]).tolist())
    lock_idx = sel["holder"].map(people["lock_idx"])
    broken_lock = sel[(sel["kind"] == "leader") & (lock_idx >= 0) & ~sel["source"].str.contains("lock")]
    out |= set(broken_lock["holder"].map(people["group"]).tolist())
    out |= {int(group[s]) for s in broken_lock["holder"].map(people["lock_idx"])}
    sch = ctx.schools
    seat, town = sch["seat"].to_numpy(), sch["township"].to_numpy()
    has = set(town[seat & (ctx.options_fixed[:, PRINCIPAL] > 0)])
    heads = sel[(sel["role"] == PRINCIPAL).to_numpy() & seat[sel["s_idx"].to_numpy()]]
    has |= set(town[heads["s_idx"].to_numpy()])
    for t in set(town) - has:
        out |= set(group[(town == t) & seat & (ctx.cap[:, PRINCIPAL] > 0)].tolist())
    return {int(g) for g in out}


def _group_words(ctx, g: int) -> str:
    lg = ctx.schools.loc[ctx.group == g, "level_group"]
    if len(lg) and ctx.say.zh:
        return ctx.say.level_group(str(lg.iloc[0]))
    return context.LEVEL_GROUP_WORDS.get(lg.iloc[0], str(lg.iloc[0])) if len(lg) else str(g)


# ---- solve ----------------------------------------------------------------------------------
def solve(sc, state, params: SolveParams) -> StageResult:
    """Decide every leader's and reserve leader's row of `state`; the stage's solver figures, KPIs and notes."""
    t0 = time.perf_counter()
    log = StageLog()
    ctx = context.build(sc, state)
    collect_options(ctx)
    assert ctx.options is not None  # collect_options fills it
    bound = r1x.most_possible(ctx, params)
    if not bound.proven:
        log.note(ctx.say.note("r1x_unproven", limit=f"{params.time_limit:g}", status=ctx.say.status(bound.status),
                              total=bound.total))
    r1x_figures = {"r1x_most_possible_status": bound.status, "r1x_most_possible_seconds": bound.seconds}
    if ctx.options.empty:  # nobody has a choice: every leader stays, no reserve leader can be promoted
        write(ctx, state, log, np.zeros(0, dtype=bool), bound, [], [])
        return StageResult.of("leaders", "optimal", log, objective=0.0, bound=0.0, gap=0.0, solve_seconds=0.0,
                              stage_seconds=round(time.perf_counter() - t0, 3),
                              details={**_run_figures(params), "variables": 0, **r1x_figures})
    ctx.costs = option_costs(ctx)
    flow_plan, flow_cost = feasible_candidates(ctx)
    log.notes.extend(ctx.notes)
    total = sum(ctx.costs.values(), np.zeros(len(ctx.options), dtype=np.int64))
    if not params.flow_warm_start:
        flow_plan, flow_cost = None, None
    greedy_plan, greedy_ok = greedy.solve(ctx, total)
    hint = flow_plan if flow_plan is not None else greedy_plan

    m = build_model(ctx, "strict", lower_bound=flow_cost)
    m.hint(hint)
    solver, status, stats = sat.solve(m.model, params)
    conflict, relaxed = [], []
    if status == "infeasible":
        conflict = explain.find_conflict(ctx, params, build_model)
        if conflict:
            log.note(explain.summary(ctx, conflict))
        relaxed_plan, relaxed_cost = flow.solve(ctx, total, relaxed=True) if params.flow_warm_start else (None, None)
        m = build_model(ctx, "relaxed", lower_bound=relaxed_cost)
        m.hint(relaxed_plan if relaxed_plan is not None else hint)
        strict_seconds = stats["solve_seconds"]
        solver, status, stats = sat.solve(m.model, params)
        stats.update(relaxed_model=True, strict_status="infeasible", strict_solve_seconds=strict_seconds)
    if status in SOLVED:
        chosen = m.values(solver)
        relaxed = sorted((g for g, lit in m.guards.values() if not solver.boolean_value(lit)),
                         key=lambda g: (g.rule, g.key))
        also = [g for g in relaxed if g not in conflict]
        if also:
            log.note(ctx.say.note("also_relaxed", sentences=ctx.say.sentences(explain.sentences(ctx, also))
                                  if ctx.say.zh else " ".join(s + "." for s in explain.sentences(ctx, also))))
        stats["objective_by_goal"] = m.breakdown(chosen, solver)
    elif flow_plan is not None or greedy_ok:
        chosen = hint
        which = "min-cost-flow" if flow_plan is not None else "greedy"
        stats["fallback"] = f"{which} plan: CP-SAT found no plan within the time limit"
        log.note(ctx.say.note("leaders_fallback", status=ctx.say.status(status), limit=f"{params.time_limit:g}",
                              which=ctx.say.note(f"which.{which}")))
    else:
        chosen = np.zeros(len(ctx.options), dtype=bool)
        stats["fallback"] = "nobody moves: no plan found within the time limit"
        log.note(ctx.say.note("leaders_nobody", status=ctx.say.status(status), limit=f"{params.time_limit:g}"))
    stats["variables"] = int(len(ctx.options))
    stats["unpruned_level_groups"] = [_group_words(ctx, g) for g in sorted(ctx.full_groups)]
    stats["greedy_option_cost"] = round(float(total[greedy_plan].sum()) / context.SCALE, 2)
    stats["flow_option_cost"] = None if flow_cost is None else round(flow_cost / context.SCALE, 2)
    stats["greedy_keeps_hard_rules"] = bool(greedy_ok)
    stats["plan_option_cost"] = round(float(total[chosen].sum()) / context.SCALE, 2)
    stats.update(r1x_figures)
    no_plan = status not in SOLVED and flow_plan is None and not greedy_ok
    write(ctx, state, log, chosen, bound, conflict, relaxed, no_plan=no_plan)
    head = {k: stats.pop(k) for k in ("status", "objective", "bound", "gap", "solve_seconds")}
    return StageResult.of("leaders", head["status"], log, objective=head["objective"], bound=head["bound"],
                          gap=head["gap"], solve_seconds=head["solve_seconds"],
                          stage_seconds=round(time.perf_counter() - t0, 3), details=stats)


def _run_figures(params: SolveParams) -> dict:
    return {"seed": params.seed, "num_workers": params.workers, "time_limit": params.time_limit}


# ---- results --------------------------------------------------------------------------------
def final_positions(ctx, chosen: np.ndarray) -> pd.DataFrame:
    """Every leader and promoted reserve leader after the plan: s_idx, role, stays, terms, source."""
    opt = ctx.options
    sel = opt[chosen].set_index("holder")
    ld = ctx.leaders()
    out = pd.DataFrame({"s_idx": ld["s_idx"], "role": ld["role_idx"], "source": "fixed"})
    if not sel.empty:
        hit = sel.index.intersection(out.index)
        out.loc[hit, "s_idx"] = sel.loc[hit, "s_idx"].to_numpy()
        out.loc[hit, "role"] = sel.loc[hit, "role"].to_numpy()
        out.loc[hit, "source"] = sel.loc[hit, "source"].to_numpy()
        prom = sel[sel["kind"] == "reserve"]
        out = pd.concat([out, pd.DataFrame({"s_idx": prom["s_idx"], "role": prom["role"], "source": prom["source"]})])
    people = ctx.people.loc[out.index]
    out["stays"] = (out["s_idx"].to_numpy() == people["s_idx"].to_numpy()) & (people["kind"] == "leader").to_numpy()
    out["terms"] = people["terms"].to_numpy()
    return out


@dataclass
class PostChanges:
    """How the plan changes the leader posts, for the reasons given to those who move and fill them."""

    occupancy: np.ndarray  # (n_schools, 2) leaders after the plan
    room_after: np.ndarray  # posts left open after the plan
    current: np.ndarray  # leaders holding each post before the plan (retirees gone)
    left: dict  # (s_idx, role) -> names of leaders who leave that post
    promoted_up: dict  # (s_idx, VICE) -> names of vice-principals promoted to principal
    arrived: dict  # (s_idx, role) -> "name (id)" of due leaders who take that post


def post_changes(ctx, final: pd.DataFrame, P: dict) -> PostChanges:
    """`P`: person_id -> facts (rows of ctx.people) of everyone in `final`."""
    occupancy = np.zeros_like(ctx.cap)
    np.add.at(occupancy, (final["s_idx"].to_numpy().astype(int), final["role"].to_numpy().astype(int)), 1)
    left: dict[tuple[int, int], list[str]] = {}
    promoted_up: dict[tuple[int, int], list[str]] = {}
    arrived: dict[tuple[int, int], list[str]] = {}
    for pid, stays, s_to, role_to in zip(final.index, final["stays"].to_numpy(),
                                         final["s_idx"].to_numpy().astype(int), final["role"].to_numpy().astype(int)):
        p = P[pid]
        if p["kind"] != "leader":
            continue
        if p["role_idx"] == VICE and role_to == PRINCIPAL:
            promoted_up.setdefault((int(p["s_idx"]), VICE), []).append(p["name"])
        elif not stays:
            left.setdefault((int(p["s_idx"]), int(p["role_idx"])), []).append(p["name"])
        if p["due"] and not stays:
            arrived.setdefault((int(s_to), int(role_to)), []).append(f"{p['name']} ({pid})")
    current = np.zeros_like(ctx.cap)
    ld = ctx.leaders()
    np.add.at(current, (ld["s_idx"].to_numpy(), ld["role_idx"].to_numpy()), 1)
    return PostChanges(occupancy, np.maximum(ctx.cap - occupancy, 0), current, left, promoted_up, arrived)


@dataclass
class Decision:
    """One person's row (move, rules, reason) and what it counts for R1 and R1x."""

    move: str = "stay"
    rules: list = field(default_factory=list)
    reason: str = ""
    due: bool = False  # counted as due under R1
    moved: bool = False  # a due leader who rotates
    exempt: bool = False  # due by terms, exempt by exempt_reason or a lock
    crossing: str = ""  # "urban_to_rural" / "rural_to_urban" for a due leader crossing the line (R1x)


@dataclass
class Tally:
    n_due: int = 0
    n_moved: int = 0
    n_exempt: int = 0
    crossings: dict = field(default_factory=lambda: {"urban_to_rural": 0, "rural_to_urban": 0})

    def add(self, d: Decision) -> None:
        self.n_due += d.due
        self.n_moved += d.moved
        self.n_exempt += d.exempt
        if d.crossing:
            self.crossings[d.crossing] += 1


@dataclass
class Why:
    """What the reasons need to know of the solve: relaxed hard rules and why, directors, reference changes."""

    relaxed_lock: set
    why_of: dict  # (rule, key) -> why it was relaxed, in words
    director_of: dict  # person_id -> township
    changed: pd.DataFrame  # people whose outcome differs from the reference plan
    w: Words  # the plan's language and school names (optimizer/reasons.py)


def decide(ctx, pid: str, p: dict, s_to: int, role_to: int, src: str, posts: PostChanges, why: Why,
           opts_of) -> Decision:
    """The row of one leader or promoted reserve leader: by kind, then the district director and reference."""
    w = why.w
    moves = s_to != int(p["s_idx"])
    if p["kind"] == "reserve":
        d = _reserve_decision(ctx, w, p, s_to, role_to, posts)
    elif p["role_idx"] == VICE and role_to == PRINCIPAL:  # promote_vice_to_principal (r8.vice_options)
        d = _vice_up_decision(ctx, w, p, s_to, role_to, moves, posts)
    elif p["due_by_terms"] and p["exempt"]:
        d = Decision(rules=["R1"], due=True, exempt=True,
                     reason=w("leader_exempt", terms=p["terms"], school=_school(ctx, w, int(p["s_idx"])),
                              exempt=p["exempt_reason"], role=_role(w, role_to)))
    elif p["lock_idx"] >= 0 and pid not in why.relaxed_lock:
        d = _locked_decision(ctx, w, p, s_to, role_to, moves)
    elif p["due"]:
        d = _due_decision(ctx, pid, p, s_to, role_to, moves, posts, why, opts_of)
    else:
        d = _not_due_decision(ctx, pid, p, s_to, role_to, src, moves, posts, why)
    _r5_r6(ctx, w, p, s_to, d)
    town = why.director_of.get(pid, "")
    if town:
        d.rules.append("R4")
        d.reason = w.join(d.reason, w("director", town=town))
    if p["has_ref"]:
        d.reason = w.join(d.reason, _reference_sentence(ctx, w, p, pid in why.changed.index))
    return d


def _r5_r6(ctx, w: Words, p: dict, s_to: int, d: Decision) -> None:
    """R5 and R6 hold whatever role a person takes: the sentence of a person finishing contract period 1 (their
    post lies in the other area, or R5 is not met) and of a public-funded rural person short of rural years (no
    urban post was open to them). A lock wins over both (its own sentence says so)."""
    if p["lock_idx"] >= 0:
        return
    if p["p1"]:
        d.rules.append("R5")
        d.reason = w.join(d.reason, r5.sentence(ctx, w, p, s_to, _school(ctx, w, int(p["s_idx"]), area=True)))
    if p["r6_bound"] and p["rural"] and ctx.schools["rural"].to_numpy()[s_to] and d.move != "stay":
        d.rules.append("R6")
        d.reason = w.join(d.reason, r6.sentence(ctx, w, p))


def _school(ctx, w: Words, s: int, area: bool = False) -> str:
    """School `s` (a row of ctx.schools) by name, code in brackets."""
    return w.school(str(ctx.schools.at[s, "school_id"]), area=area)


def _role(w: Words, role_idx: int) -> str:
    return w.role(ROLE_NAMES[role_idx])


def _reserve_decision(ctx, w: Words, p: dict, s_to: int, role_to: int, posts: PostChanges) -> Decision:
    """A reserve leader promoted to a leader post (R2 at a rural school, R8 everywhere, R3 if young and rural)."""
    s_rural = ctx.schools["rural"].to_numpy()
    to_name, from_name = _school(ctx, w, s_to, area=True), _school(ctx, w, int(p["s_idx"]), area=True)
    d = Decision(move="promote")
    cause = _vacancy_cause(ctx, w, s_to, role_to, posts.left, posts.current, posts.promoted_up)
    if s_rural[s_to]:
        d.rules.append("R2")
        lead_in = w("urban_reserve_first") if not p["rural"] else w("no_urban_reserve")
        d.reason = w("reserve_rural", from_school=from_name, role=_role(w, role_to), school=to_name, cause=cause,
                     lead_in=lead_in)
    else:
        d.reason = w("reserve_post", from_school=from_name, role=_role(w, role_to), school=to_name, cause=cause)
    d.rules.append("R8")
    if s_rural[s_to] and p["young"]:
        d.rules.append("R3")
    return d


def _vice_up_decision(ctx, w: Words, p: dict, s_to: int, role_to: int, moves: bool, posts: PostChanges) -> Decision:
    """A vice-principal promoted to an open principal post (R8); for a due one this is their R1 rotation."""
    s_rural = bool(ctx.schools["rural"].to_numpy()[s_to])
    to_name, from_name = _school(ctx, w, s_to), _school(ctx, w, int(p["s_idx"]))
    d = Decision(move="promote")
    cause = _vacancy_cause(ctx, w, s_to, role_to, posts.left, posts.current, posts.promoted_up)
    where = w("at_school", school=to_name) if moves else w("at_own_school", school=to_name)
    if p["due"]:
        d.due = d.moved = True
        d.rules.append("R1")
        lead = w("vice_due_lead", terms=p["terms"], from_school=from_name, where=where)
    else:
        lead = w("vice_lead", from_school=from_name, where=where)
    d.rules.append("R8")
    tail = ""
    if p["due"] and s_rural != p["rural"]:
        d.rules.append("R1x")
        d.crossing = "rural_to_urban" if p["rural"] else "urban_to_rural"
        tail = w("tail_cross", a=w.area(bool(p["rural"])), b=w.area(not p["rural"]))
    if s_rural and not p["rural"] and p["young"]:
        d.rules.append("R3")
        tail += w("tail_young", age=int(p["age"]))
    d.reason = w("vice_up", lead=lead, cause=cause, tail=tail)
    return d


def _locked_decision(ctx, w: Words, p: dict, s_to: int, role_to: int, moves: bool) -> Decision:
    """A leader the office locked to a school (the lock wins over R1: due ones count as exempted by it)."""
    to_name, from_name = _school(ctx, w, s_to), _school(ctx, w, int(p["s_idx"]))
    d = Decision(move="transfer" if moves else "stay", rules=["R1"])
    if p["due_by_terms"]:
        d.due = d.exempt = True
        d.reason = w("locked_due_move" if moves else "locked_due_stay", terms=p["terms"], from_school=from_name,
                     school=to_name, role=_role(w, role_to))
    else:
        d.reason = w("leader_locked_move" if moves else "leader_locked_stay", school=to_name, role=_role(w, role_to))
    return d


def _due_decision(ctx, pid: str, p: dict, s_to: int, role_to: int, moves: bool, posts: PostChanges, why: Why,
                  opts_of) -> Decision:
    """A due leader: rotates (R1), crossing the line where they can (R1x, R3), or stays where R1 was relaxed."""
    w = why.w
    s_rural = bool(ctx.schools["rural"].to_numpy()[s_to])
    from_name = _school(ctx, w, int(p["s_idx"]))
    role_word = _role(w, role_to)
    d = Decision(rules=["R1"], due=True)
    if not moves:
        d.reason = w("due_relaxed", terms=p["terms"], school=from_name, role=role_word,
                     why=why.why_of.get(("R1", pid), NO_PLAN))
        return d
    d.moved = True
    d.move = "rotate"
    as_role = role_word if role_to == p["role_idx"] else w("principal_as_vice", role=role_word)
    if s_rural != p["rural"]:
        d.rules.append("R1x")
        d.crossing = "rural_to_urban" if p["rural"] else "urban_to_rural"
        tail = w("tail_cross", a=w.area(bool(p["rural"])), b=w.area(not p["rural"]))
        if s_rural and p["young"]:
            d.rules.append("R3")
            tail += w("tail_young", age=int(p["age"]))
    else:
        within = r1x.stay_in_area_reason(ctx, w, p, posts.room_after, opts_of.get_group(pid))
        tail = w("tail_within", area=w.area(bool(p["rural"])), within=within)
    d.reason = w("rotate", terms=p["terms"], from_school=from_name, as_role=as_role,
                 school=_school(ctx, w, s_to, area=True), tail=tail)
    return d


def _not_due_decision(ctx, pid: str, p: dict, s_to: int, role_to: int, src: str, moves: bool, posts: PostChanges,
                      why: Why) -> Decision:
    """A leader who is not due: stays, or moves for R4, a preference, a swap, the reference plan or a post (R8)."""
    w = why.w
    sch = ctx.schools
    to_name, from_name = _school(ctx, w, s_to), _school(ctx, w, int(p["s_idx"]))
    role_word = _role(w, role_to)
    d = Decision()
    if pid in why.relaxed_lock:
        d.rules.append("R1")
        d.reason = w("lock_relaxed_move" if moves else "lock_relaxed_stay",
                     lock_school=_school(ctx, w, int(p["lock_idx"])), why=why.why_of.get(("lock", pid), NO_PLAN),
                     school=to_name, role=role_word)
        d.move = "transfer" if moves else "stay"
        return d
    if not moves:
        d.rules.append("R1")
        if p["due_by_terms"]:  # due by terms but locked to their own school
            d.reason = w("leader_locked_stay", school=from_name, role=role_word)
        elif not p["rotating"]:  # R1 covers only the schools of rotation_levels
            d.reason = w("leader_not_rotation_level", school=from_name, role=role_word)
        else:
            d.reason = w("not_due_one" if p["terms"] == 1 else "not_due", terms=p["terms"], school=from_name,
                         need=ctx.pol.rotation_terms, role=role_word)
        return d
    d.move = "transfer"
    s_town, seat = str(sch.at[s_to, "township"]), bool(sch.at[s_to, "seat"])
    if role_to == PRINCIPAL and seat and ("r4" in src or "r1_full" in src and why.director_of.get(pid) == s_town):
        d.rules.append("R4")
        d.reason = w("r4_move", from_school=from_name, school=to_name, town=s_town)
    elif "pref" in src:
        d.rules.append("R1")
        rank = _rank(p["preferences"], str(sch.at[s_to, "school_id"]))
        d.reason = w("leader_pref_move", role=role_word, from_school=from_name, school=to_name, rank=rank)
    elif ("r1_swap" in src or "r1_full" in src) and posts.arrived.get((int(p["s_idx"]), int(p["role_idx"]))):
        d.rules.append("R1")
        names = posts.arrived[(int(p["s_idx"]), int(p["role_idx"]))]
        d.reason = w("swap_move", role=role_word, from_school=from_name, school=to_name, who=w.names(names))
    elif "ref" in src.split(";"):
        d.rules.append("R1")
        # the reference sentence below says why: the reference plan moves them
        d.reason = w("ref_move", role=role_word, from_school=from_name, school=to_name)
    else:
        d.rules.append("R8")
        d.reason = w("fill_move", role=role_word, from_school=from_name, school=to_name)
    return d


def decide_rows(ctx, final: pd.DataFrame, P: dict, posts: PostChanges, why: Why) -> tuple[dict, Tally]:
    """person_id -> assignment row for everyone of the stage, and the R1/R1x counts."""
    people = ctx.people
    s_id = ctx.schools["school_id"].tolist()
    opts_of = ctx.options.groupby("holder", sort=False)
    rows, tally = {}, Tally()
    for pid, s_to, role_to, src in zip(final.index, final["s_idx"].to_numpy().astype(int),
                                       final["role"].to_numpy().astype(int), final["source"].astype(str).to_numpy()):
        d = decide(ctx, pid, P[pid], int(s_to), int(role_to), src, posts, why, opts_of)
        tally.add(d)
        period2 = r5.period2(ctx, P[pid], int(s_to))
        if period2:
            d.rules.append("R5")
            d.reason = why.w.join(d.reason, why.w("period2_continuing", period2=why.w.school(period2, area=True)))
        rows[pid] = {"role_after": ROLE_NAMES[role_to], "to_school": s_id[s_to], "move": d.move,
                     "period2_school": period2, "director_of": why.director_of.get(pid, ""),
                     "rules": ";".join(dict.fromkeys(d.rules)), "reason": d.reason}
    for pid in why.changed.index.difference(final.index):  # reserve leaders promoted in the reference, not here
        q = people.loc[pid].to_dict()
        w = why.w
        reason = w.join(w("reserve_stays", school=_school(ctx, w, int(q["s_idx"]))),
                        _reference_sentence(ctx, w, q, True))
        rows[pid] = {"role_after": "teacher", "to_school": s_id[int(q["s_idx"])], "move": "stay", "director_of": "",
                     "rules": "R2", "reason": reason}
    return rows, tally


def write(ctx, state, log: StageLog, chosen, bound, conflict, relaxed, no_plan=False) -> None:
    """Every leader's and promoted reserve leader's row, with rules and reason; the KPIs and compliance rows."""
    sc = ctx.sc
    people = ctx.people
    final = final_positions(ctx, chosen)
    P = people.loc[final.index].to_dict("index")
    posts = post_changes(ctx, final, P)
    occupancy = posts.occupancy
    directors = r4.choose_directors(ctx, final)
    relaxed_r1 = {g.key for g in relaxed if g.rule == "R1"}
    why_of = explain.reasons(ctx, conflict, relaxed)  # (rule, key) -> why it was relaxed, in words
    changed = soft.reference_changes(ctx, final)
    why = Why({g.key for g in relaxed if g.rule == "lock"}, why_of,
              {pid: town for town, pid in directors.items()}, changed, Words(sc, state.lang))
    rows, tally = decide_rows(ctx, final, P, posts, why)
    rows.update({k: v for k, v in r6.blocked_reserves(ctx, final, why.w).items() if k not in rows})
    if rows:
        state.set_many(pd.DataFrame.from_dict(rows, orient="index"))
    n_due, n_moved, n_exempt, crossings = tally.n_due, tally.n_moved, tally.n_exempt, tally.crossings

    # ---- KPIs and compliance ------------------------------------------------------------
    if people["has_ref"].any():
        _report_reference(ctx, log, changed)
    achieved = crossings["urban_to_rural"] + crossings["rural_to_urban"]
    most = max(bound.total, achieved)
    log.kpis.update(r1_due=n_due, r1_moved=n_moved, r1_exempt=n_exempt, r1x_crossings=achieved,
                    r1x_most_possible=most)
    _comply_r1(ctx, state, n_due, n_moved, n_exempt, relaxed_r1, why_of, no_plan)
    detail = ctx.say.note("r1x")  # the figures: models/figures.py
    state.comply("R1x", "met" if achieved >= most else "not_met", detail)
    log.note(ctx.say.note("r1x_count", achieved=achieved, most=most, u2r=crossings["urban_to_rural"],
                          r2u=crossings["rural_to_urban"]))
    _comply_r2(ctx, state, final, chosen)
    r3.report(sc, state, log)
    _comply_r4(ctx, state, log, directors, relaxed)
    vice_up = int(((final.index.map(people["kind"]) == "leader")
                   & (final.index.map(people["role_idx"]).to_numpy() == VICE)
                   & (final["role"].to_numpy() == PRINCIPAL)).sum())
    r8.report(ctx, state, log, occupancy, vice_up)
    n_promoted = int((final.index.map(people["kind"]) == "reserve").sum())
    promoted = ctx.say.note("reserve_one") if n_promoted == 1 else ctx.say.note("reserve_many", n=n_promoted)
    log.note(ctx.say.note("leaders_summary", due=n_due, moved=n_moved, exempt=n_exempt, promoted=promoted))


def _reference_sentence(ctx, w: Words, p: dict, changed: bool) -> str:
    """The reason's last sentence for a person with a reference plan (`plan --lock`)."""
    if not changed:
        return w("ref_same")
    role = p["ref_role_name"]
    school = w.school(p["ref_school"]) if p["ref_school"] else ""
    if role in ROLE_NAMES:
        was = w("ref_role_at", role=w.role(role), school=school)
    elif school:
        was = w("ref_role_at", role=w.role(role) if role else w("no_role"), school=school)
    else:
        was = w.role(role) if role else w("no_role")
    problem = soft.reference_problem(ctx, p)
    why = w("ref_not_kept", problem=problem) if problem else w("ref_kept_breaks")
    return w("ref_differs_leader", was=was, why=why)


def _report_reference(ctx, log: StageLog, changed: pd.DataFrame) -> None:
    """KPI changed_from_reference and a note naming who differs from the reference plan."""
    people = ctx.people
    n_ref = int(people["has_ref"].sum())
    log.kpis["changed_from_reference"] = int(len(changed))
    w = ctx.say
    names = w.more(w.list(w.person(nm, pid) for pid, nm in zip(changed.index[:20], changed["name"][:20])),
                   len(changed) - 20)
    named = w.note("ref_named", names=names) if len(changed) else w.note("ref_none_changed")
    log.note(w.note("ref_leaders", n=len(changed), total=n_ref, named=named))


def _rank(prefs: str, sid: str) -> int:
    ids = [x for x in str(prefs).split(";") if x]
    return ids.index(sid) + 1 if sid in ids else 0


def _vacancy_cause(ctx, w: Words, s: int, r: int, left: dict, current: np.ndarray,
                   promoted_up: dict | None = None) -> str:
    """Why the post (school `s`, role `r`) is open, in words: retirements, leaders moving on or promoted, or
    never filled."""
    parts = []
    gone = ctx.retired_from.get((s, r), [])
    if gone:
        parts.append(w("cause_retired", names=w.list(gone)))
    moved = left.get((s, r), [])
    if moved:
        parts.append(w("cause_moved_one" if len(moved) == 1 else "cause_moved_many", names=w.list(moved)))
    up = (promoted_up or {}).get((s, r), [])
    if up:
        parts.append(w("cause_up_one" if len(up) == 1 else "cause_up_many", names=w.list(up)))
    if current[s, r] + len(gone) < ctx.cap[s, r]:
        parts.append(w("cause_unfilled"))
    return w("and").join(parts) if parts else w("cause_open")


def _comply_r1(ctx, state, n_due, n_moved, n_exempt, relaxed_r1, why, no_plan) -> None:
    people = ctx.people  # the figures: models/figures.py; here what only the stage knows
    if no_plan:
        state.comply("R1", "not_met", ctx.say.note("r1_no_plan"))
    elif relaxed_r1:
        who = r1.names(people.loc[sorted(relaxed_r1)], ctx.say)
        because = ("" if ctx.say.zh else " ").join(dict.fromkeys(why[("R1", pid)] for pid in sorted(relaxed_r1)))
        state.comply("R1", "not_met", ctx.say.note("r1_relaxed", who=who, because=because))
    else:
        state.comply("R1", "met", "")


def _comply_r2(ctx, state, final, chosen) -> None:
    sch = ctx.schools
    people = ctx.people
    kinds = final.index.map(people["kind"])
    prom = final[kinds == "reserve"]
    occ = np.zeros_like(ctx.cap)
    np.add.at(occ, (final["s_idx"].to_numpy().astype(int), final["role"].to_numpy().astype(int)), 1)
    gap = np.maximum(ctx.cap - occ, 0)
    rural = sch["rural"].to_numpy()
    # Posts a reserve leader may take: their roles (promote_reserve_to_principal), their level group.
    open_to_reserve = gap[:, ctx.reserve_roles()].sum(axis=1) * rural
    elig = r2.eligible(ctx)
    waiting = elig[~elig["rural"] & ~elig.index.isin(prom.index)]
    urban_waiting = len(waiting)
    blocked = [g for g in ctx.groups() if open_to_reserve[ctx.group == g].sum() > 0 and (waiting["group"] == g).any()]
    ok = not blocked  # the figures: models/figures.py; here who was out of reach
    detail = "" if ok else ctx.say.note("r2", n=urban_waiting)
    state.comply("R2", "met" if ok else "not_met", detail)


def _comply_r4(ctx, state, log: StageLog, directors, relaxed) -> None:
    towns = sorted(set(ctx.schools["township"]))
    missing = [t for t in towns if t not in directors]
    if not missing:
        state.comply("R4", "met", "")  # the figures: models/figures.py
        return
    relaxed_towns = {g.key for g in relaxed if g.rule == "R4"}
    why = ctx.say.semi(r4.conflict_sentence(ctx, t) for t in missing)
    state.comply("R4", "not_met", ctx.say.note("r4_relaxed", why=why) if relaxed_towns else why)
    for t in missing:
        log.note(ctx.say.note("r4_no_director", town=t))
