"""Scoring chains: one resume against many jobs, fanned out and counted in Postgres."""

from __future__ import annotations

import subprocess
import uuid

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from models import Match, MatchItem, db
from tests.conftest import as_user, poll
from tests.test_api import assert_problem
from worker import matching
from worker.pipeline import scoring

FIT = "Senior Backend Engineer\nRequirements:\n- Python, PostgreSQL, Celery and Redis\n- Docker"
PARTIAL = "Data Engineer\nRequirements:\n- Python and SQL\n- Spark, Airflow and Snowflake"
NONE = "Registered Nurse\nRequirements:\n- Patient care and HIPAA\n- Electronic Health Records"


def _jobs(client: FlaskClient, *descriptions: str) -> list[str]:
    return [
        client.post("/api/v1/jobs", json={"description": text}).json["id"] for text in descriptions
    ]


def test_jobs_come_back_ranked_with_explanations(
    client: FlaskClient,
    resume_and_job: tuple[str, str],
    celery_worker_process: subprocess.Popen[str],
) -> None:
    resume_id, _ = resume_and_job
    none, fit, partial = _jobs(client, NONE, FIT, PARTIAL)
    submitted = client.post(
        "/api/v1/matches", json={"resume_id": resume_id, "job_ids": [none, fit, partial, fit]}
    )
    assert submitted.status_code == 202
    assert submitted.json["total"] == 3  # the repeated id is scored once
    assert submitted.headers["Location"] == f"/api/v1/matches/{submitted.json['id']}"
    done = poll(client, submitted.headers["Location"])
    assert done["status"] == "succeeded"
    assert (done["succeeded"], done["failed"], done["progress"]) == (3, 0, 100)
    etag = client.get(submitted.headers["Location"]).headers["ETag"]
    again = client.get(submitted.headers["Location"], headers={"If-None-Match": etag})
    assert again.status_code == 304
    ranked = [item["job_id"] for item in done["items"]]
    assert ranked == [fit, partial, none]
    assert [item["rank"] for item in done["items"]] == [1, 2, 3]
    best = done["items"][0]["result"]
    assert {"Python", "PostgreSQL", "Celery", "Redis"} <= set(best["matched_skills"])
    assert all(e["path"] and e["text"] for e in best["evidence"])
    assert "Patient Care" in done["items"][2]["result"]["missing_skills"]


def test_match_input_is_checked_before_anything_starts(
    app: Flask, client: FlaskClient, resume_and_job: tuple[str, str]
) -> None:
    resume_id, job_id = resume_and_job
    too_many = [str(uuid.uuid4()) for _ in range(201)]
    response = client.post("/api/v1/matches", json={"resume_id": resume_id, "job_ids": too_many})
    assert "job_ids" in assert_problem(response, 422, "validation_failed")["errors"]
    empty = client.post("/api/v1/matches", json={"resume_id": resume_id, "job_ids": []})
    assert_problem(empty, 422, "validation_failed")
    stranger_job = _jobs(as_user(app, "mallory@example.com"), FIT)[0]
    response = client.post(
        "/api/v1/matches", json={"resume_id": resume_id, "job_ids": [job_id, stranger_job]}
    )
    assert_problem(response, 404, "job_not_found")
    with app.app_context():
        assert db.session.scalars(select(Match)).first() is None


def test_one_failing_job_does_not_sink_the_match(
    in_process_worker: Flask,
    client: FlaskClient,
    resume_and_job: tuple[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    resume_id, _ = resume_and_job
    real = scoring.score_profile

    def flaky(profile, job, **kwargs):  # type: ignore[no-untyped-def]
        if "Nurse" in job.title:
            raise RuntimeError("scoring blew up")
        return real(profile, job, **kwargs)

    fit, none, partial = _jobs(client, FIT, NONE, PARTIAL)
    monkeypatch.setattr(scoring, "score_profile", flaky)
    submitted = client.post(
        "/api/v1/matches", json={"resume_id": resume_id, "job_ids": [fit, none, partial]}
    )
    done = poll(client, submitted.headers["Location"])
    assert done["status"] == "partially_failed"
    assert (done["succeeded"], done["failed"]) == (2, 1)
    by_job = {item["job_id"]: item for item in done["items"]}
    assert by_job[none]["status"] == "failed"
    assert by_job[none]["error"]["code"] == "internal_error"
    assert by_job[none]["rank"] is None
    assert [item["job_id"] for item in done["items"][:2]] == [fit, partial]


def test_a_redelivered_item_is_counted_once(
    app: Flask, client: FlaskClient, resume_and_job: tuple[str, str]
) -> None:
    resume_id, job_id = resume_and_job
    with app.app_context():
        from models import Resume

        resume = db.session.get(Resume, uuid.UUID(resume_id))
        assert resume is not None
        match = Match(
            user_id=resume.user_id,
            resume_id=resume.id,
            resume_version=1,
            total=1,
            items=[MatchItem(user_id=resume.user_id, job_id=uuid.UUID(job_id), position=0)],
        )
        db.session.add(match)
        db.session.commit()
        item_id = match.items[0].id
        assert matching.pending_items(match.id) == [item_id]
        assert matching.score_item(item_id) == "succeeded"
        assert matching.score_item(item_id) == "succeeded"  # a second delivery
        matching.fail_item(item_id, "timeout", "late signal")  # and a late failure signal
        db.session.refresh(match)
        assert (match.succeeded, match.failed, match.status) == (1, 0, "succeeded")


def test_matches_use_the_stored_analysis(
    app: Flask, client: FlaskClient, resume_and_job: tuple[str, str]
) -> None:
    resume_id, job_id = resume_and_job
    with app.app_context():
        from models import Job, Resume

        job = db.session.get(Job, uuid.UUID(job_id))
        resume = db.session.get(Resume, uuid.UUID(resume_id))
        assert job is not None and resume is not None
        stored = dict(job.analysis or {})
        stored["required_skills"] = ["Haskell"]  # as if an analyst had edited the analysis
        stored["preferred_skills"] = []
        stored["skill_names"] = ["Haskell"]
        stored["requirements"] = []
        job.analysis = stored
        match = Match(
            user_id=resume.user_id,
            resume_id=resume.id,
            total=1,
            items=[MatchItem(user_id=resume.user_id, job_id=job.id, position=0)],
        )
        db.session.add(match)
        db.session.commit()
        matching.score_item(match.items[0].id)
        db.session.refresh(match)
        assert match.items[0].result is not None
        assert match.items[0].result["missing_skills"] == ["Haskell"]
