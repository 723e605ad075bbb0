"""Counting a batch's items as they end, in Postgres.

An item is an optimization. When it reaches an end state, one conditional UPDATE flips its
`batch_counted` flag, and only that flip increments the batch's counter, so a re-delivered task
or a late failure signal can never count twice. The increment locks the batch row until the
item's transaction commits, so the items finishing last are serialised: exactly one of them sees
no unfinished item left and sets the batch's final status.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence

from sqlalchemy import case, event, exists, func, select, update
from sqlalchemy.orm import Session

from api.errors import problem_object
from models import TERMINAL, Batch, Optimization, OptimizationStage, db
from models.batch import final_status
from models.db import utcnow
from worker.events import emit

log = logging.getLogger(__name__)
COUNTERS = {"succeeded": Batch.succeeded, "failed": Batch.failed, "canceled": Batch.canceled}
PENDING = "resumesmith.finished_batches"
"""Key in `Session.info` of the batches a transaction ended, announced after it commits."""


def item_finished(optimization: Optimization) -> None:
    """Count a batch item's end state on its batch; call it before the commit that ends the item.

    Runs in a savepoint: a bookkeeping error is logged and never fails the item itself.
    """
    if optimization.batch_id is None or optimization.status not in COUNTERS:
        return
    try:
        with db.session.begin_nested():
            _count(optimization.id, optimization.batch_id, optimization.status)
    except Exception:
        db.session().info.pop(PENDING, None)  # nothing was recorded, so nothing to announce
        log.exception("could not count item %s on batch %s", optimization.id, optimization.batch_id)


def _count(optimization_id: uuid.UUID, batch_id: uuid.UUID, status: str) -> None:
    flipped = db.session.execute(
        update(Optimization)
        .where(Optimization.id == optimization_id, Optimization.batch_counted.is_(False))
        .values(batch_counted=True)
        .returning(Optimization.id)
        .execution_options(synchronize_session=False)
    ).first()
    if flipped is None:
        return  # counted by an earlier delivery
    _increment(batch_id, {status: 1})


def _increment(batch_id: uuid.UUID, counts: dict[str, int]) -> None:
    """Add end states to the batch's counters; finish the batch if nothing is left to run."""
    now = utcnow()
    first_start = (
        select(func.min(Optimization.started_at))
        .where(Optimization.batch_id == batch_id)
        .scalar_subquery()
    )
    totals = db.session.execute(
        update(Batch)
        .where(Batch.id == batch_id)
        .values(
            **{name: column + counts.get(name, 0) for name, column in COUNTERS.items()},
            status=case((Batch.status == "queued", "running"), else_=Batch.status),
            started_at=func.coalesce(Batch.started_at, first_start, now),
            updated_at=now,
        )
        .returning(
            Batch.succeeded, Batch.failed, Batch.canceled, Batch.total, Batch.cancel_requested_at
        )
        .execution_options(synchronize_session=False)
    ).first()
    if totals is None:
        return  # the batch was deleted
    succeeded, failed, canceled, total, cancel_requested_at = totals
    if succeeded + failed + canceled >= total or not _unfinished(batch_id):
        ended = final_status(
            succeeded, failed, canceled, cancel_requested=cancel_requested_at is not None
        )
        _finish(batch_id, ended)


def _unfinished(batch_id: uuid.UUID) -> bool:
    """Whether any item still has to run (items vanish when their resume or job is deleted)."""
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    Optimization.batch_id == batch_id, Optimization.status.not_in(TERMINAL)
                )
            )
        )
    )


def _finish(batch_id: uuid.UUID, status: str) -> None:
    finished = db.session.execute(
        update(Batch)
        .where(Batch.id == batch_id, Batch.finished_at.is_(None))
        .values(status=status, finished_at=utcnow())
        .returning(
            Batch.user_id,
            Batch.callback_url,
            Batch.total,
            Batch.succeeded,
            Batch.failed,
            Batch.canceled,
        )
        .execution_options(synchronize_session=False)
    ).first()
    if finished is not None:
        user_id, callback_url, total, succeeded, failed, canceled = finished
        data = {
            "id": str(batch_id),
            "status": status,
            "total": total,
            "counts": {"succeeded": succeeded, "failed": failed, "canceled": canceled},
            "progress": 100,
            "links": _links(batch_id),
        }
        # Told once the transaction that ended the batch has committed (see _announce).
        db.session().info.setdefault(PENDING, []).append((user_id, callback_url, data))


