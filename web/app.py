"""The office's web application (FastAPI, server-rendered Jinja2 pages, HTMX for the live parts).

Every page and every word comes from this package and the message catalogue; no asset is loaded from
outside the machine. Every state-changing request (POST) needs a live session, the session's CSRF token
(form field `csrf` or header `X-CSRF-Token`) and a role allowed to do it: 401, 403 otherwise, checked here on
the server whatever the menus show. The flow of a plan is the run service's (runs/service.py), run in a
worker process (web/jobs.py); figures are the plan's own (kpis.json, compliance.csv).
"""

from __future__ import annotations

import json
import secrets
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from ..models import ScenarioError, messages
from ..models.policy import Policy
from ..reports import words
from . import labels, security, uploads, views
from . import roadmaps as rm_views
from .jobs import ROADMAP_STEPS, STAGES, Jobs
from .store import ROLES, User, WebStore, now

HERE = Path(__file__).resolve().parent
LANG_COOKIE = "rotaplan_lang"
EDIT_ROLES = ("admin", "clerk")
MAX_YEARS = 12  # a roadmap started from the page plans at most this many years


class HTTPProblem(Exception):
    def __init__(self, status: int, key: str, **fields):
        super().__init__(key)
        self.status, self.key, self.fields = status, key, fields


@dataclass
class Ctx:
    request: Request
    user: User | None
    csrf: str
    lang: str

    def t(self, key: str, **fields: Any) -> str:
        return messages.text(key, self.lang, **fields)


