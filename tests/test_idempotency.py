"""Idempotency-Key: a retried create replays the first response and never creates twice."""

from __future__ import annotations

import io
import json
import threading
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update
from werkzeug.test import TestResponse

import api.jobs
import api.optimizations
from api.idempotency import IN_FLIGHT_LEASE
from models import IdempotencyKey, Job, Match, Optimization, Resume, db
from models.db import utcnow
from tests.conftest import ISOLATED_BROKER, SAMPLES, as_user
from tests.test_api import assert_problem
from worker.app import celery_init_app

OPTIMIZATIONS = "/api/v1/optimizations"
POSTING = "Backend engineer writing Python services with PostgreSQL, Redis and Celery."


@pytest.fixture(autouse=True)
def quiet_broker(app: Flask) -> Iterator[None]:
    """Tasks go to a broker database no worker reads: these tests are about the requests."""
    redis.Redis.from_url(ISOLATED_BROKER).flushdb()
    app.config["CELERY_BROKER_URL"] = ISOLATED_BROKER
    celery_init_app(app)
    yield
    redis.Redis.from_url(ISOLATED_BROKER).flushdb()


def count(app: Flask, model: type[Any], *where: Any) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def submit(client: FlaskClient, body: dict[str, Any], key: str | None) -> TestResponse:
    headers = {"Idempotency-Key": key} if key is not None else {}
    return client.post(OPTIMIZATIONS, json=body, headers=headers)


def used_today(client: FlaskClient) -> int:
    return int(client.get("/api/v1/me").json["quota"]["used_today"])


def test_a_retry_replays_the_first_response_and_creates_nothing_more(
    app: Flask, client: FlaskClient, resume_and_job: tuple[str, str]
) -> None:
    resume_id, job_id = resume_and_job
    body = {"resume_id": resume_id, "job_id": job_id}
    first = submit(client, body, "order-1")
    again = submit(client, body, "order-1")

    assert first.status_code == again.status_code == 202
    assert again.get_data() == first.get_data()
    assert again.json["id"] == first.json["id"]
    assert again.headers["Location"] == first.headers["Location"]
    assert again.mimetype == "application/json"
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert count(app, Optimization) == 1
    assert used_today(client) == 1  # the replay did not spend quota either


def test_the_same_key_with_another_request_is_refused(
    app: Flask, client: FlaskClient, resume_and_job: tuple[str, str]
) -> None:
    resume_id, job_id = resume_and_job
    other_job = client.post(
        "/api/v1/jobs", json={"description": POSTING.replace("Backend", "Data")}
    )
    submit(client, {"resume_id": resume_id, "job_id": job_id}, "order-1")

    changed = submit(client, {"resume_id": resume_id, "job_id": other_job.json["id"]}, "order-1")
    assert_problem(changed, 422, "idempotency_key_reused")
    elsewhere = client.post(
        "/api/v1/matches",
        json={"resume_id": resume_id, "job_ids": [job_id]},
        headers={"Idempotency-Key": "order-1"},
    )
    assert_problem(elsewhere, 422, "idempotency_key_reused")
    assert count(app, Optimization) == 1
    assert count(app, Match) == 0


def test_keys_belong_to_one_user(
    app: Flask, client: FlaskClient, resume_and_job: tuple[str, str], sample_resume_text: str
) -> None:
    resume_id, job_id = resume_and_job
    alices = submit(client, {"resume_id": resume_id, "job_id": job_id}, "shared-key")
    bob = as_user(app, "bob@example.com")
    bobs_resume = bob.post("/api/v1/resumes", json={"text": sample_resume_text}).json["id"]
    bobs_job = bob.post("/api/v1/jobs", json={"description": POSTING}).json["id"]

    # Alice's key and body, sent by Bob, are not a replay of her response: Bob gets his own answer.
    guess = submit(bob, {"resume_id": resume_id, "job_id": job_id}, "shared-key")
    assert_problem(guess, 404, "resume_not_found")
    bobs = submit(bob, {"resume_id": bobs_resume, "job_id": bobs_job}, "shared-key")

    assert bobs.status_code == 202
    assert "Idempotent-Replayed" not in bobs.headers
    assert bobs.json["id"] != alices.json["id"]
    assert count(app, Optimization) == 2
    assert submit(client, {"resume_id": resume_id, "job_id": job_id}, "shared-key").json == (
        alices.json
    )


