"""Tests of the synthetic scenario generator (rotaplan.scenarios.generate)."""

import networkx as nx
import pandas as pd
import pytest

from rotaplan.scenarios.generate import generate

SCHOOL_COLS = ["school_id", "name", "township", "area", "level", "is_township_seat", "mountainous", "lat", "lon",
               "principal_posts", "vice_principal_posts", "staff_quota", "dorm_beds"]
STAFF_COLS = ["person_id", "name", "gender", "birth_date", "role", "school_id", "subject", "degree", "backbone",
              "years_at_school", "terms_at_school", "contract_period", "period_years", "rural_service_years",
              "public_funded", "reserve_leader", "itinerant_ok", "exempt_reason", "home_lat", "home_lon",
              "preferences", "locked_school", "certificate", "title", "teaching_years", "evaluation_score",
              "bundle_school", "spouse_id", "home_school", "posting_until"]
FRAMES = ["schools", "staff", "demand", "roads", "nodes"]


@pytest.fixture(scope="module")
def laiwu():
    return generate(laiwu=True)


@pytest.fixture(scope="module")
def small():
    return generate(500, seed=3)


def _age(staff: pd.DataFrame, plan_year: int = 2027) -> pd.Series:
    bd = pd.to_datetime(staff["birth_date"], format="%Y-%m-%d")
    after = (bd.dt.month > 9) | ((bd.dt.month == 9) & (bd.dt.day > 1))
    return plan_year - bd.dt.year - after.astype(int)


def test_same_seed_same_frames():
    a, b = generate(800, seed=7), generate(800, seed=7)
    for name in FRAMES:
        pd.testing.assert_frame_equal(a[name], b[name])
    assert a["policy"] == b["policy"]


def test_different_seed_different_frames():
    a, b = generate(800, seed=1), generate(800, seed=2)
    assert not a["staff"].equals(b["staff"])
    assert not a["schools"].equals(b["schools"])


