"""Signed webhooks (Standard Webhooks): queue a message per endpoint, then POST it until it lands.

`schedule` stores one delivery per matching endpoint (and one for an `options.callback_url`) and
queues `resumesmith.webhooks.deliver` for each. The task calls `run_delivery`, which makes one
attempt, records it, and says when to try again: exponential backoff with jitter, for up to
`WEBHOOK_RETRY_WINDOW_SECONDS` (24 h) after the event. The delivery row is the truth; a message
that arrives early, twice, or after the delivery ended does nothing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import logging
import random
import secrets
import socket
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx2
from celery.exceptions import SoftTimeLimitExceeded
from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import CallbackSecret, Webhook, WebhookAttempt, WebhookDelivery, db
from models.db import utcnow
from worker.pipeline.errors import ResumesmithError

log = logging.getLogger(__name__)

DELIVER = "resumesmith.webhooks.deliver"
QUEUE = "webhooks"
SECRET_PREFIX = "whsec_"
USER_AGENT = "resumesmith-webhooks/1"
BACKOFF_FACTOR = 4
"""5 s, 20 s, 80 s, 5 min, 21 min, 1.4 h, 5.7 h … (before jitter) with the default base of 5 s."""
HOP_SECONDS = 1800.0
"""Longest countdown on one Celery message. Redis hands an unacked message (an ETA task waiting in
a worker) to another worker after `visibility_timeout` (3600 s in celeryconfig.py), so a longer
wait is made of several hops; the delivery row, not the message, says when the attempt is due."""
LEASE_SECONDS = 120.0
"""How long an attempt holds its delivery: above the task's hard time limit, so a duplicate message
waits, and a worker killed mid-attempt leaves a delivery that the redelivered message picks up."""
EARLY_SECONDS = 1.0
EXCERPT_BYTES = 500


class WebhookUrlForbidden(ResumesmithError):
    """The URL leads to an address inside our network (SSRF): refused, not merely invalid."""

    code = "webhook_url_forbidden"
    status = 422
    title = "Webhook URL not allowed"


class WebhookUrlUnresolvable(ResumesmithError):
    code = "webhook_url_unresolvable"
    status = 422
    title = "Webhook URL does not resolve"


# --- signing ----------------------------------------------------------------------------------


def new_secret() -> str:
    """A signing secret as Standard Webhooks writes them: `whsec_` + base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` value: `v1,` + base64(HMAC-SHA256(key, "id.timestamp.body"))."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{msg_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


# --- where a webhook may go -------------------------------------------------------------------


def resolve_host(host: str, port: int) -> list[str]:
    """Every address `host` resolves to, in the resolver's order (a seam for tests)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def is_forbidden_address(address: str) -> bool:
    """Private, loopback, link-local, multicast, reserved or otherwise not globally routable."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        # IPv4 carried inside IPv6 is judged as the IPv4 it reaches: ::ffff:127.0.0.1,
        # 6to4 2002:a9fe:a9fe:: (169.254.169.254) and Teredo clients.
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is not None:
            ip = embedded
    return (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


def check_destination(url: str, *, allow_private: bool) -> str | None:
    """The address to connect to for `url`, or None to connect by name (private allowed).

    Every address the host resolves to must be public; connecting to the one checked (not
    resolving again) keeps DNS from answering differently between the check and the request.
    """
    parts = urlsplit(url)
    host = parts.hostname or ""
    if allow_private:
        return None
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        addresses = resolve_host(host, port)
    except (OSError, UnicodeError) as error:
        raise WebhookUrlUnresolvable(f"The host {host} does not resolve.") from error
    if not addresses:
        raise WebhookUrlUnresolvable(f"The host {host} does not resolve.")
    # Which address is not said: the answer would map our internal network for the caller.
    if any(is_forbidden_address(address) for address in addresses):
        raise WebhookUrlForbidden(
            f"The host {host} resolves to a private, loopback, link-local or reserved address; "
            "webhooks are only sent to public addresses."
        )
    return addresses[0]


def wants(events: list[Any], event_type: str) -> bool:
    """Whether an endpoint's filter admits `event_type`; `area.*` admits the whole area."""
    if not events:
        return True
    return any(
        pattern in ("*", event_type)
        or (pattern.endswith(".*") and event_type.startswith(pattern[:-1]))
        for pattern in events
    )


# --- scheduling -------------------------------------------------------------------------------


def _json_default(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def payload(event_type: str, data: Mapping[str, Any], at: datetime) -> str:
    """The body every attempt sends, byte for byte: `{"type", "timestamp", "data"}`."""
    return json.dumps(
        {"type": event_type, "timestamp": _json_default(at), "data": data},
        separators=(",", ":"),
        default=_json_default,
    )


def schedule(
    user_id: uuid.UUID,
    event_type: str,
    data: dict[str, Any],
    *,
    callback_url: str | None = None,
    key: str | None = None,
) -> None:
    """Queue `event_type` for each of the user's endpoints that wants it, and for `callback_url`.

    Idempotent per (user, `key`, endpoint): `key` defaults to `<event_type>:<data["id"]>`, so a
    second call for the same event is a no-op. Never raises: a webhook must not fail the work
    it reports on. Needs an app context; uses its own session, leaving the caller's untouched.
    """
    try:
        created = _create_deliveries(user_id, event_type, data, callback_url, key)
    except Exception:
        log.exception("could not schedule %s webhooks for user %s", event_type, user_id)
        return
    for delivery_id in created:
        publish(delivery_id)


def _create_deliveries(
    user_id: uuid.UUID,
    event_type: str,
    data: dict[str, Any],
    callback_url: str | None,
    key: str | None,
) -> list[uuid.UUID]:
    if key is None and data.get("id") is not None:
        key = f"{event_type}:{data['id']}"
    with Session(db.engine) as session:
        targets: list[tuple[str, uuid.UUID | None, str]] = [
            (f"webhook:{hook.id}", hook.id, hook.url)
            for hook in session.scalars(
                select(Webhook).where(Webhook.user_id == user_id).order_by(Webhook.created_at)
            )
            if wants(hook.events, event_type)
        ]
        if callback_url:
            callback_secret(session, user_id)
            targets.append(("callback", None, callback_url))
        if not targets:
            return []
        now = utcnow()
        body = payload(event_type, data, now)
        created = []
        for target, webhook_id, url in targets:
            message_id = f"msg_{uuid.uuid4().hex}"
            event_key = key or message_id  # no key: nothing to deduplicate against
            exists = session.scalar(
                select(WebhookDelivery.id).where(
                    WebhookDelivery.user_id == user_id,
                    WebhookDelivery.event_key == event_key,
                    WebhookDelivery.target == target,
                )
            )
            if exists is not None:
                continue
            delivery = WebhookDelivery(
                id=uuid.uuid4(),
                user_id=user_id,
                webhook_id=webhook_id,
                target=target,
                url=url,
                message_id=message_id,
                event_type=event_type,
                event_key=event_key,
                body=body,
                status="pending",
                attempt_count=0,
                next_attempt_at=now,
                created_at=now,
            )
            try:
                with session.begin_nested():
                    session.add(delivery)
            except IntegrityError:
                continue  # a concurrent caller scheduled the same event for this target
            created.append(delivery.id)
        session.commit()
        return created


def callback_secret(session: Session, user_id: uuid.UUID) -> CallbackSecret:
    """The user's callback secret, made on first use (concurrent first uses agree on one)."""
    query = select(CallbackSecret).where(CallbackSecret.user_id == user_id)
    row = session.scalar(query)
    if row is not None:
        return row
    row = CallbackSecret(user_id=user_id, secret=new_secret())
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        found = session.scalar(query)
        assert found is not None
        return found
    return row


def publish(delivery_id: uuid.UUID) -> bool:
    """Queue the first attempt; False (logged) when the broker would not take it."""
    try:
        current_app.extensions["celery"].send_task(
            DELIVER, args=[str(delivery_id)], kwargs={"attempt": 1}, queue=QUEUE
        )
    except Exception:
        log.exception("could not queue webhook delivery %s", delivery_id)
        return False
    return True


STALLED_SECONDS = 300.0
"""A delivery overdue by this much has no message on its way (the broker refused the publish or a
follow-up): the sweep queues it again. A duplicate message is harmless (`run_delivery` dedupes)."""


def sweep() -> int:
    """Queue again every unfinished delivery whose attempt is long overdue; how many were."""
    cutoff = utcnow() - timedelta(seconds=STALLED_SECONDS)
    stalled = db.session.execute(
        select(WebhookDelivery.id, WebhookDelivery.attempt_count).where(
            WebhookDelivery.status.in_(("pending", "retrying")),
            WebhookDelivery.next_attempt_at < cutoff,
        )
    ).all()
    db.session.rollback()
    queued = 0
    for delivery_id, made in stalled:
        try:
            current_app.extensions["celery"].send_task(
                DELIVER, args=[str(delivery_id)], kwargs={"attempt": made + 1}, queue=QUEUE
            )
        except Exception:
            log.exception("could not queue stalled webhook delivery %s", delivery_id)
            break  # the broker is still down; the next sweep tries again
        queued += 1
    return queued


# --- delivering -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FollowUp:
    """Run the task again in `countdown` seconds, for attempt number `attempt`."""

    countdown: float
    attempt: int


@dataclass
class AttemptResult:
    started_at: datetime
    duration_ms: int = 0
    response_status: int | None = None
    excerpt: str | None = None
    error: str | None = None
    final: bool = False
    """No point retrying: the URL now leads somewhere we refuse to send to."""

    @property
    def succeeded(self) -> bool:
        return self.response_status is not None and 200 <= self.response_status < 300


def backoff(number: int, *, base: float, cap: float) -> float:
    """Seconds to wait after failed attempt `number`: exponential, capped, with equal jitter."""
    delay = min(base * BACKOFF_FACTOR ** min(number - 1, 32), cap)
    return delay / 2 + random.uniform(0, delay / 2)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _locked(delivery_id: uuid.UUID) -> WebhookDelivery | None:
    return db.session.scalar(
        select(WebhookDelivery).where(WebhookDelivery.id == delivery_id).with_for_update()
    )


def run_delivery(delivery_id: uuid.UUID, attempt: int) -> FollowUp | None:
    """Make attempt number `attempt` if it is due; say when the task should run again, if ever."""
    config = current_app.config
    delivery = _locked(delivery_id)
    if delivery is None or delivery.is_terminal or delivery.attempt_count != attempt - 1:
        db.session.rollback()  # deleted, finished, or a duplicate of an attempt already made
        return None
    now = utcnow()
    due = _aware(delivery.next_attempt_at or now)
    if due > now + timedelta(seconds=EARLY_SECONDS):
        db.session.rollback()  # another worker holds it, or a long wait is hopping: come back
        return FollowUp(min((due - now).total_seconds(), HOP_SECONDS), attempt)
    secret = _signing_secret(delivery)
    if secret is None:  # nothing left to sign with: the endpoint went away under us
        delivery.status, delivery.next_attempt_at, delivery.finished_at = "failed", None, now
        db.session.commit()
        return None
    delivery.next_attempt_at = now + timedelta(seconds=LEASE_SECONDS)
    url, body, message_id = delivery.url, delivery.body.encode(), delivery.message_id
    deadline = _aware(delivery.created_at) + timedelta(
        seconds=float(config["WEBHOOK_RETRY_WINDOW_SECONDS"])
    )
    db.session.commit()  # the lease is taken; no transaction stays open during the request

    result = post(
        url,
        body,
        message_id=message_id,
        secret=secret,
        allow_private=bool(config["WEBHOOK_ALLOW_PRIVATE"]),
        timeout=float(config["WEBHOOK_TIMEOUT_SECONDS"]),
    )

    delivery = _locked(delivery_id)
    if delivery is None or delivery.attempt_count != attempt - 1:
        db.session.rollback()  # deleted meanwhile, or our lease ran out and another took over
        return None
    db.session.add(
        WebhookAttempt(
            user_id=delivery.user_id,
            delivery_id=delivery.id,
            number=attempt,
            started_at=result.started_at,
            duration_ms=result.duration_ms,
            response_status=result.response_status,
            response_excerpt=result.excerpt,
            error=result.error,
        )
    )
    delivery.attempt_count = attempt
    finished = utcnow()
    follow_up = None
    if result.succeeded or result.final or finished >= deadline:
        delivery.status = "succeeded" if result.succeeded else "failed"
        delivery.next_attempt_at, delivery.finished_at = None, finished
    else:
        delay = backoff(
            attempt,
            base=float(config["WEBHOOK_RETRY_BASE_SECONDS"]),
            cap=float(config["WEBHOOK_RETRY_MAX_DELAY_SECONDS"]),
        )
        delay = min(delay, (deadline - finished).total_seconds())  # the last try at the deadline
        delivery.status = "retrying"
        delivery.next_attempt_at = finished + timedelta(seconds=delay)
        follow_up = FollowUp(min(delay, HOP_SECONDS), attempt + 1)
    db.session.commit()
    log.info(
        "webhook %s attempt %d: %s",
        message_id,
        attempt,
        result.response_status or result.error,
    )
    return follow_up


def _signing_secret(delivery: WebhookDelivery) -> str | None:
    if delivery.webhook_id is not None:
        hook = db.session.get(Webhook, delivery.webhook_id)
        return hook.secret if hook is not None else None
    row = db.session.scalar(
        select(CallbackSecret).where(CallbackSecret.user_id == delivery.user_id)
    )
    return row.secret if row is not None else None


def _pinned(url: str, address: str | None) -> tuple[str, dict[str, str], dict[str, Any]]:
    """The URL to request, extra headers and request extensions to reach `address` for `url`."""
    if address is None:
        return url, {}, {}
    parts = urlsplit(url)
    host = f"[{address}]" if ":" in address else address
    netloc = host if parts.port is None else f"{host}:{parts.port}"
    # The Host header and TLS (SNI and certificate check) still name the original host.
    extensions: dict[str, Any] = {}
    if parts.scheme == "https" and parts.hostname:
        extensions["sni_hostname"] = parts.hostname
    pinned = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
    return pinned, {"Host": parts.netloc}, extensions


def post(
    url: str,
    body: bytes,
    *,
    message_id: str,
    secret: str,
    allow_private: bool,
    timeout: float,
) -> AttemptResult:
    """POST one signed message; never follows a redirect and never raises."""
    result = AttemptResult(started_at=utcnow())
    clock = time.monotonic()
    try:
        try:
            address = check_destination(url, allow_private=allow_private)
        except WebhookUrlForbidden:
            result.error, result.final = "url_forbidden", True
            return result
        except WebhookUrlUnresolvable:
            result.error = "unresolvable"
            return result
        timestamp = int(time.time())  # signed per attempt: receivers refuse stale timestamps
        target, extra_headers, extensions = _pinned(url, address)
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "webhook-id": message_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": sign(secret, message_id, timestamp, body),
            **extra_headers,
        }
        with (
            httpx2.Client(timeout=timeout, follow_redirects=False, trust_env=False) as client,
            client.stream(
                "POST", target, content=body, headers=headers, extensions=extensions
            ) as response,
        ):
            result.response_status = response.status_code
            result.excerpt = _excerpt(response)
        if 300 <= result.response_status < 400:
            result.error = "redirect_not_followed"
        elif not result.succeeded:
            result.error = "http_error"
    except httpx2.TimeoutException:
        result.error = "timeout"
    except httpx2.HTTPError as error:
        result.error = f"connection_failed: {type(error).__name__}"
    except SoftTimeLimitExceeded:
        result.error = "timeout"
    finally:
        result.duration_ms = int((time.monotonic() - clock) * 1000)
    return result


def _excerpt(response: httpx2.Response) -> str | None:
    """The start of the receiver's answer, for the deliveries log; the rest is never read."""
    read = b""
    try:
        for chunk in response.iter_bytes():
            read += chunk
            if len(read) >= EXCERPT_BYTES:
                break
    except httpx2.HTTPError:
        pass  # the status line is the answer; a body that stalls or breaks changes nothing
    text = read[:EXCERPT_BYTES].decode("utf-8", errors="replace").replace("\x00", "")
    return text or None
