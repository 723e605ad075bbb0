"""`Idempotency-Key` on POSTs that create something: a retried request replays, it never redoes.

Follows the IETF httpapi draft "The Idempotency-Key HTTP Header Field". Applying it to a create
endpoint is one line, the outermost decorator of the view method (above flask-smorest's own, so
that validation errors and the OpenAPI entry are covered too):

    @blp.route("")
    class Webhooks(MethodView):
        @idempotent
        @blp.arguments(WebhookCreate)
        @blp.response(201, WebhookOut)
        def post(self, data: dict[str, Any]) -> Webhook: ...

The view must run after authentication (the blueprint's `authenticate` hook): keys belong to a
user, so Alice's key never meets Bob's. What a client sees:

- No header: the view runs exactly as without this decorator.
- A new key: it is claimed for this request (state `in_flight`), the view runs, and a successful
  response (status below 400) is stored: status, `Location`, `Content-Type` and body.
- The same key and the same request again: the stored response is replayed — same status, same
  body, same id — with `Idempotent-Replayed: true`; the view does not run.
- The same key with a different request (method, path, query, media type or body):
  `422 idempotency_key_reused`, whether the first has finished or not.
- The same key while the first request is still running: `409 idempotency_key_in_flight` with
  `Retry-After`.
- An empty key, one longer than 255 characters or with characters outside printable ASCII:
  `400 idempotency_key_invalid`. The draft's quoted form (`"abc"`) and a bare token both work.

Errors are not stored. A failed request created nothing (the create views commit only on
success), so its key is released and a retry with the same key runs again: a `503
broker_unavailable` or `429 quota_exceeded` can succeed later instead of being replayed for a day,
and a `422` can be corrected. Only successes, which did create something, are replayed.

Claiming is one `INSERT … ON CONFLICT (user_id, key) DO NOTHING`, so of two identical requests
racing, exactly one runs the view; the other gets the 409 or, if the first already finished, the
replay. Keys expire 24 h after their first use; an expired key is a new key. A claim whose request
died without releasing it (a killed process) is taken over after `IN_FLIGHT_LEASE`. Expired rows
are deleted lazily, a batch at a time, whenever a key is claimed.

The fingerprint hashes the method, path, query string, media type and body. A JSON body is
hashed in canonical form (sorted keys), so a retry that serialises the same object differently
still matches. A `multipart/form-data` body is hashed part by part (field names and values, file
names and the bytes of each file), never as raw bytes: clients pick a new random boundary on
every send, and a retried upload must still match.

Stored responses are kept as sent, for 24 h: the replay of `POST /api/v1/api-keys` returns the
new key's secret again, which is why a client uses a key there at all.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ParamSpec

from flask import Response, current_app, request
from sqlalchemy import ColumnElement, and_, delete, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.datastructures import FileStorage

from api.errors import PROBLEM_MEDIA_TYPE, ProblemSchema
from api.security import current_user_id
from models import IdempotencyKey, db
from models.db import utcnow
from models.idempotency import DONE, IN_FLIGHT
from worker.pipeline.errors import ResumesmithError

log = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
KEY_TTL = timedelta(hours=24)
# Far longer than any create request may run (gunicorn kills a worker long before this), so a
# claim older than this belongs to a request that died without releasing it.
IN_FLIGHT_LEASE = timedelta(minutes=5)
IN_FLIGHT_RETRY_AFTER = 1
STORED_HEADERS = ("Content-Type", "Location")
PRUNE_BATCH = 100

P = ParamSpec("P")


class IdempotencyKeyInvalid(ResumesmithError):
    code = "idempotency_key_invalid"
    status = 400
    title = "Invalid Idempotency-Key"


class IdempotencyKeyReused(ResumesmithError):
    code = "idempotency_key_reused"
    status = 422
    title = "Idempotency-Key reused"


class IdempotencyKeyInFlight(ResumesmithError):
    code = "idempotency_key_in_flight"
    status = 409
    title = "Request still in progress"


@dataclass(frozen=True)
class Held:
    """The row that holds a key, as read when our claim lost."""

    fingerprint: str
    state: str
    status: int | None
    headers: dict[str, str]
    body: bytes


def idempotent(view: Callable[P, Any]) -> Callable[P, Any]:
    """Honour `Idempotency-Key` on this create endpoint, and document it in the OpenAPI spec."""

    @functools.wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> Any:
        raw = request.headers.get(HEADER)
        if raw is None:
            return view(*args, **kwargs)
        key = parse_key(raw)
        fingerprint = request_fingerprint()
        claim_id = uuid.uuid4()
        held = _claim(claim_id, key, fingerprint)
        if held is not None:
            return _answer_retry(held, fingerprint)
        try:
            response = current_app.make_response(view(*args, **kwargs))
        except BaseException:
            _release(claim_id)
            raise
        if response.status_code < 400 and not response.is_streamed:
            _store(claim_id, response)
        else:
            _release(claim_id)
        return response

    _document(wrapper)
    return wrapper


def parse_key(raw: str) -> str:
    """The key from the header value, or a 400 that says what is wrong with it."""
    key = raw.strip()
    if len(key) >= 2 and key[0] == key[-1] == '"':
        key = key[1:-1]  # the draft sends a Structured Field string: "8e03978e-…"
    if not key:
        raise IdempotencyKeyInvalid(f"The {HEADER} header is empty.")
    if len(key) > MAX_KEY_LENGTH:
        raise IdempotencyKeyInvalid(
            f"The {HEADER} is longer than {MAX_KEY_LENGTH} characters; a UUID is plenty."
        )
    if not all(" " <= char <= "~" for char in key):
        raise IdempotencyKeyInvalid(f"The {HEADER} may only contain printable ASCII characters.")
    return key


def request_fingerprint() -> str:
    """SHA-256 over what makes two requests the same request (see the module docstring)."""
    digest = hashlib.sha256()

    def feed(part: bytes) -> None:
        # Length-prefixed, so no two different requests can concatenate to the same bytes.
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)

    for part in (request.method, request.path, request.mimetype):
        feed(part.encode())
    feed(request.query_string)
    if request.mimetype == "multipart/form-data":
        for name, value in sorted(request.form.items(multi=True)):
            feed(b"field")
            feed(name.encode())
            feed(value.encode())
        uploads = sorted(request.files.items(multi=True), key=lambda item: item[0])
        for name, upload in uploads:
            feed(b"file")
            feed(name.encode())
            feed((upload.filename or "").encode())
            feed(_file_digest(upload))
    else:
        feed(_canonical_body())
    return digest.hexdigest()


def _file_digest(upload: FileStorage) -> bytes:
    digest = hashlib.sha256()
    while chunk := upload.stream.read(1 << 16):
        digest.update(chunk)
    upload.stream.seek(0)  # the view reads the file next
    return digest.digest()


def _canonical_body() -> bytes:
    body = request.get_data(cache=True)  # cached: the view parses the same bytes
    if request.is_json:
        try:
            document = json.loads(body)
        except (ValueError, RecursionError):
            return body  # the view will refuse it; the raw bytes are fingerprint enough
        return json.dumps(document, sort_keys=True, separators=(",", ":")).encode()
    return body


# --- storage ----------------------------------------------------------------------------------


def _stale(now: datetime) -> ColumnElement[bool]:
    """Rows that no longer hold their key: expired, or claimed by a request that died."""
    return or_(
        IdempotencyKey.expires_at <= now,
        and_(IdempotencyKey.state == IN_FLIGHT, IdempotencyKey.created_at <= now - IN_FLIGHT_LEASE),
    )


def _claim(claim_id: uuid.UUID, key: str, fingerprint: str) -> Held | None:
    """Claim `key` for this request and return None, or return the row of the request holding it."""
    user_id = current_user_id()
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    this_key = and_(IdempotencyKey.user_id == user_id, IdempotencyKey.key == key)
    for _ in range(3):
        now = utcnow()
        _prune(now)
        db.session.execute(delete(IdempotencyKey).where(this_key, _stale(now)))
        claimed = db.session.scalar(
            insert(IdempotencyKey)
            .values(
                id=claim_id,
                user_id=user_id,
                key=key,
                fingerprint=fingerprint,
                method=request.method,
                path=request.path,
                state=IN_FLIGHT,
                created_at=now,
                updated_at=now,
                expires_at=now + KEY_TTL,
            )
            .on_conflict_do_nothing(index_elements=["user_id", "key"])
            .returning(IdempotencyKey.id)
        )
        # Committed before the view runs, so a concurrent retry sees the claim.
        if claimed is not None:
            db.session.commit()
            return None
        row = db.session.execute(
            select(
                IdempotencyKey.fingerprint,
                IdempotencyKey.state,
                IdempotencyKey.response_status,
                IdempotencyKey.response_headers,
                IdempotencyKey.response_body,
            ).where(this_key)
        ).one_or_none()
        db.session.commit()
        if row is not None:
            return Held(row[0], row[1], row[2], dict(row[3] or {}), bytes(row[4] or b""))
        # Released between our insert and our read: try to claim it again.
    raise _in_flight()


def _prune(now: datetime) -> None:
    """Delete a batch of expired keys; rows another request is deleting are skipped, not awaited."""
    batch = (
        select(IdempotencyKey.id)
        .where(IdempotencyKey.expires_at <= now)
        .limit(PRUNE_BATCH)
        .with_for_update(skip_locked=True)
    )
    db.session.execute(delete(IdempotencyKey).where(IdempotencyKey.id.in_(batch)))


def _store(claim_id: uuid.UUID, response: Response) -> None:
    """Keep the successful response for replays; the view's work is already committed."""
    # Anything the view left uncommitted would have been discarded at teardown anyway.
    db.session.rollback()
    headers = {name: response.headers[name] for name in STORED_HEADERS if name in response.headers}
    kept = db.session.scalar(
        update(IdempotencyKey)
        .where(IdempotencyKey.id == claim_id, IdempotencyKey.state == IN_FLIGHT)
        .values(
            state=DONE,
            response_status=response.status_code,
            response_headers=headers,
            response_body=response.get_data(),
            updated_at=utcnow(),
        )
        .returning(IdempotencyKey.id)
    )
    db.session.commit()
    if kept is None:
        log.warning("idempotency claim %s was taken over before its request finished", claim_id)


