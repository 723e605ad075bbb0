"""Language-model providers behind one interface: OpenAI, Anthropic and OpenAI-compatible servers.

A provider only turns a prompt into JSON. Retries, the circuit breaker, the cache and accounting
live in `llm.py`, so every provider gets them alike; what the JSON means lives in `edits.py`.
The offline engine (`offline.py`) needs none of this and is the `local` strategy.
"""

from __future__ import annotations

import email.utils
import json
import os
import time
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import anthropic
import openai

LOCAL = "local"
PROVIDERS = (LOCAL, "openai", "anthropic", "ollama")
CLOUD = frozenset({"openai", "anthropic"})
"""Providers whose requests leave the machine: PII is redacted for them unless a user opts out."""

DEFAULT_MODELS = {
    LOCAL: "offline-1",
    "openai": "gpt-4o-mini",
    "anthropic": "claude-haiku-4-5",
    "ollama": "llama3.1",
}
DEFAULT_PRICES: dict[str, tuple[float, float]] = {
    # USD per million input and output tokens; override with LLM_PRICES. Local models cost 0.
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1": (2.00, 8.00),
    "claude-haiku-4-5": (1.00, 5.00),
    "claude-sonnet-4-5": (3.00, 15.00),
}


@dataclass(frozen=True)
class ProviderSettings:
    """Where one provider lives and how long we wait for it."""

    name: str
    model: str
    api_key: str = ""
    base_url: str | None = None
    timeout: float = 60.0

    @property
    def configured(self) -> bool:
        if self.name == LOCAL:
            return True
        if self.name == "ollama":
            return bool(self.base_url)
        return bool(self.api_key)

    @property
    def unavailable_reason(self) -> str:
        if self.configured:
            return ""
        if self.name == "ollama":
            return "set OLLAMA_BASE_URL (e.g. http://localhost:11434/v1)"
        return f"set {self.name.upper()}_API_KEY"


@dataclass(frozen=True)
class LLMSettings:
    """Provider choice and reliability knobs, read once from the environment."""

    default: str = LOCAL
    fallback: tuple[str, ...] = ()
    providers: Mapping[str, ProviderSettings] = field(
        default_factory=lambda: {LOCAL: ProviderSettings(LOCAL, DEFAULT_MODELS[LOCAL])}
    )
    max_retries: int = 3
    backoff_base: float = 1.0
    backoff_max: float = 20.0
    max_retry_after: float = 60.0
    """A `Retry-After` longer than this is not waited for: the next provider in the chain is."""
    cache_ttl: int = 7 * 24 * 3600
    circuit_threshold: int = 5
    circuit_cooldown: float = 60.0
    max_output_tokens: int = 4096
    prices: Mapping[str, tuple[float, float]] = field(default_factory=lambda: DEFAULT_PRICES)

    def get(self, name: str) -> ProviderSettings:
        return self.providers.get(name) or ProviderSettings(name, DEFAULT_MODELS.get(name, ""))

    def available(self, name: str) -> bool:
        return name in PROVIDERS and self.get(name).configured

    def chain(self, requested: str) -> list[str]:
        """The requested provider, then the configured fallbacks that are available."""
        if requested == LOCAL:
            return [LOCAL]
        chain = [requested]
        chain += [p for p in self.fallback if p not in chain and self.available(p)]
        return chain

    def price(self, model: str) -> tuple[float, float]:
        """The model's price, or that of the longest priced name it starts with: providers
        answer with dated snapshots (`gpt-4o-mini-2024-07-18`) of the model we asked for."""
        if model in self.prices:
            return self.prices[model]
        names = [name for name in self.prices if model.startswith(name + "-")]
        return self.prices[max(names, key=len)] if names else (0.0, 0.0)

    def cost(self, model: str, input_tokens: int, output_tokens: int) -> float:
        price_in, price_out = self.price(model)
        return round((input_tokens * price_in + output_tokens * price_out) / 1_000_000, 6)


