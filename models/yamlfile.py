"""Reading a YAML file that must hold a mapping (policy.yaml, what-ifs, sweep grids), with clear errors."""

from __future__ import annotations

from pathlib import Path

import yaml

from .errors import Problem, ScenarioError


def read_mapping(path: Path, what: str) -> dict:
    """The mapping in `path` (empty file: {}); a ScenarioError naming the file otherwise.

    `what` names the file's role in the message, e.g. "a what-if must be a mapping of key: value"."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except yaml.YAMLError as exc:
        raise ScenarioError([Problem(path.name, None, None, None, f"not valid YAML: {exc}")]) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ScenarioError([Problem(path.name, None, None, None, f"{what} must be a mapping of key: value")])
    return data
