"""Canceling optimizations, and indexes for each user's history, newest first.

Revision ID: 0007_operations
Revises: 0006_idempotency
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_operations"
down_revision = "0006_idempotency"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
HISTORY = ("optimizations", "matches", "jobs", "resumes")


def upgrade() -> None:
    with op.batch_alter_table("optimizations") as batch:
        batch.add_column(sa.Column("cancel_requested_at", TS, nullable=True))
    for table in HISTORY:
        op.create_index(f"ix_{table}_user_id_created_at", table, ["user_id", "created_at"])


def downgrade() -> None:
    for table in HISTORY:
        op.drop_index(f"ix_{table}_user_id_created_at", table_name=table)
    with op.batch_alter_table("optimizations") as batch:
        batch.drop_column("cancel_requested_at")
