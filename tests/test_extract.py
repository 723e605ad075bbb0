"""Specifications for reading uploaded files (PDF, DOCX, text, JSON Resume) into profiles.

Every document here is built by the test itself with the same libraries real users' tools are
built on (reportlab, xhtml2pdf, pypdf, python-docx), so the bytes are real files, not fixtures
that could drift from what the code actually meets.
"""

from __future__ import annotations

import contextlib
import io
import json
import random
import statistics
import struct
import textwrap
import time
import zipfile
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path
from typing import Any

import docx
import pytest
import reportlab
from docx.enum.text import WD_ALIGN_PARAGRAPH
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from xhtml2pdf import pisa

from worker.pipeline.errors import ResumesmithError
from worker.pipeline.extract import (
    DocumentError,
    DocumentTooLarge,
    EmptyDocument,
    Extracted,
    Limits,
    NoTextLayer,
    PdfEncrypted,
    TextTooLong,
    TooManyPages,
    UnreadableDocument,
    UnsupportedDocument,
    clean_text,
    detect_format,
    extract_text,
    parse_document,
)
from worker.pipeline.parsing import normalise_json_resume
from worker.pipeline.types import ParsedResume

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
FONTS = Path(reportlab.__file__).resolve().parent / "fonts"
EN = "\u2013"
EM = "\u2014"
DOT = "\u2022"

# Bitstream Vera ships with reportlab and has every glyph of this name; the standard PDF fonts
# do not have "Ł", which would silently turn the round trip into a test of the font.
pdfmetrics.registerFont(TTFont("Vera", str(FONTS / "Vera.ttf")))
pdfmetrics.registerFont(TTFont("Vera-Bold", str(FONTS / "VeraBd.ttf")))

NAME = "José Müller-Łukasiewicz"
EMAIL = "jose.muller@example.com"
PHONE = "+48 600 123 456"
LABEL = "Backend Engineer"
PLACE = "Kraków, Poland"
JOBS: list[dict[str, Any]] = [
    {
        "position": "Senior Backend Engineer",
        "name": "Allegro",
        "dates": f"Mar 2020 {EN} Present",
        "start": "2020-03",
        "end": None,
        "highlights": [
            "Cut checkout latency by 40% by rewriting the pricing service in Go.",
            "Led the migration of 12 services to Kubernetes.",
        ],
    },
    {
        "position": "Software Engineer",
        "name": "Netguru",
        "dates": f"Jun 2016 {EN} Feb 2020",
        "start": "2016-06",
        "end": "2020-02",
        "highlights": ["Built the seller analytics pipeline on Kafka and PostgreSQL."],
    },
    {
        "position": "Junior Developer",
        "name": "Software Mansion",
        "dates": f"2014 {EN} 2016",
        "start": "2014",
        "end": "2016",
        "highlights": ["Maintained the internal billing tools written in Python."],
    },
]
SKILLS = ["Python", "Go", "PostgreSQL", "Kafka", "Kubernetes"]
SCHOOL = {
    "institution": "Jagiellonian University",
    "studyType": "MSc",
    "area": "Computer Science",
    "startDate": "2012",
    "endDate": "2014",
}


def work_summary(parsed: ParsedResume) -> list[tuple[str, str, str | None, str | None]]:
    return [
        (job["name"], job["position"], job.get("startDate"), job.get("endDate"))
        for job in parsed.profile["work"]
    ]


EXPECTED_WORK = [(j["name"], j["position"], j["start"], j["end"]) for j in JOBS]


def assert_is_jose(parsed: ParsedResume) -> None:
    basics = parsed.profile["basics"]
    assert (basics["name"], basics["email"], basics["phone"]) == (NAME, EMAIL, PHONE)
    assert work_summary(parsed) == EXPECTED_WORK
    assert parsed.profile["work"][0]["highlights"] == JOBS[0]["highlights"]
    assert parsed.profile["skills"][0]["keywords"] == SKILLS


def raises(error: type[DocumentError], data: bytes, **kwargs: Any) -> DocumentError:
    with pytest.raises(error) as caught:
        parse_document(data, **kwargs)
    return caught.value


# --------------------------------------------------------------------------------------------
# Building real documents
# --------------------------------------------------------------------------------------------


