"""Stage 5 — export: render the tailored profile to PDF with xhtml2pdf, loading nothing remote.

Four templates share one skeleton (``templates/_document.html``), one resume layout
(``templates/_resume.html``) and one set of section macros (``templates/_sections.html``); each
template only sets its look and the order of its sections. Every one is ATS-safe: one column of
real text, contact details in the body, and the standard headings Summary, Experience, Education,
Skills, Projects, Certifications and Languages.

Pages: a job's heading stays on the page with its first two bullets, a bullet is never split
across pages, a section heading never ends a page, and a document longer than one page gets
"Page N of M" in its bottom margin, drawn after the page's text (see `number_pages`). Paper is
A4 or US letter.

Unicode: text is drawn with the bundled fonts (``fonts/README.md``), named as a list so that
xhtml2pdf takes each character from the first face that has it: DejaVu for Latin, Greek,
Cyrillic and Vietnamese; DejaVu Sans for Arabic and Hebrew (which DejaVu Serif lacks); Droid
Sans Fallback for Chinese, Japanese and Korean, loaded only when the text has such characters.
Limits: Arabic and Hebrew are shaped and reordered by xhtml2pdf's own bidi code, line by line; a
document is right to left as a whole only when most of its letters are (headings stay English,
list bullets stay on the left). CJK is drawn in one sans face with Chinese glyph forms (Japanese
kanji look Chinese), in regular weight only, and breaks lines only where a line is full.
Scripts none of these fonts cover (Devanagari, Thai, Ethiopic, ...) come out as empty boxes.
"""

from __future__ import annotations

import io
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import pypdfium2 as pdfium
from markupsafe import Markup
from pypdf import PdfReader, PdfWriter
from reportlab.lib.colors import HexColor
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from xhtml2pdf import pisa
from xhtml2pdf.config.resources import ResourceAccessPolicy

from worker.pipeline.errors import InvalidInput, StageFailed
from worker.pipeline.extract import PDFIUM_LOCK
from worker.pipeline.scoring import parse_iso_month
from worker.pipeline.types import Profile, RenderedDocument

FONT_DIR = Path(__file__).resolve().parent / "fonts"
TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
SAMPLE_PROFILE = TEMPLATE_DIR / "sample_profile.json"
"""The resume the thumbnails show, shipped with the package (a copy of samples/resume.json)."""


@dataclass(frozen=True)
class Look:
    """What a resume template and the cover letter written with it share."""

    face: str
    """`serif`, `sans` or `condensed`: the bundled typeface of the body text."""
    accent: str
    """CSS colour of the name and the section headings."""
    align: str
    """Alignment of the name and contact lines: `left` or `center`."""
    description: str


LOOKS: dict[str, Look] = {
    "classic": Look(
        "serif",
        "#1a1a1a",
        "center",
        "One column in DejaVu Serif with a centred name and ruled capital headings: "
        "traditional, and safe for any role.",
    ),
    "modern": Look(
        "sans",
        "#1f5f8b",
        "left",
        "One column in a clean sans-serif, name and headings in a blue accent over a thin rule: "
        "contemporary and easy to scan.",
    ),
    "compact": Look(
        "condensed",
        "#2b2b2b",
        "left",
        "Dense one column in condensed sans-serif with one-line job headings: "
        "fits a long senior career on two pages.",
    ),
    "technical": Look(
        "sans",
        "#2d6a4f",
        "left",
        "One column in sans-serif that opens with a skills matrix (Category: a, b, c), "
        "then experience and projects: for engineering roles.",
    ),
}
TEMPLATES: tuple[str, ...] = tuple(LOOKS)
TEMPLATE_DESCRIPTIONS: dict[str, str] = {name: look.description for name, look in LOOKS.items()}
PAPERS: tuple[str, ...] = ("a4", "letter")
FOOTER_SIZE = 7.5
FOOTER_COLOUR = HexColor("#6b6b6b")
FOOTER_BASELINE = 0.65 * cm
"""Height of the page numbers above the paper's bottom edge, inside every template's margin."""
THUMBNAIL_WIDTH = 340
"""Width in pixels of a template thumbnail; the height follows the page (481 px for A4)."""

