"""Scenario to plan: CP-SAT models per stage, one module per rule."""

from .params import SolveParams
from .pipeline import plan_scenario

__all__ = ["SolveParams", "plan_scenario"]
