"""The migrations build the schema from nothing, tear it down, and build it again."""

from __future__ import annotations

import os
from collections.abc import Iterator

import psycopg
import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect
from sqlalchemy.engine import make_url

from api import create_app
from models import db
from tests.conftest import DATABASE_URL, app_config

SCRATCH = f"resumesmith_test_migrations_{os.getpid()}"  # concurrent runs must not collide


@pytest.fixture
def empty_database() -> Iterator[str]:
    """A brand-new Postgres database of our own, dropped afterwards."""
    url = make_url(DATABASE_URL)
    admin = url.set(drivername="postgresql", database="postgres").render_as_string(False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {SCRATCH} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {SCRATCH}")
    yield url.set(database=SCRATCH).render_as_string(False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {SCRATCH} WITH (FORCE)")


def test_upgrade_downgrade_upgrade_on_postgres(empty_database: str) -> None:
    app = create_app(app_config(SQLALCHEMY_DATABASE_URI=empty_database))
    expected = {"users", "resumes", "jobs", "optimizations", "optimization_stages", "documents"}
    with app.app_context():
        upgrade()
        assert expected <= set(inspect(db.engine).get_table_names())
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert expected <= set(inspect(db.engine).get_table_names())
        db.engine.dispose()


def test_models_match_the_migrations(empty_database: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    app = create_app(app_config(SQLALCHEMY_DATABASE_URI=empty_database))
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, db.metadata) == []
        db.engine.dispose()
