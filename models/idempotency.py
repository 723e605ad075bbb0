"""Idempotency keys: one row per (user, key) holds the first request's fingerprint and response."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.db import Model, Timestamped

IN_FLIGHT = "in_flight"
DONE = "done"


class IdempotencyKey(Timestamped, Model):
    """A claimed key: `in_flight` while its request runs, then `done` with the stored response."""

    __tablename__ = "idempotency_keys"
    # The unique pair is what makes the claim atomic: two racing requests insert, one wins.
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(255))
    fingerprint: Mapped[str] = mapped_column(String(64))
    """SHA-256 (hex) over method, path, query, media type and body of the first request."""
    method: Mapped[str] = mapped_column(String(10))
    path: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default=IN_FLIGHT)
    response_status: Mapped[int | None] = mapped_column(Integer)
    response_headers: Mapped[dict[str, Any] | None]
    response_body: Mapped[bytes | None] = mapped_column(LargeBinary)
    expires_at: Mapped[datetime] = mapped_column(index=True)
