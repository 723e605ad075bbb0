"""A failing stage fails its optimization with an error, and the worker carries on."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import REDIS_URL, app_config, poll
from worker.pipeline import scoring

# Its own Redis database, so the session's worker process cannot take these messages.
ISOLATED_BROKER = REDIS_URL.rsplit("/", 1)[0] + "/14"


@pytest.fixture
def in_process_worker(app: Flask) -> Iterator[Flask]:
    """A Celery worker thread in this process, so a test can make one stage misbehave."""
    redis.Redis.from_url(ISOLATED_BROKER).flushdb()
    app.config.update(app_config(CELERY_BROKER_URL=ISOLATED_BROKER))
    from worker.app import celery_init_app

    celery = celery_init_app(app)
    with start_worker(celery, pool="solo", perform_ping_check=False, queues=["default"]):
        yield app


def test_stage_that_raises_fails_the_optimization_and_the_next_one_runs(
    in_process_worker: Flask,
    client: FlaskClient,
    resume_and_job: tuple[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    resume_id, job_id = resume_and_job

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("scoring blew up with a secret /srv/path")

    monkeypatch.setattr(scoring, "score_profile", explode)
    submitted = client.post(
        "/api/v1/optimizations", json={"resume_id": resume_id, "job_id": job_id}
    )
    failed = poll(client, submitted.headers["Location"])
    assert failed["status"] == "failed"
    assert failed["error"]["code"] == "internal_error"
    assert "profile_scoring" in failed["error"]["detail"]
    assert "/srv/path" not in failed["error"]["detail"]
    statuses = {stage["name"]: stage["status"] for stage in failed["stages"]}
    assert statuses["job_analysis"] == "succeeded"
    assert statuses["profile_scoring"] == "failed"
    assert statuses["pdf_export"] == "pending"
    assert failed["result"] is None
    assert "Retry-After" not in client.get(submitted.headers["Location"]).headers

    monkeypatch.undo()
    again = client.post("/api/v1/optimizations", json={"resume_id": resume_id, "job_id": job_id})
    assert poll(client, again.headers["Location"])["status"] == "succeeded"
