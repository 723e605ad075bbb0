"""A 500-item batch on the offline engine, and interactive optimizations submitted meanwhile.

Starts its own Celery workers (two processes in all) on a scratch Redis database and Postgres
database, creates a user, a resume and ten jobs through the API (in-process test client), then:

1. baseline: interactive optimizations one after another on the idle system, each timed from
   submit to `succeeded`;
2. submits one batch of `--items` items and, while it runs, keeps submitting interactive
   optimizations (one at a time, `--gap` seconds apart) and times each the same way;
3. prints items/minute end to end (batch submit → batch finished) and the p50/p95 latency of the
   interactive optimizations, idle and under the batch.

Worker layouts (`--layout`):
- `dedicated` (default, what the README recommends): one process `-Q bulk -c 1` and one
  `-Q default -c 1`. Interactive work always has a process of its own, so a batch cannot queue
  in front of it; the batch gets one process.
- `shared`: one worker `-Q default,bulk -c 2`. The batch gets both processes, and an interactive
  optimization waits for whichever frees first (Celery takes no priority between queues).

Run: `.venv/bin/python bench/batch.py` (needs local Postgres and Redis, like `make test`);
`--layout shared` for the other layout, `--items 100` for a quick look.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/resumesmith_bench"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/8")
LAYOUTS = {
    "dedicated": [["--queues=bulk", "--concurrency=1"], ["--queues=default", "--concurrency=1"]],
    "shared": [["--queues=default,bulk", "--concurrency=2"]],
}
SKILLS = ["Go", "Rust", "Kafka", "Terraform", "React", "Spark", "Airflow", "Java", "Scala", "AWS"]


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _ensure_database() -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(DATABASE_URL)
    admin = url.set(drivername="postgresql", database="postgres").render_as_string(False)
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (url.database,)
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{url.database}"')


def _start_workers(layout: str, log_dir: Path) -> list[subprocess.Popen[bytes]]:
    env = {**os.environ, "DATABASE_URL": DATABASE_URL, "CELERY_BROKER_URL": REDIS_URL}
    env["REDIS_URL"] = REDIS_URL
    workers = []
    for number, options in enumerate(LAYOUTS[layout]):
        log_path = log_dir / f"bench-batch-worker-{number}.log"
        log = log_path.open("w")
        workers.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "worker.celery_app",
                    "worker",
                    "--loglevel=INFO",
                    f"--hostname=bench{number}@%h",
                    *options,
                    "--without-gossip",
                    "--without-mingle",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
        deadline = time.monotonic() + 60
        while "ready." not in log_path.read_text():
            if time.monotonic() > deadline:
                raise RuntimeError(f"worker {number} did not start; see {log_path}")
            time.sleep(0.2)
    return workers


def _interactive(client: Any, resume_id: str, job_id: str) -> float:
    """Submit one optimization and return the seconds until it succeeded."""
    start = time.perf_counter()
    submitted = client.post(
        "/api/v1/optimizations", json={"resume_id": resume_id, "job_id": job_id}
    )
    assert submitted.status_code == 202, submitted.get_data(as_text=True)
    url = submitted.headers["Location"]
    while True:
        status = client.get(url).json["status"]
        if status == "succeeded":
            return time.perf_counter() - start
        if status in {"failed", "canceled"}:
            raise RuntimeError(f"interactive optimization {url} ended {status}")
        time.sleep(0.02)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=500)
    parser.add_argument("--layout", choices=sorted(LAYOUTS), default="dedicated")
    parser.add_argument("--baseline", type=int, default=20, help="idle interactive runs")
    parser.add_argument("--gap", type=float, default=1.0, help="seconds between interactive runs")
    args = parser.parse_args()

    import redis
    from flask_migrate import upgrade

    from api import create_app
    from models import db

    _ensure_database()
    redis.Redis.from_url(REDIS_URL).flushdb()
    config = {
        "SQLALCHEMY_DATABASE_URI": DATABASE_URL,
        "CELERY_BROKER_URL": REDIS_URL,
        "REDIS_URL": REDIS_URL,
        "TOKEN_BLOCKLIST_URL": REDIS_URL,
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "RATELIMIT_ENABLED": False,
        "QUOTAS": {"user": 0, "premium": 0, "admin": 0},  # unlimited: the bench measures speed
    }
    app = create_app(config)
    with app.app_context():
        upgrade()
        db.engine.dispose()
    resume_text = (ROOT / "samples" / "resume.txt").read_text("utf-8")
    base_job = (ROOT / "samples" / "job.txt").read_text("utf-8")
    postings = [f"{base_job}\n- Also useful: {skill}" for skill in SKILLS]

    log_dir = ROOT / "var"
    log_dir.mkdir(exist_ok=True)
    workers = _start_workers(args.layout, log_dir)
    try:
        client = app.test_client()
        email = f"bench-{time.time_ns()}@example.com"
        password = "bench password 12345"
        client.post("/api/v1/auth/register", json={"email": email, "password": password})
        token = client.post("/api/v1/auth/login", json={"email": email, "password": password}).json[
            "access_token"
        ]
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        resume = client.post("/api/v1/resumes", json={"text": resume_text}).json["id"]
        jobs = [client.post("/api/v1/jobs", json={"description": p}).json["id"] for p in postings]

        _interactive(client, resume, jobs[0])  # warm the worker processes
        idle = [_interactive(client, resume, jobs[0]) for _ in range(args.baseline)]

        items = [{"resume_id": resume, "job_id": jobs[i % len(jobs)]} for i in range(args.items)]
        start = time.perf_counter()
        submitted = client.post("/api/v1/batches", json={"items": items})
        submit_seconds = time.perf_counter() - start
        assert submitted.status_code == 202, submitted.get_data(as_text=True)
        url = submitted.headers["Location"]
        busy: list[float] = []
        while True:
            batch = client.get(url).json
            if batch["status"] not in {"queued", "running"}:
                elapsed = time.perf_counter() - start
                break
            busy.append(_interactive(client, resume, jobs[0]))
            time.sleep(args.gap)
        # An interactive run still going when the last item ends was measured under load too.
        batch = client.get(url).json
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)

    per_minute = args.items / elapsed * 60
    layout = " + ".join(" ".join(options) for options in LAYOUTS[args.layout])
    print(f"command: .venv/bin/python bench/batch.py --items {args.items} --layout {args.layout}")
    print(f"workers: {layout} (offline engine, cover letters on)")
    print(
        f"batch: {batch['status']}, {batch['counts']['succeeded']} succeeded, "
        f"{batch['counts']['failed']} failed; POST /batches answered in {submit_seconds:.2f} s"
    )
    print(f"end to end: {elapsed:.1f} s = {per_minute:.0f} items/minute")
    for name, runs in (("idle", idle), ("during the batch", busy)):
        print(
            f"interactive {name}: n={len(runs)}, p50 {statistics.median(runs):.2f} s, "
            f"p95 {_percentile(runs, 0.95):.2f} s, max {max(runs):.2f} s"
        )
    ratio = _percentile(busy, 0.95) / _percentile(idle, 0.95)
    print(f"interactive p95 during / idle: {ratio:.2f}x (target: within 2x)")


if __name__ == "__main__":
    main()
