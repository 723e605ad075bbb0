"""Accounts, tokens, API keys, roles, rate limits and quotas on real Postgres and Redis."""

from __future__ import annotations

import base64
import json
import logging
import time
import uuid

import jwt as pyjwt
import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import AUTH_REDIS_URL, PASSWORD, as_user, poll, register
from tests.test_api import assert_problem


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# --- registration and login -------------------------------------------------------------------


def test_register_normalises_email_and_hides_the_password(anon: FlaskClient) -> None:
    response = anon.post(
        "/api/v1/auth/register",
        json={"email": "  Grace.Hopper@Example.COM ", "password": PASSWORD, "name": "Grace"},
    )
    assert response.status_code == 201
    assert response.json["email"] == "grace.hopper@example.com"
    assert response.json["role"] == "user"
    assert PASSWORD not in response.get_data(as_text=True)
    again = anon.post(
        "/api/v1/auth/register", json={"email": "grace.hopper@example.com", "password": PASSWORD}
    )
    assert_problem(again, 409, "email_taken")


@pytest.mark.parametrize(
    "password",
    ["short", "1234567890", "Password123", "aaaaaaaaaaaaaaaa", "ababababababab", "linus.t.2026!"],
)
def test_weak_passwords_are_refused(anon: FlaskClient, password: str) -> None:
    response = anon.post(
        "/api/v1/auth/register", json={"email": "linus.t@example.com", "password": password}
    )
    assert_problem(response, 422, "weak_password")


def test_invalid_email_is_named(anon: FlaskClient) -> None:
    response = anon.post("/api/v1/auth/register", json={"email": "nope", "password": PASSWORD})
    assert "email" in assert_problem(response, 422, "validation_failed")["errors"]


def test_login_returns_both_tokens(anon: FlaskClient) -> None:
    tokens = register(anon, "ada@example.com")
    assert tokens["token_type"] == "Bearer"
    assert tokens["expires_in"] == 15 * 60
    me = anon.get("/api/v1/me", headers=bearer(tokens["access_token"]))
    assert me.status_code == 200
    assert me.json["email"] == "ada@example.com"
    assert me.json["quota"] == {
        "limit": 20,
        "used_today": 0,
        "resets_in_seconds": me.json["quota"]["resets_in_seconds"],
    }


def test_wrong_password_and_unknown_email_look_the_same(anon: FlaskClient) -> None:
    register(anon, "ada@example.com")
    wrong = anon.post("/api/v1/auth/login", json={"email": "ada@example.com", "password": "x" * 12})
    unknown = anon.post(
        "/api/v1/auth/login", json={"email": "eve@example.com", "password": "x" * 12}
    )
    assert_problem(wrong, 401, "invalid_credentials")
    assert_problem(unknown, 401, "invalid_credentials")
    assert wrong.json["detail"] == unknown.json["detail"]


# --- tokens -----------------------------------------------------------------------------------


def test_no_credentials_is_401(anon: FlaskClient) -> None:
    for path in ("/api/v1/me", "/api/v1/resumes/" + str(uuid.uuid4()), "/api/v1/api-keys"):
        assert_problem(anon.get(path), 401, "unauthorized")


def test_refresh_token_buys_a_new_access_token(anon: FlaskClient) -> None:
    tokens = register(anon, "ada@example.com")
    refreshed = anon.post("/api/v1/auth/refresh", headers=bearer(tokens["refresh_token"]))
    assert refreshed.status_code == 200
    assert anon.get("/api/v1/me", headers=bearer(refreshed.json["access_token"])).status_code == 200


def test_tokens_of_the_wrong_type_are_401(anon: FlaskClient) -> None:
    tokens = register(anon, "ada@example.com")
    as_access = anon.get("/api/v1/me", headers=bearer(tokens["refresh_token"]))
    assert_problem(as_access, 401, "wrong_token_type")
    as_refresh = anon.post("/api/v1/auth/refresh", headers=bearer(tokens["access_token"]))
    assert_problem(as_refresh, 401, "wrong_token_type")


