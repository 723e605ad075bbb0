"""Choosing a provider over HTTP, and a real worker tailoring with OpenAI (a local stub)."""

from __future__ import annotations

import subprocess
from dataclasses import replace

from flask import Flask
from flask.testing import FlaskClient
from pytest_httpserver import HTTPServer

from tests.conftest import LLM_ENV, as_user, poll
from tests.llm_stub import Script, fail, ok_openai
from worker.pipeline.llm import CircuitBreaker, RedisStore
from worker.pipeline.providers import ProviderSettings, llm_settings_from_env


def test_providers_lists_what_is_configured(client: FlaskClient) -> None:
    body = client.get("/api/v1/providers").json
    by_name = {p["name"]: p for p in body["providers"]}
    assert set(by_name) == {"local", "openai", "anthropic", "ollama"}
    assert body["default"] == "local" and by_name["local"]["default"]
    assert all(p["available"] for p in body["providers"])  # the test config sets them all
    assert by_name["openai"]["cloud"] and not by_name["ollama"]["cloud"]
    assert by_name["openai"]["model"] == "gpt-4o-mini"


def test_providers_requires_authentication(anon: FlaskClient) -> None:
    assert anon.get("/api/v1/providers").status_code == 401


def test_an_unconfigured_provider_is_refused_at_submit(
    app: Flask, resume_and_job: tuple[str, str], client: FlaskClient
) -> None:
    llm = app.config["LLM"]
    providers = dict(llm.providers)
    providers["anthropic"] = ProviderSettings("anthropic", "claude-haiku-4-5")  # no key
    app.config["LLM"] = replace(llm, providers=providers)
    listed = {p["name"]: p for p in client.get("/api/v1/providers").json["providers"]}
    assert not listed["anthropic"]["available"]
    assert listed["anthropic"]["reason"] == "set ANTHROPIC_API_KEY"
    resume_id, job_id = resume_and_job
    response = client.post(
        "/api/v1/optimizations",
        json={"resume_id": resume_id, "job_id": job_id, "options": {"provider": "anthropic"}},
    )
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert response.json["code"] == "provider_unavailable"
    assert "ANTHROPIC_API_KEY" in response.json["detail"]


def test_unknown_options_values_are_422(
    client: FlaskClient, resume_and_job: tuple[str, str]
) -> None:
    resume_id, job_id = resume_and_job
    for options in (
        {"provider": "gpt"},
        {"strength": "extreme"},
        {"tone": "angry"},
        {"language": "english"},
        {"redact_pii": "yes"},
    ):
        response = client.post(
            "/api/v1/optimizations",
            json={"resume_id": resume_id, "job_id": job_id, "options": options},
        )
        assert response.status_code == 422, options
        assert list(response.json["errors"]) == [f"options.{name}" for name in options]


def test_worker_tailors_with_openai_and_accounts_the_call(
    client: FlaskClient,
    resume_and_job: tuple[str, str],
    celery_worker_process: subprocess.Popen[str],
    httpserver: HTTPServer,
    llm_store: RedisStore,
) -> None:
    script = Script(httpserver, "/v1/chat/completions", fail(503), ok_openai())
    resume_id, job_id = resume_and_job
    response = client.post(
        "/api/v1/optimizations",
        json={
            "resume_id": resume_id,
            "job_id": job_id,
            "options": {"provider": "openai", "strength": "full", "tone": "warm"},
        },
    )
    assert response.status_code == 202
    done = poll(client, response.headers["Location"])
    assert done["status"] == "succeeded", done["error"]
    assert script.count == 2  # one 503, retried by the worker
    generator = done["result"]["generator"]
    assert generator["provider"] == "openai" and generator["prompt_version"] == "tailor.v1"
    documents = done["result"]["documents"]
    assert {d["kind"] for d in documents} >= {"resume", "cover_letter"}
    assert all(d["generator"]["prompt_version"] == "tailor.v1" for d in documents)
    usage = client.get("/api/v1/me/usage").json
    assert usage["totals"]["calls"] == 2 and usage["totals"]["failures"] == 1
    assert usage["totals"]["input_tokens"] == 900
    [row] = usage["by_provider"]
    assert row["provider"] == "openai" and row["cost_usd"] > 0


def test_when_every_provider_fails_the_optimization_fails_with_its_code(
    client: FlaskClient,
    resume_and_job: tuple[str, str],
    celery_worker_process: subprocess.Popen[str],
    httpserver: HTTPServer,
    llm_store: RedisStore,
) -> None:
    Script(httpserver, "/v1/chat/completions", fail(401))
    resume_id, job_id = resume_and_job
    response = client.post(
        "/api/v1/optimizations",
        json={"resume_id": resume_id, "job_id": job_id, "options": {"provider": "openai"}},
    )
    done = poll(client, response.headers["Location"])
    assert done["status"] == "failed"
    assert done["error"]["code"] == "llm_auth_failed"
    stages = {s["name"]: s["status"] for s in done["stages"]}
    assert stages["document_generation"] == "failed"
    # The failed call is still accounted.
    assert client.get("/api/v1/me/usage").json["totals"]["failures"] == 1
    # One 401 is not an outage: the circuit stays closed.
    settings = llm_settings_from_env(LLM_ENV)
    breaker = CircuitBreaker(llm_store, "openai", threshold=settings.circuit_threshold, cooldown=1)
    assert breaker.state == "closed"


def test_other_users_usage_is_not_visible(app: Flask, client: FlaskClient) -> None:
    other = as_user(app, "other@example.org")
    assert other.get("/api/v1/me/usage").json["totals"]["calls"] == 0
