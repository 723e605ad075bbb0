"""Optimizations: long-running operations that tailor one resume to one job."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from flask import Response, url_for
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select

from api import events, quotas
from api.errors import PROBLEM_MEDIA_TYPE, ProblemSchema
from api.history import OptimizationQuery, OptimizationSummaryOut, optimization_summary, page
from api.idempotency import idempotent
from api.lookup import owned_or_404
from api.polling import poll_response
from api.providers import require_available
from api.queue import broker_unavailable, publish, revoke
from api.schemas import OptimizationCreate, OptimizationOut
from api.security import authenticate, current_user, current_user_id
from models import Job, Optimization, Resume, db
from worker.cancel import request_cancel
from worker.events import announce_optimization, optimization_data

log = logging.getLogger(__name__)
blp = Blueprint(
    "optimizations", __name__, url_prefix="/api/v1/optimizations", description="Tailoring runs"
)
blp.before_request(authenticate)
TASK_NAME = "resumesmith.pipeline.optimize"
PROBLEM: dict[str, Any] = {"schema": ProblemSchema, "content_type": PROBLEM_MEDIA_TYPE}


def present(optimization: Optimization) -> dict[str, Any]:
    """The operation as clients see it: status, stage timings, scores and document links."""
    self_url = url_for("optimizations.OptimizationItem", optimization_id=optimization.id)
    result = None
    if optimization.status == "succeeded":
        result = {
            **(optimization.result or {}),
            "match_score": optimization.match_score,
            "ats_score": optimization.ats_score,
            "documents": [
                {
                    "id": doc.id,
                    "kind": doc.kind,
                    "format": doc.format,
                    "media_type": doc.media_type,
                    "filename": doc.filename,
                    "size": doc.size,
                    "sha256": doc.sha256,
                    "url": url_for("documents.document_content", document_id=doc.id),
                    "generator": doc.generator,
                }
                for doc in optimization.documents
            ],
        }
    return {
        "id": optimization.id,
        "status": optimization.status,
        "stage": optimization.stage,
        "progress": optimization.progress,
        "resume_id": optimization.resume_id,
        "resume_version": optimization.resume_version,
        "job_id": optimization.job_id,
        "options": optimization.options,
        "stages": optimization.stages,
        "result": result,
        "error": optimization.error,
        "created_at": optimization.created_at,
        "updated_at": optimization.updated_at,
        "started_at": optimization.started_at,
        "finished_at": optimization.finished_at,
        "cancel_requested_at": optimization.cancel_requested_at,
        "links": {
            "self": self_url,
            "events": self_url + "/events",
            "cancel": self_url + "/cancel",
        },
    }


@blp.route("")
class Optimizations(MethodView):
    @idempotent
    @blp.arguments(OptimizationCreate)
    @blp.response(202, OptimizationOut)
    @blp.alt_response(404, **PROBLEM, description="The resume or job is not yours, or is gone")
    @blp.alt_response(422, **PROBLEM, description="Invalid fields, or `provider_unavailable`")
    @blp.alt_response(429, **PROBLEM, description="`quota_exceeded` or `rate_limited`")
    @blp.alt_response(503, **PROBLEM, description="`broker_unavailable`: nothing was started")
    def post(self, data: dict[str, Any]) -> Response | tuple[dict[str, Any], int, dict[str, str]]:
        """Start tailoring a resume to a job; poll the `Location` until it finishes."""
        resume = owned_or_404(Resume, data["resume_id"])
        job = owned_or_404(Job, data["job_id"])
        options = dict(data["options"])
        options["provider"] = require_available(options.get("provider"))
        quotas.consume(current_user())
        optimization = Optimization.new(
            user_id=current_user_id(),
            resume_id=resume.id,
            resume_version=resume.current_version,
            job_id=job.id,
            options=options,
        )
        db.session.add(optimization)
        # Commit before publishing: a fast worker must find the row it is told to run.
        db.session.commit()
        announce_optimization(optimization, "queued")  # before a fast worker's first stage
        if not publish(TASK_NAME, optimization.id):
            db.session.delete(optimization)
            quotas.refund(optimization.user_id)
            db.session.commit()
            return broker_unavailable()
        body = present(optimization)
        return body, 202, {"Location": body["links"]["self"]}

    @blp.arguments(OptimizationQuery, location="query")
    @blp.response(200, OptimizationSummaryOut(many=True))
    @blp.paginate()
    def get(self, query: dict[str, Any], pagination_parameters: Any) -> list[dict[str, Any]]:
        """Your optimizations, newest first, filtered by `status` and `created_after`
        (`page`, `page_size`; totals in `X-Pagination`)."""
        owned = select(Optimization).where(Optimization.user_id == current_user_id())
        rows = page(Optimization, owned, pagination_parameters, **query)
        return [optimization_summary(row) for row in rows]


@blp.route("/<uuid:optimization_id>")
class OptimizationItem(MethodView):
    @blp.response(200, OptimizationOut)
    def get(
        self, optimization_id: uuid.UUID
    ) -> Response | tuple[dict[str, Any], int, dict[str, str]]:
        """Poll an optimization; `Retry-After` says when to ask again while it runs."""
        optimization = owned_or_404(Optimization, optimization_id)
        return poll_response(
            OptimizationOut(), present(optimization), terminal=optimization.is_terminal
        )


@blp.route("/<uuid:optimization_id>/events")
class OptimizationEvents(MethodView):
    @blp.doc(**events.STREAM_DOC)
    @blp.alt_response(404, **PROBLEM, description="Not your optimization, or it is gone")
    @blp.alt_response(503, **PROBLEM, description="`events_unavailable` or `too_many_streams`")
    def get(self, optimization_id: uuid.UUID) -> Response:
        """Follow an optimization as server-sent events (`queued`, `stage_started`,
        `stage_finished`, `progress`, then `succeeded`, `failed` or `canceled`)."""
        owned_or_404(Optimization, optimization_id)
        load = events.row_loader(Optimization, optimization_id, optimization_data)
        return events.stream("optimization", optimization_id, load=load)


@blp.route("/<uuid:optimization_id>/cancel")
class OptimizationCancel(MethodView):
    @blp.response(200, OptimizationOut, description="Canceled, now or before")
    @blp.alt_response(202, schema=OptimizationOut, description="Stops at the next stage boundary")
    @blp.alt_response(404, **PROBLEM, description="Not your optimization, or it is gone")
    @blp.alt_response(409, **PROBLEM, description="`operation_finished`: it succeeded or failed")
    def post(
        self, optimization_id: uuid.UUID
    ) -> tuple[dict[str, Any], int] | tuple[dict[str, Any], int, dict[str, str]]:
        """Cancel an optimization: at once while queued, at the next stage boundary while it runs
        (`202`; poll or follow its events). Canceling again answers the same."""
        optimization = owned_or_404(Optimization, optimization_id)
        if request_cancel(optimization.id) == "canceled":
            revoke(optimization.id)
        body = present(optimization)
        if optimization.is_terminal:
            return body, 200
        return body, 202, {"Location": body["links"]["self"]}
