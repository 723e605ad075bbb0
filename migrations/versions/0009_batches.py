"""Batches of optimizations: the batch row counts its items' end states.

Revision ID: 0009_batches
Revises: 0008_webhooks
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0009_batches"
down_revision = "0008_webhooks"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "batches",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("succeeded", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("canceled", sa.Integer(), nullable=False),
        sa.Column("options", JSON, nullable=False),
        sa.Column("callback_url", sa.String(2048), nullable=True),
        sa.Column("cancel_requested_at", TS, nullable=True),
        sa.Column("started_at", TS, nullable=True),
        sa.Column("finished_at", TS, nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_batches_user_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_batches"),
    )
    op.create_index("ix_batches_user_id_created_at", "batches", ["user_id", "created_at"])
    with op.batch_alter_table("optimizations") as batch:
        batch.add_column(sa.Column("batch_id", sa.Uuid(), nullable=True))
        batch.add_column(sa.Column("batch_index", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("batch_counted", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.create_foreign_key(
            "fk_optimizations_batch_id_batches",
            "batches",
            ["batch_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch.create_index(
            "ix_optimizations_batch_id_batch_index", ["batch_id", "batch_index"], unique=True
        )


def downgrade() -> None:
    with op.batch_alter_table("optimizations") as batch:
        batch.drop_index("ix_optimizations_batch_id_batch_index")
        batch.drop_constraint("fk_optimizations_batch_id_batches", type_="foreignkey")
        batch.drop_column("batch_counted")
        batch.drop_column("batch_index")
        batch.drop_column("batch_id")
    op.drop_table("batches")
