"""Solver parameters: always a time limit, an explicit seed and an explicit worker count.

Every setting that changes how a stage searches (not what the rules are) lives here, so a run is
reproduced by its SolveParams alone: the same parameters and scenario give the same plan in the
deterministic mode (one worker). Rule weights and policy switches live in the scenario's policy.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..models import messages
from ..models.errors import Problem, ScenarioError

messages.register({
    "params.unknown": ("unknown solve parameter; known: {known}", "未知的求解参数；可用的有：{known}"),
    "params.three": ("expected a list of three numbers", "应为三个数的列表"),
    "params.bool": ("expected true or false", "应为true或false"),
    "params.number": ("expected a number ({kind})", "应为数字（{kind}）"),
    "params.whole": ("expected a whole number", "应为整数"),
    "params.no_file": ("missing: no such solve parameters file", "缺少文件：求解参数文件不存在"),
    "params.time_limit": ("time_limit must be positive", "time_limit必须为正数"),
    "params.workers": ("workers must be at least 1", "workers至少为1"),
    "params.explain_time_limit": ("explain_time_limit must be positive", "explain_time_limit必须为正数"),
    "params.dual_share": ("dual_share must be in (0, 1]", "dual_share必须大于0且不大于1"),
    "params.sizes": ("polish_max_pairs and portfolio_min_size must not be negative",
                     "polish_max_pairs和portfolio_min_size不能为负数"),
    "params.dual_max_rounds": ("dual_max_rounds must be at least 1", "dual_max_rounds至少为1"),
    "params.lang": ("lang must be en or zh (or empty: the policy's lang)",
                    "lang必须为en或zh（或留空：按政策参数的lang）"),
    "params.shares": ("itinerant_level_shares must be three positive numbers (coverage, teachers, minutes)",
                      "itinerant_level_shares必须是三个正数（课时覆盖、教师人数、路程分钟）"),
})


class _Refusal(ValueError):
    """A bad solve parameter, with its message of the catalogue (str(): the English)."""

    def __init__(self, key: str, **fields: object):
        self.msg = messages.Msg.of(key, **fields)
        super().__init__(self.msg.in_lang("en"))


@dataclass(frozen=True)
class SolveParams:
    time_limit: float = 30.0  # seconds per stage (CP-SAT and the teacher stage's flow rounds)
    seed: int = 0
    workers: int = 8  # CP-SAT portfolio size; 1 = deterministic mode
    log: bool = False  # print the CP-SAT search log
    # Leaders: warm-start CP-SAT from the min-cost-flow plan and give it the flow's bound (leaders/flow.py).
    # Off only to measure CP-SAT on its own (benchmarks/bench_leaders.py --pure).
    flow_warm_start: bool = True
    # Seconds for each infeasibility explanation solve (leaders and teachers), at most time_limit. Explanations
    # run with one worker: CP-SAT reports its sufficient assumptions reliably only then.
    explain_time_limit: float = 20.0
    # Teachers: CP-SAT polishes the flow plan only for models of at most this many candidate pairs (at 5,000
    # staff, 15,000 pairs, it found nothing in 8 s), and the Lagrangian rounds get this share of the time
    # when CP-SAT follows.
    polish_max_pairs: int = 3_000
    dual_share: float = 0.6
    dual_max_rounds: int = 60  # Lagrangian rounds at most (each a min-cost flow, a plan and a bound)
    # Itinerant: a (township, subject) subproblem of at least this size gets all `workers`; smaller ones run
    # `workers` at a time with one CP-SAT worker each.
    portfolio_min_size: int = 3_000
    # Itinerant: shares of the stage's time for its lexicographic levels (coverage, teachers, travel minutes); a
    # level that finishes early leaves its time to the next.
    itinerant_level_shares: tuple[float, float, float] = (0.4, 0.3, 0.3)
    # Language of the plan's reasons ("en" or "zh"); "" = the policy's `lang` (plan --lang overrides the policy).
    lang: str = ""

    def __post_init__(self):
        if self.time_limit <= 0:
            raise _Refusal("params.time_limit")
        if self.workers < 1:
            raise _Refusal("params.workers")
        if self.explain_time_limit <= 0:
            raise _Refusal("params.explain_time_limit")
        if not 0 < self.dual_share <= 1:
            raise _Refusal("params.dual_share")
        if self.polish_max_pairs < 0 or self.portfolio_min_size < 0:
            raise _Refusal("params.sizes")
        if self.dual_max_rounds < 1:
            raise _Refusal("params.dual_max_rounds")
        if self.lang not in ("", "en", "zh"):
            raise _Refusal("params.lang")
        shares = self.itinerant_level_shares
        if len(shares) != 3 or min(shares) <= 0:
            raise _Refusal("params.shares")

    def explaining(self, time_limit: float | None = None) -> SolveParams:
        """The parameters of an infeasibility explanation: one worker, explain_time_limit (or less)."""
        limit = min(self.time_limit, self.explain_time_limit, time_limit if time_limit is not None else float("inf"))
        return dataclasses.replace(self, workers=1, time_limit=max(limit, 1e-3))

    @classmethod
    def from_mapping(cls, data: dict[str, Any] | None, source: str = "solve parameters") -> SolveParams:
        """SolveParams from a mapping of field name to value; unknown names and bad values are input errors
        naming `source` and the key."""
        data = dict(data or {})
        fields = {f.name: f for f in dataclasses.fields(cls)}
        problems: list[Problem] = []
        kw: dict[str, Any] = {}
        for key, value in data.items():
            f = fields.get(str(key))
            if f is None:
                problems.append(Problem.of(source, None, str(key), value, "params.unknown", known=", ".join(fields)))
                continue
            kind: type[Any] = type(f.default)
            try:
                if kind is tuple:
                    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
                        raise _Refusal("params.three")
                    try:
                        kw[f.name] = tuple(float(x) for x in value)
                    except (TypeError, ValueError):
                        raise _Refusal("params.three") from None
                elif kind is bool:
                    if not isinstance(value, bool):
                        raise _Refusal("params.bool")
                    kw[f.name] = value
                else:
                    if isinstance(value, bool):
                        raise _Refusal("params.number", kind=kind.__name__)
                    try:
                        num = kind(value)
                    except (TypeError, ValueError):
                        raise _Refusal("params.number", kind=kind.__name__) from None
                    if kind is int and num != float(value):
                        raise _Refusal("params.whole")
                    kw[f.name] = num
            except _Refusal as exc:
                problems.append(Problem.from_msg(source, None, f.name, value, exc.msg))
        if not problems:
            try:
                return cls(**kw)
            except _Refusal as exc:
                problems.append(Problem.from_msg(source, None, None, None, exc.msg))
        raise ScenarioError(problems)

    @classmethod
    def from_file(cls, path: str | Path) -> SolveParams:
        """SolveParams from a YAML mapping file (e.g. `time_limit: 10`, `workers: 1`)."""
        from ..models.yamlfile import read_mapping

        path = Path(path)
        if not path.is_file():
            raise ScenarioError([Problem.of(str(path), None, None, None, "params.no_file")])
        return cls.from_mapping(read_mapping(path, "solve parameters"), source=path.name)

    def to_mapping(self) -> dict[str, Any]:
        return dataclasses.asdict(self)
