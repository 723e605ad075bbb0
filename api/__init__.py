"""The HTTP API: a thin synchronous layer that stores requests and hands work to Celery."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from api import (
    admin,
    api_keys,
    auth,
    batches,
    commands,
    documents,
    health,
    jobs,
    matches,
    optimizations,
    providers,
    resumes,
    templates,
    usage,
    webhooks,
)
from api.config import settings_from_env
from api.errors import ProblemApi, register_error_handlers
from api.extensions import cors, db, limiter, migrate
from api.schemas import ResumeCreate, UploadSchema
from api.security import init_security
from worker.app import celery_init_app

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the API; the worker builds the same app so tasks share config and DB setup."""
    app = Flask(__name__)
    app.config.update(settings_from_env())
    app.config.update(config or {})
    _ensure_sqlite_directory(app.config["SQLALCHEMY_DATABASE_URI"])
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # A database host that drops packets must not hang /readyz or a request for minutes.
        options = app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
        options.setdefault("connect_args", {}).setdefault("connect_timeout", 5)
    app.config.setdefault("API_SPEC_OPTIONS", {"security": [{"bearerAuth": []}, {"apiKey": []}]})
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR))
    init_security(app)
    limiter.init_app(app)
    if app.config["CORS_ORIGINS"]:
        # Bearer tokens, not cookies: credentials are never allowed cross-origin.
        cors.init_app(
            app,
            origins=app.config["CORS_ORIGINS"],
            supports_credentials=False,
            expose_headers=[
                "Location",
                "Retry-After",
                "ETag",
                "X-Request-ID",
                "Idempotent-Replayed",
            ],
        )
    api = ProblemApi(app)  # one per app: the spec is built from this app's blueprints
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    )
    api.spec.components.security_scheme(
        "apiKey", {"type": "apiKey", "in": "header", "name": "X-API-Key"}
    )
    api.spec.components.schema("ResumeCreate", schema=ResumeCreate)
    api.spec.components.schema("UploadSchema", schema=UploadSchema)
    celery_init_app(app)
    register_error_handlers(app)
    for module in (
        health,
        auth,
        resumes,
        jobs,
        optimizations,
        matches,
        documents,
        api_keys,
        admin,
        providers,
        templates,
    ):
        api.register_blueprint(module.blp)
    api.register_blueprint(auth.me_blp)
    api.register_blueprint(usage.blp)
    api.register_blueprint(batches.blp)
    api.register_blueprint(webhooks.blp)
    limiter.exempt(health.blp)
    app.register_blueprint(commands.bp)
    return app


def _ensure_sqlite_directory(uri: str) -> None:
    """The embedded database lives in ./var/ by default; create the folder on first run."""
    if uri.startswith("sqlite:///") and uri != "sqlite:///:memory:":
        Path(uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
