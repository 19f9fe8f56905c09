"""Policy parameters (policy.yaml / the policy sheet): every key has a default, a unit and a range.

Unknown keys are errors, with the closest valid name suggested.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from . import messages
from .errors import Problem, ScenarioError
from .schema import COMPULSORY_LEVELS, LEVEL, TITLE, enum_lookup
from .yamlfile import read_mapping


def _f(default, unit: str, desc: str, ge=None, le=None, zh: str = ""):
    extra: dict[str, Any] = {"unit": unit, "zh": zh} if zh else {"unit": unit}
    if isinstance(default, list):
        return Field(default_factory=lambda: list(default), description=desc, json_schema_extra=extra)
    return Field(default, ge=ge, le=le, description=desc, json_schema_extra=extra)


class Weights(BaseModel):
    """Soft-goal weights. Larger means the optimizer cares more. All are per unit stated."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    move: float = _f(10.0, "per move", "cost of a move beyond those the rules require", ge=0)
    commute_km: float = _f(0.5, "per km", "cost per km of home-to-school distance", ge=0)
    preference: float = _f(6.0, "per rank", "reward for a ranked school; rank 1 earns most", ge=0)
    envy: float = _f(20.0, "per pair", "cost of a justified-envy pair", ge=0)
    r1x_crossing: float = _f(200.0, "per crossing", "reward for a due leader crossing urban-rural", ge=0)
    r2_urban_reserve: float = _f(60.0, "per post", "reward for an urban reserve leader in a rural post", ge=0)
    r3_young_rural_leader: float = _f(15.0, "per leader", "reward per young leader at a rural school", ge=0)
    leader_post_filled: float = _f(100.0, "per post", "reward per filled leader post", ge=0)
    experienced_weak_school: float = _f(8.0, "per principal",
                                        "reward for an experienced principal at a rural or mountainous school", ge=0)
    coverage: float = _f(1.0, "per lesson", "reward per covered weekly lesson", ge=0)
    rural_coverage: float = _f(2.0, "factor", "coverage weight multiplier at rural schools", ge=1)
    mountain_coverage: float = _f(1.5, "factor", "extra coverage multiplier at mountainous schools", ge=1)
    r9_parity: float = _f(50.0, "per teacher", "cost per teacher short of rural ratio parity (R9)", ge=0)
    r10_degree_ratio: float = _f(50.0, "per teacher", "cost per teacher short of the R10 degree ratio", ge=0)
    r11_exchange: float = _f(30.0, "per teacher", "cost per teacher short of the R11 exchange targets", ge=0)
    itinerant_teacher: float = _f(2.0, "per teacher", "cost per itinerant teacher used", ge=0)
    travel_minute: float = _f(0.01, "per minute", "cost per weekly travel minute of itinerant teaching", ge=0)
    # Priority points (the office's bareme) used for the no-justified-envy goal.
    points_rural_year: float = _f(1.0, "points per year", "priority points per rural service year", ge=0)
    points_backbone_level: float = _f(2.0, "points per level", "priority points per backbone level above none", ge=0)
    points_year_at_school: float = _f(0.5, "points per year", "priority points per year at the current school", ge=0)
    points_mountainous: float = _f(3.0, "points", "priority points for serving at a mountainous school", ge=0)
    move_budget: float = _f(20.0, "per move", "cost of each move beyond the yearly move budget max_moves_share "
                            "(on top of `move`)", ge=0)
    couple_apart: float = _f(15.0, "per couple", "cost of a couple (spouse_id) working in two townships after the plan "
                             "when one of them moves", ge=0)
    keep_reference: float = _f(1000.0, "per person", "cost of a person ending other than in the reference plan "
                               "(plan --lock)", ge=0)


