"""Canceling optimizations (queued, running, finished) and listing a user's history."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from celery.signals import task_failure, task_postrun, task_revoked
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from models import STAGES, Document, Job, Match, Optimization, Resume, db
from tests.conftest import ISOLATED_BROKER, as_user
from tests.test_api import assert_problem
from tests.test_events import read_events, subscribe
from worker.pipeline import scoring

NOBODY_PUBLISHES_HERE = "standby"
"""A worker consuming only this queue is alive (it hears revokes) but leaves `default` waiting."""
START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
NEW_POSTING = "Data Engineer\nRequirements:\n- Python and SQL\n- Spark, Airflow and Snowflake"


class TaskOutcomes:
    """What the workers in this process did with each task: `revoked` (dropped unrun) or `ran`."""

    def __init__(self) -> None:
        self.outcomes: dict[str, str] = {}
        self.changed = threading.Condition()

    def _record(self, task_id: str, outcome: str) -> None:
        with self.changed:
            self.outcomes.setdefault(task_id, outcome)
            self.changed.notify_all()

    def on_revoked(self, request: Any = None, **_: Any) -> None:
        self._record(str(request.id), "revoked")

    def on_postrun(self, task_id: str | None = None, **_: Any) -> None:
        self._record(str(task_id), "ran")

    def wait_for(self, task_id: str, *, timeout: float = 30.0) -> str:
        with self.changed:
            arrived = self.changed.wait_for(lambda: task_id in self.outcomes, timeout)
            assert arrived, f"no worker dealt with task {task_id}"
            return self.outcomes[task_id]


@pytest.fixture
def task_outcomes() -> Iterator[TaskOutcomes]:
    """Records whether each task was revoked or ran, from Celery's signals."""
    outcomes = TaskOutcomes()
    task_revoked.connect(outcomes.on_revoked, weak=False)
    task_postrun.connect(outcomes.on_postrun, weak=False)
    yield outcomes
    task_revoked.disconnect(outcomes.on_revoked)
    task_postrun.disconnect(outcomes.on_postrun)


@pytest.fixture
def isolated(make_app: Callable[..., Flask], client: FlaskClient) -> tuple[Flask, FlaskClient]:
    """An API on a broker of its own, as the `client` user; no worker consumes it by itself."""
    redis.Redis.from_url(ISOLATED_BROKER).flushdb()
    app = make_app(CELERY_BROKER_URL=ISOLATED_BROKER, SSE_HEARTBEAT_SECONDS=0.2)
    api = app.test_client()
    api.environ_base.update(client.environ_base)
    return app, api


def _submit(client: FlaskClient, resume_and_job: tuple[str, str]) -> dict[str, Any]:
    resume_id, job_id = resume_and_job
    response = client.post("/api/v1/optimizations", json={"resume_id": resume_id, "job_id": job_id})
    assert response.status_code == 202, response.json
    return dict(response.json)


def _row(app: Flask, optimization_id: str) -> Optimization:
    with app.app_context():
        row = db.session.get(Optimization, uuid.UUID(optimization_id))
        assert row is not None
        db.session.expunge(row)
        return row


def _documents(app: Flask, optimization_id: str) -> int:
    with app.app_context():
        count = db.session.scalar(
            select(func.count())
            .select_from(Document)
            .where(Document.optimization_id == uuid.UUID(optimization_id))
        )
        return int(count or 0)


def _optimization(
    app: Flask,
    resume_and_job: tuple[str, str],
    *,
    status: str,
    created_at: datetime,
    user_id: uuid.UUID | None = None,
) -> str:
    """An optimization row in `status`, created at `created_at` (no worker involved)."""
    resume_id, job_id = resume_and_job
    with app.app_context():
        resume = db.session.get(Resume, uuid.UUID(resume_id))
        assert resume is not None
        row = Optimization.new(
            user_id=user_id or resume.user_id,
            resume_id=resume.id,
            job_id=uuid.UUID(job_id),
            options={},
        )
        row.status, row.created_at = status, created_at
        if status in {"succeeded", "failed", "canceled"}:
            row.finished_at = created_at + timedelta(seconds=5)
        db.session.add(row)
        db.session.commit()
        return str(row.id)


