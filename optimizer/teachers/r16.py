"""R16 (hard): fixed-term postings and returns.

A posting (R11 exchange) lasts ``exchange_years`` school years. The plan writes, for everyone on a posting
after it, ``home_school`` (the school they belong to and return to) and ``posting_until`` (the last school year
of the posting, the calendar year it starts): an exchange of this plan gets ``home_school`` = the school they
leave and ``posting_until`` = plan_year + exchange_years - 1; a posting that continues is carried as it was.

Like a teacher finishing contract period 1, a posted teacher's school is decided by the rule, not by the
model: candidates.py calls `fix`, which places them before the model is built (a fixed placement, counted in
the quotas and the coverage like any teacher who stays):

* a posting that has ended (``posting_until`` < plan_year): the teacher returns to ``home_school`` (move
  ``return``), unless they ranked the host school first (first in ``preferences``): then the host keeps them
  (move ``transfer``, the posting ends and the home school's seat is freed). R6 wins over the return: a
  public-funded teacher still short of ``public_funded_rural_years`` at a rural host stays there the same way;
* a posting that continues: the teacher stays at the host school until it ends.

A ``locked_school`` wins over R16 (the person goes where the lock says; a posting that does not continue at the
host ends). Where returning teachers push their home school above its ``staff_quota``, the school's other
teachers become movable, as at any school over quota (R8), so the plan can make room. ``posting_quota_at``
(policy, default ``host``) says at which school a posted teacher counts against ``staff_quota``: with ``home``,
the quotas of the model are shifted for the postings that continue (one seat more at the host, one less at
home). A new exchange keeps its home seat too, which the flow cannot say (it counts a teacher at the school they
are at, so the exchange frees the home seat): where the plan's new postings leave a home school above its quota
(`home_over`), the stage closes the postings from that school and plans again (stage.keep_home_seats; cautious:
the host still counts the posted teacher).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

KIND_NONE, KIND_RETURN, KIND_KEPT, KIND_CONTINUES = 0, 1, 2, 3


@dataclass
class Postings:
    """Per teacher of the stage: the posting before the plan and what R16 decides."""

    home: np.ndarray  # home school index, -1: not on a posting (or the home school is unknown)
    until: np.ndarray  # posting_until, -1: none
    kind: np.ndarray  # KIND_* per teacher
    r6_kept: np.ndarray | None = None  # kept at the rural host because R6 forbids the return (set by `fix`)

    @classmethod
    def empty(cls, n: int = 0) -> Postings:
        return cls(np.full(n, -1, np.int64), np.full(n, -1, np.int64), np.zeros(n, np.int64))


def read(t, s_of: dict, t_from: np.ndarray, t_lock: np.ndarray, prefs: list, plan_year: int) -> Postings:
    """The postings of the stage's teachers and R16's decision for each (locked teachers: none)."""
    n = len(t)
    if "home_school" not in t.columns:
        return Postings.empty(n)
    home = t["home_school"].fillna("").astype(str).map(lambda x: s_of.get(x.strip(), -1)).to_numpy(dtype=np.int64)
    until_col = t["posting_until"] if "posting_until" in t.columns else None
    until = (np.full(n, -1, np.int64) if until_col is None
             else np.nan_to_num(until_col.astype(float).to_numpy(), nan=-1).astype(np.int64))
    on = (home >= 0) & (t_from >= 0) & (home != t_from) & (t_lock < 0)
    ended = on & (until < plan_year)
    first = np.array([bool(p) and p[0] == f for p, f in zip(prefs, t_from)], dtype=bool)
    kind = np.zeros(n, np.int64)
    kind[ended & first] = KIND_KEPT
    kind[ended & ~first] = KIND_RETURN
    kind[on & ~ended] = KIND_CONTINUES
    return Postings(home, until, kind)


def fix(data) -> None:
    """Fix the posted teachers' schools (R16) before the candidates are built; shift the quotas for
    posting_quota_at: home. A public-funded teacher short of rural years (R6) whose posting at a rural school
    ended is kept there (R6 wins: no rural -> urban move outside their own bundle), like one the host keeps."""
    post = data.postings
    kind = post.kind
    r6_kept = (kind == KIND_RETURN) & data.r6_bound & (data.t_from >= 0) & data.s_rural[np.maximum(data.t_from, 0)]
    kind[r6_kept] = KIND_KEPT
    post.r6_kept = r6_kept
    fixed = kind != KIND_NONE
    data.t_fixed_at[kind == KIND_RETURN] = post.home[kind == KIND_RETURN]
    keep = (kind == KIND_KEPT) | (kind == KIND_CONTINUES)
    data.t_fixed_at[keep] = data.t_from[keep]
    for name in ("movable", "is_new", "is_p1", "is_exchange", "is_over", "has_pref"):
        getattr(data, name)[fixed] = False
    if data.sc.policy.posting_quota_at == "home":
        cont = np.flatnonzero(kind == KIND_CONTINUES)
        q = data.s_quota.copy()
        np.add.at(q, data.t_from[cont], 1.0)  # nan stays nan: no quota
        np.add.at(q, post.home[cont], -1.0)
        data.s_quota = q
    # a home school that the returning teachers push above its quota: its other teachers who would simply stay
    # become movable, as at any school over quota (R8), so that someone can make room
    n_s = len(data.school_ids)
    held = np.bincount(data.t_fixed_at[data.t_fixed_at >= 0], minlength=n_s)
    over = ~np.isnan(data.s_quota) & (held > np.nan_to_num(data.s_quota, nan=np.inf))
    stayer = (~fixed & (data.t_lock < 0) & (data.t_from >= 0) & (data.t_fixed_at == data.t_from)
              & over[np.maximum(data.t_from, 0)])
    data.movable[stayer] = True
    data.is_over[stayer] = True
    data.t_fixed_at[stayer] = -1


def exchanges_out(data, choice: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The plan's new postings (move ``exchange``: an exchange-eligible teacher placed at a rural school other than
    their own): a mask over teachers, and their number per home school."""
    ok = choice >= 0
    s = np.where(ok, data.p_s[np.maximum(choice, 0)], -1)
    out = ok & data.is_exchange & (s != data.t_from) & data.s_rural[np.maximum(s, 0)]
    return out, np.bincount(data.t_from[out], minlength=len(data.school_ids))


