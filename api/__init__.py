"""The HTTP API: a thin synchronous layer that stores requests and hands work to Celery."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from api import documents, health, jobs, optimizations, resumes
from api.config import settings_from_env
from api.errors import ProblemApi, register_error_handlers
from api.extensions import db, migrate
from worker.app import celery_init_app

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the API; the worker builds the same app so tasks share config and DB setup."""
    app = Flask(__name__)
    app.config.update(settings_from_env())
    app.config.update(config or {})
    _ensure_sqlite_directory(app.config["SQLALCHEMY_DATABASE_URI"])
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR))
    api = ProblemApi(app)  # one per app: the spec is built from this app's blueprints
    celery_init_app(app)
    register_error_handlers(app)
    for module in (health, resumes, jobs, optimizations, documents):
        api.register_blueprint(module.blp)
    return app


def _ensure_sqlite_directory(uri: str) -> None:
    """The embedded database lives in ./var/ by default; create the folder on first run."""
    if uri.startswith("sqlite:///") and uri != "sqlite:///:memory:":
        Path(uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
