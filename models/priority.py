"""Priority points (the office's bareme) behind the no-justified-envy goal: one formula for the optimizer
(teacher stage) and the explanations (reports/explain.py), so both always agree.

    points = rural_service_years x weights.points_rural_year
           + backbone level (BACKBONE_RANK: none 0, school 1, district 2, city 3, province 4)
             x weights.points_backbone_level
           + years_at_school x weights.points_year_at_school
           + weights.points_mountainous if the person's current school is mountainous

Missing numbers count as 0; a person without a school (a new hire) or at a school not in the scenario
earns no mountainous points. Pure data: no optimizer or validator code.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .schema import BACKBONE_RANK


def priority_points(sc) -> pd.Series:
    """Priority points of every staff member: a float Series indexed by person_id, in ``sc.staff`` row order
    (so ``.to_numpy()`` lines up with the staff rows), not rounded."""
    st, w = sc.staff, sc.policy.weights
    mount = sc.schools.drop_duplicates("school_id").set_index("school_id")["mountainous"]
    at_mount = st["school_id"].map(mount).fillna(False).astype(bool).to_numpy()
    rural = pd.to_numeric(st["rural_service_years"], errors="coerce").fillna(0).to_numpy(dtype=float)
    level = st["backbone"].map(BACKBONE_RANK).fillna(0).to_numpy(dtype=float)
    years = pd.to_numeric(st["years_at_school"], errors="coerce").fillna(0).to_numpy(dtype=float)
    points = (rural * w.points_rural_year + level * w.points_backbone_level
              + years * w.points_year_at_school + at_mount * w.points_mountainous)
    return pd.Series(np.asarray(points, dtype=float), index=st["person_id"].to_numpy(), name="points")
