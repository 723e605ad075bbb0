"""Request and response shapes of batches (kept apart from api/schemas.py, which they reuse)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates_schema

from api.schemas import Instant, Stamped, UTCDateTime
from api.webhook_urls import WebhookUrl
from models import MAX_BATCH_ITEMS
from models.batch import BATCH_STATUSES

TOO_MANY = f"Give 1 to {MAX_BATCH_ITEMS:,} items."
OPTIONS_DOC = "optimization options (see POST /api/v1/optimizations)"


def _at_most(name: str, data: Any) -> None:
    """Refuse an oversized list before loading each of its entries."""
    if (
        isinstance(data, dict)
        and isinstance(data.get(name), list)
        and len(data[name]) > MAX_BATCH_ITEMS
    ):
        raise ValidationError(TOO_MANY, name)


def _no_callback(options: dict[str, object]) -> None:
    # One DNS-checked URL per batch: a thousand per-item URLs would be a thousand lookups
    # inside one request (and a thousand webhooks); the batch has its own `callback_url`.
    if "callback_url" in options:
        raise ValidationError(
            "Batch items cannot carry a callback_url; set the batch's `callback_url` instead."
        )


class BatchItemIn(Schema):
    resume_id = fields.UUID(required=True)
    job_id = fields.UUID(required=True)
    options = fields.Dict(
        keys=fields.String(),
        load_default=dict,
        validate=_no_callback,
        metadata={"description": f"this item's {OPTIONS_DOC}, over the batch's `options`"},
    )


class BatchCreate(Schema):
    """`items`, or one resume against many jobs (`resume_id` with `job_ids`)."""

    items = fields.List(
        fields.Nested(BatchItemIn),
        validate=validate.Length(min=1, max=MAX_BATCH_ITEMS, error=TOO_MANY),
    )
    resume_id = fields.UUID()
    job_ids = fields.List(
        fields.UUID(), validate=validate.Length(min=1, max=MAX_BATCH_ITEMS, error=TOO_MANY)
    )
    options = fields.Dict(
        keys=fields.String(),
        load_default=dict,
        validate=_no_callback,
        metadata={"description": f"{OPTIONS_DOC} for every item"},
    )
    callback_url = WebhookUrl(
        load_default=None,
        metadata={
            "description": "POSTed one signed webhook (`batch.succeeded`, `batch.partially_failed`"
            " or `batch.failed`) when the batch ends (Standard Webhooks)"
        },
    )

    @pre_load
    def _bounded(self, data: Any, **kwargs: Any) -> Any:
        _at_most("items", data)
        _at_most("job_ids", data)
        return data

    @validates_schema
    def _one_shape(self, data: dict[str, Any], **kwargs: Any) -> None:
        by_items = "items" in data
        by_jobs = "resume_id" in data or "job_ids" in data
        if by_items == by_jobs:
            raise ValidationError("Give either `items`, or `resume_id` with `job_ids`.", "_schema")
        if by_jobs:
            for name in ("resume_id", "job_ids"):
                if name not in data:
                    raise ValidationError("Missing data for required field.", name)


class BatchQuery(Schema):
    status = fields.String(validate=validate.OneOf(BATCH_STATUSES))
    created_after = Instant(metadata={"description": "ISO 8601 date or date-time, exclusive"})
    created_before = Instant(metadata={"description": "ISO 8601 date or date-time, exclusive"})


class BatchItemQuery(Schema):
    status = fields.String(
        validate=validate.OneOf(["queued", "running", "succeeded", "failed", "canceled"])
    )


class ResultsQuery(Schema):
    format = fields.String(
        load_default="jsonl",
        validate=validate.OneOf(["jsonl", "zip"]),
        metadata={"description": "jsonl: one line per item; zip: every item's PDFs"},
    )


class BatchCountsOut(Schema):
    queued = fields.Integer()
    running = fields.Integer()
    succeeded = fields.Integer()
    failed = fields.Integer()
    canceled = fields.Integer()


class BatchItemOut(Schema):
    index = fields.Integer(metadata={"description": "position in the submitted batch, from 0"})
    id = fields.UUID(metadata={"description": "the item's optimization"})
    status = fields.String()
    resume_id = fields.UUID()
    job_id = fields.UUID()
    match_score = fields.Float(allow_none=True)
    ats_score = fields.Float(allow_none=True)
    error = fields.Dict(allow_none=True)
    links = fields.Dict(keys=fields.String(), values=fields.String())


class BatchOut(Stamped):
    status = fields.String(metadata={"description": ", ".join(BATCH_STATUSES)})
    total = fields.Integer()
    counts = fields.Nested(BatchCountsOut)
    progress = fields.Integer(metadata={"description": "per cent of items finished"})
    options = fields.Dict()
    callback_url = fields.String(allow_none=True)
    items = fields.List(
        fields.Nested(BatchItemOut),
        metadata={"description": "the first items; all of them at `links.items`"},
    )
    cancel_requested_at = UTCDateTime(
        allow_none=True, metadata={"description": "when POST …/cancel asked it to stop"}
    )
    started_at = UTCDateTime(allow_none=True)
    finished_at = UTCDateTime(allow_none=True)
    links = fields.Dict(keys=fields.String(), values=fields.String())


class BatchSummaryOut(Stamped):
    status = fields.String()
    total = fields.Integer()
    counts = fields.Nested(BatchCountsOut)
    progress = fields.Integer()
    cancel_requested_at = UTCDateTime(
        allow_none=True, metadata={"description": "when POST …/cancel asked it to stop"}
    )
    started_at = UTCDateTime(allow_none=True)
    finished_at = UTCDateTime(allow_none=True)
    links = fields.Dict(keys=fields.String(), values=fields.String())
