"""API keys for batch scripts: create (shown once), list, revoke."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select

from api.lookup import owned_or_404
from api.schemas import ApiKeyCreatedOut, ApiKeyIn, ApiKeyOut
from api.security import authenticate, current_user_id, hash_api_key, new_api_key
from models import ApiKey, db

blp = Blueprint("api_keys", __name__, url_prefix="/api/v1/api-keys", description="API keys")
blp.before_request(authenticate)


@blp.route("")
class ApiKeys(MethodView):
    @blp.arguments(ApiKeyIn)
    @blp.response(201, ApiKeyCreatedOut)
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Create a key for scripts; the key is in this response only, so store it now."""
        key, prefix = new_api_key()
        row = ApiKey(
            user_id=current_user_id(), name=data["name"], prefix=prefix, key_hash=hash_api_key(key)
        )
        db.session.add(row)
        db.session.commit()
        fields = ("id", "name", "prefix", "created_at", "updated_at", "last_used_at")
        return {**{name: getattr(row, name) for name in fields}, "key": key}

    @blp.response(200, ApiKeyOut(many=True))
    def get(self) -> list[ApiKey]:
        """Your keys, without their secrets."""
        return list(
            db.session.scalars(
                select(ApiKey)
                .where(ApiKey.user_id == current_user_id())
                .order_by(ApiKey.created_at)
            )
        )


@blp.route("/<uuid:key_id>")
class ApiKeyItem(MethodView):
    @blp.response(204)
    def delete(self, key_id: uuid.UUID) -> None:
        """Revoke a key at once."""
        db.session.delete(owned_or_404(ApiKey, key_id))
        db.session.commit()
