"""Batches: up to 1,000 optimizations on the `bulk` queue, counted in Postgres, read back as JSON
Lines or a zip, and driven end to end by the `resumesmith batch` client."""

from __future__ import annotations

import io
import json
import subprocess
import threading
import uuid
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from pytest_httpserver import HTTPServer
from sqlalchemy import delete, func, select
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from api import batches as batches_api
from api import quotas
from models import (
    BATCH_TERMINAL,
    Batch,
    Job,
    Optimization,
    ResumeVersion,
    User,
    WebhookDelivery,
    db,
)
from tests.conftest import ISOLATED_BROKER, REDIS_URL, SAMPLES, as_user, poll
from tests.test_api import assert_problem
from worker import batch_client, batches, events
from worker.cancel import mark_canceled
from worker.cli import main
from worker.runner import execute_optimization

NAME = "Avery Quinn-Müller"
POSTINGS = (
    "Senior Backend Engineer\nRequirements:\n- Python, PostgreSQL, Celery and Redis\n- Docker",
    "Data Engineer\nRequirements:\n- Python and SQL\n- Spark, Airflow and Snowflake",
    "Platform Engineer\nRequirements:\n- Kubernetes, Terraform and AWS\n- Python",
)


def _jobs(client: FlaskClient, *descriptions: str) -> list[str]:
    return [
        client.post("/api/v1/jobs", json={"description": text}).json["id"] for text in descriptions
    ]


def _count(app: Flask, model: Any) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(model)) or 0)


def _unlimited(app: Flask) -> None:
    app.config["QUOTAS"] = {**app.config["QUOTAS"], "user": 0}


@pytest.fixture
def queued_only(make_app: Callable[..., Flask]) -> Iterator[Flask]:
    """An app whose broker no worker reads: published items stay queued where a test sees them."""
    broker = redis.Redis.from_url(ISOLATED_BROKER)
    broker.flushdb()
    yield make_app(CELERY_BROKER_URL=ISOLATED_BROKER)
    broker.flushdb()


def _lines(response: Any) -> list[dict[str, Any]]:
    return [json.loads(line) for line in response.get_data(as_text=True).splitlines()]


# --- end to end on the real worker ----------------------------------------------------------


