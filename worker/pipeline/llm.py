"""Calling a language model dependably: cache, circuit breaker, retries with backoff, accounting.

Every provider fails the same ways (429, 5xx, timeouts, truncated or invalid JSON), so the
handling lives here once. Shared state (the cache and each provider's circuit) sits in a `Store`:
Redis in the worker, so all workers see one circuit; memory for the CLI, which has no Redis.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import jsonschema
import redis

from worker.pipeline.providers import (
    CLOUD,
    Completion,
    CompletionRequest,
    LLMSettings,
    Provider,
    ProviderError,
)
from worker.pipeline.types import AICall

log = logging.getLogger(__name__)
KEY_PREFIX = "resumesmith:llm"


class Store(Protocol):
    """The few key-value operations the cache and the circuit breaker need."""

    def get(self, key: str) -> str | None: ...

    def set(self, key: str, value: str, ttl: float) -> None: ...

    def add(self, key: str, value: str, ttl: float) -> bool:
        """Set only if absent; True if this call set it."""
        ...

    def incr(self, key: str, ttl: float) -> int: ...

    def delete(self, *keys: str) -> None: ...


class MemoryStore:
    """A Store for one process (the CLI and the demo)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.items: dict[str, tuple[str, float]] = {}

    def get(self, key: str) -> str | None:
        item = self.items.get(key)
        if item is None or item[1] <= self.clock():
            self.items.pop(key, None)
            return None
        return item[0]

    def set(self, key: str, value: str, ttl: float) -> None:
        self.items[key] = (value, self.clock() + ttl)

    def add(self, key: str, value: str, ttl: float) -> bool:
        if self.get(key) is not None:
            return False
        self.set(key, value, ttl)
        return True

    def incr(self, key: str, ttl: float) -> int:
        value = int(self.get(key) or 0) + 1
        expires = self.items.get(key, ("", self.clock() + ttl))[1]
        self.items[key] = (str(value), expires)
        return value

    def delete(self, *keys: str) -> None:
        for key in keys:
            self.items.pop(key, None)


class RedisStore:
    """A Store in Redis, shared by every worker; an unreachable Redis degrades, never fails."""

    def __init__(self, client: redis.Redis) -> None:
        self.client = client

    @classmethod
    def from_url(cls, url: str) -> RedisStore:
        return cls(redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2))

    @classmethod
    @functools.cache
    def shared(cls, url: str) -> RedisStore:
        """One store (one connection pool) per URL per process, for callers on hot paths."""
        return cls.from_url(url)

    def get(self, key: str) -> str | None:
        try:
            value = self.client.get(key)
        except redis.RedisError:
            log.warning("llm store unreachable; treating %s as absent", key)
            return None
        return value.decode() if isinstance(value, bytes) else value

    def set(self, key: str, value: str, ttl: float) -> None:
        try:
            self.client.set(key, value, px=max(1, int(ttl * 1000)))
        except redis.RedisError:
            log.warning("llm store unreachable; %s not saved", key)

    def add(self, key: str, value: str, ttl: float) -> bool:
        try:
            return bool(self.client.set(key, value, px=max(1, int(ttl * 1000)), nx=True))
        except redis.RedisError:
            return True

    def incr(self, key: str, ttl: float) -> int:
        try:
            pipe = self.client.pipeline()
            pipe.incr(key)
            pipe.pexpire(key, max(1, int(ttl * 1000)), nx=True)
            count, _ = pipe.execute()
            return int(count)
        except redis.RedisError:
            return 0

    def delete(self, *keys: str) -> None:
        try:
            self.client.delete(*keys)
        except redis.RedisError:
            log.warning("llm store unreachable; %s not deleted", keys)