class Page:
    """A reportlab canvas with a cursor, so layouts read like the resumes they draw."""

    def __init__(self, filler_jobs: int = 0) -> None:
        self.out = io.BytesIO()
        self.canvas = Canvas(self.out, pagesize=A4)
        self.width, self.height = A4
        self.y = self.height - 60
        self.filler_jobs = filler_jobs

    def text(self, x: float, text: str, size: float = 10, bold: bool = False) -> None:
        self.canvas.setFont("Vera-Bold" if bold else "Vera", size)
        self.canvas.drawString(x, self.y, text)

    def right(self, text: str, size: float = 10) -> None:
        self.canvas.setFont("Vera", size)
        self.canvas.drawRightString(self.width - 60, self.y, text)

    def down(self, points: float) -> None:
        self.y -= points
        if self.y < 60:
            self.canvas.showPage()
            self.y = self.height - 60

    def pdf(self) -> bytes:
        self.canvas.save()
        return self.out.getvalue()


def one_column_pdf(filler_jobs: int = 0) -> bytes:
    """The classic layout: dates right-aligned beside each job title, bullets below."""
    page = Page()
    page.text(60, NAME, 20, bold=True)
    page.down(20)
    page.text(60, LABEL, 11)
    page.down(14)
    page.text(60, f"{EMAIL} | {PHONE} | {PLACE}")
    page.down(28)
    page.text(60, "Experience", 13, bold=True)
    page.down(18)
    jobs = JOBS + [
        {
            "position": "Platform Engineer",
            "name": f"Filler Company {n}",
            "dates": f"20{n:02d} {EN} 20{n + 1:02d}",
            "highlights": [f"Kept filler system number {n} running for {k} weeks." for k in "123"],
        }
        for n in range(filler_jobs)
    ]
    for job in jobs:
        page.text(60, f"{job['position']} {EM} {job['name']}", bold=True)
        page.right(job["dates"])
        page.down(14)
        for bullet in job["highlights"]:
            page.text(70, f"{DOT} {bullet}")
            page.down(13)
        page.down(8)
    page.text(70, f"{DOT} Mentored \ufb01ve engineers; introduced design reviews for every schema")
    page.down(13)
    page.text(78, "change across the payments and logistics teams")
    page.down(20)
    page.text(60, "Education", 13, bold=True)
    page.down(18)
    page.text(60, f"MSc Computer Science {EM} Jagiellonian University")
    page.right(f"2012 {EN} 2014")
    page.down(26)
    page.text(60, "Skills", 13, bold=True)
    page.down(18)
    page.text(60, ", ".join(SKILLS))
    return page.pdf()


def two_column_pdf(*, row_by_row: bool) -> bytes:
    """A sidebar template: contact, skills and languages left; experience right.

    ``row_by_row`` draws both columns a line at a time, interleaved in the content stream, as
    some generators do; the sidebar then keeps a different line spacing, as real ones do.
    """
    page = Page()
    page.text(40, NAME, 20, bold=True)
    page.down(18)
    page.text(40, LABEL, 11)
    top = page.y - 30
    sidebar: list[tuple[str, bool]] = [("Contact", True), (EMAIL, False), (PHONE, False)]
    sidebar += [(PLACE, False), ("", False), ("Skills", True)]
    sidebar += [(skill, False) for skill in SKILLS]
    sidebar += [("", False), ("Languages", True), ("Polish (native)", False)]
    sidebar += [("English (C1)", False)]
    main: list[tuple[str, bool]] = [("Experience", True)]
    for job in JOBS:
        main += [(f"{job['position']} {EM} {job['name']}", True), (job["dates"], False)]
        for bullet in job["highlights"]:
            first, *rest = textwrap.wrap(bullet, 50)
            main += [(f"{DOT} {first}", False), *((f"  {more}", False) for more in rest)]
        main.append(("", False))
    main += [("Education", True), (f"MSc Computer Science {EM} Jagiellonian University", False)]
    main.append((f"2012 {EN} 2014", False))

    def draw(x: float, y: float, text: str, bold: bool) -> None:
        if text:
            page.canvas.setFont("Vera-Bold" if bold else "Vera", 9.5)
            indent = 9 if text.startswith("  ") else 0  # a wrapped bullet's second line
            page.canvas.drawString(x + indent, y, text.strip())

    left = [(40.0, top - 13.0 * i, text, bold) for i, (text, bold) in enumerate(sidebar)]
    right = [(200.0, top - 15.0 * i, text, bold) for i, (text, bold) in enumerate(main)]
    if row_by_row:
        order = [item for pair in zip(left, right, strict=False) for item in pair]
        order += right[len(left) :]
    else:
        order = left + right
    for x, y, text, bold in order:
        draw(x, y, text, bold)
    return page.pdf()


