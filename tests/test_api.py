"""The HTTP contract: resources, validation, problem details and the OpenAPI document."""

from __future__ import annotations

import json
import uuid

import pytest
from flask import Flask
from flask.testing import FlaskClient

PROBLEM = "application/problem+json"


def assert_problem(response, status: int, code: str) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    body = response.json
    assert body["status"] == status
    assert body["code"] == code
    assert body["type"] == f"https://resumesmith.dev/problems/{code}"
    assert body["title"] and body["detail"]
    assert body["request_id"] == response.headers["X-Request-ID"]
    return body


def test_text_resume_is_parsed_into_a_profile(client: FlaskClient, sample_resume_text: str) -> None:
    response = client.post("/api/v1/resumes", json={"text": sample_resume_text})
    assert response.status_code == 201
    body = response.json
    uuid.UUID(body["id"])
    assert body["source_format"] == "text"
    assert body["profile"]["basics"]["name"] == "Avery Quinn-Müller"
    assert len(body["profile"]["work"]) == 3
    assert body["created_at"].endswith("Z")
    fetched = client.get(f"/api/v1/resumes/{body['id']}")
    assert fetched.status_code == 200 and fetched.json["profile"] == body["profile"]


def test_json_resume_is_stored_as_given(client: FlaskClient) -> None:
    doc = {
        "basics": {"name": "Zoë Ødegaard", "email": "zoe@example.org"},
        "work": [{"name": "Fjord AS", "position": "Data Analyst", "startDate": "2020-02"}],
    }
    response = client.post("/api/v1/resumes", json={"json_resume": doc})
    assert response.status_code == 201
    assert response.json["source_format"] == "json_resume"
    assert response.json["profile"]["basics"]["name"] == "Zoë Ødegaard"
    assert response.json["profile"]["work"][0]["name"] == "Fjord AS"


def test_resume_needs_exactly_one_source(client: FlaskClient) -> None:
    body = assert_problem(client.post("/api/v1/resumes", json={}), 422, "validation_failed")
    assert "_schema" in body["errors"]
    both = client.post("/api/v1/resumes", json={"text": "x", "json_resume": {"basics": {}}})
    assert_problem(both, 422, "validation_failed")


def test_blank_resume_text_names_the_field(client: FlaskClient) -> None:
    body = assert_problem(
        client.post("/api/v1/resumes", json={"text": "   \n "}), 422, "validation_failed"
    )
    assert "text" in body["errors"]


def test_json_resume_without_basics_or_work_is_refused(client: FlaskClient) -> None:
    response = client.post("/api/v1/resumes", json={"json_resume": {"foo": 1}})
    assert_problem(response, 422, "invalid_json_resume")


def test_job_is_created_and_fetched(client: FlaskClient) -> None:
    description = "We need a data engineer who writes Python and SQL every day."
    response = client.post(
        "/api/v1/jobs", json={"title": "Data Engineer", "description": description}
    )
    assert response.status_code == 201
    assert response.json["title"] == "Data Engineer"
    assert response.json["company"] == ""
    assert {"Python", "SQL"} <= set(response.json["analysis"]["skill_names"])
    assert response.json["warnings"] == []
    fetched = client.get(f"/api/v1/jobs/{response.json['id']}")
    assert fetched.json["description"] == description


def test_mistyped_fields_are_each_named(client: FlaskClient) -> None:
    response = client.post("/api/v1/jobs", json={"title": 5, "description": ["x"]})
    body = assert_problem(response, 422, "validation_failed")
    assert set(body["errors"]) == {"title", "description"}


def test_missing_description_is_named(client: FlaskClient) -> None:
    body = assert_problem(
        client.post("/api/v1/jobs", json={"title": "x"}), 422, "validation_failed"
    )
    assert body["errors"]["description"]


def test_malformed_json_is_a_400(client: FlaskClient) -> None:
    response = client.post(
        "/api/v1/jobs", data='{"description": "x",', content_type="application/json"
    )
    assert_problem(response, 400, "invalid_json")


def test_wrong_method_is_a_405_with_allow(client: FlaskClient) -> None:
    response = client.delete("/api/v1/jobs")
    assert_problem(response, 405, "method_not_allowed")
    assert "POST" in response.headers["Allow"]


def test_unknown_ids_are_404(client: FlaskClient) -> None:
    missing = uuid.uuid4()
    for path, code in (
        (f"/api/v1/resumes/{missing}", "resume_not_found"),
        (f"/api/v1/jobs/{missing}", "job_not_found"),
        (f"/api/v1/optimizations/{missing}", "optimization_not_found"),
        (f"/api/v1/documents/{missing}/content", "document_not_found"),
        (f"/api/v1/matches/{missing}", "match_not_found"),
    ):
        assert_problem(client.get(path), 404, code)
    assert_problem(client.get("/api/v1/nothing-here"), 404, "not_found")


def test_optimization_for_unknown_resume_is_404_and_stores_nothing(
    client: FlaskClient, resume_and_job: tuple[str, str], app: Flask
) -> None:
    _, job_id = resume_and_job
    response = client.post(
        "/api/v1/optimizations", json={"resume_id": str(uuid.uuid4()), "job_id": job_id}
    )
    assert_problem(response, 404, "resume_not_found")