# --- cancel -----------------------------------------------------------------------------------


def test_a_queued_optimization_is_canceled_at_once_and_its_task_revoked(
    isolated: tuple[Flask, FlaskClient],
    resume_and_job: tuple[str, str],
    task_outcomes: TaskOutcomes,
) -> None:
    app, api = isolated
    celery = app.extensions["celery"]
    with start_worker(
        celery, pool="solo", perform_ping_check=False, queues=[NOBODY_PUBLISHES_HERE]
    ) as worker:
        submitted = _submit(api, resume_and_job)
        waiting = redis.Redis.from_url(ISOLATED_BROKER).lrange("default", 0, -1)
        # The task's id is the optimization's id, so it can be revoked knowing only the row.
        assert [json.loads(message)["headers"]["id"] for message in waiting] == [submitted["id"]]

        canceled = api.post(submitted["links"]["cancel"])

        assert canceled.status_code == 200
        body = canceled.json
        assert body["status"] == "canceled"
        assert body["cancel_requested_at"].endswith("Z") and body["finished_at"]
        assert body["result"] is None and body["error"] is None
        assert [stage["status"] for stage in body["stages"]] == ["skipped"] * len(STAGES)
        # Let the live worker take the queue now: it drops the message without running it.
        celery.control.add_consumer("default", destination=[worker.hostname], reply=True)
        assert task_outcomes.wait_for(submitted["id"]) == "revoked"

    row = _row(app, submitted["id"])
    assert (row.status, row.attempts, row.started_at) == ("canceled", 0, None)
    seen = read_events(subscribe(api, submitted["links"]["events"]))
    assert [block.event for block in seen] == ["queued", "canceled"]


def test_a_canceled_task_that_reaches_a_worker_anyway_does_not_run(
    isolated: tuple[Flask, FlaskClient],
    resume_and_job: tuple[str, str],
    task_outcomes: TaskOutcomes,
) -> None:
    app, api = isolated
    submitted = _submit(api, resume_and_job)
    assert api.post(submitted["links"]["cancel"]).status_code == 200  # no worker heard a revoke

    with start_worker(app.extensions["celery"], pool="solo", perform_ping_check=False):
        assert task_outcomes.wait_for(submitted["id"]) == "ran"

    row = _row(app, submitted["id"])
    assert (row.status, row.attempts, row.started_at) == ("canceled", 0, None)
    assert _documents(app, submitted["id"]) == 0


