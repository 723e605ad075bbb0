"""Accounts: password hashes, API keys, daily usage counters, owners on stage rows.

Revision ID: 0002_accounts
Revises: 0001_initial
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_accounts"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("password_hash", sa.String(255), nullable=True))
        batch.add_column(
            sa.Column("is_active", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch.add_column(sa.Column("last_login_at", TS, nullable=True))
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("last_used_at", TS, nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_api_keys_user_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_api_keys"),
        sa.UniqueConstraint("prefix", name="uq_api_keys_prefix"),
    )
    op.create_index("ix_api_keys_user_id", "api_keys", ["user_id"])
    op.create_table(
        "daily_usage",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_daily_usage_user_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_daily_usage"),
        sa.UniqueConstraint("user_id", "day", "kind", name="uq_daily_usage_user_id_day_kind"),
    )

    # Stage rows get their owner like every other row (backfilled from their optimization).
    with op.batch_alter_table("optimization_stages") as batch:
        batch.add_column(sa.Column("user_id", sa.Uuid(), nullable=True))
    op.execute(
        "UPDATE optimization_stages SET user_id = (SELECT user_id FROM optimizations"
        " WHERE optimizations.id = optimization_stages.optimization_id)"
    )
    with op.batch_alter_table("optimization_stages") as batch:
        batch.alter_column("user_id", existing_type=sa.Uuid(), nullable=False)
        batch.create_foreign_key(
            "fk_optimization_stages_user_id_users", "users", ["user_id"], ["id"], ondelete="CASCADE"
        )
        batch.create_index("ix_optimization_stages_user_id", ["user_id"])


def downgrade() -> None:
    with op.batch_alter_table("optimization_stages") as batch:
        batch.drop_index("ix_optimization_stages_user_id")
        batch.drop_constraint("fk_optimization_stages_user_id_users", type_="foreignkey")
        batch.drop_column("user_id")
    op.drop_table("daily_usage")
    op.drop_table("api_keys")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("last_login_at")
        batch.drop_column("is_active")
        batch.drop_column("password_hash")
