"""Resumes: uploads (PDF, DOCX, text, JSON Resume), parsed once, versioned on every edit."""

from __future__ import annotations

import uuid
from typing import Any

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import ValidationError
from sqlalchemy import select
from werkzeug.exceptions import BadRequest
from werkzeug.utils import secure_filename

from api.history import CreatedQuery, page
from api.idempotency import idempotent
from api.lookup import owned_or_404
from api.schemas import ResumeCreate, ResumeOut, ResumeUpdate, ResumeVersionOut
from api.security import authenticate, current_user_id
from models import Resume, ResumeVersion, db
from worker.pipeline import parsing
from worker.pipeline.errors import InvalidInput, ResumesmithError
from worker.pipeline.extract import Limits, TextTooLong, parse_document
from worker.pipeline.types import ParsedResume

blp = Blueprint("resumes", __name__, url_prefix="/api/v1/resumes", description="Source resumes")
blp.before_request(authenticate)

UPLOAD_DOC = {
    "required": True,
    "content": {
        "application/json": {"schema": "ResumeCreate"},
        "multipart/form-data": {"schema": "UploadSchema"},
    },
}


class InvalidJson(ResumesmithError):
    code = "invalid_json"
    status = 400
    title = "Malformed request"


def _from_upload() -> tuple[ParsedResume, dict[str, Any]]:
    upload = request.files.get("file")
    if upload is None:
        raise InvalidInput("Send the resume as a multipart part named `file`.", code="file_missing")
    data = upload.read()
    # The type is decided by the bytes inside, never by the name or the client's Content-Type.
    parsed = parse_document(data, limits=Limits())
    return parsed, {
        "source_format": parsed.source_format,
        "source_text": None,
        "source_filename": secure_filename(upload.filename or "")[:255] or None,
        "source_file": data,
    }


def _load_json(schema: Any) -> dict[str, Any]:
    try:
        body = request.get_json()
    except BadRequest as error:
        raise InvalidJson("The request body is not valid JSON.") from error
    try:
        return schema.load(body if body is not None else {})
    except ValidationError as error:
        abort(422, messages={"json": error.messages})
        raise  # unreachable: abort raises


def _from_json() -> tuple[ParsedResume, dict[str, Any]]:
    data = _load_json(ResumeCreate())
    if "text" in data:
        if len(data["text"]) > Limits().max_chars:
            raise TextTooLong(f"The resume text is longer than {Limits().max_chars:,} characters.")
        return parsing.parse_text(data["text"]), {
            "source_format": "text",
            "source_text": data["text"],
        }
    return _normalised(data["json_resume"]), {"source_format": "json_resume", "source_text": None}


LIST_SECTIONS = (
    "work", "volunteer", "education", "awards", "certificates", "publications", "skills",
    "languages", "interests", "references", "projects",
)  # fmt: skip


def _normalised(document: dict[str, Any]) -> ParsedResume:
    """A JSON Resume document, refused when a known section has the wrong shape.

    Accepting `{"work": "x"}` would save an empty version over the user's real profile.
    """
    wrong = [
        name for name in LIST_SECTIONS if name in document and not isinstance(document[name], list)
    ]
    if "basics" in document and not isinstance(document["basics"], dict):
        wrong.insert(0, "basics")
    if wrong:
        raise InvalidInput(
            f"These JSON Resume sections have the wrong type: {', '.join(wrong)} "
            "(basics is an object, the others are lists).",
            code="invalid_json_resume",
        )
    try:
        return parsing.normalise_json_resume(document)
    except ValueError as error:
        raise InvalidInput(str(error), code="invalid_json_resume") from error


@blp.route("")
class Resumes(MethodView):
    @idempotent
    @blp.doc(requestBody=UPLOAD_DOC)
    @blp.response(201, ResumeOut)
    def post(self) -> Resume:
        """Store a resume: a PDF/DOCX/text/JSON file as `multipart/form-data` (`file`), or JSON
        with `text` or `json_resume`. The structured profile is in the response."""
        if request.mimetype == "multipart/form-data":
            parsed, source = _from_upload()
        else:
            parsed, source = _from_json()
        resume = Resume.new(
            user_id=current_user_id(),
            profile=parsed.profile,
            warnings=parsed.warnings,
            confidence=parsed.confidence,
            **source,
        )
        db.session.commit()
        return resume

    @blp.arguments(CreatedQuery, location="query")
    @blp.response(200, ResumeOut(many=True))
    @blp.paginate()
    def get(self, query: dict[str, Any], pagination_parameters: Any) -> list[Resume]:
        """Your resumes, newest first, optionally `created_after` a moment
        (`page`, `page_size`; totals in `X-Pagination`)."""
        owned = select(Resume).where(Resume.user_id == current_user_id())
        return page(Resume, owned, pagination_parameters, **query)


@blp.route("/<uuid:resume_id>")
class ResumeItem(MethodView):
    @blp.response(200, ResumeOut)
    def get(self, resume_id: uuid.UUID) -> Resume:
        """Fetch one of your resumes (its current version)."""
        return owned_or_404(Resume, resume_id)

    @blp.arguments(ResumeUpdate)
    @blp.response(200, ResumeOut)
    def put(self, data: dict[str, Any], resume_id: uuid.UUID) -> Resume:
        """Save your corrections as a new version; earlier versions stay readable."""
        resume = owned_or_404(Resume, resume_id)
        parsed = _normalised(data["profile"])
        resume.save_version(
            profile=parsed.profile,
            warnings=parsed.warnings,
            confidence=parsed.confidence,
            origin="edited",
        )
        db.session.commit()
        return resume

    @blp.response(204)
    def delete(self, resume_id: uuid.UUID) -> None:
        """Delete the resume, its file, versions, and every optimization and document made from
        it: no orphaned personal data."""
        db.session.delete(owned_or_404(Resume, resume_id))
        db.session.commit()


@blp.route("/<uuid:resume_id>/versions")
class ResumeVersions(MethodView):
    @blp.response(200, ResumeVersionOut(many=True))
    def get(self, resume_id: uuid.UUID) -> list[ResumeVersion]:
        """Every saved version of the profile, oldest first."""
        resume = owned_or_404(Resume, resume_id)
        return list(
            db.session.scalars(
                select(ResumeVersion)
                .where(ResumeVersion.resume_id == resume.id)
                .order_by(ResumeVersion.version)
            )
        )
