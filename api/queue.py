"""Handing work to Celery from a request: publish only ids, and never leave work that won't run."""

from __future__ import annotations

import logging
import uuid

from flask import Response, current_app
from kombu.exceptions import OperationalError as BrokerError

from api.errors import problem

log = logging.getLogger(__name__)


def publish(task_name: str, row_id: uuid.UUID, *, queue: str = "default") -> bool:
    """Send `task_name(row_id)` to `queue`; False when the broker would not take it.

    The task's id is the row's id, so the task can be revoked knowing only the row.
    """
    try:
        current_app.extensions["celery"].send_task(
            task_name, args=[str(row_id)], queue=queue, task_id=str(row_id)
        )
    except (BrokerError, OSError) as error:
        log.error("broker refused %s for %s: %s", task_name, row_id, type(error).__name__)
        return False
    except Exception:  # anything else still must not leave a queued row that will never run
        log.exception("publishing %s for %s failed", task_name, row_id)
        return False
    return True


def revoke(row_id: uuid.UUID) -> None:
    """Ask workers to drop the queued task published for `row_id`; best effort, as the worker
    also checks the row before running anything."""
    try:
        current_app.extensions["celery"].control.revoke(str(row_id))
    except Exception as error:  # the row is already canceled; a missed revoke only costs a no-op
        log.warning("could not revoke the task of %s: %s", row_id, type(error).__name__)


def broker_unavailable() -> Response:
    """The 503 a client gets when nothing was started because the queue is down."""
    return problem(
        503,
        "broker_unavailable",
        "The task queue is unavailable, so nothing was started. Try again shortly.",
        headers={"Retry-After": "10"},
    )
