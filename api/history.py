"""Listing a user's rows newest first, a page at a time (totals in `X-Pagination`), with filters.

Lists of operations carry summaries: the item's own URL has its stages, result and documents.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import url_for
from flask_smorest.pagination import PaginationParameters
from marshmallow import Schema, fields, validate
from sqlalchemy import Select, func, select
from sqlalchemy.orm import lazyload

from api.schemas import Instant, MatchSummaryOut, OptimizationSummaryOut
from models import MATCH_TERMINAL, TERMINAL, Match, Optimization, db

CREATED_AFTER_DOC = (
    "only rows created after this ISO 8601 date-time; a date alone means from its start (UTC)"
)


class CreatedQuery(Schema):
    created_after = Instant(metadata={"description": CREATED_AFTER_DOC})


class OptimizationQuery(CreatedQuery):
    status = fields.List(
        fields.String(validate=validate.OneOf(["queued", "running", *sorted(TERMINAL)])),
        metadata={"description": "only these statuses (repeat the parameter for several)"},
    )


class MatchQuery(CreatedQuery):
    status = fields.List(
        fields.String(validate=validate.OneOf(["queued", "running", *sorted(MATCH_TERMINAL)])),
        metadata={"description": "only these statuses (repeat the parameter for several)"},
    )


def page(
    model: Any,
    query: Select[Any],
    pagination: PaginationParameters,
    *,
    created_after: datetime | None = None,
    status: list[str] | None = None,
) -> list[Any]:
    """One page of `query` (already limited to the caller's rows), newest first."""
    if created_after is not None:
        query = query.where(model.created_at > created_after)
    if status:
        query = query.where(model.status.in_(status))
    pagination.item_count = db.session.scalar(select(func.count()).select_from(query.subquery()))
    if pagination.first_item >= pagination.item_count:
        return []  # past the end (also keeps absurd page numbers away from the database)
    ordered = query.order_by(model.created_at.desc(), model.id.desc())
    return list(
        db.session.scalars(
            ordered.options(lazyload("*")).offset(pagination.first_item).limit(pagination.page_size)
        )
    )


def optimization_summary(optimization: Optimization) -> dict[str, Any]:
    self_url = url_for("optimizations.OptimizationItem", optimization_id=optimization.id)
    return {
        **{
            name: getattr(optimization, name)
            for name in OptimizationSummaryOut().fields
            if name != "links"
        },
        "links": {"self": self_url, "events": self_url + "/events"},
    }


def match_summary(match: Match) -> dict[str, Any]:
    self_url = url_for("matches.MatchItemView", match_id=match.id)
    done = match.succeeded + match.failed
    return {
        **{
            name: getattr(match, name)
            for name in MatchSummaryOut().fields
            if name not in {"progress", "links"}
        },
        "progress": 100 * done // match.total if match.total else 100,
        "links": {"self": self_url, "events": self_url + "/events"},
    }