def test_a_hundred_items_with_one_poisoned_end_partially_failed(
    app: Flask,
    client: FlaskClient,
    resume_and_job: tuple[str, str],
    sample_resume_text: str,
    celery_worker_process: subprocess.Popen[str],
) -> None:
    _unlimited(app)
    resume_id, _ = resume_and_job
    jobs = _jobs(client, *POSTINGS)
    poisoned = client.post("/api/v1/resumes", json={"text": sample_resume_text}).json["id"]
    with app.app_context():  # its profile is gone: the item fails with source_deleted when it runs
        db.session.execute(
            delete(ResumeVersion).where(ResumeVersion.resume_id == uuid.UUID(poisoned))
        )
        db.session.commit()
    items = [{"resume_id": resume_id, "job_id": jobs[i % len(jobs)]} for i in range(100)]
    items[37] = {"resume_id": poisoned, "job_id": jobs[0]}

    submitted = client.post(
        "/api/v1/batches",
        json={"items": items, "options": {"template": "modern", "cover_letter": False}},
    )

    assert submitted.status_code == 202, submitted.get_data(as_text=True)
    body = submitted.json
    assert submitted.headers["Location"] == f"/api/v1/batches/{body['id']}" == body["links"]["self"]
    assert body["total"] == 100 and body["status"] in {"queued", "running"}
    assert sum(body["counts"].values()) == 100
    assert [item["index"] for item in body["items"]] == list(range(100))
    assert body["items"][37]["resume_id"] == poisoned
    first_poll = client.get(body["links"]["self"])
    if first_poll.json["status"] not in BATCH_TERMINAL:
        assert int(first_poll.headers["Retry-After"]) > 0

    done = poll(client, body["links"]["self"], timeout=300)

    assert done["status"] == "partially_failed"
    assert done["counts"] == {
        "queued": 0, "running": 0, "succeeded": 99, "failed": 1, "canceled": 0
    }  # fmt: skip
    assert done["progress"] == 100 and done["finished_at"] and done["started_at"]
    final = client.get(body["links"]["self"])
    assert "Retry-After" not in final.headers
    assert (
        client.get(
            body["links"]["self"], headers={"If-None-Match": final.headers["ETag"]}
        ).status_code
        == 304
    )
    with app.app_context():
        batch = db.session.get(Batch, uuid.UUID(body["id"]))
        assert batch is not None
        assert (batch.succeeded, batch.failed, batch.canceled) == (99, 1, 0)
    failed = client.get(f"{body['links']['items']}?status=failed").json
    assert [(item["index"], item["error"]["code"]) for item in failed] == [(37, "source_deleted")]
    item = client.get(done["items"][0]["links"]["self"]).json  # an item is an optimization
    assert item["status"] == "succeeded" and item["options"]["template"] == "modern"

    results = client.get(body["links"]["results"])
    assert results.status_code == 200 and results.mimetype == "application/x-ndjson"
    lines = _lines(results)
    assert [line["index"] for line in lines] == list(range(100))
    assert lines[37]["status"] == "failed" and lines[37]["documents"] == []
    assert lines[37]["error"]["code"] == "source_deleted"
    assert all(line["status"] == "succeeded" for i, line in enumerate(lines) if i != 37)
    assert all(0 < line["match_score"] <= 100 for i, line in enumerate(lines) if i != 37)
    pdf_url = next(
        doc["url"]
        for doc in lines[0]["documents"]
        if doc["kind"] == "resume" and doc["format"] == "pdf"
    )
    assert client.get(pdf_url).mimetype == "application/pdf"

    download = client.get(body["links"]["zip"])
    assert download.status_code == 200 and download.mimetype == "application/zip"
    assert ".zip" in download.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(download.data))
    names = archive.namelist()
    assert len(names) == len(set(names))
    manifest = [json.loads(line) for line in archive.read("results.jsonl").splitlines()]
    assert len(manifest) == 100 and manifest[37]["files"] == []
    resumes = [name for line in manifest for name in line["files"]]
    assert len(resumes) == 99 and sorted(names) == sorted([*resumes, "results.jsonl"])
    assert all(
        name.startswith(f"{line['index']:04d}-") for line in manifest for name in line["files"]
    )
    text = PdfReader(io.BytesIO(archive.read(resumes[-1]))).pages[0].extract_text()
    assert NAME in text


def test_items_wait_on_the_bulk_queue_not_the_interactive_one(queued_only: Flask) -> None:
    alice = as_user(queued_only, "alice@example.com")
    resume = alice.post("/api/v1/resumes", json={"text": (SAMPLES / "resume.txt").read_text()})
    job = alice.post("/api/v1/jobs", json={"description": POSTINGS[0]})
    pairs = {"resume_id": resume.json["id"], "job_ids": [job.json["id"]]}
    batch = alice.post("/api/v1/batches", json=pairs)
    single = alice.post(
        "/api/v1/optimizations",
        json={"resume_id": resume.json["id"], "job_id": job.json["id"]},
    )
    assert batch.status_code == 202 and single.status_code == 202
    broker = redis.Redis.from_url(ISOLATED_BROKER)
    queued = {
        name: [json.loads(raw) for raw in broker.lrange(name, 0, -1)]
        for name in ("bulk", "default")
    }
    assert [m["headers"]["argsrepr"] for m in queued["bulk"]] == [
        repr([batch.json["items"][0]["id"]])
    ]
    assert [m["headers"]["argsrepr"] for m in queued["default"]] == [repr([single.json["id"]])]
    assert {m["headers"]["task"] for m in queued["bulk"]} == {"resumesmith.pipeline.optimize"}


# --- checking input before anything starts ---------------------------------------------------


