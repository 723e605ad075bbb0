"""Matches remember their callback URL, so the match's end reaches it as a signed webhook.

Revision ID: 0010_match_callbacks
Revises: 0009_batches
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_match_callbacks"
down_revision = "0009_batches"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("matches") as batch:
        batch.add_column(sa.Column("callback_url", sa.String(2048), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("matches") as batch:
        batch.drop_column("callback_url")
