"""Stage 5 — export: render the tailored profile to PDF with xhtml2pdf, loading nothing remote."""

from __future__ import annotations

import io
import json
import re
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from xhtml2pdf import pisa
from xhtml2pdf.config.resources import ResourceAccessPolicy

from worker.pipeline.errors import StageFailed
from worker.pipeline.scoring import parse_iso_month
from worker.pipeline.types import Profile, RenderedDocument

TEMPLATES = ("classic",)
PAPER = {"a4": "a4", "letter": "letter"}


def _month(value: str | None) -> str:
    parsed = parse_iso_month(value)
    if parsed is None:
        return value or ""
    if value and re.fullmatch(r"\d{4}", value.strip()):
        return str(parsed.year)
    return date(parsed.year, parsed.month, 1).strftime("%b %Y")


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("worker.pipeline", "templates"),
        # Every value is user text: escape it all, so "<img src=...>" in a resume stays text.
        autoescape=True,
        undefined=jinja2.ChainableUndefined,
    )
    env.filters["month"] = _month
    env.globals["font_dir"] = FONT_DIR.as_posix()
    return env


def _contact(basics: dict[str, Any]) -> list[str]:
    location = basics.get("location") or {}
    place = ", ".join(str(location[k]) for k in ("city", "region") if location.get(k))
    items = [basics.get("email"), basics.get("phone"), place, basics.get("url")]
    items += [profile.get("url") for profile in basics.get("profiles") or []]
    return [str(item) for item in items if item]


FONT_DIR = Path(__file__).resolve().parent / "fonts"


def _policy() -> ResourceAccessPolicy:
    """Read the bundled fonts and nothing else: no remote URLs, no other local files."""
    return ResourceAccessPolicy(allow_remote=False, base_dir=FONT_DIR)


def html_to_pdf(html: str) -> bytes:
    out = io.BytesIO()
    status = pisa.CreatePDF(html, dest=out, encoding="utf-8", resource_policy=_policy())
    if status.err:
        raise StageFailed(
            "the PDF renderer could not lay out this document", code="pdf_render_failed"
        )
    return out.getvalue()


def _slug(*parts: str) -> str:
    text = "-".join(part for part in parts if part)
    text = re.sub(r"[^\w]+", "-", text, flags=re.UNICODE).strip("-")
    return text[:120] or "document"


def render_resume_html(profile: Profile, *, template: str = "classic", paper: str = "a4") -> str:
    basics = profile.get("basics") or {}
    return (
        _environment()
        .get_template(f"{template}.html")
        .render(
            basics=basics,
            contact=_contact(basics),
            paper=PAPER.get(paper, "a4"),
            work=profile.get("work") or [],
            skills=profile.get("skills") or [],
            education=profile.get("education") or [],
            projects=profile.get("projects") or [],
            certificates=profile.get("certificates") or [],
            languages=profile.get("languages") or [],
        )
    )


def render_resume(
    profile: Profile, *, company: str = "", role: str = "", template: str = "classic"
) -> RenderedDocument:
    html = render_resume_html(profile, template=template)
    name = (profile.get("basics") or {}).get("name", "")
    return RenderedDocument(
        kind="resume",
        format="pdf",
        media_type="application/pdf",
        filename=_slug(name, company, role) + ".pdf",
        content=html_to_pdf(html),
    )


def render_cover_letter(
    profile: Profile,
    paragraphs: list[str],
    *,
    company: str = "",
    role: str = "",
    language: str = "en",
) -> RenderedDocument:
    basics = profile.get("basics") or {}
    html = (
        _environment()
        .get_template("cover_letter.html")
        .render(
            basics=basics,
            contact=_contact(basics),
            paragraphs=paragraphs,
            paper="a4",
            language=language,
        )
    )
    return RenderedDocument(
        kind="cover_letter",
        format="pdf",
        media_type="application/pdf",
        filename=_slug(basics.get("name", ""), company, "cover-letter") + ".pdf",
        content=html_to_pdf(html),
    )


def render_report(report: dict[str, Any], *, name: str = "", company: str = "") -> RenderedDocument:
    return RenderedDocument(
        kind="report",
        format="json",
        media_type="application/json",
        filename=_slug(name, company, "report") + ".json",
        content=json.dumps(report, indent=2, ensure_ascii=False).encode("utf-8"),
    )
