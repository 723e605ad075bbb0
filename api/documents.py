"""Finished documents: every format of a tailored resume or letter, for its owner only."""

from __future__ import annotations

import unicodedata
import uuid
from typing import Any
from urllib.parse import quote

from flask import Response, request
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from api.lookup import NotFound, owned_or_404
from api.security import authenticate
from models import Document, db
from worker.pipeline.errors import ResumesmithError
from worker.pipeline.formats import FORMATS

blp = Blueprint("documents", __name__, url_prefix="/api/v1/documents", description="Documents")
blp.before_request(authenticate)
MEDIA_TYPES = {media.split(";")[0]: name for name, (media, _) in FORMATS.items()}


class ContentQuery(Schema):
    format = fields.String(
        load_default=None,
        validate=validate.OneOf(sorted(FORMATS)),
        metadata={"description": "pdf, docx, html, md, txt or json; default: by `Accept`"},
    )


def _binary(media: str) -> dict[str, Any]:
    return {media: {"schema": {"type": "string", "format": "binary"}}}


@blp.route("/<uuid:document_id>/content")
@blp.arguments(ContentQuery, location="query", as_kwargs=True)
@blp.doc(
    responses={
        "200": {
            "description": "The document in the requested format",
            "content": {k: v for media in MEDIA_TYPES for k, v in _binary(media).items()},
        },
        "304": {"description": "Unchanged since the ETag sent in If-None-Match"},
        "404": {"description": "No such document, or not in this format (`format_not_available`)"},
        "406": {"description": "`not_acceptable`: no format named in `Accept` exists"},
    }
)
def document_content(document_id: uuid.UUID, format: str | None = None) -> Response:
    """Download a document; `?format=` or `Accept` picks a rendering, produced once and stored."""
    document = owned_or_404(Document, document_id)
    wanted = format or _negotiated(document.format)
    if wanted != document.format:
        sibling = db.session.scalar(
            select(Document).where(
                Document.optimization_id == document.optimization_id,
                Document.kind == document.kind,
                Document.format == wanted,
            )
        )
        if sibling is None:
            raise NotFound(
                f"This {document.kind.replace('_', ' ')} is not available as {wanted}.",
                code="format_not_available",
            )
        document = sibling
    response = Response(document.content, mimetype=document.media_type)
    response.headers["Content-Disposition"] = content_disposition(document.filename)
    response.headers["Cache-Control"] = "private, max-age=0"
    response.headers["Vary"] = "Accept"
    response.set_etag(document.sha256)
    response.make_conditional(request)
    return response


def _negotiated(own: str) -> str:
    """The document's own format if `Accept` allows it (a browser's `*/*` does), else the
    client's preferred format among ours."""
    accept = request.accept_mimetypes
    if not request.headers.get("Accept") or accept.quality(_media(own)) > 0:
        return own
    best = accept.best_match([*MEDIA_TYPES])
    if best is None:
        raise NotAcceptable(
            "None of the formats in Accept is available; use "
            + ", ".join(sorted(MEDIA_TYPES))
            + ".",
        )
    return MEDIA_TYPES[best]


def _media(name: str) -> str:
    return FORMATS[name][0].split(";")[0]


class NotAcceptable(ResumesmithError):
    code = "not_acceptable"
    status = 406
    title = "Not acceptable"


def content_disposition(filename: str) -> str:
    """An ASCII fallback name plus the exact UTF-8 name (RFC 6266), so "Müller" survives."""
    fallback = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    fallback = fallback.replace('"', "") or "document"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