def test_tampered_token_is_401(anon: FlaskClient) -> None:
    token = register(anon, "ada@example.com")["access_token"]
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["sub"] = str(uuid.uuid4())
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    assert_problem(
        anon.get("/api/v1/me", headers=bearer(f"{header}.{forged}.{signature}")),
        401,
        "invalid_token",
    )
    flipped = signature[:-2] + ("AA" if signature[-2:] != "AA" else "BB")
    assert_problem(
        anon.get("/api/v1/me", headers=bearer(f"{header}.{payload}.{flipped}")),
        401,
        "invalid_token",
    )
    assert_problem(anon.get("/api/v1/me", headers=bearer("not-a-jwt")), 401, "invalid_token")


def test_unsigned_alg_none_token_is_401(anon: FlaskClient) -> None:
    user_id = register(anon, "ada@example.com")["user_id"]
    now = int(time.time())
    claims = {
        "sub": user_id,
        "type": "access",
        "jti": "x",
        "iat": now,
        "nbf": now,
        "exp": now + 600,
        "fresh": False,
    }
    unsigned = pyjwt.encode(claims, key=None, algorithm="none")
    assert_problem(anon.get("/api/v1/me", headers=bearer(unsigned)), 401, "invalid_token")


def test_expired_token_is_401(app: Flask, anon: FlaskClient) -> None:
    user_id = register(anon, "ada@example.com")["user_id"]
    now = int(time.time())
    claims = {
        "sub": user_id,
        "type": "access",
        "jti": "y",
        "iat": now - 1000,
        "nbf": now - 1000,
        "exp": now - 100,
        "fresh": False,
    }
    expired = pyjwt.encode(claims, app.config["JWT_SECRET_KEY"], algorithm="HS256")
    assert_problem(anon.get("/api/v1/me", headers=bearer(expired)), 401, "token_expired")


def test_logout_revokes_the_token_for_its_remaining_life(anon: FlaskClient) -> None:
    tokens = register(anon, "ada@example.com")
    access = tokens["access_token"]
    assert anon.post("/api/v1/auth/logout", headers=bearer(access)).status_code == 204
    assert_problem(anon.get("/api/v1/me", headers=bearer(access)), 401, "token_revoked")
    jti = pyjwt.decode(access, options={"verify_signature": False})["jti"]
    ttl = redis.Redis.from_url(AUTH_REDIS_URL).ttl(f"resumesmith:revoked:{jti}")
    assert 0 < ttl <= 15 * 60
    # The refresh token is separate and can be revoked on its own.
    refresh = tokens["refresh_token"]
    assert anon.post("/api/v1/auth/logout", headers=bearer(refresh)).status_code == 204
    assert_problem(anon.post("/api/v1/auth/refresh", headers=bearer(refresh)), 401, "token_revoked")


def test_revocation_check_fails_closed_without_redis(make_app, anon: FlaskClient) -> None:  # type: ignore[no-untyped-def]
    token = register(anon, "ada@example.com")["access_token"]
    broken = make_app(TOKEN_BLOCKLIST_URL="redis://127.0.0.1:1/0")
    assert_problem(
        broken.test_client().get("/api/v1/me", headers=bearer(token)), 503, "auth_unavailable"
    )


# --- API keys ---------------------------------------------------------------------------------


def test_api_key_is_shown_once_and_works_until_revoked(
    client: FlaskClient, anon: FlaskClient
) -> None:
    created = client.post("/api/v1/api-keys", json={"name": "nightly batch"})
    assert created.status_code == 201
    key = created.json["key"]
    assert key.startswith(created.json["prefix"] + "_")
    listed = client.get("/api/v1/api-keys").json
    assert [k["name"] for k in listed] == ["nightly batch"]
    assert "key" not in listed[0] and key not in json.dumps(listed)
    assert listed[0]["last_used_at"] is None

    me = anon.get("/api/v1/me", headers={"X-API-Key": key})
    assert me.status_code == 200 and me.json["email"] == "alice@example.com"
    assert client.get("/api/v1/api-keys").json[0]["last_used_at"] is not None

    assert client.delete(f"/api/v1/api-keys/{created.json['id']}").status_code == 204
    assert_problem(anon.get("/api/v1/me", headers={"X-API-Key": key}), 401, "invalid_api_key")


