"""One resume against 200 jobs, end to end: API → Redis → a real worker → Postgres.

Starts its own `celery worker` (prefork, 2 processes) on a scratch Redis database, creates a user,
a resume and 200 jobs through the API, submits one match and times it until it finishes. The
baseline, timed in the same run, is scoring the same 200 pairs in-process with no services, so
the ratio shows what the queue, the fan-out and the database cost.

Run: `.venv/bin/python bench/match_e2e.py` (needs local Postgres and Redis, like `make test`).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/resumesmith_test"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/11")
JOBS = 200


def main() -> None:
    import redis
    from flask_migrate import upgrade

    from api import create_app
    from models import db
    from worker.pipeline import analysis, parsing, scoring
    from worker.pipeline.skills import default_vocabulary
    from worker.pipeline.types import JobPosting

    redis.Redis.from_url(REDIS_URL).flushdb()
    config = {
        "SQLALCHEMY_DATABASE_URI": DATABASE_URL,
        "CELERY_BROKER_URL": REDIS_URL,
        "TOKEN_BLOCKLIST_URL": REDIS_URL,
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "RATELIMIT_ENABLED": False,
    }
    app = create_app(config)
    with app.app_context():
        upgrade()
        db.engine.dispose()
    resume_text = (ROOT / "samples" / "resume.txt").read_text("utf-8")
    base_job = (ROOT / "samples" / "job.txt").read_text("utf-8")
    skills = ["Go", "Rust", "Kafka", "Terraform", "React", "Spark", "Airflow", "Java", "Scala"]
    postings = [f"{base_job}\n- Also useful: {skills[i % len(skills)]} ({i})" for i in range(JOBS)]

    vocabulary = default_vocabulary()
    profile = parsing.parse_text(resume_text).profile
    start = time.perf_counter()
    for text in postings:
        job = analysis.analyse_job(JobPosting(description=text), vocabulary=vocabulary)
        scoring.score_profile(profile, job, vocabulary=vocabulary)
    in_process = time.perf_counter() - start

    env = {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "CELERY_BROKER_URL": REDIS_URL,
        "REDIS_URL": REDIS_URL,
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "worker.celery_app",
            "worker",
            "--loglevel=WARNING",
            "--queues=default",
            "--concurrency=2",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(4)  # let the worker connect
        client = app.test_client()
        email = f"bench-{time.time_ns()}@example.com"
        password = "bench password 12345"
        client.post("/api/v1/auth/register", json={"email": email, "password": password})
        token = client.post("/api/v1/auth/login", json={"email": email, "password": password}).json[
            "access_token"
        ]
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        resume = client.post("/api/v1/resumes", json={"text": resume_text}).json["id"]
        job_ids = [
            client.post("/api/v1/jobs", json={"description": text}).json["id"] for text in postings
        ]
        runs = []
        for _ in range(3):
            start = time.perf_counter()
            submitted = client.post(
                "/api/v1/matches", json={"resume_id": resume, "job_ids": job_ids}
            )
            url = submitted.headers["Location"]
            while client.get(url).json["status"] in {"queued", "running"}:
                time.sleep(0.05)
            runs.append(time.perf_counter() - start)
        final = client.get(url).json
    finally:
        worker.terminate()
        worker.wait(timeout=20)
    median = statistics.median(runs)
    print(f"command: .venv/bin/python bench/match_e2e.py  (jobs per match: {JOBS})")
    print(
        f"final status: {final['status']} ({final['succeeded']} scored, {final['failed']} failed)"
    )
    print(f"in-process scoring of the same {JOBS} pairs (baseline): {in_process:.2f} s")
    print(
        f"end to end through API + Redis + 2 worker processes, median of 3: {median:.2f} s "
        f"(runs: {', '.join(f'{r:.2f}' for r in runs)})"
    )
    print(f"ratio end-to-end / in-process: {median / in_process:.1f}x")


if __name__ == "__main__":
    main()
