"""Resume uploads and versions: the original file, confidence, a version history.

Revision ID: 0003_resume_versions
Revises: 0002_accounts
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003_resume_versions"
down_revision = "0002_accounts"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("resumes") as batch:
        batch.add_column(sa.Column("source_filename", sa.String(255), nullable=True))
        batch.add_column(sa.Column("source_file", sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column("confidence", JSON, nullable=False, server_default="{}"))
        batch.add_column(
            sa.Column("current_version", sa.Integer(), nullable=False, server_default="1")
        )
    with op.batch_alter_table("optimizations") as batch:
        batch.add_column(
            sa.Column("resume_version", sa.Integer(), nullable=False, server_default="1")
        )
    op.create_table(
        "resume_versions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("resume_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("origin", sa.String(20), nullable=False),
        sa.Column("profile", JSON, nullable=False),
        sa.Column("parse_warnings", JSON, nullable=False),
        sa.Column("confidence", JSON, nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_resume_versions_user_id_users", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["resume_id"],
            ["resumes.id"],
            name="fk_resume_versions_resume_id_resumes",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_resume_versions"),
        sa.UniqueConstraint("resume_id", "version", name="uq_resume_versions_resume_id_version"),
    )
    op.create_index("ix_resume_versions_user_id", "resume_versions", ["user_id"])
    op.create_index("ix_resume_versions_resume_id", "resume_versions", ["resume_id"])
    # Every existing resume gets its current profile as version 1.
    op.execute(
        "INSERT INTO resume_versions (id, created_at, updated_at, user_id, resume_id, version,"
        " origin, profile, parse_warnings, confidence)"
        " SELECT id, created_at, updated_at, user_id, id, 1, 'parsed', profile, parse_warnings,"
        " confidence FROM resumes"
    )


def downgrade() -> None:
    op.drop_table("resume_versions")
    with op.batch_alter_table("optimizations") as batch:
        batch.drop_column("resume_version")
    with op.batch_alter_table("resumes") as batch:
        batch.drop_column("current_version")
        batch.drop_column("confidence")
        batch.drop_column("source_file")
        batch.drop_column("source_filename")
