"""The imperative shell around the pipeline: load rows, run the stages, record every step.

The optimization row is the source of truth. Each stage transition is committed as it happens,
so a poll shows live progress and a crash leaves a trail instead of a row stuck in `running`.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from datetime import datetime

from celery.exceptions import SoftTimeLimitExceeded
from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from api.errors import problem_object
from models import STAGES, Document, Job, Optimization, db
from models.ai_call import record_calls
from models.db import utcnow
from models.resume import resume_version
from worker.batches import item_finished
from worker.cancel import OperationCanceled, cancel_requested, mark_canceled
from worker.events import announce_optimization
from worker.pipeline.errors import ResumesmithError
from worker.pipeline.generation import GenerationFailed, LLMRuntime
from worker.pipeline.llm import RedisStore
from worker.pipeline.run import Outcome, run_pipeline
from worker.pipeline.types import JobPosting, Options

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
"""Deliveries of one optimization before we stop trusting it to finish (e.g. it kills workers)."""


def _ms(start: datetime | None, end: datetime) -> int | None:
    if start is None:
        return None
    if start.tzinfo is None:
        end = end.replace(tzinfo=None)
    return int((end - start).total_seconds() * 1000)


class StageRecorder:
    """Writes each stage's start and finish to Postgres as the pipeline reports them."""

    def __init__(self, optimization: Optimization) -> None:
        self.optimization = optimization
        self.rows = {row.name: row for row in optimization.stages}
        self.current: str | None = None

    def __call__(self, name: str, event: str) -> None:
        row = self.rows[name]
        if event == "started" and cancel_requested(self.optimization.id):
            raise OperationCanceled(name)  # a stage boundary: stop before starting the next one
        now = utcnow()
        if event == "started":
            self.current = name
            row.status, row.started_at, row.finished_at, row.duration_ms = (
                "running",
                now,
                None,
                None,
            )
            self.optimization.stage = name
        else:
            row.status, row.finished_at = "succeeded", now
            row.duration_ms = _ms(row.started_at, now)
            # The last stage's 100 % waits until the documents are stored.
            self.optimization.progress = min(99, 100 * (STAGES.index(name) + 1) // len(STAGES))
        db.session.commit()
        announce_optimization(self.optimization, f"stage_{event}")
        if event == "finished":
            announce_optimization(self.optimization, "progress")

    def fail_current(self) -> None:
        if self.current is not None:
            row = self.rows[self.current]
            now = utcnow()
            row.status, row.finished_at, row.duration_ms = "failed", now, _ms(row.started_at, now)


def _fail(optimization: Optimization, code: str, detail: str, status: int = 500) -> None:
    optimization.status = "failed"
    optimization.error = problem_object(code, detail, status=status)
    optimization.finished_at = utcnow()
    item_finished(optimization)  # counted on its batch in the same transaction
    db.session.commit()
    announce_optimization(optimization, "failed")


def fail_unfinished(optimization_id: uuid.UUID, code: str, detail: str) -> None:
    """Mark an optimization failed unless it already reached a terminal state."""
    optimization = db.session.get(Optimization, optimization_id)
    if optimization is None or optimization.is_terminal:
        return
    if optimization.cancel_requested_at is not None:  # it died on its way to stopping anyway
        mark_canceled(optimization)
        return
    for row in optimization.stages:
        if row.status == "running":
            row.status, row.finished_at = "failed", utcnow()
    _fail(optimization, code, detail)


def llm_runtime() -> LLMRuntime:
    """Model settings from the app, with the cache and circuits in Redis shared by all workers."""
    store = RedisStore.shared(current_app.config["REDIS_URL"])
    return LLMRuntime(settings=current_app.config["LLM"], store=store)


def _store_documents(optimization: Optimization, outcome: Outcome) -> None:
    """Upsert by (kind, format): a re-delivered task replaces its files, never duplicates them."""
    existing = {
        (doc.kind, doc.format): doc
        for doc in db.session.scalars(
            select(Document).where(Document.optimization_id == optimization.id)
        )
    }
    for rendered in outcome.documents:
        doc = existing.get((rendered.kind, rendered.format))
        if doc is None:
            doc = Document(
                user_id=optimization.user_id,
                optimization_id=optimization.id,
                kind=rendered.kind,
                format=rendered.format,
            )
            db.session.add(doc)
        doc.generator = outcome.tailored.generator()
        doc.media_type = rendered.media_type
        doc.filename = rendered.filename
        doc.content = rendered.content
        doc.size = len(rendered.content)
        doc.sha256 = hashlib.sha256(rendered.content).hexdigest()


def execute_optimization(optimization_id: uuid.UUID) -> str:
    """Run one optimization to a terminal state and return that state."""
    # Locked while it is claimed, so a cancel from the API sees it either queued or running.
    optimization = db.session.get(Optimization, optimization_id, with_for_update=True)
    if optimization is None:
        log.warning("optimization %s no longer exists; nothing to do", optimization_id)
        return "missing"
    if optimization.is_terminal:
        status = optimization.status
        db.session.commit()  # releases the lock
        return status
    if optimization.cancel_requested_at is not None:  # redelivered after the user asked to stop
        mark_canceled(optimization)
        return "canceled"
    optimization.attempts += 1
    if optimization.attempts > MAX_ATTEMPTS:
        _fail(
            optimization,
            "worker_lost",
            f"The optimization was interrupted {MAX_ATTEMPTS} times and was stopped.",
        )
        return "failed"
    optimization.status = "running"
    optimization.started_at = optimization.started_at or utcnow()
    db.session.commit()

    version = resume_version(optimization.resume_id, optimization.resume_version)
    job = db.session.get(Job, optimization.job_id)
    if version is None or job is None:
        _fail(optimization, "source_deleted", "The resume or job was deleted before it ran.", 410)
        return "failed"
    recorder = StageRecorder(optimization)
    try:
        outcome = run_pipeline(
            version.profile,
            JobPosting(description=job.description, title=job.title, company=job.company),
            Options.from_dict(optimization.options),
            on_stage=recorder,
            runtime=llm_runtime(),
        )
    except OperationCanceled:
        db.session.rollback()
        mark_canceled(optimization)
        return "canceled"
    except ResumesmithError as error:
        db.session.rollback()
        recorder.fail_current()
        if isinstance(error, GenerationFailed):
            record_calls(optimization.user_id, optimization.id, error.calls)
        _fail(optimization, error.code, error.detail, error.status)
        return "failed"
    except SoftTimeLimitExceeded:
        db.session.rollback()
        recorder.fail_current()
        _fail(optimization, "timeout", f"Stage {recorder.current} took too long and was stopped.")
        return "failed"
    except Exception as error:
        if isinstance(error, OperationalError):
            db.session.rollback()
            raise  # a lost database connection is transient: the task retries with backoff
        log.exception("optimization %s crashed in stage %s", optimization.id, recorder.current)
        db.session.rollback()
        recorder.fail_current()
        _fail(
            optimization,
            "internal_error",
            f"An internal error stopped stage {recorder.current}. It has been logged.",
        )
        return "failed"

    # Locked until the outcome is stored: a cancel arriving now waits, then finds it finished.
    db.session.refresh(optimization, with_for_update=True)
    if optimization.cancel_requested_at is not None:
        mark_canceled(optimization)
        return "canceled"
    try:
        _store_documents(optimization, outcome)
        record_calls(optimization.user_id, optimization.id, outcome.tailored.calls)
        job.analysis = outcome.analysis.to_dict()
        optimization.match_score = outcome.match.score
        optimization.ats_score = outcome.quality.ats_score
        optimization.result = outcome.summary()
        optimization.status = "succeeded"
        optimization.progress = 100
        optimization.stage = None
        optimization.finished_at = utcnow()
        item_finished(optimization)
        db.session.commit()
    except SoftTimeLimitExceeded:
        db.session.rollback()
        _fail(optimization, "timeout", "Storing the documents took too long and was stopped.")
        return "failed"
    announce_optimization(optimization, "succeeded")
    return "succeeded"
