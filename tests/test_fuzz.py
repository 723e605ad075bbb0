"""Generated requests across the whole OpenAPI surface: never a 5xx, every error a problem.

Hypothesis drives schemathesis' strategies directly (positive and negative cases per operation),
bounded by FUZZ_EXAMPLES so `make test` stays quick.
"""

from __future__ import annotations

import os
from typing import Any

import schemathesis
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))


def check_response(case: Any, headers: dict[str, str]) -> None:
    response = case.call(headers=headers)
    where = f"{case.method} {case.formatted_path} → {response.status_code}"
    assert response.status_code < 500, f"{where}: {response.text[:300]}"
    if response.status_code >= 400:
        content_type = response.headers.get("content-type", [""])[0]
        assert content_type.startswith("application/problem+json"), where
        body = response.json()
        assert {"type", "title", "status", "detail", "code", "request_id"} <= set(body), where


def test_generated_requests_never_break_the_api(app: Flask, client: FlaskClient) -> None:
    schema = schemathesis.openapi.from_wsgi("/openapi.json", app)
    headers = {"Authorization": client.environ_base["HTTP_AUTHORIZATION"]}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15
    for operation in operations:
        if operation.path == "/api/v1/auth/logout":
            continue  # would revoke the very token the other cases authenticate with
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                suppress_health_check=list(HealthCheck),
                derandomize=True,
                database=None,
            )
            def run(case: Any) -> None:
                check_response(case, headers)

            try:
                run()
            except Unsatisfiable:
                # An operation without inputs (GET /healthz) has no invalid request to make.
                assert mode is GenerationMode.NEGATIVE, operation.path
