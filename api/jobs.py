"""Job postings a user wants to tailor resumes for."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from api.identity import current_user_id
from api.lookup import owned_or_404
from api.schemas import JobCreate, JobOut
from api.security import authenticate
from models import Job, db

blp = Blueprint("jobs", __name__, url_prefix="/api/v1/jobs", description="Job postings")
blp.before_request(authenticate)


@blp.route("")
class Jobs(MethodView):
    @blp.arguments(JobCreate)
    @blp.response(201, JobOut)
    def post(self, data: dict[str, Any]) -> Job:
        """Store a job posting; it is analysed when an optimization runs."""
        job = Job(user_id=current_user_id(), **data)
        db.session.add(job)
        db.session.commit()
        return job


@blp.route("/<uuid:job_id>")
class JobItem(MethodView):
    @blp.response(200, JobOut)
    def get(self, job_id: uuid.UUID) -> Job:
        """Fetch one of your job postings, with its analysis once one has run."""
        return owned_or_404(Job, job_id)
