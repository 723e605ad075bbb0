"""Operation events: one capped Redis Stream per operation, replayed to late or returning listeners.

The API and the worker append an event each time an operation moves; the API's server-sent
events endpoint reads them back. Postgres stays the truth: an event that Redis could not take
never fails the operation, and a listener can always be told the current state from the row.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import redis
from flask import current_app

if TYPE_CHECKING:
    from models import Match, Optimization

log = logging.getLogger(__name__)

KEY_PREFIX = "resumesmith:events"
MAXLEN = 200
"""Events kept per operation (approximately): a 200-job match still fits with its end."""
TTL_SECONDS = 24 * 3600
TERMINAL_EVENTS = frozenset({"succeeded", "failed", "canceled", "partially_failed"})
QUIET_SECONDS = 30.0
"""After Redis refused a connection, skip events for this long instead of waiting on each one."""

_EVENT_ID = re.compile(r"^\d{1,20}-\d{1,20}$")
_CLIENTS: dict[tuple[str, float], redis.Redis] = {}
_QUIET_UNTIL: dict[str, float] = {}


@dataclass(frozen=True)
class Event:
    """One stored event: its stream id, its name (`stage_started`, `succeeded`, …) and data."""

    id: str
    name: str
    data: dict[str, Any]

    @property
    def terminal(self) -> bool:
        return self.name in TERMINAL_EVENTS


def key(kind: str, operation_id: uuid.UUID | str) -> str:
    """The stream of one operation, e.g. `resumesmith:events:optimization:<id>`."""
    return f"{KEY_PREFIX}:{kind}:{operation_id}"


def is_event_id(text: str) -> bool:
    """Whether `text` looks like an id we handed out (a Redis stream id)."""
    return bool(_EVENT_ID.match(text))


def connection(url: str, *, timeout: float = 2.0) -> redis.Redis:
    """A client per URL and read timeout, shared by the threads of this process."""
    client = _CLIENTS.get((url, timeout))
    if client is None:
        client = _CLIENTS.setdefault(
            (url, timeout),
            redis.Redis.from_url(
                url, socket_timeout=timeout, socket_connect_timeout=2, decode_responses=True
            ),
        )
    return client


def emit(
    kind: str,
    operation_id: uuid.UUID,
    event: str,
    data: dict[str, Any],
    *,
    user_id: uuid.UUID | None = None,
    callback_url: str | None = None,
    redis_url: str | None = None,
) -> str | None:
    """Append `event` to the operation's stream; a terminal event also schedules webhooks.

    Returns the event's id, or None when Redis did not take it. Never raises: an operation must
    not fail because its listeners could not be told.
    """
    event_id = _append(kind, operation_id, event, data, redis_url)
    if event in TERMINAL_EVENTS and user_id is not None:
        _schedule_webhooks(user_id, f"{kind}.{event}", data, callback_url)
    return event_id


def _append(
    kind: str, operation_id: uuid.UUID, event: str, data: dict[str, Any], url: str | None
) -> str | None:
    url = url or str(current_app.config["REDIS_URL"])
    if _QUIET_UNTIL.get(url, 0.0) > time.monotonic():
        return None
    stream = key(kind, operation_id)
    fields = {"event": event, "data": json.dumps(data, separators=(",", ":"), default=str)}
    try:
        pipe = connection(url).pipeline(transaction=True)
        pipe.xadd(stream, fields, maxlen=MAXLEN, approximate=True)  # type: ignore[arg-type]
        pipe.expire(stream, TTL_SECONDS)
        event_id, _ = pipe.execute()
    except (redis.ConnectionError, redis.TimeoutError) as error:
        _QUIET_UNTIL[url] = time.monotonic() + QUIET_SECONDS
        log.warning(
            "event %s of %s %s not recorded, Redis unreachable (%s); skipping events for %ds",
            event,
            kind,
            operation_id,
            type(error).__name__,
            QUIET_SECONDS,
        )
        return None
    except redis.RedisError as error:
        log.warning("event %s of %s %s not recorded: %s", event, kind, operation_id, error)
        return None
    return str(event_id)


def _schedule_webhooks(
    user_id: uuid.UUID, event_type: str, data: dict[str, Any], callback_url: str | None
) -> None:
    try:
        import worker.webhooks as webhooks  # imported late: webhooks import the app's tasks
    except ModuleNotFoundError as error:
        if error.name != "worker.webhooks":
            log.exception("webhooks cannot be loaded; %s not scheduled", event_type)
        return
    try:
        webhooks.schedule(user_id, event_type, data, callback_url=callback_url)
    except Exception:  # documented never to raise; an operation still must not fail if it does
        log.exception("scheduling webhooks for %s failed", event_type)


def read(
    client: redis.Redis,
    kind: str,
    operation_id: uuid.UUID,
    *,
    after: str = "0-0",
    block_seconds: float | None = None,
) -> list[Event]:
    """Events after the id `after`, oldest first; with `block_seconds`, wait that long for one.

    Raises `redis.RedisError` when Redis cannot be read: the caller decides what that means.
    """
    stream = key(kind, operation_id)
    block = None if block_seconds is None else max(1, int(block_seconds * 1000))
    response: Any = client.xread({stream: after}, block=block)
    if not response:
        return []
    # RESP2 answers [[key, entries]], RESP3 {key: [entries]}.
    entries = response[0][1] if isinstance(response, list) else next(iter(response.values()))[0]
    return [_decoded(entry_id, fields) for entry_id, fields in entries]


def _decoded(entry_id: str, fields: dict[str, str]) -> Event:
    try:
        data = json.loads(fields.get("data", "{}"))
    except ValueError:
        data = {}
    return Event(id=str(entry_id), name=fields.get("event", "message"), data=data)


# --- what each kind of operation says about itself ---------------------------------------------


def optimization_data(optimization: Optimization) -> dict[str, Any]:
    """An optimization event's data: where it is, and where to look for the rest."""
    self_url = f"/api/v1/optimizations/{optimization.id}"
    data: dict[str, Any] = {
        "id": str(optimization.id),
        "status": optimization.status,
        "stage": optimization.stage,
        "progress": optimization.progress,
        "links": {"self": self_url, "events": self_url + "/events"},
    }
    if optimization.status == "failed":
        data["error"] = optimization.error
    return data


