"""Accounts. Every other row points at one, so ownership is a column, never an afterthought."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from models.db import Model, Timestamped, db

ROLES = ("user", "premium", "admin")
LOCAL_USER_ID = uuid.UUID("00000000-0000-4000-8000-000000000001")
"""Owner of what the offline CLI creates in the embedded database (it has no password)."""


class User(Timestamped, Model):
    __tablename__ = "users"

    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(20), default="user")
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_login_at: Mapped[datetime | None]


def ensure_local_user() -> User:
    """Fetch or create the single local account the offline CLI works as."""
    user = db.session.get(User, LOCAL_USER_ID)
    if user is None:
        user = User(id=LOCAL_USER_ID, email="local@resumesmith.invalid", name="Local user")
        db.session.add(user)
        db.session.flush()
    return user
