"""Benchmark of the web application on the loopback: the plan page and the people table (warm) for the built-in
5,000-staff sample, and 10 concurrent viewers browsing while a plan runs.

    PYTHONPATH=... .venv/bin/python benchmarks/web_latency.py                      # time limit 30 s per stage
    PYTHONPATH=... .venv/bin/python benchmarks/web_latency.py --time-limit 5 --viewers 10 --requests 20

A server (`create_app` under uvicorn, as `rotaplan serve` runs it) starts on a free loopback port over a fresh
temporary database; a clerk uploads the sample (a zip of its CSV files) and plans it from the run form. Then:
median and 95th-percentile latency of the plan page, a people-table page and a search (after one warm-up
request each); the plan's time as the page sees it (start to finished) beside the job's own seconds and, with
`--cli`, `rotaplan plan`'s wall time on the same settings; and, while a
second plan runs, `--viewers` threads each making `--requests` page requests (errors counted, bounded by a
timeout). Prints one JSON object.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

import httpx


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _find(pattern: str, text: str) -> str:
    m = re.search(pattern, text)
    if m is None:
        raise RuntimeError(f"not on the page: {pattern}")
    return m.group(1)


def _csrf(html: str) -> str:
    return _find(r'name="csrf" value="([^"]+)"', html)


def _row(st, q: str, args: tuple) -> dict:
    row = st.one(q, args)
    if row is None:
        raise RuntimeError(f"no row: {q} {args}")
    return row


def _login(base: str, name: str, password: str) -> tuple[httpx.Client, str]:
    c = httpx.Client(base_url=base, timeout=60, follow_redirects=True)
    token = _csrf(c.get("/login").text)
    r = c.post("/login", data={"csrf": token, "name": name, "password": password})
    return c, _csrf(r.text)


def _times(c: httpx.Client, path: str, n: int) -> dict:
    c.get(path)  # warm
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        r = c.get(path)
        out.append((time.perf_counter() - t0) * 1000)
        r.raise_for_status()
    out.sort()
    return {"median_ms": round(statistics.median(out), 1), "p95_ms": round(out[int(0.95 * (len(out) - 1))], 1)}


def _wait(c: httpx.Client, job: int, timeout: float = 1800) -> float:
    t0 = time.time()
    while time.time() - t0 < timeout:
        if c.get(f"/runs/{job}/progress").headers.get("hx-refresh"):
            return time.time() - t0
        time.sleep(0.5)
    raise RuntimeError(f"plan {job} did not finish")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--time-limit", type=float, default=30)
    ap.add_argument("--plan-workers", type=int, default=8, help="CP-SAT num_workers of each plan")
    ap.add_argument("--viewers", type=int, default=10)
    ap.add_argument("--requests", type=int, default=20, help="requests per viewer")
    ap.add_argument("--samples", type=int, default=20, help="timed requests per page")
    ap.add_argument("--cli", action="store_true", help="also time `rotaplan plan` on the sample with the same settings")
    args = ap.parse_args()

    import uvicorn

    from rotaplan.models.scenario import BUILTIN
    from rotaplan.web.app import create_app
    from rotaplan.web.security import add_user
    from rotaplan.web.store import WebStore

    tmp = Path(tempfile.mkdtemp(prefix="rotaplan-web-bench-"))
    db = tmp / "runs.sqlite"
    st = WebStore(db)
    add_user(st, "clerk", "clerk", "bench-clerk-pass")
    add_user(st, "viewer", "viewer", "bench-viewer-pass")
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(db, workers=2, plan_workers=args.plan_workers),
                                        host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=srv.run, daemon=True).start()
    while not srv.started:
        time.sleep(0.1)
    base = f"http://127.0.0.1:{port}"

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in Path(BUILTIN).iterdir():
            if p.suffix in (".csv", ".yaml"):
                zf.write(p, p.name)
    clerk, csrf = _login(base, "clerk", "bench-clerk-pass")
    r = clerk.post("/uploads", data={"csrf": csrf}, files={"file": ("laiwu.zip", buf.getvalue())})
    assert 'id="summary"' in r.text, r.text[:2000]
    upload = r.url.path.rsplit("/", 1)[1]

    def start() -> int:
        r = clerk.post("/runs", data={"csrf": csrf, "upload_id": upload, "time_limit": str(args.time_limit)})
        return int(r.url.path.rsplit("/", 1)[1])

    job = start()
    wall = _wait(clerk, job)
    rec = _row(st, "SELECT * FROM web_jobs WHERE job_id = ?", (job,))
    extra = json.loads(_row(st, "SELECT extra FROM runs WHERE run_id = ?", (rec["run_id"],))["extra"])
    viewer, _ = _login(base, "viewer", "bench-viewer-pass")
    person = _find(rf'href="(/runs/{job}/people/[^"]+)"', viewer.get(f"/runs/{job}").text)
    result = {
        "staff": _row(st, "SELECT staff FROM runs WHERE run_id = ?", (rec["run_id"],))["staff"],
        "time_limit": args.time_limit, "plan_workers": args.plan_workers,
        "plan": {"job_seconds": round(rec["seconds"], 1), "plan_run_seconds": extra.get("plan_seconds"),
                 "wall_seconds_seen_by_page": round(wall, 1)},
        "plan_page": _times(viewer, f"/runs/{job}", args.samples),
        "people_page_3": _times(viewer, f"/runs/{job}/people?page_no=3", args.samples),
        "people_search": _times(viewer, f"/runs/{job}/people?q=P0001&move=stay", args.samples),
        "person_page": _times(viewer, person, args.samples),
    }

    second = start()
    errors, lat = [], []
    lock = threading.Lock()

    def browse(i: int) -> None:
        c, _ = _login(base, "viewer", "bench-viewer-pass")
        paths = [f"/runs/{job}", f"/runs/{job}/people?page_no={i + 1}", f"/runs/{job}/people?q=P00{i}", person]
        for k in range(args.requests):
            t0 = time.perf_counter()
            try:
                r = c.get(paths[k % len(paths)])
                error = "" if r.status_code == 200 else f"HTTP {r.status_code}"
            except httpx.HTTPError as exc:
                error = str(exc)
            with lock:
                lat.append((time.perf_counter() - t0) * 1000)
                if error:
                    errors.append(error)

    threads = [threading.Thread(target=browse, args=(i,)) for i in range(args.viewers)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(600)
    running = _row(st, "SELECT status FROM web_jobs WHERE job_id = ?", (second,))["status"]
    lat.sort()
    result["concurrent"] = {"viewers": args.viewers, "requests": len(lat), "errors": len(errors),
                            "seconds": round(time.perf_counter() - t0, 1), "second_plan_status_meanwhile": running,
                            "median_ms": round(statistics.median(lat), 1),
                            "p95_ms": round(lat[int(0.95 * (len(lat) - 1))], 1), "error_samples": errors[:3]}
    _wait(clerk, second)
    result["second_plan_status"] = _row(st, "SELECT status FROM web_jobs WHERE job_id = ?", (second,))["status"]
    srv.should_exit = True
    if args.cli:  # the same plan from the command line, for the page-versus-command-line ratio
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "rotaplan.cli", "plan", "--time-limit", str(args.time_limit),
                        "--workers", str(args.plan_workers), "--lang", "zh", "--db", str(tmp / "cli.sqlite"),
                        "--out", str(tmp / "cli-plan")], check=True, capture_output=True)
        cli = time.perf_counter() - t0
        result["plan"]["cli_seconds"] = round(cli, 1)
        result["plan"]["page_over_cli"] = round(wall / cli, 2)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
