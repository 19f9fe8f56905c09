"""Synthetic scenario generator: a whole district of schools, staff, lesson demand and roads.

``generate(staff, seed)`` builds a random but realistic district of about ``staff`` people;
``generate(laiwu=True)`` builds the built-in sample district on the 15 real townships of Laiwu
District (Jinan).  The frames use the canonical English column names and enumeration values of the
data contract (docs/DOMAIN.md); the result can be written out as a scenario folder as it is.

Everything is drawn from one ``numpy.random.default_rng(seed)``, so the same arguments always give
identical frames.  Work is vectorised over people; Python loops run over townships and schools only
(and over the few people who state preferences), so 100,000 staff take a few seconds.

Realism the optimizer relies on (all as of 1 September of ``plan_year``):

* rural schools are smaller, older, with fewer bachelor-or-above and district-level-or-above
  backbone teachers than urban ones (R9/R10 have something to improve);
* about a quarter of leaders have completed two or more terms (R1; years_at_school >= terms x term_years),
  a few of them exempt; some leader posts are
  vacant and about 3 % of teachers are reserve leaders (R2); rural leaders are older (R3);
* every township has seat schools whose principal post is filled (R4);
* about 3 % of teachers finish contract period 1 and about 4 % of staff are new hires (R5);
  about 3 % of teachers are public-funded (R6);
* small rural primaries lack music/art/PE/English teachers while larger rural schools of the same
  township have some spare capacity (R7);
* quotas leave room for the new hires and retirements (R8); a handful of staff reach retirement
  age (R12: their birth dates put the 2025 statutory retirement date within the year before 1 September, and a
  few more are born just after a step of the schedule, so they stay); about 35 % of teachers have six or more
  years at their school (R11).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd

__all__ = ["generate"]

TERM_YEARS = 3
TEACHER_LOAD = 16
STAFF_PER_SCHOOL = 38.0
SCHOOLS_PER_TOWNSHIP = 9.0
HIRE_SHARE = 0.04
RETIRE_MALE, RETIRE_FEMALE = 60, 55

# level codes
K, P, J, N, S, V = range(6)
LEVELS = np.array(["kindergarten", "primary", "junior", "nine_year", "senior", "vocational"], dtype=object)
ROLES = np.array(["principal", "vice_principal", "teacher"], dtype=object)
DEGREES = np.array(["doctorate", "master", "bachelor", "associate", "secondary"], dtype=object)
BACKBONE = np.array(["province", "city", "district", "school", "none"], dtype=object)

SUBJECTS = ["preschool", "chinese", "math", "english", "music", "art", "pe", "science", "it", "moral",
            "physics", "chemistry", "biology", "history", "geography"]
SUBJ = {s: i for i, s in enumerate(SUBJECTS)}
SUBJECT_ARR = np.array(SUBJECTS, dtype=object)
JUNIOR_ONLY = {SUBJ[s] for s in ("physics", "chemistry", "biology", "history", "geography")}
ITINERANT_SUBJECTS = [SUBJ[s] for s in ("music", "art", "pe", "english")]


def _weights(d: dict[str, float]) -> np.ndarray:
    w = np.zeros(len(SUBJECTS))
    for k, v in d.items():
        w[SUBJ[k]] = v
    return w / w.sum()


W_KINDER = _weights({"preschool": 1.0})
W_PRIMARY = _weights({"chinese": .28, "math": .25, "english": .10, "music": .06, "art": .06, "pe": .08,
                      "science": .06, "it": .04, "moral": .07})
W_SMALL = _weights({"chinese": .46, "math": .40, "moral": .08, "science": .03, "pe": .03})
W_JUNIOR = _weights({"chinese": .15, "math": .15, "english": .14, "physics": .08, "chemistry": .06,
                     "biology": .06, "history": .06, "geography": .06, "moral": .06, "pe": .07,
                     "music": .03, "art": .03, "it": .05})
W_NINE = (W_PRIMARY + W_JUNIOR) / 2
W_HIRE = _weights({"preschool": .13, "chinese": .12, "math": .12, "english": .12, "music": .08, "art": .08,
                   "pe": .09, "science": .04, "it": .04, "moral": .04, "physics": .04, "chemistry": .03,
                   "biology": .03, "history": .02, "geography": .02})

# stages: which school levels a teacher fits (K, P, J, S)
STAGE_LEVELS = {0: (K,), 1: (P, N), 2: (J, N), 3: (S, V)}

# (short name, lat, lon, urban, mountainous, size weight)
LAIWU_TOWNSHIPS = [
    ("凤城", 36.205, 117.665, True, False, 1.6),
    ("张家洼", 36.225, 117.600, True, False, 1.0),
    ("高庄", 36.175, 117.715, True, False, 1.0),
    ("鹏泉", 36.215, 117.695, True, False, 1.1),
    ("口镇", 36.300, 117.620, False, False, 1.1),
    ("羊里", 36.145, 117.640, False, False, 0.9),
    ("方下", 36.110, 117.750, False, False, 0.9),
    ("雪野", 36.430, 117.580, False, True, 0.85),
    ("大王庄", 36.380, 117.720, False, True, 0.85),
    ("寨里", 36.240, 117.800, False, False, 0.9),
    ("杨庄", 36.130, 117.900, False, False, 0.9),
    ("茶业口", 36.440, 117.780, False, True, 0.8),
    ("和庄", 36.330, 117.530, False, True, 0.85),
    ("牛泉", 36.120, 117.560, False, False, 0.9),
    ("苗山", 36.290, 117.450, False, True, 0.85),
]

SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
                "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱亓")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉斌宇鹏飞鑫波宁浩凯峰颖晨雪琳婷倩"
             "慧欣悦佳怡梅琴云丹志国海东军林晓春燕荣健振庆翠凤莉玲晶博然瑞新彬鸿鑫婉蕾璐璇瑶昊泽轩晗")
TOWN_A = list("东西南北大小新高石柳杨王李张刘陈马孙黄周吴郑白龙凤云青金桃梨枣桑花兴安和平太清河古长")
TOWN_B = list("山河桥庄泉湖店集岭峪坡屯营口沟坪林源堡湾")
EXEMPT_DUE = ["病休", "援派支教"]

CN_DIGITS = "零一二三四五六七八九"


def _cn_num(n: int) -> str:
    """Chinese numeral for 1..9999 (第十一, 第一百零五 ...)."""
    if n < 10:
        return CN_DIGITS[n]
    if n < 20:
        return "十" + (CN_DIGITS[n % 10] if n % 10 else "")
    out, zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = (n // value) % 10
        if d:
            if zero and out:
                out += "零"
            out += CN_DIGITS[d] + unit
            zero = False
        elif out:
            zero = True
    return out


def _school_name(prefix: str, district: str, level: int, ordinal: int) -> str:
    """ordinal counts schools of that level in the township (or district for senior/vocational)."""
    nth = "" if ordinal == 1 else f"第{_cn_num(ordinal)}"
    if level == K:
        return f"{prefix}{'中心' if ordinal == 1 else nth}幼儿园"
    if level == P:
        return f"{prefix}{'中心' if ordinal == 1 else nth}小学"
    if level == J:
        return f"{prefix}{nth}初级中学"
    if level == N:
        return f"{prefix}{nth}九年一贯制学校"
    if level == S:
        return f"{district}第{_cn_num(ordinal)}中学"
    return f"{district}{nth}职业中等专业学校"


def _haversine_km(lat1, lon1, lat2, lon2):
    lat1, lon1, lat2, lon2 = (np.radians(np.asarray(x, dtype=float)) for x in (lat1, lon1, lat2, lon2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


def _minutes(km):
    return np.maximum(1.0, np.round(np.asarray(km) * 1.3 / 40.0 * 60.0, 1))


def _randint(rng, lo, hi):
    """Integers uniform on [lo, hi] (inclusive) with array bounds; hi < lo gives lo."""
    lo = np.asarray(lo, dtype=np.int64)
    hi = np.maximum(np.asarray(hi, dtype=np.int64), lo)
    return lo + np.floor(rng.random(np.broadcast(lo, hi).shape) * (hi - lo + 1)).astype(np.int64)


def _split(total: int, weights: np.ndarray, minimum: int) -> np.ndarray:
    """Integer split of total proportional to weights (largest remainder), each at least minimum."""
    w = np.asarray(weights, dtype=float)
    raw = total * w / w.sum()
    out = np.maximum(np.floor(raw).astype(np.int64), minimum)
    rest = total - out.sum()
    order = np.argsort(-(raw - np.floor(raw)), kind="stable")
    i = 0
    while rest > 0:
        out[order[i % len(out)]] += 1
        rest -= 1
        i += 1
    return out


def _top_up(rng, slack: np.ndarray, mask: np.ndarray, need: int, weight: np.ndarray) -> None:
    """Add quota slack to schools in mask (by weight) until their positive slack reaches need."""
    idx = np.flatnonzero(mask & (slack >= 0))
    if len(idx) == 0:
        return
    short = need - int(np.clip(slack[idx], 0, None).sum())
    if short > 0:
        p = weight[idx] / weight[idx].sum()
        np.add.at(slack, rng.choice(idx, size=short, p=p), 1)


def _birth_dates(rng, age: np.ndarray, plan_year: int) -> np.ndarray:
    """YYYY-MM-DD strings so that the age in whole years on 1 Sep plan_year is exactly age."""
    years = (plan_year - age - 1970).astype("timedelta64[Y]")
    base = (np.datetime64("1970", "Y") + years).astype("datetime64[M]") + np.timedelta64(8, "M")
    days = base.astype("datetime64[D]") - rng.integers(0, 365, size=len(age)).astype("timedelta64[D]")
    return np.datetime_as_string(days, unit="D").astype(object)


def _names(rng, n: int) -> np.ndarray:
    sur = np.array(SURNAMES, dtype=object)[rng.integers(0, len(SURNAMES), n)]
    g1 = np.array(GIVEN, dtype=object)[rng.integers(0, len(GIVEN), n)]
    g2 = np.array(GIVEN, dtype=object)[rng.integers(0, len(GIVEN), n)]
    two = rng.random(n) < 0.7
    return sur + g1 + np.where(two, g2, "")


@dataclass
class _Townships:
    """Per township: full name, centre, urban and mountainous flags, size weight; and the district's name."""

    name: list
    lat: np.ndarray
    lon: np.ndarray
    urban: np.ndarray
    mount: np.ndarray
    weight: np.ndarray
    district: str


