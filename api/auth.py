"""Accounts and tokens: register, log in, refresh, log out, and who am I."""

from __future__ import annotations

from typing import Any

from flask import current_app, request
from flask.views import MethodView
from flask_jwt_extended import create_access_token, create_refresh_token
from flask_smorest import Blueprint
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from api import quotas
from api.extensions import limiter
from api.passwords import hash_password, policy_problems, verify_password
from api.schemas import LoginIn, RegisterIn, TokensOut, UserOut
from api.security import Unauthorized, authenticate, blocklist, current_user, verified_token
from models import User, db
from models.db import utcnow
from worker.pipeline.errors import InvalidInput, ResumesmithError

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Accounts and tokens")
me_blp = Blueprint("me", __name__, url_prefix="/api/v1/me", description="The caller's account")
me_blp.before_request(authenticate)

PUBLIC: list[dict[str, list[str]]] = [{}]  # OpenAPI: no credentials needed


class EmailTaken(ResumesmithError):
    code = "email_taken"
    status = 409
    title = "Email already registered"


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _login_key() -> str:
    """Login attempts are limited per address *and* email, so one attacker cannot lock out all."""
    body = request.get_json(silent=True)
    email = body.get("email") if isinstance(body, dict) else None
    email = normalise_email(email) if isinstance(email, str) else ""
    return f"login:{request.remote_addr}:{email[:320]}"


def _tokens(user: User) -> dict[str, Any]:
    identity = str(user.id)
    return {
        "access_token": create_access_token(identity=identity),
        "refresh_token": create_refresh_token(identity=identity),
        "token_type": "Bearer",
        "expires_in": int(current_app.config["ACCESS_TOKEN_SECONDS"]),
    }


@blp.route("/register")
class Register(MethodView):
    decorators = [limiter.limit(lambda: current_app.config["RATELIMIT_REGISTER"], methods=["POST"])]

    @blp.doc(security=PUBLIC)
    @blp.arguments(RegisterIn)
    @blp.response(201, UserOut)
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Create an account; passwords need 10+ characters and may not be common ones."""
        email = normalise_email(data["email"])
        problems = policy_problems(data["password"], email=email)
        if problems:
            error = InvalidInput(" ".join(problems), code="weak_password")
            raise error
        if db.session.scalar(select(User.id).where(User.email == email)):
            raise EmailTaken("An account with this email already exists.")
        user = User(email=email, name=data["name"], password_hash=hash_password(data["password"]))
        db.session.add(user)
        try:
            db.session.commit()
        except IntegrityError as error:  # a concurrent registration won the race
            db.session.rollback()
            raise EmailTaken("An account with this email already exists.") from error
        return present_user(user)


@blp.route("/login")
class Login(MethodView):
    decorators = [
        limiter.limit(
            lambda: current_app.config["RATELIMIT_LOGIN"], key_func=_login_key, methods=["POST"]
        ),
        # And per address alone, so trying many emails (credential stuffing) is limited too.
        limiter.limit(
            lambda: current_app.config["RATELIMIT_LOGIN_PER_IP"],
            key_func=lambda: f"login-ip:{request.remote_addr}",
            methods=["POST"],
        ),
    ]

    @blp.doc(security=PUBLIC)
    @blp.arguments(LoginIn)
    @blp.response(200, TokensOut)
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Exchange email and password for an access token and a refresh token."""
        user = db.session.scalar(select(User).where(User.email == normalise_email(data["email"])))
        ok = verify_password(user.password_hash if user else None, data["password"])
        if user is None or not ok or not user.is_active:
            raise Unauthorized("Email or password is wrong.", code="invalid_credentials")
        user.last_login_at = utcnow()
        db.session.commit()
        return _tokens(user)


@blp.route("/refresh")
class Refresh(MethodView):
    @blp.response(200, TokensOut)
    def post(self) -> dict[str, Any]:
        """Trade a refresh token for a new access token."""
        verified_token(refresh=True)
        user = current_user()
        return {
            "access_token": create_access_token(identity=str(user.id)),
            "token_type": "Bearer",
            "expires_in": int(current_app.config["ACCESS_TOKEN_SECONDS"]),
        }


@blp.route("/logout")
class Logout(MethodView):
    @blp.response(204)
    def post(self) -> None:
        """Revoke the presented token (access or refresh) for the rest of its life."""
        claims = verified_token(any_type=True)
        blocklist().revoke(str(claims["jti"]), int(claims["exp"]))


def present_user(user: User) -> dict[str, Any]:
    limit = quotas.limit_for(user)
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "role": user.role,
        "created_at": user.created_at,
        "updated_at": user.updated_at,
        "quota": {
            "limit": limit or None,
            "used_today": quotas.used_today(user),
            "resets_in_seconds": quotas.seconds_until_reset(),
        },
    }


@me_blp.route("")
class Me(MethodView):
    @me_blp.response(200, UserOut)
    def get(self) -> dict[str, Any]:
        """Your account, role and today's quota use."""
        return present_user(current_user())