def _release(claim_id: uuid.UUID) -> None:
    """Give the key back after an error, so the client can retry with it."""
    try:
        db.session.rollback()
        db.session.execute(
            delete(IdempotencyKey).where(
                IdempotencyKey.id == claim_id, IdempotencyKey.state == IN_FLIGHT
            )
        )
        db.session.commit()
    except SQLAlchemyError:
        # The database is what failed: the claim lapses after IN_FLIGHT_LEASE instead.
        db.session.rollback()
        log.exception("could not release idempotency claim %s", claim_id)


def _in_flight() -> IdempotencyKeyInFlight:
    error = IdempotencyKeyInFlight(
        f"A request with this {HEADER} is still being processed; retry it shortly to get its "
        "response."
    )
    error.headers = {"Retry-After": str(IN_FLIGHT_RETRY_AFTER)}
    return error


def _answer_retry(held: Held, fingerprint: str) -> Response:
    """A second request with a held key: the stored response, or why there is none."""
    if held.fingerprint != fingerprint:
        raise IdempotencyKeyReused(
            f"This {HEADER} was already used for a different request; "
            "send a new key with a new request."
        )
    if held.state != DONE or held.status is None:
        raise _in_flight()
    response = Response(held.body, status=held.status, headers=held.headers)
    response.headers[REPLAYED_HEADER] = "true"
    return response


