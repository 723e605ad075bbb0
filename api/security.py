"""Who is calling: JWT bearer tokens or API keys, checked against the database on every request.

The role is read from the user's row, never trusted from the token, so a downgrade takes effect on
the next request. Revoked tokens are remembered in Redis until they would have expired anyway.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import redis
from flask import Flask, current_app, g, request
from flask_jwt_extended import (
    JWTManager,
    decode_token,
    get_jwt,
    verify_jwt_in_request,
)
from flask_jwt_extended.exceptions import (
    JWTExtendedException,
    RevokedTokenError,
    UserLookupError,
    WrongTokenError,
)
from jwt.exceptions import ExpiredSignatureError, PyJWTError
from sqlalchemy import select

from models import ApiKey, User, db
from models.db import utcnow
from worker.pipeline.errors import ResumesmithError

jwt = JWTManager()
API_KEY_PREFIX = "rsk_"


class Unauthorized(ResumesmithError):
    code = "unauthorized"
    status = 401
    title = "Unauthorized"


class Forbidden(ResumesmithError):
    code = "forbidden"
    status = 403
    title = "Forbidden"


class AuthUnavailable(ResumesmithError):
    code = "auth_unavailable"
    status = 503
    title = "Authentication unavailable"


# --- revoked tokens ---------------------------------------------------------------------------


class Blocklist:
    """Revoked token ids with a TTL; `memory://` keeps them in this process (embedded mode)."""

    def __init__(self, url: str) -> None:
        self._memory: dict[str, float] | None = {} if url.startswith("memory://") else None
        self._redis = (
            None
            if self._memory is not None
            else redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        )

    def revoke(self, jti: str, expires_at: int) -> None:
        ttl = max(int(expires_at - time.time()), 1)
        if self._memory is not None:
            self._memory[jti] = time.time() + ttl
            return
        assert self._redis is not None
        self._redis.set(f"resumesmith:revoked:{jti}", "1", ex=ttl)

    def is_revoked(self, jti: str) -> bool:
        if self._memory is not None:
            return self._memory.get(jti, 0) > time.time()
        assert self._redis is not None
        try:
            return bool(self._redis.exists(f"resumesmith:revoked:{jti}"))
        except redis.RedisError as error:
            # Fail closed: without the blocklist a stolen, revoked token would work again.
            raise AuthUnavailable("Token revocation cannot be checked right now.") from error


def blocklist() -> Blocklist:
    return current_app.extensions["resumesmith_blocklist"]


def init_security(app: Flask) -> None:
    """Configure flask-jwt-extended: lifetimes from config, user and revocation lookups."""
    app.config.setdefault("JWT_TOKEN_LOCATION", ["headers"])
    app.config.setdefault("JWT_ALGORITHM", "HS256")
    app.config["JWT_ACCESS_TOKEN_EXPIRES"] = timedelta(
        seconds=int(app.config["ACCESS_TOKEN_SECONDS"])
    )
    app.config["JWT_REFRESH_TOKEN_EXPIRES"] = timedelta(
        seconds=int(app.config["REFRESH_TOKEN_SECONDS"])
    )
    jwt.init_app(app)
    app.extensions["resumesmith_blocklist"] = Blocklist(app.config["TOKEN_BLOCKLIST_URL"])


@jwt.user_lookup_loader
def _load_user(_header: dict[str, Any], payload: dict[str, Any]) -> User | None:
    try:
        user_id = uuid.UUID(str(payload["sub"]))
    except (KeyError, ValueError):
        return None
    user = db.session.get(User, user_id)
    return user if user is not None and user.is_active else None


@jwt.token_in_blocklist_loader
def _is_revoked(_header: dict[str, Any], payload: dict[str, Any]) -> bool:
    return blocklist().is_revoked(str(payload.get("jti", "")))


@jwt.additional_claims_loader
def _claims(identity: Any) -> dict[str, Any]:
    user = db.session.get(User, uuid.UUID(str(identity)))
    return {"role": user.role if user else "user"}


# --- authentication ---------------------------------------------------------------------------


def verified_token(*, refresh: bool = False, any_type: bool = False) -> dict[str, Any]:
    """Verify the bearer token and return its claims, or raise a 401 that says why."""
    try:
        verify_jwt_in_request(refresh=refresh, verify_type=not any_type)
        user = _current_jwt_user()
    except ExpiredSignatureError as error:
        raise Unauthorized("The token has expired; log in again.", code="token_expired") from error
    except RevokedTokenError as error:
        raise Unauthorized("The token has been revoked.", code="token_revoked") from error
    except WrongTokenError as error:
        kind = "a refresh" if refresh else "an access"
        raise Unauthorized(f"This endpoint needs {kind} token.", code="wrong_token_type") from error
    except UserLookupError as error:
        raise Unauthorized("The token's account no longer exists.", code="invalid_token") from error
    except (JWTExtendedException, PyJWTError) as error:
        if "Authorization" not in request.headers:
            raise Unauthorized(
                "Send `Authorization: Bearer <token>` or `X-API-Key: <key>`."
            ) from error
        raise Unauthorized("The token is not valid.", code="invalid_token") from error
    g.user = user
    return get_jwt()


def _current_jwt_user() -> User:
    from flask_jwt_extended import current_user

    return current_user


def hash_api_key(key: str) -> str:
    # Keys are 256-bit random: a fast hash is enough, unlike passwords.
    return hashlib.sha256(key.encode()).hexdigest()


def new_api_key() -> tuple[str, str]:
    """A fresh key and its recognisable prefix, e.g. `rsk_3f9a1c2b_…`."""
    prefix = API_KEY_PREFIX + secrets.token_hex(4)
    return f"{prefix}_{secrets.token_urlsafe(32)}", prefix


def _verified_api_key(key: str) -> ApiKey | None:
    """The key's row if `key` is genuine; looked up once per request (rate limit, then auth)."""
    cache = g.setdefault("verified_api_keys", {})
    if key not in cache:
        prefix = key[: len(API_KEY_PREFIX) + 8]
        row = db.session.scalar(select(ApiKey).where(ApiKey.prefix == prefix))
        genuine = row is not None and hmac.compare_digest(row.key_hash, hash_api_key(key))
        cache[key] = row if genuine else None
    return cache[key]


