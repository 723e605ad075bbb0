"""Daily quotas by role, counted atomically in the database."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from api.config import QUOTA_UNLIMITED
from models import DailyUsage, User, db
from worker.pipeline.errors import ResumesmithError


class QuotaExceeded(ResumesmithError):
    code = "quota_exceeded"
    status = 429
    title = "Quota exceeded"


def limit_for(user: User) -> int:
    return int(current_app.config["QUOTAS"].get(user.role, 0))


def _today() -> datetime:
    return datetime.now(UTC)


def seconds_until_reset() -> int:
    now = _today()
    tomorrow = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(int((tomorrow - now).total_seconds()), 1)


def used_today(user: User, kind: str = "optimization") -> int:
    row = db.session.query(DailyUsage.count).filter_by(
        user_id=user.id, day=_today().date(), kind=kind
    )
    return int(row.scalar() or 0)


def consume(user: User, kind: str = "optimization", *, amount: int = 1) -> None:
    """Count `amount` units for today in the current transaction, or raise 429 when they do not
    fit in what is left of the quota (a batch takes all of its items or none).

    One `INSERT … ON CONFLICT DO UPDATE … RETURNING` is atomic, so two concurrent submits cannot
    both take the last unit.
    """
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    now = datetime.now(UTC)
    statement = (
        insert(DailyUsage)
        .values(
            user_id=user.id, day=now.date(), kind=kind, count=amount, created_at=now, updated_at=now
        )
        .on_conflict_do_update(
            index_elements=["user_id", "day", "kind"],
            set_={"count": DailyUsage.count + amount, "updated_at": now},
        )
        .returning(DailyUsage.count)
    )
    count = db.session.execute(statement.values(id=uuid.uuid4())).scalar_one()
    limit = limit_for(user)
    if limit != QUOTA_UNLIMITED and count > limit:
        db.session.rollback()
        left = max(limit - (count - amount), 0)
        error = QuotaExceeded(
            f"Your daily quota of {limit} {kind}s is spent; it resets at midnight UTC."
            if amount == 1 or left == 0
            else f"This needs {amount} {kind}s but {left} of your daily quota of {limit} "
            "are left; it resets at midnight UTC.",
        )
        error.headers = {"Retry-After": str(seconds_until_reset())}
        raise error


def refund(user_id: object, kind: str = "optimization", *, amount: int = 1) -> None:
    """Give units back when the work they paid for never started (e.g. the broker was down)."""
    db.session.execute(
        update(DailyUsage)
        .where(
            DailyUsage.user_id == user_id,
            DailyUsage.day == _today().date(),
            DailyUsage.kind == kind,
            DailyUsage.count >= amount,
        )
        .values(count=DailyUsage.count - amount)
    )
