"""What-if scenarios: a base scenario plus changes, read from `scenarios/whatifs/*.yaml`.

A what-if file says what leadership wants to try, in the office's words:

    name: hire_40_bachelor
    description: 40 more bachelor-degree teachers for the subjects rural schools lack
    base: ../laiwu                  # optional; the scenario given on the command line wins
    policy: {rotation_terms: 1}     # policy overrides (any policy.yaml key, weights too)
    hires:                          # new hires to place (R5): count, degree and subject mix
      - count: 40
        degree: bachelor            # or a mix: {bachelor: 0.8, master: 0.2}
        subjects: {english: 10, music: 10, art: 10, pe: 10}   # counts or shares
    close_schools: [S0045]          # pupils and staff go to the nearest school of the same level and township
    merge_schools: [{into: S0041, schools: [S0044]}]
    quotas: {S0041: 40, S0047: {staff_quota: 20, vice_principal_posts: 2}}
    exempt: {P000123: 病休}         # person_id: exempt_reason (R1, R1x, R11)
    add_roads: [{from: S0041, to: S0045, minutes: 12}]
    cut_roads: [{from: S0001, to: S0011}]

`WhatIf.apply(scenario)` returns a new, validated Scenario and never changes its input. Any mistake, in
the file or in what it asks of the scenario, raises `ScenarioError` naming the what-if file and the key.
"""

from __future__ import annotations

import dataclasses
import difflib
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..models import messages
from ..models.errors import Problem, ScenarioError
from ..models.messages import Msg, Say
from ..models.policy import Policy, pydantic_message
from ..models.scenario import Scenario
from ..models.schema import DEGREE_RANK, LEVEL, SUBJECT_ZH, column_word
from ..models.yamlfile import read_mapping

HERE = Path(__file__).resolve().parent / "whatifs"
# A closed school's pupils may go to a school of the same level, or of these levels.
_COMPATIBLE_LEVELS = {"primary": ("nine_year",), "junior": ("nine_year",), "nine_year": ("junior", "primary")}

messages.register({
    "whatif.exempt_reason": ("give the reason for the exemption, e.g. 病休 (illness)",
                             "请填写免于交流的原因，例如病休"),
    "whatif.after": ("after the changes, {problem}", "按假设修改之后：{problem}"),
    "whatif.merge_self": ("a school cannot be merged into itself", "学校不能并入自身"),
    "whatif.no_receiver": ("no open {level} school left in township {township} to take its pupils and staff; use "
                           "merge_schools with an explicit `into`",
                           "乡镇{township}已没有仍开办的{level}学校接收其学生和教职工；请用merge_schools并写明`into`"),
    "whatif.twice": ("this school is closed or merged twice", "此学校被撤销或合并了两次"),
    "whatif.receive_and_close": ("a school cannot receive staff and be closed itself", "学校不能既接收教职工又被撤销"),
    "whatif.no_demand": ("the scenario has no lesson demand: give the subjects of the hires",
                         "方案数据中没有课时需求：请写明新招教师的学科"),
    "whatif.shares": ("counts or shares must be zero or more and not all zero", "人数或比例不能为负，且不能全为零"),
    "whatif.id_clash": ("person_id {pid} already exists; choose another id_prefix",
                        "工号{pid}已存在；请换一个id_prefix"),
    "whatif.no_roads": ("the scenario has no road graph (travel is estimated from coordinates); road changes need a "
                        "roads.csv in the base scenario",
                        "方案数据没有道路图（路程按坐标估算）；修改道路需要基础方案中有roads.csv"),
    "whatif.no_road": ("no such road in roads.csv (either direction)", "roads.csv中没有这条道路（两个方向都没有）"),
    "whatif.road_minutes": ("a new road needs its travel minutes", "新道路需要填写通行分钟数"),
    "whatif.did_you_mean": ("; did you mean '{close}'?", "；是否应为“{close}”？"),
    "whatif.builtin": ("; built-in what-ifs: {known}", "；内置的假设情景：{known}"),
    "whatif.no_file": ("no such what-if file{hint}", "假设情景文件不存在{hint}"),
    "whatif.valid": ("valid: {valid}", "可用的有：{valid}"),
    "whatif.unknown_name": ("unknown {what} '{value}': {hint}", "未知的{what}“{value}”：{hint}"),
    "whatif.what.name": ("name", "名称"),
    "whatif.what.key": ("key", "参数"),
    "whatif.what.what-if key": ("what-if key", "假设情景参数"),
    "whatif.unknown_id": ("unknown {what} '{value}'{hint}", "{what}“{value}”不存在{hint}"),
})