def xhtml2pdf_pdf() -> bytes:
    """An HTML resume printed to PDF, as resume builders on the web produce them."""
    jobs = "".join(
        f"<table><tr><td><b>{job['position']}</b>, {job['name']}</td>"
        f'<td class="date">{job["dates"]}</td></tr></table>'
        "<ul>" + "".join(f"<li>{bullet}</li>" for bullet in job["highlights"]) + "</ul>"
        for job in JOBS
    )
    html = f"""<html><head><style>
        @font-face {{ font-family: Vera; src: url("{FONTS / "Vera.ttf"}"); }}
        @font-face {{ font-family: Vera; src: url("{FONTS / "VeraBd.ttf"}"); font-weight: bold; }}
        body {{ font-family: Vera; font-size: 10pt; }}
        h1 {{ font-size: 18pt; margin: 0; }}
        h2 {{ font-size: 12pt; margin-top: 10pt; }}
        td.date {{ text-align: right; }}
        </style></head><body>
        <h1>{NAME}</h1>
        <p>{LABEL}<br/>{EMAIL} &middot; {PHONE} &middot; {PLACE} &middot; github.com/jmuller</p>
        <h2>Experience</h2>{jobs}
        <h2>Education</h2>
        <table><tr><td>MSc Computer Science, Jagiellonian University</td>
        <td class="date">2012 &ndash; 2014</td></tr></table>
        <h2>Skills</h2><p>{", ".join(SKILLS)}</p>
        </body></html>"""
    out = io.BytesIO()
    status = pisa.CreatePDF(html, dest=out, encoding="utf-8")
    assert not status.err
    return out.getvalue()


