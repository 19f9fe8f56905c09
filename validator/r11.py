"""R11: exchange (交流轮岗) is a posting from an urban school to a rural school.

Eligible: teachers (before and after the plan) at an urban school with years_at_school >= exchange_after_years,
no exempt_reason, younger than exchange_exempt_age_male / exchange_exempt_age_female on 1 September of plan_year,
no locked_school, not finishing contract period 1 (R5 moves them).
Floor (target): at least exchange_share of the eligible are posted to rural schools, district+
backbone teachers at least exchange_backbone_share of them. Ceiling (hard): at most
floor(exchange_share_max x eligible). Hard too: a row whose move is `exchange` is an eligible teacher's urban ->
rural posting, and a rural teacher reaches an urban school only by R1, R5 (finishing contract period 1), the end
of a posting (R16, move `return` to home_school), a lock, or a transfer to a school they ranked."""

from __future__ import annotations

import math

import pandas as pd

from .core import Violation, joined

_DISTRICT_UP = ("district", "city", "province")


def eligible(sc, j: pd.DataFrame) -> pd.Series:
    """R11 eligibility of each joined row (the validator's own reading, independent of the optimizer's)."""
    pol = sc.policy
    limit = j["gender"].map({"F": pol.exchange_exempt_age_female}).fillna(pol.exchange_exempt_age_male)
    return ((j["role"] == "teacher") & (j["role_after"] == "teacher") & (j["from_school"].fillna("") != "")
            & (j["from_area"] == "urban") & (j["years_at_school"] >= pol.exchange_after_years)
            & (j["exempt_reason"].fillna("") == "") & (j["locked_school"].fillna("") == "")
            & ~(j["age_sep1"].astype(float) >= limit)
            & ~((j["contract_period"] == 1) & (j["period_years"] >= pol.term_years)))  # R5 moves those


def check(sc, plan) -> list[Violation]:
    pol = sc.policy
    j = joined(sc, plan)
    el = eligible(sc, j)
    elig = j[el]
    posted = el & (j["to_school"] != j["from_school"]) & (j["to_area"] == "rural")
    moved = j[posted]
    out = []
    goal = math.ceil(pol.exchange_share * len(elig) - 1e-9)
    cap = math.floor(pol.exchange_share_max * len(elig) + 1e-9)
    if len(moved) < goal:
        out.append(Violation("R11", "", f"{len(moved)} of {len(elig)} eligible teachers posted urban to rural, "
                                        f"fewer than {goal} ({pol.exchange_share:.0%}).",
                             "post more long-serving urban teachers to rural schools", hard=False))
    if len(moved) > cap:
        out.append(Violation("R11", "", f"{len(moved)} of {len(elig)} eligible teachers posted urban to rural, more "
                                        f"than the ceiling of {cap} ({pol.exchange_share_max:.0%}).",
                             "keep some of them at their school"))
    if len(moved):
        bb = moved["backbone"].fillna("none").isin(_DISTRICT_UP).mean()
        if bb < pol.exchange_backbone_share - 1e-9:
            out.append(Violation("R11", "", f"district+ backbone teachers are {bb:.1%} of those exchanged, below "
                                            f"{pol.exchange_backbone_share:.0%}.",
                                 "exchange more district-level or higher backbone teachers", hard=False))
    for pid, r in j[(j["move"] == "exchange") & ~posted].iterrows():
        why = ("not from an urban to a rural school" if not (r["from_area"] == "urban" and r["to_area"] == "rural")
               else "the teacher is not eligible (years, exemption, age or lock)")
        out.append(Violation("R11", str(pid), f"marked exchange {r['from_school']} -> {r['to_school']}, but {why}.",
                             "an exchange is an eligible teacher's posting from an urban to a rural school"))
    finishing = (j["contract_period"] == 1) & (j["period_years"] >= pol.term_years)
    ranked = [str(t) in str(p or "").split(";") for t, p in zip(j["to_school"], j["preferences"])]
    st = sc.staff.drop_duplicates("person_id").set_index("person_id")  # the home school before the plan (R16)
    home = (j["person_id"].map(st["home_school"]).fillna("").astype(str) if "home_school" in st.columns
            else pd.Series("", index=j.index))
    into_town = ((j["role"] == "teacher") & (j["role_after"] == "teacher") & (j["from_area"] == "rural")
                 & (j["to_area"] == "urban") & ~finishing & ~pd.Series(ranked, index=j.index)
                 & (j["to_school"] != j["locked_school"].fillna(""))
                 & ~((j["move"] == "return") & (j["to_school"] == home)))
    for pid, r in j[into_town].iterrows():
        out.append(Violation("R11", str(pid), f"moved from rural {r['from_school']} to urban {r['to_school']}, "
                                              "which they did not rank.",
                             "a rural teacher reaches town only by R1, R5, the end of a posting or a ranked school"))
    return out