def test_columns_and_types(laiwu):
    sc, st = laiwu["schools"], laiwu["staff"]
    assert list(sc.columns) == SCHOOL_COLS
    assert list(st.columns) == STAFF_COLS
    assert list(laiwu["demand"].columns) == ["school_id", "subject", "weekly_lessons"]
    assert list(laiwu["roads"].columns) == ["from", "to", "minutes"]
    assert list(laiwu["nodes"].columns) == ["node_id", "lat", "lon"]
    for col in ("is_township_seat", "mountainous"):
        assert sc[col].dtype == bool
    for col in ("public_funded", "reserve_leader", "itinerant_ok"):
        assert st[col].dtype == bool
    for col in ("years_at_school", "terms_at_school", "contract_period", "period_years"):
        assert pd.api.types.is_integer_dtype(st[col])
    assert pd.api.types.is_integer_dtype(laiwu["demand"]["weekly_lessons"])
    assert set(sc["area"]) == {"urban", "rural"}
    assert set(sc["level"]) <= {"kindergarten", "primary", "junior", "nine_year", "senior", "vocational"}
    assert set(st["role"]) == {"principal", "vice_principal", "teacher"}
    assert set(st["gender"]) == {"M", "F"}
    assert set(st["degree"]) <= {"doctorate", "master", "bachelor", "associate", "secondary"}
    assert set(st["backbone"]) <= {"none", "school", "district", "city", "province"}
    assert st["birth_date"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    for col in ("school_id", "exempt_reason", "preferences", "locked_school"):
        assert not st[col].isna().any()
    assert sc["lat"].between(-90, 90).all() and sc["lon"].between(-180, 180).all()
    assert laiwu["policy"]["plan_year"] == 2027


@pytest.mark.parametrize("n", [500, 5000])
def test_sizes_roughly_as_asked(n):
    d = generate(n, seed=0)
    assert abs(len(d["staff"]) - n) <= 0.05 * n
    n_sch = len(d["schools"])
    assert n / 50 <= n_sch <= n / 28
    assert d["schools"]["township"].nunique() >= 3


def test_laiwu_district(laiwu):
    sc, st = laiwu["schools"], laiwu["staff"]
    towns = sc.groupby("township")["area"].first()
    assert len(towns) == 15
    assert (towns == "urban").sum() == 4
    assert {"凤城街道", "口镇", "茶业口镇"} <= set(towns.index)
    assert sc.loc[sc["township"] == "茶业口镇", "mountainous"].all()
    assert not sc.loc[sc["township"] == "凤城街道", "mountainous"].any()
    assert 115 <= len(sc) <= 145
    assert 4700 <= len(st) <= 5300
    hires = (st["school_id"] == "").sum()
    assert 160 <= hires <= 240
    assert set(sc.loc[sc["level"].isin(["senior", "vocational"]), "area"]) == {"urban"}
    assert "莱芜第一中学" in set(sc["name"])


def test_every_township_has_a_seat_school_with_a_principal(laiwu, small):
    for d in (laiwu, small):
        sc, st = d["schools"], d["staff"]
        seats = sc[sc["is_township_seat"]]
        assert set(seats["level"]) <= {"primary", "junior", "nine_year"}
        assert set(seats["township"]) == set(sc["township"])
        with_principal = set(st.loc[st["role"] == "principal", "school_id"])
        has_principal = seats.groupby("township")["school_id"].apply(
            lambda s, with_principal=with_principal: bool(set(s) & with_principal))
        assert has_principal.all()


def test_ids_unique_and_references_known(laiwu, small):
    for d in (laiwu, small):
        sc, st, de = d["schools"], d["staff"], d["demand"]
        ids = set(sc["school_id"])
        assert sc["school_id"].is_unique and st["person_id"].is_unique
        assert sc["school_id"].str.fullmatch(r"[A-Za-z0-9]+").all()
        assert st["person_id"].str.fullmatch(r"[A-Za-z0-9]+").all()
        assert st["school_id"].isin(ids | {""}).all()
        assert de["school_id"].isin(ids).all()
        assert not de.duplicated(["school_id", "subject"]).any()
        assert (de["weekly_lessons"] > 0).all()
        locks = st.loc[st["locked_school"] != "", "locked_school"]
        assert len(locks) >= 1 and locks.isin(ids).all()
        for own, prefs in zip(st["school_id"], st["preferences"]):
            if prefs:
                ranked = prefs.split(";")
                assert 1 <= len(ranked) <= 3 and set(ranked) <= ids and own not in ranked
        node_ids = set(d["nodes"]["node_id"])
        assert not node_ids & ids
        ends = set(d["roads"]["from"]) | set(d["roads"]["to"])
        assert ends <= ids | node_ids


def test_roads_connect_each_township(laiwu, small):
    for d in (laiwu, small):
        sc, roads = d["schools"], d["roads"]
        assert (roads["minutes"] >= 1).all()
        g = nx.Graph()
        g.add_nodes_from(sc["school_id"])
        g.add_edges_from(zip(roads["from"], roads["to"]))
        assert nx.is_connected(g)
        comp = {n: i for i, c in enumerate(nx.connected_components(g.subgraph(
            set(sc["school_id"]) | set(d["nodes"]["node_id"])))) for n in c}
        for _, ids in sc.groupby("township")["school_id"]:
            assert len({comp[i] for i in ids}) == 1


def test_rural_disadvantage_visible(laiwu):
    sc, st = laiwu["schools"], laiwu["staff"]
    t = st.merge(sc[["school_id", "area", "level"]], on="school_id")
    t = t[(t["role"] == "teacher") & t["level"].isin(["primary", "junior", "nine_year"])]
    bach = t["degree"].isin(["doctorate", "master", "bachelor"])
    backbone = t["backbone"].isin(["district", "city", "province"])
    urban, rural = t["area"] == "urban", t["area"] == "rural"
    assert bach[rural].mean() < bach[urban].mean() - 0.1
    assert backbone[rural].mean() < backbone[urban].mean()
    age = _age(st).reindex(t.index)
    assert age[rural].mean() > age[urban].mean()


def test_staff_realism(laiwu):
    sc, st = laiwu["schools"], laiwu["staff"]
    age = _age(st)
    leaders = st["role"] != "teacher"
    teachers = (st["role"] == "teacher") & (st["school_id"] != "")
    hires = st["school_id"] == ""
    # retirements happen, but only a handful
    retiring = ((st["gender"] == "M") & (age >= 60)) | ((st["gender"] == "F") & (age >= 55))
    assert 5 <= retiring.sum() <= 100
    # leaders: some due for rotation, some posts vacant, no more leaders than posts
    due = leaders & (st["terms_at_school"] >= 2)
    assert 0.15 <= due.sum() / leaders.sum() <= 0.4
    assert age[leaders].between(35, 59).all()
    posts = sc.set_index("school_id")
    held = st[leaders].groupby(["school_id", "role"]).size().unstack(fill_value=0)
    assert (held.get("principal", 0) <= posts.loc[held.index, "principal_posts"]).all()
    assert (held.get("vice_principal", 0) <= posts.loc[held.index, "vice_principal_posts"]).all()
    assert held.to_numpy().sum() < posts["principal_posts"].sum() + posts["vice_principal_posts"].sum()
    assert not st.loc[leaders, "itinerant_ok"].any()
    # reserve leaders and period-1 finishers exist
    assert st.loc[st["reserve_leader"], "role"].eq("teacher").all()
    assert 0.01 <= st["reserve_leader"].sum() / teachers.sum() <= 0.06
    assert age[st["reserve_leader"]].between(28, 42).all()
    finishing = (st["contract_period"] == 1) & (st["period_years"] >= 3)
    assert finishing.sum() >= 50
    # new hires
    assert (st.loc[hires, "contract_period"] == 0).all() and (st.loc[hires, "role"] == "teacher").all()
    assert age[hires].between(22, 27).all()
    # public-funded teachers and rural service years
    assert st["public_funded"].sum() >= 50 and st.loc[hires, "public_funded"].any()
    assert st.loc[st["public_funded"], "rural_service_years"].between(0, 8).all()
    rural_staff = st["school_id"].isin(sc.loc[sc["area"] == "rural", "school_id"])
    assert (st.loc[rural_staff, "rural_service_years"] >= st.loc[rural_staff, "years_at_school"]).all()
    # exchange eligibility and missing homes
    share6 = (st.loc[teachers, "years_at_school"] >= 6).mean()
    assert 0.25 <= share6 <= 0.45
    assert 0 < st["home_lat"].isna().mean() < 0.05


def test_quota_room_for_hires(laiwu):
    sc, st = laiwu["schools"], laiwu["staff"]
    teachers = st[(st["role"] == "teacher") & (st["school_id"] != "")].groupby("school_id").size()
    slack = sc.set_index("school_id")["staff_quota"] - teachers.reindex(sc["school_id"]).fillna(0).to_numpy()
    hires = (st["school_id"] == "").sum()
    age = _age(st)
    retiring = (((st["gender"] == "M") & (age >= 60)) | ((st["gender"] == "F") & (age >= 55))).sum()
    assert slack.clip(lower=0).sum() >= hires + retiring
    assert (slack < 0).sum() >= 1


def test_demand_shape(laiwu):
    sc, st, de = laiwu["schools"], laiwu["staff"], laiwu["demand"]
    d = de.merge(sc[["school_id", "level", "area", "is_township_seat"]], on="school_id")
    assert set(d.loc[d["level"] == "kindergarten", "subject"]) == {"preschool"}
    teachers = st[(st["role"] == "teacher") & (st["school_id"] != "")]
    capacity = len(teachers) * 16
    assert 0.85 * capacity <= de["weekly_lessons"].sum() <= 1.1 * capacity
    # small rural primaries need itinerant music/art/pe/english that they cannot cover themselves
    have = set(zip(teachers["school_id"], teachers["subject"]))
    small = d[(d["area"] == "rural") & (d["level"] == "primary") & ~d["is_township_seat"]]
    uncovered = small[[(s, j) not in have for s, j in zip(small["school_id"], small["subject"])]]
    assert set(uncovered["subject"]) >= {"music", "art", "english"}
    assert uncovered["weekly_lessons"].between(4, 12).all()


def test_builtin_sample_is_rebuilt_exactly_by_the_command_in_its_readme(tmp_path):
    # scenarios/laiwu/README.md: `rotaplan generate --laiwu --seed 2023 --plan-year 2027 laiwu-rebuilt`
    from pathlib import Path

    from click.testing import CliRunner

    from rotaplan.cli import main

    out = tmp_path / "laiwu"
    r = CliRunner().invoke(main, ["generate", "--laiwu", "--seed", "2023", "--plan-year", "2027", str(out)])
    assert r.exit_code == 0, r.output
    sample = Path(__file__).resolve().parents[2] / "scenarios" / "laiwu"
    written = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))  # .rotaplan: the marker
    assert written == ["demand.csv", "nodes.csv", "policy.yaml", "roads.csv", "schools.csv", "staff.csv"]
    for name in written:
        assert (out / name).read_bytes() == (sample / name).read_bytes(), name


