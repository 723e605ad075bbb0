"""Finished files (PDFs, reports). Bytes live in Postgres next to their checksum."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.db import Model, Timestamped


class Document(Timestamped, Model):
    __tablename__ = "documents"
    # One document per kind and format per optimization: a re-run task replaces, never duplicates.
    __table_args__ = (UniqueConstraint("optimization_id", "kind", "format"),)

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    optimization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("optimizations.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    format: Mapped[str] = mapped_column(String(10))
    media_type: Mapped[str] = mapped_column(String(100))
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    generator: Mapped[dict[str, Any] | None]
    """Who wrote it: provider, model, prompt version, language (`Tailored.generator()`)."""
