"""RFC 9457 problem details: the one place that turns errors into HTTP responses."""

from __future__ import annotations

import http
import logging
import re
import time
import uuid
from typing import Any

from flask import Flask, Response, g, has_request_context, json, request
from flask_smorest import Api
from flask_smorest.utils import prepare_response
from marshmallow import Schema, fields
from werkzeug.exceptions import HTTPException

from worker.pipeline.errors import ResumesmithError

log = logging.getLogger(__name__)

PROBLEM_TYPE = "https://resumesmith.dev/problems/"
PROBLEM_MEDIA_TYPE = "application/problem+json"
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

HTTP_CODES = {
    400: ("malformed_request", "The request body or parameters could not be read."),
    401: ("unauthorized", "Authentication is required."),
    403: ("forbidden", "You may not do this."),
    404: ("not_found", "Nothing exists at this address."),
    405: ("method_not_allowed", "This resource does not support that method."),
    409: ("conflict", "The request conflicts with the resource's current state."),
    413: ("payload_too_large", "The request body is larger than this server accepts."),
    415: ("unsupported_media_type", "This media type is not accepted here."),
    422: ("validation_failed", "Some fields are missing or invalid."),
    429: ("rate_limited", "Too many requests; slow down."),
    503: ("service_unavailable", "A service this request needs is unavailable."),
}


def request_id() -> str:
    """The id of the current request, echoed in every response and every error body."""
    if not has_request_context():
        return ""
    if "request_id" not in g:
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
    return str(g.request_id)


def problem(
    status: int,
    code: str,
    detail: str,
    *,
    title: str | None = None,
    errors: dict[str, list[str]] | None = None,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> Response:
    """Build an `application/problem+json` response; `extra` adds members (RFC 9457 §3.2)."""
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE + code,
        "title": title or HTTP_CODES.get(status, (code, ""))[0].replace("_", " ").capitalize(),
        "status": status,
        "detail": detail,
        "code": code,
        "request_id": request_id(),
    }
    if errors:
        body["errors"] = errors
    body.update(extra or {})
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_MEDIA_TYPE)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def problem_object(code: str, detail: str, *, status: int = 500, title: str = "") -> dict[str, Any]:
    """A problem as stored in an operation's `error` member (no request: it happened later)."""
    return {
        "type": PROBLEM_TYPE + code,
        "title": title or code.replace("_", " ").capitalize(),
        "status": status,
        "detail": detail,
        "code": code,
    }


def _flatten(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """webargs nests messages by location and field; clients want `{"options.template": [...]}`."""
    if isinstance(messages, list):
        return {prefix or "body": [str(m) for m in messages]}
    flat: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            flat.update(_flatten(value, name))
    return flat


class ProblemSchema(Schema):
    """RFC 9457 problem details, as every error response carries them."""

    type = fields.String(metadata={"example": PROBLEM_TYPE + "validation_failed"})
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    code = fields.String(metadata={"description": "Stable identifier to switch on"})
    request_id = fields.String()
    errors = fields.Dict(
        keys=fields.String(), values=fields.List(fields.String()), metadata={"description": "422"}
    )


class ProblemApi(Api):
    """flask-smorest's Api, answering and documenting every HTTP error as problem+json."""

    ERROR_SCHEMA = ProblemSchema

    def handle_http_exception(self, error: HTTPException) -> Response:
        return http_problem(error)

    def _register_responses(self) -> None:
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if status >= 400:
                response["schema"] = ProblemSchema
            prepare_response(response, self.spec, PROBLEM_MEDIA_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        default = {"description": "A problem (RFC 9457)", "schema": ProblemSchema}
        prepare_response(default, self.spec, PROBLEM_MEDIA_TYPE)
        self.spec.components.response("DEFAULT_ERROR", default, lazy=True)


def http_problem(error: HTTPException) -> Response:
    status = error.code or 500
    code, default_detail = HTTP_CODES.get(status, ("http_error", error.description or ""))
    data = getattr(error, "data", None) or {}
    errors: dict[str, list[str]] | None = None
    detail = default_detail
    messages = data.get("messages")
    if messages:
        by_location = messages if isinstance(messages, dict) else {"body": messages}
        errors = {}
        for location, fields in by_location.items():
            errors.update(
                _flatten(fields) if location in {"json", "form"} else _flatten(fields, location)
            )
        if status == 400:
            code, detail = "invalid_json", "The request body is not valid JSON."
            errors = None
        else:
            detail = "Invalid fields: " + ", ".join(sorted(errors)) + "."
    elif status not in HTTP_CODES and error.description:
        detail = error.description
    headers = dict(data.get("headers") or {})
    if status == 429:
        headers["Retry-After"] = str(_rate_limit_retry_after())
    if status == 405 and error.get_response().headers.get("Allow"):
        headers["Allow"] = error.get_response().headers["Allow"]
    return problem(status, code, detail, errors=errors, headers=headers)


def _rate_limit_retry_after() -> int:
    """Seconds until the breached rate-limit window resets."""
    from api.extensions import limiter

    current = limiter.current_limit
    if current is None:
        return 60
    return max(int(current.reset_at - time.time()), 1)


def register_error_handlers(app: Flask) -> None:
    """Map domain errors and anything unexpected to problems; never leak internals."""

    @app.before_request
    def _assign_request_id() -> None:
        request_id()

    @app.after_request
    def _echo_request_id(response: Response) -> Response:
        response.headers["X-Request-ID"] = request_id()
        return response

    @app.errorhandler(ResumesmithError)
    def _domain_error(error: ResumesmithError) -> Response:
        return problem(
            error.status, error.code, error.detail, title=error.title, headers=error.headers
        )

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> Response:
        return http_problem(error)

    @app.errorhandler(RecursionError)
    def _too_deep(error: RecursionError) -> Response:
        return problem(400, "invalid_json", "The request body is nested too deeply.")

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        log.exception("unhandled error (request_id=%s)", request_id())
        return problem(
            500, "internal_error", f"Something went wrong on our side (request {request_id()})."
        )
