"""Who may move in the teacher stage, and to which schools (candidate pruning).

Everything the teacher model needs is gathered here once, as numpy arrays, so that the rule modules
stay small and the model stays small:

* the teachers of the coming year (role_after ``teacher``, not retiring; leaders decided by the leader
  stage are not placed here and do not count against ``staff_quota``);
* which of them are movable (new hires, teachers finishing contract period 1, exchange-eligible
  teachers, teachers of schools over quota, teachers who ranked preferences) and which are fixed
  (everyone else stays; a ``locked_school`` places the person there);
* for each movable teacher a short list of candidate schools: only schools that fit (the school's
  demand has the teacher's subject; preschool teachers only at kindergartens, others never there), whose
  level the teacher's certificate covers (R14, r14.py), allowed by R5 (a teacher finishing period 1 goes
  to the other area, to the bundle school named at hiring where no hard rule forbids it, r5.bundles),
  R6 (a public-funded teacher short of rural years does not go rural -> urban outside their own bundle) and
  R11 (an exchange-eligible urban teacher is offered rural schools; a rural teacher other than a period-1
  finisher reaches an urban school only if they ranked it), then pruned to the nearest few of each area, the
  few schools with the largest lesson gap of the subject, and the ranked ones;
* level fit: a teacher's candidates lie in one level group (kindergarten; compulsory = primary, junior,
  nine_year; senior and vocational): an existing teacher keeps the group of their school (unless R5 leaves
  only schools of another group, or names a bundle school of another group), and new hires of a subject are
  shared among the groups in proportion to the group's weighted lesson gap of that subject (the office
  recruits for a school level). So the number of teachers, and of bachelor-or-above or backbone teachers, of
  each group after the plan is fixed: the R9/R10 ratios then depend on the plan only through the rural
  counts, which lets flow.py prove a tight bound of the exact model (see r9.py);
* a movable teacher left with no candidate at all stays where they are and counts there (quota, coverage);
* reference plan (`plan --lock`, ``state.reference``: person_id -> (role_after, to_school)): a teacher whose
  reference keeps them a teacher at a school other than their current one becomes movable, and the
  reference school joins their candidates when it is legal for them (``reference_problem``: the school
  fits their subject, lies in their level group, and R5/R6 allow it). soft.py then charges
  ``weights.keep_reference`` on every outcome other than the reference school, instead of ``move``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ...models.priority import priority_points
from ...models.scenario import Scenario
from ...models.schema import BACKBONE_RANK, COMPULSORY_LEVELS, DEGREE_RANK
from ...models.travel import haversine_km
from ..reasons import Words
from . import r5, r11, r14, r16

# How many candidates of each kind a movable teacher gets (see module docstring).
NEAREST_NEW = 4  # new hire: nearest fitting schools of each area ...
GAP_NEW = 4  # ... and the schools with the largest lesson gap of the subject, per area
NEAREST_ROOM = 3  # new hires and period-1 finishers: also the nearest fitting schools with a seat left
NEAREST_P1 = 5  # finishing period 1: nearest fitting schools of the other area ...
GAP_P1 = 4  # ... and the largest gaps of the other area
NEAREST_EXCHANGE_OTHER = 3  # exchange-eligible (urban): nearest rural schools ...
GAP_EXCHANGE = 2  # ... and the largest rural gaps
NEAREST_OVER_QUOTA = 3  # teachers of a school over quota: nearest of each area
NEAREST_PREFERENCE = 1  # teachers with ranked schools: the ranked ones plus the nearest of their area
# ``build(reach=WIDE)``: every count above is multiplied by this, so each list holds every school open to the
# teacher. The teacher stage asks for it where the short lists leave no placement within the quotas (stage.py).
WIDE = 10**6


@dataclass
class TeacherData:
    """The facts of the teacher stage, positional arrays over teachers (t) and schools (s)."""

    sc: Scenario
    load: int
    # schools
    school_ids: np.ndarray
    s_rural: np.ndarray
    s_mount: np.ndarray
    s_level: np.ndarray
    s_quota: np.ndarray  # float, nan = no quota
    s_lat: np.ndarray
    s_lon: np.ndarray
    # subjects
    subjects: np.ndarray  # code -> subject name
    # teachers of the coming year
    t: pd.DataFrame  # positional index; columns below
    t_subj: np.ndarray
    t_from: np.ndarray  # school index or -1 (new hire)
    t_fixed_at: np.ndarray  # school index of a fixed teacher, -1 if movable
    t_lock: np.ndarray  # locked school index or -1
    movable: np.ndarray
    is_new: np.ndarray
    is_p1: np.ndarray  # finishing contract period 1 (R5 bundle_second)
    is_exchange: np.ndarray  # R11 eligible (urban, years, not exempt, below the exemption age, not locked)
    is_over: np.ndarray  # at a school over quota
    has_pref: np.ndarray
    r6_bound: np.ndarray  # public-funded, short of rural years (R6)
    bachelor: np.ndarray
    associate: np.ndarray
    district_bb: np.ndarray  # district level or above (R9)
    backbone: np.ndarray  # district level or above (R11, as in R9)
    points: np.ndarray  # priority points (no-justified-envy goal)
    t_ref: np.ndarray  # reference school index (plan --lock), -1 if none or not a school
    has_ref: np.ndarray  # the reference keeps the person a teacher (their school is this stage's business)
    prefs: list  # per teacher: list of school indices in rank order
    # demand per (school, subject): key = s * n_subj + j
    d_key: np.ndarray
    d_lessons: np.ndarray
    # candidate pairs (sorted by teacher, then school), filled by build()
    p_t: np.ndarray = field(init=False)
    p_s: np.ndarray = field(init=False)
    p_stay: np.ndarray = field(init=False)
    p_km: np.ndarray = field(init=False)  # home-to-school km (nan: home unknown)
    p_rank: np.ndarray = field(init=False)  # preference rank (0 = not ranked)
    ref_problem: dict = field(default_factory=dict)  # teacher row -> why their reference school is not open
    vacancies: np.ndarray = field(init=False)  # per school: teacher seats freed by R12 and promotions
    room: np.ndarray = field(init=False)  # per school: seats left if every teacher of the coming year stayed
    no_candidate: list = field(default_factory=list)  # (teacher row, why) with no admissible school
    t_cert: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # R14 certificate rank, -1: any
    # R5 bundle_school: the period-2 school named at hiring (index, -1 none); r5.bundles fills the two dicts
    t_bundle: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    bundle_ok: dict = field(default_factory=dict)  # teacher row -> bundle school open to them (R5, r5.bundle_reward)
    bundle_why: dict = field(default_factory=dict)  # teacher row -> (reason key, fields): why not the bundle
    postings: r16.Postings = field(default_factory=r16.Postings.empty)  # R16: postings and their fixed schools
    words: Words | None = None  # the plan's language for notes and refusals (optimizer/reasons.py)
    reach: int = 1  # multiplies the candidate counts (WIDE: every school open to the teacher)

    @property
    def say(self) -> Words:
        if self.words is None:
            self.words = Words(self.sc, None)
        return self.words

    def school_words(self, s: int) -> str:
        """A school in the plan's language: its code in English (as the notes always had it), "名称（代码）" in
        Chinese."""
        sid = str(self.school_ids[int(s)])
        return self.say.school(sid) if self.say.zh else sid

    def subject_words(self, j: int) -> str:
        return self.say.subject(str(self.subjects[int(j)]))

    @property
    def s_need(self) -> np.ndarray:
        """Least certificate rank per school (R14)."""
        if not hasattr(self, "_need"):
            self._need = r14.school_need(self.s_level)
        return self._need

    @property
    def n_subj(self) -> int:
        return len(self.subjects)

    @property
    def compulsory(self) -> np.ndarray:
        return np.isin(self.s_level, COMPULSORY_LEVELS)

    @property
    def kindergarten(self) -> np.ndarray:
        return self.s_level == "kindergarten"

    def fits(self, s: int, j: int) -> bool:
        return bool(self.fit[s, j])

    @property
    def fit(self) -> np.ndarray:
        """fit[s, j]: school s takes teachers of subject j (demand has it; preschool <-> kindergarten)."""
        if not hasattr(self, "_fit"):
            f = np.zeros((len(self.school_ids), self.n_subj), dtype=bool)
            f[self.d_key // self.n_subj, self.d_key % self.n_subj] = True
            pre = self.subjects == "preschool"
            kg = self.kindergarten
            f[np.ix_(kg, ~pre)] = False
            f[np.ix_(~kg, pre)] = False
            self._fit = f
        return self._fit

    def fixed_counts(self) -> np.ndarray:
        """Teachers fixed at each (school, subject), as a dense [school, subject] array."""
        out = np.zeros((len(self.school_ids), self.n_subj), dtype=np.int64)
        m = self.t_fixed_at >= 0
        np.add.at(out, (self.t_fixed_at[m], self.t_subj[m]), 1)
        return out


def build(sc, state, reach: int = 1) -> TeacherData:
    """The teacher stage's facts and candidate pairs; `reach` multiplies the candidate counts (WIDE: all)."""
    pol = sc.policy
    sch = sc.schools.reset_index(drop=True)
    school_ids = sch["school_id"].to_numpy(dtype=object)
    s_of = {s: i for i, s in enumerate(school_ids)}
    s_rural = (sch["area"] == "rural").to_numpy()
    s_mount = sch["mountainous"].fillna(False).to_numpy(dtype=bool)
    s_quota = pd.to_numeric(sch["staff_quota"], errors="coerce").to_numpy(dtype=float)

    a = state.a.loc[sc.staff["person_id"].to_numpy()]
    st = sc.staff.reset_index(drop=True)
    teach = (a["role_after"].to_numpy() == "teacher") & (a["move"].to_numpy() != "retire")
    t = st[teach].reset_index(drop=True)
    subjects = np.array(sorted(set(t["subject"]) | set(sc.demand["subject"]) | {"preschool"}), dtype=object)
    j_of = {j: i for i, j in enumerate(subjects)}
    t_subj = t["subject"].map(j_of).to_numpy(dtype=np.int64)
    t_from = t["school_id"].map(lambda x: s_of.get(x, -1)).to_numpy(dtype=np.int64)
    t_lock = t["locked_school"].map(lambda x: s_of.get(x, -1) if x else -1).to_numpy(dtype=np.int64)

    is_new = t_from < 0
    is_p1 = ~is_new & (t["contract_period"].to_numpy() == 1) & (t["period_years"].to_numpy() >= pol.term_years)
    urban_now = np.where(is_new, False, ~s_rural[np.maximum(t_from, 0)])
    is_exchange = r11.eligible(pol, t["years_at_school"].to_numpy(), t["exempt_reason"].to_numpy(),
                               t["gender"].to_numpy(), sc.ages.to_numpy()[teach], urban_now, is_new) & (t_lock < 0)
    is_exchange &= ~is_p1  # finishing contract period 1, they move under R5 (bundle_second), not on a posting
    here = np.bincount(t_from[~is_new], minlength=len(school_ids))
    over_school = np.where(np.isnan(s_quota), False, here > np.nan_to_num(s_quota, nan=1e18))
    is_over = ~is_new & over_school[np.maximum(t_from, 0)]
    has_pref = t["preferences"].to_numpy() != ""
    reference = getattr(state, "reference", None) or {}
    ref = [reference.get(pid) for pid in t["person_id"]]
    has_ref = np.array([r is not None and r[0] == "teacher" for r in ref], dtype=bool)
    t_ref = np.array([s_of.get(r[1], -1) if h and r is not None else -1 for r, h in zip(ref, has_ref)], dtype=np.int64)
    ref_elsewhere = has_ref & (t_ref >= 0) & (t_ref != t_from)
    movable = (is_new | is_p1 | is_exchange | is_over | has_pref | ref_elsewhere) & (t_lock < 0)
    t_fixed_at = np.where(t_lock >= 0, t_lock, np.where(movable, -1, t_from))

    rsy = t["rural_service_years"].to_numpy(dtype=float)
    r6_bound = t["public_funded"].to_numpy(dtype=bool) & (rsy < pol.public_funded_rural_years)
    deg = t["degree"].map(DEGREE_RANK).to_numpy()
    bbr = t["backbone"].map(BACKBONE_RANK).fillna(0).to_numpy()
    points = priority_points(sc).to_numpy()[teach]  # models/priority.py, shared with the explanations
    prefs = [[s_of[x] for x in p.split(";") if x.strip() in s_of] if p else [] for p in t["preferences"]]
    prefs = [list(dict.fromkeys(p)) for p in prefs]

    d = sc.demand.groupby(["school_id", "subject"], as_index=False)["weekly_lessons"].sum()
    d = d[d["school_id"].isin(s_of) & d["subject"].isin(j_of)]
    d_key = (d["school_id"].map(s_of).to_numpy(dtype=np.int64) * len(subjects)
             + d["subject"].map(j_of).to_numpy(dtype=np.int64))
    order = np.argsort(d_key)

    data = TeacherData(
        sc=sc, load=int(pol.teacher_load), school_ids=school_ids, s_rural=s_rural, s_mount=s_mount,
        s_level=sch["level"].to_numpy(dtype=object), s_quota=s_quota,
        s_lat=sch["lat"].to_numpy(dtype=float), s_lon=sch["lon"].to_numpy(dtype=float),
        subjects=subjects, t=t, t_subj=t_subj, t_from=t_from, t_fixed_at=t_fixed_at, t_lock=t_lock,
        movable=movable, is_new=is_new & movable, is_p1=is_p1 & movable, is_exchange=is_exchange & movable,
        is_over=is_over & movable, has_pref=has_pref & movable, r6_bound=r6_bound,
        bachelor=deg >= DEGREE_RANK["bachelor"], associate=deg >= DEGREE_RANK["associate"],
        district_bb=bbr >= BACKBONE_RANK["district"], backbone=bbr >= BACKBONE_RANK["district"], points=points,
        prefs=prefs,
        t_ref=t_ref, has_ref=has_ref,
        d_key=d_key[order], d_lessons=d["weekly_lessons"].to_numpy(dtype=np.int64)[order],
        words=Words(sc, getattr(state, "lang", None)), reach=reach,
    )
    # Vacancies: teacher seats freed by retirements (R12) and by teachers who became leaders.
    left = (a["role_before"].to_numpy() == "teacher") & ~teach
    vac = pd.Series(st["school_id"].to_numpy()[left]).map(s_of).dropna().astype(int).to_numpy()
    data.vacancies = np.bincount(vac, minlength=len(school_ids))
    cert = t["certificate"].to_numpy() if "certificate" in t.columns else np.full(len(t), "", dtype=object)
    data.t_cert = r14.cert_rank(cert, np.where(t_from >= 0, data.s_level[np.maximum(t_from, 0)], ""))
    data.postings = r16.read(t, s_of, t_from, t_lock, prefs, pol.plan_year)
    r16.fix(data)  # R16: posted teachers return home, are kept by the host, or stay until the posting ends
    bundle = t["bundle_school"].fillna("").to_numpy() if "bundle_school" in t.columns else np.full(len(t), "")
    data.t_bundle = np.array([s_of.get(str(b), -1) for b in bundle], dtype=np.int64)
    r5.bundles(data)
    _candidates(data)
    return data


