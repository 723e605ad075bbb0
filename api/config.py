"""Settings read from the environment, with defaults that run with no services at all."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from worker.pipeline.errors import ResumesmithError
from worker.pipeline.providers import PROVIDERS, llm_settings_from_env

DEFAULT_SECRET = "resumesmith-development-secret-change-me"
VAR_DIR = Path(os.environ.get("RESUMESMITH_VAR_DIR", "var"))


class ConfigError(ResumesmithError):
    """The process must not start with this configuration."""

    code = "config_invalid"


def normalise_database_url(url: str) -> str:
    """Point plain Postgres URLs at psycopg 3, the only driver we install."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _flag(value: str | None, default: bool = False) -> bool:
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


QUOTA_UNLIMITED = 0
"""A daily quota of 0 means no limit (the default for admins)."""


def settings_from_env(env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Flask config keys from environment variables; refuse default secrets in production."""
    env = os.environ if env is None else env
    environment = env.get("RESUMESMITH_ENV", "development")
    default_db = f"sqlite:///{(VAR_DIR / 'resumesmith.db').resolve()}"
    redis_url = env.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    secret = env.get("SECRET_KEY", DEFAULT_SECRET)
    jwt_secret = env.get("JWT_SECRET_KEY", DEFAULT_SECRET)
    if environment == "production":
        missing = [
            name
            for name, value in (("SECRET_KEY", secret), ("JWT_SECRET_KEY", jwt_secret))
            if value == DEFAULT_SECRET or len(value) < 16
        ]
        if missing:
            raise ConfigError(
                f"{', '.join(missing)} must be set to a private value of 16+ characters "
                "when RESUMESMITH_ENV=production"
            )
    try:
        llm = llm_settings_from_env(env)
    except (ValueError, TypeError, IndexError) as error:
        raise ConfigError(f"LLM settings are invalid: {error}") from error
    for name in (llm.default, *llm.fallback):
        if name not in PROVIDERS:
            raise ConfigError(
                f"Unknown LLM provider '{name}' in LLM_PROVIDER/LLM_FALLBACK; "
                f"choose from {', '.join(PROVIDERS)}."
            )
    return {
        "RESUMESMITH_ENV": environment,
        "SECRET_KEY": secret,
        "JWT_SECRET_KEY": jwt_secret,
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(env.get("DATABASE_URL", default_db)),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": env.get("CELERY_BROKER_URL", redis_url),
        "LLM": llm,
        "MAX_CONTENT_LENGTH": int(env.get("MAX_CONTENT_LENGTH", str(10 * 1024 * 1024))),
        "API_TITLE": "resumesmith",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.1.0",
        "OPENAPI_URL_PREFIX": "/",
        "OPENAPI_JSON_PATH": "openapi.json",
        "OPENAPI_SWAGGER_UI_PATH": "/docs",
        "OPENAPI_SWAGGER_UI_URL": env.get(
            "SWAGGER_UI_URL", "https://cdn.jsdelivr.net/npm/swagger-ui-dist/"
        ),
        "POLL_RETRY_AFTER_SECONDS": int(env.get("POLL_RETRY_AFTER_SECONDS", "2")),
        # Server-sent events: a comment this often keeps proxies from closing a quiet stream, and
        # streams per process stay below gunicorn's 32 threads so other requests always get one.
        "SSE_HEARTBEAT_SECONDS": float(env.get("SSE_HEARTBEAT_SECONDS", "15")),
        "SSE_MAX_STREAMS": int(env.get("SSE_MAX_STREAMS", "24")),
        "ACCESS_TOKEN_SECONDS": int(env.get("ACCESS_TOKEN_SECONDS", str(15 * 60))),
        "REFRESH_TOKEN_SECONDS": int(env.get("REFRESH_TOKEN_SECONDS", str(14 * 24 * 3600))),
        "TOKEN_BLOCKLIST_URL": env.get("TOKEN_BLOCKLIST_URL", redis_url),
        "RATELIMIT_ENABLED": _flag(env.get("RATELIMIT_ENABLED"), default=True),
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", redis_url),
        "RATELIMIT_DEFAULT": env.get("RATELIMIT_DEFAULT", "300/minute"),
        "RATELIMIT_LOGIN": env.get("RATELIMIT_LOGIN", "5/minute"),
        "RATELIMIT_LOGIN_PER_IP": env.get("RATELIMIT_LOGIN_PER_IP", "30/minute"),
        "RATELIMIT_MATCHES": env.get("RATELIMIT_MATCHES", "30/minute"),
        "RATELIMIT_BATCHES": env.get("RATELIMIT_BATCHES", "10/minute"),
        "RATELIMIT_REGISTER": env.get("RATELIMIT_REGISTER", "20/hour"),
        # Off: Flask-Limiter would stamp Retry-After on every response, which clients polling an
        # operation read as "ask again later". A 429 gets its own Retry-After in api/errors.py.
        "RATELIMIT_HEADERS_ENABLED": False,
        "RATELIMIT_KEY_PREFIX": "resumesmith",
        "QUOTAS": {
            "user": int(env.get("QUOTA_USER", "20")),
            "premium": int(env.get("QUOTA_PREMIUM", "500")),
            "admin": int(env.get("QUOTA_ADMIN", "0")),
        },
        "CORS_ORIGINS": [o.strip() for o in env.get("CORS_ORIGINS", "").split(",") if o.strip()],
        # Webhooks: never to private, loopback or link-local addresses unless allowed (SSRF).
        "WEBHOOK_ALLOW_PRIVATE": _flag(env.get("WEBHOOK_ALLOW_PRIVATE")),
        "WEBHOOK_TIMEOUT_SECONDS": float(env.get("WEBHOOK_TIMEOUT_SECONDS", "15")),
        "WEBHOOK_RETRY_BASE_SECONDS": float(env.get("WEBHOOK_RETRY_BASE_SECONDS", "5")),
        "WEBHOOK_RETRY_MAX_DELAY_SECONDS": float(
            env.get("WEBHOOK_RETRY_MAX_DELAY_SECONDS", str(6 * 3600))
        ),
        "WEBHOOK_RETRY_WINDOW_SECONDS": float(
            env.get("WEBHOOK_RETRY_WINDOW_SECONDS", str(24 * 3600))
        ),
    }
