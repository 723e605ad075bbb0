"""Accounting of language-model calls, and which generator wrote each document.

Revision ID: 0005_ai_calls
Revises: 0004_matches
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0005_ai_calls"
down_revision = "0004_matches"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "ai_calls",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("optimization_id", sa.Uuid(), nullable=True),
        sa.Column("provider", sa.String(40), nullable=False),
        sa.Column("model", sa.String(120), nullable=False),
        sa.Column("prompt_version", sa.String(40), nullable=False),
        sa.Column("input_tokens", sa.Integer(), nullable=False),
        sa.Column("output_tokens", sa.Integer(), nullable=False),
        sa.Column("cost_usd", sa.Numeric(12, 6), nullable=False),
        sa.Column("latency_ms", sa.Integer(), nullable=False),
        sa.Column("cache_hit", sa.Boolean(), nullable=False),
        sa.Column("outcome", sa.String(40), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_ai_calls_user_id_users", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["optimization_id"],
            ["optimizations.id"],
            name="fk_ai_calls_optimization_id_optimizations",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_ai_calls"),
    )
    op.create_index("ix_ai_calls_user_id_created_at", "ai_calls", ["user_id", "created_at"])
    op.create_index("ix_ai_calls_optimization_id", "ai_calls", ["optimization_id"])
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("generator", JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("generator")
    op.drop_table("ai_calls")
