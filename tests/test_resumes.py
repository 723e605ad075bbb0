"""Resume uploads through the API: every format in, one profile shape out; bad files refused."""

from __future__ import annotations

import io
import json
import subprocess
import zipfile

import pytest
from docx import Document as Docx
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
from sqlalchemy import func, select

from models import Resume, ResumeVersion, db
from tests.conftest import poll
from tests.test_api import assert_problem

LINES = [
    "Dana Whitfield",
    "dana.whitfield@example.com | +1 (555) 201-3344",
    "",
    "Experience",
    "Site Reliability Engineer — Harbor Telecom (Feb 2020 – Present)",
    "- Kept 99.95% availability for Kubernetes clusters serving 3 million users",
    "Systems Administrator — Pinecrest Schools (2016 – 2020)",
    "- Managed Linux servers and PostgreSQL backups for 40 schools",
    "",
    "Education",
    "BSc Computer Science, University of Leeds, 2016",
    "",
    "Skills",
    "Kubernetes, Linux, PostgreSQL, Terraform, Python",
]


def pdf_bytes(lines: list[str] = LINES, *, pages: int = 1) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    for _ in range(pages):
        y = 800
        for line in lines:
            pdf.drawString(50, y, line)
            y -= 16
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def docx_bytes() -> bytes:
    document = Docx()
    document.add_heading(LINES[0], level=0)
    for line in LINES[1:]:
        if line in {"Experience", "Education", "Skills"}:
            document.add_heading(line, level=1)
        elif line.startswith("- "):
            document.add_paragraph(line[2:], style="List Bullet")
        elif line:
            document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def upload(client: FlaskClient, data: bytes, filename: str = "resume.pdf", **kwargs):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/v1/resumes",
        data={"file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
        **kwargs,
    )


def stored_resumes(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Resume)) or 0


@pytest.mark.parametrize(
    ("maker", "filename", "expected_format"),
    [
        (pdf_bytes, "cv.pdf", "pdf"),
        (docx_bytes, "cv.docx", "docx"),
        (lambda: "\n".join(LINES).encode(), "cv.txt", "text"),
        # The name lies; the content decides.
        (pdf_bytes, "cv.txt", "pdf"),
    ],
)
def test_uploads_of_every_format_give_the_same_profile(
    client: FlaskClient,
    maker,
    filename: str,
    expected_format: str,  # type: ignore[no-untyped-def]
) -> None:
    response = upload(client, maker(), filename)
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.json
    assert body["source_format"] == expected_format
    assert body["version"] == 1
    profile = body["profile"]
    assert profile["basics"]["name"] == "Dana Whitfield"
    assert profile["basics"]["email"] == "dana.whitfield@example.com"
    assert [job["name"] for job in profile["work"]] == ["Harbor Telecom", "Pinecrest Schools"]
    assert profile["work"][0]["startDate"] == "2020-02"
    assert "endDate" not in profile["work"][0]
    assert set(body["confidence"]) >= {"basics", "work"}


def test_json_resume_file_upload(client: FlaskClient) -> None:
    document = {"basics": {"name": "Zoë Ødegaard", "email": "zoe@example.org"}, "work": []}
    response = upload(client, json.dumps(document).encode(), "me.json")
    assert response.status_code == 201
    assert response.json["source_format"] == "json_resume"
    assert response.json["profile"]["basics"]["name"] == "Zoë Ødegaard"


def _encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt(user_password="s3cret", owner_password="owner")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _image_only_pdf() -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.rect(50, 50, 400, 600, fill=1)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _many_pages_pdf(pages: int = 10_000) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=100, height=100)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _docx_zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * (200 * 1024 * 1024))
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "status", "code"),
    [
        (_encrypted_pdf(), 422, "pdf_encrypted"),
        (_image_only_pdf(), 422, "no_text_layer"),
        (pdf_bytes()[:400], 422, "unreadable_document"),
        (docx_bytes()[:300], 422, "unreadable_document"),
        (_many_pages_pdf(), 422, "too_many_pages"),
        (_docx_zip_bomb(), 413, "payload_too_large"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 64, 415, "unsupported_media_type"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, 415, "unsupported_media_type"),
        (b"", 422, "empty_document"),
        (b"   \n\t ", 422, "empty_document"),
        (("word " * 12_000).encode(), 422, "text_too_long"),
    ],
    ids=[
        "encrypted",
        "image-only",
        "corrupt-pdf",
        "corrupt-docx",
        "10k-pages",
        "zip-bomb",
        "png",
        "legacy-doc",
        "empty",
        "blank",
        "too-long",
    ],
)
def test_bad_files_are_refused_and_nothing_is_stored(
    app: Flask, client: FlaskClient, data: bytes, status: int, code: str
) -> None:
    response = upload(client, data)
    assert_problem(response, status, code)
    assert stored_resumes(app) == 0
    # The same process goes on serving good uploads.
    assert upload(client, pdf_bytes()).status_code == 201


def test_zip_bomb_is_refused_by_its_limits_not_by_luck(client: FlaskClient) -> None:
    body = assert_problem(upload(client, _docx_zip_bomb()), 413, "payload_too_large")
    assert "expands to" in body["detail"]


