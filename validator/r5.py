"""R5 (hard): bundled hiring, for every person whatever role they hold or take (a locked_school exempts).

* A new hire is placed for contract period 1 (`place_new`) with a `period2_school` of the other area.
* A person finishing contract period 1 (contract_period 1, period_years >= term_years) serves period 2 at a
  school of the other area, as a teacher or in a leader post they are promoted to; a teacher goes to the
  `bundle_school` named at hiring unless a hard rule forbids it. The validator decides that from its own
  arithmetic: the bundle is of the other area, teaches the person's subject (demand has it; preschool only at
  kindergartens), their certificate covers its level (R14), and the plan does not hold it at or above its
  staff_quota (R8) — where all of these hold, the plan must place them there.
* Everyone in contract period 1 after the plan (new hires and those continuing period 1, whatever role) has a
  `period2_school` of the other area than their school after the plan (for a teacher continuing period 1, a
  finding that is not hard where no school of the other area teaches their subject at a level their
  certificate covers); one continuing period 1 whose `bundle_school` is still such a school keeps it.
"""

from __future__ import annotations

import pandas as pd

from .core import Violation, joined
from .r14 import CERT_RANK, LEVEL_NEED, certificate


class Fit:
    """Whether a school can take a person as a teacher for period 2: their subject taught there (preschool only
    at kindergartens) and their certificate covering its level (R14)."""

    def __init__(self, sc):
        self.level = sc.schools.drop_duplicates("school_id").set_index("school_id")["level"].to_dict()
        self.demand = set(zip(sc.demand["school_id"], sc.demand["subject"]))

    def why_not(self, r, s: str) -> str:
        """Why school `s` cannot take person `r` (a row of `joined`) ("" when it can)."""
        subj, level = str(r["subject"] or ""), self.level.get(s)
        if (level == "kindergarten") != (subj == "preschool") or (s, subj) not in self.demand:
            return f"{s} does not teach {subj}"
        cert = certificate(r)
        if cert in CERT_RANK and CERT_RANK[cert] < LEVEL_NEED.get(str(level), 0):
            return f"a {cert} certificate does not cover {s} ({level}, R14)"
        return ""


def bundle_facts(sc, j: pd.DataFrame, finishing: pd.Series) -> pd.DataFrame:
    """Per person finishing period 1 who teaches after the plan (not retiring, not locked): open (their
    bundle_school is of the other area, teaches their subject, their certificate covers it), at (placed there),
    full (placed elsewhere while the plan holds it at or above its staff_quota)."""
    sch = sc.schools.drop_duplicates("school_id").set_index("school_id")
    quota = pd.to_numeric(sch["staff_quota"], errors="coerce")
    held = j[(j["role_after"] == "teacher") & (j["move"] != "retire")
             & (j["to_school"].fillna("") != "")].groupby("to_school").size()
    bundle = (j["bundle_school"].fillna("").astype(str).str.strip() if "bundle_school" in j.columns
              else pd.Series("", index=j.index))
    locked = j["locked_school"].fillna("").astype(str) != ""
    fit = Fit(sc)
    rows = {}
    for pid, r in j[finishing & (j["role_after"] == "teacher") & (j["move"] != "retire") & ~locked].iterrows():
        b = bundle[pid]
        ok = b in sch.index and sch.at[b, "area"] != r["from_area"] and not fit.why_not(r, b)
        at = ok and r["to_school"] == b
        full = ok and not at and pd.notna(quota.get(b)) and held.get(b, 0) >= quota[b]
        rows[pid] = (bool(ok), bool(at), bool(full))
    return pd.DataFrame.from_dict(rows, orient="index", columns=["open", "at", "full"]).reindex(
        j.index, fill_value=False).astype(bool)


def check(sc, plan) -> list[Violation]:
    out: list[Violation] = []
    pol = sc.policy
    j = joined(sc, plan)
    area = sc.schools.drop_duplicates("school_id").set_index("school_id")["area"]

    def text(col: str) -> pd.Series:
        return j[col].fillna("").astype(str).str.strip() if col in j.columns else pd.Series("", index=j.index)

    bundle, p2col = text("bundle_school"), text("period2_school")
    active = (j["move"] != "retire") & (text("locked_school") == "")
    new = text("school_id") == ""
    cp = pd.to_numeric(j["contract_period"], errors="coerce").fillna(0)
    py = pd.to_numeric(j["period_years"], errors="coerce").fillna(0)
    finishing = ~new & (cp == 1) & (py >= pol.term_years)
    continuing = ~new & (cp == 1) & (py < pol.term_years)

    fits = Fit(sc).why_not

    for pid, r in j[active & new].iterrows():
        p2 = p2col[pid]
        if r["move"] != "place_new":
            out.append(Violation("R5", pid, f"new hire has move '{r['move']}', not place_new.",
                                 "mark the new hire's period-1 placement as place_new"))
        if p2 not in area.index:
            out.append(Violation("R5", pid, "new hire has no bundled period-2 school.",
                                 "set period2_school to a school of the other area"))
        elif r["to_area"] and area[p2] == r["to_area"]:
            out.append(Violation("R5", pid, f"period-2 school {p2} is in the same area ({area[p2]}) as the "
                                            f"period-1 school {r['to_school']}.",
                                 "bundle a period-2 school of the other area"))
    facts = bundle_facts(sc, j, finishing)
    for pid, r in j[active & finishing].iterrows():
        if r["to_area"] == r["from_area"]:
            role = "" if r["role_after"] == "teacher" else f" and takes a {r['role_after']} post there"
            out.append(Violation("R5", pid, f"finished contract period 1 at {r['from_school']} ({r['from_area']}) "
                                            f"but stays in the {r['from_area']} area{role}.",
                                 "place them in the other area for period 2 (bundle_second, or a leader post "
                                 "there)"))
            continue
        b = bundle[pid]
        if not facts.at[pid, "open"] or facts.at[pid, "at"] or facts.at[pid, "full"]:
            continue  # no bundle school that could take them, they are there, or it is full in this plan (R8)
        out.append(Violation("R5", pid, f"finished contract period 1 and goes to {r['to_school']}, not to the "
                                        f"bundle school {b} named at hiring, which teaches {r['subject']}, their "
                                        "certificate covers and has a free seat.",
                             f"place them at {b} for period 2"))
    for pid, r in j[active & continuing].iterrows():
        p2, to = p2col[pid], str(r["to_school"] or "")
        teacher = r["role_after"] == "teacher"  # a leader's period 2 is a post of the other area, not a seat
        if p2 not in area.index:
            other = [s for s in area.index if to in area.index and area[s] != area[to]
                     and not (teacher and fits(r, s))]
            out.append(Violation("R5", pid, "continues contract period 1 but has no period-2 school"
                                 + ("." if other else " (no school of the other area teaches their subject at a "
                                                      "level their certificate covers)."),
                                 "set period2_school to a school of the other area", hard=bool(other)))
            continue
        if to in area.index and area[p2] == area[to]:
            out.append(Violation("R5", pid, f"period-2 school {p2} is in the same area ({area[p2]}) as {to}.",
                                 "bundle a period-2 school of the other area"))
            continue
        b = bundle[pid]
        if (b and b != p2 and b in area.index and to in area.index and area[b] != area[to]
                and not (teacher and fits(r, b))):
            out.append(Violation("R5", pid, f"period-2 school {p2} replaces the bundle school {b} named at hiring, "
                                            "which is still of the other area and fits them.",
                                 f"keep period2_school {b}"))
    return out
