"""Plans written by hand, shared by tests of several folders (conftest puts tests/ on sys.path, so
`from plans import ...` works from every subfolder)."""

from __future__ import annotations

import pandas as pd
from builders import build, person, school

from rotaplan.models import Plan
from rotaplan.models.kpis import before_after
from rotaplan.models.plan import ASSIGNMENT_COLUMNS, COMPLIANCE_COLUMNS, ITINERANT_COLUMNS, RULE_IDS
from rotaplan.optimizer.pipeline import assemble
from rotaplan.optimizer.state import PlanState


def tiny_district():
    """Two urban and two rural schools in two townships, with one person of each kind of decision."""
    schools = [
        school("U1", name="城区一小", township="凤城街道", area="urban", level="primary", is_township_seat=True,
               lat=36.20, lon=117.60, staff_quota=3),
        school("U2", name="城区二中", township="凤城街道", area="urban", level="junior", lat=36.21, lon=117.63),
        school("R1", name="口镇中心小学", township="口镇", area="rural", level="primary", is_township_seat=True,
               mountainous=True, lat=36.30, lon=117.50),
        school("R2", name="口镇二小", township="口镇", area="rural", level="primary", lat=36.33, lon=117.45),
    ]
    staff = [
        person("L1", name="王校长", role="principal", school_id="U1", terms_at_school=2, birth_date="1980-03-01"),
        person("L2", name="李校长", role="principal", school_id="R1", terms_at_school=2, birth_date="1970-03-01"),
        person("V1", name="赵副校长", role="vice_principal", school_id="R2", birth_date="1965-03-01"),
        person("RS", name="孙后备", school_id="U2", reserve_leader=True, birth_date="1990-05-01", subject="math"),
        person("N1", name="周新", school_id="", subject="math", contract_period=0, period_years=0,
               birth_date="2000-01-01"),
        person("E1", name="吴交流", school_id="U1", subject="math", years_at_school=8, backbone="district"),
        person("I1", name="郑走教", school_id="R1", subject="music", years_at_school=2),
        person("S1", name="钱留任", school_id="U2", subject="chinese", years_at_school=3),
        person("P1", name="冯公费", school_id="R1", subject="math", public_funded=True, rural_service_years=2.0,
               preferences="U1"),
    ]
    demand = [("U1", "math", 16), ("U2", "math", 16), ("U2", "chinese", 16), ("R1", "math", 32),
              ("R1", "music", 12), ("R2", "math", 16), ("R2", "music", 4)]
    return build(schools, staff, demand)


def hand_plan(sc) -> Plan:
    """A plan written by hand (not by the optimizer), one decision of each kind."""
    st = PlanState(sc)
    st.set("L1", to_school="R1", move="rotate", rules="R1;R1x;R4", director_of="口镇",
           reason="Served 2 terms at 城区一小; rotates to the rural seat school and leads the school district.")
    st.set("L2", to_school="U1", move="rotate", rules="R1;R1x", reason="Served 2 terms; rotates to an urban school.")
    st.set("V1", to_school="", role_after="retired", move="retire", rules="R12", reason="Reaches retirement age.")
    st.set("RS", to_school="R2", role_after="vice_principal", move="promote", rules="R2;R3",
           reason="Urban reserve leader fills the vacant rural vice-principal post.")
    st.set("N1", to_school="R2", move="place_new", period2_school="U2", rules="R5", home_lessons=16,
           reason="New hire: period 1 at 口镇二小, bundled with 城区二中 for period 2.")
    st.set("E1", to_school="R1", move="exchange", rules="R11", home_lessons=16,
           reason="Eight years at one school: exchanged to a rural school.")
    st.set("I1", home_lessons=12, rules="R7", reason="Stays and teaches music at 口镇二小 on Tuesdays.")
    st.set("S1", home_lessons=16, reason="Stays: no rule requires a move.")
    st.set("P1", home_lessons=16, rules="R6", reason="Public-funded with 2 of 6 rural years: stays rural.")
    st.itinerant = pd.DataFrame([{"person_id": "I1", "day": 2, "seq": 1, "school_id": "R2", "subject": "music",
                                  "lessons": 4, "travel_minutes": 11.5}])
    st.solver["leaders"] = {"status": "OPTIMAL", "objective": 420.0, "bound": 420.0, "gap": 0.0, "solve_seconds": 0.02}
    st.solver["teachers"] = {"status": "FEASIBLE", "objective": 97.5, "bound": 99.0, "gap": 0.015, "solve_seconds": 1.5}
    for rule in ("R1", "R4", "R5"):
        st.comply(rule, "met", "by hand")
    st.comply("R3", "not_met", "one young rural leader of three")
    return assemble(sc, st)


def staying_plan(sc, moves: dict[str, tuple[str, str]]) -> Plan:
    """A plan written by hand: everyone stays except `moves` (person -> (move, to_school))."""
    st = sc.staff
    a = pd.DataFrame({"person_id": st["person_id"], "name": st["name"], "role_before": st["role"],
                      "role_after": st["role"], "from_school": st["school_id"], "to_school": st["school_id"],
                      "move": "stay", "period2_school": "", "director_of": "", "home_lessons": 0, "rules": "",
                      "reason": "stays", "rural_service_years": st["rural_service_years"],
                      "retire_date": "", "home_school": st["home_school"],  # R16: postings carried
                      "posting_until": [("" if pd.isna(v) else str(int(v))) for v in st["posting_until"]]}
                     ).reset_index(drop=True)
    for pid, (move, to) in moves.items():
        i = a.index[a["person_id"] == pid][0]
        a.loc[i, ["move", "to_school", "reason"]] = [move, to, f"{move} to {to}"]
    a["home_lessons"] = [16 if r == "teacher" else 0 for r in a["role_after"]]
    it = pd.DataFrame([{"person_id": "T1", "day": 1, "seq": 1, "school_id": "R1", "subject": "math", "lessons": 2,
                        "travel_minutes": 12.5}], columns=ITINERANT_COLUMNS)
    kpis = before_after(sc, a[ASSIGNMENT_COLUMNS], it)
    kpis["solver"] = {"leaders": {"status": "optimal", "objective": 5.0, "bound": 5.0, "gap": 0.0,
                                  "solve_seconds": 0.1}}
    comp = pd.DataFrame([{"rule": r, "status": "met", "detail": f"{r} fine"} for r in RULE_IDS],
                        columns=COMPLIANCE_COLUMNS)
    return Plan(a[ASSIGNMENT_COLUMNS], it, kpis, comp)


def with_edits(plan: Plan, edits: dict[str, dict]) -> Plan:
    """The plan with some rows edited by hand: person -> {column: value}."""
    a = plan.assignments.copy()
    for pid, fields in edits.items():
        for k, v in fields.items():
            a.loc[a["person_id"] == pid, k] = v
    return type(plan)(a, plan.itinerant, plan.kpis, plan.compliance)
