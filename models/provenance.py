"""Provenance: which scenario a plan was made from, and which decisions rotaplan wrote.

A plan carries two fingerprints, in meta.json and in the About sheet of plan.xlsx:

* ``fingerprint``: the scenario's content (every table and the policy), so that `check`, `explain`,
  `routes` and `plan --lock` use the scenario the plan was made from and refuse one that changed since;
* ``plan_fingerprint``: the decisions as rotaplan wrote them (who goes where in which role, period-2
  schools, district directors, home lessons, itinerant stops), so that a hand edit of `plan.xlsx` or of
  the CSV files is told apart from the plan itself, whatever the row order or added columns.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

BUILTIN_NAME = "builtin:laiwu"

# The columns that make a decision: an edit of any of them is an edit of the plan. `move`, `rules` and
# `reason` are derived from these and the scenario, so editing them changes no decision.
DECISION_COLUMNS = ("person_id", "role_after", "to_school", "period2_school", "director_of", "home_lessons")
STOP_COLUMNS = ("person_id", "day", "seq", "school_id", "subject", "lessons")


def fingerprint(sc) -> str:
    """sha256 over the canonical text of every table and the policy: same data, same fingerprint."""
    h = hashlib.sha256()
    for name, df in sc.text_tables().items():
        h.update(name.encode())
        h.update(df.to_csv(index=False).encode("utf-8"))
    # Re-validated so that defaults are typed like values read from a file (90 and 90.0 are one policy).
    policy = type(sc.policy).from_mapping(sc.policy.to_mapping())
    h.update(policy.to_yaml().encode("utf-8"))
    return h.hexdigest()


def scenario_label(scenario_path) -> str:
    """The scenario as a plan records it: its absolute path, or builtin:laiwu for the built-in sample."""
    return str(Path(scenario_path).resolve()) if scenario_path else BUILTIN_NAME


def stamp(sc, scenario_path) -> dict:
    """What a plan records about its scenario: {"scenario": path or builtin:laiwu, "fingerprint": sha256}."""
    return {"scenario": scenario_label(scenario_path), "fingerprint": fingerprint(sc)}


PLACEMENT_COLUMNS = ("person_id", "role_after", "to_school", "period2_school", "director_of")


def _sorted_text(df: pd.DataFrame, columns, numbers=()) -> pd.DataFrame:
    out = pd.DataFrame({c: (df[c] if c in df.columns else "") for c in columns}, index=df.index)
    out = out.fillna("").astype(str).apply(lambda s: s.str.strip())
    for c in numbers:
        out[c] = pd.to_numeric(out[c], errors="coerce").fillna(0).astype(int).astype(str)
    return out.sort_values(list(columns), kind="stable").reset_index(drop=True)


def _digest(*tables: pd.DataFrame) -> str:
    h = hashlib.sha256()
    for t in tables:
        h.update(t.to_csv(index=False).encode("utf-8"))
        h.update(b"\x00")
    return h.hexdigest()


def plan_fingerprint(plan) -> str:
    """sha256 over every decision of the plan (placements, home lessons, itinerant stops): the same
    decisions in any row order, with any added columns, give the same fingerprint."""
    return _digest(_sorted_text(plan.assignments, DECISION_COLUMNS, ("home_lessons",)),
                   _sorted_text(plan.itinerant, STOP_COLUMNS, ("day", "seq", "lessons")))


def placement_fingerprint(plan) -> str:
    """sha256 over who goes where in which role (with period-2 schools and district directors): what the
    Moves sheet shows, so a plan.xlsx away from its folder can prove its rebuilt original right."""
    return _digest(_sorted_text(plan.assignments, PLACEMENT_COLUMNS))


def plan_stamp(plan) -> dict:
    """The plan's own fingerprints, recorded beside the scenario stamp."""
    return {"plan_fingerprint": plan_fingerprint(plan), "placement_fingerprint": placement_fingerprint(plan)}


def workbook_stamp(path) -> dict:
    """{"workbook_sha256": ...} of a written plan.xlsx ({} when there is none): a workbook whose bytes are
    unchanged need not be read to know it is unedited (reading a large one takes seconds)."""
    path = Path(path)
    if not path.is_file():
        return {}
    return {"workbook_sha256": hashlib.sha256(path.read_bytes()).hexdigest()}


def short(fp: str) -> str:
    """A fingerprint as people compare it: its first 12 characters."""
    return (fp or "")[:12] or "none"
