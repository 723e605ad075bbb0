"""Downloading finished documents: every format, content negotiation, ETags, file names."""

from __future__ import annotations

import io
import subprocess
from typing import Any

import docx
import pytest
from flask.testing import FlaskClient
from pypdf import PdfReader

from tests.conftest import poll

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def optimize(client: FlaskClient, resume_and_job: tuple[str, str], **options: Any) -> dict:  # type: ignore[type-arg]
    resume_id, job_id = resume_and_job
    response = client.post(
        "/api/v1/optimizations",
        json={"resume_id": resume_id, "job_id": job_id, "options": options},
    )
    assert response.status_code == 202, response.json
    done = poll(client, response.headers["Location"])
    assert done["status"] == "succeeded", done["error"]
    return done["result"]  # type: ignore[no-any-return]


def by_kind_and_format(result: dict) -> dict[tuple[str, str], dict]:  # type: ignore[type-arg]
    return {(d["kind"], d["format"]): d for d in result["documents"]}


@pytest.fixture
def finished(
    client: FlaskClient,
    resume_and_job: tuple[str, str],
    celery_worker_process: subprocess.Popen[str],
) -> dict:  # type: ignore[type-arg]
    return optimize(client, resume_and_job, template="modern")


def test_every_format_is_rendered_once_and_listed(finished: dict) -> None:  # type: ignore[type-arg]
    documents = by_kind_and_format(finished)
    for fmt in ("pdf", "docx", "html", "md", "txt", "json"):
        assert ("resume", fmt) in documents
    for fmt in ("pdf", "docx", "html", "md", "txt"):
        assert ("cover_letter", fmt) in documents
    assert ("report", "json") in documents
    pdf = documents[("resume", "pdf")]
    assert pdf["filename"].endswith("-Northwind-Analytics-Senior-Backend-Engineer.pdf")
    assert len(pdf["sha256"]) == 64 and pdf["size"] > 1000


def test_format_query_and_accept_pick_a_rendering(
    client: FlaskClient,
    finished: dict,  # type: ignore[type-arg]
) -> None:
    pdf_url = by_kind_and_format(finished)[("resume", "pdf")]["url"]
    as_docx = client.get(pdf_url + "?format=docx")
    assert as_docx.status_code == 200 and as_docx.mimetype == DOCX
    assert ".docx" in as_docx.headers["Content-Disposition"]
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(as_docx.data)).paragraphs)
    assert "Lumen Freight Ltd" in text
    markdown = client.get(pdf_url, headers={"Accept": "text/markdown"})
    assert markdown.mimetype == "text/markdown" and markdown.data.startswith(b"# ")
    assert markdown.headers["Vary"] == "Accept"
    # A browser's Accept (…, */*) still gets the PDF the link names.
    browser = client.get(pdf_url, headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert browser.mimetype == "application/pdf"
    PdfReader(io.BytesIO(browser.data))
    assert client.get(pdf_url, headers={"Accept": "image/gif"}).status_code == 406


def test_unknown_format_is_422_and_a_missing_one_404(
    client: FlaskClient,
    finished: dict,  # type: ignore[type-arg]
) -> None:
    documents = by_kind_and_format(finished)
    unknown = client.get(documents[("resume", "pdf")]["url"] + "?format=rtf")
    assert unknown.status_code == 422
    assert unknown.content_type == "application/problem+json"
    missing = client.get(documents[("report", "json")]["url"] + "?format=docx")
    assert missing.status_code == 404
    assert missing.json["code"] == "format_not_available"


def test_etag_gives_304_and_downloads_are_private(
    client: FlaskClient,
    finished: dict,  # type: ignore[type-arg]
) -> None:
    document = by_kind_and_format(finished)[("cover_letter", "docx")]
    first = client.get(document["url"])
    assert first.headers["ETag"] == f'"{document["sha256"]}"'
    assert first.headers["Cache-Control"].startswith("private")
    again = client.get(document["url"], headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and not again.data
    name = first.headers["Content-Disposition"]
    assert "filename*=UTF-8''Avery-Quinn-M%C3%BCller-Northwind-Analytics-cover-letter.docx" in name


def test_paper_size_reaches_the_pdf(
    client: FlaskClient,
    resume_and_job: tuple[str, str],
    celery_worker_process: subprocess.Popen[str],
) -> None:
    result = optimize(client, resume_and_job, paper="letter", template="compact")
    pdf = client.get(by_kind_and_format(result)[("resume", "pdf")]["url"]).data
    box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)


def test_templates_are_listed_with_generated_thumbnails(anon: FlaskClient) -> None:
    templates = anon.get("/api/v1/templates").json
    assert {t["name"] for t in templates} >= {"classic", "modern", "compact", "technical"}
    thumbnail = anon.get(templates[0]["thumbnail_url"])
    assert thumbnail.status_code == 200 and thumbnail.mimetype == "image/png"
    assert thumbnail.data.startswith(b"\x89PNG\r\n\x1a\n")
    assert anon.get("/api/v1/templates/fancy/thumbnail.png").status_code == 404
