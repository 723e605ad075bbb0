"""The shell around scoring one resume against many jobs.

Each job is scored by its own task. An item moves from `pending` to one end state exactly once
(a conditional UPDATE), and only that transition bumps the match's counters, so a re-delivered
task can never count twice. The match finishes when its counters add up to its total.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import lazyload

from api.errors import problem_object
from models import Job, Match, MatchItem, db
from models.db import utcnow
from models.resume import resume_version
from worker import percentiles
from worker.events import emit, match_counts_data
from worker.pipeline import analysis, scoring
from worker.pipeline.errors import ResumesmithError
from worker.pipeline.skills import default_vocabulary
from worker.pipeline.types import JobAnalysis, JobPosting

log = logging.getLogger(__name__)
TOP_LINES = 5


def pending_items(match_id: uuid.UUID) -> list[uuid.UUID]:
    """Items still to score; marks the match running."""
    db.session.execute(
        update(Match)
        .where(Match.id == match_id, Match.status == "queued")
        .values(status="running", started_at=utcnow())
    )
    db.session.commit()
    return list(
        db.session.scalars(
            select(MatchItem.id).where(
                MatchItem.match_id == match_id, MatchItem.status == "pending"
            )
        )
    )


def _stored_analysis(stored: dict[str, Any] | None) -> JobAnalysis | None:
    """The job's saved analysis (so POST /jobs/{id}/analysis decides what matches use)."""
    if not stored:
        return None
    try:
        return JobAnalysis.from_dict(stored)
    except (TypeError, KeyError, ValueError):
        return None  # saved by an older version: analyse again


def _score(item: MatchItem, match: Match) -> dict[str, Any]:
    version = resume_version(match.resume_id, match.resume_version)
    job = db.session.get(Job, item.job_id)
    if version is None or job is None:
        raise ResumesmithError("The resume or job was deleted.", code="source_deleted")
    vocabulary = default_vocabulary()
    job_analysis = _stored_analysis(job.analysis)
    if job_analysis is None:
        posting = JobPosting(description=job.description, title=job.title, company=job.company)
        job_analysis = analysis.analyse_job(posting, vocabulary=vocabulary)
    result = scoring.score_profile(version.profile, job_analysis, vocabulary=vocabulary)
    summary = result.to_dict()
    summary["ranked_lines"] = summary["ranked_lines"][:TOP_LINES]
    family = percentiles.job_family(job_analysis.title or job.title)
    summary["job"] = {
        "id": str(job.id),
        "title": job_analysis.title,
        "company": job.company,
        "family": family,
    }
    secret = str(current_app.config["SECRET_KEY"])
    percentiles.record(
        family, result.score, subject=percentiles.subject_key(match.resume_id, secret)
    )
    summary["percentile"] = percentiles.percentile(family, result.score)
    return summary


def score_item(item_id: uuid.UUID) -> str:
    """Score one job of a match and count it; returns the item's end state."""
    item = db.session.get(MatchItem, item_id)
    if item is None:
        return "missing"
    if item.status != "pending":
        return item.status
    match = db.session.get(Match, item.match_id)
    assert match is not None  # the foreign key cascades deletes
    values: dict[str, Any]
    try:
        summary = _score(item, match)
        values = {"status": "succeeded", "score": summary["score"], "result": summary}
    except ResumesmithError as error:
        db.session.rollback()
        values = {"status": "failed", "error": problem_object(error.code, error.detail)}
    except Exception:
        log.exception("scoring match item %s failed", item_id)
        db.session.rollback()
        values = {
            "status": "failed",
            "error": problem_object("internal_error", "Scoring this job failed; it was logged."),
        }
    counted = _finish(item_id, match.id, values)
    db.session.commit()
    _announce(counted, user_id=item.user_id)
    return str(values["status"])


def fail_item(item_id: uuid.UUID, code: str, detail: str) -> None:
    """Record a task that died outside `score_item` (hard time limit, spent retries)."""
    item = db.session.get(MatchItem, item_id)
    if item is not None and item.status == "pending":
        counted = _finish(
            item_id, item.match_id, {"status": "failed", "error": problem_object(code, detail)}
        )
        db.session.commit()
        _announce(counted, user_id=item.user_id)


def _finish(
    item_id: uuid.UUID, match_id: uuid.UUID, values: dict[str, Any]
) -> tuple[str, dict[str, Any]] | None:
    """Move the item to its end state once, and only then count it on the match.

    Returns the event to announce once committed: `progress`, or the match's end state.
    """
    moved = db.session.execute(
        update(MatchItem)
        .where(MatchItem.id == item_id, MatchItem.status == "pending")
        .values(**values, updated_at=utcnow())
        .returning(MatchItem.id)
    ).first()
    if moved is not None:
        ok = values["status"] == "succeeded"
        counts = db.session.execute(
            update(Match)
            .where(Match.id == match_id)
            .values(
                succeeded=Match.succeeded + (1 if ok else 0),
                failed=Match.failed + (0 if ok else 1),
                updated_at=utcnow(),
            )
            .returning(Match.succeeded, Match.failed, Match.total)
        ).one()
        succeeded, failed, total = counts
        event, status = "progress", "running"
        if succeeded + failed >= total:
            final = (
                "succeeded" if failed == 0 else "failed" if succeeded == 0 else "partially_failed"
            )
            ended = db.session.execute(
                update(Match)
                .where(Match.id == match_id, Match.finished_at.is_(None))
                .values(status=final, finished_at=utcnow())
                .returning(Match.id)
            ).first()
            if ended is not None:
                event = status = final
        data = match_counts_data(
            match_id, status=status, total=total, succeeded=succeeded, failed=failed
        )
        return event, data
    return None


def _announce(counted: tuple[str, dict[str, Any]] | None, *, user_id: uuid.UUID) -> None:
    if counted is None:
        return
    event, data = counted
    match_id = uuid.UUID(data["id"])
    callback_url = None
    if event != "progress":  # the end: the match's own callback URL is told too, if it has one
        match = db.session.scalar(select(Match).where(Match.id == match_id).options(lazyload("*")))
        callback_url = match.callback_url if match is not None else None
    emit("match", match_id, event, data, user_id=user_id, callback_url=callback_url)