# --- OpenAPI ----------------------------------------------------------------------------------

HEADER_PARAMETER: dict[str, Any] = {
    "in": "header",
    "name": HEADER,
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH},
    "description": (
        "A unique value (e.g. a UUID) per request you may retry. A retry with the same key and "
        "the same body replays the first response (header `Idempotent-Replayed: true`) instead "
        "of creating a second resource. Keys are per user and kept 24 h; error responses are not "
        "kept, so a failed request can be retried with the same key."
    ),
}
RESPONSE_DOCS = {
    400: "`idempotency_key_invalid`: the Idempotency-Key is empty, too long or not ASCII",
    409: "`idempotency_key_in_flight`: a request with this Idempotency-Key is still running; "
    "retry after `Retry-After` seconds",
    422: "`idempotency_key_reused`: this Idempotency-Key was used for a different request",
}


def _document(wrapper: Callable[..., Any]) -> None:
    """Add the header and its problems to the operation, the way flask-smorest's decorators do.

    flask-smorest collects an operation's documentation in the view's `_apidoc`; parameters
    listed under `arguments` are appended to the operation's, so the header never replaces one.
    """
    apidoc: dict[str, Any] = copy.deepcopy(getattr(wrapper, "_apidoc", {}))
    apidoc.setdefault("arguments", {}).setdefault("parameters", []).append(HEADER_PARAMETER)
    responses = apidoc.setdefault("response", {}).setdefault("responses", {})
    for status, description in RESPONSE_DOCS.items():
        documented = responses.setdefault(status, [])
        # The first entry is merged last, so its description (naming every cause) is the one shown.
        earlier = [
            doc["description"]
            for doc in documented
            if isinstance(doc, Mapping) and doc.get("description")
        ]
        documented.insert(
            0,
            {
                "schema": ProblemSchema,
                "content_type": PROBLEM_MEDIA_TYPE,
                "description": "; ".join([*earlier, description]),
            },
        )
    wrapper._apidoc = apidoc  # type: ignore[attr-defined]
