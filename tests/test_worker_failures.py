"""A failing stage fails its optimization with an error, and the worker carries on."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import poll
from worker.pipeline import scoring


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
