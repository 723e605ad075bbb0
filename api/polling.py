"""Polling operations cheaply: `ETag` on every poll, `304` when nothing changed, `Retry-After`."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from flask import Response, current_app, request
from marshmallow import Schema


def poll_response(
    schema: Schema, body: dict[str, Any], *, terminal: bool
) -> Response | tuple[dict[str, Any], int, dict[str, str]]:
    """The operation as JSON with its ETag, or an empty 304 if the client's copy is current."""
    dumped = schema.dump(body)
    etag = hashlib.sha256(json.dumps(dumped, sort_keys=True, default=str).encode()).hexdigest()
    headers = {"ETag": f'"{etag}"'}
    if not terminal:
        headers["Retry-After"] = str(current_app.config["POLL_RETRY_AFTER_SECONDS"])
    if request.if_none_match.contains(etag):
        return Response(status=304, headers=headers)
    return body, 200, headers
