"""Job postings a user wants to apply to."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.db import Model, Timestamped


class Job(Timestamped, Model):
    __tablename__ = "jobs"
    # A user's history, newest first.
    __table_args__ = (Index("ix_jobs_user_id_created_at", "user_id", "created_at"),)

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(300), default="")
    company: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text)
    analysis: Mapped[dict[str, Any] | None]
    warnings: Mapped[list[Any]] = mapped_column(default=list)
    """What was removed from the pasted posting (hidden text, lines addressed to an AI)."""