def create_app(db: str | Path | None = None, data_dir: str | Path | None = None,
               limits: uploads.Limits | None = None, workers: int = 2, plan_workers: int = 8) -> FastAPI:
    """The application over one database file (the run history's; the web tables beside it)."""
    store = WebStore(db, data_dir)
    store.fail_unfinished("the server stopped while this plan ran")
    jobs = Jobs(store, workers)
    cache = views.PlanCache()
    limiter = security.RateLimit()
    lim = limits or uploads.Limits()
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals.update(word=words.word, ROLES=ROLES, STAGES=STAGES, ROADMAP_STEPS=ROADMAP_STEPS,
                                 CATALOGUE=messages.catalogue())

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        yield
        jobs.shutdown()

    app = FastAPI(title="rotaplan", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.store, app.state.jobs, app.state.limiter = store, jobs, limiter
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    # ---- context, guards, rendering ------------------------------------------------------------
    def lang_of(request: Request) -> str:
        v = request.cookies.get(LANG_COOKIE, "zh")
        return v if v in messages.LANGS else "zh"

    def ctx(request: Request) -> Ctx:
        found = security.session(store, request.cookies.get(security.SESSION_COOKIE))
        user, csrf = found if found else (None, "")
        return Ctx(request, user, csrf, lang_of(request))

    def page(c: Ctx, name: str, status: int = 200, **data: Any) -> HTMLResponse:
        return templates.TemplateResponse(c.request, name, {"c": c, "t": c.t, **data}, status_code=status)

    def viewer(request: Request) -> Ctx:
        c = ctx(request)
        if c.user is None:
            raise HTTPProblem(401, "web.err.401")
        return c

    async def posted(request: Request, roles: tuple[str, ...] = EDIT_ROLES) -> tuple[Ctx, Any]:
        """A state-changing request: session (401), CSRF token (403), role (403), then its form."""
        c = ctx(request)
        if c.user is None:
            raise HTTPProblem(401, "web.err.401")
        form = await request.form(max_files=1, max_fields=200)
        token = request.headers.get("x-csrf-token") or str(form.get("csrf") or "")
        if not security.same(token, c.csrf):
            raise HTTPProblem(403, "web.err.csrf")
        if c.user.role not in roles:
            raise HTTPProblem(403, "web.err.403", role=c.t(f"web.role.{c.user.role}"))
        return c, form

    @app.exception_handler(HTTPProblem)
    async def _problem(request: Request, exc: HTTPProblem):
        c = ctx(request)
        if exc.status == 401 and request.method == "GET" and not request.headers.get("hx-request"):
            return RedirectResponse("/login", 303)
        return page(c, "error.html", exc.status, message=c.t(exc.key, **exc.fields))

    def redirect(url: str) -> RedirectResponse:
        return RedirectResponse(url, 303)

    def job_or_404(job_id: int, kind: str = "plan") -> dict:
        job = store.job(job_id)
        if job is None or job["kind"] != kind:
            raise HTTPProblem(404, "web.err.404")
        return job

    def opened(job: dict, lang: str) -> views.OpenPlan:
        if job["status"] != "done" or not job["plan_dir"]:
            raise HTTPProblem(404, "web.err.404")
        return cache.get(job["plan_dir"], lang)

    # ---- login, logout, language ---------------------------------------------------------------
    @app.get("/login", response_class=HTMLResponse)
    def login_form(request: Request, error: str = ""):
        c = ctx(request)
        token = secrets.token_urlsafe(24)
        resp = page(c, "login.html", login_csrf=token, error=error)
        resp.set_cookie(security.LOGIN_CSRF_COOKIE, token, httponly=True, samesite="lax",
                        secure=request.url.scheme == "https", max_age=3600)
        return resp

    @app.post("/login")
    async def login(request: Request):
        c = ctx(request)
        form = await request.form(max_files=0, max_fields=10)
        name, password = str(form.get("name", "")), str(form.get("password", ""))
        if not security.same(str(form.get("csrf", "")), request.cookies.get(security.LOGIN_CSRF_COOKIE)):
            raise HTTPProblem(403, "web.login.stale")
        ip = request.client.host if request.client else ""
        if limiter.blocked(name, ip):
            store.audit(name.strip()[:64], "login refused", "", f"rate limit, from {ip}")
            return page(c, "login.html", 429, login_csrf=form.get("csrf"),
                        error=c.t("web.login.limited", minutes=int(limiter.window // 60)))
        user = security.check_password(store, name, password)
        if user is None:
            limiter.failed(name, ip)
            store.audit(name.strip()[:64], "login failed", "", f"from {ip}")
            return page(c, "login.html", 401, login_csrf=form.get("csrf"), error=c.t("web.login.failed"))
        limiter.succeeded(name, ip)
        store.audit(user.name, "login", "", f"from {ip}")
        resp = redirect("/uploads")
        resp.set_cookie(security.SESSION_COOKIE, security.new_session(store, user), httponly=True, samesite="lax",
                        secure=request.url.scheme == "https", max_age=security.SESSION_SECONDS)
        resp.delete_cookie(security.LOGIN_CSRF_COOKIE)
        return resp

    @app.post("/logout")
    async def logout(request: Request):
        c, _ = await posted(request, ROLES)
        security.end_session(store, request.cookies.get(security.SESSION_COOKIE))
        assert c.user is not None
        store.audit(c.user.name, "logout")
        resp = redirect("/login")
        resp.delete_cookie(security.SESSION_COOKIE)
        return resp

    @app.get("/lang/{lang}")
    def set_lang(lang: str, next: str = "/"):
        target = next if next.startswith("/") and not next.startswith("//") else "/"
        resp = redirect(target)
        resp.set_cookie(LANG_COOKIE, lang if lang in messages.LANGS else "zh", samesite="lax", max_age=3600 * 24 * 365)
        return resp

    @app.get("/")
    def home(request: Request):
        viewer(request)
        return redirect("/uploads")

    # ---- uploads --------------------------------------------------------------------------------
    @app.get("/uploads", response_class=HTMLResponse)
    def upload_list(request: Request):
        c = viewer(request)
        rows = store.all("SELECT upload_id, created, user, filename, status FROM web_uploads ORDER BY upload_id DESC")
        return page(c, "uploads.html", uploads=rows, mb=lim.upload_bytes // 2**20)

    @app.post("/uploads")
    async def upload(request: Request):
        length = request.headers.get("content-length", "")
        if not length.isdigit():  # a body of unknown length (chunked) is not read at all: browsers send the length
            c = viewer(request)
            return page(c, "error.html", 411, message=c.t("web.upload.length"))
        size = int(length)
        if size > lim.upload_bytes + 64 * 1024:  # refused before the body is read
            c = viewer(request)
            return page(c, "error.html", 413, message=c.t("web.upload.size", mb=size // 2**20,
                                                          most=lim.upload_bytes // 2**20))
        c, form = await posted(request)
        assert c.user is not None
        f = form.get("file")
        if f is None or isinstance(f, str):
            return page(c, "error.html", 400, message=c.t("web.upload.kind"))
        data = await f.read(lim.upload_bytes + 1)
        shown = Path(str(f.filename or "upload")).name[:200]
        folder = store.new_folder("uploads")
        try:
            kind, path = uploads.store(data, shown, folder, lim)
        except uploads.Refused as exc:
            store.write("INSERT INTO web_uploads (created, user, filename, kind, status, problems) "
                        "VALUES (?, ?, ?, '', 'refused', ?)",
                        (now(), c.user.name, shown, json.dumps([{"message": c.t(exc.key, **exc.fields)}],
                                                        ensure_ascii=False)))
            store.audit(c.user.name, "upload refused", shown, exc.key)
            return page(c, "error.html", 400, message=c.t(exc.key, **exc.fields),
                        title=c.t("web.upload.refused"))
        problems, summary = uploads.validate(path, shown)
        uid = store.write("INSERT INTO web_uploads (created, user, filename, kind, path, status, problems, summary) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                          (now(), c.user.name, shown, kind, str(path), "invalid" if problems else "valid",
                           json.dumps(problems, ensure_ascii=False), json.dumps(summary, ensure_ascii=False)))
        store.audit(c.user.name, "upload", f"upload {uid}: {shown}",
                    f"{len(problems)} problem(s)" if problems else "valid")
        return redirect(f"/uploads/{uid}")

    @app.get("/uploads/{upload_id}", response_class=HTMLResponse)
    def upload_page(request: Request, upload_id: int):
        c = viewer(request)
        u = store.upload(upload_id)
        if u is None:
            raise HTTPProblem(404, "web.err.404")
        return page(c, "upload.html", u=u)

    # ---- policy ---------------------------------------------------------------------------------
    def policy_values(upload_id: int | None, policy_id: int | None) -> tuple[dict[str, str], str]:
        if policy_id:
            row = store.one("SELECT * FROM web_policies WHERE policy_id = ?", (policy_id,))
            if row is not None:
                return json.loads(row["values_json"]), row["name"]
        if upload_id:
            u = store.upload(upload_id)
            if u is not None and u["status"] == "valid":
                from ..models import Scenario

                return labels.flat(Scenario.read(u["path"]).policy), u["filename"]
        return labels.flat(Policy()), ""

    @app.get("/policy", response_class=HTMLResponse)
    def policy_form(request: Request, upload: int | None = None, policy: int | None = None):
        c = viewer(request)
        values, source = policy_values(upload, policy)
        return page(c, "policy.html", fields=labels.field_list(), values=values, source=source, problems=[],
                    upload_id=upload, policies=store.all("SELECT * FROM web_policies ORDER BY policy_id DESC"),
                    uploads=store.all("SELECT upload_id, filename FROM web_uploads WHERE status = 'valid' "
                                      "ORDER BY upload_id DESC"), saved="")

    @app.post("/policy", response_class=HTMLResponse)
    async def policy_save(request: Request):
        c, form = await posted(request)
        assert c.user is not None
        raw = {k: str(v) for k, v in form.items() if isinstance(v, str)}
        values = labels.parse_form(raw)
        name = raw.get("name", "").strip()[:100]
        problems: list[dict] = []
        if not name:
            problems.append({"column": "name", "message": c.t("web.policy.need_name")})
        try:
            pol = Policy.from_mapping(dict(values), "policy")
        except ScenarioError as exc:
            problems += [uploads.problem_dict(p) for p in exc.problems]
        shown = {**{f["key"]: f["default"] for f in labels.field_list()},
                 **{k[2:]: v for k, v in raw.items() if k.startswith("p.")}}
        valid = store.all("SELECT upload_id, filename FROM web_uploads WHERE status = 'valid' ORDER BY upload_id DESC")
        if problems:
            return page(c, "policy.html", 400, fields=labels.field_list(), values=shown, source=name, problems=problems,
                        upload_id=None, policies=store.all("SELECT * FROM web_policies ORDER BY policy_id DESC"),
                        uploads=valid, saved="")
        upload_id = int(raw["upload_id"]) if raw.get("upload_id", "").isdigit() else None
        pid = store.write("INSERT INTO web_policies (name, created, user, upload_id, values_json) "
                          "VALUES (?, ?, ?, ?, ?)",
                          (name, now(), c.user.name, upload_id, json.dumps(labels.flat(pol), ensure_ascii=False)))
        store.audit(c.user.name, "policy", f"policy {pid}: {name}")
        return page(c, "policy.html", fields=labels.field_list(), values=labels.flat(pol), source=name, problems=[],
                    upload_id=upload_id, policies=store.all("SELECT * FROM web_policies ORDER BY policy_id DESC"),
                    uploads=valid, saved=c.t("web.policy.saved", name=name))

    # ---- runs -----------------------------------------------------------------------------------
    def job_list(kind: str = "plan") -> list[dict]:
        return store.all("SELECT j.*, u.filename FROM web_jobs j LEFT JOIN web_uploads u ON u.upload_id = j.upload_id "
                         "WHERE j.kind = ? ORDER BY job_id DESC LIMIT 200", (kind,))

    @app.get("/runs", response_class=HTMLResponse)
    def run_list(request: Request, upload: int | None = None):
        c = viewer(request)
        return page(c, "runs.html", jobs=job_list(), chosen=upload,
                    uploads=store.all("SELECT upload_id, filename, created FROM web_uploads WHERE status = 'valid' "
                                      "ORDER BY upload_id DESC"),
                    policies=store.all("SELECT policy_id, name FROM web_policies ORDER BY policy_id DESC"),
                    error="")

    @app.post("/runs")
    async def run_start(request: Request):
        c, form = await posted(request)
        assert c.user is not None
        u = store.upload(int(str(form.get("upload_id") or 0)) if str(form.get("upload_id") or "").isdigit() else 0)
        if u is None or u["status"] != "valid":
            return page(c, "error.html", 400, message=c.t("web.run.none"))
        try:
            limit = float(str(form.get("time_limit") or 30))
            seed = int(str(form.get("seed") or 0))
        except ValueError:
            return page(c, "error.html", 400, message=c.t("web.run.bad_limit"))
        if not 1 <= limit <= 600:
            return page(c, "error.html", 400, message=c.t("web.run.bad_limit"))
        lang = str(form.get("lang") or c.lang)
        lang = lang if lang in messages.LANGS else c.lang
        spec: dict[str, Any] = {"scenario": u["path"], "db": str(store.path), "time_limit": limit, "seed": seed,
                                "workers": plan_workers, "lang": lang, "label": str(form.get("label") or "")[:100],
                                "allow_violations": form.get("allow_violations") == "on"}
        policy_id = int(str(form.get("policy_id"))) if str(form.get("policy_id") or "").isdigit() else None
        if policy_id:
            row = store.one("SELECT * FROM web_policies WHERE policy_id = ?", (policy_id,))
            if row is not None:
                from ..models import Scenario

                base = labels.flat(Scenario.read(u["path"]).policy)
                chosen = json.loads(row["values_json"])
                diff = labels.parse_form({f"p.{k}": v for k, v in chosen.items()})
                over = {k: v for k, v in diff.items() if labels.show(v) != base.get(k)}
                spec["whatif"] = {"name": row["name"], "policy": over}
                spec["label"] = spec["label"] or row["name"]
        job_id = jobs.submit(c.user.name, spec, upload_id=u["upload_id"], policy_id=policy_id)
        store.audit(c.user.name, "plan", f"plan {job_id}", f"upload {u['upload_id']} ({u['filename']}), "
                    f"policy {policy_id or '-'}, time limit {limit:g} s")
        return redirect(f"/runs/{job_id}")

    @app.get("/runs/{job_id}", response_class=HTMLResponse)
    def run_page(request: Request, job_id: int):
        c = viewer(request)
        found = store.job(job_id)
        if found is not None and found["kind"] == "roadmap":
            return redirect(f"/roadmaps/{job_id}")
        job = job_or_404(job_id)
        if job["status"] != "done" or not job["plan_dir"]:
            return page(c, "job.html", job=job)
        op = opened(job, c.lang)
        changed, locked = None, None
        if job["base_job"]:
            base = store.job(job["base_job"])
            if base is not None and base["plan_dir"]:
                base_op = cache.get(base["plan_dir"])
                changed = views.changes(op, base_op, c.lang, but=job["lock_person"])
                locked = views.outcome(op, base_op, job["lock_person"], c.lang)
        return page(c, "plan.html", job=job, kpis=views.kpi_rows(op.plan, c.lang),
                    compliance=views.compliance_rows(op.plan, c.lang), people=views.people_page(op, c.lang),
                    op=op, moves=views.moves(op.plan), rules=views.rules(), f={}, changed=changed, locked=locked,
                    notes=json.loads(job["notes"] or "[]"))

    @app.get("/runs/{job_id}/progress", response_class=HTMLResponse)
    def run_progress(request: Request, job_id: int):
        c = viewer(request)
        job = job_or_404(job_id)
        resp = templates.TemplateResponse(request, "_progress.html", {"c": c, "t": c.t, "job": job})
        if job["status"] in ("done", "failed"):
            resp.headers["HX-Refresh"] = "true"
        return resp

    @app.get("/runs/{job_id}/people", response_class=HTMLResponse)
    def people(request: Request, job_id: int, q: str = "", township: str = "", school: str = "", move: str = "",
               rule: str = "", page_no: int = 1):
        c = viewer(request)
        op = opened(job_or_404(job_id), c.lang)
        f = {"q": q, "township": township, "school": school, "move": move, "rule": rule}
        return templates.TemplateResponse(request, "_people.html", {
            "c": c, "t": c.t, "people": views.people_page(op, c.lang, page=page_no, **f), "job": {"job_id": job_id},
            "f": f})

    @app.get("/runs/{job_id}/people/{person_id}", response_class=HTMLResponse)
    def person(request: Request, job_id: int, person_id: str):
        c = viewer(request)
        job = job_or_404(job_id)
        op = opened(job, c.lang)
        from ..reports.explain import explain

        try:
            ex = explain(op.scenario, op.plan, person_id, district=op.district(c.lang), lang=c.lang)
        except ScenarioError:
            raise HTTPProblem(404, "web.person.no_person") from None
        row = op.people[op.people["person_id"] == person_id].iloc[0]
        week = ""
        if person_id in set(op.plan.itinerant["person_id"]):
            from ..reports.routes import week_text

            week = week_text(op.plan, op.scenario, person_id, c.lang)
        return page(c, "person.html", job=job, ex=ex, row=row, op=op, week=week,
                    facts=views.person_facts(op, person_id, c.lang),
                    week_table=views.itinerant_week(op, person_id, c.lang), schools=op.school_options(c.lang))

    @app.post("/runs/{job_id}/people/{person_id}/lock")
    async def lock(request: Request, job_id: int, person_id: str):
        c, form = await posted(request)
        assert c.user is not None
        job = job_or_404(job_id)
        op = opened(job, c.lang)
        if person_id not in set(op.people["person_id"]):
            raise HTTPProblem(404, "web.person.no_person")
        choice = str(form.get("to_school") or "")
        if choice != "__keep__" and choice not in op.schools.index:
            raise HTTPProblem(400, "web.person.no_school")
        from ..runs.source import recorded_scenario

        edit = views.edited_copy(op, store.new_folder("edits"), person_id, None if choice == "__keep__" else choice)
        base_spec = json.loads(job["spec"])
        spec = {**{k: base_spec[k] for k in ("db", "time_limit", "seed", "workers", "lang") if k in base_spec},
                "scenario": recorded_scenario(job["plan_dir"]), "lock": str(edit),
                "label": f"{job['label'] or c.t('web.run.job', id=job_id)} + {person_id}"}
        new = jobs.submit(c.user.name, spec, upload_id=job["upload_id"], policy_id=job["policy_id"], base_job=job_id,
                          lock_person=person_id)
        store.audit(c.user.name, "lock", f"plan {job_id}, {person_id}",
                    f"{'keep where they are' if choice == '__keep__' else 'to ' + choice}; re-plan {new}")
        return redirect(f"/runs/{new}")

    # ---- downloads ------------------------------------------------------------------------------
    @app.get("/runs/{job_id}/plan.xlsx")
    def download_xlsx(request: Request, job_id: int, lang: str = ""):
        c = viewer(request)
        assert c.user is not None
        job = job_or_404(job_id)
        op = opened(job, c.lang)
        folder = Path(job["plan_dir"])
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        lang = lang if lang in messages.LANGS else meta.get("lang", "zh")
        path = folder / "plan.xlsx"
        if lang != meta.get("lang"):  # the other language: written once, into the server's folder
            path = store.data / "downloads" / f"job{job_id}-{lang}.xlsx"
            if not path.exists():
                from ..models.outputs import atomic_write_file
                from ..models.workbook import write_plan_workbook

                atomic_write_file(path, lambda p: write_plan_workbook(op.plan, op.scenario, p, lang=lang, about=meta),
                                  "plan", option="download")
        store.audit(c.user.name, "download", f"plan {job_id}", f"plan.xlsx ({lang})")
        return FileResponse(path, filename=f"plan-{job_id}-{lang}.xlsx",
                            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

    @app.get("/runs/{job_id}/report", response_class=HTMLResponse)
    def view_report(request: Request, job_id: int):
        """report.html (charts, the map) shown in the browser; it loads nothing from outside the machine."""
        viewer(request)
        job = job_or_404(job_id)
        if job["status"] != "done" or not job["plan_dir"]:
            raise HTTPProblem(404, "web.err.404")
        return HTMLResponse((Path(job["plan_dir"]) / "report.html").read_text(encoding="utf-8"))

    @app.get("/runs/{job_id}/report.html")
    def download_report(request: Request, job_id: int):
        c = viewer(request)
        assert c.user is not None
        job = job_or_404(job_id)
        if job["status"] != "done" or not job["plan_dir"]:
            raise HTTPProblem(404, "web.err.404")
        store.audit(c.user.name, "download", f"plan {job_id}", "report.html")
        return FileResponse(Path(job["plan_dir"]) / "report.html", filename=f"report-{job_id}.html",
                            media_type="text/html", content_disposition_type="attachment")

    # ---- compare --------------------------------------------------------------------------------
    @app.get("/compare", response_class=HTMLResponse)
    def compare_page(request: Request):
        c = viewer(request)
        ids = [int(x) for x in request.query_params.getlist("job") if x.isdigit()]
        done = [j for j in job_list() if j["status"] == "done" and j["plan_dir"]]
        result, error = None, ""
        if ids:
            chosen = [j for j in done if j["job_id"] in ids]
            if len(chosen) < 2:
                error = c.t("web.compare.need_two")
            else:
                from ..reports.compare import compare, localised

                chosen.sort(key=lambda j: j["job_id"])
                cmp = compare([j["plan_dir"] for j in chosen], lang=c.lang)
                names = {s.label: c.t("web.run.job", id=j["job_id"]) + (f" {j['label']}" if j["label"] else "")
                         for s, j in zip(cmp.sides, chosen)}
                result = {k: df.rename(columns=names) for k, df in localised(cmp, c.lang).items()}
                # the server's own paths are not the office's business: plans and uploads by their names
                shown = {}
                for j in chosen:
                    shown[j["plan_dir"]] = c.t("web.run.job", id=j["job_id"])
                    u = store.upload(j["upload_id"]) if j["upload_id"] else None
                    if u is not None:
                        shown[str(Path(u["path"]).resolve())] = u["filename"]
                        shown[u["path"]] = u["filename"]

                def plain(v: Any) -> Any:
                    if isinstance(v, str):
                        for path, name in shown.items():
                            v = v.replace(path, name)
                    return v

                result["info"] = result["info"].map(plain)
        return page(c, "compare.html", done=done, ids=ids, result=result, error=error)

    # ---- roadmaps -------------------------------------------------------------------------------
    def roadmap_sides(ids: list[int], lang: str) -> tuple[list[dict], list[dict]]:
        """The chosen finished roadmaps (oldest first) and each one's stored figures (runs/roadmap.py)."""
        from ..runs.roadmap import load_roadmap

        chosen = sorted((j for j in job_list("roadmap") if j["job_id"] in ids and j["status"] == "done"),
                        key=lambda j: j["job_id"])
        sides = []
        for j in chosen:
            got = load_roadmap(j["plan_dir"])
            got["verdict"] = roadmap_verdict({**rm_views.read(j)}, lang)
            got["name"] = messages.text("web.rm.job", lang, id=j["job_id"]) + (f" {j['label']}" if j["label"] else "")
            sides.append(got)
        return chosen, sides

    def roadmap_verdict(data: dict, lang: str) -> str:
        runs = [r.get("run_id") for r in data.get("rows") or [] if r.get("run_id")]
        got = store.one("SELECT policy FROM runs WHERE run_id = ?", (runs[-1],)) if runs else None
        return rm_views.verdict(data, got["policy"] if got else "", lang)

    @app.get("/roadmaps", response_class=HTMLResponse)
    def roadmap_list(request: Request, upload: int | None = None):
        c = viewer(request)
        valid = store.all("SELECT upload_id, filename, created, summary FROM web_uploads WHERE status = 'valid' "
                          "ORDER BY upload_id DESC")
        for u in valid:
            u["plan_year"] = json.loads(u["summary"] or "{}").get("plan_year")
        return page(c, "roadmaps.html", roadmaps=job_list("roadmap"), uploads=valid, chosen=upload)

    @app.post("/roadmaps")
    async def roadmap_start(request: Request):
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > lim.hiring_bytes + 64 * 1024:  # a hiring plan is a short text
            c = viewer(request)
            return page(c, "error.html", 413, message=c.t("web.rm.hiring_size", kb=lim.hiring_bytes // 1024))
        c, form = await posted(request)
        assert c.user is not None
        u = store.upload(int(str(form.get("upload_id"))) if str(form.get("upload_id") or "").isdigit() else 0)
        if u is None or u["status"] != "valid":
            return page(c, "error.html", 400, message=c.t("web.run.none"))
        first = int(u["summary"].get("plan_year") or 0)
        try:
            until = int(str(form.get("until") or ""))
            limit = float(str(form.get("time_limit") or 10))
            seed = int(str(form.get("seed") or 0))
        except ValueError:
            return page(c, "error.html", 400, message=c.t("web.rm.bad", first=first, last=first + MAX_YEARS - 1))
        if not first <= until < first + MAX_YEARS or not 1 <= limit <= 600:
            return page(c, "error.html", 400, message=c.t("web.rm.bad", first=first, last=first + MAX_YEARS - 1))
        hiring, hiring_name = "", ""
        f = form.get("hiring")
        if f is not None and not isinstance(f, str) and f.filename:
            data = await f.read(lim.hiring_bytes + 1)
            hiring_name = Path(str(f.filename)).name[:200]
            if len(data) > lim.hiring_bytes:
                return page(c, "error.html", 413, message=c.t("web.rm.hiring_size", kb=lim.hiring_bytes // 1024))
            path = store.new_folder("hiring") / "hiring.yaml"
            path.write_bytes(data)
            from ..scenarios.rollover import Hiring

            try:
                Hiring.read(path)
            except ScenarioError as exc:
                problems = [{**uploads.problem_dict(p), "source": hiring_name} for p in exc.problems]
                said = "; ".join(" ".join(x for x in (p.get("column"), p.get("value")) if x) + f": {p.get('message')}"
                                 for p in problems)
                return page(c, "error.html", 400, title=c.t("web.rm.hiring_bad"),
                            message=said.replace(str(path.parent) + "/", "").replace(str(path.parent), ""))
            hiring = str(path)
        lang = str(form.get("lang") or c.lang)
        lang = lang if lang in messages.LANGS else c.lang
        spec: dict[str, Any] = {"scenario": u["path"], "first": first, "until": until, "hiring": hiring,
                                "hiring_name": hiring_name,
                                "db": str(store.path), "time_limit": limit, "seed": seed, "workers": plan_workers,
                                "lang": lang, "label": str(form.get("label") or "")[:100]}
        job_id = jobs.submit(c.user.name, spec, kind="roadmap", upload_id=u["upload_id"],
                             stage_total=(until - first + 1) * len(ROADMAP_STEPS))
        store.audit(c.user.name, "roadmap", f"roadmap {job_id}",
                    f"upload {u['upload_id']} ({u['filename']}), {first}-{until}, hiring plan "
                    f"{hiring_name or '-'}, time limit {limit:g} s")
        return redirect(f"/roadmaps/{job_id}")

    @app.get("/roadmaps/compare", response_class=HTMLResponse)
    def roadmap_compare(request: Request):
        c = viewer(request)
        ids = [int(x) for x in request.query_params.getlist("rm") if x.isdigit()]
        done = [j for j in job_list("roadmap") if j["status"] == "done"]
        result, error = None, ""
        if ids:
            chosen, sides = roadmap_sides(ids, c.lang)
            if len(chosen) < 2:
                error = c.t("web.compare.need_two")
            else:
                result = {"sides": sides, "table": rm_views.compared(sides, c.lang),
                          "query": "&".join(f"rm={j['job_id']}" for j in chosen)}
        return page(c, "roadmap_compare.html", done=done, ids=ids, result=result, error=error)

    @app.get("/roadmaps/compare/chart", response_class=HTMLResponse)
    def roadmap_compare_chart(request: Request):
        """reports/roadmap.py's comparison page (a chart per figure, a line per roadmap), shown in a frame."""
        c = viewer(request)
        ids = [int(x) for x in request.query_params.getlist("rm") if x.isdigit()]
        chosen, sides = roadmap_sides(ids, c.lang)
        if len(chosen) < 2:
            raise HTTPProblem(404, "web.err.404")
        from ..reports.roadmap import compare_html

        return HTMLResponse(compare_html(sides, Policy(), c.lang))

    @app.get("/roadmaps/{job_id}", response_class=HTMLResponse)
    def roadmap_page(request: Request, job_id: int):
        c = viewer(request)
        job = job_or_404(job_id, "roadmap")
        spec = json.loads(job["spec"] or "{}")
        if job["status"] != "done":
            return page(c, "roadmap.html", job=job, spec=spec, data=None)
        data = rm_views.read(job)
        data["verdict"] = roadmap_verdict(data, c.lang)
        years = {int(r["year"]): int(r["job_id"]) for r in
                 store.all("SELECT job_id, year FROM web_jobs WHERE roadmap_job = ?", (job_id,))}
        return page(c, "roadmap.html", job=job, spec=spec, data=data, table=rm_views.table(data, years, c.lang),
                    notes=json.loads(job["notes"] or "{}"))

    @app.get("/roadmaps/{job_id}/progress", response_class=HTMLResponse)
    def roadmap_progress(request: Request, job_id: int):
        c = viewer(request)
        job = job_or_404(job_id, "roadmap")
        resp = templates.TemplateResponse(request, "_rm_progress.html", {
            "c": c, "t": c.t, "job": job, "spec": json.loads(job["spec"] or "{}")})
        if job["status"] in ("done", "failed"):
            resp.headers["HX-Refresh"] = "true"
        return resp

    def roadmap_file(job_id: int) -> Path:
        job = job_or_404(job_id, "roadmap")
        if job["status"] != "done" or not job["plan_dir"]:
            raise HTTPProblem(404, "web.err.404")
        return Path(job["plan_dir"]) / "roadmap.html"

    @app.get("/roadmaps/{job_id}/chart", response_class=HTMLResponse)
    def roadmap_chart(request: Request, job_id: int):
        """reports/roadmap.py's page (the charts and the table), shown in a frame; nothing from outside."""
        viewer(request)
        return HTMLResponse(roadmap_file(job_id).read_text(encoding="utf-8"))

    @app.get("/roadmaps/{job_id}/roadmap.html")
    def roadmap_download(request: Request, job_id: int):
        c = viewer(request)
        assert c.user is not None
        path = roadmap_file(job_id)
        store.audit(c.user.name, "download", f"roadmap {job_id}", "roadmap.html")
        return FileResponse(path, filename=f"roadmap-{job_id}.html", media_type="text/html",
                            content_disposition_type="attachment")

    # ---- admin ----------------------------------------------------------------------------------
    @app.get("/admin", response_class=HTMLResponse)
    def admin(request: Request, added: str = ""):
        c = viewer(request)
        assert c.user is not None
        if c.user.role != "admin":
            raise HTTPProblem(403, "web.err.403", role=c.t(f"web.role.{c.user.role}"))
        users = store.all("SELECT user_id, name, role, created FROM web_users ORDER BY name")
        return page(c, "admin.html", users=users,
                    audit=store.all("SELECT * FROM web_audit ORDER BY audit_id DESC LIMIT 500"), added=added,
                    problems=[])

    @app.post("/admin/users")
    async def admin_add(request: Request):
        c, form = await posted(request, ("admin",))
        assert c.user is not None
        name, role = str(form.get("name") or ""), str(form.get("role") or "")
        try:
            security.add_user(store, name, role, str(form.get("password") or ""))
        except ScenarioError as exc:
            return page(c, "admin.html", 400,
                        users=store.all("SELECT user_id, name, role, created FROM web_users ORDER BY name"),
                        audit=store.all("SELECT * FROM web_audit ORDER BY audit_id DESC LIMIT 500"), added="",
                        problems=[uploads.problem_dict(p) for p in exc.problems])
        store.audit(c.user.name, "user", name, f"added as {role}")
        return redirect(f"/admin?added={name}")

    return app
