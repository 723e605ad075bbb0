"""The worker's shell around the pipeline: idempotent, bounded, and honest about failure."""

from __future__ import annotations

import uuid

from flask import Flask
from sqlalchemy import func, select

from models import Document, Job, Optimization, Resume, db
from models.user import ensure_local_user
from worker.runner import MAX_ATTEMPTS, execute_optimization


def _optimization(resume_text: str, job_text: str, **options: object) -> Optimization:
    user = ensure_local_user()
    from worker.pipeline.parsing import parse_text

    parsed = parse_text(resume_text)
    resume = Resume.new(
        user_id=user.id,
        profile=parsed.profile,
        warnings=parsed.warnings,
        confidence=parsed.confidence,
        source_format="text",
        source_text=resume_text,
    )
    job = Job(
        user_id=user.id,
        title="Senior Backend Engineer",
        company="Northwind Analytics",
        description=job_text,
    )
    db.session.add(job)
    db.session.flush()
    optimization = Optimization.new(
        user_id=user.id, resume_id=resume.id, job_id=job.id, options=dict(options)
    )
    db.session.add(optimization)
    db.session.commit()
    return optimization


def _documents(optimization_id: uuid.UUID) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Document)
            .where(Document.optimization_id == optimization_id)
        )
        or 0
    )


def test_redelivered_task_replaces_documents_instead_of_duplicating(
    app: Flask, sample_resume_text: str, sample_job_text: str
) -> None:
    with app.app_context():
        optimization = _optimization(sample_resume_text, sample_job_text)
        assert execute_optimization(optimization.id) == "succeeded"
        assert _documents(optimization.id) == 14  # 6 resume + 5 cover-letter formats + 3 report
        # As if the worker died after storing documents but before acking the message.
        optimization.status = "running"
        db.session.commit()
        assert execute_optimization(optimization.id) == "succeeded"
        assert _documents(optimization.id) == 14  # 6 resume + 5 cover-letter formats + 3 report
        assert optimization.attempts == 2


def test_finished_optimization_is_not_run_again(
    app: Flask, sample_resume_text: str, sample_job_text: str
) -> None:
    with app.app_context():
        optimization = _optimization(sample_resume_text, sample_job_text)
        execute_optimization(optimization.id)
        finished_at = optimization.finished_at
        assert execute_optimization(optimization.id) == "succeeded"
        db.session.refresh(optimization)
        assert optimization.finished_at == finished_at
        assert optimization.attempts == 1


def test_an_optimization_that_keeps_killing_workers_is_failed(
    app: Flask, sample_resume_text: str, sample_job_text: str
) -> None:
    with app.app_context():
        optimization = _optimization(sample_resume_text, sample_job_text)
        optimization.status, optimization.attempts = "running", MAX_ATTEMPTS
        db.session.commit()
        assert execute_optimization(optimization.id) == "failed"
        assert optimization.error["code"] == "worker_lost"
        assert optimization.finished_at is not None


def test_missing_optimization_is_skipped(app: Flask) -> None:
    with app.app_context():
        assert execute_optimization(uuid.uuid4()) == "missing"


def test_renderer_failure_is_reported_with_its_code(
    app: Flask, sample_resume_text: str, sample_job_text: str, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from worker.pipeline import export

    def broken(html: str) -> bytes:
        raise export.StageFailed(
            "the PDF renderer could not lay out this document", code="pdf_render_failed"
        )

    monkeypatch.setattr(export, "html_to_pdf", broken)
    with app.app_context():
        optimization = _optimization(sample_resume_text, sample_job_text)
        assert execute_optimization(optimization.id) == "failed"
        assert optimization.error["code"] == "pdf_render_failed"
        stages = {stage.name: stage.status for stage in optimization.stages}
        assert stages["quality_validation"] == "succeeded"
        assert stages["pdf_export"] == "failed"
        assert _documents(optimization.id) == 0


def test_hard_time_limit_marks_a_running_optimization_failed(
    app: Flask, sample_resume_text: str, sample_job_text: str
) -> None:
    from billiard.exceptions import TimeLimitExceeded
    from celery.signals import task_failure

    from worker.tasks import optimize

    with app.app_context():
        optimization = _optimization(sample_resume_text, sample_job_text)
        optimization.status = "running"
        optimization.stages[2].status = "running"
        db.session.commit()
        optimization_id = optimization.id
    # What Celery's main process sends when it kills a child at the hard limit.
    task_failure.send(
        sender=app.extensions["celery"].tasks[optimize.name],
        task_id="t-1",
        exception=TimeLimitExceeded(300),
        args=[str(optimization_id)],
        kwargs={},
    )
    with app.app_context():
        stored = db.session.get(Optimization, optimization_id)
        assert stored is not None
        assert stored.status == "failed"
        assert stored.error["code"] == "timeout"
        assert stored.stages[2].status == "failed"


def test_failure_signal_leaves_a_finished_optimization_alone(
    app: Flask, sample_resume_text: str, sample_job_text: str
) -> None:
    from celery.signals import task_failure

    from worker.tasks import optimize

    with app.app_context():
        optimization = _optimization(sample_resume_text, sample_job_text)
        execute_optimization(optimization.id)
        optimization_id = optimization.id
    task_failure.send(
        sender=app.extensions["celery"].tasks[optimize.name],
        exception=RuntimeError("late"),
        args=[str(optimization_id)],
    )
    with app.app_context():
        stored = db.session.get(Optimization, optimization_id)
        assert stored is not None and stored.status == "succeeded"
