"""Every language-model call is a row; a user sees the sums of their own rows, no one else's."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from models import AICallRecord, Document, Optimization, db, record_calls
from models.db import utcnow
from tests.conftest import as_user
from tests.test_api import assert_problem
from worker.pipeline.types import AICall

PROMPT = "tailor.v1"
# One tailoring run that hit a rate limit, retried, then fell back to a cached answer elsewhere.
RUN = [
    AICall("openai", "gpt-4o-mini", PROMPT, latency_ms=120, outcome="llm_rate_limited"),
    AICall("openai", "gpt-4o-mini", PROMPT, 1800, 600, 0.00063, 900, attempt=2),
    AICall("openai", "gpt-4o-mini", PROMPT, 1900, 0, 0.000285, 1500, outcome="llm_timeout"),
    AICall("anthropic", "claude-haiku-4-5", PROMPT, 1700, 500, 0.0, 4, cache_hit=True),
]


def _user_id(client: FlaskClient) -> uuid.UUID:
    return uuid.UUID(client.tokens["user_id"])  # type: ignore[attr-defined]


def _optimization(client: FlaskClient, resume_and_job: tuple[str, str]) -> uuid.UUID:
    """A stored optimization of the client's own (no worker needed: nothing runs it)."""
    resume_id, job_id = resume_and_job
    optimization = Optimization.new(
        user_id=_user_id(client),
        resume_id=uuid.UUID(resume_id),
        job_id=uuid.UUID(job_id),
        options={"provider": "openai"},
    )
    db.session.add(optimization)
    db.session.commit()
    return optimization.id


def _record(
    user_id: uuid.UUID,
    calls: list[AICall],
    *,
    optimization_id: uuid.UUID | None = None,
    at: datetime | None = None,
) -> None:
    record_calls(user_id, optimization_id, calls)
    if at is not None:
        for row in db.session.new:
            if isinstance(row, AICallRecord):
                row.created_at = at
    db.session.commit()


def test_calls_are_summed_per_provider_and_model(
    app: Flask, client: FlaskClient, resume_and_job: tuple[str, str]
) -> None:
    with app.app_context():
        optimization_id = _optimization(client, resume_and_job)
        _record(_user_id(client), RUN, optimization_id=optimization_id)
        _record(_user_id(client), [AICall("local", "offline-1", PROMPT, 50, 40, latency_ms=2)])

    response = client.get("/api/v1/me/usage")

    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.json
    assert body["totals"] == {
        "calls": 5,
        "cache_hits": 1,
        "failures": 2,
        "input_tokens": 5450,
        "output_tokens": 1140,
        "cost_usd": 0.000915,
        # Over the four calls that reached a provider: 2, 120, 900, 1500.
        "latency_ms_median": 510,
    }
    assert body["by_provider"] == [
        {
            "provider": "anthropic",
            "model": "claude-haiku-4-5",
            "calls": 1,
            "cache_hits": 1,
            "failures": 0,
            "input_tokens": 1700,
            "output_tokens": 500,
            "cost_usd": 0.0,
        },
        {
            "provider": "local",
            "model": "offline-1",
            "calls": 1,
            "cache_hits": 0,
            "failures": 0,
            "input_tokens": 50,
            "output_tokens": 40,
            "cost_usd": 0.0,
        },
        {
            "provider": "openai",
            "model": "gpt-4o-mini",
            "calls": 3,
            "cache_hits": 0,
            "failures": 2,
            "input_tokens": 3700,
            "output_tokens": 600,
            "cost_usd": 0.000915,
        },
    ]


def test_each_call_is_stored_with_its_prompt_version_and_outcome(
    app: Flask, client: FlaskClient, resume_and_job: tuple[str, str]
) -> None:
    with app.app_context():
        optimization_id = _optimization(client, resume_and_job)
        _record(_user_id(client), RUN, optimization_id=optimization_id)
        rows = db.session.scalars(
            select(AICallRecord).order_by(AICallRecord.latency_ms.desc())
        ).all()

        assert [(row.outcome, row.attempt) for row in rows] == [
            ("llm_timeout", 1),
            ("ok", 2),
            ("llm_rate_limited", 1),
            ("ok", 1),
        ]
        assert {row.prompt_version for row in rows} == {PROMPT}
        assert {row.optimization_id for row in rows} == {optimization_id}
        assert rows[1].cost_usd == Decimal("0.000630")  # exact, not 0.00062999…


def test_deleting_an_optimization_keeps_what_it_cost(
    app: Flask, client: FlaskClient, resume_and_job: tuple[str, str]
) -> None:
    with app.app_context():
        optimization_id = _optimization(client, resume_and_job)
        _record(_user_id(client), RUN, optimization_id=optimization_id)
        db.session.delete(db.session.get(Optimization, optimization_id))
        db.session.commit()
        db.session.expire_all()

        rows = db.session.scalars(select(AICallRecord)).all()
        assert len(rows) == len(RUN)
        assert {row.optimization_id for row in rows} == {None}
    assert client.get("/api/v1/me/usage").json["totals"]["calls"] == len(RUN)


