"""Webhooks: endpoints with a secret shown once, SSRF refusals, signed deliveries that retry."""

from __future__ import annotations

import base64
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pytest_httpserver import HTTPServer
from sqlalchemy import update
from standardwebhooks.webhooks import Webhook as Verifier
from standardwebhooks.webhooks import WebhookVerificationError
from werkzeug import Request, Response

from models import WebhookDelivery, db
from models.db import utcnow
from tests.conftest import as_user, poll
from tests.test_api import assert_problem
from worker import webhooks
from worker.webhooks import schedule

HOOKS = "/api/v1/webhooks"


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    at: float


@dataclass
class Receiver:
    """A webhook receiver on the test HTTP server: answers from a script, keeps what it got.

    Each answer is `(status, seconds to stall before answering)`; the last one repeats.
    """

    server: HTTPServer
    answers: Sequence[tuple[int, float]] = ((200, 0.0),)
    path: str = "/hook"
    headers: dict[str, str] = field(default_factory=dict)
    got: list[Received] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._changed = threading.Condition()
        self.server.expect_request(self.path, method="POST").respond_with_handler(self._answer)

    @property
    def url(self) -> str:
        return str(self.server.url_for(self.path))

    def _answer(self, request: Request) -> Response:
        with self._changed:
            self.got.append(Received(dict(request.headers), request.get_data(), time.monotonic()))
            status, stall = self.answers[min(len(self.got), len(self.answers)) - 1]
            self._changed.notify_all()
        time.sleep(stall)
        return Response(f"answer {status}", status=status, headers=self.headers)

    def wait_for(self, count: int, *, timeout: float = 20.0) -> list[Received]:
        with self._changed:
            arrived = self._changed.wait_for(lambda: len(self.got) >= count, timeout=timeout)
        assert arrived, f"expected {count} deliveries, got {len(self.got)}"
        return self.got


def verify(secret: str, received: Received) -> Any:
    """Check the signature with the reference Standard Webhooks library, not our own code."""
    return Verifier(secret).verify(received.body, received.headers)