def test_made_up_api_keys_are_401(anon: FlaskClient, client: FlaskClient) -> None:
    real = client.post("/api/v1/api-keys", json={"name": "k"}).json["key"]
    for key in ("nope", "rsk_", real[:-3] + "xyz", "rsk_00000000_" + "a" * 43):
        assert_problem(anon.get("/api/v1/me", headers={"X-API-Key": key}), 401, "invalid_api_key")


# --- roles --------------------------------------------------------------------------------------


def test_users_cannot_reach_admin_endpoints(client: FlaskClient) -> None:
    assert_problem(client.get("/api/v1/admin/users"), 403, "role_required")


def test_role_downgrade_applies_to_tokens_already_issued(app: Flask) -> None:
    admin = as_user(app, "root@example.com")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create-admin", "root@example.com"])
    assert result.exit_code == 0 and "promoted" in result.output
    assert admin.get("/api/v1/admin/users").status_code == 200
    bob = as_user(app, "bob@example.com")
    bob_id = bob.get("/api/v1/me").json["id"]
    promoted = admin.patch(f"/api/v1/admin/users/{bob_id}", json={"role": "admin"})
    assert promoted.json["role"] == "admin"
    assert bob.get("/api/v1/admin/users").status_code == 200
    admin.patch(f"/api/v1/admin/users/{bob_id}", json={"role": "user"})
    # Same token as a moment ago; the role is read from the database on every request.
    assert_problem(bob.get("/api/v1/admin/users"), 403, "role_required")


def test_create_admin_makes_a_new_account(app: Flask, anon: FlaskClient) -> None:
    result = app.test_cli_runner().invoke(
        args=["users", "create-admin", "Ops@Example.com", "--password", PASSWORD]
    )
    assert result.exit_code == 0, result.output
    login = anon.post("/api/v1/auth/login", json={"email": "ops@example.com", "password": PASSWORD})
    assert (
        anon.get("/api/v1/me", headers=bearer(login.json["access_token"])).json["role"] == "admin"
    )
    weak = app.test_cli_runner().invoke(
        args=["users", "create-admin", "x@example.com", "--password", "short"]
    )
    assert weak.exit_code != 0


def test_admin_role_change_validates_role_and_user(app: Flask) -> None:
    admin = as_user(app, "root@example.com")
    app.test_cli_runner().invoke(args=["users", "create-admin", "root@example.com"])
    missing = admin.patch(f"/api/v1/admin/users/{uuid.uuid4()}", json={"role": "premium"})
    assert_problem(missing, 404, "user_not_found")
    me = admin.get("/api/v1/me").json["id"]
    assert_problem(
        admin.patch(f"/api/v1/admin/users/{me}", json={"role": "god"}), 422, "validation_failed"
    )


# --- rate limits and quotas ---------------------------------------------------------------------


def test_login_brute_force_is_rate_limited_per_address_and_email(anon: FlaskClient) -> None:
    register(anon, "ada@example.com")  # one successful login already counted
    statuses = [
        anon.post(
            "/api/v1/auth/login", json={"email": "ada@example.com", "password": "w" * 12}
        ).status_code
        for _ in range(5)
    ]
    assert statuses[:4] == [401] * 4
    limited = anon.post("/api/v1/auth/login", json={"email": "ada@example.com", "password": "x"})
    assert_problem(limited, 429, "rate_limited")
    assert 0 < int(limited.headers["Retry-After"]) <= 60
    # Another account from the same address is not locked out by the attack on this one.
    register(anon, "bob@example.com")