class HireGroup(BaseModel):
    """`count` new teachers (school_id empty: the plan places them, R5)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    count: int = Field(ge=0, le=100_000, description="number of new hires")
    degree: str | dict[str, float] = Field("bachelor", description="a degree, or degree: share")
    subjects: dict[str, float] | None = Field(
        None, description="subject: count or share; default: the district's lesson demand by subject")
    female_share: float = Field(0.7, ge=0, le=1, description="share of women among the hires")
    public_funded_share: float = Field(0.0, ge=0, le=1, description="share of public-funded teachers (R6)")
    age: int = Field(23, ge=18, le=60, description="age on 1 September of plan_year")
    id_prefix: str = Field("", description="person_id prefix (default W<group number>-)")


class Merge(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    into: str = Field(description="the school that stays")
    schools: list[str] = Field(min_length=1, description="schools merged into it")


class Road(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    from_: str = Field(alias="from")
    to: str
    minutes: float | None = Field(None, ge=0)


class Quota(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    staff_quota: int | None = Field(None, ge=0)
    principal_posts: int | None = Field(None, ge=0)
    vice_principal_posts: int | None = Field(None, ge=0)


class WhatIf(BaseModel):
    """A base scenario plus changes. Every field is optional: an empty what-if is the base itself."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = ""
    description: str = ""
    base: str | None = Field(None, description="scenario folder or workbook, relative to the what-if file")
    seed: int = Field(0, description="seed for the hires' drawn details (birth day, gender, subject order)")
    policy: dict[str, Any] = Field(default_factory=dict)
    hires: list[HireGroup] = Field(default_factory=list)
    close_schools: list[str] = Field(default_factory=list)
    merge_schools: list[Merge] = Field(default_factory=list)
    quotas: dict[str, int | None | Quota] = Field(default_factory=dict)
    exempt: dict[str, str] = Field(default_factory=dict)
    add_roads: list[Road] = Field(default_factory=list)
    cut_roads: list[Road] = Field(default_factory=list)
    source: str = Field("what-if", exclude=True, description="file name used in error messages")

    # ---- reading ------------------------------------------------------------------------
    @classmethod
    def from_mapping(cls, data: dict | None, source: str = "what-if") -> WhatIf:
        data = dict(data or {})
        problems = _unknown_keys(data, source)
        if problems:
            raise ScenarioError(problems)
        data.pop("source", None)
        try:
            wi = cls(**data, source=source)
        except ValidationError as exc:
            raise ScenarioError([
                Problem.from_msg(source, None, _loc(e["loc"]), _short(e.get("input")), pydantic_message(e))
                for e in exc.errors()
            ]) from None
        if wi.policy:  # keys and ranges do not depend on the base scenario: check them now
            try:
                Policy().with_overrides(wi.policy, source)
            except ScenarioError as exc:
                raise ScenarioError(_policy_problems(exc, source)) from None
        return wi

    @classmethod
    def read(cls, path: str | Path) -> WhatIf:
        """Read a what-if YAML file; a bare name finds scenarios/whatifs/NAME.yaml."""
        path = find(path)
        wi = cls.from_mapping(read_mapping(path, "a what-if"), path.name)
        updates: dict[str, Any] = {}
        if not wi.name:
            updates["name"] = path.stem
        if wi.base and not Path(wi.base).is_absolute():
            updates["base"] = str((path.parent / wi.base).resolve())
        return wi.model_copy(update=updates) if updates else wi

    def to_mapping(self) -> dict:
        """Plain data (YAML/JSON-able), e.g. to send to a sweep worker or store in the run history."""
        return self.model_dump(mode="json", by_alias=True, exclude_defaults=True, exclude={"source"})

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.to_mapping(), allow_unicode=True, sort_keys=False)

    # ---- applying -----------------------------------------------------------------------
    def apply(self, sc: Scenario) -> Scenario:
        """A new validated scenario with the changes made; `sc` is left untouched."""
        src = self.source
        problems: list[Problem] = []
        schools, staff, demand = sc.schools.copy(), sc.staff.copy(), sc.demand.copy()
        roads = None if sc.roads is None else sc.roads.copy()
        nodes = None if sc.nodes is None else sc.nodes.copy()

        policy = sc.policy
        if self.policy:
            try:
                policy = sc.policy.with_overrides(self.policy, src)
            except ScenarioError as exc:
                problems += _policy_problems(exc, src)

        school_ids = list(schools["school_id"])
        known = set(school_ids)
        for sid, q in self.quotas.items():
            if sid not in known:
                problems.append(_unknown_id(src, f"quotas.{sid}", sid, school_ids, "school_id"))
                continue
            m = schools["school_id"] == sid
            fields = q.model_dump(exclude_unset=True) if isinstance(q, Quota) else {"staff_quota": q}
            for col, v in fields.items():
                if v is None and col != "staff_quota":
                    continue  # posts left as they are; a null staff_quota removes the quota
                schools.loc[m, col] = pd.NA if v is None else v

        merges, found = self._merges(sc, src)
        problems += found
        if not problems and merges:
            schools, staff, demand, roads, nodes = _merge(schools, staff, demand, roads, nodes, merges)

        if self.hires:
            new, found = self._hires(sc, staff, demand, policy, src)
            problems += found
            if not found and len(new):
                staff = pd.concat([staff, new], ignore_index=True)

        pids = pd.Index(staff["person_id"])
        for pid, reason in self.exempt.items():
            if not str(reason).strip():
                problems.append(Problem.of(src, None, f"exempt.{pid}", reason, "whatif.exempt_reason"))
            elif pid not in pids:
                problems.append(_unknown_id(src, f"exempt.{pid}", pid, list(staff["person_id"]), "person_id"))
            else:
                staff.loc[staff["person_id"] == pid, "exempt_reason"] = str(reason).strip()

        if self.add_roads or self.cut_roads:
            roads, found = self._roads(roads, src)
            problems += found

        if problems:
            raise ScenarioError(problems)
        frames = {"schools": schools, "staff": staff, "demand": demand}
        if roads is not None:
            frames["roads"] = roads
        if nodes is not None and len(nodes):
            frames["nodes"] = nodes
        out = Scenario.from_frames(frames, policy, name=f"{sc.name}+{self.name or 'whatif'}")
        out.sources = {t: f"{t} after what-if {src}" for t in frames}
        from ..models.validate import check_scenario

        found = check_scenario(out)
        errors = [p for p in found if p.severity == "error"]
        if errors:
            raise ScenarioError([Problem.of(src, None, None, None, "whatif.after",
                                            problem=Say(str(p), p.render("zh"))) for p in errors])
        out.warnings = list(sc.warnings) + [p for p in found if p.severity == "warning" and p not in sc.warnings]
        return out

    def _merges(self, sc: Scenario, src: str) -> tuple[list[tuple[str, str]], list[Problem]]:
        """(closed school, receiving school) pairs for close_schools and merge_schools."""
        problems: list[Problem] = []
        ids = list(sc.schools["school_id"])
        idx = sc.school_index
        pairs: list[tuple[str, str]] = []
        for i, m in enumerate(self.merge_schools):
            if m.into not in idx.index:
                problems.append(_unknown_id(src, f"merge_schools[{i}].into", m.into, ids, "school_id"))
            for sid in m.schools:
                if sid not in idx.index:
                    problems.append(_unknown_id(src, f"merge_schools[{i}].schools", sid, ids, "school_id"))
                elif sid == m.into:
                    problems.append(Problem.of(src, None, f"merge_schools[{i}].schools", sid, "whatif.merge_self"))
                else:
                    pairs.append((sid, m.into))
        closing = set(self.close_schools) | {a for a, _ in pairs}
        for sid in self.close_schools:
            if sid not in idx.index:
                problems.append(_unknown_id(src, "close_schools", sid, ids, "school_id"))
                continue
            target = _nearest_open(sc, sid, closing)
            if target is None:
                s = idx.loc[sid]
                problems.append(Problem.of(src, None, "close_schools", sid, "whatif.no_receiver",
                                           level=Say(str(s["level"]), LEVEL.get(s["level"], (s["level"],))[0]),
                                           township=s["township"]))
            else:
                pairs.append((sid, target))
        seen: dict[str, str] = {}
        for a, b in pairs:
            if a in seen:
                problems.append(Problem.of(src, None, "merge_schools", a, "whatif.twice"))
            seen[a] = b
            if b in closing:
                problems.append(Problem.of(src, None, "merge_schools", b, "whatif.receive_and_close"))
        return pairs, problems

    def _hires(self, sc: Scenario, staff: pd.DataFrame, demand: pd.DataFrame, policy: Policy,
               src: str) -> tuple[pd.DataFrame, list[Problem]]:
        problems: list[Problem] = []
        rng = np.random.default_rng(self.seed)
        known_subjects = set(SUBJECT_ZH) | set(demand["subject"]) | set(staff["subject"][staff["subject"] != ""])
        existing = set(staff["person_id"])
        frames = []
        for g, h in enumerate(self.hires):
            key = f"hires[{g}]"
            if h.count == 0:
                continue
            degrees = {h.degree: 1.0} if isinstance(h.degree, str) else dict(h.degree)
            for d in degrees:
                if d not in DEGREE_RANK:
                    problems.append(_unknown_name(src, f"{key}.degree", d, list(DEGREE_RANK)))
            if h.subjects is None:
                mix = demand.groupby("subject")["weekly_lessons"].sum().astype(float)
                subjects = {s: float(v) for s, v in mix.items() if v > 0}
                if not subjects:
                    problems.append(Problem.of(src, None, f"{key}.subjects", None, "whatif.no_demand"))
            else:
                subjects = dict(h.subjects)
                for s in subjects:
                    if s not in known_subjects:
                        problems.append(_unknown_name(src, f"{key}.subjects.{s}", s, sorted(known_subjects)))
            for what, mix in (("degree", degrees), ("subjects", subjects)):
                if mix and (any(v < 0 for v in mix.values()) or sum(mix.values()) <= 0):
                    problems.append(Problem.of(src, None, f"{key}.{what}", None, "whatif.shares"))
            if problems:
                continue
            n = h.count
            prefix = h.id_prefix or f"W{g + 1}-"
            ids = [f"{prefix}{k:04d}" for k in range(1, n + 1)]
            clash = [i for i in ids if i in existing]
            if clash:
                problems.append(Problem.of(src, None, f"{key}.id_prefix", prefix, "whatif.id_clash", pid=clash[0]))
                continue
            subj = rng.permutation(_allocate(subjects, n))
            deg = rng.permutation(_allocate(degrees, n))
            female = rng.random(n) < h.female_share
            birth_year = policy.plan_year - h.age
            birth = pd.Timestamp(year=birth_year, month=1, day=1) + pd.to_timedelta(rng.integers(0, 240, n), unit="D")
            frames.append(pd.DataFrame({
                "person_id": ids,
                "name": [f"新教师{prefix}{k:04d}" for k in range(1, n + 1)],
                "gender": np.where(female, "F", "M"),
                "birth_date": birth,
                "role": "teacher",
                "school_id": "",
                "subject": subj,
                "degree": deg,
                "backbone": "none",
                "years_at_school": 0,
                "terms_at_school": 0,
                "contract_period": 0,
                "period_years": 0,
                "rural_service_years": 0.0,
                "public_funded": rng.random(n) < h.public_funded_share,
                "reserve_leader": False,
                "itinerant_ok": True,
                "exempt_reason": "",
                "home_lat": np.nan,
                "home_lon": np.nan,
                "preferences": "",
                "locked_school": "",
            }))
        new = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
        return new, problems

    def _roads(self, roads: pd.DataFrame | None, src: str) -> tuple[pd.DataFrame | None, list[Problem]]:
        problems: list[Problem] = []
        if roads is None or roads.empty:
            return roads, [Problem.of(src, None, "add_roads" if self.add_roads else "cut_roads", None,
                                      "whatif.no_roads")]
        roads = roads.copy()
        for i, r in enumerate(self.cut_roads):
            hit = (((roads["from"] == r.from_) & (roads["to"] == r.to))
                   | ((roads["from"] == r.to) & (roads["to"] == r.from_)))
            if not hit.any():
                problems.append(Problem.of(src, None, f"cut_roads[{i}]", f"{r.from_}-{r.to}", "whatif.no_road"))
            roads = roads[~hit]
        add = []
        for i, r in enumerate(self.add_roads):
            if r.minutes is None:
                problems.append(Problem.of(src, None, f"add_roads[{i}].minutes", None, "whatif.road_minutes"))
            add.append({"from": r.from_, "to": r.to, "minutes": r.minutes})
        if add:
            roads = pd.concat([roads, pd.DataFrame(add)], ignore_index=True)
        return roads, problems


