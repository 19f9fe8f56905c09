"""R15 (hard): no levelling down. Each urban share of R9 after the plan (district+ backbone and bachelor+ among
compulsory teachers, associate+ among kindergarten teachers; role teacher, leaders not counted) is at least its
value before the plan minus max_urban_share_drop, compared exactly (fractions, not rounded shares).

The violation names the share, its figures, and the people whose move lowered it most: strong teachers who
left urban schools of the group and weaker ones who arrived."""

from __future__ import annotations

from fractions import Fraction

import pandas as pd

from .core import Violation, joined

_COMP = ("primary", "junior", "nine_year")
# share -> (school levels, attribute values, words)
SHARES = {
    "backbone_share": (_COMP, "backbone", ("district", "city", "province"), "district-or-above backbone share"),
    "bachelor_share": (_COMP, "degree", ("bachelor", "master", "doctorate"), "bachelor-or-above share"),
    "kindergarten_associate_share": (("kindergarten",), "degree", ("associate", "bachelor", "master", "doctorate"),
                                     "kindergarten associate-or-above share"),
}


def counts(j: pd.DataFrame, role: str, level: str, area: str, key: str) -> tuple[int, int, pd.Series, pd.Series]:
    """(with the attribute, all, group mask, attribute mask) of urban teachers of the share `key` in one state."""
    levels, col, good, _ = SHARES[key]
    group = (j[role] == "teacher") & (j[area] == "urban") & j[level].isin(levels)
    has = j[col].fillna("").astype(str).isin(good)
    return int((group & has).sum()), int(group.sum()), group, has


def floors(sc, plan) -> dict[str, tuple[Fraction, Fraction | None]]:
    """share -> (floor, share after) where the district had such urban teachers before the plan."""
    j = joined(sc, plan)
    drop = Fraction(str(sc.policy.max_urban_share_drop))
    out = {}
    for key in SHARES:
        nb, tb, _, _ = counts(j, "role_before", "from_level", "from_area", key)
        if tb == 0:
            continue
        na, ta, _, _ = counts(j, "role_after", "to_level", "to_area", key)
        out[key] = (Fraction(nb, tb) - drop, Fraction(na, ta) if ta else None)
    return out


def check(sc, plan) -> list[Violation]:
    j = joined(sc, plan)
    pol = sc.policy
    out = []
    for key, (floor, after) in floors(sc, plan).items():
        if after is None or after >= floor:
            continue
        _, _, g_before, has = counts(j, "role_before", "from_level", "from_area", key)
        _, _, g_after, _ = counts(j, "role_after", "to_level", "to_area", key)
        moved = j["to_school"] != j["from_school"]
        left = j.index[g_before & has & ~g_after & moved & (j["role_after"] != "retired")]
        came = j.index[g_after & ~has & moved]
        who = [*left[:5], *came[:5]]
        label = SHARES[key][3]
        out.append(Violation(
            "R15", "", f"the urban {label} falls to {float(after):.4f}, below its floor {float(floor):.4f} (before "
            f"the plan minus max_urban_share_drop {pol.max_urban_share_drop:g}): {len(left)} such teachers leave "
            f"urban schools and {len(came)} without it arrive" + (f" (e.g. {', '.join(who)})" if who else "") + ".",
            "keep more of the urban teachers who have it at their schools, or place fewer teachers without it in "
            "town"))
    return out
