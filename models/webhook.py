"""Webhooks: the user's endpoints, each message to deliver, and every attempt at delivering it."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.db import Model, Timestamped

DELIVERY_TERMINAL = frozenset({"succeeded", "failed"})


class Webhook(Timestamped, Model):
    """An endpoint that receives the user's events; `secret` signs them (Standard Webhooks)."""

    __tablename__ = "webhooks"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    url: Mapped[str] = mapped_column(String(2048))
    # Kept in clear: signing needs it. It is shown to the user once, when the endpoint is made.
    secret: Mapped[str] = mapped_column(String(100))
    events: Mapped[list[Any]] = mapped_column(default=list)
    """Event types to send (`optimization.succeeded`, or `optimization.*`); empty means all."""
    description: Mapped[str] = mapped_column(String(500), default="")


class CallbackSecret(Timestamped, Model):
    """The secret that signs one-off `options.callback_url` deliveries; one per user."""

    __tablename__ = "webhook_callback_secrets"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), unique=True
    )
    secret: Mapped[str] = mapped_column(String(100))


class WebhookDelivery(Timestamped, Model):
    """One message to one URL; its `message_id` is the `webhook-id` header on every attempt."""

    __tablename__ = "webhook_deliveries"
    # A second `schedule` of the same event for the same target is a no-op, so two callers (the
    # runner and the event emitter) cannot make a receiver see one event twice.
    __table_args__ = (UniqueConstraint("user_id", "event_key", "target"),)

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    # Null for an `options.callback_url` delivery, which is signed with the callback secret.
    webhook_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("webhooks.id", ondelete="CASCADE"), index=True
    )
    target: Mapped[str] = mapped_column(String(60))
    """`webhook:<id>` or `callback`: with `event_key`, what makes a delivery unique."""
    url: Mapped[str] = mapped_column(String(2048))
    message_id: Mapped[str] = mapped_column(String(40), unique=True)
    event_type: Mapped[str] = mapped_column(String(100))
    event_key: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    """The JSON payload exactly as signed and sent: the same bytes on every attempt."""
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempt_count: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    attempts: Mapped[list[WebhookAttempt]] = relationship(
        order_by="WebhookAttempt.number", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def is_terminal(self) -> bool:
        return self.status in DELIVERY_TERMINAL


class WebhookAttempt(Timestamped, Model):
    """One POST of a delivery: when, how long, and what the receiver answered (or what failed)."""

    __tablename__ = "webhook_attempts"
    __table_args__ = (UniqueConstraint("delivery_id", "number"),)

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    delivery_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime]
    duration_ms: Mapped[int] = mapped_column(Integer)
    response_status: Mapped[int | None] = mapped_column(Integer)
    response_excerpt: Mapped[str | None] = mapped_column(String(500))
    error: Mapped[str | None] = mapped_column(String(300))
    """Why no 2xx was had: `timeout`, `connection_failed`, `redirect_not_followed`, … or null."""
