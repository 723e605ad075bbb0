"""Job postings: cleaned and analysed when stored, re-analysable on demand."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select

from api.history import CreatedQuery, page
from api.idempotency import idempotent
from api.lookup import owned_or_404
from api.schemas import JobCreate, JobOut
from api.security import authenticate, current_user_id
from models import Job, db
from worker.pipeline import analysis
from worker.pipeline.sanitize import clean_field, clean_posting
from worker.pipeline.skills import default_vocabulary
from worker.pipeline.types import JobPosting

blp = Blueprint("jobs", __name__, url_prefix="/api/v1/jobs", description="Job postings")
blp.before_request(authenticate)


def analyse(job: Job) -> None:
    """Store the offline analysis; it is cheap enough to run inside the request."""
    posting = JobPosting(description=job.description, title=job.title, company=job.company)
    job.analysis = analysis.analyse_job(posting, vocabulary=default_vocabulary()).to_dict()


@blp.route("")
class Jobs(MethodView):
    @idempotent
    @blp.arguments(JobCreate)
    @blp.response(201, JobOut)
    def post(self, data: dict[str, Any]) -> Job:
        """Store a job posting; hidden text and lines aimed at an AI are removed and reported."""
        cleaned = clean_posting(data["description"])
        title, title_warnings = clean_field(data["title"])
        company, company_warnings = clean_field(data["company"])
        job = Job(
            user_id=current_user_id(),
            title=title,
            company=company,
            description=cleaned.text,
            warnings=cleaned.warnings + title_warnings + company_warnings,
        )
        analyse(job)
        db.session.add(job)
        db.session.commit()
        return job

    @blp.arguments(CreatedQuery, location="query")
    @blp.response(200, JobOut(many=True))
    @blp.paginate()
    def get(self, query: dict[str, Any], pagination_parameters: Any) -> list[Job]:
        """Your job postings, newest first, optionally `created_after` a moment
        (`page`, `page_size`; totals in `X-Pagination`)."""
        owned = select(Job).where(Job.user_id == current_user_id())
        return page(Job, owned, pagination_parameters, **query)


@blp.route("/<uuid:job_id>")
class JobItem(MethodView):
    @blp.response(200, JobOut)
    def get(self, job_id: uuid.UUID) -> Job:
        """Fetch one of your job postings with its analysis."""
        return owned_or_404(Job, job_id)


@blp.route("/<uuid:job_id>/analysis")
class JobAnalysis(MethodView):
    @idempotent
    @blp.response(200, JobOut)
    def post(self, job_id: uuid.UUID) -> Job:
        """Analyse the posting again (e.g. after the skills vocabulary was updated)."""
        job = owned_or_404(Job, job_id)
        analyse(job)
        db.session.commit()
        return job
