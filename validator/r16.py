"""R16 (hard): fixed-term postings and returns, checked from the plan's rows and the scenario.

* A teacher (before and after the plan) whose scenario row has a home_school other than their school and a
  posting_until before plan_year (or none) has finished their posting: they go back to home_school (move
  `return`), or, if the first school of their preferences is the host school, they may stay there (move
  `transfer`, the posting ends: home_school and posting_until empty after the plan); so does, at a rural host,
  a public-funded teacher who still owes rural years (R6 wins over the return).
* A posting that continues (posting_until >= plan_year) keeps the teacher at the host school, and the plan
  carries home_school and posting_until unchanged.
* An exchange (move `exchange`) writes home_school = from_school and posting_until = plan_year + exchange_years - 1.
A locked_school exempts (the office's lock wins over R16)."""

from __future__ import annotations

import pandas as pd

from .core import Violation


def postings(sc, plan) -> pd.DataFrame:
    """One row per person of both: the posting before (scenario) and after (plan), and what R16 asks."""
    pol = sc.policy
    st = sc.staff.drop_duplicates("person_id").set_index("person_id")
    a = plan.assignments.drop_duplicates("person_id").set_index("person_id")
    a = a[a.index.isin(st.index)]
    txt = lambda df, c: (df[c].fillna("").astype(str).str.strip() if c in df.columns  # noqa: E731
                         else pd.Series("", index=df.index))
    num = lambda df, c: (pd.to_numeric(df[c], errors="coerce") if c in df.columns  # noqa: E731
                         else pd.Series(float("nan"), index=df.index))
    out = pd.DataFrame(index=a.index)
    out["move"] = txt(a, "move")
    out["frm"] = txt(a, "from_school")
    out["to"] = txt(a, "to_school")
    out["home"] = txt(st, "home_school").reindex(a.index).fillna("")
    out["until"] = num(st, "posting_until").reindex(a.index)
    out["home_after"] = txt(a, "home_school")
    out["until_after"] = num(a, "posting_until")
    prefs = txt(st, "preferences").reindex(a.index).fillna("")
    out["first"] = prefs.str.split(";").str[0].fillna("").str.strip()
    locked = txt(st, "locked_school").reindex(a.index).fillna("") != ""
    teacher = (txt(a, "role_before") == "teacher") & (txt(a, "role_after") == "teacher")
    posted = teacher & (out["home"] != "") & (out["frm"] != "") & (out["home"] != out["frm"])
    out["locked_posting"] = posted & locked
    posted &= ~locked
    over = ~(out["until"] >= pol.plan_year)
    out["ended"] = posted & over
    out["continues"] = posted & ~over
    out["returned"] = out["ended"] & (out["to"] == out["home"])
    # R6 wins over the return: a public-funded teacher who still owes rural years stays at a rural host
    area = sc.schools.drop_duplicates("school_id").set_index("school_id")["area"]
    pf = st["public_funded"].reindex(a.index).fillna(False).astype(bool)
    owes = pf & (pd.to_numeric(st["rural_service_years"], errors="coerce").reindex(a.index).fillna(0)
                 < pol.public_funded_rural_years) & (out["frm"].map(area) == "rural")
    out["kept"] = out["ended"] & ((out["first"] == out["frm"]) | owes) & (out["to"] == out["frm"])
    out["cut"] = out["continues"] & ((out["to"] != out["frm"]) | (out["home_after"] != out["home"])
                                     | (out["until_after"] != out["until"]))
    out["exchange"] = out["move"] == "exchange"
    out["unwritten"] = out["exchange"] & ((out["home_after"] != out["frm"])
                                          | (out["until_after"] != pol.plan_year + pol.exchange_years - 1))
    return out


def check(sc, plan) -> list[Violation]:
    pol = sc.policy
    p = postings(sc, plan)
    out: list[Violation] = []
    for pid, r in p[p["ended"] & ~p["returned"] & ~p["kept"]].iterrows():
        why = (f"ranked {r['frm']} first but is placed at {r['to']}" if r["first"] == r["frm"]
               else f"is placed at {r['to'] or 'no school'}")
        out.append(Violation("R16", str(pid), f"posting from {r['home']} to {r['frm']} ended (posting_until "
                                              f"{_year(r['until'])}) but {why}, not back at {r['home']}.",
                             f"return them to {r['home']} (move return), or keep them at {r['frm']} only if they "
                             "ranked it first"))
    for pid, r in p[p["ended"] & p["returned"] & (p["move"] != "return")].iterrows():
        out.append(Violation("R16", str(pid), f"returns to the home school {r['home']} at the end of the posting, "
                                              f"but the move is '{r['move']}'.", "mark the move as return"))
    for pid, r in p[p["ended"] & (p["home_after"] != "")].iterrows():
        out.append(Violation("R16", str(pid), f"posting ended, yet the plan still writes home_school "
                                              f"{r['home_after']}.", "clear home_school and posting_until"))
    for pid, r in p[p["cut"]].iterrows():
        out.append(Violation("R16", str(pid), f"on a posting from {r['home']} until {_year(r['until'])}, but the plan "
                                              f"puts them at {r['to']} with home_school '{r['home_after']}', "
                                              f"posting_until {_year(r['until_after'])}.",
                             f"keep them at {r['frm']} and carry home_school and posting_until until the posting "
                             "ends"))
    for pid, r in p[(p["move"] == "return") & ~(p["ended"] & p["returned"])].iterrows():
        out.append(Violation("R16", str(pid), f"marked return to {r['to'] or 'no school'}, but that is not the end "
                                              "of a posting back to the home school.",
                             "a return is a posted teacher going back to home_school when posting_until has passed"))
    want = pol.plan_year + pol.exchange_years - 1
    for pid, r in p[p["unwritten"]].iterrows():
        out.append(Violation("R16", str(pid), f"exchanged from {r['frm']} without home_school = {r['frm']} and "
                                              f"posting_until = {want} (plan_year + exchange_years - 1).",
                             f"write home_school {r['frm']} and posting_until {want}"))
    return out


def _year(v) -> str:
    return "none" if pd.isna(v) else str(int(v))
