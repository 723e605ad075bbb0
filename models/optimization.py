"""An optimization is a long-running operation; its row, not Celery, is the truth about it."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.db import Model, Timestamped

if TYPE_CHECKING:
    from models.document import Document

STAGES = (
    "job_analysis",
    "profile_scoring",
    "document_generation",
    "quality_validation",
    "pdf_export",
)
TERMINAL = frozenset({"succeeded", "failed", "canceled"})


class Optimization(Timestamped, Model):
    __tablename__ = "optimizations"
    # A batch's items in submission order; also finds them by batch (NULLs never collide).
    __table_args__ = (
        Index("ix_optimizations_batch_id_batch_index", "batch_id", "batch_index", unique=True),
        # A user's history, newest first.
        Index("ix_optimizations_user_id_created_at", "user_id", "created_at"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    resume_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("resumes.id", ondelete="CASCADE"))
    job_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"))
    resume_version: Mapped[int] = mapped_column(Integer, default=1)
    options: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(20), default="queued", index=True)
    stage: Mapped[str | None] = mapped_column(String(40))
    progress: Mapped[int] = mapped_column(Integer, default=0)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    match_score: Mapped[float | None]
    ats_score: Mapped[float | None]
    result: Mapped[dict[str, Any] | None]
    error: Mapped[dict[str, Any] | None]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    # Set by POST …/cancel; a running worker stops at the next stage boundary when it sees it.
    cancel_requested_at: Mapped[datetime | None]
    batch_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("batches.id", ondelete="CASCADE")
    )
    batch_index: Mapped[int | None] = mapped_column(Integer)
    # Flipped by the one conditional UPDATE that counts this item's end state on its batch.
    batch_counted: Mapped[bool] = mapped_column(default=False, server_default=false())

    stages: Mapped[list[OptimizationStage]] = relationship(
        order_by="OptimizationStage.position", cascade="all, delete-orphan", lazy="selectin"
    )
    documents: Mapped[list[Document]] = relationship(
        "Document", order_by="Document.created_at", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def is_terminal(self) -> bool:
        return self.status in TERMINAL

    @classmethod
    def new(
        cls,
        *,
        user_id: uuid.UUID,
        resume_id: uuid.UUID,
        job_id: uuid.UUID,
        options: dict[str, Any],
        resume_version: int = 1,
    ) -> Optimization:
        """A queued optimization with one pending row per stage."""
        return cls(
            user_id=user_id,
            resume_id=resume_id,
            resume_version=resume_version,
            job_id=job_id,
            options=options,
            stages=[
                OptimizationStage(user_id=user_id, name=name, position=index)
                for index, name in enumerate(STAGES)
            ],
        )


class OptimizationStage(Timestamped, Model):
    __tablename__ = "optimization_stages"
    __table_args__ = (UniqueConstraint("optimization_id", "name"),)

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    optimization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("optimizations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    duration_ms: Mapped[int | None] = mapped_column(Integer)