class Policy(BaseModel):
    """The policy parameters of DOMAIN.md with their defaults."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    plan_year: int = _f(2026, "year", "the plan takes effect on 1 September of this year", ge=2000, le=2100)
    term_years: int = _f(3, "years", "length of a leader term and of a contract period", ge=1, le=10)
    rotation_terms: int = _f(2, "terms", "consecutive terms at one school after which a leader is due (R1)",
                             ge=1, le=10)
    young_age: int = _f(45, "years", "a leader this age or younger counts as young (R3)", ge=18, le=70)
    young_rural_leader_share: float = _f(0.5, "share", "target share of young rural leaders (R3)", ge=0, le=1)
    degree_ratio_max: float = _f(1.05, "ratio", "most urban/rural bachelor share ratio (R10)", ge=1, le=10)
    teacher_load: int = _f(16, "lessons/week", "weekly lessons one teacher can teach", ge=1, le=40)
    days_per_week: int = _f(5, "days", "school days a week", ge=1, le=7)
    max_schools_per_day: int = _f(2, "schools", "most schools an itinerant teacher visits in a day (R7)",
                                  ge=1, le=6)
    max_travel_minutes_per_day: float = _f(90, "minutes", "most travel minutes a day for an itinerant teacher (R7)",
                                           ge=0, le=600)
    max_itinerant_lessons_per_day: int = _f(4, "lessons", "most itinerant lessons a teacher teaches in a day (R7)",
                                            ge=1, le=12)
    exchange_after_years: int = _f(6, "years", "years at one school after which a teacher may be exchanged (R11)",
                                   ge=1, le=40)
    exchange_share: float = _f(0.10, "share", "share of exchange-eligible teachers who move each year (R11)",
                               ge=0, le=1)
    exchange_backbone_share: float = _f(0.20, "share", "least share of backbone teachers among those exchanged (R11)",
                                        ge=0, le=1)
    # contract v2, R11 and R16 (交流轮岗)
    exchange_share_max: float = _f(0.15, "share", "most share of exchange-eligible teachers posted each year, a hard "
                                   "ceiling (R11, 交流比例上限)", ge=0, le=1)
    exchange_exempt_age_male: int = _f(55, "years", "men this age or older are not eligible for exchange "
                                       "(R11, 男教师免交流年龄)", ge=18, le=75)
    exchange_exempt_age_female: int = _f(50, "years", "women this age or older are not eligible for exchange "
                                         "(R11, 女教师免交流年龄)", ge=18, le=75)
    exchange_years: int = _f(3, "school years", "length of an exchange posting (R16, 交流年限)", ge=1, le=10)
    posting_quota_at: Literal["host", "home"] = _f("host", "school", "where a teacher on a posting counts against "
                                                   "staff_quota: 'host' (the school they serve at) or 'home' (their "
                                                   "home_school) (R16, R8)", zh="交流教师占编学校")
    retirement_age_male: int = _f(60, "years", "retirement age, men (R12)", ge=40, le=75)
    retirement_age_female: int = _f(55, "years", "retirement age, women (R12)", ge=40, le=75)
    public_funded_rural_years: float = _f(6, "years", "rural years a public-funded teacher owes (R6)", ge=0, le=20)
    young_backbone_training_count: int = _f(50, "teachers", "young teachers selected for backbone training (R13)", ge=0)
    young_backbone_age: int = _f(35, "years", "a teacher this age or younger counts as young for R13", ge=18, le=70)
    # contract v2: R1 levels, R12 schedule, principal eligibility
    rotation_levels: list[str] = _f(list(COMPULSORY_LEVELS), "levels", "school levels whose leaders rotate under R1 "
                                    "(leaders of other levels are never due); a list, or text separated by ';'",
                                    zh="轮岗学段")
    retirement_schedule: str = _f("2025", "schedule", "R12: '2025' = the 2024 NPC schedule (men from 60, women "
                                  "teachers from 55, one month later per four months of birth from 1965 / 1970, up "
                                  "to 63 / 58); 'fixed' = retirement_age_male / retirement_age_female",
                                  zh="退休年龄办法")
    principal_min_title: str = _f("first", "title", "lowest professional title (职称) for a promotion to principal: "
                                  "senior / first / second / third / none", zh="校长最低职称")
    principal_min_teaching_years: int = _f(5, "years", "fewest teaching years (教龄, else years_at_school) for a "
                                           "promotion to principal", ge=0, le=40, zh="校长最低教龄")
    # contract v2: R15 no levelling down, R17 dormitories, the move budget, itinerant teaching in town
    max_urban_share_drop: float = _f(0.02, "share", "most an urban R9 share (district+ backbone, bachelor+ "
                                     "at compulsory schools, associate+ at kindergartens) may fall in one plan (R15, "
                                     "hard)",
                                     ge=0, le=1, zh="城区比例最大降幅")
    max_moves_share: float = _f(0.12, "share", "yearly move budget: the most share of current staff who change school "
                                "(soft; hard rules may need more, and the plan says so)", ge=0, le=1,
                                zh="年度调动比例上限")
    commute_minutes_max: float = _f(60, "minutes", "a teacher whose home is farther than this from a rural school "
                                    "needs one of its dormitory beds (R17)", ge=0, le=600, zh="通勤时间上限")
    itinerant_urban: bool = _f(False, "switch", "itinerant teachers may also cover urban schools (R7)",
                               zh="城区学校走教")
    detour_factor: float = _f(1.3, "factor", "road distance / great-circle distance when roads are not given",
                              ge=1, le=5)
    road_speed_kmh: float = _f(40.0, "km/h", "average road speed when roads are not given", ge=1, le=200)
    allow_principal_to_vice: bool = _f(False, "switch", "a due principal may rotate into a vice-principal post (R1)")
    promote_rural_reserve: bool = _f(True, "switch", "rural reserve leaders may be promoted into rural posts too (R2)")
    leader_level_match: bool = _f(True, "switch", "leaders move only between schools of one level group: "
                                  "kindergarten; compulsory (primary, junior, nine_year); senior and vocational")
    promote_reserve_to_principal: bool = _f(False, "switch", "a promoted reserve leader may become a principal "
                                            "directly, not only a vice-principal (R2)")
    promote_vice_to_principal: bool = _f(True, "switch", "a vice-principal may be promoted to a vacant principal "
                                         "post, at their own or another school of the same level group (R8)")
    lang: Literal["en", "zh"] = _f("en", "language", "language of the plan's reasons: en (English) or zh (Chinese); "
                                   "plan --lang overrides it")
    weights: Weights = Field(default_factory=Weights)

    @field_validator("rotation_levels", mode="before")
    @classmethod
    def _levels(cls, v: Any) -> list[str]:
        """Levels as a list or as text ('primary;junior', '小学、初中'), English or Chinese."""
        items = re.split(r"[;；,，、\s]+", v) if isinstance(v, str) else list(v or [])
        lookup = enum_lookup(LEVEL)
        out = []
        for item in (str(x).strip() for x in items):
            if not item:
                continue
            if item.lower() not in lookup:
                raise _PolicyValueError("policy.level", item=item, levels=messages.Say(
                    ", ".join(f"{k} ({z[0]})" for k, z in LEVEL.items()),
                    "、".join(f"{z[0]}（{k}）" for k, z in LEVEL.items())))
            if lookup[item.lower()] not in out:
                out.append(lookup[item.lower()])
        return out

    @field_validator("retirement_schedule", mode="before")
    @classmethod
    def _schedule(cls, v: Any) -> str:
        text = str(v).strip().lower()
        if text not in ("2025", "fixed"):
            raise _PolicyValueError("policy.schedule")
        return text

    @field_validator("principal_min_title", mode="before")
    @classmethod
    def _title(cls, v: Any) -> str:
        found = enum_lookup(TITLE).get(str(v).strip().lower())
        if found is None:
            raise _PolicyValueError("policy.title", titles=messages.Say(
                ", ".join(f"{k} ({z[0]})" for k, z in TITLE.items()),
                "、".join(f"{z[0]}（{k}）" for k, z in TITLE.items())))
        return found

    @classmethod
    def keys(cls) -> list[str]:
        return list(cls.model_fields) + [f"weights.{k}" for k in Weights.model_fields]

    @classmethod
    def from_mapping(cls, data: dict[str, Any] | None, source: str = "policy.yaml") -> Policy:
        data = dict(data or {})
        # Accept dotted keys ("weights.move") from a two-column policy sheet.
        weights = dict(data.pop("weights", None) or {})
        for k in [k for k in data if str(k).startswith("weights.")]:
            weights[str(k).split(".", 1)[1]] = data.pop(k)
        problems: list[Problem] = []
        for k in data:
            if k not in cls.model_fields or k == "weights":
                problems.append(_unknown(source, str(k), list(cls.model_fields)))
        for k in weights:
            if k not in Weights.model_fields:
                problems.append(_unknown(source, f"weights.{k}", [f"weights.{w}" for w in Weights.model_fields]))
        if problems:
            raise ScenarioError(problems)
        try:
            return cls(**data, weights=Weights(**weights))
        except ValidationError as exc:
            raise ScenarioError([
                _friendly(source, e, cls)
                for e in exc.errors()
            ]) from None

    @classmethod
    def from_file(cls, path: str | Path) -> Policy:
        path = Path(path)
        return cls.from_mapping(read_mapping(path, "a policy file"), path.name)

    def to_mapping(self) -> dict[str, Any]:
        return self.model_dump()

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.to_mapping(), allow_unicode=True, sort_keys=False)

    def with_overrides(self, overrides: dict[str, Any], source: str = "overrides") -> Policy:
        merged = self.to_mapping()
        for k, v in (overrides or {}).items():
            if k == "weights" and isinstance(v, dict):
                merged["weights"] = {**merged["weights"], **v}
            elif str(k).startswith("weights."):
                merged["weights"][str(k).split(".", 1)[1]] = v
            else:
                merged[k] = v
        return Policy.from_mapping(merged, source)


messages.register({
    "policy.unknown_key": ("unknown policy key '{key}': {hint}", "未知的政策参数“{key}”：{hint}"),
    "policy.did_you_mean": ("did you mean '{close}'?", "是否应为“{close}”？"),
    "policy.valid_keys": ("valid keys: {keys}", "可用的参数：{keys}"),
    "policy.error": ("{msg}{unit}", "{msg}{unit}"),
    "policy.unit": (" ({unit})", "（单位：{unit}）"),
    "policy.ge": ("Input should be greater than or equal to {limit}", "应大于或等于{limit}"),
    "policy.gt": ("Input should be greater than {limit}", "应大于{limit}"),
    "policy.le": ("Input should be less than or equal to {limit}", "应小于或等于{limit}"),
    "policy.lt": ("Input should be less than {limit}", "应小于{limit}"),
    "policy.int": ("Input should be a valid integer, unable to parse string as an integer", "应为整数"),
    "policy.int_fraction": ("Input should be a valid integer, got a number with a fractional part",
                            "应为整数，不能有小数部分"),
    "policy.float": ("Input should be a valid number, unable to parse string as a number", "应为数字"),
    "policy.bool": ("Input should be a valid boolean, unable to interpret input", "应为是或否（true/false）"),
    "policy.int_type": ("Input should be a valid integer", "应为整数"),
    "policy.float_type": ("Input should be a valid number", "应为数字"),
    "policy.literal": ("Input should be {expected}", "应为{expected}"),
    "policy.missing": ("Field required", "必须填写"),
    "policy.extra": ("Extra inputs are not permitted", "不接受此项"),
    "policy.str": ("Input should be a valid string", "应为文字"),
    "policy.list": ("Input should be a valid list", "应为列表"),
    "policy.dict": ("Input should be a valid dictionary", "应为“键: 值”的映射"),
    "policy.other": ("{msg}", "取值无效（{msg}）"),
    "policy.level": ("Value error, unknown school level '{item}': use {levels}",
                     "学段“{item}”不存在：请使用{levels}"),
    "policy.schedule": ("Value error, use '2025' (the 2024 NPC schedule) or 'fixed' (retirement_age_male / _female)",
                        "请填写“2025”（2024年全国人大常委会决定的退休年龄表）或“fixed”（按retirement_age_male / "
                        "_female）"),
    "policy.title": ("Value error, use one of {titles}", "请使用以下之一：{titles}"),
})

_PYDANTIC = {"greater_than_equal": ("policy.ge", "ge"), "greater_than": ("policy.gt", "gt"),
             "less_than_equal": ("policy.le", "le"), "less_than": ("policy.lt", "lt")}
_PYDANTIC_PLAIN = {
    "int_parsing": "policy.int", "int_from_float": "policy.int_fraction", "float_parsing": "policy.float",
    "bool_parsing": "policy.bool", "missing": "policy.missing", "extra_forbidden": "policy.extra",
    "string_type": "policy.str", "list_type": "policy.list", "dict_type": "policy.dict",
    "int_type": "policy.int_type", "float_type": "policy.float_type",
}
_UNIT_ZH = {
    "days": "天", "factor": "", "lessons": "节", "lessons/week": "节/周", "levels": "", "minutes": "分钟",
    "per couple": "每对夫妻", "per crossing": "每次跨区", "per km": "每公里", "per leader": "每名干部",
    "per lesson": "每节课", "per minute": "每分钟", "per move": "每次调动", "per pair": "每对", "per person": "每人",
    "per post": "每个岗位", "per principal": "每名校长", "per rank": "每级", "per teacher": "每名教师",
    "points per level": "每级分值", "points per year": "每年分值", "points": "分", "ratio": "",
    "schedule": "", "school years": "学年", "school": "", "schools": "", "share": "",
    "switch": "", "teachers": "", "terms": "任期", "title": "", "year": "年", "years": "年",
    "language": "",
}


def _unknown(source: str, key: str, valid: list[str]) -> Problem:
    close = difflib.get_close_matches(key, valid, n=1, cutoff=0.5)
    hint = messages.Msg.of("policy.did_you_mean", close=close[0]) if close else \
        messages.Msg.of("policy.valid_keys", keys=", ".join(valid))
    return Problem.of(source, None, key, None, "policy.unknown_key", key=key, hint=hint)


def _friendly(source: str, err: Mapping[str, Any], cls: type[BaseModel]) -> Problem:
    """A pydantic error as a problem in the office's words: the range or type it breaks, in either language."""
    loc = [str(p) for p in err["loc"]]
    model = Weights if loc and loc[0] == "weights" else cls
    name = loc[-1] if loc else ""
    info = model.model_fields.get(name)
    unit: object = ""
    if info is not None and isinstance(info.json_schema_extra, dict) and info.json_schema_extra:
        u = str(info.json_schema_extra.get("unit"))
        zh = _UNIT_ZH.get(u, u)  # a kind of value rather than a unit ("share", "switch") is not repeated in Chinese
        unit = messages.Say(messages.text("policy.unit", "en", unit=u), messages.text("policy.unit", "zh", unit=zh)
                            if zh else "")
    return Problem.of(source, None, ".".join(loc) or None, err.get("input"), "policy.error", msg=pydantic_message(err),
                      unit=unit)