def test_batch_input_is_checked_before_anything_starts(
    queued_only: Flask,
) -> None:
    client = as_user(queued_only, "alice@example.com")
    _unlimited(queued_only)
    resume = client.post("/api/v1/resumes", json={"text": (SAMPLES / "resume.txt").read_text()})
    resume_id = resume.json["id"]
    (job_id,) = _jobs(client, POSTINGS[0])
    mallory = as_user(queued_only, "mallory@example.com")
    (stranger_job,) = _jobs(mallory, POSTINGS[1])
    good = {"resume_id": resume_id, "job_id": job_id}

    too_many = client.post("/api/v1/batches", json={"items": [good] * 1001})
    assert assert_problem(too_many, 422, "validation_failed")["errors"] == {
        "items": ["Give 1 to 1,000 items."]
    }
    assert_problem(client.post("/api/v1/batches", json={"items": []}), 422, "validation_failed")
    both = client.post(
        "/api/v1/batches", json={"items": [good], "resume_id": resume_id, "job_ids": [job_id]}
    )
    assert "body" in assert_problem(both, 422, "validation_failed")["errors"]
    bad_option = client.post(
        "/api/v1/batches",
        json={"items": [good, {**good, "options": {"template": "comic-sans"}}]},
    )
    assert list(assert_problem(bad_option, 422, "validation_failed")["errors"]) == [
        "items.1.options.template"
    ]
    per_item_callback = client.post(
        "/api/v1/batches",
        json={"items": [{**good, "options": {"callback_url": "https://example.com/hook"}}]},
    )
    assert list(assert_problem(per_item_callback, 422, "validation_failed")["errors"]) == [
        "items.0.options"
    ]
    foreign = client.post(
        "/api/v1/batches",
        json={
            "items": [
                good,
                good,
                {"resume_id": resume_id, "job_id": stranger_job},
                good,
                {"resume_id": str(uuid.uuid4()), "job_id": job_id},
            ]
        },
    )
    problem = assert_problem(foreign, 404, "resume_not_found")
    assert set(problem["errors"]) == {"items.2.job_id", "items.4.resume_id"}
    assert "items.2.job_id" in problem["detail"] and stranger_job not in problem["detail"]
    assert _count(queued_only, Batch) == 0 and _count(queued_only, Optimization) == 0


def test_json_lines_and_one_resume_against_many_jobs(queued_only: Flask) -> None:
    client = as_user(queued_only, "alice@example.com")
    resume_id = client.post(
        "/api/v1/resumes", json={"text": (SAMPLES / "resume.txt").read_text()}
    ).json["id"]
    first, second = _jobs(client, *POSTINGS[:2])
    lines = [
        json.dumps({"resume_id": resume_id, "job_id": first}),
        "",
        json.dumps({"resume_id": resume_id, "job_id": second, "options": {"paper": "letter"}}),
    ]
    uploaded = client.post(
        "/api/v1/batches", data="\n".join(lines) + "\n", content_type="application/x-ndjson"
    )
    assert uploaded.status_code == 202, uploaded.get_data(as_text=True)
    items = uploaded.json["items"]
    assert [(item["index"], item["job_id"]) for item in items] == [(0, first), (1, second)]
    papers = [client.get(item["links"]["self"]).json["options"]["paper"] for item in items]
    assert papers == ["a4", "letter"]

    broken = "\n".join(
        [
            json.dumps({"resume_id": resume_id, "job_id": first}),
            '{"resume_id": "' + resume_id + '", ',
            json.dumps({"resume_id": resume_id}),
            "[1, 2]",
        ]
    )
    refused = client.post("/api/v1/batches", data=broken, content_type="application/jsonl")
    problem = assert_problem(refused, 422, "validation_failed")
    assert set(problem["errors"]) == {"lines.2", "lines.3.job_id", "lines.4"}
    assert "lines.2" in problem["detail"]
    assert_problem(
        client.post("/api/v1/batches", data="\n\n", content_type="application/x-ndjson"),
        422,
        "validation_failed",
    )
    assert_problem(
        client.post("/api/v1/batches", data="resume,job", content_type="text/csv"),
        415,
        "unsupported_media_type",
    )

    fan = client.post(
        "/api/v1/batches",
        json={"resume_id": resume_id, "job_ids": [second, first, second]},
    )
    assert fan.status_code == 202
    assert fan.json["total"] == 2  # the repeated job runs once
    assert [item["job_id"] for item in fan.json["items"]] == [second, first]
    unknown = client.post(
        "/api/v1/batches", json={"resume_id": resume_id, "job_ids": [first, str(uuid.uuid4())]}
    )
    assert list(assert_problem(unknown, 404, "job_not_found")["errors"]) == ["job_ids.1"]