def test_bad_options_are_422_before_anything_runs(
    client: FlaskClient, resume_and_job: tuple[str, str]
) -> None:
    resume_id, job_id = resume_and_job
    response = client.post(
        "/api/v1/optimizations",
        json={
            "resume_id": resume_id,
            "job_id": job_id,
            "options": {"template": "nope", "length_pages": 7},
        },
    )
    body = assert_problem(response, 422, "validation_failed")
    assert set(body["errors"]) == {"options.template", "options.length_pages"}
    response = client.post(
        "/api/v1/optimizations",
        json={"resume_id": "not-a-uuid", "job_id": job_id},
    )
    assert "resume_id" in assert_problem(response, 422, "validation_failed")["errors"]


def test_request_id_is_echoed_when_the_client_sends_one(client: FlaskClient) -> None:
    response = client.get(
        "/api/v1/jobs/" + str(uuid.uuid4()), headers={"X-Request-ID": "abc12345-x"}
    )
    assert response.headers["X-Request-ID"] == "abc12345-x"
    assert response.json["request_id"] == "abc12345-x"


def test_unexpected_errors_are_a_bare_500(app: Flask) -> None:
    @app.route("/boom")
    def boom() -> str:
        raise RuntimeError("secret detail: /etc/passwd SELECT * FROM users")

    response = app.test_client().get("/boom")
    body = assert_problem(response, 500, "internal_error")
    assert "secret" not in response.get_data(as_text=True)
    assert body["request_id"] in body["detail"]


def test_openapi_document_lists_every_endpoint(client: FlaskClient) -> None:
    spec = client.get("/openapi.json").json
    assert spec["openapi"].startswith("3.")
    paths = set(spec["paths"])
    assert {
        "/api/v1/resumes",
        "/api/v1/resumes/{resume_id}",
        "/api/v1/jobs",
        "/api/v1/jobs/{job_id}",
        "/api/v1/optimizations",
        "/api/v1/optimizations/{optimization_id}",
        "/api/v1/documents/{document_id}/content",
        "/healthz",
        "/readyz",
    } <= paths
    assert "202" in spec["paths"]["/api/v1/optimizations"]["post"]["responses"]


def test_swagger_ui_is_served(client: FlaskClient) -> None:
    response = client.get("/docs")
    assert response.status_code == 200
    assert "swagger-ui" in response.get_data(as_text=True).lower()


def test_health_and_readiness_on_live_services(client: FlaskClient) -> None:
    assert client.get("/healthz").json == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json["checks"] == {"database": "ok", "broker": "ok"}


def test_readiness_names_an_unreachable_broker(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(CELERY_BROKER_URL="redis://127.0.0.1:1/0")
    body = assert_problem(app.test_client().get("/readyz"), 503, "not_ready")
    assert body["checks"] == {"database": "ok", "broker": "unreachable"}
    assert body["detail"] == "Unreachable: broker."


def test_readiness_names_an_unreachable_database(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://postgres@127.0.0.1:1/none")
    body = assert_problem(app.test_client().get("/readyz"), 503, "not_ready")
    assert body["checks"]["database"] == "unreachable"


@pytest.mark.parametrize(
    "body",
    [
        {"description": "null byte \u0000 here"},
        {"description": "lone surrogate \ud800"},
        {"description": "ok", "title": "bad \u0000"},
    ],
)
def test_text_that_cannot_be_stored_is_422_not_500(client: FlaskClient, body: dict) -> None:  # type: ignore[type-arg]
    response = client.post(
        "/api/v1/jobs",
        data=json.dumps(body, ensure_ascii=True).replace("\\\\", "\\"),
        content_type="application/json",
    )
    errors = assert_problem(response, 422, "validation_failed")["errors"]
    assert set(errors) <= {"description", "title"} and errors


def test_json_resume_with_nul_or_absurd_nesting_is_422(client: FlaskClient) -> None:
    nul = client.post("/api/v1/resumes", json={"json_resume": {"basics": {"name": "a\x00b"}}})
    assert "json_resume" in assert_problem(nul, 422, "validation_failed")["errors"]
    deep: dict = {"basics": {}}  # type: ignore[type-arg]
    node = deep["basics"]
    for _ in range(800):
        node["x"] = {}
        node = node["x"]
    nested = client.post("/api/v1/resumes", json={"json_resume": deep})
    assert "json_resume" in assert_problem(nested, 422, "validation_failed")["errors"]


def test_json_nested_beyond_the_parser_is_400(client: FlaskClient) -> None:
    response = client.post(
        "/api/v1/jobs", data="[" * 100_000 + "]" * 100_000, content_type="application/json"
    )
    assert_problem(response, 400, "invalid_json")


def test_options_are_not_coerced(client: FlaskClient, resume_and_job: tuple[str, str]) -> None:
    resume_id, job_id = resume_and_job
    response = client.post(
        "/api/v1/optimizations",
        json={
            "resume_id": resume_id,
            "job_id": job_id,
            "options": {"length_pages": "1", "cover_letter": "yes"},
        },
    )
    errors = assert_problem(response, 422, "validation_failed")["errors"]
    assert set(errors) == {"options.length_pages", "options.cover_letter"}


def test_openapi_documents_errors_as_problems(client: FlaskClient) -> None:
    spec = client.get("/openapi.json").json
    default = spec["components"]["responses"]["DEFAULT_ERROR"]["content"]
    assert list(default) == ["application/problem+json"]
    post = spec["paths"]["/api/v1/optimizations"]["post"]["responses"]
    assert {"202", "404", "422", "429", "503"} <= set(post)
    assert "bearerAuth" in spec["components"]["securitySchemes"]
