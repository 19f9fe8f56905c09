"""Couples (soft goal): spouses (spouse_id, both on the staff) are not sent to two townships when one of them
moves. Each pair that would leave a teacher in another township than their spouse, where the pair moves the
teacher or the spouse has moved, costs ``weights.couple_apart`` (models/figures.py ``couples_apart`` counts
the couples apart after the plan).

The spouse's school is the one decided before this stage (a leader, or a teacher fixed by a rule), else their
current school: a linear pair cost, so the flow and its bound stay exact for it."""

from __future__ import annotations

import numpy as np

from .ctx import SCALE


def setup(data, state) -> None:
    """Per pair, the scaled cost of leaving a couple apart (``data.couple_cost``; zeros where no couples)."""
    data.couple_cost = np.zeros(len(data.p_t), dtype=np.int64)
    st = data.sc.staff
    if "spouse_id" not in st.columns or len(data.p_t) == 0:
        return
    w = int(round(data.sc.policy.weights.couple_apart * SCALE))
    spouse = st.set_index("person_id")["spouse_id"].fillna("").astype(str)
    sp = data.t["person_id"].map(spouse).fillna("").to_numpy()
    if w == 0 or not (sp != "").any():
        return
    town = data.sc.schools.drop_duplicates("school_id").set_index("school_id")["township"]
    a = state.a
    fixed_at = dict(zip(data.t["person_id"][data.t_fixed_at >= 0],
                        data.school_ids[data.t_fixed_at[data.t_fixed_at >= 0]]))
    s_town = town.reindex(data.school_ids).fillna("").to_numpy()
    spouse_town = np.full(len(data.t), "", dtype=object)
    spouse_moved = np.zeros(len(data.t), dtype=bool)
    for p, q in enumerate(sp):
        if not q or q not in a.index or a.at[q, "move"] == "retire":
            continue
        where = fixed_at.get(q, a.at[q, "to_school"])
        spouse_town[p] = town.get(where, "")
        spouse_moved[p] = where != a.at[q, "from_school"]
    has = spouse_town[data.p_t] != ""
    apart = has & (s_town[data.p_s] != spouse_town[data.p_t]) & (~data.p_stay | spouse_moved[data.p_t])
    data.couple_cost = np.where(apart, w, 0).astype(np.int64)