LEVEL_GROUP = {"kindergarten": 0, "primary": 1, "junior": 1, "nine_year": 1, "senior": 2, "vocational": 2}


def level_groups(s_level: np.ndarray) -> np.ndarray:
    """Level group per school: 0 kindergarten, 1 compulsory, 2 senior/vocational, 3+ any other level."""
    return np.array([LEVEL_GROUP.get(lv, 3) for lv in s_level], dtype=np.int64)


def _hire_groups(data: TeacherData, wgap: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Level group offered to each new hire: per subject, hires (by person id) are shared among the groups
    in proportion to the group's positive weighted lesson gap of the subject (largest remainders)."""
    out = np.full(len(data.t), -1, dtype=np.int64)
    # a new hire whose reference school fits them is offered that school's group
    ref_ok = data.is_new & (data.t_ref >= 0)
    ref_ok[ref_ok] = data.fit[data.t_ref[ref_ok], data.t_subj[ref_ok]]
    out[ref_ok] = group[data.t_ref[ref_ok]]
    new = np.flatnonzero(data.is_new & ~ref_ok)
    pid = data.t["person_id"].to_numpy()
    n_g = int(group.max()) + 1 if len(group) else 1
    for j in np.unique(data.t_subj[new]):
        people = new[data.t_subj[new] == j]
        people = people[np.argsort(pid[people], kind="stable")]
        need = np.array([np.clip(wgap[(group == g) & data.fit[:, j], j], 0, None).sum() for g in range(n_g)])
        if need.sum() <= 0:  # no gap anywhere: share by fitting schools
            need = np.array([float(((group == g) & data.fit[:, j]).sum()) for g in range(n_g)])
        if need.sum() <= 0:
            continue
        # deterministic apportionment sequence: each next hire to the group furthest below its share
        got = np.zeros(n_g)
        share = need / need.sum()
        for i, p in enumerate(people):
            g = int(np.argmax(share * (i + 1) - got))
            out[p] = g
            got[g] += 1
    return out


def gaps(data: TeacherData) -> np.ndarray:
    """Lesson gap per (school, subject) if every current teacher stayed: demand - load x teachers."""
    cur = np.where(data.t_from >= 0, data.t_from, -1)
    n = np.zeros((len(data.school_ids), data.n_subj), dtype=np.int64)
    m = cur >= 0
    np.add.at(n, (cur[m], data.t_subj[m]), 1)
    dem = np.zeros_like(n)
    dem[data.d_key // data.n_subj, data.d_key % data.n_subj] = data.d_lessons
    return dem - data.load * n


def _candidates(data: TeacherData) -> None:
    """Fill the candidate pairs (p_t, p_s) of every movable teacher."""
    sc = data.sc
    fit = data.fit
    gap = gaps(data)
    wgap = gap * (np.where(data.s_rural, 2.0, 1.0) * np.where(data.s_mount, 1.5, 1.0))[:, None]
    t = data.t
    home_lat = t["home_lat"].to_numpy(dtype=float)
    home_lon = t["home_lon"].to_numpy(dtype=float)
    has_home = ~(np.isnan(home_lat) | np.isnan(home_lon))
    frm = np.maximum(data.t_from, 0)
    ref_lat = np.where(has_home, home_lat, np.where(data.t_from >= 0, data.s_lat[frm], np.nanmean(data.s_lat)))
    ref_lon = np.where(has_home, home_lon, np.where(data.t_from >= 0, data.s_lon[frm], np.nanmean(data.s_lon)))
    rows_t: list[np.ndarray] = []
    rows_s: list[np.ndarray] = []
    group = level_groups(data.s_level)
    hire_group = _hire_groups(data, wgap, group)
    # seats left per school if every current teacher stayed (the nearest schools may all be full)
    here = np.bincount(data.t_from[data.t_from >= 0], minlength=len(data.school_ids))
    data.room = np.where(np.isnan(data.s_quota), np.inf, np.nan_to_num(data.s_quota) - here)
    mov = np.flatnonzero(data.movable)
    for j in np.unique(data.t_subj[mov]):
        people = mov[data.t_subj[mov] == j]
        schools = np.flatnonzero(fit[:, j])
        if len(schools) == 0:
            for p in people:
                data.no_candidate.append((int(p), data.say.note("no_demand", subject=data.subject_words(j))))
            continue
        rural = data.s_rural[schools]
        # largest gaps of this subject, per area
        sgroup = group[schools]
        top = {}  # largest gaps of this subject, per (area, level group)
        for ar in (False, True):
            for g in np.unique(sgroup):
                cand = schools[(rural == ar) & (sgroup == g)]
                cand = cand[wgap[cand, j] > 0]
                top[ar, g] = cand[np.argsort(-wgap[cand, j], kind="stable")][
                    : max(GAP_NEW, GAP_P1, GAP_EXCHANGE) * data.reach]
        for chunk in np.array_split(people, max(1, len(people) // 2000 + 1)):
            if len(chunk) == 0:
                continue
            dist = haversine_km(ref_lat[chunk, None], ref_lon[chunk, None],
                                data.s_lat[None, schools], data.s_lon[None, schools])
            own = schools[None, :] == data.t_from[chunk, None]
            dist_x = np.where(own, np.inf, dist)  # nearest *other* schools
            p_rural = np.where(data.t_from[chunk] >= 0, data.s_rural[frm[chunk]], False)
            for i, p in enumerate(chunk):
                d = dist_x[i]
                same = rural == p_rural[i]
                own_s = int(data.t_from[p])
                want = group[own_s] if own_s >= 0 else hire_group[p]
                if int(p) in data.bundle_ok:  # R5: period 2 within the level group of the bundle school
                    want = group[data.bundle_ok[int(p)]]
                picks = _picks(data, p, j, d, same, rural, schools, sgroup == want, top, want, p_rural[i])
                if not picks:  # R5 first: period 2 (or a hire's school) in another level group if need be
                    picks = _picks(data, p, j, d, same, rural, schools, np.ones(len(schools), bool), top, None,
                                   p_rural[i])
                    picks = [s for s in picks if group[s] == group[picks[0]]] if picks else picks
                if data.has_ref[p]:
                    g = group[picks[0]] if picks else want
                    why = reference_problem(data, p, g, group)
                    if why:
                        data.ref_problem[int(p)] = why
                    elif data.t_ref[p] not in picks:
                        picks.append(int(data.t_ref[p]))
                if not picks:
                    covered = [x for x in schools if data.t_cert[p] < 0 or data.t_cert[p] >= data.s_need[x]]
                    why = (data.say.note("no_p2") if data.is_p1[p] and covered
                           else data.say.note("no_cert", subject=data.subject_words(j)) if not covered
                           else data.say.note("no_takes", subject=data.subject_words(j)))
                    data.no_candidate.append((int(p), why))
                    continue
                rows_t.append(np.full(len(picks), p, dtype=np.int64))
                rows_s.append(np.asarray(picks, dtype=np.int64))
    # a movable teacher with no candidate stays and counts at their school (quota, coverage, ratios)
    stuck = np.array([p for p, _ in data.no_candidate if data.t_from[p] >= 0], dtype=np.int64)
    data.t_fixed_at[stuck] = data.t_from[stuck]
    p_t = np.concatenate(rows_t) if rows_t else np.zeros(0, dtype=np.int64)
    p_s = np.concatenate(rows_s) if rows_s else np.zeros(0, dtype=np.int64)
    order = np.lexsort((p_s, p_t))
    p_t, p_s = p_t[order], p_s[order]
    data.p_t, data.p_s = p_t, p_s
    data.p_stay = p_s == data.t_from[p_t]
    km = haversine_km(home_lat[p_t], home_lon[p_t], data.s_lat[p_s], data.s_lon[p_s])
    data.p_km = np.where(has_home[p_t], km, np.nan)
    rank = np.zeros(len(p_t), dtype=np.int64)
    pref_rows = np.flatnonzero(data.has_pref[p_t])
    for k in pref_rows:
        pl = data.prefs[p_t[k]]
        if p_s[k] in pl:
            rank[k] = pl.index(p_s[k]) + 1
    data.p_rank = rank
    del sc


def reference_problem(data, p: int, want_group: int, group: np.ndarray) -> str:
    """Why teacher p's reference school is not a school open to them, in words; "" if it is."""
    s, own, j = int(data.t_ref[p]), int(data.t_from[p]), int(data.t_subj[p])
    w = data.say
    if s < 0:
        return w.note("tref_no_school")
    name = data.school_words(s)
    level = w.level(str(data.s_level[s]))
    if not data.fit[s, j]:
        return w.note("tref_subject", school=name, subject=data.subject_words(j))
    if want_group is not None and want_group >= 0 and group[s] != want_group:
        return w.note("tref_level", school=name, level=level)
    if data.is_p1[p] and data.s_rural[s] == data.s_rural[own]:
        return w.note("tref_r5", own=data.school_words(own), area=w.area(bool(data.s_rural[own])), school=name)
    if not r14.covers(data.t_cert[p], r14.school_need(data.s_level[[s]]))[0] and s != own:
        return w.note("tref_r14", school=name, level=level)
    if (own >= 0 and data.s_rural[own] and not data.is_p1[p] and not data.s_rural[s]
            and s not in data.prefs[p] and not data.r6_bound[p]):
        return w.note("tref_r11", school=name)
    if data.r6_bound[p] and own >= 0 and data.s_rural[own] and not data.is_p1[p] and not data.s_rural[s]:
        return w.note("tref_r6", years=f"{data.sc.policy.public_funded_rural_years:g}", own=data.school_words(own),
                      school=name)
    return ""


def _picks(data, p, j, d, same, rural, schools, gm, top, want, p_rural) -> list[int]:
    """Candidate schools of teacher p (subject j) within the level-group mask gm, after R5 and R6."""
    r = data.reach

    def tops(ar, k):
        k *= r
        if want is not None:
            return list(top.get((ar, want), [])[:k])
        return [s for g in sorted(g for a, g in top if a == ar) for s in top[ar, g][:k]]

    picks: list[int] = []
    roomy = data.room[schools] > 0
    if data.is_new[p]:
        for ar in (False, True):
            picks += _nearest(schools, d, (rural == ar) & gm, NEAREST_NEW * r)
            picks += tops(ar, GAP_NEW)
            picks += _nearest(schools, d, (rural == ar) & gm & roomy, NEAREST_ROOM * r)
    if data.is_p1[p]:
        if int(p) in data.bundle_ok:  # R5: the bundle school named at hiring first (its group: _candidates)
            picks.append(data.bundle_ok[int(p)])
        picks += _nearest(schools, d, ~same & gm, NEAREST_P1 * r)
        picks += tops(not p_rural, GAP_P1)
        picks += _nearest(schools, d, ~same & gm & roomy, NEAREST_ROOM * r)
    if data.is_exchange[p]:
        picks += _nearest(schools, d, rural & gm, NEAREST_EXCHANGE_OTHER * r)  # urban -> rural only
        picks += tops(True, GAP_EXCHANGE)
    if data.is_over[p]:
        picks += _nearest(schools, d, same & gm, NEAREST_OVER_QUOTA * r)
        picks += _nearest(schools, d, ~same & gm, NEAREST_OVER_QUOTA * r)
    if data.has_pref[p]:
        ok = set(schools[gm].tolist())
        picks += [s for s in data.prefs[p] if data.fit[s, j] and s in ok]
        picks += _nearest(schools, d, same & gm, NEAREST_PREFERENCE * r)
    picks = list(dict.fromkeys(picks))
    own_s = int(data.t_from[p])
    if data.is_p1[p]:  # R5: period 2 at a school of the other area
        picks = [s for s in picks if data.s_rural[s] != data.s_rural[own_s]]
    elif own_s >= 0:
        picks.append(own_s)  # staying is allowed (quota permitting)
    if data.r6_bound[p] and own_s >= 0 and data.s_rural[own_s] and not data.is_p1[p]:
        # R6: no rural -> urban move outside the teacher's own bundle
        picks = [s for s in picks if data.s_rural[s] or s == own_s]
    elif own_s >= 0 and data.s_rural[own_s] and not data.is_p1[p]:
        # R11: a rural teacher reaches town only by R1, R5, the end of a posting or a school they ranked
        picks = [s for s in picks if data.s_rural[s] or s == own_s or s in data.prefs[p]]
    # R14: only schools whose level the certificate covers (staying where one already teaches is no placement)
    need = data.s_need
    picks = [s for s in picks if s == own_s or data.t_cert[p] < 0 or data.t_cert[p] >= need[s]]
    return picks


def _nearest(schools: np.ndarray, dist: np.ndarray, mask: np.ndarray, k: int) -> list[int]:
    idx = np.flatnonzero(mask & np.isfinite(dist))
    if len(idx) == 0 or k <= 0:
        return []
    if len(idx) > k:
        part = idx[np.argpartition(dist[idx], k - 1)[:k]]
        idx = part[np.argsort(dist[part], kind="stable")]
    else:
        idx = idx[np.argsort(dist[idx], kind="stable")]
    return schools[idx].tolist()
