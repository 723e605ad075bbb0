"""Celery tasks: a few lines around a domain call each; ids in, nothing big on the wire."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from billiard.exceptions import TimeLimitExceeded
from celery import Task, group, shared_task
from celery.signals import task_failure
from sqlalchemy.exc import OperationalError

from worker import matching, webhooks
from worker.runner import execute_optimization, fail_unfinished

log = logging.getLogger(__name__)
OPTIMIZE = "resumesmith.pipeline.optimize"
SCORE = "resumesmith.matching.score"


# Only a lost database connection is worth retrying; pipeline errors are deterministic.
RETRY_ON_DATABASE_LOSS: dict[str, Any] = {
    "acks_late": True,
    "autoretry_for": (OperationalError,),
    "retry_backoff": True,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(
    name=OPTIMIZE,
    **RETRY_ON_DATABASE_LOSS,
    # Five offline stages take well under a second; an LLM provider can take minutes.
    soft_time_limit=240,
    time_limit=300,
)
def optimize(optimization_id: str) -> str:
    """Run the five stages of one optimization; its row, not Celery, holds the outcome."""
    return execute_optimization(uuid.UUID(optimization_id))


@shared_task(name="resumesmith.matching.fan_out", acks_late=True, soft_time_limit=60, time_limit=90)
def fan_out_match(match_id: str) -> int:
    """Start one scoring task per job of a match, as a Celery group; returns how many."""
    items = matching.pending_items(uuid.UUID(match_id))
    group(score_match_item.s(str(item)) for item in items).apply_async(queue="default")
    return len(items)


@shared_task(
    name=SCORE,
    **RETRY_ON_DATABASE_LOSS,
    soft_time_limit=30,
    time_limit=60,
)
def score_match_item(item_id: str) -> str:
    """Score one resume–job pair of a match and count it in Postgres."""
    return matching.score_item(uuid.UUID(item_id))


@task_failure.connect
def _record_task_failure(
    sender: Task | None = None,
    exception: BaseException | None = None,
    args: tuple[Any, ...] | None = None,
    **_: Any,
) -> None:
    """A hard time limit or spent retries end the task outside the runner; record it on the row."""
    if sender is None or sender.name not in {OPTIMIZE, SCORE} or not args:
        return
    if isinstance(exception, TimeLimitExceeded):
        code, detail = "timeout", "The optimization ran past its time limit and was stopped."
    else:
        code, detail = "internal_error", "The optimization could not be completed."
    try:
        with sender.flask_app.app_context():  # type: ignore[attr-defined]
            if sender.name == OPTIMIZE:
                fail_unfinished(uuid.UUID(str(args[0])), code, detail)
            else:
                matching.fail_item(uuid.UUID(str(args[0])), code, detail)
    except Exception:  # the database may be what failed; the log is all we have then
        log.exception("could not record failure of optimization %s", args[0])


@shared_task(
    name=webhooks.DELIVER,
    bind=True,
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=None,  # the delivery's own 24 h window ends it, not a count of messages
    soft_time_limit=60,
    time_limit=90,
)
def deliver_webhook(self: Task, delivery_id: str, attempt: int = 1) -> str:
    """POST one signed webhook; come back with backoff and jitter until a 2xx or the window ends."""
    follow_up = webhooks.run_delivery(uuid.UUID(delivery_id), attempt)
    if follow_up is None:
        return "done"
    raise self.retry(
        args=(delivery_id,), kwargs={"attempt": follow_up.attempt}, countdown=follow_up.countdown
    )


@shared_task(name="resumesmith.webhooks.sweep", soft_time_limit=60, time_limit=90)
def sweep_webhooks() -> int:
    """Re-queue deliveries whose message was lost (run by Celery beat every few minutes)."""
    return webhooks.sweep()