def _townships(rng, n_town: int, laiwu: bool) -> _Townships:
    """The 15 Laiwu townships, or n_town generated ones on a grid (the central quarter urban, the farthest
    40 % of the rural ones mountainous)."""
    if laiwu:
        short = [t[0] for t in LAIWU_TOWNSHIPS]
        lat = np.array([t[1] for t in LAIWU_TOWNSHIPS])
        lon = np.array([t[2] for t in LAIWU_TOWNSHIPS])
        urban = np.array([t[3] for t in LAIWU_TOWNSHIPS])
        mount = np.array([t[4] for t in LAIWU_TOWNSHIPS])
        weight = np.array([t[5] for t in LAIWU_TOWNSHIPS]) * rng.uniform(0.9, 1.1, len(short))
        district = "莱芜"
    else:
        pairs = rng.permutation(len(TOWN_A) * len(TOWN_B))
        names = [TOWN_A[p // len(TOWN_B)] + TOWN_B[p % len(TOWN_B)] for p in pairs]
        while len(names) < n_town + 1:  # more than ever needed, kept for safety
            names += [n + TOWN_B[i % len(TOWN_B)] for i, n in enumerate(names[: n_town + 1 - len(names)])]
        district, short = names[0], names[1: n_town + 1]
        cols = math.ceil(math.sqrt(n_town))
        grid = np.arange(n_town)
        lat = 36.0 + (grid // cols) * 0.10 + rng.uniform(-0.025, 0.025, n_town)
        lon = 117.0 + (grid % cols) * 0.12 + rng.uniform(-0.03, 0.03, n_town)
        mid_lat, mid_lon = lat.mean(), lon.mean()
        dist = np.hypot(lat - mid_lat, lon - mid_lon)
        order = np.argsort(dist, kind="stable")
        n_urban = max(1, round(n_town / 4))
        urban = np.zeros(n_town, dtype=bool)
        urban[order[:n_urban]] = True
        rural_far = [i for i in order[::-1] if not urban[i]]
        mount = np.zeros(n_town, dtype=bool)
        mount[rural_far[: round(0.4 * len(rural_far))]] = True
        weight = np.where(urban, 1.15, 0.95) * rng.uniform(0.75, 1.25, n_town)
    full = [s if (s.endswith("镇") or s.endswith("街道")) else s + ("街道" if u else "镇")
            for s, u in zip(short, urban)]
    return _Townships(full, lat, lon, urban, mount, weight, district)


def generate(staff: int = 5000, seed: int = 0, *, laiwu: bool = False, plan_year: int = 2027) -> dict:
    """Return {"schools": df, "staff": df, "demand": df, "roads": df, "nodes": df, "policy": dict}.

    staff: approximate total number of people (leaders, teachers and new hires), tuned for 500..100,000.
    seed: seed of numpy.random.default_rng; the same arguments give identical frames.
    laiwu: the built-in sample district on Laiwu's 15 real townships (about 130 schools at 5,000 staff).
    plan_year: ages and retirements are counted on 1 September of this year.

    The parts below draw from the one generator in this order (the order is part of the output: changing it
    changes every district): townships, schools, school sizes and leader posts, existing staff, new hires,
    preferences, quotas, locks, demand, names and birth dates, roads. The contract v2 columns (titles, teaching
    years, scores, retirees' birth dates; bundle schools; dormitory beds and couples; postings) come from
    generators of their own.
    """
    staff = int(staff)
    if not 100 <= staff <= 1_000_000:
        raise ValueError(f"staff must be between 100 and 1,000,000 (got {staff})")
    rng = np.random.default_rng(seed)

    n_hires = round(HIRE_SHARE * staff)
    n_existing = staff - n_hires
    n_schools = max(4, round(staff / (38.5 if laiwu else STAFF_PER_SCHOOL)))
    n_town = 15 if laiwu else max(3, round(n_schools / SCHOOLS_PER_TOWNSHIP))
    n_schools = max(n_schools, 4 * n_town)
    town = _townships(rng, n_town, laiwu)
    sch = _schools(rng, town, n_schools)
    posts = _sizes_and_posts(rng, sch, n_existing)
    ppl = _existing_staff(rng, sch, posts, town)
    hires = _new_hires(rng, n_hires, town)
    everyone = _everyone(ppl, hires)
    prefs = _preferences(rng, sch, everyone)
    quota, slack = _quotas(rng, sch, posts, ppl, hires)
    locked = _locks(rng, staff, sch, ppl, hires, everyone, slack)
    demand = _demand(rng, sch, ppl)
    schools = _school_frame(sch, town, posts, quota)
    staff_df = _staff_frame(rng, sch, ppl, hires, everyone, prefs, locked, plan_year)
    _v2_staff_columns(np.random.default_rng([seed, 2]), staff_df, everyone, plan_year)
    staff_df["bundle_school"] = _bundles(np.random.default_rng([seed, 3]), staff_df, schools, demand)
    _dorms_and_couples(np.random.default_rng([seed, 4]), schools, staff_df)
    _postings(np.random.default_rng([seed, 5]), schools, staff_df, demand, plan_year)
    roads, nodes = _roads(rng, sch.ids, sch.town, sch.lat, sch.lon, town.lat, town.lon, n_town)
    _check_roads(roads, sch.ids, sch.town)

    policy = {"plan_year": int(plan_year), "term_years": TERM_YEARS, "teacher_load": TEACHER_LOAD}
    return {"schools": schools, "staff": staff_df, "demand": demand, "roads": roads, "nodes": nodes,
            "policy": policy}


@dataclass
class _Schools:
    """Per school: township index, level code, seat flag, coordinates, name, rural, mountainous, small rural
    primary, school id."""

    town: np.ndarray
    level: np.ndarray
    seat: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    name: list
    rural: np.ndarray
    mount: np.ndarray
    small: np.ndarray
    ids: np.ndarray

    @property
    def n(self) -> int:
        return len(self.town)


def _schools(rng, town: _Townships, n_schools: int) -> _Schools:
    """Schools per township (each has a primary and a junior seat school and a kindergarten; the first urban
    township has the senior and vocational schools), placed around the township centre."""
    per_town = _split(n_schools, town.weight, 4)
    urban_w = np.array([.15, .37, .15, .03, .22, .08])
    rural_w = np.array([.12, .62, .11, .15, 0, 0])
    s_town, s_level, s_seat, s_lat, s_lon, s_name = [], [], [], [], [], []
    district_ord = {S: 0, V: 0}
    first_urban = int(np.flatnonzero(town.urban)[0])
    for t in range(len(town.name)):
        c = int(per_town[t])
        urban = bool(town.urban[t])
        levels = [P, J, K]
        if t == first_urban:
            levels.append(S)
            if n_schools >= 40:
                levels.append(V)
        levels += list(rng.choice(6, size=c - len(levels), p=(urban_w if urban else rural_w)))
        seat = [True, True] + [False] * (len(levels) - 2)
        ord_town: dict[int, int] = {}
        r_lo, r_hi = (0.008, 0.03) if urban else (0.02, 0.06)
        for lv, st in zip(levels, seat):
            if lv in (S, V):
                district_ord[lv] += 1
                o = district_ord[lv]
            else:
                ord_town[lv] = ord_town.get(lv, 0) + 1
                o = ord_town[lv]
            r = rng.uniform(0.0, 0.012) if st else rng.uniform(r_lo, r_hi)
            a = rng.uniform(0, 2 * math.pi)
            s_lat.append(round(float(town.lat[t] + r * math.sin(a)), 6))
            s_lon.append(round(float(town.lon[t] + r * math.cos(a) / math.cos(math.radians(town.lat[t]))), 6))
            s_town.append(t)
            s_level.append(int(lv))
            s_seat.append(st)
            s_name.append(_school_name(town.name[t], town.district, int(lv), o))
    town_of, level_of, seat_of = np.array(s_town), np.array(s_level), np.array(s_seat)
    s_rural = ~town.urban[town_of]
    n_s = len(town_of)
    width = max(4, len(str(n_s)))
    s_id = np.array([f"S{i:0{width}d}" for i in range(1, n_s + 1)], dtype=object)
    return _Schools(town_of, level_of, seat_of, np.array(s_lat), np.array(s_lon), s_name, s_rural,
                    town.mount[town_of], s_rural & (level_of == P) & ~seat_of, s_id)


@dataclass
class _Posts:
    """Per school: people (leaders and teachers) before the plan, principal and vice-principal posts, which
    principal posts are filled, filled vice-principal posts, leaders."""

    size: np.ndarray
    principal: np.ndarray
    vice: np.ndarray
    p_filled: np.ndarray
    vp_filled: np.ndarray
    n_lead: np.ndarray


def _sizes_and_posts(rng, sch: _Schools, n_existing: int) -> _Posts:
    """School sizes by level and area, scaled to n_existing people; leader posts by size, a few vacant."""
    s_rural, s_level, s_small, n_s = sch.rural, sch.level, sch.small, sch.n
    lo = np.select([~s_rural & (s_level == K), ~s_rural & (s_level == P), ~s_rural & (s_level == J),
                    ~s_rural & (s_level == N), s_level == S, s_level == V,
                    s_level == K, s_small, s_level == P, s_level == J],
                   [18, 40, 60, 60, 100, 70, 8, 8, 28, 35], 25)
    hi = np.select([~s_rural & (s_level == K), ~s_rural & (s_level == P), ~s_rural & (s_level == J),
                    ~s_rural & (s_level == N), s_level == S, s_level == V,
                    s_level == K, s_small, s_level == P, s_level == J],
                   [40, 90, 120, 100, 200, 140, 18, 20, 50, 75], 55)
    raw = _randint(rng, lo, hi).astype(float)
    fixed = s_small | (s_rural & (s_level == K))
    free = n_existing - raw[fixed].sum()
    scale = max(0.3, free / max(raw[~fixed].sum(), 1.0))
    size = np.where(fixed, raw, np.round(raw * scale)).astype(np.int64)
    size = np.maximum(size, 8)
    diff = n_existing - int(size.sum())
    adjustable = np.flatnonzero(~fixed) if (~fixed).any() else np.arange(n_s)
    while diff != 0:
        pick = rng.choice(adjustable, size=min(abs(diff), len(adjustable)), replace=False)
        if diff < 0:
            pick = pick[size[pick] > 12]
            if len(pick) == 0:
                break
        size[pick] += 1 if diff > 0 else -1
        diff = n_existing - int(size.sum())

    p_posts = np.ones(n_s, dtype=np.int64)
    vp_posts = np.where(size < 30, 1, np.where(size < 80, 2, 3)).astype(np.int64)
    p_filled = np.ones(n_s, dtype=bool)
    non_seat = np.flatnonzero(~sch.seat)
    n_pvac = min(len(non_seat), max(1, round(0.025 * n_s)))
    p_filled[rng.choice(non_seat, size=n_pvac, replace=False)] = False
    vp_filled = rng.binomial(vp_posts, 0.88)
    n_lead = p_filled.astype(np.int64) + vp_filled
    size = np.maximum(size, n_lead + 5)
    return _Posts(size, p_posts, vp_posts, p_filled, vp_filled, n_lead)


@dataclass
class _Existing:
    """Per person on the staff before the plan (leaders first at each school, then its teachers)."""

    sidx: np.ndarray  # school index
    role: np.ndarray  # 0 principal, 1 vice-principal, 2 teacher
    is_lead: np.ndarray
    rural: np.ndarray
    grp: np.ndarray  # 0 regular teacher, 1 finishing period 1, 2 young period 1, 3 reserve, 4 retiree, 5 leader
    n_ret: int
    subj: np.ndarray
    female: np.ndarray
    age: np.ndarray
    yas: np.ndarray
    terms: np.ndarray
    contract: np.ndarray
    period: np.ndarray
    rsy: np.ndarray
    pf: np.ndarray
    deg: np.ndarray
    backbone: np.ndarray
    exempt: np.ndarray
    itinerant: np.ndarray
    h_lat: np.ndarray
    h_lon: np.ndarray
    stage: np.ndarray  # which school levels a teacher fits (STAGE_LEVELS)


def _existing_staff(rng, sch: _Schools, posts: _Posts, town: _Townships) -> _Existing:
    """Everyone now on the staff: roles, teacher groups, subjects, gender, age, career, degrees, backbone
    levels, exemptions, homes and the school levels each fits."""
    size = posts.size
    s_rural, s_level = sch.rural, sch.level
    m = int(size.sum())
    sidx = np.repeat(np.arange(sch.n), size)
    starts = np.cumsum(size) - size
    rank = np.arange(m) - np.repeat(starts, size)
    role = np.where(rank >= np.repeat(posts.n_lead, size), 2,
                    np.where((rank == 0) & np.repeat(posts.p_filled, size), 0, 1))
    is_lead = role < 2
    rural = s_rural[sidx]
    level = s_level[sidx]
    small = sch.small[sidx]
    grp, n_t, n_ret = _teacher_groups(rng, is_lead)
    subj = _subjects(rng, level, small, is_lead)

    # gender
    p_f = np.select([level == K, level == P, level == N, level == J], [.97, .75, .65, .6], .55)
    p_f = np.where(is_lead, np.where(level == K, .9, .35), p_f)
    female = rng.random(m) < p_f
    cap = np.where(female, RETIRE_FEMALE - 1, RETIRE_MALE - 1)

    # ages
    age = np.round(rng.normal(np.where(rural, 44.0, 39.0), 8.5)).astype(np.int64)
    age = np.clip(age, 25, cap)
    lead_age = np.round(rng.normal(np.where(rural, 48.0, 45.0), 6.0)).astype(np.int64)
    age = np.where(is_lead, np.clip(lead_age, 35, cap), age)
    p1_years = np.where(grp == 1, 3, rng.integers(0, 3, m))
    age = np.where((grp == 1) | (grp == 2), 22 + p1_years + rng.integers(0, 3, m), age)
    age = np.where(grp == 3, rng.integers(28, 43, m), age)
    age = np.where(grp == 4, np.where(female, RETIRE_FEMALE, RETIRE_MALE) + (rng.random(m) < 0.25), age)

    # career, contract periods, years at school, leader terms
    start_age = 22 + rng.integers(0, 3, m)
    career = np.maximum(age - start_age, 3)
    young = (grp == 1) | (grp == 2)
    career = np.where(young, p1_years, career)
    contract = np.where(young, 1, 2 + (career - 3) // TERM_YEARS)
    period = np.where(young, p1_years, (career - 3) % TERM_YEARS)
    long_stay = rng.random(m) < 0.45
    yas = np.where(long_stay, _randint(rng, 6, np.minimum(30, career)), _randint(rng, 0, np.minimum(5, career)))
    yas = np.minimum(yas, career)
    # terms_at_school counts *completed* terms (contract v2, R1): a leader in their third term has completed 2,
    # and years_at_school is at least terms x TERM_YEARS (0 to 2 years into the term being served).
    terms = np.where(is_lead, rng.choice([0, 1, 2, 3], size=m, p=[.45, .3, .17, .08]), 0)
    # Leaders rotate within their level group (kindergarten / compulsory / senior+vocational): where a
    # district has a single school of a group, its leaders have nowhere to go, so none are due there.
    s_group = np.select([s_level == K, (s_level == S) | (s_level == V)], [0, 2], 1)
    lone = np.bincount(s_group, minlength=3) < 2
    terms = np.where(is_lead & lone[s_group[sidx]], np.minimum(terms, 1), terms)
    terms = np.where(is_lead, np.minimum(terms, career // TERM_YEARS), terms)
    lead_yas = terms * TERM_YEARS + rng.integers(0, 3, m)
    yas = np.where(is_lead, np.minimum(lead_yas, career), yas)
    yas = np.where(young, p1_years, yas)

    # public-funded teachers (young, not reserve/retiring)
    pf = np.zeros(m, dtype=bool)
    pf_cand = np.flatnonzero(~is_lead & (age <= 32) & (grp <= 2))
    n_pf = min(len(pf_cand), round(0.027 * n_t))
    pf[rng.choice(pf_cand, size=n_pf, replace=False)] = True
    yas = np.where(pf, np.minimum(yas, 8), yas)

    # rural service years
    past = (career - yas) * rng.random(m)
    rsy = np.where(rural, yas + past * (rng.random(m) < 0.6), past * (rng.random(m) < 0.35))
    rsy = np.where(young, np.where(rural, p1_years, 0), rsy)
    pf_rsy = np.minimum(rng.uniform(0, 8, m), career)
    rsy = np.where(pf, np.where(rural, np.maximum(pf_rsy, yas), pf_rsy), rsy)
    rsy = np.round(rsy * 2) / 2

    deg, backbone = _qualifications(rng, is_lead, rural, level, grp, age)

    # exemptions: ~8 % of due leaders, ~1 % of teachers eligible for exchange
    due = is_lead & (terms >= 2) & np.isin(level, [P, J, N])  # R1: compulsory schools (rotation_levels)
    exempt_pick = (due & (rng.random(m) < 0.08)) | ((grp == 0) & (yas >= 6) & (rng.random(m) < 0.01))
    near_ret = age >= cap - 2
    exempt = np.where(~exempt_pick, "",
                      np.where(near_ret, "临近退休",
                               np.where(female & (age <= 40), "孕期",
                                        np.array(EXEMPT_DUE, dtype=object)[rng.integers(0, len(EXEMPT_DUE), m)])))

    itinerant = ~is_lead & (rng.random(m) < 0.9)

    # homes: near the school, ~30 % of rural staff near an urban township centre, ~2 % missing
    urban_towns = np.flatnonzero(town.urban)
    ut = urban_towns[rng.integers(0, len(urban_towns), m)]
    commute = rural & (rng.random(m) < 0.3)
    h_lat = np.where(commute, town.lat[ut] + rng.normal(0, 0.01, m), sch.lat[sidx] + rng.normal(0, 0.008, m))
    h_lon = np.where(commute, town.lon[ut] + rng.normal(0, 0.012, m), sch.lon[sidx] + rng.normal(0, 0.01, m))
    missing = rng.random(m) < 0.02
    h_lat = np.where(missing, np.nan, np.round(h_lat, 6))
    h_lon = np.where(missing, np.nan, np.round(h_lon, 6))

    # stage (which school levels a teacher fits)
    stage = np.select([level == K, level == P, level == J, (level == S) | (level == V)], [0, 1, 2, 3], 1)
    nine = level == N
    stage = np.where(nine, np.where(np.isin(subj, list(JUNIOR_ONLY)), 2,
                                    np.where(subj == SUBJ["science"], 1, 1 + (rng.random(m) < 0.5))), stage)
    return _Existing(sidx, role, is_lead, rural, grp, n_ret, subj, female, age, yas, terms, contract, period, rsy,
                     pf, deg, backbone, exempt, itinerant, h_lat, h_lon, stage)


def _teacher_groups(rng, is_lead: np.ndarray) -> tuple[np.ndarray, int, int]:
    """(group per person, teachers, retirees): teachers finishing period 1, young period 1, reserve leaders,
    retirees, regular; leaders are group 5."""
    t_idx = np.flatnonzero(~is_lead)
    n_t = len(t_idx)
    perm = rng.permutation(t_idx)
    n_fin, n_young = round(0.03 * n_t), round(0.05 * n_t)
    n_res, n_ret = round(0.03 * n_t), max(2, round(0.006 * n_t))
    grp = np.zeros(len(is_lead), dtype=np.int8)  # 0 regular teacher, 1 fin, 2 young, 3 reserve, 4 retiree, 5 leader
    cut = np.cumsum([0, n_fin, n_young, n_res, n_ret])
    for g in range(4):
        grp[perm[cut[g]:cut[g + 1]]] = g + 1
    grp[is_lead] = 5
    return grp, n_t, n_ret


def _subjects(rng, level: np.ndarray, small: np.ndarray, is_lead: np.ndarray) -> np.ndarray:
    """Subject per person by school level (small rural primaries teach mostly chinese and math)."""
    subj = np.full(len(level), -1, dtype=np.int64)
    for mask, w in ((level == K, W_KINDER), (small, W_SMALL), ((level == P) & ~small, W_PRIMARY),
                    (level == N, W_NINE), ((level == J) | (level == S) | (level == V), W_JUNIOR)):
        idx = np.flatnonzero(mask & ~is_lead)
        subj[idx] = rng.choice(len(SUBJECTS), size=len(idx), p=w)
    lead_idx = np.flatnonzero(is_lead)
    lead_w = np.where(level[lead_idx] == K, SUBJ["preschool"],
                      rng.choice([SUBJ["chinese"], SUBJ["math"], SUBJ["english"], SUBJ["moral"]],
                                 size=len(lead_idx), p=[.4, .35, .1, .15]))
    subj[lead_idx] = lead_w
    return subj


def _qualifications(rng, is_lead, rural, level, grp, age) -> tuple[np.ndarray, np.ndarray]:
    """(degree code, backbone code) per person: rural schools hold fewer bachelor-or-above and
    district-level-or-above backbone teachers (R9/R10 have something to improve)."""
    m = len(is_lead)
    p_bach = np.select([is_lead & ~rural, is_lead, level == K, ~rural], [.97, .88, .5, .90], .70)
    p_bach = np.where((level == K) & ~rural & ~is_lead, .75, p_bach)
    p_bach = np.where(grp == 3, .97, p_bach)
    p_bach = np.clip(p_bach + 0.006 * (40 - age), 0.15, 0.995)
    bach = rng.random(m) < p_bach
    p_master = np.where(rural, .04, np.where(age < 45, .14, .05))
    u = rng.random(m)
    deg = np.where(bach, np.where(u < p_master * ((level == S) * 0.15), 0, np.where(u < p_master, 1, 2)),
                   np.where(u < 0.85, 3, 4))

    # backbone levels: cumulative thresholds province, city, district, school
    probs = np.where(rural[:, None], [[.003, .015, .055, .12]], [[.012, .045, .115, .15]])
    probs = np.where(is_lead[:, None], np.where(rural[:, None], [[.01, .05, .15, .25]], [[.03, .10, .25, .25]]),
                     probs)
    probs = np.where((grp == 3)[:, None], [[.02, .08, .25, .35]], probs)
    probs = np.where((age < 28)[:, None], [[0, 0, 0, .05]], probs)
    u = rng.random(m)
    backbone = (u[:, None] >= np.cumsum(probs, axis=1)).sum(axis=1)
    return deg, backbone


@dataclass
class _Hires:
    """Per new hire (to be placed by the plan)."""

    subj: np.ndarray
    stage: np.ndarray
    female: np.ndarray
    age: np.ndarray
    deg: np.ndarray
    pf: np.ndarray
    itin: np.ndarray
    lat: np.ndarray
    lon: np.ndarray

    @property
    def n(self) -> int:
        return len(self.subj)


def _new_hires(rng, h: int, town: _Townships) -> _Hires:
    """New hires: subjects, the school levels they fit, gender, age, degree, public funding, homes."""
    h_subj = rng.choice(len(SUBJECTS), size=h, p=W_HIRE)
    uu = rng.random(h)
    h_stage = np.where(h_subj == SUBJ["preschool"], 0,
                       np.where(h_subj == SUBJ["science"], 1,
                                np.where(np.isin(h_subj, list(JUNIOR_ONLY)), np.where(uu < 0.75, 2, 3),
                                         np.where(uu < 0.5, 1, np.where(uu < 0.88, 2, 3)))))
    h_female = rng.random(h) < np.where(h_stage == 0, .95, .7)
    h_age = rng.integers(22, 28, h)
    ud = rng.random(h)
    h_deg = np.where(h_stage == 0, np.where(ud < .1, 1, np.where(ud < .7, 2, 3)),
                     np.where(ud < .02, 0, np.where(ud < .27, 1, np.where(ud < .97, 2, 3))))
    h_pf = rng.random(h) < 0.08
    h_itin = rng.random(h) < 0.9
    urban_towns = np.flatnonzero(town.urban)
    h_town = np.where(rng.random(h) < 0.5, urban_towns[rng.integers(0, len(urban_towns), h)],
                      rng.integers(0, len(town.name), h))
    hl_lat = np.round(town.lat[h_town] + rng.normal(0, 0.015, h), 6)
    hl_lon = np.round(town.lon[h_town] + rng.normal(0, 0.018, h), 6)
    h_missing = rng.random(h) < 0.02
    hl_lat = np.where(h_missing, np.nan, hl_lat)
    hl_lon = np.where(h_missing, np.nan, hl_lon)
    return _Hires(h_subj, h_stage, h_female, h_age, h_deg, h_pf, h_itin, hl_lat, hl_lon)


@dataclass
class _Everyone:
    """Existing staff then new hires, the columns that both have."""

    school: np.ndarray  # school index, -1 for a new hire
    role: np.ndarray
    subj: np.ndarray
    female: np.ndarray
    age: np.ndarray
    stage: np.ndarray
    grp: np.ndarray  # as _Existing.grp; 6 = new hire

    @property
    def n(self) -> int:
        return len(self.school)


def _everyone(ppl: _Existing, hires: _Hires) -> _Everyone:
    h = hires.n
    return _Everyone(np.concatenate([ppl.sidx, np.full(h, -1)]), np.concatenate([ppl.role, np.full(h, 2)]),
                     np.concatenate([ppl.subj, hires.subj]), np.concatenate([ppl.female, hires.female]),
                     np.concatenate([ppl.age, hires.age]), np.concatenate([ppl.stage, hires.stage]),
                     np.concatenate([ppl.grp, np.full(h, 6, dtype=np.int8)]))


def _stage_candidates(sch: _Schools, n_town: int) -> tuple[dict, dict, dict]:
    """Per stage: the schools of its levels, their cumulative draw weights (urban 3x), per township."""
    stage_cand, stage_cum, town_stage = {}, {}, {}
    for st, lvls in STAGE_LEVELS.items():
        cand = np.flatnonzero(np.isin(sch.level, lvls))
        stage_cand[st] = cand.tolist()
        w = np.where(sch.rural[cand], 1.0, 3.0)
        stage_cum[st] = (np.cumsum(w) / w.sum()).tolist() if len(cand) else []
        for t in range(n_town):
            town_stage[(t, st)] = cand[sch.town[cand] == t].tolist()
    return stage_cand, stage_cum, town_stage


def _preferences(rng, sch: _Schools, everyone: _Everyone) -> np.ndarray:
    """Ranked schools of ~15 % of teachers (not retiring) and new hires: 1..3 fitting schools, not their own."""
    stage_cand, stage_cum, town_stage = _stage_candidates(sch, int(sch.town.max()) + 1)
    tot = everyone.n
    want = (everyone.role == 2) & (everyone.grp != 4) & (rng.random(tot) < 0.15)
    sel = np.flatnonzero(want)
    k_pref = rng.integers(1, 4, len(sel))
    draws = rng.random((len(sel), 8))
    local = rng.random((len(sel), 8)) < 0.4
    prefs = np.full(tot, "", dtype=object)
    sel_school = everyone.school[sel].tolist()
    sel_stage = everyone.stage[sel].tolist()
    town_of = sch.town.tolist()
    for row, (p_i, own, st, k) in enumerate(zip(sel.tolist(), sel_school, sel_stage, k_pref.tolist())):
        cand, cum = stage_cand[st], stage_cum[st]
        if not cand:
            continue
        loc = town_stage[(town_of[own], st)] if own >= 0 else []
        picks: list[int] = []
        for j in range(8):
            x = float(draws[row, j])
            if local[row, j] and loc:
                s = loc[int(x * len(loc))]
            else:
                s = cand[min(int(np.searchsorted(cum, x)), len(cand) - 1)]
            if s != own and s not in picks:
                picks.append(s)
                if len(picks) == k:
                    break
        prefs[p_i] = ";".join(sch.ids[picks].tolist())
    return prefs


def _quotas(rng, sch: _Schools, posts: _Posts, ppl: _Existing, hires: _Hires) -> tuple[np.ndarray, np.ndarray]:
    """(staff quota, slack) per school: a few over quota, room for new hires, retirements and period-1 finishers
    crossing the urban-rural line (R8)."""
    n_s, h = sch.n, hires.n
    sidx, is_lead, grp, rural = ppl.sidx, ppl.is_lead, ppl.grp, ppl.rural
    teachers_at = np.bincount(sidx[~is_lead], minlength=n_s)
    slack = rng.choice([0, 1, 2, 3], size=n_s, p=[.1, .25, .35, .3]).astype(np.int64)
    over = rng.random(n_s) < 0.05
    slack[over] = -rng.integers(1, 3, int(over.sum()))
    retire_at = np.bincount(sidx[grp == 4], minlength=n_s)
    weight = posts.size.astype(float)
    for st, lvls in STAGE_LEVELS.items():  # room for each stage's hires (nine_year counted once)
        lv = (P,) if st == 1 else lvls
        mask = np.isin(sch.level, lv)
        _top_up(rng, slack, mask, int((hires.stage == st).sum()) + int(retire_at[mask].sum()), weight)
    for area_rural in (False, True):  # room for period-1 finishers crossing into this area
        mask = sch.rural == area_rural
        movers = int(((grp == 1) & (rural != area_rural)).sum())
        _top_up(rng, slack, mask, movers + int(retire_at[mask].sum()) + h // 4, weight)
    _top_up(rng, slack, np.ones(n_s, dtype=bool), h + ppl.n_ret, weight)
    return teachers_at + slack, slack


def _locks(rng, staff: int, sch: _Schools, ppl: _Existing, hires: _Hires, everyone: _Everyone,
           slack: np.ndarray) -> np.ndarray:
    """locked_school of a few regular teachers (not exempt, not public-funded): most to their own school, every
    third to another fitting school with room where the subject is taught."""
    locked = np.full(everyone.n, "", dtype=object)
    h = hires.n
    stage_cand = _stage_candidates(sch, int(sch.town.max()) + 1)[0]
    n_locks = max(1, round(staff * 3 / 5000))
    lock_cand = np.flatnonzero((everyone.grp == 0) & np.concatenate([ppl.exempt == "", np.zeros(h, bool)]) &
                               ~np.concatenate([ppl.pf, hires.pf]))
    chosen = rng.choice(lock_cand, size=min(n_locks, len(lock_cand)), replace=False)
    free_slack = slack.copy()
    # (school, subject) pairs that will have demand: a lock must send a teacher where the subject is taught
    teach = ~ppl.is_lead
    taught = set((ppl.sidx[teach] * len(SUBJECTS) + ppl.subj[teach]).tolist())
    for i, p_i in enumerate(chosen.tolist()):
        own = int(everyone.school[p_i])
        target = own
        if i % 3 == 2:  # every third lock moves the person to another fitting school with room
            code = int(everyone.subj[p_i])
            cand = [s for s in stage_cand[int(everyone.stage[p_i])]
                    if s != own and free_slack[s] >= 1 and s * len(SUBJECTS) + code in taught]
            if cand:
                target = cand[int(rng.integers(0, len(cand)))]
                free_slack[target] -= 1
        locked[p_i] = sch.ids[target]
    return locked


def _demand(rng, sch: _Schools, ppl: _Existing) -> pd.DataFrame:
    """Weekly lessons per (school, subject): about what the teachers there teach; larger rural schools have
    spare music/art/PE/English capacity, small rural primaries lack those lessons (R7), a few rural core gaps."""
    s_rural, s_small = sch.rural, sch.small
    t_mask = ~ppl.is_lead
    key = ppl.sidx[t_mask] * len(SUBJECTS) + ppl.subj[t_mask]
    keys, counts = np.unique(key, return_counts=True)
    d_school, d_subj = keys // len(SUBJECTS), keys % len(SUBJECTS)
    spare = s_rural[d_school] & ~s_small[d_school] & np.isin(d_subj, ITINERANT_SUBJECTS)
    factor = np.where(spare, rng.uniform(0.6, 0.85, len(keys)), rng.uniform(0.9, 1.08, len(keys)))
    lessons = np.round(counts * TEACHER_LOAD * factor)
    core = np.isin(d_subj, [SUBJ["chinese"], SUBJ["math"], SUBJ["english"]])
    gap = s_rural[d_school] & core & (rng.random(len(keys)) < 0.1)
    lessons = lessons + np.where(gap, rng.integers(6, 15, len(keys)), 0)
    small_ids = np.flatnonzero(s_small)
    extra_subj = np.array(ITINERANT_SUBJECTS + [SUBJ["it"], SUBJ["science"]])
    ex_school = np.repeat(small_ids, len(extra_subj))
    ex_subj = np.tile(extra_subj, len(small_ids))
    ex_take = np.isin(ex_subj, ITINERANT_SUBJECTS) | (rng.random(len(ex_subj)) < 0.3)
    ex_key = (ex_school * len(SUBJECTS) + ex_subj)[ex_take]
    have = np.isin(keys, ex_key)  # small school has a few teachers of it: demand exceeds them
    lessons = np.where(have, np.maximum(lessons, np.round(counts * TEACHER_LOAD * rng.uniform(1.1, 1.3, len(keys)))),
                       lessons)
    new_key = np.setdiff1d(ex_key, keys)
    all_key = np.concatenate([keys, new_key])
    all_les = np.concatenate([lessons, rng.integers(4, 13, len(new_key))]).astype(np.int64)
    order = np.argsort(all_key, kind="stable")
    all_key, all_les = all_key[order], np.maximum(all_les[order], 1)
    return pd.DataFrame({
        "school_id": sch.ids[all_key // len(SUBJECTS)],
        "subject": SUBJECT_ARR[all_key % len(SUBJECTS)],
        "weekly_lessons": all_les,
    })


def _school_frame(sch: _Schools, town: _Townships, posts: _Posts, quota: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame({
        "school_id": sch.ids,
        "name": np.array(sch.name, dtype=object),
        "township": np.array(town.name, dtype=object)[sch.town],
        "area": np.where(sch.rural, "rural", "urban").astype(object),
        "level": LEVELS[sch.level],
        "is_township_seat": sch.seat.astype(bool),
        "mountainous": sch.mount.astype(bool),
        "lat": sch.lat,
        "lon": sch.lon,
        "principal_posts": posts.principal,
        "vice_principal_posts": posts.vice,
        "staff_quota": quota.astype(np.int64),
    })


def _staff_frame(rng, sch: _Schools, ppl: _Existing, hires: _Hires, everyone: _Everyone, prefs: np.ndarray,
                 locked: np.ndarray, plan_year: int) -> pd.DataFrame:
    """staff.csv: existing staff then new hires; names and birth dates drawn here."""
    h, tot = hires.n, everyone.n
    zeros_h = np.zeros(h, dtype=np.int64)
    a_school = everyone.school
    return pd.DataFrame({
        "person_id": np.array([f"P{i:06d}" for i in range(1, tot + 1)], dtype=object),
        "name": _names(rng, tot),
        "gender": np.where(everyone.female, "F", "M").astype(object),
        "birth_date": _birth_dates(rng, everyone.age, plan_year),
        "role": ROLES[everyone.role],
        "school_id": np.where(a_school >= 0, sch.ids[np.maximum(a_school, 0)], "").astype(object),
        "subject": SUBJECT_ARR[everyone.subj],
        "degree": DEGREES[np.concatenate([ppl.deg, hires.deg])],
        "backbone": BACKBONE[np.concatenate([ppl.backbone, np.full(h, 4)])],
        "years_at_school": np.concatenate([ppl.yas, zeros_h]).astype(np.int64),
        "terms_at_school": np.concatenate([ppl.terms, zeros_h]).astype(np.int64),
        "contract_period": np.concatenate([ppl.contract, zeros_h]).astype(np.int64),
        "period_years": np.concatenate([ppl.period, zeros_h]).astype(np.int64),
        "rural_service_years": np.concatenate([ppl.rsy, np.zeros(h)]).astype(float),
        "public_funded": np.concatenate([ppl.pf, hires.pf]).astype(bool),
        "reserve_leader": (everyone.grp == 3),
        "itinerant_ok": np.concatenate([ppl.itinerant, hires.itin]).astype(bool),
        "exempt_reason": np.concatenate([ppl.exempt, np.full(h, "", dtype=object)]).astype(object),
        "home_lat": np.concatenate([ppl.h_lat, hires.lat]),
        "home_lon": np.concatenate([ppl.h_lon, hires.lon]),
        "preferences": prefs,
        "locked_school": locked,
        "certificate": _certificates(sch, everyone),  # contract v2, R14
    })


# ---- contract v2: retirement dates, titles, teaching years, evaluation scores --------------------------
def _v2_staff_columns(rng, staff_df: pd.DataFrame, everyone: _Everyone, plan_year: int) -> None:
    """Add title, teaching_years and evaluation_score, and redraw retirees' birth dates for the 2025 statutory
    schedule (R12), in place. Drawn from their own generator so that the other columns do not change."""
    from ..models.retirement import retirement_age_months

    n = everyone.n
    new = everyone.school < 0
    lead = everyone.role < 2
    sept1 = plan_year * 12 + 8  # month index of September of plan_year
    # R12: retirees (group 4) reach the statutory age within the 12 months before 1 September; about as many
    # people of the same age stay because their step of the schedule puts the date just after it.
    births = staff_df["birth_date"].to_numpy(dtype=object).copy()
    retiree = np.flatnonzero(everyone.grp == 4)
    near = np.flatnonzero((everyone.grp == 0) & (rng.random(n) < 0.004))
    for idx, lo, hi in ((retiree, -11, 0), (near, 1, 6)):
        for i, target in zip(idx, sept1 + rng.integers(lo, hi + 1, len(idx))):
            g = "F" if everyone.female[i] else "M"
            # the latest birth month retiring in `target` or before (birth month + age in months increases)
            b = max(b for b in range(target - 63 * 12, target - 55 * 12 + 1)
                    if b + retirement_age_months(g, b // 12, b % 12 + 1) <= target)
            if b + retirement_age_months(g, b // 12, b % 12 + 1) < target and target > sept1:
                b += 1  # a skipped month (the schedule steps by two there): the next birth month, still after
            day = int(rng.integers(1, 29)) if target < sept1 else 1
            births[i] = f"{b // 12:04d}-{b % 12 + 1:02d}-{day:02d}"
    staff_df["birth_date"] = births
    # teaching years (教龄): years at the school plus earlier posts; new hires 0
    yas = staff_df["years_at_school"].to_numpy()
    age = everyone.age
    teaching = np.maximum(yas, age - 22 - rng.integers(0, 4, n))
    teaching = np.where(new, 0, np.clip(teaching, 0, 45)).astype(np.int64)
    # title (职称) by teaching years: second after about a year, first after about seven, senior for some of the
    # long-serving (leaders more often); new hires have none yet (未定级)
    t = teaching + rng.normal(0, 2.5, n)
    senior = (t >= 15) & (rng.random(n) < np.where(lead, 0.7, 0.35))
    title = np.select([new, senior, t >= 7, t >= 1], ["none", "senior", "first", "second"], "third").astype(object)
    staff_df["title"] = title
    staff_df["teaching_years"] = teaching
    # evaluation score (考核分) of the last year for existing staff; empty for new hires
    score = np.round(np.clip(rng.normal(85, 6, n), 55, 100), 1)
    staff_df["evaluation_score"] = np.where(new, np.nan, score)


def _dorms_and_couples(rng, schools: pd.DataFrame, staff_df: pd.DataFrame) -> None:
    """Contract v2, in place: dormitory beds (R17) at about a third of rural schools, 2 to 8 each; couples
    (spouse_id both ways) among about 4% of existing staff: a man and a woman of one township within 6 years
    of age. Drawn from their own generator so that the other columns do not change."""
    rural = (schools["area"] == "rural").to_numpy()
    give = rural & (rng.random(len(schools)) < 0.35)
    schools["dorm_beds"] = pd.array(np.where(give, rng.integers(2, 9, len(schools)), 0), dtype="Int64")
    schools.loc[~give, "dorm_beds"] = pd.NA
    town = staff_df["school_id"].map(schools.set_index("school_id")["township"]).fillna("").to_numpy()
    year = pd.to_datetime(staff_df["birth_date"]).dt.year.to_numpy()
    spouse = np.full(len(staff_df), "", dtype=object)
    pid = staff_df["person_id"].to_numpy()
    gender = staff_df["gender"].to_numpy()
    cand = np.flatnonzero((town != "") & (rng.random(len(staff_df)) < 0.04))
    by_town: dict[str, list[int]] = {}
    for i in cand:
        by_town.setdefault(town[i], []).append(int(i))
    for people in by_town.values():
        men = [i for i in people if gender[i] == "M"]
        women = [i for i in people if gender[i] == "F"]
        for m in men:
            match = next((w for w in women if abs(int(year[w]) - int(year[m])) <= 6 and spouse[w] == ""), None)
            if match is not None:
                spouse[m], spouse[match] = pid[match], pid[m]
    staff_df["spouse_id"] = spouse


_GROUP = {"kindergarten": 0, "primary": 1, "junior": 1, "nine_year": 1, "senior": 2, "vocational": 2}
_CERT_RANK = {"kindergarten": 0, "primary": 1, "junior": 2, "senior": 3, "vocational": 3}
_LEVEL_NEED = {"kindergarten": 0, "primary": 1, "nine_year": 1, "junior": 2, "senior": 3, "vocational": 3}
BUNDLE_NEAREST = 5  # a period-1 teacher's bundle school is one of this many nearest fitting schools


def _bundles(rng, staff_df: pd.DataFrame, schools: pd.DataFrame, demand: pd.DataFrame) -> np.ndarray:
    """R5: the period-2 school named at hiring (bundle_school) of every teacher in contract period 1: one of the
    BUNDLE_NEAREST nearest schools of the other area and the same level group (else any) that teach their subject
    at a level their certificate covers (R14); empty for everyone else and where no school fits. Drawn from their own
    generator so that the other columns do not change."""
    out = np.full(len(staff_df), "", dtype=object)
    ids = schools["school_id"].to_numpy(dtype=object)
    s_of = {sid: i for i, sid in enumerate(ids)}
    rural = (schools["area"] == "rural").to_numpy()
    level = schools["level"].to_numpy(dtype=object)
    group = np.array([_GROUP.get(lv, 3) for lv in level])
    need = np.array([_LEVEL_NEED.get(lv, 0) for lv in level])
    lat, lon = schools["lat"].to_numpy(dtype=float), schools["lon"].to_numpy(dtype=float)
    teaches: dict[str, np.ndarray] = {}
    for subj, sids in demand.groupby("subject")["school_id"]:
        mask = np.zeros(len(ids), dtype=bool)
        mask[[s_of[x] for x in sids if x in s_of]] = True
        teaches[str(subj)] = mask
    rows = np.flatnonzero((staff_df["role"].to_numpy() == "teacher") & (staff_df["contract_period"].to_numpy() == 1)
                          & (staff_df["school_id"].to_numpy() != ""))
    for i in rows:
        s = s_of[staff_df["school_id"].iat[i]]
        fit = teaches.get(str(staff_df["subject"].iat[i]), np.zeros(len(ids), dtype=bool))
        rank = _CERT_RANK.get(str(staff_df["certificate"].iat[i]), 3)
        ok = fit & (rural != rural[s]) & (need <= rank)
        cand = np.flatnonzero(ok & (group == group[s]))
        if len(cand) == 0:  # e.g. senior schools, all urban: a school of another level group
            cand = np.flatnonzero(ok)
        if len(cand) == 0:
            continue
        km = _haversine_km(lat[s], lon[s], lat[cand], lon[cand])
        near = cand[np.lexsort((cand, km))][:BUNDLE_NEAREST]
        out[i] = ids[near[int(rng.integers(0, len(near)))]]
    return out


def _postings(rng, schools: pd.DataFrame, staff_df: pd.DataFrame, demand: pd.DataFrame, plan_year: int) -> None:
    """Contract v2 (R16), in place: about 15 % of the teachers who came to a rural school one to three years ago
    are urban teachers on a posting there: home_school is an urban school of the same level that teaches their
    subject and has room for them to come back (staff_quota above its teachers), posting_until the last school
    year of their three-year posting (plan_year + 1, plan_year, or plan_year - 1: that posting has ended and
    they return this year). Public-funded teachers, those in contract period 1 (R5 decides their period 2) and
    leaders are left out."""
    sch = schools.set_index("school_id")
    teachers = staff_df[(staff_df["role"] == "teacher") & (staff_df["school_id"] != "")]
    room = (pd.to_numeric(sch["staff_quota"], errors="coerce").fillna(10**6)
            - teachers.groupby("school_id").size().reindex(sch.index, fill_value=0))
    taught = set(zip(demand["school_id"], demand["subject"]))
    urban_of_level = {lv: list(g.index) for lv, g in sch[sch["area"] == "urban"].groupby("level")}
    home = np.full(len(staff_df), "", dtype=object)
    until = np.full(len(staff_df), np.nan)
    area = staff_df["school_id"].map(sch["area"]).fillna("").to_numpy()
    level = staff_df["school_id"].map(sch["level"]).fillna("").to_numpy()
    yas = staff_df["years_at_school"].to_numpy()
    pick = ((area == "rural") & (staff_df["role"] == "teacher").to_numpy() & (yas >= 1) & (yas <= 3)
            & ~staff_df["public_funded"].to_numpy(dtype=bool) & (staff_df["contract_period"].to_numpy() >= 2)
            & (rng.random(len(staff_df)) < 0.15))
    for i in np.flatnonzero(pick):
        subj = staff_df.iat[i, staff_df.columns.get_loc("subject")]
        options = [s for s in urban_of_level.get(level[i], []) if (s, subj) in taught and room[s] >= 2]
        if not options:
            continue
        h = options[int(rng.integers(0, len(options)))]
        room[h] -= 1
        home[i] = h
        until[i] = plan_year - int(yas[i]) + 2  # a three-year posting that started years_at_school ago
    staff_df["home_school"] = home
    staff_df["posting_until"] = pd.array(np.where(np.isnan(until), 0, until).astype(int), dtype="Int64")
    staff_df.loc[np.isnan(until), "posting_until"] = pd.NA


CERTIFICATES = np.array(["kindergarten", "primary", "junior", "senior"], dtype=object)  # per stage


def _certificates(sch: _Schools, everyone: _Everyone) -> np.ndarray:
    """R14: each person's teacher certificate by the school levels they fit (their stage): kindergarten,
    primary, junior or senior; vocational for those at a vocational school. So no one's certificate falls
    short of their current school."""
    cert = CERTIFICATES[everyone.stage].astype(object)
    at = everyone.school
    voc = (at >= 0) & (LEVELS[sch.level[np.maximum(at, 0)]] == "vocational")
    # New graduates outside kindergartens mostly hold a senior-school certificate (it covers every level
    # below): hires go where the vacancies are, so a district whose hires could only take seats of their
    # own stage would often have no plan within its quotas (seen on small generated districts).
    hire_senior = (at < 0) & (CERTIFICATES[everyone.stage] != "kindergarten")
    return np.where(voc, "vocational", np.where(hire_senior, "senior", cert)).astype(object)


def _roads(rng, s_id, s_town, s_lat, s_lon, t_lat, t_lon, n_town):
    """Road graph: each school to its 2 nearest schools of its township and to the township hub;
    each hub to its 3 nearest hubs plus a minimum spanning tree of hubs (the district is connected)."""
    hub_lat = np.round(t_lat + rng.uniform(-0.004, 0.004, n_town), 6)
    hub_lon = np.round(t_lon + rng.uniform(-0.004, 0.004, n_town), 6)
    hub_id = np.array([f"N{i:04d}" for i in range(1, n_town + 1)], dtype=object)
    a_list, b_list = [], []
    for t in range(n_town):
        idx = np.flatnonzero(s_town == t)
        a_list.append(idx)
        b_list.append(np.full(len(idx), -1 - t))  # negative: hub t
        if len(idx) >= 2:
            d = _haversine_km(s_lat[idx, None], s_lon[idx, None], s_lat[None, idx], s_lon[None, idx])
            np.fill_diagonal(d, np.inf)
            k = min(2, len(idx) - 1)
            near = np.argsort(d, axis=1, kind="stable")[:, :k]
            a_list.append(np.repeat(idx, k))
            b_list.append(idx[near.ravel()])
    a = np.concatenate(a_list)
    b = np.concatenate(b_list)

    # hub-to-hub: k nearest and Prim's minimum spanning tree
    dh = _haversine_km(hub_lat[:, None], hub_lon[:, None], hub_lat[None, :], hub_lon[None, :])
    hub_pairs = set()
    if n_town > 1:
        d2 = dh.copy()
        np.fill_diagonal(d2, np.inf)
        k = min(3, n_town - 1)
        near = np.argsort(d2, axis=1, kind="stable")[:, :k]
        for i in range(n_town):
            for j in near[i]:
                hub_pairs.add((min(i, int(j)), max(i, int(j))))
        in_tree = np.zeros(n_town, dtype=bool)
        in_tree[0] = True
        best = d2[0].copy()
        parent = np.zeros(n_town, dtype=np.int64)
        for _ in range(n_town - 1):
            cand = np.where(in_tree, np.inf, best)
            j = int(np.argmin(cand))
            i = int(parent[j])
            hub_pairs.add((min(i, j), max(i, j)))
            in_tree[j] = True
            closer = (d2[j] < best) & ~in_tree
            best = np.where(closer, d2[j], best)
            parent = np.where(closer, j, parent)

    def names(x):
        x = np.asarray(x)
        return np.where(x >= 0, s_id[np.maximum(x, 0)], hub_id[np.maximum(-1 - x, 0)])

    def coords(x):
        x = np.asarray(x)
        hub = np.maximum(-1 - x, 0)
        return (np.where(x >= 0, s_lat[np.maximum(x, 0)], hub_lat[hub]),
                np.where(x >= 0, s_lon[np.maximum(x, 0)], hub_lon[hub]))

    hp = np.array(sorted(hub_pairs), dtype=np.int64).reshape(-1, 2)
    a = np.concatenate([a, -1 - hp[:, 0]])
    b = np.concatenate([b, -1 - hp[:, 1]])
    # undirected: order each pair and drop duplicates (schools sort before hubs by code)
    code_a = np.where(a >= 0, a, len(s_id) - 1 - a)
    code_b = np.where(b >= 0, b, len(s_id) - 1 - b)
    lo, hi = np.minimum(code_a, code_b), np.maximum(code_a, code_b)
    pair = np.unique(lo * (len(s_id) + n_town + 1) + hi)
    lo, hi = pair // (len(s_id) + n_town + 1), pair % (len(s_id) + n_town + 1)
    back = lambda c: np.where(c < len(s_id), c, len(s_id) - 1 - c)  # noqa: E731
    a, b = back(lo), back(hi)
    la, oa = coords(a)
    lb, ob = coords(b)
    roads = pd.DataFrame({
        "from": names(a).astype(object),
        "to": names(b).astype(object),
        "minutes": _minutes(_haversine_km(la, oa, lb, ob)),
    })
    nodes = pd.DataFrame({"node_id": hub_id, "lat": hub_lat, "lon": hub_lon})
    return roads, nodes


def _check_roads(roads: pd.DataFrame, s_id, s_town) -> None:
    g = nx.Graph()
    g.add_nodes_from(s_id.tolist())
    g.add_edges_from(zip(roads["from"].tolist(), roads["to"].tolist()))
    comp = {}
    for c, members in enumerate(nx.connected_components(g)):
        for node in members:
            comp[node] = c
    for t in np.unique(s_town):
        ids = s_id[s_town == t]
        assert len({comp[i] for i in ids}) == 1, f"township {t} is not connected on the road graph"
    assert nx.is_connected(g), "the district road graph is not connected"
