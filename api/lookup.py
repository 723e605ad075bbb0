"""Loading rows the caller owns; anyone else's row is indistinguishable from a missing one."""

from __future__ import annotations

import uuid
from typing import TypeVar

from sqlalchemy import select

from api.security import current_user_id
from models import db
from worker.pipeline.errors import ResumesmithError

Row = TypeVar("Row")


class NotFound(ResumesmithError):
    code = "not_found"
    status = 404
    title = "Not found"


NOUNS = {
    "matches": "match",
    "batches": "batch",
    "api_keys": "api_key",
    "resume_versions": "resume_version",
}


def owned_or_404(model: type[Row], row_id: uuid.UUID) -> Row:
    """Fetch `model` by id for the current user, or 404 — never 403, which would leak existence."""
    query = select(model).where(
        model.id == row_id,  # type: ignore[attr-defined]
        model.user_id == current_user_id(),  # type: ignore[attr-defined]
    )
    row: Row | None = db.session.scalar(query)
    if row is None:
        table = getattr(model, "__tablename__", "resources")
        noun = NOUNS.get(table, table.removesuffix("s")).replace("_", " ")
        raise NotFound(f"No {noun} with id {row_id}.", code=f"{noun.replace(' ', '_')}_not_found")
    return row
