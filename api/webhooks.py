"""Webhook endpoints: register (secret shown once), list, delete, and see every delivery attempt.

Events are signed per Standard Webhooks with the endpoint's secret. One-off deliveries to an
`options.callback_url` are signed with the user's callback secret instead (one per user, made on
first use, readable and replaceable at `/api/v1/webhooks/callback-secret`).
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from flask import url_for
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from api.errors import PROBLEM_MEDIA_TYPE, ProblemSchema
from api.lookup import owned_or_404
from api.schemas import Stamped, Text, UTCDateTime
from api.security import authenticate, current_user_id
from api.webhook_urls import WebhookUrl
from models import CallbackSecret, Webhook, WebhookDelivery, db
from worker.pipeline.errors import ResumesmithError
from worker.webhooks import callback_secret, new_secret

blp = Blueprint("webhooks", __name__, url_prefix="/api/v1/webhooks", description="Webhooks")
blp.before_request(authenticate)
PROBLEM: dict[str, Any] = {"schema": ProblemSchema, "content_type": PROBLEM_MEDIA_TYPE}
MAX_WEBHOOKS = 20
"""Each event is sent once per endpoint; a cap keeps one user from multiplying our traffic."""
EVENT_PATTERN = r"^(\*|[a-z][a-z_]*\.(\*|[a-z][a-z_]*))$"


class WebhookLimitReached(ResumesmithError):
    code = "webhook_limit_reached"
    status = 409
    title = "Too many webhooks"


class WebhookIn(Schema):
    url = WebhookUrl(required=True, metadata={"description": "http(s); public addresses only"})
    events = fields.List(
        fields.String(
            validate=validate.Regexp(
                EVENT_PATTERN,
                error="Use an event type such as `optimization.succeeded`, "
                "a whole area such as `optimization.*`, or `*`.",
            )
        ),
        load_default=list,
        validate=validate.Length(max=50),
        metadata={"description": "event types to receive; empty (default) means all"},
    )
    description = Text(load_default="", validate=validate.Length(max=500))


class WebhookOut(Stamped):
    url = fields.String()
    events = fields.List(fields.String())
    description = fields.String()
    links = fields.Dict(keys=fields.String(), values=fields.String())


class WebhookCreatedOut(WebhookOut):
    secret = fields.String(
        metadata={"description": "`whsec_…` signing secret; shown only in this response"}
    )


class AttemptOut(Schema):
    number = fields.Integer()
    started_at = UTCDateTime()
    duration_ms = fields.Integer()
    response_status = fields.Integer(allow_none=True)
    response_excerpt = fields.String(allow_none=True)
    error = fields.String(
        allow_none=True,
        metadata={
            "description": "null on a 2xx; else http_error, redirect_not_followed, timeout, "
            "connection_failed: …, unresolvable or url_forbidden"
        },
    )


class DeliveryOut(Stamped):
    webhook_id = fields.UUID(allow_none=True, metadata={"description": "null for a callback_url"})
    url = fields.String()
    message_id = fields.String(metadata={"description": "the `webhook-id` header"})
    event_type = fields.String()
    status = fields.String(metadata={"description": "pending, retrying, succeeded or failed"})
    payload = fields.Dict(metadata={"description": "the body sent, `{type, timestamp, data}`"})
    attempt_count = fields.Integer()
    next_attempt_at = UTCDateTime(allow_none=True)
    finished_at = UTCDateTime(allow_none=True)
    attempts = fields.List(fields.Nested(AttemptOut))


class CallbackSecretOut(Stamped):
    secret = fields.String(metadata={"description": "signs deliveries to `options.callback_url`"})


def present(hook: Webhook) -> dict[str, Any]:
    """An endpoint as clients see it; never with its secret."""
    return {
        "id": hook.id,
        "url": hook.url,
        "events": hook.events,
        "description": hook.description,
        "created_at": hook.created_at,
        "updated_at": hook.updated_at,
        "links": {
            "self": url_for("webhooks.WebhookItem", webhook_id=hook.id),
            "deliveries": url_for("webhooks.WebhookDeliveries", webhook_id=hook.id),
        },
    }


def present_delivery(delivery: WebhookDelivery) -> dict[str, Any]:
    return {
        "id": delivery.id,
        "webhook_id": delivery.webhook_id,
        "url": delivery.url,
        "message_id": delivery.message_id,
        "event_type": delivery.event_type,
        "status": delivery.status,
        "payload": json.loads(delivery.body),
        "attempt_count": delivery.attempt_count,
        "next_attempt_at": delivery.next_attempt_at,
        "finished_at": delivery.finished_at,
        "created_at": delivery.created_at,
        "updated_at": delivery.updated_at,
        "attempts": delivery.attempts,
    }


def _page(query: Select[WebhookDelivery], pagination: Any) -> list[dict[str, Any]]:
    """One page of deliveries, newest first; the total goes into `X-Pagination`."""
    pagination.item_count = db.session.scalar(select(func.count()).select_from(query.subquery()))
    if pagination.first_item >= pagination.item_count:
        return []
    rows = db.session.scalars(
        query.order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id)
        .offset(pagination.first_item)
        .limit(pagination.page_size)
    )
    return [present_delivery(row) for row in rows]


@blp.route("")
class Webhooks(MethodView):
    @blp.arguments(WebhookIn)
    @blp.response(201, WebhookCreatedOut)
    @blp.alt_response(409, **PROBLEM, description="`webhook_limit_reached`")
    @blp.alt_response(
        422,
        **PROBLEM,
        description="Invalid fields, `webhook_url_forbidden` (a private address) or "
        "`webhook_url_unresolvable`",
    )
    def post(self, data: dict[str, Any]) -> tuple[dict[str, Any], int, dict[str, str]]:
        """Register an endpoint; its signing secret is in this response only, so store it now."""
        user_id = current_user_id()
        count = db.session.scalar(select(func.count()).where(Webhook.user_id == user_id))
        if (count or 0) >= MAX_WEBHOOKS:
            raise WebhookLimitReached(f"You can have at most {MAX_WEBHOOKS} webhooks.")
        hook = Webhook(
            user_id=user_id,
            url=data["url"],
            secret=new_secret(),
            events=list(dict.fromkeys(data["events"])),
            description=data["description"],
        )
        db.session.add(hook)
        db.session.commit()
        body = {**present(hook), "secret": hook.secret}
        return body, 201, {"Location": body["links"]["self"]}

    @blp.response(200, WebhookOut(many=True))
    def get(self) -> list[dict[str, Any]]:
        """Your endpoints, oldest first, without their secrets."""
        hooks = db.session.scalars(
            select(Webhook).where(Webhook.user_id == current_user_id()).order_by(Webhook.created_at)
        )
        return [present(hook) for hook in hooks]


@blp.route("/<uuid:webhook_id>")
class WebhookItem(MethodView):
    @blp.response(200, WebhookOut)
    def get(self, webhook_id: uuid.UUID) -> dict[str, Any]:
        """One endpoint, without its secret."""
        return present(owned_or_404(Webhook, webhook_id))

    @blp.response(204)
    def delete(self, webhook_id: uuid.UUID) -> None:
        """Remove an endpoint; its pending deliveries are dropped with it."""
        db.session.delete(owned_or_404(Webhook, webhook_id))
        db.session.commit()


@blp.route("/<uuid:webhook_id>/deliveries")
class WebhookDeliveries(MethodView):
    @blp.response(200, DeliveryOut(many=True))
    @blp.paginate()
    def get(self, webhook_id: uuid.UUID, pagination_parameters: Any) -> list[dict[str, Any]]:
        """Messages sent to this endpoint, newest first, each with every attempt."""
        hook = owned_or_404(Webhook, webhook_id)
        query = select(WebhookDelivery).where(
            WebhookDelivery.user_id == hook.user_id, WebhookDelivery.webhook_id == hook.id
        )
        return _page(query, pagination_parameters)


@blp.route("/deliveries")
class AllDeliveries(MethodView):
    @blp.response(200, DeliveryOut(many=True))
    @blp.paginate()
    def get(self, pagination_parameters: Any) -> list[dict[str, Any]]:
        """All your deliveries, to endpoints and to `callback_url`s, newest first."""
        query = select(WebhookDelivery).where(WebhookDelivery.user_id == current_user_id())
        return _page(query, pagination_parameters)


@blp.route("/callback-secret")
class CallbackSecretItem(MethodView):
    @blp.response(200, CallbackSecretOut)
    def get(self) -> CallbackSecret:
        """The secret that signs deliveries to `options.callback_url` (made on first request)."""
        return _callback_secret()

    @blp.response(200, CallbackSecretOut)
    def post(self) -> CallbackSecret:
        """Replace the callback secret; deliveries still retrying are signed with the new one."""
        row = _callback_secret()
        row.secret = new_secret()
        db.session.commit()
        return row


def _callback_secret() -> CallbackSecret:
    session: Session = db.session()
    row = callback_secret(session, current_user_id())
    db.session.commit()
    return row
