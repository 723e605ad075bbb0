"""Webhook and callback URLs: their form is validated like any field, their destination for SSRF."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from marshmallow import ValidationError, fields

from worker.webhooks import check_destination

MAX_URL = 2048


def url_form_problem(url: str) -> str | None:
    """Why `url` cannot receive webhooks as written, or None if its form is fine."""
    if len(url) > MAX_URL:
        return f"Longer than {MAX_URL} characters."
    if any(ord(char) <= 32 or ord(char) == 127 for char in url):
        return "Contains spaces or control characters."
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - parsing the port is what validates it
    except ValueError:
        return "Not a valid URL."
    if parts.scheme not in {"http", "https"}:
        return "Use an http or https URL."
    if not parts.hostname:
        return "The URL has no host."
    if parts.username is not None or parts.password is not None:
        return "Credentials in the URL are not allowed; authenticate with the signature."
    if parts.fragment:
        return "A fragment (#…) is never sent; leave it out."
    return None


class WebhookUrl(fields.String):
    """An http(s) URL that webhooks may be sent to: a 422 `webhook_url_forbidden` if it leads
    to a private, loopback or link-local address (unless `WEBHOOK_ALLOW_PRIVATE`)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        url = super()._deserialize(value, attr, data, **kwargs)
        problem = url_form_problem(url)
        if problem is not None:
            raise ValidationError(problem)
        # Raises a domain error (its own problem code) rather than a field message: a client
        # switches on `webhook_url_forbidden`, and retrying with the same URL will not help.
        check_destination(url, allow_private=bool(current_app.config["WEBHOOK_ALLOW_PRIVATE"]))
        return url
