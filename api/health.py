"""Liveness and readiness probes for load balancers and orchestrators."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app
from flask_smorest import Blueprint
from sqlalchemy import text

from api.errors import PROBLEM_MEDIA_TYPE, ProblemSchema, problem
from api.schemas import HealthOut
from models import db

blp = Blueprint("health", __name__, description="Health probes")


PUBLIC: list[dict[str, list[str]]] = [{}]  # OpenAPI: no credentials needed


@blp.route("/healthz")
@blp.doc(security=PUBLIC)
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
    try:
        with celery.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=2)
    except Exception:
        return False
    return True


@blp.route("/readyz")
@blp.doc(security=PUBLIC)
@blp.response(200, HealthOut)
@blp.alt_response(
    503,
    schema=ProblemSchema,
    content_type=PROBLEM_MEDIA_TYPE,
    description="A dependency is unreachable; the problem's `checks` member names it",
)
def readyz() -> dict[str, Any] | Response:
    """The database and the broker both answer; otherwise a 503 problem naming the failing part."""
    checks = {
        "database": "ok" if _database_ok() else "unreachable",
        "broker": "ok" if _broker_ok() else "unreachable",
    }
    failing = [name for name, value in checks.items() if value != "ok"]
    if failing:
        return problem(
            503,
            "not_ready",
            f"Unreachable: {', '.join(failing)}.",
            headers={"Retry-After": "5"},
            extra={"checks": checks},
        )
    return {"status": "ok", "checks": checks}
