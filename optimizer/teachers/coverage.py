"""Coverage: each school's weekly lesson demand per subject covered by its own teachers.

A teacher teaches at most ``teacher_load`` lessons a week at their school, only in their subject, so the
covered lessons of (school, subject) are exactly min(demand, load x teachers of that subject there) --
a concave function of the number of teachers. The model writes it with marginal gains: the k-th
teacher placed there (beyond the fixed ones) covers min(load, demand - load x (fixed + k - 1)) more
lessons; ``unit k`` booleans u_1 >= u_2 >= ... carry these gains and sum(u) + surplus == placed.
This is exact, and unlike ``covered <= load x teachers`` its LP relaxation cannot cover small gaps
with fractions of a teacher, so CP-SAT's bound stays tight. Coverage is weighted ``weights.coverage``
x ``rural_coverage`` at rural schools x ``mountain_coverage`` at mountainous ones.

Subject mix kept sound (a soft goal): teachers of a subject beyond ceil(demand / load) at a school are
``surplus`` and cost ``weights.move`` / 2 each, so nobody is placed where the subject is already full.
What stays uncovered goes to the itinerant stage (R7).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from ortools.sat.python import cp_model

from .ctx import SCALE, ModelCtx, groups

SURPLUS_WEIGHT_FACTOR = 0.5  # x weights.move per surplus teacher of a subject


def weight(data) -> np.ndarray:
    """Coverage weight per school."""
    w = data.sc.policy.weights
    return w.coverage * np.where(data.s_rural, w.rural_coverage, 1.0) * np.where(data.s_mount, w.mountain_coverage, 1.0)


@dataclass
class Chains:
    """The coverage chain of every (school, subject) some movable teacher may join.

    ``gains[off[i]:off[i+1]]`` are the scaled objective gains of the 1st, 2nd, ... teacher placed at key i
    beyond the fixed ones (non-increasing); teachers beyond them are surplus and cost ``surplus`` each
    (only where more people could come than there are units: ``has_surplus``).
    """

    keys: np.ndarray  # s * n_subj + j
    idxs: list  # pair indices per key
    people: np.ndarray  # distinct people who may join
    off: np.ndarray  # offsets into gains (len(keys) + 1)
    gains: np.ndarray  # scaled int gains
    has_surplus: np.ndarray
    surplus: int  # scaled cost per surplus teacher
    raw: list  # per key: lessons gained by each unit (for readable names)


def chains(data) -> Chains:
    if getattr(data, "_chains", None) is not None:
        return data._chains
    fixed = data.fixed_counts()
    pk = data.p_s * data.n_subj + data.t_subj[data.p_t]
    keys, idxs = groups(pk)
    dem = dict(zip(data.d_key.tolist(), data.d_lessons.tolist()))
    w = weight(data)
    people = np.array([len(i) for i in idxs], dtype=np.int64)  # one pair per person and school
    off_list = [0]
    gains: list[int] = []
    raw: list[list[int]] = []
    for key, n in zip(keys.tolist(), people.tolist()):
        s, j = divmod(key, data.n_subj)
        demand = dem.get(key, 0)
        base = int(fixed[s, j])
        room = max(math.ceil(demand / data.load) - base, 0)  # teachers still needed there
        g = [min(data.load, demand - data.load * (base + k)) for k in range(min(room, n))]
        raw.append(g)
        gains += [int(round(x * float(w[s]) * SCALE)) for x in g]
        off_list.append(len(gains))
    off = np.array(off_list, dtype=np.int64)
    ch = Chains(keys, idxs, people, off, np.array(gains, dtype=np.int64), people > np.diff(off),
                int(round(data.sc.policy.weights.move * SURPLUS_WEIGHT_FACTOR * SCALE)), raw)
    data._chains = ch
    return ch


def value(data, choice: np.ndarray) -> tuple[int, int]:
    """(coverage gain, subject-mix cost) of a placement, scaled, exactly as the model scores it."""
    ch = chains(data)
    if len(ch.keys) == 0:
        return 0, 0
    chosen = choice[choice >= 0]
    key = data.p_s[chosen] * data.n_subj + data.t_subj[data.p_t[chosen]]
    n = np.zeros(len(ch.keys), dtype=np.int64)
    np.add.at(n, np.searchsorted(ch.keys, key), 1)
    units = np.minimum(n, np.diff(ch.off))
    cum = np.concatenate([[0], np.cumsum(ch.gains)])
    gain = int((cum[ch.off[:-1] + units] - cum[ch.off[:-1]]).sum())
    return gain, int((n - units).sum()) * ch.surplus


def build(ctx: ModelCtx) -> None:
    d = ctx.data
    m = ctx.model
    ch = chains(d)
    units, surplus = {}, []
    for i, (key, idx) in enumerate(zip(ch.keys.tolist(), ch.idxs)):
        s, j = divmod(key, d.n_subj)
        us: list[cp_model.IntVar] = []
        for k, (g, c) in enumerate(zip(ch.raw[i], ch.gains[ch.off[i]:ch.off[i + 1]].tolist())):
            u = m.new_bool_var(f"covered {d.school_ids[s]} {d.subjects[j]}: unit {k + 1} ({g} lessons)")
            if us:
                m.add_implication(u, us[-1])
            ctx.reward_scaled(u.name, u, c)
            us.append(u)
        if ch.has_surplus[i]:
            sp = m.new_int_var(0, int(ch.people[i]) - len(us), f"surplus {d.subjects[j]} teachers at {d.school_ids[s]}")
            m.add(cp_model_sum(us) + sp == ctx.pair_sum(idx))
            ctx.reward_scaled(sp.name, sp, -ch.surplus)
            surplus.append(sp)
        else:
            m.add(cp_model_sum(us) == ctx.pair_sum(idx))
        units[key] = us
    ctx.terms["coverage"] = units
    ctx.terms["subject_mix"] = surplus


def cp_model_sum(vs):
    from ortools.sat.python import cp_model

    return cp_model.LinearExpr.sum(vs) if vs else 0


def home_lessons(data, school_of: np.ndarray) -> np.ndarray:
    """Weekly lessons each teacher teaches at their school after the plan.

    Per (school, subject) the demand is split among its teachers, full loads first (in person-id
    order), so the sum never exceeds the demand and nobody exceeds teacher_load.
    """
    n = len(school_of)
    out = np.zeros(n, dtype=np.int64)
    ok = school_of >= 0
    key = np.where(ok, school_of * data.n_subj + data.t_subj, -1)
    dem = pd.Series(data.d_lessons, index=data.d_key)
    df = pd.DataFrame({"key": key[ok], "pid": data.t["person_id"].to_numpy()[ok], "row": np.flatnonzero(ok)})
    df = df.sort_values(["key", "pid"], kind="stable")
    df["nth"] = df.groupby("key").cumcount()
    df["demand"] = df["key"].map(dem).fillna(0).to_numpy()
    lessons = np.clip(df["demand"].to_numpy() - df["nth"].to_numpy() * data.load, 0, data.load)
    out[df["row"].to_numpy()] = lessons.astype(np.int64)
    return out


def uncovered(data, school_of: np.ndarray) -> tuple[int, int]:
    """(uncovered lessons, of which at rural schools) left for the itinerant stage."""
    ok = school_of >= 0
    n = np.zeros(len(data.school_ids) * data.n_subj, dtype=np.int64)
    np.add.at(n, school_of[ok] * data.n_subj + data.t_subj[ok], 1)
    left = np.maximum(data.d_lessons - data.load * n[data.d_key], 0)
    rural = data.s_rural[data.d_key // data.n_subj]
    return int(left.sum()), int(left[rural].sum())