def _user_from_api_key(key: str) -> User:
    row = _verified_api_key(key)
    if row is None:
        raise Unauthorized("The API key is not valid.", code="invalid_api_key")
    user = db.session.get(User, row.user_id)
    if user is None or not user.is_active:
        raise Unauthorized("The API key is not valid.", code="invalid_api_key")
    now = utcnow()
    last = row.last_used_at
    if last is None or (now - (last if last.tzinfo else last.replace(tzinfo=now.tzinfo))) > (
        timedelta(minutes=1)
    ):
        row.last_used_at = now  # written at most once a minute, not on every request
        db.session.commit()
    return user


def authenticate() -> None:
    """before_request hook for every protected blueprint: sets `g.user` or answers 401."""
    if request.method == "OPTIONS":
        return
    key = request.headers.get("X-API-Key")
    if key:
        g.user = _user_from_api_key(key.strip())
        return
    verified_token()


def current_user() -> User:
    user = g.get("user")
    if user is None:
        raise Unauthorized("Send `Authorization: Bearer <token>` or `X-API-Key: <key>`.")
    return user


def current_user_id() -> uuid.UUID:
    """The owner every query filters by."""
    return current_user().id


def require_role(*roles: str) -> Callable[[], None]:
    """A before_request hook that admits only users whose *current* role is one of `roles`."""

    def check() -> None:
        authenticate()
        if current_user().role not in roles:
            raise Forbidden("Your account's role does not allow this.", code="role_required")

    return check


def rate_limit_key() -> str:
    """Limit per API key or per verified user; anonymous callers are limited per address."""
    key = request.headers.get("X-API-Key")
    if key:
        # Only a real key gets its own bucket; made-up keys share the caller's address bucket,
        # so rotating random keys cannot dodge the limit.
        row = _verified_api_key(key.strip())
        if row is not None:
            return f"key:{row.id}"
        return "ip:" + (request.remote_addr or "unknown")
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        try:
            return "user:" + str(decode_token(header[7:], allow_expired=False)["sub"])
        except Exception:
            pass
    return "ip:" + (request.remote_addr or "unknown")
