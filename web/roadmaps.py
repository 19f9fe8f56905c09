"""What the roadmap pages show, read from a roadmap job's folder (runs/roadmap.py wrote it: roadmap.json with
each year's figures as that year's plan holds them, roadmap.html with the charts of reports/roadmap.py).
Nothing here computes a figure again; a comparison is reports/roadmap.py `compare_table` of the stored rows."""

from __future__ import annotations

import json
from pathlib import Path

from ..models.figures import MEANING
from ..reports import words

# The per-year table: (column of roadmap.json's rows, is it a rule's status).
COLUMNS = (("young_rural_leader_share", False), ("R3", True), ("bachelor_share_rural", False),
           ("bachelor_share_urban", False), ("degree_ratio_urban_rural", False), ("R10", True),
           ("r11_exchanged", False), ("moves", False), ("uncovered_lessons", False), ("itinerant_teachers", False),
           ("r16_returned", False), ("retirements", False), ("staff", False))


def label(key: str, lang: str) -> str:
    """A figure's words (models/figures.py MEANING), with its rule id; a rule id stays as it is."""
    if key in MEANING:
        rule, en, zh = MEANING[key]
        text = zh if lang == "zh" else en
        return f"{rule} {text}" if rule and not text.startswith(rule) else text
    return key


def shown(v) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return "-"
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


def read(job: dict) -> dict:
    """roadmap.json of a finished roadmap job (name, verdict, first, first_met, rows)."""
    return json.loads((Path(job["plan_dir"]) / "roadmap.json").read_text(encoding="utf-8"))


def table(data: dict, year_jobs: dict[int, int], lang: str) -> dict:
    """The per-year table: headers and rows of shown cells, each year's plan job for its link."""
    head = [label(k, lang) for k, _ in COLUMNS]
    rows = []
    for r in data["rows"]:
        year = int(r["year"])
        cells = [{"text": words.word("status", r.get(k), lang) if rule and r.get(k) else shown(r.get(k)),
                  "cls": f"status-{r.get(k)}" if rule and r.get(k) else "num"} for k, rule in COLUMNS]
        rows.append({"year": year, "status": r.get("status", ""), "job": year_jobs.get(year), "cells": cells})
    return {"head": head, "rows": rows}


def compared(sides: list[dict], lang: str) -> dict:
    """Two or more roadmaps year by year (reports/roadmap.py `compare_table`): headers and rows."""
    from ..reports.roadmap import compare_table

    df = compare_table(sides)
    names = [s["name"] for s in sides]
    rows = [{"year": int(r["year"]), "figure": label(str(r["figure"]), lang),
             "values": [shown(r.get(n)) for n in names]} for r in df.to_dict("records")]
    return {"names": names, "rows": rows}


def verdict(data: dict, policy_yaml: str, lang: str) -> str:
    """The roadmap's sentence (the first year R10 and R3 are met, or why not) in `lang`: runs/roadmap.py
    `summarise` of the stored rows under the policy the plans ran with (the run history's record of the last
    year). A roadmap stopped by a year that broke hard rules keeps the sentence it was written with (the
    rules it broke are in that sentence only); so does one whose policy the history does not hold."""
    import pandas as pd
    import yaml

    from ..models.errors import ScenarioError
    from ..models.policy import Policy
    from ..runs.roadmap import summarise

    rows = data.get("rows") or []
    if not policy_yaml or not rows or any(r.get("status") == "infeasible" for r in rows):
        return str(data["verdict"])
    try:
        pol = Policy.from_mapping(yaml.safe_load(policy_yaml) or {}, "policy")
    except (ScenarioError, yaml.YAMLError, TypeError, ValueError):  # one this version cannot read: as written
        return str(data["verdict"])
    return summarise(str(data["name"]), pd.DataFrame(rows), pol, int(data["until"]), Path("."), lang).verdict
