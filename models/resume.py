"""Uploaded resumes, their original file, and every version of the structured profile."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import (
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.db import Model, Timestamped, db


class Resume(Timestamped, Model):
    """The current version's profile is kept on the row itself, so reads need no join."""

    __tablename__ = "resumes"
    # A user's history, newest first.
    __table_args__ = (Index("ix_resumes_user_id_created_at", "user_id", "created_at"),)

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    source_format: Mapped[str] = mapped_column(String(20))
    source_text: Mapped[str | None] = mapped_column(Text)
    source_filename: Mapped[str | None] = mapped_column(String(255))
    source_file: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    profile: Mapped[dict[str, Any]]
    parse_warnings: Mapped[list[Any]] = mapped_column(default=list)
    confidence: Mapped[dict[str, Any]] = mapped_column(default=dict)
    current_version: Mapped[int] = mapped_column(Integer, default=1)

    @classmethod
    def new(
        cls,
        *,
        user_id: uuid.UUID,
        profile: dict[str, Any],
        warnings: list[str],
        confidence: dict[str, float],
        **source: Any,
    ) -> Resume:
        """A resume whose parsed profile is recorded as version 1; added to the session."""
        resume = cls(id=uuid.uuid4(), user_id=user_id, current_version=0, **source)
        db.session.add(resume)
        resume.save_version(
            profile=profile, warnings=warnings, confidence=confidence, origin="parsed"
        )
        return resume

    def save_version(
        self,
        *,
        profile: dict[str, Any],
        warnings: list[str],
        confidence: dict[str, float],
        origin: str,
    ) -> ResumeVersion:
        """Make `profile` the current version and keep it in the history."""
        self.current_version += 1
        self.profile, self.parse_warnings, self.confidence = profile, warnings, confidence
        version = ResumeVersion(
            user_id=self.user_id,
            resume_id=self.id,
            version=self.current_version,
            origin=origin,
            profile=profile,
            parse_warnings=warnings,
            confidence=confidence,
        )
        db.session.add(version)
        return version


def resume_version(resume_id: uuid.UUID, version: int) -> ResumeVersion | None:
    """The profile version an optimization or match was submitted with."""
    return db.session.scalar(
        select(ResumeVersion).where(
            ResumeVersion.resume_id == resume_id, ResumeVersion.version == version
        )
    )


class ResumeVersion(Timestamped, Model):
    """One saved state of a profile: version 1 is what the parser read, later ones are edits."""

    __tablename__ = "resume_versions"
    __table_args__ = (UniqueConstraint("resume_id", "version"),)

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    resume_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("resumes.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    origin: Mapped[str] = mapped_column(String(20))
    """`parsed` (from the upload) or `edited` (saved by the user)."""
    profile: Mapped[dict[str, Any]]
    parse_warnings: Mapped[list[Any]] = mapped_column(default=list)
    confidence: Mapped[dict[str, Any]] = mapped_column(default=dict)
