"""Matches counted in the database, posting warnings on jobs, anonymous score aggregates.

Revision ID: 0004_matches
Revises: 0003_resume_versions
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004_matches"
down_revision = "0003_resume_versions"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TS = sa.DateTime(timezone=True)


def _stamps() -> list[sa.Column]:
    return [
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
    ]


def upgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("warnings", JSON, nullable=False, server_default="[]"))
    op.create_table(
        "matches",
        *_stamps(),
        sa.Column("resume_id", sa.Uuid(), nullable=False),
        sa.Column("resume_version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("succeeded", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("started_at", TS, nullable=True),
        sa.Column("finished_at", TS, nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_matches_user_id_users", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["resume_id"], ["resumes.id"], name="fk_matches_resume_id_resumes", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_matches"),
    )
    op.create_index("ix_matches_user_id", "matches", ["user_id"])
    op.create_table(
        "match_items",
        *_stamps(),
        sa.Column("match_id", sa.Uuid(), nullable=False),
        sa.Column("job_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("result", JSON, nullable=True),
        sa.Column("error", JSON, nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_match_items_user_id_users", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["match_id"], ["matches.id"], name="fk_match_items_match_id_matches", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["job_id"], ["jobs.id"], name="fk_match_items_job_id_jobs", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_match_items"),
        sa.UniqueConstraint("match_id", "job_id", name="uq_match_items_match_id_job_id"),
    )
    op.create_index("ix_match_items_user_id", "match_items", ["user_id"])
    op.create_table(
        "score_aggregates",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("family", sa.String(120), nullable=False),
        sa.Column("bucket", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_score_aggregates"),
        sa.UniqueConstraint("family", "bucket", name="uq_score_aggregates_family_bucket"),
    )
    op.create_table(
        "score_samples",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("family", sa.String(120), nullable=False),
        sa.Column("subject", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_score_samples"),
        sa.UniqueConstraint("family", "subject", name="uq_score_samples_family_subject"),
    )
    op.create_index("ix_match_items_match_id", "match_items", ["match_id"])


def downgrade() -> None:
    op.drop_table("score_samples")
    op.drop_table("score_aggregates")
    op.drop_table("match_items")
    op.drop_table("matches")
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("warnings")