class CircuitBreaker:
    """Stops calling a provider that keeps failing, for every worker at once.

    `threshold` server-side failures within `cooldown` seconds open the circuit; after the
    cooldown one trial call is let through (half-open) and its result closes or reopens it.
    """

    def __init__(self, store: Store, provider: str, *, threshold: int, cooldown: float) -> None:
        self.store = store
        self.threshold = threshold
        self.cooldown = cooldown
        base = f"{KEY_PREFIX}:circuit:{provider}"
        self.failures_key, self.open_key, self.trial_key = (
            f"{base}:failures",
            f"{base}:open",
            f"{base}:trial",
        )

    @property
    def state(self) -> str:
        if self.store.get(self.open_key):
            return "open"
        if self.store.get(self.trial_key):
            return "half_open"
        return "closed"

    def allow(self) -> bool:
        if self.store.get(self.open_key):
            return False
        if int(self.store.get(self.failures_key) or 0) >= self.threshold:
            # The open period has passed: let exactly one caller try.
            return self.store.add(self.trial_key, "1", self.cooldown)
        return True

    def record_success(self) -> None:
        self.store.delete(self.failures_key, self.open_key, self.trial_key)

    def record_failure(self) -> None:
        failures = self.store.incr(self.failures_key, self.cooldown * 10)
        if failures >= self.threshold:
            self.store.set(self.open_key, "1", self.cooldown)
            self.store.delete(self.trial_key)


