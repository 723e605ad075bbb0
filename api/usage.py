"""What the caller's language-model calls cost: counted from `ai_calls`, never from a cache."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from api.errors import PROBLEM_MEDIA_TYPE, ProblemSchema
from api.schemas import UsageOut, UsageQuery
from api.security import authenticate, current_user_id
from models import usage_summary
from models.db import utcnow

blp = Blueprint("usage", __name__, url_prefix="/api/v1/me", description="The caller's AI usage")
blp.before_request(authenticate)
PROBLEM: dict[str, Any] = {"schema": ProblemSchema, "content_type": PROBLEM_MEDIA_TYPE}
DEFAULT_WINDOW = timedelta(days=30)


@blp.route("/usage")
class Usage(MethodView):
    @blp.arguments(UsageQuery, location="query")
    @blp.response(200, UsageOut)
    @blp.alt_response(401, **PROBLEM, description="No valid token or API key")
    @blp.alt_response(422, **PROBLEM, description="`since` or `until` is not an ISO 8601 date")
    def get(self, window: dict[str, Any]) -> dict[str, Any]:
        """Your language-model calls, tokens and estimated cost, per provider and model."""
        until = window.get("until") or utcnow()
        since = window.get("since") or until - DEFAULT_WINDOW
        return {
            "since": since,
            "until": until,
            **usage_summary(current_user_id(), since=since, until=until),
        }