def home_over(data, choice: np.ndarray) -> np.ndarray:
    """posting_quota_at: home: per school, how far the plan's teachers there plus those it sends out on new
    postings (who still count at home, R16) exceed the quota; the flow counted those at the host instead."""
    ok = choice >= 0
    at = data.t_fixed_at.copy()
    at[ok] = data.p_s[choice[ok]]
    here = np.bincount(at[at >= 0], minlength=len(data.school_ids))
    _, out = exchanges_out(data, choice)
    q = data.s_quota
    return np.where(np.isnan(q), 0, np.maximum(here + out - np.nan_to_num(q), 0)).astype(np.int64)


def move(data, p: int, s: int) -> str:
    """R16's move kind for teacher p placed at school s: return, transfer (kept by the host), stay (continues),
    or "" where R16 does not decide."""
    k = int(data.postings.kind[p])
    if k == KIND_RETURN and s == data.postings.home[p]:
        return "return"
    if k == KIND_KEPT and s == data.t_from[p]:
        return "transfer"
    if k == KIND_CONTINUES and s == data.t_from[p]:
        return "stay"
    return ""


def reason(w, data, p: int, kind: str) -> str:
    """The R16 sentence of a posted teacher's reason."""
    post = data.postings
    ids = data.school_ids
    host, home, until = ids[data.t_from[p]], ids[post.home[p]], int(post.until[p])
    if kind == "return":
        return w("r16_return", host=w.school(host), school=w.school(home, area=True), until=until)
    if kind == "transfer" and post.r6_kept is not None and post.r6_kept[p]:
        return w("r16_kept_r6", host=w.school(host), home=w.school(home), until=until)
    if kind == "transfer":
        return w("r16_kept", host=w.school(host), home=w.school(home), until=until)
    return w("r16_continues", school=w.school(host), home=w.school(home), until=until)


def columns(data, school_of: np.ndarray, moves: list[str], plan_year: int, years: int) -> tuple[list, list]:
    """home_school and posting_until of every teacher of the stage after the plan: a new exchange's posting,
    a continuing posting carried, "" for everyone else (an ended posting, a lock elsewhere)."""
    post = data.postings
    n = len(moves)
    home_out = np.full(n, "", dtype=object)
    until_out = np.full(n, "", dtype=object)
    s, f = np.asarray(school_of, dtype=np.int64), data.t_from
    from_id = np.where(f >= 0, data.school_ids[np.maximum(f, 0)], "").astype(str)
    exchange = np.asarray(moves, dtype=object) == "exchange"
    home_out[exchange] = from_id[exchange]
    until_out[exchange] = str(plan_year + years - 1)
    t = data.t
    if "home_school" in t.columns:
        carried = t["home_school"].fillna("").astype(str).str.strip().to_numpy(dtype=object)
        keep = (~exchange & (post.until >= plan_year) & (s == f) & (s >= 0) & (carried != "") & (carried != from_id))
        home_out[keep] = carried[keep]
        until_out[keep] = [str(int(u)) for u in post.until[keep]]
    return home_out.tolist(), until_out.tolist()


def report(data, school_of: np.ndarray, state) -> bool:
    """The R16 compliance note: who did not return or whose posting was cut short (the figures:
    models/figures.py)."""
    post = data.postings
    pid = data.t["person_id"].to_numpy()
    bad = [p for p in np.flatnonzero(post.kind != KIND_NONE) if not move(data, int(p), int(school_of[p]))]
    if bad:
        state.comply("R16", "not_met", data.say.note("r16", who=data.say.list(pid[bad][:10])))
        return False
    state.comply("R16", "met", "")
    return True
