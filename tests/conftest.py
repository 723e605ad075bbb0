"""Fixtures on real services: Postgres for data, Redis as the broker, Celery worker processes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from pytest_httpserver import HTTPServer
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from api import create_app
from models import db
from worker.pipeline.llm import KEY_PREFIX, RedisStore
from worker.pipeline.providers import llm_settings_from_env

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/resumesmith_test"
)
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
# Rate-limit counters and revoked tokens: their own Redis database, emptied before every test.
AUTH_REDIS_URL = os.environ.get("TEST_AUTH_REDIS_URL", REDIS_URL.rsplit("/", 1)[0] + "/13")
TABLES = (
    "ai_calls, match_items, matches, documents, optimization_stages, optimizations, batches,"
    " jobs,"
    " resume_versions, resumes, api_keys, score_aggregates, score_samples,"
    " webhook_attempts, webhook_deliveries, webhooks, webhook_callback_secrets,"
    " daily_usage, idempotency_keys, users"
)
PASSWORD = "correct horse battery staple"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# One local server plays OpenAI, Anthropic and Ollama for the whole run; the worker process is
# started pointing at it, so end-to-end runs reach the same stub as in-process tests.
LLM_STUB_URL = f"http://127.0.0.1:{_free_port()}"
LLM_ENV = {
    "OPENAI_API_KEY": "sk-test-openai",
    "OPENAI_BASE_URL": LLM_STUB_URL + "/v1",
    "ANTHROPIC_API_KEY": "sk-ant-test",
    "ANTHROPIC_BASE_URL": LLM_STUB_URL,
    "OLLAMA_BASE_URL": LLM_STUB_URL + "/ollama/v1",
    "LLM_TIMEOUT_SECONDS": "5",
    "OLLAMA_TIMEOUT_SECONDS": "5",
    "LLM_BACKOFF_SECONDS": "0.01",
    "LLM_MAX_RETRIES": "2",
}


def app_config(**overrides: Any) -> dict[str, Any]:
    """Config for an app on the test database and the test Redis database."""
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": DATABASE_URL,
        "CELERY_BROKER_URL": REDIS_URL,
        "REDIS_URL": REDIS_URL,
        "TOKEN_BLOCKLIST_URL": AUTH_REDIS_URL,
        "RATELIMIT_STORAGE_URI": AUTH_REDIS_URL,
        "LLM": llm_settings_from_env(LLM_ENV),
        "WEBHOOK_ALLOW_PRIVATE": True,  # the test receivers listen on 127.0.0.1
        **overrides,
    }


@pytest.fixture(scope="session")
def migrated() -> None:
    """Build the test schema from nothing once per run, through the real migrations."""
    app = create_app(app_config())
    with app.app_context():
        # Our own database: start from an empty schema so an edited revision is never skipped.
        db.session.execute(text("DROP SCHEMA public CASCADE"))
        db.session.execute(text("CREATE SCHEMA public"))
        db.session.commit()
        upgrade()
        db.engine.dispose()


@pytest.fixture
def app(migrated: None) -> Iterator[Flask]:
    """An API app on an emptied test database."""
    app = create_app(app_config())
    redis.Redis.from_url(AUTH_REDIS_URL).flushdb()
    with app.app_context():
        for attempt in range(10):
            try:
                db.session.execute(text(f"TRUNCATE {TABLES} CASCADE"))
                db.session.commit()
                break
            except OperationalError:  # a worker still finishing the last test's task holds locks
                db.session.rollback()
                time.sleep(0.2 * (attempt + 1))
        else:
            raise RuntimeError("could not empty the test database")
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def register(client: FlaskClient, email: str, *, password: str = PASSWORD) -> dict[str, Any]:
    """Register and log in through the API; returns the login response (tokens)."""
    created = client.post(
        "/api/v1/auth/register", json={"email": email, "password": password, "name": email}
    )
    assert created.status_code == 201, created.get_data(as_text=True)
    login = client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert login.status_code == 200, login.get_data(as_text=True)
    return {**login.json, "user_id": created.json["id"]}


def as_user(app: Flask, email: str) -> FlaskClient:
    """A test client that sends a fresh user's access token with every request."""
    client = app.test_client()
    tokens = register(client, email)
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {tokens['access_token']}"
    client.tokens = tokens  # type: ignore[attr-defined]
    return client