def test_v2_columns_terms_titles_and_the_2025_retirement_schedule(laiwu):
    """Contract v2 columns: completed terms consistent with years, titles, teaching years, evaluation scores, and
    retirees whose 2025 statutory date (counted by the validator's own arithmetic) falls by 1 September."""
    import datetime as dt

    from rotaplan.validator.r12 import statutory_date

    sc, st = laiwu["schools"], laiwu["staff"]
    leaders = st["role"] != "teacher"
    # terms_at_school counts completed terms: never more years of terms than years at the school
    assert (st["years_at_school"] >= st["terms_at_school"] * 3).all()
    level = st["school_id"].map(sc.set_index("school_id")["level"])
    due = leaders & (st["terms_at_school"] >= 2) & level.isin(["primary", "junior", "nine_year"])
    assert due.sum() >= 20
    # exemptions from R1 go only to leaders R1 covers
    other = leaders & ~level.isin(["primary", "junior", "nine_year"]) & (st["terms_at_school"] >= 2)
    assert (st.loc[other, "exempt_reason"] == "").all()
    # titles and teaching years: new hires none and 0; teaching years at least the years at the school
    hires = st["school_id"] == ""
    assert set(st["title"]) <= {"senior", "first", "second", "third", "none"}
    assert (st.loc[hires, "title"] == "none").all() and (st.loc[hires, "teaching_years"] == 0).all()
    assert (st["teaching_years"] >= st["years_at_school"]).all()
    assert st.loc[st["role"] == "principal", "title"].isin(["senior", "first"]).mean() > 0.8
    assert st.loc[~hires, "evaluation_score"].between(55, 100).all() and st.loc[hires, "evaluation_score"].isna().all()
    # R12 on 1 September 2027 by the 2025 schedule: a handful retire, and some of the same age stay because of
    # their step of the schedule
    sept1 = dt.date(2027, 9, 1)
    born = pd.to_datetime(st["birth_date"])
    when = [statutory_date(g, b.date(), "2025") for g, b in zip(st["gender"], born)]
    retiring = pd.Series([d <= sept1 for d in when], index=st.index)
    assert 5 <= retiring.sum() <= 100
    assert not retiring[leaders & (st["role"] == "principal")].all()
    age = _age(st)
    past_old_age = ((st["gender"] == "M") & (age >= 60)) | ((st["gender"] == "F") & (age >= 55))
    assert (past_old_age & ~retiring).sum() >= 3  # would retire under fixed ages, stay under the 2025 schedule