# Bundled files per face, regular then bold. Italic is never used: a resume's emphasis is bold,
# and DejaVu Sans Oblique has no Arabic.
_FACE_FILES: dict[str, tuple[str, ...]] = {
    "serif": ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf"),
    "sans": ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    "condensed": ("DejaVuSansCondensed.ttf", "DejaVuSansCondensed-Bold.ttf"),
    "cjk": ("DroidSansFallback.ttf",),
}
# What a browser gets instead: the same faces by name where installed, no file URLs.
_BROWSER_STACKS: dict[str, str] = {
    "serif": '"DejaVu Serif", Georgia, "Times New Roman", serif',
    "sans": '"DejaVu Sans", "Segoe UI", "Helvetica Neue", Arial, sans-serif',
    "condensed": '"DejaVu Sans Condensed", "Arial Narrow", "Helvetica Neue", Arial, sans-serif',
}
_CJK = re.compile(
    "[\u1100-\u11ff\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u31ff\u3200-\u9fff"
    "\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003134f]"
)
_NOT_PROSE = frozenset({"url", "email", "phone", "$schema", "countryCode", "image"})


def _month(value: str | None) -> str:
    parsed = parse_iso_month(value)
    if parsed is None:
        return value or ""
    if value and re.fullmatch(r"\d{4}", value.strip()):
        return str(parsed.year)
    return date(parsed.year, parsed.month, 1).strftime("%b %Y")


def _as_list(value: Any) -> list[str]:
    """A list field of an upload as text items; anything else (a stray string, null) as none."""
    if not isinstance(value, list):
        return []
    return [str(item) for item in value if isinstance(item, str | int | float) and str(item)]


def _certificate(cert: dict[str, Any]) -> str:
    text = ", ".join(str(cert[key]) for key in ("name", "issuer") if cert.get(key))
    return f"{text} ({_month(cert['date'])})" if cert.get("date") else text


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("worker.pipeline", "templates"),
        # Every value is user text: escape it all, so "<img src=...>" in a resume stays text.
        autoescape=True,
        undefined=jinja2.ChainableUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["month"] = _month
    env.filters["certificate"] = _certificate
    env.globals["as_list"] = _as_list
    env.globals["dir_of"] = _dir_of
    return env


def _check(template: str, paper: str) -> None:
    if template not in LOOKS:
        raise InvalidInput(
            f"unknown template {template!r}; choose one of {', '.join(TEMPLATES)}",
            code="unknown_template",
        )
    if paper not in PAPERS:
        raise InvalidInput(
            f"unknown paper size {paper!r}; choose one of {', '.join(PAPERS)}",
            code="unknown_paper",
        )


def _strings(value: Any, key: str = "") -> Iterator[str]:
    """Every piece of prose in a JSON value: what decides the fonts and the direction."""
    if isinstance(value, str):
        if key not in _NOT_PROSE:
            yield value
    elif isinstance(value, dict):
        for name, item in value.items():
            yield from _strings(item, str(name))
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, key)


def _direction(texts: Iterable[str]) -> str:
    """`rtl` when most letters are Arabic or Hebrew, else `ltr`."""
    left = right = 0
    for text in texts:
        for char in text:
            kind = unicodedata.bidirectional(char)
            left += kind == "L"
            right += kind in ("R", "AL")
    return "rtl" if right > left else "ltr"


def _dir_of(*texts: Any) -> Markup:
    """` dir="rtl"` for an element whose text starts in Arabic or Hebrew, as dir=auto would.

    xhtml2pdf does not work out dir="auto" itself, so the templates ask here.
    """
    for text in texts:
        for char in str(text or ""):
            kind = unicodedata.bidirectional(char)
            if kind in ("R", "AL"):
                return Markup(' dir="rtl"')
            if kind == "L":
                return Markup("")
    return Markup("")


def _fonts(look: Look, texts: list[str], *, pdf: bool) -> dict[str, Any]:
    """The @font-face list and the font-family value for one document."""
    if not pdf:
        return {"font_faces": [], "font_stack": Markup(_BROWSER_STACKS[look.face])}
    faces = [look.face]
    if look.face == "serif":
        faces.append("sans")  # Arabic and Hebrew, which DejaVu Serif lacks
    if any(_CJK.search(text) for text in texts):
        faces.append("cjk")  # 3.4 MB: read only for documents that need it
    declared = [
        {
            "family": f"Resume-{face}",
            "path": (FONT_DIR / file).as_posix(),
            "bold": weight == 1,
        }
        for face in faces
        for weight, file in enumerate(_FACE_FILES[face])
    ]
    return {
        "font_faces": declared,
        "font_stack": Markup(", ".join(f"Resume-{face}" for face in faces)),
    }


