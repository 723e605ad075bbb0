"""Which language-model providers this server can use, so clients offer only those."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from api.schemas import ProvidersOut
from api.security import authenticate
from worker.pipeline.errors import InvalidInput
from worker.pipeline.llm import CircuitBreaker, RedisStore
from worker.pipeline.providers import CLOUD, PROVIDERS, LLMSettings

blp = Blueprint("providers", __name__, url_prefix="/api/v1/providers", description="LLM providers")
blp.before_request(authenticate)


def settings() -> LLMSettings:
    return current_app.config["LLM"]


def require_available(requested: str | None) -> str:
    """The provider a new optimization will use; 422 now rather than a failed task later."""
    llm = settings()
    name = requested or llm.default
    if not llm.available(name):
        usable = [p for p in PROVIDERS if llm.available(p)]
        raise InvalidInput(
            f"Provider '{name}' is not configured on this server "
            f"({llm.get(name).unavailable_reason}); available: {', '.join(usable)}.",
            code="provider_unavailable",
        )
    return name


@blp.route("")
class Providers(MethodView):
    @blp.response(200, ProvidersOut)
    def get(self) -> dict[str, Any]:
        """List the providers, whether each is configured, its model and its circuit state."""
        llm = settings()
        store = RedisStore.shared(current_app.config["REDIS_URL"])
        items = []
        for name in PROVIDERS:
            provider = llm.get(name)
            breaker = CircuitBreaker(
                store, name, threshold=llm.circuit_threshold, cooldown=llm.circuit_cooldown
            )
            items.append(
                {
                    "name": name,
                    "available": provider.configured,
                    "default": name == llm.default,
                    "model": provider.model,
                    "cloud": name in CLOUD,
                    "circuit": breaker.state if name in CLOUD or name == "ollama" else "closed",
                    "reason": provider.unavailable_reason,
                }
            )
        return {"default": llm.default, "fallback": list(llm.fallback), "providers": items}