@pytest.fixture
def anon(app: Flask) -> FlaskClient:
    """A test client with no credentials."""
    return app.test_client()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client logged in as user A."""
    return as_user(app, "alice@example.com")


@pytest.fixture
def sample_resume_text() -> str:
    """The plain-text resume shipped for the demo."""
    return (SAMPLES / "resume.txt").read_text("utf-8")


@pytest.fixture
def sample_job_text() -> str:
    """The job posting shipped for the demo."""
    return (SAMPLES / "job.txt").read_text("utf-8")


@pytest.fixture
def resume_and_job(
    client: FlaskClient, sample_resume_text: str, sample_job_text: str
) -> tuple[str, str]:
    """Ids of the sample resume and job, created through the API."""
    resume = client.post("/api/v1/resumes", json={"text": sample_resume_text})
    job = client.post(
        "/api/v1/jobs",
        json={
            "title": "Senior Backend Engineer",
            "company": "Northwind Analytics",
            "description": sample_job_text,
        },
    )
    assert resume.status_code == 201 and job.status_code == 201
    return resume.json["id"], job.json["id"]


def poll(client: FlaskClient, url: str, *, timeout: float = 60.0) -> dict[str, Any]:
    """GET `url` until the operation is terminal; fail the test if it never gets there."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = client.get(url).json
        if body["status"] in {"succeeded", "failed", "canceled", "partially_failed"}:
            return body
        time.sleep(0.2)
    raise AssertionError(f"{url} did not finish within {timeout}s: {body}")


@pytest.fixture(scope="session")
def celery_worker_process(migrated: None) -> Iterator[subprocess.Popen[str]]:
    """A real `celery worker` process (prefork pool) on the test broker and database."""
    redis.Redis.from_url(REDIS_URL).flushdb()
    env = {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "CELERY_BROKER_URL": REDIS_URL,
        "REDIS_URL": REDIS_URL,
        **LLM_ENV,
        "WEBHOOK_ALLOW_PRIVATE": "true",
        "WEBHOOK_RETRY_BASE_SECONDS": "0.2",
    }
    log_path = ROOT / "var" / "test-worker.log"
    log_path.parent.mkdir(exist_ok=True)
    log = log_path.open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "worker.celery_app",
            "worker",
            "--loglevel=INFO",
            "--queues=default,bulk,webhooks",
            "--concurrency=2",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 60
    while "ready." not in log_path.read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("celery worker did not start:\n" + log_path.read_text())
        time.sleep(0.2)
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


@pytest.fixture
def make_app(app: Flask) -> Iterator[Callable[..., Flask]]:
    """Factory for apps with special config (a dead broker, a dead database), on a clean DB."""
    made: list[Flask] = []

    def factory(**overrides: Any) -> Flask:
        app = create_app(app_config(**overrides))
        made.append(app)
        return app

    yield factory
    for app in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


# Its own Redis database, so the session's worker process cannot take these messages.
ISOLATED_BROKER = os.environ.get("TEST_ISOLATED_BROKER_URL", REDIS_URL.rsplit("/", 1)[0] + "/14")


@pytest.fixture
def in_process_worker(app: Flask) -> Iterator[Flask]:
    """A Celery worker thread in this process, so a test can make one piece of work misbehave."""
    from celery.contrib.testing.worker import start_worker

    from worker.app import celery_init_app

    redis.Redis.from_url(ISOLATED_BROKER).flushdb()
    app.config.update(app_config(CELERY_BROKER_URL=ISOLATED_BROKER))
    celery = celery_init_app(app)
    queues = ["default", "bulk", "webhooks"]
    with start_worker(celery, pool="solo", perform_ping_check=False, queues=queues):
        yield app


@pytest.fixture(scope="session")
def make_httpserver() -> Iterator[HTTPServer]:
    """The LLM stub server (threaded: a hanging reply must not block the retry behind it)."""
    host, port = LLM_STUB_URL.removeprefix("http://").split(":")
    server = HTTPServer(host=host, port=int(port), threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()


@pytest.fixture
def llm_store() -> RedisStore:
    """The Redis store of LLM caches and circuits, emptied so no test sees another's."""
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(f"{KEY_PREFIX}:*"))
    if keys:
        client.delete(*keys)
    return RedisStore(client)