def test_concurrent_identical_submits_create_exactly_one_optimization(
    app: Flask, client: FlaskClient, resume_and_job: tuple[str, str]
) -> None:
    resume_id, job_id = resume_and_job
    body = {"resume_id": resume_id, "job_id": job_id}
    authorization = client.environ_base["HTTP_AUTHORIZATION"]
    racers = 8
    start = threading.Barrier(racers)
    responses: list[TestResponse] = []

    def race() -> None:
        own_client = app.test_client()
        start.wait(timeout=10)
        responses.append(
            own_client.post(
                OPTIMIZATIONS,
                json=body,
                headers={"Idempotency-Key": "double-click", "Authorization": authorization},
            )
        )

    threads = [threading.Thread(target=race) for _ in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert len(responses) == racers
    statuses = sorted(response.status_code for response in responses)
    assert set(statuses) <= {202, 409}, statuses
    created = {response.json["id"] for response in responses if response.status_code == 202}
    assert len(created) == 1
    for response in responses:
        if response.status_code == 409:
            assert_problem(response, 409, "idempotency_key_in_flight")
    assert count(app, Optimization) == 1
    assert used_today(client) == 1


def test_a_retry_while_the_first_is_running_answers_409(
    app: Flask,
    client: FlaskClient,
    resume_and_job: tuple[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    resume_id, job_id = resume_and_job
    body = {"resume_id": resume_id, "job_id": job_id}
    entered, release = threading.Event(), threading.Event()
    real_publish = api.optimizations.publish

    def held_publish(task_name: str, row_id: uuid.UUID) -> bool:
        entered.set()
        release.wait(timeout=30)
        return real_publish(task_name, row_id)

    monkeypatch.setattr(api.optimizations, "publish", held_publish)
    first: list[TestResponse] = []
    first_client = app.test_client()
    first_client.environ_base["HTTP_AUTHORIZATION"] = client.environ_base["HTTP_AUTHORIZATION"]
    thread = threading.Thread(target=lambda: first.append(submit(first_client, body, "slow")))
    thread.start()
    try:
        assert entered.wait(timeout=30)
        busy = submit(client, body, "slow")
        assert_problem(busy, 409, "idempotency_key_in_flight")
        assert busy.headers["Retry-After"] == "1"
        # A different request under the same key is wrong whether or not the first has finished.
        other = {"resume_id": resume_id, "job_id": job_id, "options": {"length_pages": 1}}
        assert_problem(submit(client, other, "slow"), 422, "idempotency_key_reused")
    finally:
        release.set()
        thread.join(timeout=30)

    assert first[0].status_code == 202
    replay = submit(client, body, "slow")
    assert replay.status_code == 202
    assert replay.json["id"] == first[0].json["id"]
    assert count(app, Optimization) == 1


def test_a_claim_left_by_a_dead_request_is_taken_over_after_its_lease(
    app: Flask, client: FlaskClient, resume_and_job: tuple[str, str]
) -> None:
    resume_id, job_id = resume_and_job
    body = {"resume_id": resume_id, "job_id": job_id}
    first = submit(client, body, "crashed")

    def claim_started(ago: timedelta) -> None:
        """Make the stored key look like a request that started `ago` and never finished."""
        with app.app_context():
            db.session.execute(
                update(IdempotencyKey).values(
                    state="in_flight", response_status=None, created_at=utcnow() - ago
                )
            )
            db.session.commit()

    claim_started(timedelta(seconds=5))
    assert_problem(submit(client, body, "crashed"), 409, "idempotency_key_in_flight")

    claim_started(IN_FLIGHT_LEASE + timedelta(seconds=5))
    retried = submit(client, body, "crashed")
    assert retried.status_code == 202
    assert "Idempotent-Replayed" not in retried.headers
    assert retried.json["id"] != first.json["id"]
    assert submit(client, body, "crashed").json["id"] == retried.json["id"]  # and is kept again


def test_broker_failure_is_not_stored_so_the_same_key_can_retry(
    make_app: Callable[..., Flask],
    app: Flask,
    client: FlaskClient,
    resume_and_job: tuple[str, str],
) -> None:
    resume_id, job_id = resume_and_job
    body = {"resume_id": resume_id, "job_id": job_id}
    dead = make_app(CELERY_BROKER_URL="redis://127.0.0.1:1/0").test_client()
    dead.environ_base["HTTP_AUTHORIZATION"] = client.environ_base["HTTP_AUTHORIZATION"]

    assert_problem(submit(dead, body, "retry-me"), 503, "broker_unavailable")
    assert count(app, IdempotencyKey) == 0

    later = submit(client, body, "retry-me")
    assert later.status_code == 202
    assert "Idempotent-Replayed" not in later.headers
    assert count(app, Optimization) == 1
    assert used_today(client) == 1


def test_an_error_releases_the_key_for_a_corrected_request(
    app: Flask, client: FlaskClient, resume_and_job: tuple[str, str]
) -> None:
    resume_id, job_id = resume_and_job
    missing_job = submit(client, {"resume_id": resume_id}, "fix-and-retry")
    assert_problem(missing_job, 422, "validation_failed")
    unknown_job = submit(
        client, {"resume_id": resume_id, "job_id": str(uuid.uuid4())}, "fix-and-retry"
    )
    assert_problem(unknown_job, 404, "job_not_found")

    corrected = submit(client, {"resume_id": resume_id, "job_id": job_id}, "fix-and-retry")
    assert corrected.status_code == 202
    assert count(app, Optimization) == 1


def test_an_expired_key_is_a_new_key_and_old_keys_are_pruned(
    app: Flask, client: FlaskClient, resume_and_job: tuple[str, str]
) -> None:
    resume_id, job_id = resume_and_job
    body = {"resume_id": resume_id, "job_id": job_id}
    first = submit(client, body, "yesterday")
    submit(client, body, "stale-and-unrelated")
    with app.app_context():
        stored = db.session.scalar(select(IdempotencyKey).where(IdempotencyKey.key == "yesterday"))
        assert stored is not None
        assert stored.expires_at - stored.created_at == timedelta(hours=24)
        db.session.execute(
            update(IdempotencyKey).values(expires_at=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()

    again = submit(client, body, "yesterday")

    assert again.status_code == 202
    assert "Idempotent-Replayed" not in again.headers
    assert again.json["id"] != first.json["id"]
    assert count(app, Optimization) == 3
    # The other expired key went with it: nothing outlives its 24 hours for long.
    assert count(app, IdempotencyKey) == 1
    assert count(app, IdempotencyKey, IdempotencyKey.expires_at > utcnow()) == 1


def test_a_multipart_upload_replays_despite_a_new_boundary(app: Flask, client: FlaskClient) -> None:
    text = (SAMPLES / "resume.txt").read_bytes()

    def upload(data: bytes, name: str = "resume.txt") -> TestResponse:
        # The test client, like real clients, draws a fresh multipart boundary on every send.
        return client.post(
            "/api/v1/resumes",
            data={"file": (io.BytesIO(data), name)},
            content_type="multipart/form-data",
            headers={"Idempotency-Key": "upload-1"},
        )

    first = upload(text)
    again = upload(text)

    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json["id"] == first.json["id"]
    assert again.get_data() == first.get_data()
    assert count(app, Resume) == 1
    assert_problem(upload(text + b"\nAlso: Rust"), 422, "idempotency_key_reused")
    assert_problem(upload(text, "other-name.txt"), 422, "idempotency_key_reused")


def test_a_json_retry_matches_however_its_keys_are_ordered(app: Flask, client: FlaskClient) -> None:
    spaced = json.dumps({"title": "Backend", "description": POSTING}, indent=2)
    compact = json.dumps({"description": POSTING, "title": "Backend"})
    headers = {"Idempotency-Key": "job-1", "Content-Type": "application/json"}
    first = client.post("/api/v1/jobs", data=spaced, headers=headers)
    again = client.post("/api/v1/jobs", data=compact, headers=headers)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json["id"] == first.json["id"]
    assert count(app, Job) == 1


@pytest.mark.parametrize("endpoint", ["resumes", "jobs", "analysis", "matches"])
def test_every_create_endpoint_replays(
    app: Flask,
    client: FlaskClient,
    resume_and_job: tuple[str, str],
    sample_resume_text: str,
    endpoint: str,
) -> None:
    resume_id, job_id = resume_and_job
    path, body, model = {
        "resumes": ("/api/v1/resumes", {"text": sample_resume_text}, Resume),
        "jobs": ("/api/v1/jobs", {"description": POSTING + " Go and Kubernetes too."}, Job),
        "analysis": (f"/api/v1/jobs/{job_id}/analysis", None, Job),
        "matches": ("/api/v1/matches", {"resume_id": resume_id, "job_ids": [job_id]}, Match),
    }[endpoint]
    before = count(app, model)
    headers = {"Idempotency-Key": f"{endpoint}-once"}

    first = client.post(path, json=body, headers=headers)
    again = client.post(path, json=body, headers=headers)

    assert first.status_code in {200, 201, 202}
    assert "Idempotent-Replayed" not in first.headers
    assert (again.status_code, again.get_data()) == (first.status_code, first.get_data())
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.headers.get("Location") == first.headers.get("Location")
    created = 0 if endpoint == "analysis" else 1  # analysis updates the job it is given
    assert count(app, model) == before + created


def test_a_replay_does_not_run_the_view_again(
    client: FlaskClient, resume_and_job: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, job_id = resume_and_job
    runs: list[str] = []
    real_analyse = api.jobs.analyse
    monkeypatch.setattr(api.jobs, "analyse", lambda job: runs.append(job.id) or real_analyse(job))
    url = f"/api/v1/jobs/{job_id}/analysis"

    client.post(url, headers={"Idempotency-Key": "reanalyse"})
    client.post(url, headers={"Idempotency-Key": "reanalyse"})
    assert len(runs) == 1
    client.post(url, headers={"Idempotency-Key": "another"})
    client.post(url)
    assert len(runs) == 3


def test_without_a_key_every_post_creates(
    app: Flask, client: FlaskClient, resume_and_job: tuple[str, str]
) -> None:
    resume_id, job_id = resume_and_job
    body = {"resume_id": resume_id, "job_id": job_id}
    first, second = submit(client, body, None), submit(client, body, None)
    assert first.status_code == second.status_code == 202
    assert first.json["id"] != second.json["id"]
    assert "Idempotent-Replayed" not in second.headers
    assert count(app, Optimization) == 2
    assert count(app, IdempotencyKey) == 0


@pytest.mark.parametrize(
    "key",
    ["", "   ", "k" * 256, "café", "tab\there"],
    ids=["empty", "blank", "too-long", "not-ascii", "control-character"],
)
def test_a_malformed_key_is_refused(app: Flask, client: FlaskClient, key: str) -> None:
    response = client.post(
        "/api/v1/jobs", json={"description": POSTING}, headers={"Idempotency-Key": key}
    )
    assert_problem(response, 400, "idempotency_key_invalid")
    assert count(app, Job) == 0


def test_a_long_key_and_the_quoted_form_are_accepted(app: Flask, client: FlaskClient) -> None:
    longest = "k" * 255
    body = {"description": POSTING}
    first = client.post("/api/v1/jobs", json=body, headers={"Idempotency-Key": longest})
    quoted = client.post("/api/v1/jobs", json=body, headers={"Idempotency-Key": f'"{longest}"'})
    assert first.status_code == 201
    assert quoted.headers["Idempotent-Replayed"] == "true"
    assert quoted.json["id"] == first.json["id"]


SECRET_BEARING = {
    "/api/v1/api-keys",
    "/api/v1/webhooks",
    "/api/v1/webhooks/callback-secret",
}


def test_secret_bearing_creates_are_not_replayed(client: FlaskClient) -> None:
    headers = {"Idempotency-Key": "key-once"}
    first = client.post("/api/v1/api-keys", json={"name": "nightly"}, headers=headers)
    second = client.post("/api/v1/api-keys", json={"name": "nightly"}, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json["key"] != second.json["key"]  # nothing secret was kept to replay


def test_openapi_documents_the_header_on_every_create(app: Flask, anon: FlaskClient) -> None:
    spec = anon.get("/openapi.json").json
    creates = [
        (path, operation)
        for path, operations in spec["paths"].items()
        for method, operation in operations.items()
        if method == "post"
        and not path.startswith("/api/v1/auth/")  # no user yet, so nothing to scope a key to
        and not path.endswith("/cancel")  # changes an existing operation; repeating it is harmless
        # Secrets are shown once and never stored in clear, so these cannot be replayed.
        and path not in SECRET_BEARING
        and ({"201", "202"} & set(operation["responses"]) or path.endswith("/analysis"))
    ]
    assert {path for path, _ in creates} >= {
        "/api/v1/resumes",
        "/api/v1/jobs",
        "/api/v1/jobs/{job_id}/analysis",
        "/api/v1/optimizations",
        "/api/v1/matches",
    }
    for path, operation in creates:
        headers = [p for p in operation.get("parameters", []) if p["in"] == "header"]
        assert [p["name"] for p in headers] == ["Idempotency-Key"], f"{path}: add @idempotent"
        assert headers[0]["schema"]["maxLength"] == 255
        for status, code in (
            ("409", "idempotency_key_in_flight"),
            ("422", "idempotency_key_reused"),
        ):
            documented = operation["responses"][status]
            assert code in documented["description"], path
            assert "application/problem+json" in documented["content"], path