def _links(batch_id: uuid.UUID) -> dict[str, str]:
    self_url = f"/api/v1/batches/{batch_id}"
    return {
        "self": self_url,
        "results": self_url + "/results",
        "zip": self_url + "/results?format=zip",
    }


@event.listens_for(Session, "after_commit")
def _announce(session: Session) -> None:
    """The `batch.<status>` event (and its webhooks) for each batch this commit ended."""
    for user_id, callback_url, data in session.info.pop(PENDING, []):
        emit(
            "batch",
            uuid.UUID(data["id"]),
            data["status"],
            data,
            user_id=user_id,
            callback_url=callback_url,
        )


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(PENDING, None)


def fail_items(batch_id: uuid.UUID, item_ids: Sequence[uuid.UUID], code: str, detail: str) -> int:
    """Fail items that will never run (e.g. the broker refused them) and count them; no commit."""
    if not item_ids:
        return 0
    failed = db.session.execute(
        update(Optimization)
        .where(
            Optimization.id.in_(item_ids),
            Optimization.batch_counted.is_(False),
            Optimization.status.not_in(TERMINAL),
        )
        .values(
            status="failed",
            error=problem_object(code, detail, status=503),
            finished_at=utcnow(),
            batch_counted=True,
            updated_at=utcnow(),
        )
        .returning(Optimization.id)
        .execution_options(synchronize_session=False)
    ).all()
    if failed:
        _increment(batch_id, {"failed": len(failed)})
    return len(failed)


def settle(batch: Batch) -> None:
    """Finish a batch whose last unfinished items were deleted rather than run; commits."""
    if batch.is_terminal or _unfinished(batch.id):
        return
    locked = db.session.scalar(
        select(Batch)
        .where(Batch.id == batch.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if locked is not None and not locked.is_terminal and not _unfinished(batch.id):
        if locked.started_at is None:
            locked.started_at = utcnow()
        ended = final_status(
            locked.succeeded,
            locked.failed,
            locked.canceled,
            cancel_requested=locked.cancel_requested_at is not None,
        )
        _finish(locked.id, ended)
    db.session.commit()
    db.session.refresh(batch)


def cancel(batch_id: uuid.UUID) -> list[uuid.UUID]:
    """Stop a batch: items still queued are canceled now (their ids are returned), running ones
    at their next stage boundary (the runner reads `cancel_requested_at`). Commits.

    Item rows are locked before the batch row, the order a finishing item takes them in, so a
    cancel and a finishing item never deadlock. A worker that picks up an item canceled here
    finds it finished and does nothing.
    """
    now = utcnow()
    db.session.execute(
        update(Optimization)
        .where(
            Optimization.batch_id == batch_id,
            Optimization.status.not_in(TERMINAL),
            Optimization.cancel_requested_at.is_(None),
        )
        .values(cancel_requested_at=now)
        .execution_options(synchronize_session=False)
    )
    canceled = list(
        db.session.scalars(
            update(Optimization)
            .where(
                Optimization.batch_id == batch_id,
                Optimization.status == "queued",
                Optimization.batch_counted.is_(False),
            )
            .values(status="canceled", finished_at=now, batch_counted=True, updated_at=now)
            .returning(Optimization.id)
            .execution_options(synchronize_session=False)
        )
    )
    if canceled:
        db.session.execute(
            update(OptimizationStage)
            .where(
                OptimizationStage.optimization_id.in_(canceled),
                OptimizationStage.status == "pending",
            )
            .values(status="skipped")
            .execution_options(synchronize_session=False)
        )
    db.session.execute(
        update(Batch)
        .where(Batch.id == batch_id, Batch.cancel_requested_at.is_(None))
        .values(cancel_requested_at=now)
        .execution_options(synchronize_session=False)
    )
    if canceled:
        _increment(batch_id, {"canceled": len(canceled)})
    db.session.commit()
    return canceled
