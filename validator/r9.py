"""R9 (target): rural shares not lower than urban ones, after the plan: district-or-above backbone and
bachelor-or-above among teachers of compulsory schools; associate-or-above among kindergarten teachers."""

from __future__ import annotations

from .core import Violation, joined

COMPULSORY = ("primary", "junior", "nine_year")


def shares(sc, plan) -> dict:
    j = joined(sc, plan)
    t = j[j["role_after"] == "teacher"]
    comp = t[t["to_level"].isin(COMPULSORY)]
    kg = t[t["to_level"] == "kindergarten"]
    out = {}
    for area in ("urban", "rural"):
        c = comp[comp["to_area"] == area]
        k = kg[kg["to_area"] == area]
        out[f"backbone_{area}"] = c["backbone"].isin(["district", "city", "province"]).mean() if len(c) else None
        out[f"bachelor_{area}"] = c["degree"].isin(["bachelor", "master", "doctorate"]).mean() if len(c) else None
        out[f"associate_{area}"] = (k["degree"].isin(["associate", "bachelor", "master", "doctorate"]).mean()
                                    if len(k) else None)
    return out


def check(sc, plan) -> list[Violation]:
    s = shares(sc, plan)
    out = []
    for key, label in (("backbone", "district-or-above backbone share"), ("bachelor", "bachelor-or-above share"),
                       ("associate", "kindergarten associate-or-above share")):
        r, u = s[f"{key}_rural"], s[f"{key}_urban"]
        if r is not None and u is not None and r < u - 1e-12:
            out.append(Violation("R9", "", f"rural {label} {r:.4f} is below the urban {u:.4f}.",
                                 "exchange such teachers from urban to rural schools", hard=False))
    return out
