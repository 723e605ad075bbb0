"""The resume templates, with generated thumbnails, so clients can offer a visual choice."""

from __future__ import annotations

from typing import Any

from flask import Response, url_for
from flask.views import MethodView
from flask_smorest import Blueprint

from api.lookup import NotFound
from api.schemas import TemplateOut
from worker.pipeline import export

blp = Blueprint(
    "templates", __name__, url_prefix="/api/v1/templates", description="Resume templates"
)


@blp.route("")
class Templates(MethodView):
    @blp.response(200, TemplateOut(many=True))
    def get(self) -> list[dict[str, Any]]:
        """List the templates; every one is single-column and ATS-safe. No login needed."""
        return [
            {
                "name": name,
                "description": export.TEMPLATE_DESCRIPTIONS.get(name, ""),
                "thumbnail_url": url_for("templates.thumbnail", name=name),
            }
            for name in export.TEMPLATES
        ]


@blp.route("/<name>/thumbnail.png")
@blp.doc(
    responses={
        "200": {
            "description": "The first page of a sample resume in this template",
            "content": {"image/png": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
)
def thumbnail(name: str) -> Response:
    """A PNG of the sample resume's first page, rendered with this template."""
    if name not in export.TEMPLATES:
        raise NotFound(f"No template named {name!r}.", code="template_not_found")
    response = Response(export.thumbnail(name), mimetype="image/png")
    # Rendered from code: the same release always draws the same picture.
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response