def llm_settings_from_env(env: Mapping[str, str] | None = None) -> LLMSettings:
    """Keys, base URLs, models and limits from environment variables, with offline defaults."""
    env = os.environ if env is None else env
    cloud_timeout = float(env.get("LLM_TIMEOUT_SECONDS", "60"))
    providers = {
        LOCAL: ProviderSettings(LOCAL, DEFAULT_MODELS[LOCAL]),
        "openai": ProviderSettings(
            "openai",
            env.get("OPENAI_MODEL", DEFAULT_MODELS["openai"]),
            api_key=env.get("OPENAI_API_KEY", ""),
            base_url=env.get("OPENAI_BASE_URL") or None,
            timeout=cloud_timeout,
        ),
        "anthropic": ProviderSettings(
            "anthropic",
            env.get("ANTHROPIC_MODEL", DEFAULT_MODELS["anthropic"]),
            api_key=env.get("ANTHROPIC_API_KEY", ""),
            base_url=env.get("ANTHROPIC_BASE_URL") or None,
            timeout=cloud_timeout,
        ),
        # Local models are slow on CPUs: they get a much longer timeout by default.
        "ollama": ProviderSettings(
            "ollama",
            env.get("OLLAMA_MODEL", DEFAULT_MODELS["ollama"]),
            api_key=env.get("OLLAMA_API_KEY", ""),
            base_url=env.get("OLLAMA_BASE_URL") or None,
            timeout=float(env.get("OLLAMA_TIMEOUT_SECONDS", "300")),
        ),
    }
    prices = dict(DEFAULT_PRICES)
    for model, pair in json.loads(env.get("LLM_PRICES", "{}")).items():
        prices[model] = (float(pair[0]), float(pair[1]))
    fallback = tuple(p.strip() for p in env.get("LLM_FALLBACK", "").split(",") if p.strip())
    return LLMSettings(
        default=env.get("LLM_PROVIDER", LOCAL),
        fallback=fallback,
        providers=providers,
        max_retries=int(env.get("LLM_MAX_RETRIES", "3")),
        backoff_base=float(env.get("LLM_BACKOFF_SECONDS", "1")),
        max_retry_after=float(env.get("LLM_MAX_RETRY_AFTER_SECONDS", "60")),
        cache_ttl=int(env.get("LLM_CACHE_TTL_SECONDS", str(7 * 24 * 3600))),
        circuit_threshold=int(env.get("LLM_CIRCUIT_THRESHOLD", "5")),
        circuit_cooldown=float(env.get("LLM_CIRCUIT_COOLDOWN_SECONDS", "60")),
        max_output_tokens=int(env.get("LLM_MAX_OUTPUT_TOKENS", "4096")),
        prices=prices,
    )


@dataclass(frozen=True)
class CompletionRequest:
    """One structured-output request: instructions, delimited data and the JSON schema to fill."""

    system: str
    user: str
    schema: Mapping[str, Any]
    schema_name: str
    max_tokens: int
    temperature: float = 0.2
    repair: tuple[str, str] | None = None
    """(the previous invalid reply, what was wrong with it) when asking the model to try again."""

    def fingerprint(self) -> dict[str, Any]:
        return {
            "system": self.system,
            "user": self.user,
            "schema": self.schema,
            "max_tokens": self.max_tokens,
            "temperature": self.temperature,
            "repair": self.repair,
        }


@dataclass
class Completion:
    """What a provider answered, before we check it against the schema."""

    text: str
    truncated: bool
    input_tokens: int = 0
    output_tokens: int = 0
    model: str = ""


