"""Liveness and readiness probes for load balancers and orchestrators."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_smorest import Blueprint
from sqlalchemy import text

from models import db

blp = Blueprint("health", __name__, description="Health probes")


@blp.route("/healthz")
@blp.response(200)
def healthz() -> dict[str, Any]:
    """The process is up and answering."""
    return {"status": "ok"}


def _database_ok() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:
        db.session.rollback()
        return False
    return True


def _broker_ok() -> bool:
    celery = current_app.extensions["celery"]
    if celery.conf.task_always_eager:
        return True
    try:
        with celery.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=2)
    except Exception:
        return False
    return True


@blp.route("/readyz")
@blp.response(200)
@blp.alt_response(503, description="A dependency is unreachable; `checks` names it")
def readyz() -> tuple[dict[str, Any], int]:
    """The database and the broker both answer; otherwise 503 naming the failing part."""
    checks = {
        "database": "ok" if _database_ok() else "unreachable",
        "broker": "ok" if _broker_ok() else "unreachable",
    }
    ready = all(value == "ok" for value in checks.values())
    return {"status": "ok" if ready else "unavailable", "checks": checks}, 200 if ready else 503
