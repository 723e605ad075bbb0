"""Celery tasks: a few lines around a domain call each; ids in, nothing big on the wire."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from billiard.exceptions import TimeLimitExceeded
from celery import Task, shared_task
from celery.signals import task_failure
from sqlalchemy.exc import OperationalError

from worker.runner import execute_optimization, fail_unfinished

log = logging.getLogger(__name__)
OPTIMIZE = "resumesmith.pipeline.optimize"


@shared_task(
    name=OPTIMIZE,
    acks_late=True,
    # Only a lost database connection is worth retrying; pipeline errors are deterministic.
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
    # Five offline stages take well under a second; an LLM provider can take minutes.
    soft_time_limit=240,
    time_limit=300,
)
def optimize(optimization_id: str) -> str:
    """Run the five stages of one optimization; its row, not Celery, holds the outcome."""
    return execute_optimization(uuid.UUID(optimization_id))


@task_failure.connect
def _record_task_failure(
    sender: Task | None = None,
    exception: BaseException | None = None,
    args: tuple[Any, ...] | None = None,
    **_: Any,
) -> None:
    """A hard time limit or spent retries end the task outside the runner; record it on the row."""
    if sender is None or sender.name != OPTIMIZE or not args:
        return
    if isinstance(exception, TimeLimitExceeded):
        code, detail = "timeout", "The optimization ran past its time limit and was stopped."
    else:
        code, detail = "internal_error", "The optimization could not be completed."
    try:
        with sender.flask_app.app_context():  # type: ignore[attr-defined]
            fail_unfinished(uuid.UUID(str(args[0])), code, detail)
    except Exception:  # the database may be what failed; the log is all we have then
        log.exception("could not record failure of optimization %s", args[0])