def test_every_item_counts_against_the_daily_quota(queued_only: Flask) -> None:
    client = as_user(queued_only, "alice@example.com")  # a `user`: 20 optimizations a day
    resume_id = client.post(
        "/api/v1/resumes", json={"text": (SAMPLES / "resume.txt").read_text()}
    ).json["id"]
    job_ids = _jobs(client, *POSTINGS)
    items = [{"resume_id": resume_id, "job_id": job_ids[i % 3]} for i in range(21)]

    refused = client.post("/api/v1/batches", json={"items": items})
    problem = assert_problem(refused, 429, "quota_exceeded")
    assert "21" in problem["detail"] and int(refused.headers["Retry-After"]) > 0
    assert client.post("/api/v1/batches", json={"items": items[:20]}).status_code == 202
    one_more = client.post("/api/v1/batches", json={"items": items[:1]})
    assert_problem(one_more, 429, "quota_exceeded")
    with queued_only.app_context():
        user = db.session.scalar(select(User).where(User.email == "alice@example.com"))
        assert user is not None and quotas.used_today(user) == 20
    assert _count(queued_only, Batch) == 1


# --- the broker --------------------------------------------------------------------------------


def test_broker_down_answers_503_and_leaves_nothing_queued(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app(CELERY_BROKER_URL="redis://127.0.0.1:1/0")
    client = as_user(app, "alice@example.com")
    resume_id = client.post(
        "/api/v1/resumes", json={"text": (SAMPLES / "resume.txt").read_text()}
    ).json["id"]
    job_ids = _jobs(client, *POSTINGS)

    response = client.post("/api/v1/batches", json={"resume_id": resume_id, "job_ids": job_ids})

    assert_problem(response, 503, "broker_unavailable")
    assert int(response.headers["Retry-After"]) > 0
    assert _count(app, Batch) == 0 and _count(app, Optimization) == 0
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "alice@example.com"))
        assert user is not None and quotas.used_today(user) == 0


