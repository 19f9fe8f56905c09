"""locked_school: the office fixes where a person ends. A lock wins over R1 and R1x (the person is reported
as exempted by the lock) and over leader_level_match (a lock may cross school level groups); R12 wins over a
lock (handled before this stage). A locked leader keeps their role at the locked school (principal ->
vice-principal only where the policy allows it and no principal post exists there). The lock is a hard rule
that can be assumed or relaxed, so a lock that clashes with R4 or the leader posts is named in the
infeasibility explanation.
"""

from __future__ import annotations

import pandas as pd

from .context import PRINCIPAL, VICE
from .model import Guard


def options(ctx) -> pd.DataFrame:
    """The locked post and, for the relaxed plan only, staying put."""
    ld = ctx.leaders()
    lk = ld[(ld["lock_idx"] >= 0) & (ld["lock_idx"] != ld["s_idx"])]
    rows = []
    for pid, s, role, own in zip(lk.index, lk["lock_idx"], lk["role_idx"], lk["s_idx"]):
        target = role
        if role == PRINCIPAL and ctx.cap[s, PRINCIPAL] == 0 and ctx.pol.allow_principal_to_vice:
            target = VICE
        rows.append({"holder": pid, "s_idx": s, "role": target, "source": "lock"})
        rows.append({"holder": pid, "s_idx": own, "role": role, "source": "stay"})
    return pd.DataFrame(rows, columns=["holder", "s_idx", "role", "source"])


def build(m) -> None:
    opt = m.ctx.options
    people = m.ctx.people
    for i in opt.index[opt["source"].str.contains("lock") & (opt["kind"] == "leader")]:
        pid = opt.at[i, "holder"]
        ct = m.model.add(m.x[i] == 1)
        m.require(Guard("lock", pid, f"the lock of {people.at[pid, 'name']} ({pid}) to "
                                     f"{m.ctx.school_name(opt.at[i, 's_idx'])}"), ct)
