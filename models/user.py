"""Accounts. Every other row points at one, so ownership is a column, never an afterthought."""

from __future__ import annotations

import uuid

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from models.db import Model, Timestamped, db

LOCAL_USER_ID = uuid.UUID("00000000-0000-4000-8000-000000000001")
"""Owner of everything created before accounts exist (embedded mode, the demo)."""


class User(Timestamped, Model):
    __tablename__ = "users"

    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(20), default="user")


def ensure_local_user() -> User:
    """Fetch or create the single local account used until authentication lands."""
    user = db.session.get(User, LOCAL_USER_ID)
    if user is None:
        user = User(id=LOCAL_USER_ID, email="local@resumesmith.invalid", name="Local user")
        db.session.add(user)
        db.session.flush()
    return user