class CallFailed(Exception):
    """A provider gave no usable answer after retries; the chain moves to the next one."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


@dataclass
class Caller:
    """Runs one structured request against one provider with every safeguard, and accounts it."""

    settings: LLMSettings
    store: Store
    prompt_version: str
    sleep: Callable[[float], None] = time.sleep
    calls: list[AICall] = field(default_factory=list)
    waits: list[float] = field(default_factory=list)
    """Seconds slept between attempts, in order; the result shows why a run took long."""

    def backoff(self, attempt: int, retry_after: float | None) -> float:
        """Full jitter, exponential in the attempt; a server's Retry-After is a floor."""
        ceiling = min(self.settings.backoff_max, self.settings.backoff_base * 2 ** (attempt - 1))
        delay = random.uniform(0, ceiling)  # jitter, not security
        return max(delay, retry_after or 0.0)

    def _cache_key(self, provider: Provider, request: CompletionRequest) -> str:
        material = json.dumps(
            {
                "provider": provider.name,
                "model": provider.model,
                "base_url": provider.settings.base_url,
                **request.fingerprint(),
            },
            sort_keys=True,
        )
        return f"{KEY_PREFIX}:cache:{hashlib.sha256(material.encode()).hexdigest()}"

    def _account(self, provider: Provider, completion: Completion | None, **fields: Any) -> None:
        # Accounted under the model we asked for, so a month groups one row per model; the
        # price follows the dated snapshot that answered, which can differ.
        model = provider.model
        snapshot = (completion.model if completion else "") or model
        # Only tokens a provider processed (and billed) count; a cache hit processed none.
        billed = completion is not None and not fields.get("cache_hit")
        tokens_in = completion.input_tokens if billed and completion else 0
        tokens_out = completion.output_tokens if billed and completion else 0
        # Local servers cost nothing per token, whatever their model is called.
        cloud = provider.name in CLOUD
        cost = self.settings.cost(snapshot, tokens_in, tokens_out) if cloud else 0.0
        self.calls.append(
            AICall(
                provider=provider.name,
                model=model,
                prompt_version=self.prompt_version,
                input_tokens=tokens_in,
                output_tokens=tokens_out,
                cost_usd=cost,
                **fields,
            )
        )

    def structured(
        self,
        provider: Provider,
        request: CompletionRequest,
        validate: Callable[[Mapping[str, Any]], None] | None = None,
    ) -> dict[str, Any]:
        """The provider's JSON, valid against `request.schema` (and `validate`), or CallFailed.

        Invalid JSON gets one repair round; truncation gets one retry with twice the budget.
        """
        repaired = widened = False
        while True:
            completion = self.complete(provider, request)
            if completion.truncated:
                if widened:
                    raise CallFailed(
                        "llm_output_truncated",
                        f"{provider.name} stopped at its output limit twice "
                        f"({request.max_tokens} tokens).",
                    )
                widened = True
                request = _replace(request, max_tokens=request.max_tokens * 2)
                continue
            try:
                data = json.loads(completion.text)
                _validator(json.dumps(request.schema, sort_keys=True)).validate(data)
                if validate is not None:
                    validate(data)
            except (ValueError, jsonschema.ValidationError) as error:
                problem = getattr(error, "message", None) or str(error)
                self.calls[-1].outcome = "llm_invalid_output"
                if repaired:
                    raise CallFailed(
                        "llm_invalid_output",
                        f"{provider.name} returned output that does not match the schema twice: "
                        f"{problem[:200]}",
                    ) from error
                repaired = True
                request = _replace(request, repair=(completion.text[:4000], problem))
                continue
            self._remember(provider, request, completion)
            return data

    def _remember(self, provider: Provider, request: CompletionRequest, reply: Completion) -> None:
        if self.calls and self.calls[-1].cache_hit:
            return
        value = json.dumps(reply.__dict__)
        self.store.set(self._cache_key(provider, request), value, self.settings.cache_ttl)

    def complete(self, provider: Provider, request: CompletionRequest) -> Completion:
        """One completion: from the cache, or from the provider with retries; always accounted."""
        cached = self.store.get(self._cache_key(provider, request))
        if cached is not None:
            completion = Completion(**json.loads(cached))
            self._account(provider, completion, cache_hit=True, outcome="ok")
            return completion
        breaker = CircuitBreaker(
            self.store,
            provider.name,
            threshold=self.settings.circuit_threshold,
            cooldown=self.settings.circuit_cooldown,
        )
        attempts = self.settings.max_retries + 1
        for attempt in range(1, attempts + 1):
            if not breaker.allow():
                self._account(provider, None, outcome="llm_circuit_open", attempt=attempt)
                raise CallFailed(
                    "llm_circuit_open",
                    f"{provider.name} failed repeatedly and is paused for "
                    f"{self.settings.circuit_cooldown:g}s.",
                )
            started = time.perf_counter()
            try:
                completion = provider.complete(request)
            except ProviderError as error:
                latency = int((time.perf_counter() - started) * 1000)
                self._account(
                    provider, None, outcome=error.code, attempt=attempt, latency_ms=latency
                )
                if error.code in ("llm_server_error", "llm_timeout", "llm_unreachable"):
                    breaker.record_failure()
                if not error.retryable or attempt == attempts:
                    raise CallFailed(error.code, _describe(provider, error)) from error
                wait = self.backoff(attempt, error.retry_after)
                if error.retry_after is not None and wait > self.settings.max_retry_after:
                    raise CallFailed(error.code, _describe(provider, error)) from error
                log.info("%s: %s, retrying in %.2fs", provider.name, error.code, wait)
                self.waits.append(wait)
                self.sleep(wait)
                continue
            breaker.record_success()
            latency = int((time.perf_counter() - started) * 1000)
            outcome = "llm_output_truncated" if completion.truncated else "ok"
            self._account(
                provider, completion, outcome=outcome, attempt=attempt, latency_ms=latency
            )
            return completion
        raise AssertionError("unreachable")  # pragma: no cover


@functools.lru_cache(maxsize=16)
def _validator(schema: str) -> Any:
    """Checking the schema itself costs more than validating a reply: do it once per schema."""
    loaded = json.loads(schema)
    cls = jsonschema.validators.validator_for(loaded)
    cls.check_schema(loaded)
    return cls(loaded)


def _replace(request: CompletionRequest, **changes: Any) -> CompletionRequest:
    return CompletionRequest(**{**request.__dict__, **changes})


def _describe(provider: Provider, error: ProviderError) -> str:
    status = f" (HTTP {error.status})" if error.status else ""
    return f"{provider.name}{status}: {error.detail[:300]}"
