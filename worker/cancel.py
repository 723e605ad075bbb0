"""Stopping an optimization: at once while it waits in the queue, at a stage boundary once it runs.

The API records the request on the row (`cancel_requested_at`). A queued optimization is canceled
there and then; a running one is stopped by its worker, which reads the flag before each stage
and before storing documents. Both sides lock the row while they decide, so a cancel never lands
on an optimization that has just finished, and a worker never starts one that was just canceled.
"""

from __future__ import annotations

import logging
import uuid
from typing import Literal

from sqlalchemy import select

from models import Optimization, db
from models.db import utcnow
from worker.events import announce_optimization
from worker.pipeline.errors import ResumesmithError

log = logging.getLogger(__name__)

CancelOutcome = Literal["canceled", "already_canceled", "stopping"]


class OperationCanceled(Exception):
    """Raised at a stage boundary when the user asked the optimization to stop."""


class OptimizationGone(ResumesmithError):
    code = "optimization_not_found"
    status = 404
    title = "Not found"


class OperationFinished(ResumesmithError):
    code = "operation_finished"
    status = 409
    title = "Operation finished"


def request_cancel(optimization_id: uuid.UUID) -> CancelOutcome:
    """Ask an optimization to stop: `canceled` if it had not started (and now never will),
    `already_canceled`, or `stopping` while its worker reaches the next stage boundary.

    Asking twice changes nothing. Raises `OperationFinished` once it succeeded or failed.
    """
    optimization = db.session.get(
        Optimization, optimization_id, with_for_update=True, populate_existing=True
    )
    if optimization is None:
        raise OptimizationGone(f"No optimization with id {optimization_id}.")
    if optimization.status == "canceled":
        db.session.commit()  # release the row lock
        return "already_canceled"
    if optimization.is_terminal:
        status = optimization.status
        db.session.commit()
        raise OperationFinished(f"The optimization already {status}; it cannot be canceled.")
    if optimization.status == "queued":
        mark_canceled(optimization)
        return "canceled"
    if optimization.cancel_requested_at is None:
        optimization.cancel_requested_at = utcnow()
    db.session.commit()
    return "stopping"


def cancel_requested(optimization_id: uuid.UUID) -> bool:
    """Whether the user asked this optimization to stop (read fresh from the database)."""
    requested = db.session.scalar(
        select(Optimization.cancel_requested_at).where(Optimization.id == optimization_id)
    )
    return requested is not None


def mark_canceled(optimization: Optimization) -> None:
    """End an optimization as canceled: the stages it did not run are marked skipped."""
    now = utcnow()
    optimization.status = "canceled"
    optimization.cancel_requested_at = optimization.cancel_requested_at or now
    optimization.finished_at = now
    for row in optimization.stages:
        if row.status == "pending":
            row.status = "skipped"
        elif row.status == "running":  # left behind by a worker that died mid-stage
            row.status, row.finished_at = "canceled", now
    _count_on_batch(optimization)
    db.session.commit()
    announce_optimization(optimization, "canceled")


def _count_on_batch(optimization: Optimization) -> None:
    """A batch item's end state is counted on its batch (when batches are installed)."""
    try:
        from worker.batches import item_finished
    except ModuleNotFoundError as error:
        if error.name != "worker.batches":
            raise
        return
    item_finished(optimization)
