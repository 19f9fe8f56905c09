"""The leader stage's facts: leaders, reserve leaders, schools and their leader posts, as arrays.

Built once per solve, vectorised (no loops over all staff). Every rule module reads it; none writes it
except `options`, the table of (person, school, role) choices that the rule modules propose.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ...models import figures
from ...models.schema import BACKBONE_RANK
from ..reasons import Words

PRINCIPAL, VICE = 0, 1  # role index of a leader post pool
ROLE_NAMES = ("principal", "vice_principal")
ROLE_WORDS = ("principal", "vice-principal")
ROLE_INDEX = {"principal": PRINCIPAL, "vice_principal": VICE}
SCALE = 10  # objective weights are multiplied by this and rounded, CP-SAT needs integers
# School level groups between which leaders do not move when policy.leader_level_match is set.
LEVEL_GROUP = {"kindergarten": "kindergarten", "primary": "compulsory", "junior": "compulsory",
               "nine_year": "compulsory", "senior": "senior", "vocational": "senior"}
LEVEL_GROUP_WORDS = {"kindergarten": "kindergarten", "compulsory": "compulsory-education",
                     "senior": "senior or vocational"}


@dataclass
class LeaderContext:
    sc: object
    schools: pd.DataFrame  # index s_idx 0..n-1: school_id, name, township, rural, seat, mountainous, lat, lon,
    # level_group (kindergarten / compulsory / senior) and group (its code when leaders stay within their level
    # group, policy.leader_level_match; 0 for every school otherwise): leaders only move within one group
    sidx: dict  # school_id -> s_idx
    cap: np.ndarray  # (n_schools, 2) leader posts by role (PRINCIPAL, VICE)
    fixed: np.ndarray  # (n_schools, 2) leaders who can only stay (exempt, not due, locked to their school)
    people: pd.DataFrame  # index person_id: leaders and reserve leaders with their facts
    retired_from: dict = field(default_factory=dict)  # (s_idx, role) -> names of leaders retiring from it
    options: pd.DataFrame | None = None  # filled by the rule modules, see stage.collect_options
    costs: dict | None = None  # goal -> scaled cost per option (stage.option_costs)
    options_fixed: np.ndarray | None = None  # (n_schools, 2) leaders left without options (they stay)
    # (n_schools, 2) posts held by leaders who are not due but may leave them (a vice-principal with a promotion
    # option, r8.vice_options): reserve leaders are proposed for them too (r2.py)
    may_free: np.ndarray | None = None
    # level groups whose candidates are not pruned (every leader may take every post of the group): the stage
    # falls back to them where the pruned candidates leave no plan keeping the hard rules (stage.solve)
    full_groups: set = field(default_factory=set)
    notes: list = field(default_factory=list)  # notes for the office about how candidates were chosen
    relaxed_cache: tuple | None = None  # (options, relaxed flow plan) for the explanations (r1.placeable)
    words: Words | None = None  # the plan's language for notes, relaxations and refusals (optimizer/reasons.py)

    @property
    def say(self) -> Words:
        if self.words is None:
            self.words = Words(self.sc, None)
        return self.words

    def school_words(self, s: int) -> str:
        """A school in the plan's language: its name in English (as the notes always had it), "名称（代码）" in
        Chinese."""
        return self.say.school(self.schools.at[s, "school_id"]) if self.say.zh else self.school_name(s)

    def role_words(self, r: int) -> str:
        return self.say.role(("principal", "vice_principal")[int(r)]) if self.say.zh else ROLE_WORDS[int(r)]

    def level_say(self, s: int) -> str:
        return self.say.level_group(str(self.schools.at[s, "level_group"])) if self.say.zh else self.level_words(s)
    _names: list | None = None

    @property
    def pol(self):
        return self.sc.policy

    @property
    def w(self):
        return self.sc.policy.weights

    @property
    def free(self) -> np.ndarray:
        """Posts not held by someone who can only stay: where a mover or a reserve leader may go."""
        return np.maximum(self.cap - self.fixed, 0)

    def leaders(self) -> pd.DataFrame:
        return self.people[self.people["kind"] == "leader"]

    def reserves(self) -> pd.DataFrame:
        return self.people[self.people["kind"] == "reserve"]

    @property
    def group(self) -> np.ndarray:
        """Level group code per school (all 0 without policy.leader_level_match)."""
        return self.schools["group"].to_numpy()

    def groups(self) -> list[int]:
        return sorted(set(self.schools["group"].tolist()))

    def reserve_roles(self) -> list[int]:
        """Roles a reserve leader may be promoted to (R2): vice-principal, and principal if the policy allows."""
        return [PRINCIPAL, VICE] if self.pol.promote_reserve_to_principal else [VICE]

    def level_words(self, s: int) -> str:
        return LEVEL_GROUP_WORDS.get(self.schools.at[s, "level_group"], str(self.schools.at[s, "level_group"]))

    def school_name(self, s: int) -> str:
        if self._names is None:
            self._names = [str(n) or str(i) for n, i in zip(self.schools["name"], self.schools["school_id"])]
        return self._names[s]


def build(sc, state) -> LeaderContext:
    pol = sc.policy
    w = pol.weights
    sch = sc.schools.reset_index(drop=True)
    schools = pd.DataFrame({
        "school_id": sch["school_id"].to_numpy(),
        "name": sch["name"].to_numpy(),
        "township": sch["township"].to_numpy(),
        "area": sch["area"].to_numpy(),
        "rural": (sch["area"] == "rural").to_numpy(),
        "seat": sch["is_township_seat"].fillna(False).astype(bool).to_numpy(),
        "mountainous": sch["mountainous"].fillna(False).astype(bool).to_numpy(),
        "lat": sch["lat"].astype(float).to_numpy(),
        "lon": sch["lon"].astype(float).to_numpy(),
        "level_group": sch["level"].map(LEVEL_GROUP).fillna(sch["level"]).to_numpy(),
    })
    codes = {g: i for i, g in enumerate(sorted(set(schools["level_group"])))}
    schools["group"] = schools["level_group"].map(codes).astype(int) if pol.leader_level_match else 0
    sidx = {s: i for i, s in enumerate(schools["school_id"])}
    cap = np.stack([sch["principal_posts"].fillna(1).astype(int).to_numpy(),
                    sch["vice_principal_posts"].fillna(1).astype(int).to_numpy()], axis=1)

    st = sc.staff.reset_index(drop=True)
    retired = state.a["move"].reindex(st["person_id"]).to_numpy() == "retire"
    ages = sc.ages.reset_index(drop=True)
    is_leader = st["role"].isin(ROLE_NAMES).to_numpy() & (st["school_id"] != "").to_numpy()
    is_reserve = ((st["role"] == "teacher") & st["reserve_leader"].fillna(False).astype(bool)
                  & (st["school_id"] != "")).to_numpy()
    keep = (is_leader | is_reserve) & ~retired
    p = st[keep]
    s_idx = p["school_id"].map(sidx).astype(int).to_numpy()
    terms = p["terms_at_school"].fillna(0).astype(int).to_numpy()
    # R1 applies only to leaders of schools whose level is in rotation_levels (contract v2)
    rotating = sch["level"].isin(list(pol.rotation_levels)).to_numpy()[s_idx]
    # principal eligibility (title, teaching years) for any promotion to principal
    principal_ok = figures.principal_eligible(sc).reset_index(drop=True)[keep].to_numpy()
    exempt = (p["exempt_reason"] != "").to_numpy()
    locked = p["locked_school"].fillna("").to_numpy()
    leader = is_leader[keep]
    age = ages[keep].astype("float").to_numpy()
    backbone = p["backbone"].map(BACKBONE_RANK).fillna(0).to_numpy()
    mountain_now = schools["mountainous"].to_numpy()[s_idx]
    points = (p["rural_service_years"].fillna(0).to_numpy() * w.points_rural_year
              + backbone * w.points_backbone_level
              + p["years_at_school"].fillna(0).to_numpy() * w.points_year_at_school
              + mountain_now * w.points_mountainous)
    people = pd.DataFrame({
        "person_id": p["person_id"].to_numpy(),
        "name": p["name"].to_numpy(),
        "kind": np.where(leader, "leader", "reserve"),
        "role": p["role"].to_numpy(),
        "role_idx": np.where(p["role"].to_numpy() == "vice_principal", VICE, PRINCIPAL),
        "school": p["school_id"].to_numpy(),
        "s_idx": s_idx,
        "rural": schools["rural"].to_numpy()[s_idx],
        "group": schools["group"].to_numpy()[s_idx],
        "terms": terms,
        "exempt": exempt,
        "exempt_reason": p["exempt_reason"].to_numpy(),
        "locked": locked,
        "lock_idx": np.array([sidx.get(x, -1) for x in locked], dtype=int),
        # Due under R1: completed rotation_terms or more terms at a school of rotation_levels, not exempt, not
        # held by a lock (lock wins).
        "due_by_terms": leader & rotating & (terms >= pol.rotation_terms),
        "rotating": rotating,
        "principal_ok": principal_ok,
        "age": age,
        "young": age <= pol.young_age,
        "home_lat": p["home_lat"].astype(float).to_numpy(),
        "home_lon": p["home_lon"].astype(float).to_numpy(),
        "preferences": p["preferences"].fillna("").to_numpy(),
        "points": points,
        # R5: finishing contract period 1 (period 2 at a school of the other area, whatever role they take)
        "p1": ((p["contract_period"].fillna(0).astype(int) == 1)
               & (p["period_years"].fillna(0).astype(int) >= pol.term_years)).to_numpy(),
        # R5: continuing contract period 1 (plans write their period2_school)
        "p1_cont": ((p["contract_period"].fillna(0).astype(int) == 1)
                    & (p["period_years"].fillna(0).astype(int) < pol.term_years)).to_numpy(),
        "bundle": (p["bundle_school"].fillna("").astype(str).to_numpy() if "bundle_school" in p.columns
                   else np.full(len(p), "", dtype=object)),
        # R6: public-funded and short of public_funded_rural_years rural years
        "r6_bound": (p["public_funded"].fillna(False).astype(bool)
                     & (p["rural_service_years"].fillna(0).astype(float) < pol.public_funded_rural_years)).to_numpy(),
        "rural_years": p["rural_service_years"].fillna(0).astype(float).to_numpy(),
    })
    people["due"] = people["due_by_terms"] & ~people["exempt"] & (people["locked"] == "")
    # Not due, not exempt, not locked: stays unless a swap (so that a due leader can rotate, r1.swap_options), a
    # promotion (r8.vice_options) or R4 needs them to move; such a move costs weights.move.
    people["movable"] = (people["kind"] == "leader") & ~people["due"] & ~people["exempt"] & (people["locked"] == "")
    people.index = pd.Index(people["person_id"].to_numpy(), name="pid")
    _add_reference(people, getattr(state, "reference", None) or {}, sidx)

    # Leaders who can only stay where they are: exempt, not due, or locked to their own school.
    ld = people[people["kind"] == "leader"]
    only_stay = ~ld["due"] & ((ld["locked"] == "") | (ld["lock_idx"] == ld["s_idx"]))
    fixed = np.zeros_like(cap)
    np.add.at(fixed, (ld["s_idx"].to_numpy()[only_stay.to_numpy()], ld["role_idx"].to_numpy()[only_stay.to_numpy()]), 1)

    # Which posts retirements empty (for the reasons given to reserve leaders who fill them).
    retired_from: dict = {}
    gone = st[is_leader & retired]
    for sid, role, name in zip(gone["school_id"], gone["role"], gone["name"]):
        retired_from.setdefault((sidx[sid], ROLE_INDEX[role]), []).append(name)
    return LeaderContext(sc, schools, sidx, cap, fixed, people, retired_from, may_free=np.zeros_like(cap),
                         words=Words(sc, getattr(state, "lang", None)))


def _add_reference(people: pd.DataFrame, reference: dict, sidx: dict) -> None:
    """The reference plan (`plan --lock`): has_ref, ref_role_name, ref_school, ref_role (PRINCIPAL / VICE, -1 for
    any other role: not a leader after the plan), ref_s (s_idx, -1 when the school is not in the scenario)."""
    ref = [reference.get(pid) for pid in people.index]
    people["has_ref"] = np.array([r is not None for r in ref], dtype=bool)
    people["ref_role_name"] = [str(r[0]) if r is not None else "" for r in ref]
    people["ref_school"] = [str(r[1]) if r is not None else "" for r in ref]
    people["ref_role"] = people["ref_role_name"].map(ROLE_INDEX).fillna(-1).astype(int)
    people["ref_s"] = people["ref_school"].map(sidx).fillna(-1).astype(int)


def haversine_matrix(lat_a, lon_a, lat_b, lon_b) -> np.ndarray:
    """Great-circle km between every a and every b (rows a, columns b)."""
    from ...models.travel import haversine_km

    return haversine_km(np.asarray(lat_a)[:, None], np.asarray(lon_a)[:, None],
                        np.asarray(lat_b)[None, :], np.asarray(lon_b)[None, :])


def nearest(from_lat, from_lon, to_lat, to_lon, k: int, exclude=None, chunk: int = 512) -> np.ndarray:
    """For each origin, the column indices of the k nearest destinations (ties by index), -1 padded.

    `exclude`: optional (n_from, n_to) boolean mask builder, called per chunk as exclude(rows) -> mask.
    """
    n_from, n_to = len(from_lat), len(to_lat)
    k_eff = min(k, n_to)
    out = np.full((n_from, k), -1, dtype=int)
    if n_to == 0 or k == 0:
        return out
    for lo in range(0, n_from, chunk):
        hi = min(n_from, lo + chunk)
        d = haversine_matrix(from_lat[lo:hi], from_lon[lo:hi], to_lat, to_lon)
        if exclude is not None:
            d[exclude(np.arange(lo, hi))] = np.inf
        # argsort on (distance, index) keeps ties deterministic
        if k_eff < n_to:
            idx = np.argpartition(d, k_eff - 1, axis=1)[:, :k_eff]
        else:
            idx = np.tile(np.arange(n_to), (hi - lo, 1))
        dd = np.take_along_axis(d, idx, axis=1)
        order = np.lexsort((idx, dd), axis=1)
        idx = np.take_along_axis(idx, order, axis=1)
        dd = np.take_along_axis(dd, order, axis=1)
        idx[~np.isfinite(dd)] = -1
        out[lo:hi, :k_eff] = idx
    return out
