"""kpis.json of DOMAIN.md's plan contract: before / after / target. The figures live in models/figures.py
(one function per figure, read by every output); this module keeps the older names importable."""

from __future__ import annotations

import pandas as pd

from .figures import plan_figures, state_figures

figures = state_figures  # R3, R9, R10 figures of one state


def before_after(sc, assignments: pd.DataFrame, itinerant: pd.DataFrame | None = None,
                 stage_facts: dict | None = None) -> dict:
    """kpis.json's before, after and target of a plan (models/figures.py: plan_figures)."""
    return plan_figures(sc, assignments, itinerant, stage_facts)


__all__ = ["before_after", "figures", "state_figures"]
