"""Reading a YAML file that must hold a mapping (policy.yaml, what-ifs, sweep grids), with clear errors."""

from __future__ import annotations

from pathlib import Path

import yaml

from . import messages
from .errors import Problem, ScenarioError

messages.register({
    "input.yaml": ("not valid YAML: {why}", "不是有效的YAML文件：{why}"),
    "input.yaml_mapping": ("{what} must be a mapping of key: value", "{what}必须是“参数: 值”形式的映射"),
})
# The Chinese of `what` (a file's role); another role is named as given.
_WHAT_ZH = {"solve parameters": "求解参数", "a hiring plan": "招聘计划", "a what-if": "假设情景",
            "a policy file": "政策参数文件", "a grid": "参数网格"}


def read_mapping(path: Path, what: str) -> dict:
    """The mapping in `path` (empty file: {}); a ScenarioError naming the file otherwise.

    `what` names the file's role in the message, e.g. "a what-if must be a mapping of key: value"."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except yaml.YAMLError as exc:
        raise ScenarioError([Problem.of(path.name, None, None, None, "input.yaml", why=str(exc))]) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ScenarioError([Problem.of(path.name, None, None, None, "input.yaml_mapping",
                                        what=messages.Say(what, _WHAT_ZH.get(what, what)))])
    return data
