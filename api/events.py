"""Server-sent events for any long-running operation, read back from its Redis Stream.

`stream(kind, operation_id, load=...)` answers `text/event-stream`: the events the client missed
(after `Last-Event-ID`), then new ones as they are appended, a heartbeat comment whenever nothing
happened for `SSE_HEARTBEAT_SECONDS`, and the end of the stream after the terminal event. The
operation's row is the fallback truth: a stream that expired or lost an event is completed from
what `load` reads, so a client never waits on an operation that has already finished.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import redis
from flask import Flask, Response, current_app, request, stream_with_context
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import lazyload

from api.lookup import NotFound
from models import db
from worker import events
from worker.events import TERMINAL_EVENTS, Event
from worker.pipeline.errors import ResumesmithError

log = logging.getLogger(__name__)

State = tuple[str, dict[str, Any]]
"""An operation's status and the data of an event describing it."""
Loader = Callable[[], State | None]
"""Reads the operation's row again; None once it was deleted."""

HEARTBEAT = ": heartbeat\n\n"
RETRY_MS = 3000
"""How long an `EventSource` waits before reconnecting after the connection drops."""
START_ID = "0-0"
"""The id before any event: a client holding it has seen nothing yet."""

STREAM_DOC: dict[str, Any] = {
    "parameters": [
        {
            "in": "header",
            "name": "Last-Event-ID",
            "schema": {"type": "string", "pattern": "^[0-9]+-[0-9]+$"},
            "description": "Resume after this event: only the events that came later are sent",
        },
        {
            "in": "query",
            "name": "last_event_id",
            "schema": {"type": "string", "pattern": "^[0-9]+-[0-9]+$"},
            "description": "The same, for EventSource polyfills that cannot set headers",
        },
    ],
    "responses": {
        "200": {
            "description": "Events until the operation ends: `id:`, `event:` and one-line JSON "
            "`data:` each; `: heartbeat` comments while nothing happens.",
            "content": {"text/event-stream": {"schema": {"type": "string"}}},
        }
    },
}
"""OpenAPI for an events endpoint: `@blp.doc(**STREAM_DOC)`."""


class EventsUnavailable(ResumesmithError):
    code = "events_unavailable"
    status = 503
    title = "Events unavailable"


def stream(kind: str, operation_id: uuid.UUID, *, load: Loader) -> Response:
    """Answer with the operation's events; call it after the ownership check.

    Everything that can fail as a problem (Redis down, too many streams) fails here, before the
    first byte is sent.
    """
    config = current_app.config
    heartbeat = float(config["SSE_HEARTBEAT_SECONDS"])
    client = events.connection(str(config["REDIS_URL"]), timeout=heartbeat + 5)
    cursor = _last_event_id()
    try:
        backlog = events.read(client, kind, operation_id, after=cursor or START_ID)
    except redis.RedisError as error:
        log.warning("events of %s %s unreadable: %s", kind, operation_id, error)
        raise _unavailable("Live events are unavailable right now; poll the operation.") from error
    state = load()
    if state is None:  # deleted since the ownership check
        raise NotFound(
            f"No {kind.replace('_', ' ')} with id {operation_id}.", code=f"{kind}_not_found"
        )
    slots = _stream_slots(current_app._get_current_object())  # type: ignore[attr-defined]
    if not slots.acquire(blocking=False):
        raise _unavailable(
            "This server holds as many event streams as it can; poll the operation or retry.",
            code="too_many_streams",
        )
    db.session.close()  # a stream can last for hours; it must not hold a database connection
    body = _events(
        client,
        kind,
        operation_id,
        cursor=cursor or START_ID,
        backlog=backlog,
        state=state,
        load=load,
        heartbeat=heartbeat,
    )
    response = Response(stream_with_context(body), mimetype="text/event-stream")
    response.call_on_close(slots.release)  # also when the client leaves mid-stream
    response.headers["Cache-Control"] = "no-cache"
    response.headers["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
    return response


def row_loader(model: Any, row_id: uuid.UUID, describe: Callable[[Any], dict[str, Any]]) -> Loader:
    """A `Loader` for a model with a `status`, reading only the row (no relationships)."""

    def load() -> State | None:
        row = db.session.scalar(
            select(model)
            .where(model.id == row_id)
            .options(lazyload("*"))
            .execution_options(populate_existing=True)
        )
        return None if row is None else (str(row.status), describe(row))

    return load


def _events(
    client: redis.Redis,
    kind: str,
    operation_id: uuid.UUID,
    *,
    cursor: str,
    backlog: list[Event],
    state: State,
    load: Loader,
    heartbeat: float,
) -> Iterator[str]:
    first = True
    for event in backlog:
        yield _encode(event, retry=first)
        first, cursor = False, event.id
        if event.terminal:
            return
    status, data = state
    if first or status in TERMINAL_EVENTS:
        # Nothing to replay, or the row finished but its event is not (yet) in the stream:
        # the client hears the current state at once.
        yield _encode(_synthesized(cursor, status, data), retry=first)
        if status in TERMINAL_EVENTS:
            return
    while True:
        try:
            fresh = events.read(client, kind, operation_id, after=cursor, block_seconds=heartbeat)
        except redis.RedisError as error:
            log.warning("events of %s %s stopped: %s", kind, operation_id, error)
            return  # the client reconnects with Last-Event-ID
        for event in fresh:
            yield _encode(event)
            cursor = event.id
            if event.terminal:
                return
        if fresh:
            continue
        yield HEARTBEAT
        # Quiet for a while: make sure the operation did not finish without its event
        # reaching the stream (e.g. Redis was down when it was sent).
        try:
            current = load()
        except SQLAlchemyError as error:
            log.warning("events of %s %s stopped: %s", kind, operation_id, error)
            return
        finally:
            db.session.close()
        if current is None:
            return
        if current[0] in TERMINAL_EVENTS:
            yield _encode(_synthesized(cursor, *current))
            return


def _synthesized(cursor: str, status: str, data: dict[str, Any]) -> Event:
    """An event made from the row; it carries the id of the last event the client has."""
    name = status if status in TERMINAL_EVENTS or status == "queued" else "progress"
    return Event(id=cursor, name=name, data=data)


def _encode(event: Event, *, retry: bool = False) -> str:
    data = json.dumps(event.data, separators=(",", ":"), default=str)  # one line, always
    head = f"retry: {RETRY_MS}\n" if retry else ""
    return f"{head}id: {event.id}\nevent: {event.name}\ndata: {data}\n\n"


def _last_event_id() -> str | None:
    """The id to resume after: the `Last-Event-ID` header, or `?last_event_id=` for polyfills."""
    given = request.headers.get("Last-Event-ID") or request.args.get("last_event_id") or ""
    given = given.strip()
    return given if events.is_event_id(given) else None


_SLOTS_LOCK = threading.Lock()


def _stream_slots(app: Flask) -> threading.BoundedSemaphore:
    """Open streams in this process are capped, so they never take every worker thread."""
    with _SLOTS_LOCK:
        slots = app.extensions.get("resumesmith_stream_slots")
        if slots is None:
            slots = threading.BoundedSemaphore(int(app.config["SSE_MAX_STREAMS"]))
            app.extensions["resumesmith_stream_slots"] = slots
        return slots


def _unavailable(detail: str, *, code: str = "events_unavailable") -> EventsUnavailable:
    error = EventsUnavailable(detail, code=code)
    error.headers = {"Retry-After": "5"}
    return error
