"""Daily usage counters behind quotas; counted in Postgres so every API process agrees."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.db import Model, Timestamped


class DailyUsage(Timestamped, Model):
    __tablename__ = "daily_usage"
    __table_args__ = (UniqueConstraint("user_id", "day", "kind"),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(40))
    count: Mapped[int] = mapped_column(Integer, default=0)
