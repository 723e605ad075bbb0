"""Server-sent events: every step of an operation, replayed on reconnect, never a hung stream."""

from __future__ import annotations

import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import redis
from flask import Flask, json
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from models import STAGES, Optimization, Resume, db
from tests.conftest import REDIS_URL, as_user, poll
from tests.test_api import assert_problem
from worker import events
from worker.runner import execute_optimization

STREAM = "text/event-stream"
SUCCESS_SEQUENCE = [
    "queued",
    *["stage_started", "stage_finished", "progress"] * len(STAGES),
    "succeeded",
]


@dataclass
class Block:
    """One server-sent block: an event (`id`, `event`, `data`) or a comment."""

    fields: dict[str, str] = field(default_factory=dict)
    comments: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.fields["id"]

    @property
    def event(self) -> str:
        return self.fields["event"]

    @property
    def data(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.fields["data"])
        return parsed


def _parse(raw: str) -> Block:
    block = Block()
    for line in raw.split("\n"):
        if line.startswith(":"):
            block.comments.append(line[1:].strip())
            continue
        name, _, value = line.partition(":")
        assert name not in block.fields, f"field {name} repeated (multi-line data?) in {raw!r}"
        block.fields[name] = value.removeprefix(" ")
    return block


def blocks(response: TestResponse, *, timeout: float = 60.0) -> Iterator[Block]:
    """The blocks of a streamed response as they arrive; fails the test if it runs too long."""
    deadline = time.monotonic() + timeout
    buffer = ""
    for chunk in response.iter_encoded():
        buffer += chunk.decode("utf-8")
        while "\n\n" in buffer:
            raw, buffer = buffer.split("\n\n", 1)
            yield _parse(raw)
        assert time.monotonic() < deadline, "the stream did not end in time"
    assert buffer == "", f"the stream ended inside a block: {buffer!r}"


def read_events(response: TestResponse, *, timeout: float = 60.0) -> list[Block]:
    """Every event until the server ends the stream (heartbeat comments left out)."""
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == STREAM
    with response:
        return [block for block in blocks(response, timeout=timeout) if "event" in block.fields]


def subscribe(client: FlaskClient, url: str, **headers: str) -> TestResponse:
    """Open an event stream without reading it yet."""
    return client.get(url, headers=headers, buffered=False)


def _order(event_id: str) -> tuple[int, int]:
    millis, sequence = event_id.split("-")
    return int(millis), int(sequence)


@pytest.fixture(autouse=True)
def fast_heartbeat(app: Flask) -> float:
    """Heartbeats five times a second, so a quiet stream shows one at once."""
    app.config["SSE_HEARTBEAT_SECONDS"] = 0.2
    return 0.2


def _queued_optimization(app: Flask, resume_id: str, job_id: str) -> uuid.UUID:
    """A queued optimization that no worker was told about: nothing will happen to it."""
    with app.app_context():
        resume = db.session.get(Resume, uuid.UUID(resume_id))
        assert resume is not None
        optimization = Optimization.new(
            user_id=resume.user_id, resume_id=resume.id, job_id=uuid.UUID(job_id), options={}
        )
        db.session.add(optimization)
        db.session.commit()
        return optimization.id


