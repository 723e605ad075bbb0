"""Resumes: a user's source profile, parsed once and stored as JSON Resume."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from api.identity import current_user_id
from api.lookup import owned_or_404
from api.schemas import ResumeCreate, ResumeOut
from api.security import authenticate
from models import Resume, db
from worker.pipeline import parsing
from worker.pipeline.errors import InvalidInput

blp = Blueprint("resumes", __name__, url_prefix="/api/v1/resumes", description="Source resumes")
blp.before_request(authenticate)


@blp.route("")
class Resumes(MethodView):
    @blp.arguments(ResumeCreate)
    @blp.response(201, ResumeOut)
    def post(self, data: dict[str, Any]) -> Resume:
        """Store a resume given as plain text or as a JSON Resume document."""
        if "text" in data:
            parsed = parsing.parse_text(data["text"])
            source_format, source_text = "text", data["text"]
        else:
            try:
                parsed = parsing.normalise_json_resume(data["json_resume"])
            except ValueError as error:
                raise InvalidInput(str(error), code="invalid_json_resume") from error
            source_format, source_text = "json_resume", None
        resume = Resume(
            user_id=current_user_id(),
            source_format=source_format,
            source_text=source_text,
            profile=parsed.profile,
            parse_warnings=parsed.warnings,
        )
        db.session.add(resume)
        db.session.commit()
        return resume


@blp.route("/<uuid:resume_id>")
class ResumeItem(MethodView):
    @blp.response(200, ResumeOut)
    def get(self, resume_id: uuid.UUID) -> Resume:
        """Fetch one of your resumes."""
        return owned_or_404(Resume, resume_id)
