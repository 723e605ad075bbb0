"""Uploaded resumes and the structured profile parsed from them."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.db import Model, Timestamped


class Resume(Timestamped, Model):
    __tablename__ = "resumes"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    source_format: Mapped[str] = mapped_column(String(20))
    source_text: Mapped[str | None] = mapped_column(Text)
    profile: Mapped[dict[str, Any]]
    parse_warnings: Mapped[list[Any]] = mapped_column(default=list)