# ---- helpers -------------------------------------------------------------------------------
def find(path: str | Path) -> Path:
    """A what-if path, or a bare name of the examples in scenarios/whatifs/."""
    p = Path(path)
    if p.exists():
        return p
    for cand in (HERE / p.name, HERE / f"{p.name}.yaml"):
        if cand.exists():
            return cand
    known = sorted(f.stem for f in HERE.glob("*.yaml"))
    close = difflib.get_close_matches(p.stem, known, n=1, cutoff=0.5)
    hint = Msg.of("whatif.did_you_mean", close=close[0]) if close else \
        Msg.of("whatif.builtin", known=Say(", ".join(known), "、".join(known)))
    raise ScenarioError([Problem.of(str(path), None, None, None, "whatif.no_file", hint=hint)])


def _allocate(mix: dict[str, float], n: int) -> np.ndarray:
    """n labels split by the mix's proportions (largest remainder), so counts summing to n are exact."""
    keys = list(mix)
    w = np.array([float(mix[k]) for k in keys])
    raw = w / w.sum() * n
    base = np.floor(raw).astype(int)
    rest = n - base.sum()
    order = np.argsort(-(raw - base), kind="stable")
    base[order[:rest]] += 1
    return np.repeat(np.array(keys, dtype=object), base)