def _contact(basics: dict[str, Any]) -> list[str]:
    location = basics.get("location")
    location = location if isinstance(location, dict) else {}
    place = ", ".join(str(location[k]) for k in ("city", "region") if location.get(k))
    items = [basics.get("email"), basics.get("phone"), place, basics.get("url")]
    items += [profile.get("url") for profile in _as_dicts(basics.get("profiles"))]
    return [str(item) for item in items if item and not isinstance(item, dict | list)]


def _as_dicts(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _entries(profile: Profile, key: str) -> list[dict[str, Any]]:
    """A section's entries; a malformed upload's stray strings or nulls are left out."""
    return _as_dicts(profile.get(key))


def _context(
    profile: Profile,
    *,
    template: str,
    paper: str,
    language: str,
    pdf: bool,
    extra_text: Iterable[str] = (),
) -> dict[str, Any]:
    _check(template, paper)
    look = LOOKS[template]
    basics = profile.get("basics") if isinstance(profile.get("basics"), dict) else {}
    texts = [*_strings(profile), *extra_text]
    return {
        "look": look,
        "basics": basics,
        "contact": _contact(basics or {}),
        "paper": paper,
        "language": language or "en",
        "direction": _direction(texts),
        "pdf": pdf,
        **_fonts(look, texts, pdf=pdf),
    }


def render_resume_html(
    profile: Profile,
    *,
    template: str = "classic",
    paper: str = "a4",
    language: str = "en",
    standalone: bool = False,
) -> str:
    """The resume as HTML: what xhtml2pdf lays out, or with `standalone` a page for browsers.

    The standalone page prints on `paper` through @page and @media print, names the fonts by
    family (DejaVu first) instead of linking files, and has no xhtml2pdf-only markup.
    """
    context = _context(
        profile, template=template, paper=paper, language=language, pdf=not standalone
    )
    resume = {
        key: _entries(profile, key)
        for key in ("work", "skills", "education", "projects", "certificates", "languages")
    }
    return _environment().get_template(f"{template}.html").render(**context, resume=resume)


def cover_letter_html(
    profile: Profile,
    paragraphs: list[str],
    *,
    language: str = "en",
    template: str = "classic",
    paper: str = "a4",
    standalone: bool = False,
) -> str:
    """The cover letter as HTML in the look of `template`; `standalone` as for the resume."""
    texts = [str(paragraph) for paragraph in paragraphs]
    context = _context(
        profile,
        template=template,
        paper=paper,
        language=language,
        pdf=not standalone,
        extra_text=texts,
    )
    return _environment().get_template("cover_letter.html").render(**context, paragraphs=texts)


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


def page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


@cache
def _footer_font(face: str) -> str:
    """The regular weight of `face`, registered with ReportLab for the page numbers."""
    name = f"Resume-footer-{face}"
    pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / _FACE_FILES[face][0])))
    return name