def test_quota_exhaustion_is_429_quota_exceeded(
    make_app,
    celery_worker_process,
    sample_resume_text: str,
    sample_job_text: str,  # type: ignore[no-untyped-def]
) -> None:
    app = make_app(QUOTAS={"user": 2, "premium": 500, "admin": 0})
    client = as_user(app, "frugal@example.com")
    resume = client.post("/api/v1/resumes", json={"text": sample_resume_text}).json["id"]
    job = client.post("/api/v1/jobs", json={"description": sample_job_text}).json["id"]
    body = {"resume_id": resume, "job_id": job, "options": {"cover_letter": False}}
    accepted = [client.post("/api/v1/optimizations", json=body) for _ in range(2)]
    assert [response.status_code for response in accepted] == [202, 202]
    refused = client.post("/api/v1/optimizations", json=body)
    assert_problem(refused, 429, "quota_exceeded")
    assert 0 < int(refused.headers["Retry-After"]) <= 86400
    assert client.get("/api/v1/me").json["quota"]["used_today"] == 2
    for response in accepted:
        assert poll(client, response.headers["Location"])["status"] == "succeeded"


def test_admins_have_no_quota(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(QUOTAS={"user": 0, "premium": 0, "admin": 0})
    admin = as_user(app, "root@example.com")
    app.test_cli_runner().invoke(args=["users", "create-admin", "root@example.com"])
    assert admin.get("/api/v1/me").json["quota"]["limit"] is None


# --- transport ------------------------------------------------------------------------------------


def test_oversized_body_is_413_problem(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(MAX_CONTENT_LENGTH=2048)
    client = as_user(app, "big@example.com")
    response = client.post("/api/v1/resumes", json={"text": "x" * 5000})
    assert_problem(response, 413, "payload_too_large")


def test_cors_allows_only_configured_origins_and_never_credentials(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(CORS_ORIGINS=["https://app.example"])
    client = app.test_client()
    allowed = client.options(
        "/api/v1/resumes",
        headers={"Origin": "https://app.example", "Access-Control-Request-Method": "POST"},
    )
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://app.example"
    assert "Access-Control-Allow-Credentials" not in allowed.headers
    denied = client.get("/healthz", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in denied.headers


def test_no_cors_headers_without_configuration(anon: FlaskClient) -> None:
    response = anon.get("/healthz", headers={"Origin": "https://app.example"})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_secrets_never_reach_the_logs(anon: FlaskClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    tokens = register(anon, "ada@example.com")
    anon.post(
        "/api/v1/auth/login", json={"email": "ada@example.com", "password": "wrong-password-1"}
    )
    anon.post(
        "/api/v1/resumes",
        json={"text": "Secret Person\nsecret.person@example.com"},
        headers=bearer(tokens["access_token"]),
    )
    logged = caplog.text
    for secret in (
        PASSWORD,
        "wrong-password-1",
        tokens["access_token"],
        tokens["refresh_token"],
        "secret.person@example.com",
    ):
        assert secret not in logged


def test_default_rate_limit_is_per_user(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(RATELIMIT_DEFAULT="3/minute")
    alice, bob = as_user(app, "alice@example.com"), as_user(app, "bob@example.com")
    statuses = [alice.get("/api/v1/me").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert bob.get("/api/v1/me").status_code == 200
    assert app.test_client().get("/healthz").status_code == 200  # probes are never limited


def test_made_up_api_keys_cannot_dodge_the_rate_limit(make_app) -> None:  # type: ignore[no-untyped-def]
    import secrets

    app = make_app(RATELIMIT_DEFAULT="3/minute")
    client = app.test_client()
    statuses = [
        client.get("/api/v1/me", headers={"X-API-Key": f"rsk_{secrets.token_hex(4)}_x"}).status_code
        for _ in range(5)
    ]
    assert statuses == [401, 401, 401, 429, 429]


def test_trying_many_emails_from_one_address_is_limited(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(RATELIMIT_LOGIN_PER_IP="4/minute")
    client = app.test_client()
    statuses = [
        client.post(
            "/api/v1/auth/login", json={"email": f"user{n}@example.com", "password": "x" * 12}
        ).status_code
        for n in range(6)
    ]
    assert statuses == [401, 401, 401, 401, 429, 429]
