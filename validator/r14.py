"""R14 (hard): a teacher is placed (a new hire, or a change of school) only at a school whose level their
teacher certificate covers, and bundled only with such a period-2 school. Ranks: kindergarten < primary <
junior < senior = vocational; a nine-year school needs primary. An empty certificate reads as the level of the
current school (nine_year as junior); a new hire without one may go anywhere. A locked_school wins (reported,
not hard)."""

from __future__ import annotations

from .core import Violation, joined, records

CERT_RANK = {"kindergarten": 0, "primary": 1, "junior": 2, "senior": 3, "vocational": 3}
LEVEL_NEED = {"kindergarten": 0, "primary": 1, "nine_year": 1, "junior": 2, "senior": 3, "vocational": 3}


def certificate(r) -> str:
    c = str(r.get("certificate") or "")
    if c:
        return c
    lv = str(r["from_level"] or "")
    return "junior" if lv == "nine_year" else lv


def check(sc, plan) -> list[Violation]:
    j = joined(sc, plan)
    levels = sc.schools.set_index("school_id")["level"].to_dict()
    out = []
    teach = j[(j["role_after"] == "teacher") & (j["to_school"].fillna("") != "")]
    for pid, r in records(teach, ("certificate", "from_level", "from_school", "to_school", "to_level", "locked_school",
                                  "period2_school")):
        cert = certificate(r)
        if cert not in CERT_RANK:
            continue
        if r["to_school"] != r["from_school"] and CERT_RANK[cert] < LEVEL_NEED.get(r["to_level"], 0):
            locked = r["to_school"] == (r["locked_school"] or "")
            end = " (by the office's lock, which wins over R14)." if locked else "."
            out.append(Violation("R14", str(pid), f"placed at {r['to_school']} ({r['to_level']}) with a {cert} "
                                                  f"certificate, which does not cover that level{end}",
                                 "place them at a school of a level their certificate covers", hard=not locked))
        p2 = str(r.get("period2_school") or "")
        if p2 and CERT_RANK[cert] < LEVEL_NEED.get(levels.get(p2, ""), 0):
            out.append(Violation("R14", str(pid), f"bundled with period-2 school {p2} ({levels.get(p2)}), which a "
                                                  f"{cert} certificate does not cover.",
                                 "bundle them with a school of the other area whose level the certificate covers"))
    return out