def test_default_window_is_the_last_thirty_days(app: Flask, client: FlaskClient) -> None:
    user_id = _user_id(client)
    with app.app_context():
        _record(user_id, RUN[1:2], at=utcnow() - timedelta(days=29))
        _record(user_id, RUN[2:3], at=utcnow() - timedelta(days=31))

    body = client.get("/api/v1/me/usage").json

    assert body["totals"]["calls"] == 1
    assert body["totals"]["failures"] == 0
    since = datetime.fromisoformat(body["since"])
    until = datetime.fromisoformat(body["until"])
    assert until - since == timedelta(days=30)
    assert abs(until - utcnow()) < timedelta(minutes=1)
    assert body["until"].endswith("Z")


def test_since_and_until_bound_the_window(app: Flask, client: FlaskClient) -> None:
    user_id = _user_id(client)
    with app.app_context():
        _record(user_id, RUN[0:1], at=datetime(2026, 1, 1, 0, 0, tzinfo=UTC))
        _record(user_id, RUN[1:2], at=datetime(2026, 1, 15, 12, 0, tzinfo=UTC))
        _record(user_id, RUN[2:3], at=datetime(2026, 1, 31, 23, 30, tzinfo=UTC))
        _record(user_id, RUN[3:4], at=datetime(2026, 2, 1, 0, 0, tzinfo=UTC))

    def calls(query: str) -> int:
        response = client.get(f"/api/v1/me/usage?{query}")
        assert response.status_code == 200, response.get_data(as_text=True)
        return int(response.json["totals"]["calls"])

    # A date alone for `until` includes that whole day; `since` is inclusive, `until` exclusive.
    assert calls("since=2026-01-01&until=2026-01-31") == 3
    assert calls("since=2026-01-02&until=2026-02-01") == 3
    assert calls("since=2026-01-15T12:00:00Z&until=2026-02-01T00:00:00Z") == 2
    # Offsets are honoured: 13:00+01:00 is 12:00Z, so the noon call is still in.
    assert calls("since=2026-01-15T13:00:00%2B01:00&until=2026-01-16") == 1
    # A naive time is UTC.
    assert calls("since=2026-01-15T12:00:01&until=2026-01-16") == 0
    body = client.get("/api/v1/me/usage?since=2026-01-01&until=2026-01-31").json
    assert body["since"] == "2026-01-01T00:00:00.000Z"
    assert body["until"] == "2026-02-01T00:00:00.000Z"


def test_a_user_never_sees_another_users_calls(app: Flask, client: FlaskClient) -> None:
    bob = as_user(app, "bob@example.com")
    with app.app_context():
        _record(_user_id(client), RUN)
        _record(_user_id(bob), [AICall("openai", "gpt-4o", PROMPT, 10, 10, 0.000125, 300)])

    alice_view = client.get("/api/v1/me/usage").json
    bob_view = bob.get("/api/v1/me/usage").json

    assert alice_view["totals"]["calls"] == len(RUN)
    assert {g["model"] for g in alice_view["by_provider"]} == {"gpt-4o-mini", "claude-haiku-4-5"}
    assert bob_view["totals"]["calls"] == 1
    assert bob_view["totals"]["cost_usd"] == 0.000125
    assert [g["model"] for g in bob_view["by_provider"]] == ["gpt-4o"]


def test_no_calls_is_all_zeros(client: FlaskClient) -> None:
    body = client.get("/api/v1/me/usage").json

    assert body["by_provider"] == []
    assert body["totals"] == {
        "calls": 0,
        "cache_hits": 0,
        "failures": 0,
        "input_tokens": 0,
        "output_tokens": 0,
        "cost_usd": 0.0,
        "latency_ms_median": None,
    }


def test_usage_requires_authentication(anon: FlaskClient) -> None:
    assert_problem(anon.get("/api/v1/me/usage"), 401, "unauthorized")


@pytest.mark.parametrize(
    "query",
    [
        "since=yesterday",
        "since=2026-02-30",
        "until=2026-01-01T25:00:00Z",
        "since=2026-02-01&until=2026-01-31",
        "since=2026-01-31T00:00:00Z&until=2026-01-31T00:00:00Z",
    ],
)
def test_bad_window_is_a_validation_problem(client: FlaskClient, query: str) -> None:
    body = assert_problem(client.get(f"/api/v1/me/usage?{query}"), 422, "validation_failed")

    field = query.split("=", 1)[0]
    assert any(name.endswith(field) for name in body["errors"]), body["errors"]


def test_documents_say_which_generator_wrote_them(
    app: Flask, client: FlaskClient, resume_and_job: tuple[str, str]
) -> None:
    generator = {
        "provider": "anthropic",
        "model": "claude-haiku-4-5",
        "prompt_version": PROMPT,
        "language": "en",
        "fallbacks": [{"provider": "openai", "code": "llm_rate_limited"}],
        "notes": [],
    }
    with app.app_context():
        optimization_id = _optimization(client, resume_and_job)
        optimization = db.session.get(Optimization, optimization_id)
        assert optimization is not None
        optimization.status = "succeeded"
        content = b"%PDF-1.7 stand-in"
        db.session.add(
            Document(
                user_id=optimization.user_id,
                optimization_id=optimization_id,
                kind="resume",
                format="pdf",
                media_type="application/pdf",
                filename="resume.pdf",
                sha256=hashlib.sha256(content).hexdigest(),
                size=len(content),
                content=content,
                generator=generator,
            )
        )
        db.session.commit()

    body = client.get(f"/api/v1/optimizations/{optimization_id}").json

    assert body["result"]["documents"][0]["generator"] == generator
