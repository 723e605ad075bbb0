"""Batches: up to 1,000 optimizations submitted at once. Each item IS an optimization row.

Completion is counted here with conditional UPDATEs (see `worker/batches.py`), never in Redis.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.db import Model, Timestamped

BATCH_STATUSES = ("queued", "running", "succeeded", "partially_failed", "failed", "canceled")
BATCH_TERMINAL = frozenset({"succeeded", "partially_failed", "failed", "canceled"})
MAX_BATCH_ITEMS = 1000


class Batch(Timestamped, Model):
    __tablename__ = "batches"
    # History is listed per user, newest first.
    __table_args__ = (Index("ix_batches_user_id_created_at", "user_id", "created_at"),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(20), default="queued")
    total: Mapped[int] = mapped_column(Integer)
    # End states counted once per item; queued and running are read from the items themselves.
    succeeded: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    canceled: Mapped[int] = mapped_column(Integer, default=0)
    options: Mapped[dict[str, Any]] = mapped_column(default=dict)
    """Defaults every item started with (each item's own options are on its optimization)."""
    callback_url: Mapped[str | None] = mapped_column(String(2048))
    cancel_requested_at: Mapped[datetime | None]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    @property
    def is_terminal(self) -> bool:
        return self.status in BATCH_TERMINAL

    @property
    def done(self) -> int:
        return self.succeeded + self.failed + self.canceled


def final_status(succeeded: int, failed: int, canceled: int, *, cancel_requested: bool) -> str:
    """How a batch ends once no item is left to run."""
    if failed == 0 and canceled == 0 and succeeded > 0:
        return "succeeded"
    if cancel_requested:
        return "canceled"  # whatever had finished before the user stopped it
    if succeeded == 0:
        return "failed" if failed or not canceled else "canceled"
    return "partially_failed"