def announce_optimization(optimization: Optimization, event: str) -> str | None:
    """Emit `event` for an optimization with its current state; never raises."""
    try:
        data = optimization_data(optimization)
        callback_url = (optimization.options or {}).get("callback_url")
    except Exception:  # e.g. the row was deleted under us; the event is not worth a failure
        log.exception("could not describe optimization for event %s", event)
        return None
    return emit(
        "optimization",
        optimization.id,
        event,
        data,
        user_id=optimization.user_id,
        callback_url=callback_url,
    )


def match_data(match: Match) -> dict[str, Any]:
    """A match event's data, from its row."""
    return match_counts_data(
        match.id,
        status=match.status,
        total=match.total,
        succeeded=match.succeeded,
        failed=match.failed,
    )


def match_counts_data(
    match_id: uuid.UUID, *, status: str, total: int, succeeded: int, failed: int
) -> dict[str, Any]:
    """A match event's data: counts so far and where to read the ranking."""
    self_url = f"/api/v1/matches/{match_id}"
    done = succeeded + failed
    return {
        "id": str(match_id),
        "status": status,
        "total": total,
        "succeeded": succeeded,
        "failed": failed,
        "progress": 100 * done // total if total else 100,
        "links": {"self": self_url, "events": self_url + "/events"},
    }


def announce_match(match: Match, event: str) -> str | None:
    """Emit `event` for a match with its current counts; never raises."""
    return emit("match", match.id, event, match_data(match), user_id=match.user_id)