def _nearest_open(sc: Scenario, sid: str, closing: set[str]) -> str | None:
    s = sc.school_index.loc[sid]
    town = sc.schools[(sc.schools["township"] == s["township"]) & ~sc.schools["school_id"].isin(closing)]
    for levels in ((s["level"],), _COMPATIBLE_LEVELS.get(s["level"], ())):
        cand = town[town["level"].isin(levels)]
        if len(cand):
            minutes = [sc.travel.minutes(sid, c) if sc.travel.on_roads else
                       sc.travel.estimate(s["lat"], s["lon"], la, lo)
                       for c, la, lo in zip(cand["school_id"], cand["lat"], cand["lon"])]
            return str(cand["school_id"].iloc[int(np.argmin(minutes))])
    return None


def _merge(schools, staff, demand, roads, nodes, pairs):
    """Move each closed school's staff, demand, quota and leader posts to its receiving school.

    The closed school's principals join the receiving school as vice-principals (its posts carried over),
    so the merged school keeps one principal and no leader loses a leader role. Years at school are kept:
    the school community continues under the receiving school's name.
    """
    to = dict(pairs)
    sch = schools.set_index("school_id", drop=False)
    for a, b in pairs:
        sch.loc[b, "vice_principal_posts"] = (int(sch.loc[b, "vice_principal_posts"])
                                              + int(sch.loc[a, "principal_posts"])
                                              + int(sch.loc[a, "vice_principal_posts"]))
        qa, qb = sch.loc[a, "staff_quota"], sch.loc[b, "staff_quota"]
        if not pd.isna(qa) and not pd.isna(qb):
            sch.loc[b, "staff_quota"] = int(qa) + int(qb)
    staff = staff.copy()
    moving = staff["school_id"].isin(to)
    staff.loc[moving & (staff["role"] == "principal"), "role"] = "vice_principal"
    staff["school_id"] = staff["school_id"].replace(to)
    staff["locked_school"] = staff["locked_school"].replace(to)
    prefs = staff["preferences"] != ""
    staff.loc[prefs, "preferences"] = staff.loc[prefs, "preferences"].map(lambda s: _remap_prefs(s, to))
    demand = demand.copy()
    demand["school_id"] = demand["school_id"].replace(to)
    demand = demand.groupby(["school_id", "subject"], as_index=False, sort=False)["weekly_lessons"].sum()
    if roads is not None and len(roads):
        used = set(roads["from"]) | set(roads["to"])
        keep = [a for a in to if a in used]
        if keep:  # the village is still on the map: the closed school stays as a road node
            extra = pd.DataFrame({"node_id": keep, "lat": sch.loc[keep, "lat"].to_numpy(),
                                  "lon": sch.loc[keep, "lon"].to_numpy()})
            nodes = extra if nodes is None else pd.concat([nodes, extra], ignore_index=True)
    schools = sch[~sch["school_id"].isin(to)].reset_index(drop=True)
    return schools, staff, demand, roads, nodes


