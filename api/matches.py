"""Matches: score one resume against up to 200 jobs; the worker fans out one task per job."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from flask import Response, current_app, url_for
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select

from api import events
from api.errors import PROBLEM_MEDIA_TYPE, ProblemSchema
from api.extensions import limiter
from api.history import MatchQuery, MatchSummaryOut, match_summary, page
from api.idempotency import idempotent
from api.lookup import NotFound, owned_or_404
from api.polling import poll_response
from api.queue import broker_unavailable, publish
from api.schemas import MatchCreate, MatchOut
from api.security import authenticate, current_user_id
from models import Job, Match, MatchItem, Resume, db
from worker.events import announce_match, match_data

log = logging.getLogger(__name__)
blp = Blueprint("matches", __name__, url_prefix="/api/v1/matches", description="Scoring chains")
blp.before_request(authenticate)
PROBLEM: dict[str, Any] = {"schema": ProblemSchema, "content_type": PROBLEM_MEDIA_TYPE}


def present(match: Match) -> dict[str, Any]:
    """Progress while running; when done, jobs ranked by score with their explanations."""
    items = sorted(
        match.items,
        key=lambda item: (item.score is None, -(item.score or 0.0), item.position),
    )
    rank = 0
    shown = []
    for item in items:
        if item.status == "succeeded":
            rank += 1
        shown.append(
            {
                "job_id": item.job_id,
                "status": item.status,
                "score": item.score,
                "rank": rank if item.status == "succeeded" else None,
                "result": item.result,
                "error": item.error,
            }
        )
    done = match.succeeded + match.failed
    return {
        "id": match.id,
        "status": match.status,
        "resume_id": match.resume_id,
        "resume_version": match.resume_version,
        "total": match.total,
        "succeeded": match.succeeded,
        "failed": match.failed,
        "progress": 100 * done // match.total if match.total else 100,
        "items": shown,
        "created_at": match.created_at,
        "updated_at": match.updated_at,
        "started_at": match.started_at,
        "finished_at": match.finished_at,
        "links": {
            "self": url_for("matches.MatchItemView", match_id=match.id),
            "events": url_for("matches.MatchEvents", match_id=match.id),
        },
    }


@blp.route("")
class Matches(MethodView):
    # Each match can queue 200 tasks, so creating them has a tighter limit than reading.
    decorators = [limiter.limit(lambda: current_app.config["RATELIMIT_MATCHES"], methods=["POST"])]

    @idempotent
    @blp.arguments(MatchCreate)
    @blp.response(202, MatchOut)
    @blp.alt_response(404, **PROBLEM, description="The resume or one of the jobs is not yours")
    @blp.alt_response(422, **PROBLEM, description="More than 200 jobs, or invalid ids")
    @blp.alt_response(503, **PROBLEM, description="`broker_unavailable`: nothing was started")
    def post(self, data: dict[str, Any]) -> Response | tuple[dict[str, Any], int, dict[str, str]]:
        """Score a resume against many jobs; poll the `Location` for the ranking."""
        resume = owned_or_404(Resume, data["resume_id"])
        job_ids = list(dict.fromkeys(data["job_ids"]))  # keep order, drop repeats
        owned = set(
            db.session.scalars(
                select(Job.id).where(Job.id.in_(job_ids), Job.user_id == current_user_id())
            )
        )
        missing = [str(job_id) for job_id in job_ids if job_id not in owned]
        if missing:
            raise NotFound(f"No job with id {missing[0]}.", code="job_not_found")
        match = Match(
            user_id=current_user_id(),
            resume_id=resume.id,
            resume_version=resume.current_version,
            total=len(job_ids),
            callback_url=data.get("callback_url"),
            items=[
                MatchItem(user_id=current_user_id(), job_id=job_id, position=index)
                for index, job_id in enumerate(job_ids)
            ],
        )
        db.session.add(match)
        db.session.commit()
        announce_match(match, "queued")
        if not publish("resumesmith.matching.fan_out", match.id):
            db.session.delete(match)
            db.session.commit()
            return broker_unavailable()
        body = present(match)
        return body, 202, {"Location": body["links"]["self"]}

    @blp.arguments(MatchQuery, location="query")
    @blp.response(200, MatchSummaryOut(many=True))
    @blp.paginate()
    def get(self, query: dict[str, Any], pagination_parameters: Any) -> list[dict[str, Any]]:
        """Your matches, newest first, filtered by `status` and `created_after`
        (`page`, `page_size`; totals in `X-Pagination`)."""
        owned = select(Match).where(Match.user_id == current_user_id())
        return [match_summary(row) for row in page(Match, owned, pagination_parameters, **query)]


@blp.route("/<uuid:match_id>")
class MatchItemView(MethodView):
    @blp.response(200, MatchOut)
    def get(self, match_id: uuid.UUID) -> Response | tuple[dict[str, Any], int, dict[str, str]]:
        """Poll a match: progress, then the ranking with each job's explanation."""
        match = owned_or_404(Match, match_id)
        return poll_response(MatchOut(), present(match), terminal=match.is_terminal)


@blp.route("/<uuid:match_id>/events")
class MatchEvents(MethodView):
    @blp.doc(**events.STREAM_DOC)
    @blp.alt_response(404, **PROBLEM, description="Not your match, or it is gone")
    @blp.alt_response(503, **PROBLEM, description="`events_unavailable` or `too_many_streams`")
    def get(self, match_id: uuid.UUID) -> Response:
        """Follow a match as server-sent events (`queued`, `progress` per job scored, then
        `succeeded`, `partially_failed` or `failed`)."""
        owned_or_404(Match, match_id)
        load = events.row_loader(Match, match_id, match_data)
        return events.stream("match", match_id, load=load)
