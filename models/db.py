"""The one place that makes database sessions: Flask-SQLAlchemy over typed SQLAlchemy 2.0 models."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, registry

# JSONB on Postgres (indexable, compact); plain JSON on the embedded SQLite database.
JSONType = sa.JSON().with_variant(JSONB(), "postgresql")

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    # The type map lives on the registry: Flask-SQLAlchemy subclasses this base, and SQLAlchemy
    # 2.1 refuses a per-class map next to an inherited registry.
    registry = registry(
        metadata=sa.MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={
            dict[str, Any]: JSONType,
            list[Any]: JSONType,
            datetime: sa.DateTime(timezone=True),
        },
    )


class Timestamped:
    """UUID key and audit times that every stored row carries."""

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


db = SQLAlchemy(model_class=Base)

# Models subclass `Model`; type checkers see the typed declarative base behind it.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model


@sa.event.listens_for(sa.engine.Engine, "connect")
def _sqlite_foreign_keys(dbapi_connection: Any, _record: Any) -> None:
    """SQLite ignores ON DELETE CASCADE unless asked; deleting a resume must delete its data."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
