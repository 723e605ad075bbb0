"""Admin-only endpoints: the one place that reads across users, and only for admins."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select

from api.auth import present_user
from api.lookup import NotFound
from api.schemas import RoleIn, UserOut
from api.security import require_role
from models import User, db

blp = Blueprint("admin", __name__, url_prefix="/api/v1/admin", description="Administration")
blp.before_request(require_role("admin"))


@blp.route("/users")
class Users(MethodView):
    @blp.response(200, UserOut(many=True))
    def get(self) -> list[dict[str, Any]]:
        """Every account, oldest first."""
        users = db.session.scalars(select(User).order_by(User.created_at).limit(1000))
        return [present_user(user) for user in users]


@blp.route("/users/<uuid:user_id>")
class UserItem(MethodView):
    @blp.arguments(RoleIn)
    @blp.response(200, UserOut)
    def patch(self, data: dict[str, Any], user_id: uuid.UUID) -> dict[str, Any]:
        """Change a user's role; it applies to their very next request."""
        user = db.session.get(User, user_id)
        if user is None:
            raise NotFound(f"No user with id {user_id}.", code="user_not_found")
        user.role = data["role"]
        db.session.commit()
        return present_user(user)