def test_a_client_follows_an_optimization_from_queued_to_succeeded(
    client: FlaskClient,
    resume_and_job: tuple[str, str],
    celery_worker_process: subprocess.Popen[str],
) -> None:
    resume_id, job_id = resume_and_job
    submitted = client.post(
        "/api/v1/optimizations", json={"resume_id": resume_id, "job_id": job_id}
    )
    assert submitted.status_code == 202
    events_url = submitted.json["links"]["events"]
    assert events_url == f"/api/v1/optimizations/{submitted.json['id']}/events"

    response = subscribe(client, events_url)
    assert response.headers["Cache-Control"] == "no-cache"
    seen = read_events(response)

    assert [block.event for block in seen] == SUCCESS_SEQUENCE
    ids = [block.id for block in seen]
    assert ids == sorted(ids, key=_order) and len(set(ids)) == len(ids)
    assert {block.data["id"] for block in seen} == {submitted.json["id"]}
    assert all(block.data["links"]["self"] == submitted.headers["Location"] for block in seen)
    started = [block.data["stage"] for block in seen if block.event == "stage_started"]
    assert started == list(STAGES)
    progress = [block.data["progress"] for block in seen if block.event == "progress"]
    assert progress == [20, 40, 60, 80, 99]
    assert seen[-1].data["status"] == "succeeded" and seen[-1].data["progress"] == 100
    # The final event is sent after the row is committed: a poll agrees with it.
    assert client.get(submitted.headers["Location"]).json["status"] == "succeeded"

    # Reconnecting after the seventh event replays exactly what came after it, then ends.
    rest = read_events(subscribe(client, events_url, **{"Last-Event-ID": ids[6]}))
    assert [block.id for block in rest] == ids[7:]
    polyfill = read_events(client.get(f"{events_url}?last_event_id={ids[6]}", buffered=False))
    assert [block.id for block in polyfill] == ids[7:]

    # A late subscriber gets the whole story at once; one that has seen the end gets the end.
    assert [block.id for block in read_events(subscribe(client, events_url))] == ids
    last = read_events(subscribe(client, events_url, **{"Last-Event-ID": ids[-1]}))
    assert [(block.event, block.data["status"]) for block in last] == [("succeeded", "succeeded")]


def test_a_stream_that_expired_is_answered_from_the_row_and_closed(
    app: Flask, client: FlaskClient, resume_and_job: tuple[str, str]
) -> None:
    optimization_id = _queued_optimization(app, *resume_and_job)
    with app.app_context():
        assert execute_optimization(optimization_id) == "succeeded"
    redis.Redis.from_url(REDIS_URL).delete(events.key("optimization", optimization_id))

    seen = read_events(subscribe(client, f"/api/v1/optimizations/{optimization_id}/events"))

    assert [(block.event, block.id) for block in seen] == [("succeeded", "0-0")]
    assert seen[0].data["status"] == "succeeded" and seen[0].data["progress"] == 100


def test_a_finished_operation_whose_final_event_was_lost_still_ends_the_stream(
    app: Flask, client: FlaskClient, resume_and_job: tuple[str, str]
) -> None:
    finished = _queued_optimization(app, *resume_and_job)
    with app.app_context():
        assert execute_optimization(finished) == "succeeded"
    stored = redis.Redis.from_url(REDIS_URL, decode_responses=True)
    key = events.key("optimization", finished)
    ((last_id, _),) = stored.xrevrange(key, count=1)
    stored.xdel(key, last_id)  # as if Redis had been down when `succeeded` was sent

    replayed = read_events(subscribe(client, f"/api/v1/optimizations/{finished}/events"))
    assert [block.event for block in replayed] == SUCCESS_SEQUENCE[1:]  # not queued by the API
    assert replayed[-1].id == replayed[-2].id  # made from the row: the last id the client has

    # And while a stream is open: the row ends with no event at all; the next heartbeat notices.
    quiet = _queued_optimization(app, *resume_and_job)
    response = subscribe(client, f"/api/v1/optimizations/{quiet}/events")
    with response:
        stream = blocks(response, timeout=30)
        assert next(stream).event == "queued"
        with app.app_context():
            row = db.session.get(Optimization, quiet)
            assert row is not None
            row.status, row.error = "failed", {"code": "internal_error"}
            db.session.commit()
        rest = [block for block in stream if "event" in block.fields]
    assert [(block.event, block.data["error"]["code"]) for block in rest] == [
        ("failed", "internal_error")
    ]


def test_a_quiet_stream_sends_its_state_then_heartbeats_then_what_happens_live(
    app: Flask, client: FlaskClient, resume_and_job: tuple[str, str]
) -> None:
    optimization_id = _queued_optimization(app, *resume_and_job)
    url = f"/api/v1/optimizations/{optimization_id}/events"
    response = subscribe(client, url)
    assert response.status_code == 200 and response.mimetype == STREAM
    canceled = threading.Event()

    def cancel_from_another_client() -> None:
        other = app.test_client()
        other.environ_base.update(client.environ_base)
        assert other.post(f"/api/v1/optimizations/{optimization_id}/cancel").status_code == 200
        canceled.set()

    with response:
        stream = blocks(response, timeout=30)
        first = next(stream)
        assert (first.event, first.data["status"]) == ("queued", "queued")  # at once, from the row
        assert next(stream).comments == ["heartbeat"]  # nothing happened for a while
        worker = threading.Thread(target=cancel_from_another_client)
        worker.start()
        rest = [block for block in stream if "event" in block.fields]  # ends on its own
        worker.join()
    assert canceled.is_set()
    assert [(block.event, block.data["status"]) for block in rest] == [("canceled", "canceled")]


