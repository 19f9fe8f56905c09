"""The office's data: schools, staff, demand, policy, scenario and plan. No solver here."""

from .errors import Problem, ScenarioError
from .plan import Plan
from .policy import Policy, Weights
from .scenario import BUILTIN, Scenario

__all__ = ["Plan", "Policy", "Problem", "Scenario", "ScenarioError", "Weights", "BUILTIN"]