class ProviderError(Exception):
    """A call that failed; `retryable` says whether trying again can help."""

    def __init__(
        self,
        code: str,
        detail: str,
        *,
        retryable: bool,
        retry_after: float | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.retryable = retryable
        self.retry_after = retry_after
        self.status = status


def parse_retry_after(headers: Mapping[str, str] | None) -> float | None:
    """Seconds to wait from `retry-after-ms` or `Retry-After` (seconds or an HTTP date)."""
    if not headers:
        return None
    millis = headers.get("retry-after-ms")
    if millis:
        try:
            return max(0.0, float(millis) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - time.time())


def _status_error(status: int, headers: Mapping[str, str] | None, message: str) -> ProviderError:
    retry_after = parse_retry_after(headers)
    if status == 429:
        return ProviderError(
            "llm_rate_limited", message, retryable=True, retry_after=retry_after, status=status
        )
    if status >= 500 or status in (408, 409):
        return ProviderError(
            "llm_server_error", message, retryable=True, retry_after=retry_after, status=status
        )
    if status in (401, 403):
        return ProviderError("llm_auth_failed", message, retryable=False, status=status)
    return ProviderError("llm_request_rejected", message, retryable=False, status=status)


class Provider(ABC):
    """A language model that fills a JSON schema."""

    def __init__(self, settings: ProviderSettings) -> None:
        self.settings = settings
        self.name = settings.name
        self.model = settings.model

    @abstractmethod
    def complete(self, request: CompletionRequest) -> Completion:
        """Send one request; raise ProviderError on failure."""


class OpenAIProvider(Provider):
    """OpenAI's Chat Completions with a strict JSON schema (`response_format`)."""

    def __init__(self, settings: ProviderSettings) -> None:
        super().__init__(settings)
        # Our own retry loop decides; the SDK's would hide 429s from the circuit breaker.
        self.client = openai.OpenAI(
            api_key=settings.api_key or "not-needed",
            base_url=settings.base_url,
            timeout=settings.timeout,
            max_retries=0,
        )

    def _messages(self, request: CompletionRequest) -> list[dict[str, str]]:
        messages = [
            {"role": "system", "content": request.system},
            {"role": "user", "content": request.user},
        ]
        if request.repair:
            bad, problem = request.repair
            messages += [
                {"role": "assistant", "content": bad},
                {"role": "user", "content": repair_instruction(problem)},
            ]
        return messages

    def _token_limit(self, request: CompletionRequest) -> dict[str, int]:
        return {"max_completion_tokens": request.max_tokens}

    def complete(self, request: CompletionRequest) -> Completion:
        try:
            response = self.client.chat.completions.create(  # type: ignore[call-overload]
                model=self.model,
                messages=self._messages(request),
                temperature=request.temperature,
                response_format={
                    "type": "json_schema",
                    "json_schema": {
                        "name": request.schema_name,
                        "schema": dict(request.schema),
                        "strict": True,
                    },
                },
                **self._token_limit(request),
            )
        except openai.APITimeoutError as error:
            raise ProviderError("llm_timeout", str(error), retryable=True) from error
        except openai.APIConnectionError as error:
            raise ProviderError("llm_unreachable", str(error), retryable=True) from error
        except openai.APIStatusError as error:
            raise _status_error(error.status_code, error.response.headers, error.message) from error
        if not response.choices:
            raise ProviderError("llm_invalid_output", "The reply had no choices.", retryable=True)
        choice = response.choices[0]
        if getattr(choice.message, "refusal", None):
            raise ProviderError("llm_refused", str(choice.message.refusal), retryable=False)
        usage = response.usage
        return Completion(
            text=choice.message.content or "",
            truncated=choice.finish_reason == "length",
            input_tokens=usage.prompt_tokens if usage else 0,
            output_tokens=usage.completion_tokens if usage else 0,
            model=response.model or self.model,
        )


class OllamaProvider(OpenAIProvider):
    """Any OpenAI-compatible server (Ollama, llama.cpp, vLLM) at `OLLAMA_BASE_URL`."""

    def _token_limit(self, request: CompletionRequest) -> dict[str, int]:
        # Compatible servers read the older name; newer OpenAI-only models reject it.
        return {"max_tokens": request.max_tokens}


class AnthropicProvider(Provider):
    """Anthropic's Messages API, with the schema as a tool the model is made to call."""

    def __init__(self, settings: ProviderSettings) -> None:
        super().__init__(settings)
        self.client = anthropic.Anthropic(
            api_key=settings.api_key,
            base_url=settings.base_url,
            timeout=settings.timeout,
            max_retries=0,
        )

    def complete(self, request: CompletionRequest) -> Completion:
        messages: list[dict[str, str]] = [{"role": "user", "content": request.user}]
        if request.repair:
            bad, problem = request.repair
            messages += [
                {"role": "assistant", "content": bad or "{}"},
                {"role": "user", "content": repair_instruction(problem)},
            ]
        try:
            response = self.client.messages.create(  # type: ignore[call-overload]
                model=self.model,
                max_tokens=request.max_tokens,
                system=request.system,
                messages=messages,
                tools=[
                    {
                        "name": request.schema_name,
                        "description": "Submit the result. Call this exactly once.",
                        "input_schema": dict(request.schema),
                    }
                ],
                tool_choice={"type": "tool", "name": request.schema_name},
            )
        except anthropic.APITimeoutError as error:
            raise ProviderError("llm_timeout", str(error), retryable=True) from error
        except anthropic.APIConnectionError as error:
            raise ProviderError("llm_unreachable", str(error), retryable=True) from error
        except anthropic.APIStatusError as error:
            raise _status_error(error.status_code, error.response.headers, error.message) from error
        text = ""
        for block in response.content:
            if block.type == "tool_use":
                text = json.dumps(block.input)
                break
            if block.type == "text" and not text:
                text = block.text
        return Completion(
            text=text,
            truncated=response.stop_reason == "max_tokens",
            input_tokens=response.usage.input_tokens,
            output_tokens=response.usage.output_tokens,
            model=response.model or self.model,
        )


def repair_instruction(problem: str) -> str:
    return (
        "Your previous reply could not be used: "
        f"{problem[:500]}. Reply again with only the JSON object the schema describes."
    )


_CLASSES: dict[str, type[Provider]] = {
    "openai": OpenAIProvider,
    "anthropic": AnthropicProvider,
    "ollama": OllamaProvider,
}
_INSTANCES: dict[ProviderSettings, Provider] = {}


def provider_for(settings: ProviderSettings) -> Provider:
    """One client per settings per process: SDK clients keep connection pools worth reusing."""
    instance = _INSTANCES.get(settings)
    if instance is None:
        instance = _INSTANCES[settings] = _CLASSES[settings.name](settings)
    return instance