def test_another_users_stream_is_not_found_before_anything_is_streamed(
    app: Flask, client: FlaskClient, resume_and_job: tuple[str, str]
) -> None:
    optimization_id = _queued_optimization(app, *resume_and_job)
    bob = as_user(app, "bob@example.com")

    response = bob.get(f"/api/v1/optimizations/{optimization_id}/events", buffered=False)
    assert_problem(response, 404, "optimization_not_found")
    missing = client.get(f"/api/v1/matches/{uuid.uuid4()}/events", buffered=False)
    assert_problem(missing, 404, "match_not_found")


def test_streams_per_process_are_capped_so_other_requests_still_get_a_thread(
    app: Flask, client: FlaskClient, resume_and_job: tuple[str, str]
) -> None:
    app.config["SSE_MAX_STREAMS"] = 1
    optimization_id = _queued_optimization(app, *resume_and_job)
    url = f"/api/v1/optimizations/{optimization_id}/events"

    first = subscribe(client, url)
    assert first.status_code == 200
    refused = subscribe(client, url)
    body = assert_problem(refused, 503, "too_many_streams")
    assert "poll" in body["detail"] and int(refused.headers["Retry-After"]) > 0
    assert client.get(f"/api/v1/optimizations/{optimization_id}").status_code == 200
    first.close()  # the client goes away: its slot is free again
    again = subscribe(client, url)
    assert again.status_code == 200
    again.close()


def test_events_unreadable_is_a_503_problem_not_a_hanging_stream(
    make_app,  # type: ignore[no-untyped-def]
    client: FlaskClient,
    resume_and_job: tuple[str, str],
) -> None:
    optimization_id = _queued_optimization(client.application, *resume_and_job)
    dead = make_app(REDIS_URL="redis://127.0.0.1:1/0").test_client()
    dead.environ_base.update(client.environ_base)

    response = dead.get(f"/api/v1/optimizations/{optimization_id}/events", buffered=False)
    body = assert_problem(response, 503, "events_unavailable")
    assert "poll" in body["detail"]


def test_an_optimization_succeeds_when_its_events_cannot_be_recorded(
    make_app,  # type: ignore[no-untyped-def]
    app: Flask,
    resume_and_job: tuple[str, str],
) -> None:
    optimization_id = _queued_optimization(app, *resume_and_job)
    dead = make_app(REDIS_URL="redis://127.0.0.1:1/0")
    with dead.app_context():
        assert execute_optimization(optimization_id) == "succeeded"
        stored = db.session.get(Optimization, optimization_id)
        assert stored is not None and stored.status == "succeeded" and stored.documents


def test_a_client_follows_a_match_to_its_ranking(
    client: FlaskClient,
    resume_and_job: tuple[str, str],
    celery_worker_process: subprocess.Popen[str],
) -> None:
    resume_id, job_id = resume_and_job
    posting = "Data Engineer\nRequirements:\n- Python and SQL\n- Spark, Airflow and Snowflake"
    other = client.post("/api/v1/jobs", json={"description": posting})
    assert other.status_code == 201, other.json
    submitted = client.post(
        "/api/v1/matches", json={"resume_id": resume_id, "job_ids": [job_id, other.json["id"]]}
    )
    assert submitted.status_code == 202

    seen = read_events(subscribe(client, submitted.json["links"]["events"]))

    assert [block.event for block in seen] == ["queued", "progress", "succeeded"]
    assert [block.data["progress"] for block in seen] == [0, 50, 100]
    assert seen[-1].data["succeeded"] == 2
    assert poll(client, submitted.headers["Location"])["status"] == "succeeded"
