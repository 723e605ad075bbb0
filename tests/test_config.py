"""Configuration comes from the environment and refuses unsafe production settings."""

from __future__ import annotations

import pytest

from api.config import DEFAULT_SECRET, ConfigError, normalise_database_url, settings_from_env


def test_defaults_need_no_services() -> None:
    settings = settings_from_env({})
    assert settings["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert settings["SQLALCHEMY_DATABASE_URI"].endswith("var/resumesmith.db")
    assert settings["LLM"].default == "local"
    assert settings["LLM"].chain("local") == ["local"]
    assert not settings["LLM"].available("openai")
    assert settings["CELERY_BROKER_URL"] == settings["REDIS_URL"]


def test_production_refuses_default_secrets() -> None:
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        settings_from_env({"RESUMESMITH_ENV": "production"})
    with pytest.raises(ConfigError, match="JWT_SECRET_KEY"):
        settings_from_env(
            {"RESUMESMITH_ENV": "production", "SECRET_KEY": "a-long-private-value-123"}
        )


def test_production_starts_with_private_secrets() -> None:
    settings = settings_from_env(
        {
            "RESUMESMITH_ENV": "production",
            "SECRET_KEY": "a-long-private-value-123",
            "JWT_SECRET_KEY": "another-private-value-456",
        }
    )
    assert settings["SECRET_KEY"] != DEFAULT_SECRET


def test_postgres_urls_use_psycopg3() -> None:
    assert normalise_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_broker_url_follows_redis_url_unless_set() -> None:
    settings = settings_from_env({"REDIS_URL": "redis://cache:6379/2"})
    assert settings["CELERY_BROKER_URL"] == "redis://cache:6379/2"
    settings = settings_from_env(
        {"REDIS_URL": "redis://cache:6379/2", "CELERY_BROKER_URL": "redis://queue:6379/0"}
    )
    assert settings["CELERY_BROKER_URL"] == "redis://queue:6379/0"