def test_certificates_cover_everyone_s_current_school_level():
    """R14: the generator writes a certificate for everyone, by the levels they teach; none falls short of the
    current school (a nine-year school needs primary)."""
    from rotaplan.scenarios.generate import generate

    d = generate(600, seed=2)
    st, sch = d["staff"], d["schools"].set_index("school_id")
    rank = {"kindergarten": 0, "primary": 1, "junior": 2, "senior": 3, "vocational": 3}
    need = {"kindergarten": 0, "primary": 1, "nine_year": 1, "junior": 2, "senior": 3, "vocational": 3}
    assert set(st["certificate"]) <= set(rank) and (st["certificate"] != "").all()
    here = st[st["school_id"] != ""]
    assert (here["certificate"].map(rank) >= here["school_id"].map(sch["level"]).map(need)).all()
    hires = st[st["school_id"] == ""]
    assert hires["certificate"].nunique() >= 2  # hires for several school levels


def test_period1_teachers_are_bundled_with_a_fitting_school_of_the_other_area(laiwu):
    # R5: bundle_school names, for each teacher in contract period 1, a school of the other area (of their level
    # group where one fits: the sample's senior schools are all urban) that teaches their subject at a level their
    # certificate covers (R14); nobody else has one.
    sc, st = laiwu["schools"].set_index("school_id"), laiwu["staff"]
    teaches = set(zip(laiwu["demand"]["school_id"], laiwu["demand"]["subject"]))
    group = {"kindergarten": 0, "primary": 1, "junior": 1, "nine_year": 1, "senior": 2, "vocational": 2}
    rank = {"kindergarten": 0, "primary": 1, "junior": 2, "senior": 3, "vocational": 3}
    need = {"kindergarten": 0, "primary": 1, "nine_year": 1, "junior": 2, "senior": 3, "vocational": 3}
    p1 = (st["contract_period"] == 1) & (st["school_id"] != "") & (st["role"] == "teacher")
    assert (st.loc[~p1, "bundle_school"] == "").all()
    bundled = st[p1 & (st["bundle_school"] != "")]
    assert len(bundled) >= 0.9 * p1.sum()
    for _, r in bundled.iterrows():
        b, s = r["bundle_school"], r["school_id"]
        assert sc.at[b, "area"] != sc.at[s, "area"]
        assert group[sc.at[b, "level"]] == group[sc.at[s, "level"]] or sc.at[s, "level"] in ("senior", "vocational")
        assert (b, r["subject"]) in teaches
        assert rank[r["certificate"]] >= need[sc.at[b, "level"]]
    assert bundled["bundle_school"].nunique() >= 10  # spread over the nearest few, not one school