def settled(
    client: FlaskClient, url: str, *, count: int = 1, timeout: float = 20.0
) -> list[dict[str, Any]]:
    """GET a deliveries list until `count` deliveries are there and none is still pending."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        deliveries: list[dict[str, Any]] = client.get(url).json
        if len(deliveries) >= count and all(
            item["status"] in {"succeeded", "failed"} for item in deliveries
        ):
            return deliveries
        time.sleep(0.05)
    raise AssertionError(f"deliveries at {url} did not settle: {client.get(url).json}")


def register(client: FlaskClient, url: str, **fields: Any) -> dict[str, Any]:
    created = client.post(HOOKS, json={"url": url, **fields})
    assert created.status_code == 201, created.get_data(as_text=True)
    body: dict[str, Any] = created.json
    return body


def user_id(client: FlaskClient) -> uuid.UUID:
    return uuid.UUID(client.tokens["user_id"])  # type: ignore[attr-defined]


def fake_dns(
    monkeypatch: pytest.MonkeyPatch, answers: dict[str, list[str] | None]
) -> Callable[[str, int], list[str]]:
    """Make `resolve_host` answer for made-up names (None: NXDOMAIN); real lookups otherwise."""
    real = webhooks.resolve_host

    def resolve(host: str, port: int) -> list[str]:
        if host in answers:
            found = answers[host]
            if found is None:
                raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
            return found
        return real(host, port)

    monkeypatch.setattr(webhooks, "resolve_host", resolve)
    return resolve


# --- endpoints --------------------------------------------------------------------------------


def test_endpoint_secret_is_shown_once(client: FlaskClient) -> None:
    created = client.post(
        HOOKS,
        json={
            "url": "https://hooks.example.com/resumesmith",
            "events": ["optimization.succeeded", "match.*", "optimization.succeeded"],
            "description": "CI notifier",
        },
    )
    assert created.status_code == 201
    body = created.json
    assert created.headers["Location"] == f"{HOOKS}/{body['id']}"
    assert body["secret"].startswith("whsec_")
    assert len(base64.b64decode(body["secret"].removeprefix("whsec_"))) >= 24
    assert body["events"] == ["optimization.succeeded", "match.*"]
    assert body["description"] == "CI notifier"
    assert body["links"]["deliveries"] == f"{HOOKS}/{body['id']}/deliveries"
    assert body["created_at"].endswith("Z")

    listed = client.get(HOOKS)
    assert listed.status_code == 200
    assert [hook["id"] for hook in listed.json] == [body["id"]]
    fetched = client.get(body["links"]["self"])
    assert fetched.status_code == 200
    assert fetched.json["url"] == "https://hooks.example.com/resumesmith"
    everything = listed.get_data(as_text=True) + fetched.get_data(as_text=True)
    assert "secret" not in everything and body["secret"] not in everything

    second = register(client, "https://hooks.example.com/other")
    assert second["secret"] != body["secret"]
    assert client.delete(body["links"]["self"]).status_code == 204
    assert_problem(client.get(body["links"]["self"]), 404, "webhook_not_found")
    assert [hook["id"] for hook in client.get(HOOKS).json] == [second["id"]]


def test_other_users_webhook_is_not_found(app: Flask, client: FlaskClient) -> None:
    hook = register(client, "https://hooks.example.com/alice")
    bob = as_user(app, "bob@example.com")
    for method in ("GET", "DELETE"):
        assert_problem(bob.open(hook["links"]["self"], method=method), 404, "webhook_not_found")
    assert_problem(bob.get(hook["links"]["deliveries"]), 404, "webhook_not_found")
    assert bob.get(HOOKS).json == []
    assert client.get(hook["links"]["self"]).status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "ftp://hooks.example.com/x"}, "url"),
        ({"url": "https://user:pass@hooks.example.com/x"}, "url"),
        ({"url": "https:///no-host"}, "url"),
        ({"url": "https://hooks.example.com:99999/x"}, "url"),
        ({"url": "https://hooks.example.com/a b"}, "url"),
        ({}, "url"),
        ({"url": "https://hooks.example.com/x", "events": ["Optimization Done"]}, "events.0"),
    ],
)
def test_webhook_input_is_validated(client: FlaskClient, body: dict[str, Any], field: str) -> None:
    response = client.post(HOOKS, json=body)
    assert field in assert_problem(response, 422, "validation_failed")["errors"]
    assert client.get(HOOKS).json == []


PRIVATE_URLS = [
    "http://127.0.0.1/",
    "http://127.0.0.1:6379/",
    "http://localhost:8080/hook",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::1]/",
    "http://[::ffff:10.0.0.1]/",
    "http://[2002:a9fe:a9fe::1]/",  # 6to4 carrying 169.254.169.254
    "http://0.0.0.0/",
    "http://2130706433/",  # 127.0.0.1 written as one number
    "http://224.0.0.1/",
    "http://100.64.0.1/",  # carrier-grade NAT: not "private", still not on the internet
    "https://internal.example.test/hook",  # a public-looking name that resolves to 10.x
]


def test_private_destinations_are_refused(
    make_app: Callable[..., Flask],
    sample_resume_text: str,
    sample_job_text: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake_dns(
        monkeypatch,
        {
            "internal.example.test": ["203.0.113.9", "10.1.2.3"],  # one bad answer is enough
            "hooks.example.test": ["93.184.215.14"],
            "nowhere.example.test": None,
        },
    )
    strict = make_app(WEBHOOK_ALLOW_PRIVATE=False)
    alice = as_user(strict, "alice.strict@example.com")
    for url in PRIVATE_URLS:
        body = assert_problem(alice.post(HOOKS, json={"url": url}), 422, "webhook_url_forbidden")
        assert "10.1.2.3" not in body["detail"]  # the address is not told: no map of our network
    assert_problem(
        alice.post(HOOKS, json={"url": "https://nowhere.example.test/"}),
        422,
        "webhook_url_unresolvable",
    )
    assert alice.get(HOOKS).json == []
    assert alice.post(HOOKS, json={"url": "https://hooks.example.test/ok"}).status_code == 201

    # The same rule guards `callback_url` on the work that reports back.
    resume = alice.post("/api/v1/resumes", json={"text": sample_resume_text})
    job = alice.post("/api/v1/jobs", json={"description": sample_job_text})
    ids = {"resume_id": resume.json["id"], "job_id": job.json["id"]}
    refused = alice.post(
        "/api/v1/optimizations",
        json={**ids, "options": {"callback_url": "http://169.254.169.254/"}},
    )
    assert_problem(refused, 422, "webhook_url_forbidden")
    refused = alice.post(
        "/api/v1/matches",
        json={
            "resume_id": ids["resume_id"],
            "job_ids": [ids["job_id"]],
            "callback_url": "http://[::1]:8080/",
        },
    )
    assert_problem(refused, 422, "webhook_url_forbidden")
    with strict.app_context():
        from models import Match, Optimization, db

        assert db.session.query(Optimization).count() == 0
        assert db.session.query(Match).count() == 0


# --- deliveries -------------------------------------------------------------------------------


def test_delivery_is_signed_per_standard_webhooks(
    in_process_worker: Flask, client: FlaskClient, httpserver: HTTPServer
) -> None:
    receiver = Receiver(httpserver)
    hook = register(client, receiver.url)
    operation_id = str(uuid.uuid4())
    with in_process_worker.app_context():
        schedule(
            user_id(client),
            "optimization.succeeded",
            {"id": operation_id, "status": "succeeded", "score": 87.5},
        )

    [received] = receiver.wait_for(1)
    payload = verify(hook["secret"], received)
    assert payload["type"] == "optimization.succeeded"
    assert payload["data"] == {"id": operation_id, "status": "succeeded", "score": 87.5}
    assert payload["timestamp"].endswith("Z")
    assert received.headers["Content-Type"] == "application/json"
    assert received.headers["Webhook-Id"].startswith("msg_")
    assert abs(int(received.headers["Webhook-Timestamp"]) - time.time()) < 60
    assert received.headers["Webhook-Signature"].startswith("v1,")
    with pytest.raises(WebhookVerificationError, match="signature"):
        verify(register(client, receiver.url, events=["match.*"])["secret"], received)

    [delivery] = settled(client, hook["links"]["deliveries"])
    assert delivery["status"] == "succeeded"
    assert delivery["message_id"] == received.headers["Webhook-Id"]
    assert delivery["payload"] == payload
    assert [a["response_status"] for a in delivery["attempts"]] == [200]
    assert delivery["attempts"][0]["error"] is None


def test_callback_url_is_signed_with_the_callback_secret(
    in_process_worker: Flask, client: FlaskClient, httpserver: HTTPServer
) -> None:
    receiver = Receiver(httpserver, path="/callback")
    first = client.get(f"{HOOKS}/callback-secret")
    assert first.status_code == 200 and first.json["secret"].startswith("whsec_")
    assert client.get(f"{HOOKS}/callback-secret").json["secret"] == first.json["secret"]
    with in_process_worker.app_context():
        schedule(user_id(client), "match.succeeded", {"id": "m1"}, callback_url=receiver.url)
    [received] = receiver.wait_for(1)
    assert verify(first.json["secret"], received)["data"] == {"id": "m1"}

    rotated = client.post(f"{HOOKS}/callback-secret")
    assert rotated.status_code == 200 and rotated.json["secret"] != first.json["secret"]
    [delivery] = settled(client, f"{HOOKS}/deliveries")
    assert delivery["webhook_id"] is None and delivery["url"] == receiver.url


def test_receiver_errors_are_retried_with_the_same_message(
    in_process_worker: Flask, client: FlaskClient, httpserver: HTTPServer
) -> None:
    in_process_worker.config["WEBHOOK_RETRY_BASE_SECONDS"] = 0.2
    receiver = Receiver(httpserver, answers=[(500, 0), (500, 0), (200, 0)])
    hook = register(client, receiver.url)
    with in_process_worker.app_context():
        schedule(user_id(client), "optimization.failed", {"id": "op-1", "status": "failed"})

    got = receiver.wait_for(3)
    assert {r.headers["Webhook-Id"] for r in got} == {got[0].headers["Webhook-Id"]}
    assert {r.body for r in got} == {got[0].body}  # the same bytes every time
    for received in got:
        verify(hook["secret"], received)  # each attempt is signed afresh, with its own timestamp
    # Exponential backoff: 0.1-0.2 s after the first failure, 0.4-0.8 s after the second.
    first_wait, second_wait = got[1].at - got[0].at, got[2].at - got[1].at
    assert 0.1 <= first_wait < second_wait and second_wait >= 0.4

    [delivery] = settled(client, hook["links"]["deliveries"])
    assert delivery["status"] == "succeeded"
    assert delivery["attempt_count"] == 3
    attempts = delivery["attempts"]
    assert [a["number"] for a in attempts] == [1, 2, 3]
    assert [a["response_status"] for a in attempts] == [500, 500, 200]
    assert [a["error"] for a in attempts] == ["http_error", "http_error", None]
    assert attempts[0]["response_excerpt"] == "answer 500"
    assert all(a["duration_ms"] >= 0 and a["started_at"].endswith("Z") for a in attempts)
    assert delivery["next_attempt_at"] is None and delivery["finished_at"]
    time.sleep(0.5)
    assert len(receiver.got) == 3  # nothing more after the success


def test_delivery_fails_when_the_retry_window_closes(
    in_process_worker: Flask, client: FlaskClient, httpserver: HTTPServer
) -> None:
    in_process_worker.config.update(
        WEBHOOK_RETRY_BASE_SECONDS=0.1, WEBHOOK_RETRY_WINDOW_SECONDS=2.0
    )
    receiver = Receiver(httpserver, answers=[(503, 0)])
    hook = register(client, receiver.url)
    with in_process_worker.app_context():
        schedule(user_id(client), "optimization.succeeded", {"id": "op-2"})
    [delivery] = settled(client, hook["links"]["deliveries"])
    assert delivery["status"] == "failed"
    assert delivery["attempt_count"] == len(delivery["attempts"]) >= 3
    assert {a["response_status"] for a in delivery["attempts"]} == {503}
    assert delivery["next_attempt_at"] is None
    assert len(receiver.got) == delivery["attempt_count"]


def test_redirects_are_not_followed(
    in_process_worker: Flask, client: FlaskClient, httpserver: HTTPServer
) -> None:
    in_process_worker.config["WEBHOOK_RETRY_WINDOW_SECONDS"] = 0
    elsewhere = Receiver(httpserver, path="/elsewhere")
    receiver = Receiver(httpserver, answers=[(307, 0)], headers={"Location": elsewhere.url})
    hook = register(client, receiver.url)
    with in_process_worker.app_context():
        schedule(user_id(client), "optimization.succeeded", {"id": "op-3"})
    [delivery] = settled(client, hook["links"]["deliveries"])
    assert delivery["status"] == "failed"
    [attempt] = delivery["attempts"]
    assert (attempt["response_status"], attempt["error"]) == (307, "redirect_not_followed")
    assert len(receiver.got) == 1 and elsewhere.got == []


def test_receiver_that_times_out_is_a_failed_attempt(
    in_process_worker: Flask, client: FlaskClient, httpserver: HTTPServer
) -> None:
    in_process_worker.config.update(WEBHOOK_TIMEOUT_SECONDS=0.5, WEBHOOK_RETRY_BASE_SECONDS=0.1)
    receiver = Receiver(httpserver, answers=[(200, 2.0), (204, 0)])
    hook = register(client, receiver.url)
    with in_process_worker.app_context():
        schedule(user_id(client), "optimization.succeeded", {"id": "op-4"})
    [delivery] = settled(client, hook["links"]["deliveries"])
    assert delivery["status"] == "succeeded"
    first, second = delivery["attempts"]
    assert (first["response_status"], first["error"]) == (None, "timeout")
    assert 400 <= first["duration_ms"] < 2000
    assert (second["response_status"], second["error"]) == (204, None)


def test_destination_is_checked_again_at_delivery(
    in_process_worker: Flask, client: FlaskClient, httpserver: HTTPServer
) -> None:
    receiver = Receiver(httpserver)
    hook = register(client, receiver.url)  # allowed when registered (private allowed then)
    in_process_worker.config["WEBHOOK_ALLOW_PRIVATE"] = False
    with in_process_worker.app_context():
        schedule(user_id(client), "optimization.succeeded", {"id": "op-5"})
    [delivery] = settled(client, hook["links"]["deliveries"])
    assert delivery["status"] == "failed"  # at once: retrying cannot make the address public
    assert [a["error"] for a in delivery["attempts"]] == ["url_forbidden"]
    assert receiver.got == []


def test_delivery_connects_to_the_address_it_checked(
    in_process_worker: Flask,
    client: FlaskClient,
    httpserver: HTTPServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # `hooks.example.test` exists only in this fake DNS; only loopback counts as public here.
    resolve = fake_dns(monkeypatch, {"hooks.example.test": ["127.0.0.1"]})
    monkeypatch.setattr(webhooks, "is_forbidden_address", lambda address: address != "127.0.0.1")
    in_process_worker.config["WEBHOOK_ALLOW_PRIVATE"] = False
    receiver = Receiver(httpserver)
    url = receiver.url.replace("127.0.0.1", "hooks.example.test")
    hook = register(client, url)
    lookups: list[str] = []

    def counted(host: str, port: int) -> list[str]:
        lookups.append(host)
        return resolve(host, port)

    monkeypatch.setattr(webhooks, "resolve_host", counted)
    with in_process_worker.app_context():
        schedule(user_id(client), "optimization.succeeded", {"id": "op-6"})
    [received] = receiver.wait_for(1)
    assert received.headers["Host"] == f"hooks.example.test:{httpserver.port}"
    assert lookups == ["hooks.example.test"]  # resolved once, and that answer was used
    verify(hook["secret"], received)


def test_schedule_is_idempotent_and_honours_event_filters(
    in_process_worker: Flask, app: Flask, client: FlaskClient, httpserver: HTTPServer
) -> None:
    receiver = Receiver(httpserver)
    everything = register(client, receiver.url)
    matches_only = register(client, receiver.url, events=["match.*"])
    exact = register(client, receiver.url, events=["optimization.succeeded"])
    bob = as_user(app, "bob@example.com")
    bobs = register(bob, receiver.url)
    with in_process_worker.app_context():
        for _ in range(2):  # the runner and the event emitter may both report the same end
            schedule(user_id(client), "optimization.succeeded", {"id": "op-7"})
        schedule(user_id(client), "match.partially_failed", {"id": "m-7"})
        schedule(uuid.uuid4(), "optimization.succeeded", {"id": "x"}, callback_url=receiver.url)

    receiver.wait_for(4)
    listed = settled(client, everything["links"]["deliveries"], count=2)
    assert [d["event_type"] for d in listed] == ["match.partially_failed", "optimization.succeeded"]
    assert [d["event_type"] for d in settled(client, exact["links"]["deliveries"])] == [
        "optimization.succeeded"
    ]
    assert [d["event_type"] for d in settled(client, matches_only["links"]["deliveries"])] == [
        "match.partially_failed"
    ]
    assert bob.get(bobs["links"]["deliveries"]).json == []
    assert len(client.get(f"{HOOKS}/deliveries").json) == 4
    time.sleep(0.3)
    assert len(receiver.got) == 4


def test_optimization_callback_url_receives_the_signed_outcome(
    client: FlaskClient,
    resume_and_job: tuple[str, str],
    httpserver: HTTPServer,
    celery_worker_process: subprocess.Popen[str],
) -> None:
    resume_id, job_id = resume_and_job
    secret = client.get(f"{HOOKS}/callback-secret").json["secret"]
    receiver = Receiver(httpserver, path="/done")
    submitted = client.post(
        "/api/v1/optimizations",
        json={"resume_id": resume_id, "job_id": job_id, "options": {"callback_url": receiver.url}},
    )
    assert submitted.status_code == 202, submitted.get_data(as_text=True)
    assert submitted.json["options"]["callback_url"] == receiver.url
    done = poll(client, submitted.headers["Location"])
    assert done["status"] == "succeeded"

    [received] = receiver.wait_for(1, timeout=30)
    payload = verify(secret, received)
    assert payload["type"] == "optimization.succeeded"
    assert payload["data"]["id"] == done["id"]
    assert payload["data"]["status"] == "succeeded"
    [delivery] = settled(client, f"{HOOKS}/deliveries")
    assert delivery["webhook_id"] is None
    assert delivery["status"] == "succeeded"
    assert delivery["message_id"] == received.headers["Webhook-Id"]


def test_match_callback_url_receives_the_signed_ranking(
    client: FlaskClient,
    resume_and_job: tuple[str, str],
    httpserver: HTTPServer,
    celery_worker_process: subprocess.Popen[str],
) -> None:
    resume_id, job_id = resume_and_job
    secret = client.get(f"{HOOKS}/callback-secret").json["secret"]
    receiver = Receiver(httpserver, path="/matched")
    submitted = client.post(
        "/api/v1/matches",
        json={"resume_id": resume_id, "job_ids": [job_id], "callback_url": receiver.url},
    )
    assert submitted.status_code == 202, submitted.get_data(as_text=True)
    done = poll(client, submitted.headers["Location"])
    assert done["status"] == "succeeded"

    [received] = receiver.wait_for(1, timeout=30)
    payload = verify(secret, received)
    assert payload["type"] == "match.succeeded"
    assert payload["data"]["id"] == done["id"]


def test_a_delivery_the_broker_refused_is_swept_up_later(
    make_app: Callable[..., Flask],
    in_process_worker: Flask,
    client: FlaskClient,
    httpserver: HTTPServer,
) -> None:
    receiver = Receiver(httpserver)
    hook = register(client, receiver.url)
    broker_down = make_app(CELERY_BROKER_URL="redis://127.0.0.1:1/0", WEBHOOK_ALLOW_PRIVATE=True)
    with broker_down.app_context():
        schedule(user_id(client), "optimization.succeeded", {"id": "lost-1"})
    [stalled] = client.get(hook["links"]["deliveries"]).json
    assert stalled["status"] == "pending" and stalled["attempt_count"] == 0
    with in_process_worker.app_context():
        assert webhooks.sweep() == 0  # not overdue yet: its message may still be on its way
        db.session.execute(
            update(WebhookDelivery).values(
                next_attempt_at=utcnow() - timedelta(seconds=webhooks.STALLED_SECONDS + 60)
            )
        )
        db.session.commit()
        assert webhooks.sweep() == 1
    [received] = receiver.wait_for(1)
    assert verify(hook["secret"], received)["data"] == {"id": "lost-1"}
    [delivered] = settled(client, hook["links"]["deliveries"])
    assert delivered["status"] == "succeeded"
