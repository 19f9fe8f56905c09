"""What the validator reports. The validator shares no code with optimizer/: it reads the scenario
and the plan as a user would and checks each rule from its own arithmetic."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Violation:
    rule: str  # rule id of DOMAIN.md
    person_id: str  # person (or school id / township for post-level findings), "" if district-wide
    message: str  # what is wrong, in words
    fix: str  # what would fix it
    hard: bool = True  # a broken hard rule makes `rotaplan check` exit 1

    def __str__(self) -> str:
        who = f" {self.person_id}" if self.person_id else ""
        kind = "hard" if self.hard else "target"
        return f"[{self.rule}, {kind}]{who}: {self.message} Fix: {self.fix}"


# while check_plan runs: its scenario and plan, and their join once a rule module asked for it
_JOINED: ContextVar[dict | None] = ContextVar("joined", default=None)


@contextmanager
def one_join(sc, plan) -> Iterator[None]:
    """Within this block ``joined(sc, plan)`` joins once (the rule modules each ask for it); each caller gets
    its own copy to change."""
    token = _JOINED.set({"sc": sc, "plan": plan, "table": None})
    try:
        yield
    finally:
        _JOINED.reset(token)


def joined(sc, plan) -> pd.DataFrame:
    """The plan's assignments joined with each person's scenario data (index: person_id)."""
    held = _JOINED.get()
    if held is None or held["sc"] is not sc or held["plan"] is not plan:
        return _join(sc, plan)
    if held["table"] is None:
        held["table"] = _join(sc, plan)
    return held["table"].copy()


def records(df: pd.DataFrame, columns) -> Iterator[tuple]:
    """(index, row) of every row of ``df``, each row a dict of those of ``columns`` it has: what a rule module
    reads of every person, without building a Series per row (iterrows), which is slow at 100,000 staff."""
    have = [c for c in columns if c in df.columns]
    values = zip(*(df[c].tolist() for c in have)) if have else ((),) * len(df)
    return zip(df.index, (dict(zip(have, row)) for row in values))


def _join(sc, plan) -> pd.DataFrame:
    a = plan.assignments.set_index("person_id", drop=False)
    st = sc.staff.set_index("person_id")
    cols = [c for c in st.columns if c not in a.columns]
    out = a.join(st[cols], how="left")
    ref = pd.Timestamp(year=sc.policy.plan_year, month=9, day=1)
    b = out["birth_date"]
    out["age_sep1"] = ref.year - b.dt.year - ((b.dt.month > 9) | ((b.dt.month == 9) & (b.dt.day > 1))).astype(int)
    sch = sc.schools.set_index("school_id")
    for side in ("from", "to"):
        out[f"{side}_area"] = out[f"{side}_school"].map(sch["area"].to_dict()).fillna("").astype(str)
        out[f"{side}_level"] = out[f"{side}_school"].map(sch["level"].to_dict()).fillna("").astype(str)
    return out
