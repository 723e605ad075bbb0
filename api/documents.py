"""Finished documents: metadata and bytes, for their owner only."""

from __future__ import annotations

import unicodedata
import uuid
from urllib.parse import quote

from flask import Response, request
from flask_smorest import Blueprint

from api.lookup import owned_or_404
from api.security import authenticate
from models import Document

blp = Blueprint("documents", __name__, url_prefix="/api/v1/documents", description="Documents")
blp.before_request(authenticate)


@blp.route("/<uuid:document_id>/content")
@blp.doc(
    responses={
        "200": {
            "description": "The document's bytes",
            "content": {
                "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                "application/json": {"schema": {"type": "object"}},
            },
        }
    }
)
def document_content(document_id: uuid.UUID) -> Response:
    """Download a document with its media type and a readable file name."""
    document = owned_or_404(Document, document_id)
    response = Response(document.content, mimetype=document.media_type)
    response.headers["Content-Disposition"] = content_disposition(document.filename)
    response.headers["Cache-Control"] = "private, max-age=0"
    response.set_etag(document.sha256)
    response.make_conditional(request)
    return response


def content_disposition(filename: str) -> str:
    """An ASCII fallback name plus the exact UTF-8 name (RFC 6266), so "Müller" survives."""
    fallback = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    fallback = fallback.replace('"', "") or "document"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
