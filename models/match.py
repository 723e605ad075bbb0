"""Matches: one resume scored against many jobs. Completion is counted here, not in Redis."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.db import Model, Timestamped

MATCH_TERMINAL = frozenset({"succeeded", "partially_failed", "failed", "canceled"})


class Match(Timestamped, Model):
    __tablename__ = "matches"
    # A user's history, newest first.
    __table_args__ = (Index("ix_matches_user_id_created_at", "user_id", "created_at"),)

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    resume_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("resumes.id", ondelete="CASCADE"))
    resume_version: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(20), default="queued")
    total: Mapped[int] = mapped_column(Integer)
    succeeded: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    callback_url: Mapped[str | None] = mapped_column(String(2048))
    """Where the signed `match.*` webhook goes at the end, besides the user's own endpoints."""

    items: Mapped[list[MatchItem]] = relationship(
        order_by="MatchItem.position", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def is_terminal(self) -> bool:
        return self.status in MATCH_TERMINAL


class MatchItem(Timestamped, Model):
    """One job's score within a match; `status` moves from pending to exactly one end state."""

    __tablename__ = "match_items"
    __table_args__ = (UniqueConstraint("match_id", "job_id"),)

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    match_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("matches.id", ondelete="CASCADE"), index=True
    )
    job_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    score: Mapped[float | None]
    result: Mapped[dict[str, Any] | None]
    error: Mapped[dict[str, Any] | None]