def test_a_running_optimization_stops_at_the_next_stage_boundary(
    in_process_worker: Flask,
    client: FlaskClient,
    resume_and_job: tuple[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    in_process_worker.config["SSE_HEARTBEAT_SECONDS"] = 0.2
    inside, release = threading.Event(), threading.Event()
    real = scoring.score_profile

    def held(*args: Any, **kwargs: Any) -> Any:
        inside.set()
        assert release.wait(30), "the test never let the stage finish"
        return real(*args, **kwargs)

    monkeypatch.setattr(scoring, "score_profile", held)
    submitted = _submit(client, resume_and_job)
    assert inside.wait(30), "the worker never reached profile scoring"

    stopping = client.post(submitted["links"]["cancel"])
    again = client.post(submitted["links"]["cancel"])
    release.set()

    assert stopping.status_code == 202
    assert stopping.headers["Location"] == submitted["links"]["self"]
    assert stopping.json["status"] == "running" and stopping.json["cancel_requested_at"]
    assert again.status_code == 202
    assert again.json["cancel_requested_at"] == stopping.json["cancel_requested_at"]
    seen = read_events(subscribe(client, submitted["links"]["events"]))
    assert [block.event for block in seen] == [
        "queued",
        *["stage_started", "stage_finished", "progress"] * 2,
        "canceled",
    ]
    done = client.get(submitted["links"]["self"]).json
    assert done["status"] == "canceled"
    assert done["result"] is None and done["error"] is None and done["progress"] == 40
    assert {stage["name"]: stage["status"] for stage in done["stages"]} == {
        "job_analysis": "succeeded",
        "profile_scoring": "succeeded",  # the stage that was running finishes
        "document_generation": "skipped",
        "quality_validation": "skipped",
        "pdf_export": "skipped",
    }
    assert _documents(in_process_worker, submitted["id"]) == 0
    after = client.post(submitted["links"]["cancel"])
    assert after.status_code == 200 and after.json == done


def test_a_run_killed_on_its_way_to_stopping_ends_canceled(
    app: Flask, client: FlaskClient, resume_and_job: tuple[str, str]
) -> None:
    from billiard.exceptions import TimeLimitExceeded

    from worker.tasks import OPTIMIZE

    optimization_id = _optimization(app, resume_and_job, status="running", created_at=START)
    stopping = client.post(f"/api/v1/optimizations/{optimization_id}/cancel")
    assert stopping.status_code == 202
    with app.app_context():
        row = db.session.get(Optimization, uuid.UUID(optimization_id))
        assert row is not None
        row.stages[0].status, row.stages[1].status = "succeeded", "running"
        db.session.commit()

    # What Celery's main process sends when it kills the child at the hard time limit.
    task_failure.send(
        sender=app.extensions["celery"].tasks[OPTIMIZE],
        exception=TimeLimitExceeded(300),
        args=[optimization_id],
    )

    done = client.get(f"/api/v1/optimizations/{optimization_id}").json
    assert (done["status"], done["error"]) == ("canceled", None)
    assert [stage["status"] for stage in done["stages"]] == [
        "succeeded",
        "canceled",
        "skipped",
        "skipped",
        "skipped",
    ]


@pytest.mark.parametrize("status", ["succeeded", "failed"])
def test_a_finished_optimization_cannot_be_canceled(
    app: Flask, client: FlaskClient, resume_and_job: tuple[str, str], status: str
) -> None:
    optimization_id = _optimization(app, resume_and_job, status=status, created_at=START)

    response = client.post(f"/api/v1/optimizations/{optimization_id}/cancel")

    assert_problem(response, 409, "operation_finished")
    row = _row(app, optimization_id)
    assert (row.status, row.cancel_requested_at) == (status, None)


# --- history ----------------------------------------------------------------------------------


def test_optimization_history_is_yours_newest_first_a_page_at_a_time(
    app: Flask, client: FlaskClient, resume_and_job: tuple[str, str]
) -> None:
    statuses = ["queued", "running", "succeeded", "failed", "canceled"]
    ids = [
        _optimization(app, resume_and_job, status=status, created_at=START + timedelta(minutes=i))
        for i, status in enumerate(statuses)
    ]
    bob = as_user(app, "bob@example.com")
    _optimization(
        app,
        resume_and_job,
        status="succeeded",
        created_at=START + timedelta(hours=1),
        user_id=uuid.UUID(bob.tokens["user_id"]),  # type: ignore[attr-defined]
    )

    first = client.get("/api/v1/optimizations?page_size=2")
    assert first.status_code == 200
    assert json.loads(first.headers["X-Pagination"]) == {
        "total": 5,
        "total_pages": 3,
        "first_page": 1,
        "last_page": 3,
        "page": 1,
        "next_page": 2,
    }
    assert [item["id"] for item in first.json] == [ids[4], ids[3]]
    newest = first.json[0]
    assert newest["status"] == "canceled" and newest["created_at"].endswith("Z")
    assert newest["links"]["self"] == f"/api/v1/optimizations/{ids[4]}"
    assert newest["links"]["events"] == f"/api/v1/optimizations/{ids[4]}/events"
    assert "result" not in newest and "stages" not in newest  # the item's URL has those
    last = client.get("/api/v1/optimizations?page_size=2&page=3")
    assert [item["id"] for item in last.json] == [ids[0]]
    assert json.loads(last.headers["X-Pagination"])["previous_page"] == 2

    def listed(query: str) -> list[str]:
        response = client.get(f"/api/v1/optimizations?{query}")
        assert response.status_code == 200, response.json
        return [item["id"] for item in response.json]

    assert listed("status=succeeded") == [ids[2]]
    assert listed("status=queued&status=running") == [ids[1], ids[0]]
    after = (START + timedelta(minutes=2)).isoformat().replace("+00:00", "Z")
    assert listed(f"created_after={after}") == [ids[4], ids[3]]  # strictly after
    assert listed(f"created_after={after}&status=failed") == [ids[3]]
    assert listed("created_after=2026-01-05") == ids[::-1]  # a date: from its start
    assert listed("created_after=2026-01-06") == []
    assert_problem(client.get("/api/v1/optimizations?status=paused"), 422, "validation_failed")
    assert_problem(
        client.get("/api/v1/optimizations?created_after=yesterday"), 422, "validation_failed"
    )
    assert len(bob.get("/api/v1/optimizations").json) == 1


def test_match_history_is_filtered_by_status_and_creation_time(
    app: Flask, client: FlaskClient, resume_and_job: tuple[str, str]
) -> None:
    resume_id, _ = resume_and_job
    with app.app_context():
        resume = db.session.get(Resume, uuid.UUID(resume_id))
        assert resume is not None
        rows = [
            Match(
                user_id=resume.user_id,
                resume_id=resume.id,
                total=4,
                succeeded=done,
                failed=failed,
                status=status,
                created_at=START + timedelta(minutes=i),
            )
            for i, (status, done, failed) in enumerate(
                [("succeeded", 4, 0), ("partially_failed", 3, 1), ("running", 1, 0)]
            )
        ]
        db.session.add_all(rows)
        db.session.commit()
        ids = [str(row.id) for row in rows]

    everything = client.get("/api/v1/matches")
    assert everything.status_code == 200
    assert json.loads(everything.headers["X-Pagination"])["total"] == 3
    assert [item["id"] for item in everything.json] == ids[::-1]
    running = everything.json[0]
    assert (running["status"], running["progress"]) == ("running", 25)
    assert running["links"]["events"] == f"/api/v1/matches/{ids[2]}/events"
    assert "items" not in running
    only = client.get("/api/v1/matches?status=partially_failed").json
    assert [item["id"] for item in only] == [ids[1]]
    after = (START + timedelta(minutes=1)).isoformat()  # "+00:00": encoded as a query string
    later = client.get("/api/v1/matches", query_string={"created_after": after})
    assert [item["id"] for item in later.json] == [ids[2]]
    assert as_user(app, "bob@example.com").get("/api/v1/matches").json == []


def test_jobs_and_resumes_are_listed_newest_first_and_filtered_by_creation_time(
    app: Flask, client: FlaskClient, resume_and_job: tuple[str, str], sample_resume_text: str
) -> None:
    old_resume, old_job = resume_and_job
    with app.app_context():
        for model, row_id in ((Resume, old_resume), (Job, old_job)):
            row = db.session.get(model, uuid.UUID(row_id))
            assert row is not None
            row.created_at = START
        db.session.commit()
    new_resume = client.post("/api/v1/resumes", json={"text": sample_resume_text}).json["id"]
    new_job = client.post("/api/v1/jobs", json={"description": NEW_POSTING})
    assert new_job.status_code == 201, new_job.json
    after = (START + timedelta(days=1)).date().isoformat()

    jobs = client.get("/api/v1/jobs")
    assert [job["id"] for job in jobs.json] == [new_job.json["id"], old_job]
    assert json.loads(jobs.headers["X-Pagination"])["total"] == 2
    assert [job["id"] for job in client.get(f"/api/v1/jobs?created_after={after}").json] == [
        new_job.json["id"]
    ]
    resumes = client.get(f"/api/v1/resumes?created_after={after}")
    assert [resume["id"] for resume in resumes.json] == [new_resume]
    assert json.loads(resumes.headers["X-Pagination"])["total"] == 1
    assert as_user(app, "bob@example.com").get("/api/v1/jobs").json == []