def test_upload_over_the_size_limit_is_413(make_app) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import as_user

    app = make_app(MAX_CONTENT_LENGTH=50_000)
    client = as_user(app, "big@example.com")
    assert_problem(upload(client, b"%PDF-1.4\n" + b"0" * 60_000), 413, "payload_too_large")


def test_text_over_50000_characters_is_422(client: FlaskClient) -> None:
    response = client.post("/api/v1/resumes", json={"text": "x" * 50_001})
    assert response.status_code == 422
    assert response.json["code"] in {"text_too_long", "validation_failed"}


def test_multipart_without_a_file_part(client: FlaskClient) -> None:
    response = client.post(
        "/api/v1/resumes", data={"other": "x"}, content_type="multipart/form-data"
    )
    assert_problem(response, 422, "file_missing")


def test_corrections_become_new_versions(client: FlaskClient, app: Flask) -> None:
    created = upload(client, pdf_bytes()).json
    profile = created["profile"]
    profile["basics"]["name"] = "Dana R. Whitfield"
    updated = client.put(f"/api/v1/resumes/{created['id']}", json={"profile": profile})
    assert updated.status_code == 200
    assert updated.json["version"] == 2
    assert updated.json["profile"]["basics"]["name"] == "Dana R. Whitfield"
    versions = client.get(f"/api/v1/resumes/{created['id']}/versions").json
    assert [(v["version"], v["origin"]) for v in versions] == [(1, "parsed"), (2, "edited")]
    assert versions[0]["profile"]["basics"]["name"] == "Dana Whitfield"
    bad = client.put(f"/api/v1/resumes/{created['id']}", json={"profile": {"nothing": 1}})
    assert_problem(bad, 422, "invalid_json_resume")


def test_listing_is_paginated_and_only_yours(app: Flask, client: FlaskClient) -> None:
    from tests.conftest import as_user

    for _ in range(3):
        client.post("/api/v1/resumes", json={"text": "\n".join(LINES)})
    as_user(app, "other@example.com").post("/api/v1/resumes", json={"text": "\n".join(LINES)})
    first = client.get("/api/v1/resumes?page=1&page_size=2")
    assert first.status_code == 200
    assert len(first.json) == 2
    assert json.loads(first.headers["X-Pagination"])["total"] == 3
    second = client.get("/api/v1/resumes?page=2&page_size=2")
    assert len(second.json) == 1
    assert {r["id"] for r in first.json}.isdisjoint({r["id"] for r in second.json})


def test_optimizations_use_and_record_the_current_version(
    client: FlaskClient,
    app: Flask,
    celery_worker_process: subprocess.Popen[str],
    sample_job_text: str,
) -> None:
    created = upload(client, pdf_bytes()).json
    profile = created["profile"]
    profile["basics"]["name"] = "Dana R. Whitfield"
    client.put(f"/api/v1/resumes/{created['id']}", json={"profile": profile})
    job = client.post("/api/v1/jobs", json={"description": sample_job_text}).json["id"]
    submitted = client.post(
        "/api/v1/optimizations", json={"resume_id": created["id"], "job_id": job}
    )
    assert submitted.json["resume_version"] == 2
    done = poll(client, submitted.headers["Location"])
    assert done["status"] == "succeeded", done["error"]
    resume_pdf = next(d for d in done["result"]["documents"] if d["kind"] == "resume")
    from pypdf import PdfReader

    text = PdfReader(io.BytesIO(client.get(resume_pdf["url"]).data)).pages[0].extract_text()
    assert "Dana R. Whitfield" in text


def test_deleting_a_resume_removes_everything_derived_from_it(
    client: FlaskClient,
    app: Flask,
    celery_worker_process: subprocess.Popen[str],
    sample_job_text: str,
) -> None:
    created = upload(client, pdf_bytes()).json
    job = client.post("/api/v1/jobs", json={"description": sample_job_text}).json["id"]
    submitted = client.post(
        "/api/v1/optimizations", json={"resume_id": created["id"], "job_id": job}
    )
    done = poll(client, submitted.headers["Location"])
    document_url = done["result"]["documents"][0]["url"]

    assert client.delete(f"/api/v1/resumes/{created['id']}").status_code == 204
    assert_problem(client.get(f"/api/v1/resumes/{created['id']}"), 404, "resume_not_found")
    assert client.get(submitted.headers["Location"]).status_code == 404
    assert client.get(document_url).status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ResumeVersion)) == 0
        assert stored_resumes(app) == 0
    assert client.get(f"/api/v1/jobs/{job}").status_code == 200  # the job is not the resume's


@pytest.mark.parametrize("profile", [{"work": "x"}, {"basics": []}, {"basics": {}, "skills": {}}])
def test_malformed_profiles_are_refused_not_saved(client: FlaskClient, profile: dict) -> None:  # type: ignore[type-arg]
    created = client.post("/api/v1/resumes", json={"text": "\n".join(LINES)}).json
    response = client.put(f"/api/v1/resumes/{created['id']}", json={"profile": profile})
    assert_problem(response, 422, "invalid_json_resume")
    assert client.get(f"/api/v1/resumes/{created['id']}").json["version"] == 1
    assert_problem(
        client.post("/api/v1/resumes", json={"json_resume": profile}), 422, "invalid_json_resume"
    )