def test_items_the_broker_refused_midway_fail_and_count(
    queued_only: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = as_user(queued_only, "alice@example.com")
    resume_id = client.post(
        "/api/v1/resumes", json={"text": (SAMPLES / "resume.txt").read_text()}
    ).json["id"]
    job_ids = _jobs(client, *POSTINGS)
    real = batches_api.publish
    sent: list[uuid.UUID] = []

    def flaky(task: str, row_id: uuid.UUID, *, queue: str = "default") -> bool:
        if len(sent) == 2:
            return False  # the broker goes away after two messages
        sent.append(row_id)
        return real(task, row_id, queue=queue)

    monkeypatch.setattr(batches_api, "publish", flaky)
    response = client.post("/api/v1/batches", json={"resume_id": resume_id, "job_ids": job_ids})

    assert response.status_code == 202
    body = response.json
    assert body["counts"]["failed"] == 1 and body["counts"]["queued"] == 2
    refused = body["items"][2]
    assert refused["status"] == "failed" and refused["error"]["code"] == "broker_unavailable"
    with queued_only.app_context():
        user = db.session.scalar(select(User).where(User.email == "alice@example.com"))
        assert user is not None and quotas.used_today(user) == 2  # the refused one is refunded
        for item_id in sent:  # what was published still runs, and the batch then ends
            assert execute_optimization(item_id) == "succeeded"
    done = client.get(body["links"]["self"]).json
    assert done["status"] == "partially_failed"
    assert (done["counts"]["succeeded"], done["counts"]["failed"]) == (2, 1)


# --- counting ----------------------------------------------------------------------------------


def test_each_item_is_counted_once_and_the_last_one_ends_the_batch(queued_only: Flask) -> None:
    client = as_user(queued_only, "alice@example.com")
    resume_id = client.post(
        "/api/v1/resumes", json={"text": (SAMPLES / "resume.txt").read_text()}
    ).json["id"]
    job_ids = _jobs(client, *POSTINGS)
    submitted = client.post("/api/v1/batches", json={"resume_id": resume_id, "job_ids": job_ids})
    ids = [uuid.UUID(item["id"]) for item in submitted.json["items"]]
    batch_id = uuid.UUID(submitted.json["id"])

    with queued_only.app_context():
        assert execute_optimization(ids[0]) == "succeeded"
        assert execute_optimization(ids[0]) == "succeeded"  # a redelivery changes nothing
        first = db.session.get(Optimization, ids[0])
        assert first is not None
        batches.item_finished(first)  # nor does a second count of the same end state
        db.session.commit()
        batch = db.session.get(Batch, batch_id)
        assert batch is not None
        assert (batch.status, batch.succeeded, batch.failed) == ("running", 1, 0)
        assert batch.started_at is not None and batch.finished_at is None

        # The second item's job is deleted (as a user deleting data would): the item goes with it.
        db.session.execute(delete(Job).where(Job.id == uuid.UUID(job_ids[1])))
        db.session.commit()
        assert execute_optimization(ids[2]) == "succeeded"
        db.session.refresh(batch)
        assert (batch.status, batch.succeeded, batch.total) == ("succeeded", 2, 3)
        assert batch.finished_at is not None

    done = client.get(f"/api/v1/batches/{batch_id}").json
    assert done["status"] == "succeeded" and done["progress"] == 100
    assert [item["index"] for item in done["items"]] == [0, 2]


def test_the_end_of_a_batch_is_announced_once_with_its_callback(queued_only: Flask) -> None:
    client = as_user(queued_only, "alice@example.com")
    text = (SAMPLES / "resume.txt").read_text()
    good, poisoned = (client.post("/api/v1/resumes", json={"text": text}).json["id"] for _ in "ab")
    (job_id,) = _jobs(client, POSTINGS[0])
    callback = "http://127.0.0.1:9/batch-ended"
    submitted = client.post(
        "/api/v1/batches",
        json={
            "items": [
                {"resume_id": good, "job_id": job_id},
                {"resume_id": poisoned, "job_id": job_id},
            ],
            "callback_url": callback,
        },
    )
    assert submitted.json["callback_url"] == callback
    batch_id = submitted.json["id"]
    with queued_only.app_context():
        db.session.execute(
            delete(ResumeVersion).where(ResumeVersion.resume_id == uuid.UUID(poisoned))
        )
        db.session.commit()
        for item in submitted.json["items"] * 2:  # each item delivered twice
            execute_optimization(uuid.UUID(item["id"]))
        deliveries = db.session.scalars(
            select(WebhookDelivery).where(WebhookDelivery.event_type.like("batch.%"))
        ).all()
    assert [(d.event_type, d.url, d.target) for d in deliveries] == [
        ("batch.partially_failed", callback, "callback")
    ]
    body = json.loads(deliveries[0].body)
    assert body["data"]["id"] == batch_id
    assert body["data"]["counts"] == {"succeeded": 1, "failed": 1, "canceled": 0}
    stream = redis.Redis.from_url(REDIS_URL).xrange(events.key("batch", batch_id))
    assert [fields[b"event"] for _, fields in stream] == [b"partially_failed"]


def test_a_batch_whose_last_items_were_deleted_still_ends(queued_only: Flask) -> None:
    client = as_user(queued_only, "alice@example.com")
    text = (SAMPLES / "resume.txt").read_text()
    kept, deleted = (client.post("/api/v1/resumes", json={"text": text}).json["id"] for _ in "ab")
    (job_id,) = _jobs(client, POSTINGS[0])
    items = [{"resume_id": kept, "job_id": job_id}, {"resume_id": deleted, "job_id": job_id}]
    submitted = client.post("/api/v1/batches", json={"items": items})
    first = uuid.UUID(submitted.json["items"][0]["id"])
    with queued_only.app_context():
        assert execute_optimization(first) == "succeeded"
    assert client.get(submitted.json["links"]["self"]).json["status"] == "running"
    # Deleting a resume deletes what was made from it, the queued item included.
    assert client.delete(f"/api/v1/resumes/{deleted}").status_code == 204

    done = client.get(submitted.json["links"]["self"]).json

    assert done["status"] == "succeeded"
    assert done["counts"]["succeeded"] == 1 and done["total"] == 2
    assert [item["index"] for item in done["items"]] == [0]


def test_canceling_stops_what_has_not_finished_and_keeps_what_has(queued_only: Flask) -> None:
    client = as_user(queued_only, "alice@example.com")
    resume_id = client.post(
        "/api/v1/resumes", json={"text": (SAMPLES / "resume.txt").read_text()}
    ).json["id"]
    job_ids = _jobs(client, *POSTINGS)
    submitted = client.post("/api/v1/batches", json={"resume_id": resume_id, "job_ids": job_ids})
    done_id, running_id, queued_id = (uuid.UUID(item["id"]) for item in submitted.json["items"])
    links = submitted.json["links"]
    with queued_only.app_context():
        assert execute_optimization(done_id) == "succeeded"
        running = db.session.get(Optimization, running_id)
        assert running is not None
        running.status = "running"  # as if a worker were in the middle of its stages
        db.session.commit()

    stopping = client.post(links["cancel"])

    assert stopping.status_code == 202 and stopping.headers["Location"] == links["self"]
    assert stopping.json["status"] == "running" and stopping.json["cancel_requested_at"]
    by_id = {item["id"]: item["status"] for item in stopping.json["items"]}
    assert by_id == {
        str(done_id): "succeeded",
        str(running_id): "running",
        str(queued_id): "canceled",
    }
    skipped = client.get(f"/api/v1/optimizations/{queued_id}").json
    assert {stage["status"] for stage in skipped["stages"]} == {"skipped"}
    with queued_only.app_context():
        assert execute_optimization(queued_id) == "canceled"  # its message arrives: nothing runs
        running = db.session.get(Optimization, running_id)
        assert running is not None and running.cancel_requested_at is not None
        mark_canceled(running)  # what the worker does at its next stage boundary

    ended = client.get(links["self"]).json
    assert ended["status"] == "canceled"
    assert (ended["counts"]["succeeded"], ended["counts"]["canceled"]) == (1, 2)
    again = client.post(links["cancel"])
    assert again.status_code == 200 and again.json["status"] == "canceled"
    finished = client.post(
        "/api/v1/batches", json={"resume_id": resume_id, "job_ids": job_ids[:1]}
    ).json
    with queued_only.app_context():
        execute_optimization(uuid.UUID(finished["items"][0]["id"]))
    assert_problem(client.post(finished["links"]["cancel"]), 409, "operation_finished")


# --- reading batches ---------------------------------------------------------------------------


def test_history_is_paginated_newest_first_and_filtered(queued_only: Flask) -> None:
    client = as_user(queued_only, "alice@example.com")
    resume_id = client.post(
        "/api/v1/resumes", json={"text": (SAMPLES / "resume.txt").read_text()}
    ).json["id"]
    (job_id,) = _jobs(client, POSTINGS[0])
    made = [
        client.post("/api/v1/batches", json={"resume_id": resume_id, "job_ids": [job_id]}).json[
            "id"
        ]
        for _ in range(3)
    ]
    with queued_only.app_context():
        oldest = db.session.get(Batch, uuid.UUID(made[0]))
        assert oldest is not None
        oldest.status = "failed"
        db.session.commit()
        cutoff = oldest.created_at

    page = client.get("/api/v1/batches?page=1&page_size=2")
    assert page.status_code == 200
    assert [batch["id"] for batch in page.json] == [made[2], made[1]]
    assert json.loads(page.headers["X-Pagination"])["total"] == 3
    assert [b["id"] for b in client.get("/api/v1/batches?page=2&page_size=2").json] == [made[0]]
    assert page.json[0]["counts"]["queued"] == 1 and page.json[0]["total"] == 1
    assert [b["id"] for b in client.get("/api/v1/batches?status=failed").json] == [made[0]]
    after = client.get("/api/v1/batches", query_string={"created_after": cutoff.isoformat()}).json
    assert [b["id"] for b in after] == [made[2], made[1]]
    assert_problem(client.get("/api/v1/batches?status=exploded"), 422, "validation_failed")
    assert as_user(queued_only, "bob@example.com").get("/api/v1/batches").json == []


def test_another_users_batch_is_not_found(queued_only: Flask) -> None:
    client = as_user(queued_only, "alice@example.com")
    resume_id = client.post(
        "/api/v1/resumes", json={"text": (SAMPLES / "resume.txt").read_text()}
    ).json["id"]
    (job_id,) = _jobs(client, POSTINGS[0])
    links = client.post("/api/v1/batches", json={"resume_id": resume_id, "job_ids": [job_id]}).json[
        "links"
    ]
    bob = as_user(queued_only, "bob@example.com")
    for url in (links["self"], links["items"], links["results"], links["zip"]):
        assert_problem(bob.get(url), 404, "batch_not_found")
    assert_problem(bob.delete(links["self"]), 404, "batch_not_found")
    assert_problem(client.delete(links["self"]), 409, "batch_running")
    assert client.get(links["self"]).status_code == 200


# --- the command-line client -------------------------------------------------------------------


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The test app served over real HTTP on a free port, for the command-line client."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


def test_cli_submits_waits_and_downloads(
    app: Flask,
    client: FlaskClient,
    resume_and_job: tuple[str, str],
    live_server: str,
    celery_worker_process: subprocess.Popen[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    resume_id, job_id = resume_and_job
    key = client.post("/api/v1/api-keys", json={"name": "cli"}).json["key"]
    (other_job,) = _jobs(client, POSTINGS[2])
    (tmp_path / "job.txt").write_text(POSTINGS[1], "utf-8")
    items = tmp_path / "items.jsonl"
    items.write_text(
        "\n".join(
            [
                json.dumps({"resume_id": resume_id, "job_id": job_id}),
                json.dumps({"resume_id": resume_id, "job_id": other_job}),
                "",
                json.dumps(
                    {
                        "resume_file": str(SAMPLES / "resume.txt"),
                        "job_file": "job.txt",  # relative to the items file
                        "job_title": "Data Engineer",
                        "options": {"cover_letter": False},
                    }
                ),
            ]
        ),
        "utf-8",
    )
    common = ["--api", live_server, "--api-key", key]

    assert main(["batch", "submit", str(items), *common, "--poll", "0.2", "--timeout", "120"]) == 0
    out, err = capsys.readouterr()
    batch_id, summary = out.splitlines()
    assert summary == "succeeded: 3/3 done"
    assert "3/3 done" in err  # the progress line

    assert main(["batch", "status", batch_id, *common]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["status"] == "succeeded" and shown["counts"]["succeeded"] == 3
    assert shown["failed_items"] == []

    target = tmp_path / "out"
    assert main(["batch", "download", batch_id, "--out", str(target), *common]) == 0
    assert "5 PDFs" in capsys.readouterr().out  # 3 resumes, 2 letters (the third asked for none)
    pdfs = sorted(target.glob("*.pdf"))
    assert [path.name[:5] for path in pdfs if "cover-letter" not in path.name] == [
        "0000-", "0001-", "0002-"
    ]  # fmt: skip
    for path in pdfs:
        assert NAME in PdfReader(path).pages[0].extract_text()
    assert len((target / "results.jsonl").read_text("utf-8").splitlines()) == 3

    assert main(["batch", "submit", str(items), *common, "--no-wait"]) == 0
    (only_id,) = capsys.readouterr().out.split()
    assert uuid.UUID(only_id) and only_id != batch_id

    assert main(["batch", "status", batch_id, "--api", live_server, "--api-key", "rsk_wrong"]) == 2
    assert "401" in capsys.readouterr().err


def test_cli_retries_a_refused_submit_with_the_same_idempotency_key(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    batch = {"id": str(uuid.uuid4()), "status": "queued", "total": 1, "links": {"self": "/x"}}
    seen: list[str | None] = []

    def busy(request: Request) -> Response:
        seen.append(request.headers.get("Idempotency-Key"))
        return Response("{}", status=503, headers={"Retry-After": "0"})

    def accepted(request: Request) -> Response:
        seen.append(request.headers.get("Idempotency-Key"))
        return Response(json.dumps(batch), status=202, content_type="application/json")

    httpserver.expect_ordered_request("/api/v1/batches", method="POST").respond_with_handler(busy)
    httpserver.expect_ordered_request("/api/v1/batches", method="POST").respond_with_handler(
        accepted
    )
    items = tmp_path / "items.jsonl"
    items.write_text(json.dumps({"resume_id": str(uuid.uuid4()), "job_id": str(uuid.uuid4())}))
    sleeps: list[float] = []
    client = batch_client.Client(httpserver.url_for("/"), "rsk_key", sleep=sleeps.append)

    assert batch_client.submit(client, items) == batch

    assert len(seen) == 2 and seen[0] is not None and seen[0] == seen[1]
    assert sleeps == [0.0]  # as the server's Retry-After asked
    httpserver.check_assertions()


def test_cli_gives_up_after_its_retries(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/v1/batches/abc").respond_with_json(
        {"code": "service_unavailable", "detail": "down"}, status=503
    )
    sleeps: list[float] = []
    client = batch_client.Client(httpserver.url_for("/"), "k", retries=2, sleep=sleeps.append)
    with pytest.raises(batch_client.ApiError) as refused:
        batch_client.status(client, "abc")
    assert refused.value.status == 503 and "down" in str(refused.value)
    assert len(sleeps) == 2 and 0 < sleeps[1] <= 1.0