def number_pages(pdf: bytes, *, face: str = "sans") -> bytes:
    """`pdf` with "Page N of M" in the bottom margin of every page, if it has more than one.

    Drawn onto the finished file, after each page's text, rather than in an xhtml2pdf @frame:
    a frame is painted before the page's text, so the text an ATS extracts from every page
    began with "Page 2 of 3" instead of a name or a heading; and its page count costs a second
    layout pass, several times the cost of this.
    """
    reader = PdfReader(io.BytesIO(pdf))
    total = len(reader.pages)
    if total < 2:
        return pdf
    numbers = io.BytesIO()
    sheet = canvas.Canvas(numbers, pageCompression=1)
    for number, page in enumerate(reader.pages, start=1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        sheet.setPageSize((width, height))
        sheet.setFont(_footer_font(face), FOOTER_SIZE)
        sheet.setFillColor(FOOTER_COLOUR)
        sheet.drawCentredString(width / 2, FOOTER_BASELINE, f"Page {number} of {total}")
        sheet.showPage()
    sheet.save()
    writer = PdfWriter(clone_from=reader)
    for page, stamp in zip(writer.pages, PdfReader(numbers).pages, strict=True):
        page.merge_page(stamp)
        page.compress_content_streams()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def slug(*parts: str) -> str:
    text = "-".join(part for part in parts if part)
    text = re.sub(r"[^\w]+", "-", text, flags=re.UNICODE).strip("-")
    return text[:120] or "document"


def render_resume(
    profile: Profile,
    *,
    company: str = "",
    role: str = "",
    template: str = "classic",
    paper: str = "a4",
    language: str = "en",
) -> RenderedDocument:
    """The resume as a PDF in `template` on `paper`, numbered when it runs past one page."""
    html = render_resume_html(profile, template=template, paper=paper, language=language)
    name = (profile.get("basics") or {}).get("name", "")
    return RenderedDocument(
        kind="resume",
        format="pdf",
        media_type="application/pdf",
        filename=slug(name, company, role) + ".pdf",
        content=number_pages(html_to_pdf(html), face=LOOKS[template].face),
    )


def render_cover_letter(
    profile: Profile,
    paragraphs: list[str],
    *,
    company: str = "",
    role: str = "",
    language: str = "en",
    template: str = "classic",
    paper: str = "a4",
) -> RenderedDocument:
    """The letter as a PDF; `paragraphs` carry their own salutation, sign-off and name."""
    html = cover_letter_html(profile, paragraphs, language=language, template=template, paper=paper)
    basics = profile.get("basics") or {}
    return RenderedDocument(
        kind="cover_letter",
        format="pdf",
        media_type="application/pdf",
        filename=slug(basics.get("name", ""), company, "cover-letter") + ".pdf",
        content=number_pages(html_to_pdf(html), face=LOOKS[template].face),
    )


def report_html(
    report: dict[str, Any],
    profile: Profile,
    *,
    template: str = "classic",
    paper: str = "a4",
    standalone: bool = False,
) -> str:
    """The quality report for people: before/after, truthfulness, round trip, provenance."""
    context = _context(
        profile,
        template=template,
        paper=paper,
        language="en",
        pdf=not standalone,
        extra_text=[json.dumps(report, ensure_ascii=False)],
    )
    sections: dict[str, Any] = {
        key: report.get(key) or default
        for key, default in (
            ("before_after", {}),
            ("violations", []),
            ("repairs", []),
            ("notes", []),
            ("completeness", {}),
            ("round_trip", {}),
            ("checks", []),
            ("provenance", {}),
            ("job", {}),
            ("generator", {}),
        )
    }
    return _environment().get_template("report.html").render(**context, **sections)


def render_report(
    report: dict[str, Any],
    profile: Profile,
    *,
    company: str = "",
    template: str = "classic",
    paper: str = "a4",
) -> list[RenderedDocument]:
    """The report as JSON for programs, and as HTML and PDF for people."""
    name = str((profile.get("basics") or {}).get("name") or "")
    stem = slug(name, company, "report")
    html = report_html(report, profile, template=template, paper=paper, standalone=True)
    pdf = html_to_pdf(report_html(report, profile, template=template, paper=paper))
    return [
        RenderedDocument(
            "report",
            "json",
            "application/json",
            stem + ".json",
            json.dumps(report, indent=2, ensure_ascii=False).encode("utf-8"),
        ),
        RenderedDocument(
            "report", "html", "text/html; charset=utf-8", stem + ".html", html.encode()
        ),
        RenderedDocument("report", "pdf", "application/pdf", stem + ".pdf", pdf),
    ]


def sample_profile() -> Profile:
    """A fresh copy of the shipped sample resume."""
    profile: Profile = json.loads(SAMPLE_PROFILE.read_text("utf-8"))
    return profile


def page_images(pdf: bytes, *, width: int, pages: int | None = None) -> list[bytes]:
    """The first `pages` pages of `pdf` (all by default) as PNGs `width` pixels wide, by PDFium."""
    images = []
    with PDFIUM_LOCK:  # PDFium is not thread-safe; the API may draw two thumbnails at once
        document = pdfium.PdfDocument(pdf)
        try:
            for index in range(len(document) if pages is None else min(pages, len(document))):
                page = document[index]
                bitmap = page.render(scale=width / page.get_width())
                out = io.BytesIO()
                bitmap.to_pil().save(out, format="PNG", optimize=True)
                images.append(out.getvalue())
        finally:
            document.close()
    return images


@cache
def thumbnail(template: str) -> bytes:
    """A PNG, THUMBNAIL_WIDTH px wide, of the sample resume's first page in `template`."""
    _check(template, "a4")
    pdf = render_resume(sample_profile(), template=template).content
    return page_images(pdf, width=THUMBNAIL_WIDTH, pages=1)[0]