def resume_docx(*, contact_in_page_header: bool = False) -> bytes:
    """A Word resume: title, headings, a table row per job header, list-style bullets."""
    document = docx.Document()
    document.add_paragraph(NAME, style="Title")
    document.add_paragraph(LABEL)
    contact = f"{EMAIL} | {PHONE} | {PLACE}"
    if contact_in_page_header:
        header = document.sections[0].header
        header.is_linked_to_previous = False
        header.paragraphs[0].text = contact
    else:
        document.add_paragraph(contact)
    document.add_heading("Experience", level=1)
    for job in JOBS[:2]:
        cells = document.add_table(rows=1, cols=3).rows[0].cells
        cells[0].text, cells[1].text, cells[2].text = job["position"], job["name"], job["dates"]
        cells[2].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
        for bullet in job["highlights"]:
            document.add_paragraph(bullet, style="List Bullet")
    last = JOBS[2]
    document.add_paragraph(f"{last['position']}, {last['name']}\t{last['dates']}")
    for bullet in last["highlights"]:
        document.add_paragraph(bullet, style="List Bullet")
    document.add_heading("Education", level=1)
    document.add_paragraph(f"MSc Computer Science, Jagiellonian University, 2012 {EN} 2014")
    document.add_heading("Skills", level=1)
    document.add_paragraph(", ".join(SKILLS))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def raw_pdf(*objects: bytes) -> bytes:
    """A PDF written object by object, for files no well-behaved generator would produce."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def blank_pages_pdf(count: int) -> bytes:
    """A valid PDF of ``count`` empty pages, cheap to build even with 10,000 of them."""
    kids = " ".join(f"{n} 0 R" for n in range(3, count + 3))
    return raw_pdf(
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {count} >>".encode(),
        *[b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"] * count,
    )


def one_page_pdf(content: bytes) -> bytes:
    """A one-page PDF whose page content stream, compressed with Flate, is ``content``."""
    packed = zlib.compress(content, 9)
    return raw_pdf(
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(packed), packed),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    )


def encrypted(pdf: bytes, user_password: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png(width: int = 4, height: int = 4) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def zip_of(members: dict[str, bytes], level: int = 6) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    return out.getvalue()


@cache
def pdf_one_column() -> bytes:
    return one_column_pdf()


@cache
def pdf_two_pages() -> bytes:
    return one_column_pdf(filler_jobs=9)


@cache
def docx_resume() -> bytes:
    return resume_docx()


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    with contextlib.suppress(ResumesmithError):
        action()
    return time.perf_counter() - started


# --------------------------------------------------------------------------------------------
# PDF round trips
# --------------------------------------------------------------------------------------------


def test_one_column_pdf_round_trip_keeps_name_contacts_jobs_and_dates() -> None:
    parsed = parse_document(pdf_one_column())
    assert_is_jose(parsed)
    assert parsed.profile["basics"]["label"] == LABEL
    assert parsed.profile["basics"]["location"]["countryCode"] == "PL"
    assert parsed.profile["education"] == [SCHOOL]
    assert parsed.warnings == []
    assert parsed.confidence["basics"] == 1.0
    assert parsed.confidence["work"] == 1.0


def test_pdf_right_aligned_dates_stay_on_their_title_line_with_a_column_gap() -> None:
    text = extract_text(pdf_one_column()).text
    assert f"Senior Backend Engineer {EM} Allegro   Mar 2020 {EN} Present" in text.splitlines()


def test_pdf_ligatures_are_unfolded_and_wrapped_bullets_are_joined() -> None:
    parsed = parse_document(pdf_one_column())
    assert parsed.profile["work"][-1]["highlights"][-1] == (
        "Mentored five engineers; introduced design reviews for every schema change across the "
        "payments and logistics teams"
    )


@pytest.mark.parametrize("row_by_row", [False, True], ids=["column-by-column", "row-by-row"])
def test_two_column_pdf_reads_each_column_in_turn(row_by_row: bool) -> None:
    data = two_column_pdf(row_by_row=row_by_row)
    text = extract_text(data).text
    sidebar = text.index("Skills")
    assert sidebar < text.index("Languages") < text.index("Experience")
    parsed = parse_document(data)
    assert_is_jose(parsed)
    assert parsed.profile["languages"] == [
        {"language": "Polish", "fluency": "native"},
        {"language": "English", "fluency": "C1"},
    ]
    assert parsed.profile["education"][0]["institution"] == "Jagiellonian University"


def test_xhtml2pdf_pdf_round_trip() -> None:
    parsed = parse_document(xhtml2pdf_pdf())
    assert_is_jose(parsed)
    assert parsed.profile["basics"]["profiles"][0]["username"] == "jmuller"
    assert parsed.profile["education"] == [SCHOOL]


def test_extracted_pdf_reports_format_and_pages() -> None:
    extracted = extract_text(pdf_two_pages())
    assert (extracted.format, extracted.pages) == ("pdf", 2)
    assert extracted.text.startswith(NAME)


def test_two_page_pdf_parses_fast() -> None:
    data = pdf_two_pages()
    parse_document(data)  # warm-up: first use loads PDFium
    runs = [timed(lambda: parse_document(data)) for _ in range(5)]
    assert statistics.median(runs) < 0.5


def test_concurrent_pdf_uploads_are_read_safely() -> None:
    """PDFium is not thread-safe; uploads served by several threads must still come out right."""
    uploads = [pdf_one_column(), two_column_pdf(row_by_row=False), xhtml2pdf_pdf()] * 4
    with ThreadPoolExecutor(max_workers=6) as pool:
        names = list(pool.map(lambda data: parse_document(data).profile["basics"]["name"], uploads))
    assert names == [NAME] * len(uploads)


def test_pdf_that_pdfium_rejects_is_read_by_pypdf() -> None:
    data = pdf_one_column()
    trailer = data.rindex(b"trailer")
    broken = data[:trailer] + data[trailer:].replace(b"/Root", b"/Rxxx")
    parsed = parse_document(broken)
    assert parsed.profile["basics"]["name"] == NAME
    assert parsed.profile["basics"]["email"] == EMAIL


def test_pdf_with_an_empty_user_password_is_read() -> None:
    parsed = parse_document(encrypted(pdf_one_column(), user_password=""))
    assert parsed.profile["basics"]["name"] == NAME


# --------------------------------------------------------------------------------------------
# PDF failures
# --------------------------------------------------------------------------------------------


def test_pdf_that_needs_a_password_is_refused() -> None:
    error = raises(PdfEncrypted, encrypted(pdf_one_column(), user_password="secret"))
    assert (error.code, error.status) == ("pdf_encrypted", 422)
    assert "password" in error.detail


def test_image_only_pdf_has_no_text_layer() -> None:
    page = Page()
    page.canvas.setFillColorRGB(0.2, 0.2, 0.2)
    page.canvas.rect(60, 400, 300, 200, fill=1)
    page.canvas.circle(300, 300, 50, fill=1)
    page.canvas.line(60, 200, 500, 200)
    error = raises(NoTextLayer, page.pdf())
    assert (error.code, error.status) == ("no_text_layer", 422)
    assert "OCR" in error.detail
    assert "scanned" in error.detail and "image-only" in error.detail
    assert "DOCX" in error.detail


def test_ten_thousand_page_pdf_is_refused_before_reading_any_page() -> None:
    data = blank_pages_pdf(10_000)
    with pytest.raises(TooManyPages) as caught:
        parse_document(data)
    assert caught.value.code == "too_many_pages"
    assert "10,000" in caught.value.detail
    assert timed(lambda: parse_document(data)) < 0.5


def test_pdf_flate_bomb_is_refused_before_pdfium_inflates_it() -> None:
    text = b"BT /F1 10 Tf 72 700 Td (Hello) Tj ET\n"
    bomb = one_page_pdf(text * (40 * 1024 * 1024 // len(text)))  # 40 MB of page content
    assert len(bomb) < 200_000
    error = raises(DocumentTooLarge, bomb)
    assert "8.0 MB" in error.detail
    assert timed(lambda: parse_document(bomb)) < 0.5


def test_handwritten_pdf_content_stream_is_read() -> None:
    lines = ["Jos\u00e9 M\u00fcller", EMAIL, "Experience", f"Engineer {EM} Acme (2019 {EN} 2021)"]
    ops = "".join(
        f"BT /F1 11 Tf 72 {750 - 16 * i} Td ({line}) Tj ET\n" for i, line in enumerate(lines)
    )
    parsed = parse_document(one_page_pdf(ops.encode("cp1252")))
    assert (parsed.profile["basics"]["name"], parsed.profile["basics"]["email"]) == (
        "Jos\u00e9 M\u00fcller",
        EMAIL,
    )
    assert work_summary(parsed) == [("Acme", "Engineer", "2019", "2021")]


def test_page_limit_is_inclusive() -> None:
    data = pdf_two_pages()
    assert extract_text(data, limits=Limits(max_pages=2)).pages == 2
    with pytest.raises(TooManyPages):
        extract_text(data, limits=Limits(max_pages=1))


@pytest.mark.parametrize("keep", [0.3, 0.6, 0.9])
def test_truncated_pdf_is_unreadable(keep: float) -> None:
    data = pdf_one_column()
    error = raises(UnreadableDocument, data[: int(len(data) * keep)])
    assert (error.code, error.status) == ("unreadable_document", 422)


def test_pdf_header_followed_by_junk_is_unreadable() -> None:
    junk = bytes(random.Random(3).randrange(256) for _ in range(4000))
    raises(UnreadableDocument, b"%PDF-1.7\n" + junk)


def test_pdf_with_no_pages_is_unreadable() -> None:
    raises(UnreadableDocument, blank_pages_pdf(0))


def test_pdf_with_blank_pages_only_has_no_text_layer() -> None:
    raises(NoTextLayer, blank_pages_pdf(2))


# --------------------------------------------------------------------------------------------
# DOCX
# --------------------------------------------------------------------------------------------


def test_docx_round_trip_with_table_bullets_and_headings() -> None:
    parsed = parse_document(docx_resume())
    assert_is_jose(parsed)
    assert parsed.profile["work"][2]["highlights"] == JOBS[2]["highlights"]
    assert parsed.profile["education"] == [SCHOOL]
    assert parsed.warnings == []


def test_docx_text_keeps_document_order_tables_and_bullets() -> None:
    extracted = extract_text(docx_resume())
    assert extracted.format == "docx"
    lines = extracted.text.splitlines()
    table_row = f"Senior Backend Engineer | Allegro | Mar 2020 {EN} Present"
    assert lines.index("Experience") < lines.index(table_row)
    assert lines[lines.index(table_row) + 1] == f"- {JOBS[0]['highlights'][0]}"
    assert lines.index(table_row) < lines.index("Education") < lines.index("Skills")


def test_docx_contact_details_in_the_page_header_are_read() -> None:
    parsed = parse_document(resume_docx(contact_in_page_header=True))
    assert (parsed.profile["basics"]["email"], parsed.profile["basics"]["phone"]) == (EMAIL, PHONE)
    assert parsed.profile["basics"]["name"] == NAME


def docx_members() -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(docx_resume())) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def docx_with_body_prefix(xml: str) -> bytes:
    """The resume DOCX with raw WordprocessingML inserted at the start of its body."""
    members = docx_members()
    document = members["word/document.xml"].decode()
    at = document.index("<w:body>") + len("<w:body>")
    members["word/document.xml"] = (document[:at] + xml + document[at:]).encode()
    return zip_of(members)


def test_docx_content_controls_are_read() -> None:
    control = (
        "<w:sdt><w:sdtContent><w:p><w:r><w:t>Open to relocation</w:t></w:r></w:p>"
        "</w:sdtContent></w:sdt>"
    )
    assert extract_text(docx_with_body_prefix(control)).text.startswith("Open to relocation\n")


def test_docx_text_box_is_read_once_despite_its_vml_fallback() -> None:
    box = "<w:txbxContent><w:p><w:r><w:t>Boxed summary</w:t></w:r></w:p></w:txbxContent>"
    shape = (
        "<w:p><w:r><mc:AlternateContent>"
        f'<mc:Choice Requires="wps"><w:drawing><wps:txbx>{box}</wps:txbx></w:drawing></mc:Choice>'
        f"<mc:Fallback><w:pict><v:shape><v:textbox>{box}</v:textbox></v:shape></w:pict>"
        "</mc:Fallback></mc:AlternateContent></w:r></w:p>"
    )
    text = extract_text(docx_with_body_prefix(shape)).text
    assert text.count("Boxed summary") == 1


def test_docx_xml_entity_bomb_is_unreadable_and_fast() -> None:
    members = docx_members()
    document = members["word/document.xml"].decode()
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)
    )
    body = document[document.index("<w:document") :].replace("Allegro", "&lol9;", 1)
    members["word/document.xml"] = f"<!DOCTYPE w:document [{entities}]>{body}".encode()
    bomb = zip_of(members)
    raises(UnreadableDocument, bomb)
    assert timed(lambda: parse_document(bomb)) < 0.2


def test_docx_zip_bomb_is_refused_by_its_ratio_without_inflating() -> None:
    members = docx_members()
    members["word/document.xml"] = b"<" + bytes(8 * 1024 * 1024)  # deflates about 1000:1
    bomb = zip_of(members, level=9)
    assert len(bomb) < 100_000
    error = raises(UnreadableDocument, bomb)
    assert "zip bomb" in error.detail
    assert timed(lambda: parse_document(bomb)) < 0.2


def test_docx_declaring_a_huge_uncompressed_size_is_refused() -> None:
    data = bytearray(docx_resume())
    name = b"word/document.xml"
    # Patch the declared size in the local header and the central directory to almost 4 GB.
    for signature, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.find(signature)
        while at != -1:
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at : name_at + len(name)] == name:
                data[at + size_at : at + size_at + 4] = struct.pack("<I", 0xFFFFFFF0)
            at = data.find(signature, at + 4)
    error = raises(DocumentTooLarge, bytes(data))
    assert (error.code, error.status) == ("payload_too_large", 413)
    assert "30.0 MB" in error.detail


def test_docx_with_too_many_entries_is_refused() -> None:
    members = docx_members()
    members.update({f"word/media/pad{n}.bin": b"" for n in range(50)})
    raises(UnreadableDocument, zip_of(members), limits=Limits(max_zip_entries=40))


@pytest.mark.parametrize("keep", [0.3, 0.7, 0.99])
def test_truncated_docx_is_unreadable(keep: float) -> None:
    data = docx_resume()
    error = raises(UnreadableDocument, data[: int(len(data) * keep)])
    assert error.code == "unreadable_document"


def test_docx_with_broken_xml_is_unreadable() -> None:
    members = docx_members()
    members["word/document.xml"] = b"<w:document><w:body><w:p>never closed"
    raises(UnreadableDocument, zip_of(members))


def test_docx_without_content_types_is_unreadable() -> None:
    members = docx_members()
    del members["[Content_Types].xml"]
    raises(UnreadableDocument, zip_of(members))


# --------------------------------------------------------------------------------------------
# Format detection by content
# --------------------------------------------------------------------------------------------


def test_format_is_decided_by_content() -> None:
    assert detect_format(pdf_one_column()) == "pdf"
    assert detect_format(docx_resume()) == "docx"
    assert detect_format(b'{"basics": {"name": "Jo"}}') == "json"
    assert detect_format(b"# Jo Example\n\nExperience\n") == "text"
    assert detect_format(b"[Jo Example](https://jo.dev)\njo@example.com\n") == "text"
    assert detect_format(b"[1, 2]") == "json"


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(png(), id="png"),
        pytest.param(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(64), id="jpeg"),
        pytest.param(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), id="legacy-doc"),
        pytest.param(b"{\\rtf1\\ansi Jo Example}", id="rtf"),
        pytest.param(zip_of({"notes.txt": b"hello", "photo.jpg": b"\xff\xd8"}), id="zip"),
        pytest.param(zip_of({"mimetype": b"application/vnd.oasis.opendocument.text"}), id="odt"),
        pytest.param(bytes(random.Random(5).randrange(256) for _ in range(3000)), id="random"),
        pytest.param(b"\x00" * 100, id="nul-bytes"),
        pytest.param("Jos\xe9 M\xfcller\nExperience\n".encode("latin-1"), id="latin-1-text"),
        pytest.param(b"<!DOCTYPE html><html><body>Jo</body></html>", id="html"),
    ],
)
def test_unsupported_content_is_415(data: bytes) -> None:
    error = raises(UnsupportedDocument, data)
    assert (error.code, error.status) == ("unsupported_media_type", 415)
    assert "PDF" in error.detail and "DOCX" in error.detail


def test_an_image_gets_a_hint_that_there_is_no_ocr() -> None:
    assert "OCR" in raises(UnsupportedDocument, png()).detail


@pytest.mark.parametrize(
    "data",
    [b"", b"   \n\t \r\n", b"\xef\xbb\xbf", "  \n ".encode("utf-16")],
    ids=["empty", "whitespace", "utf8-bom-only", "utf16-whitespace"],
)
def test_empty_files_are_refused(data: bytes) -> None:
    error = raises(EmptyDocument, data)
    assert (error.code, error.status) == ("empty_document", 422)


# --------------------------------------------------------------------------------------------
# Text and JSON uploads
# --------------------------------------------------------------------------------------------


def resume_text() -> str:
    jobs = "\n".join(
        f"{job['position']} {EM} {job['name']} ({job['dates']})\n"
        + "\n".join(f"- {bullet}" for bullet in job["highlights"])
        for job in JOBS
    )
    return (
        f"{NAME}\n{LABEL}\n{EMAIL} | {PHONE} | {PLACE}\n\nExperience\n{jobs}\n\n"
        f"Education\nMSc Computer Science, Jagiellonian University, 2012 {EN} 2014\n\n"
        f"Skills\n{', '.join(SKILLS)}\n"
    )


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-be-bom"])
def test_text_uploads_in_utf8_or_utf16_parse_the_same(encoding: str) -> None:
    text = resume_text()
    if encoding == "utf-16-be-bom":
        data = b"\xfe\xff" + text.encode("utf-16-be")
    else:
        data = text.encode(encoding)
    assert detect_format(data) == "text"
    assert_is_jose(parse_document(data))


def test_markdown_upload_is_read_as_text() -> None:
    data = f"# {NAME}\n[{EMAIL}](mailto:{EMAIL}) | {PHONE}\n\n## Skills\n- Python\n".encode()
    parsed = parse_document(data)
    assert (parsed.profile["basics"]["name"], parsed.profile["basics"]["email"]) == (NAME, EMAIL)


def test_text_over_the_character_limit_is_refused() -> None:
    data = (resume_text() + "x" * 50_001).encode()
    error = raises(TextTooLong, data)
    assert (error.code, error.status) == ("text_too_long", 422)
    assert "50,000" in error.detail


def test_pdf_text_over_the_character_limit_is_refused() -> None:
    raises(TextTooLong, pdf_two_pages(), limits=Limits(max_chars=2_000))


def test_docx_text_over_the_character_limit_is_refused() -> None:
    raises(TextTooLong, docx_resume(), limits=Limits(max_chars=300))


def test_file_over_the_byte_limit_is_413() -> None:
    error = raises(DocumentTooLarge, b"a" * (10 * 1024 * 1024 + 1))
    assert (error.code, error.status) == ("payload_too_large", 413)
    assert "10.0 MB" in error.detail
    raises(DocumentTooLarge, pdf_one_column(), limits=Limits(max_bytes=1_000))


def test_json_resume_file_is_normalised() -> None:
    data = (SAMPLES / "resume.json").read_bytes()
    parsed = parse_document(data)
    assert parsed == normalise_json_resume(json.loads(data))
    assert parsed.confidence["work"] == 1.0
    extracted = extract_text(data)
    assert extracted == Extracted(format="json", text=data.decode(), pages=0)


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b'[{"basics": {"name": "Jo"}}]', "array"),
        (b'{"title": "not a resume"}', "'basics'"),
        (b'{"basics": {"name": "Jo"}, ', "not valid JSON"),
        (b"{" * 20_000, "JSON"),
    ],
    ids=["array", "not-a-resume", "invalid", "deeply-nested"],
)
def test_json_that_is_not_a_json_resume_is_unreadable(data: bytes, fragment: str) -> None:
    error = raises(UnreadableDocument, data)
    assert fragment in error.detail


# --------------------------------------------------------------------------------------------
# Errors are stable and safe to show
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "code", "status"),
    [
        (UnsupportedDocument, "unsupported_media_type", 415),
        (EmptyDocument, "empty_document", 422),
        (PdfEncrypted, "pdf_encrypted", 422),
        (NoTextLayer, "no_text_layer", 422),
        (UnreadableDocument, "unreadable_document", 422),
        (DocumentTooLarge, "payload_too_large", 413),
        (TooManyPages, "too_many_pages", 422),
        (TextTooLong, "text_too_long", 422),
    ],
)
def test_error_classes_have_stable_codes(
    error: type[DocumentError], code: str, status: int
) -> None:
    instance = error()
    assert isinstance(instance, ResumesmithError)
    assert (instance.code, instance.status) == (code, status)
    assert instance.title and instance.detail
    assert error("custom detail").detail == "custom detail"


def test_details_never_leak_paths_tracebacks_or_document_text() -> None:
    secret = "SECRET-CONTENT-1234"
    members = docx_members()
    members["word/document.xml"] = f"<w:document>{secret}".encode()
    uploads = [
        zip_of(members),
        f'{{"basics": "{secret}", '.encode(),
        b"%PDF-1.4\n" + secret.encode() * 50,
        encrypted(pdf_one_column(), "pw"),
    ]
    for data in uploads:
        with pytest.raises(DocumentError) as caught:
            parse_document(data)
        detail = caught.value.detail
        assert secret not in detail
        assert "Traceback" not in detail and "/" not in detail.replace("and/or", "")


def test_hostile_bytes_only_ever_raise_domain_errors_quickly() -> None:
    rng = random.Random(2024)
    seeds = [pdf_one_column(), docx_resume(), resume_text().encode()]
    for _ in range(40):
        data = bytearray(rng.choice(seeds))
        for _ in range(rng.randrange(1, 20)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        if rng.random() < 0.3:
            data = data[: rng.randrange(1, len(data))]
        assert timed(lambda: parse_document(bytes(data))) < 1  # noqa: B023 - called at once


# --------------------------------------------------------------------------------------------
# Text clean-up
# --------------------------------------------------------------------------------------------


def test_clean_text_normalises_typesetting_artefacts() -> None:
    raw = "Pro\ufb01le:\u00a0e\ufb03cient\u2009team\x00\x07 co\u00adoperation\r\nnext\u200b"
    assert clean_text(raw) == "Profile: efficient team cooperation\nnext"


def test_clean_text_composes_accents() -> None:
    assert clean_text("Jose\u0301 Mu\u0308ller") == "José Müller"