def _remap_prefs(text: str, to: dict[str, str]) -> str:
    out: list[str] = []
    for s in text.split(";"):
        s = to.get(s.strip(), s.strip())
        if s and s not in out:
            out.append(s)
    return ";".join(out)


def _policy_problems(exc: ScenarioError, source: str) -> list[Problem]:
    return [dataclasses.replace(p, source=source, row=None, column=f"policy.{p.column}" if p.column else "policy",
                                header=None, cell=None) for p in exc.problems]


_NESTED: dict[str, type[BaseModel]] = {"hires": HireGroup, "merge_schools": Merge, "add_roads": Road, "cut_roads": Road}


def _unknown_keys(data: dict, source: str) -> list[Problem]:
    problems = []
    valid = [k for k in WhatIf.model_fields if k != "source"]
    for k in data:
        if k not in valid:
            problems.append(_unknown_name(source, str(k), str(k), valid, what="what-if key"))
    for key, model in _NESTED.items():
        items = data.get(key)
        if not isinstance(items, list):
            continue
        fields = [f.alias or n for n, f in model.model_fields.items()]
        for i, item in enumerate(items):
            if isinstance(item, dict):
                for k in item:
                    if k not in fields:
                        problems.append(_unknown_name(source, f"{key}[{i}].{k}", str(k), fields, what="key"))
    quotas = data.get("quotas")
    if isinstance(quotas, dict):
        for sid, q in quotas.items():
            if isinstance(q, dict):
                for k in q:
                    if k not in Quota.model_fields:
                        problems.append(_unknown_name(source, f"quotas.{sid}.{k}", str(k), list(Quota.model_fields),
                                                      what="key"))
    return problems


def _unknown_name(source: str, key: str, value: str, valid: list[str], what: str = "name") -> Problem:
    close = difflib.get_close_matches(value, valid, n=1, cutoff=0.5)
    hint = Msg.of("policy.did_you_mean", close=close[0]) if close else Msg.of("whatif.valid", valid=", ".join(valid))
    shown = None if "key" in what else value  # a misspelt key is already named by the column
    return Problem.of(source, None, key, shown, "whatif.unknown_name", what=Msg.of(f"whatif.what.{what}"),
                      value=value, hint=hint)


def _unknown_id(source: str, key: str, value: str, valid: list[str], what: str) -> Problem:
    close = difflib.get_close_matches(value, valid, n=1, cutoff=0.6) if len(valid) < 20_000 else []
    hint: object = Msg.of("whatif.did_you_mean", close=close[0]) if close else ""
    return Problem.of(source, None, key, value, "whatif.unknown_id", what=column_word(what), value=value, hint=hint)


def _loc(loc) -> str:
    out = ""
    for p in loc:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out.replace(".from_", ".from")


def _short(v):
    if isinstance(v, (dict, list)):
        return None
    return v
