"""Principal eligibility (part of R2 and of any promotion to principal; hard): whoever becomes a principal who
was not one (a vice-principal or a reserve leader) has a title (职称) at least principal_min_title where a title
is given, and at least principal_min_teaching_years of teaching (teaching_years, else years_at_school)."""

from __future__ import annotations

import pandas as pd

from .core import Violation, joined

_TITLE_ORDER = ["none", "third", "second", "first", "senior"]  # lowest first


def check(sc, plan) -> list[Violation]:
    pol = sc.policy
    j = joined(sc, plan)
    up = j[(j["role_after"] == "principal") & (j["role_before"] != "principal") & (j["move"] != "retire")]
    out: list[Violation] = []
    need = _TITLE_ORDER.index(pol.principal_min_title)
    for pid, r in up.iterrows():
        title = str(r.get("title", "") or "").strip()
        given = pd.to_numeric(r.get("teaching_years"), errors="coerce")
        years = given if pd.notna(given) else pd.to_numeric(r.get("years_at_school"), errors="coerce")
        years = 0 if pd.isna(years) else int(years)
        what = "teaching_years" if pd.notna(given) else "years_at_school (no teaching_years)"
        if title in _TITLE_ORDER and _TITLE_ORDER.index(title) < need:
            out.append(Violation("R2", pid, f"promoted from {r['role_before']} to principal at {r['to_school']} with "
                                            f"title {title}, below principal_min_title {pol.principal_min_title}.",
                                 "promote someone whose title is high enough, or keep them in their post"))
        if years < pol.principal_min_teaching_years:
            out.append(Violation("R2", pid, f"promoted from {r['role_before']} to principal at {r['to_school']} with "
                                            f"{years} years of teaching ({what}), fewer than "
                                            f"principal_min_teaching_years {pol.principal_min_teaching_years}.",
                                 "promote someone with enough teaching years, or keep them in their post"))
    return out
