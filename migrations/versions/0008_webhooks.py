"""Webhook endpoints, the callback secret, deliveries and their attempts.

Revision ID: 0008_webhooks
Revises: 0007_operations
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0008_webhooks"
down_revision = "0007_operations"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TS = sa.DateTime(timezone=True)


def _owned(table: str) -> list[sa.Column | sa.Constraint]:
    """Key, audit times and owner, as every user's row has them."""
    return [
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=f"fk_{table}_user_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=f"pk_{table}"),
    ]


def upgrade() -> None:
    op.create_table(
        "webhooks",
        *_owned("webhooks"),
        sa.Column("url", sa.String(2048), nullable=False),
        sa.Column("secret", sa.String(100), nullable=False),
        sa.Column("events", JSON, nullable=False),
        sa.Column("description", sa.String(500), nullable=False),
    )
    op.create_index("ix_webhooks_user_id", "webhooks", ["user_id"])
    op.create_table(
        "webhook_callback_secrets",
        *_owned("webhook_callback_secrets"),
        sa.Column("secret", sa.String(100), nullable=False),
        sa.UniqueConstraint("user_id", name="uq_webhook_callback_secrets_user_id"),
    )
    op.create_table(
        "webhook_deliveries",
        *_owned("webhook_deliveries"),
        sa.Column("webhook_id", sa.Uuid(), nullable=True),
        sa.Column("target", sa.String(60), nullable=False),
        sa.Column("url", sa.String(2048), nullable=False),
        sa.Column("message_id", sa.String(40), nullable=False),
        sa.Column("event_type", sa.String(100), nullable=False),
        sa.Column("event_key", sa.String(200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempt_count", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", TS, nullable=True),
        sa.Column("finished_at", TS, nullable=True),
        sa.ForeignKeyConstraint(
            ["webhook_id"],
            ["webhooks.id"],
            name="fk_webhook_deliveries_webhook_id_webhooks",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("message_id", name="uq_webhook_deliveries_message_id"),
        sa.UniqueConstraint(
            "user_id",
            "event_key",
            "target",
            name="uq_webhook_deliveries_user_id_event_key_target",
        ),
    )
    op.create_index("ix_webhook_deliveries_user_id", "webhook_deliveries", ["user_id"])
    op.create_index("ix_webhook_deliveries_webhook_id", "webhook_deliveries", ["webhook_id"])
    op.create_table(
        "webhook_attempts",
        *_owned("webhook_attempts"),
        sa.Column("delivery_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("response_status", sa.Integer(), nullable=True),
        sa.Column("response_excerpt", sa.String(500), nullable=True),
        sa.Column("error", sa.String(300), nullable=True),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            ["webhook_deliveries.id"],
            name="fk_webhook_attempts_delivery_id_webhook_deliveries",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("delivery_id", "number", name="uq_webhook_attempts_delivery_id_number"),
    )
    op.create_index("ix_webhook_attempts_user_id", "webhook_attempts", ["user_id"])
    op.create_index("ix_webhook_attempts_delivery_id", "webhook_attempts", ["delivery_id"])


def downgrade() -> None:
    op.drop_table("webhook_attempts")
    op.drop_table("webhook_deliveries")
    op.drop_table("webhook_callback_secrets")
    op.drop_table("webhooks")