def pydantic_message(err: Mapping[str, Any]) -> messages.Msg:
    """pydantic's sentence for one error as a message: its English word for word, a Chinese one beside it."""
    kind, ctx = str(err.get("type", "")), dict(err.get("ctx") or {})
    msg: messages.Msg
    if kind in _PYDANTIC and _PYDANTIC[kind][1] in ctx:
        key, limit = _PYDANTIC[kind]
        v = ctx[limit]
        msg = messages.Msg.of(key, limit=int(v) if isinstance(v, float) and v.is_integer() else v)
    elif kind == "literal_error" and "expected" in ctx:
        msg = messages.Msg.of("policy.literal", expected=messages.Say(
            str(ctx["expected"]), str(ctx["expected"]).replace(" or ", "或").replace(", ", "、")))
    elif kind in _PYDANTIC_PLAIN:
        msg = messages.Msg.of(_PYDANTIC_PLAIN[kind])
    elif kind == "value_error" and isinstance(ctx.get("error"), _PolicyValueError):
        e = ctx["error"]
        msg = messages.Msg.of(e.key, **e.fields)
    else:
        msg = messages.Msg.of("policy.other", msg=str(err["msg"]))
    if msg.in_lang("en") != str(err["msg"]):
        msg = messages.Msg.of("policy.other", msg=str(err["msg"]))  # the English stays pydantic's, word for word
    return msg


class _PolicyValueError(ValueError):
    """A validator's refusal with its message key, so that it can be shown in Chinese too."""

    def __init__(self, key: str, **fields: object):
        self.key, self.fields = key, fields
        super().__init__(messages.text(key, "en", **fields).removeprefix("Value error, "))
