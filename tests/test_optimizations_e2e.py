"""Submit → 202 → real Celery worker process → poll → PDF, on real Postgres and Redis."""

from __future__ import annotations

import io
import subprocess

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import func, select

from models import Optimization, db
from tests.conftest import poll


def test_submit_poll_and_download_a_tailored_resume(
    client: FlaskClient,
    resume_and_job: tuple[str, str],
    celery_worker_process: subprocess.Popen[str],
) -> None:
    resume_id, job_id = resume_and_job
    response = client.post("/api/v1/optimizations", json={"resume_id": resume_id, "job_id": job_id})
    assert response.status_code == 202
    body = response.json
    assert body["status"] == "queued"
    assert response.headers["Location"] == f"/api/v1/optimizations/{body['id']}"
    assert body["links"]["self"] == response.headers["Location"]

    first_poll = client.get(response.headers["Location"])
    if first_poll.json["status"] not in {"succeeded", "failed"}:
        assert int(first_poll.headers["Retry-After"]) > 0

    done = poll(client, response.headers["Location"])
    assert done["status"] == "succeeded", done["error"]
    final = client.get(response.headers["Location"])
    assert "Retry-After" not in final.headers  # finished: no need to ask again
    unchanged = client.get(
        response.headers["Location"], headers={"If-None-Match": final.headers["ETag"]}
    )
    assert unchanged.status_code == 304 and not unchanged.data
    assert (
        client.get(response.headers["Location"], headers={"If-None-Match": '"stale"'}).status_code
        == 200
    )
    assert done["progress"] == 100
    assert done["error"] is None
    assert [stage["name"] for stage in done["stages"]] == [
        "job_analysis",
        "profile_scoring",
        "document_generation",
        "quality_validation",
        "pdf_export",
    ]
    for stage in done["stages"]:
        assert stage["status"] == "succeeded"
        assert stage["started_at"].endswith("Z") and stage["finished_at"].endswith("Z")
        assert stage["duration_ms"] >= 0
    result = done["result"]
    assert 0 < result["match_score"] <= 100
    assert 0 < result["ats_score"] <= 100
    assert "Kubernetes" in result["matched_skills"]
    kinds = {
        doc["kind"]: doc
        for doc in result["documents"]
        if doc["format"] == ("json" if doc["kind"] == "report" else "pdf")
    }
    assert set(kinds) == {"resume", "cover_letter", "report"}

    pdf = client.get(kinds["resume"]["url"])
    assert pdf.status_code == 200
    assert pdf.mimetype == "application/pdf"
    assert "attachment" in pdf.headers["Content-Disposition"]
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Avery Quinn-Müller" in text
    assert "PostgreSQL" in text  # named in the job posting and in the resume

    report = client.get(kinds["report"]["url"])
    assert report.mimetype == "application/json"
    assert report.json["match_score"] == result["match_score"]

    job = client.get(f"/api/v1/jobs/{job_id}").json
    assert "Python" in job["analysis"]["required_skills"]


@pytest.mark.parametrize(
    "broker_url",
    ["redis://127.0.0.1:1/0", "no-such-transport://127.0.0.1/0"],
    ids=["unreachable", "misconfigured"],
)
def test_publish_failure_answers_503_and_leaves_no_row(
    make_app,  # type: ignore[no-untyped-def]
    client: FlaskClient,
    resume_and_job: tuple[str, str],
    app: Flask,
    broker_url: str,
) -> None:
    resume_id, job_id = resume_and_job
    dead = make_app(CELERY_BROKER_URL=broker_url)
    response = dead.test_client().post(
        "/api/v1/optimizations",
        json={"resume_id": resume_id, "job_id": job_id},
        headers={"Authorization": client.environ_base["HTTP_AUTHORIZATION"]},
    )
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert response.json["code"] == "broker_unavailable"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Optimization)) == 0
    assert client.get("/api/v1/me").json["quota"]["used_today"] == 0  # the unit was refunded
