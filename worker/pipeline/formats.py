"""Stage 5 — the other exports: a tailored resume and cover letter as DOCX, Markdown, text, JSON.

Every format is drawn from one outline (`resume_outline`) that follows the classic PDF template
(`templates/classic.html` and the macros of `templates/_sections.html`): the same sections,
headings, order, date spans and contact list, so a resume says the same thing whichever file the
user downloads. Where the template leaves out a date the profile has (a project's), the outline
keeps it: dates are facts.

The functions are pure and deterministic: the same profile gives the same bytes, so a document's
sha256 (and the ETag built from it) only changes when its content does.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

import docx
from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from worker.pipeline.parsing import LIST_SECTIONS, normalise_json_resume
from worker.pipeline.scoring import parse_iso_month
from worker.pipeline.types import Profile

__all__ = [
    "FORMATS",
    "JSON_RESUME_SCHEMA",
    "Line",
    "Outline",
    "Section",
    "cover_letter_docx",
    "cover_letter_markdown",
    "cover_letter_text",
    "json_resume",
    "month",
    "resume_docx",
    "resume_markdown",
    "resume_outline",
    "resume_text",
]

FORMATS: dict[str, tuple[str, str]] = {
    "pdf": ("application/pdf", ".pdf"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
    "html": ("text/html; charset=utf-8", ".html"),
    "md": ("text/markdown; charset=utf-8", ".md"),
    "txt": ("text/plain; charset=utf-8", ".txt"),
    "json": ("application/json", ".json"),
}
"""Export format → (media type, file extension)."""

JSON_RESUME_SCHEMA = "https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json"
JSON_RESUME_SECTIONS = LIST_SECTIONS

PRESENT = "Present"
CONTACT_SEPARATOR = " | "
DASH = " \u2013 "  # between two dates, as the PDF writes it
EM_DASH = " \u2014 "  # between a title and its organisation

# Month names are spelled out here rather than taken from strftime, whose "%b" follows the
# process locale: a worker started under de_DE must not write "Mär 2021" into an English resume.
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_YEAR_ONLY = re.compile(r"\d{4}")


def month(value: str | None) -> str:
    """An ISO date as the PDF shows it: "Mar 2021", "2021" for a bare year, else as written."""
    parsed = parse_iso_month(value)
    if parsed is None:
        return value or ""
    if value and _YEAR_ONLY.fullmatch(value.strip()):
        return str(parsed.year)
    return f"{_MONTHS[parsed.month - 1]} {parsed.year}"


def _span(start: object, end: object) -> str:
    """A date range as the PDF writes it: "Jan 2021 – Present" without an end, "2015" with
    only an end."""
    first, last = month(_text(start)), month(_text(end))
    if first and not last:
        last = PRESENT
    return DASH.join(part for part in (first, last) if part)


# --------------------------------------------------------------------------------------------
# The outline every format draws
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One line of a section.

    `entry` heads a job, degree or project ("Engineer — Acme"); `when` is its date line;
    `text` is a paragraph, with an optional bold `lead` ("Backend" in "Backend: Python, Go");
    `bullet` is a list item.
    """

    kind: Literal["entry", "when", "text", "bullet"]
    text: str
    lead: str = ""


@dataclass(frozen=True)
class Section:
    key: str
    """The JSON Resume section it shows (`basics` for the summary)."""
    heading: str
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class Outline:
    """What a resume says, in reading order, independent of any file format."""

    name: str
    label: str
    contact: tuple[str, ...]
    sections: tuple[Section, ...]


def _text(value: object) -> str:
    """User text on one line: newlines in a field must not start a fake section or list."""
    if value is None or isinstance(value, dict | list):
        return ""
    return " ".join(str(value).split())


def _entries(profile: Profile, section: str) -> list[dict[str, Any]]:
    items = profile.get(section)
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []


def _texts(values: object) -> list[str]:
    if not isinstance(values, list):
        return []
    return [text for text in (_text(value) for value in values) if text]


def _joined(*parts: str, separator: str = EM_DASH) -> str:
    return separator.join(part for part in parts if part)


def _contact(basics: dict[str, Any]) -> tuple[str, ...]:
    """Email, phone, city and region, website and profile links, as the PDF lists them."""
    location = basics.get("location")
    location = location if isinstance(location, dict) else {}
    place = ", ".join(_text(location.get(key)) for key in ("city", "region") if location.get(key))
    items = [basics.get("email"), basics.get("phone"), place, basics.get("url")]
    profiles = basics.get("profiles")
    if isinstance(profiles, list):
        items += [item.get("url") for item in profiles if isinstance(item, dict)]
    return tuple(text for text in (_text(item) for item in items) if text)


def _work_lines(profile: Profile) -> Iterator[Line]:
    for job in _entries(profile, "work"):
        yield Line("entry", _joined(_text(job.get("position")), _text(job.get("name"))))
        location = job.get("location")
        where = _text(location) if isinstance(location, str) else ""
        when = _span(job.get("startDate"), job.get("endDate"))
        if when or where:
            yield Line("when", _joined(when, where, separator=CONTACT_SEPARATOR))
        if summary := _text(job.get("summary")):
            yield Line("text", summary)
        yield from (Line("bullet", item) for item in _texts(job.get("highlights")))


def _skill_lines(profile: Profile) -> Iterator[Line]:
    for group in _entries(profile, "skills"):
        keywords = ", ".join(_texts(group.get("keywords")))
        name, level = _text(group.get("name")), _text(group.get("level"))
        label = f"{name} ({level})" if name and level else name
        # {"name": "Python", "level": "Expert"} with no keywords is a skill in its own right.
        if keywords or label:
            yield Line("text", keywords, lead=label) if keywords else Line("text", label)


def _education_lines(profile: Profile) -> Iterator[Line]:
    for school in _entries(profile, "education"):
        degree = " in ".join(
            text for text in (_text(school.get(k)) for k in ("studyType", "area")) if text
        )
        yield Line("entry", _joined(degree, _text(school.get("institution"))))
        when = _span(school.get("startDate"), school.get("endDate"))
        if when := _joined(when, _text(school.get("score")), separator=CONTACT_SEPARATOR):
            yield Line("when", when)
        yield from (Line("bullet", course) for course in _texts(school.get("courses")))


def _project_lines(profile: Profile) -> Iterator[Line]:
    for project in _entries(profile, "projects"):
        yield Line("entry", _text(project.get("name")))
        when = _span(project.get("startDate"), project.get("endDate"))
        if when := _joined(when, _text(project.get("url")), separator=CONTACT_SEPARATOR):
            yield Line("when", when)
        if description := _text(project.get("description")):
            yield Line("text", description)
        yield from (Line("bullet", item) for item in _texts(project.get("highlights")))


def _certificate_lines(profile: Profile) -> Iterator[Line]:
    for cert in _entries(profile, "certificates"):
        text = ", ".join(t for t in (_text(cert.get("name")), _text(cert.get("issuer"))) if t)
        if cert.get("date"):
            text = f"{text} ({month(_text(cert.get('date')))})"
        if text:
            yield Line("bullet", text)


def _language_lines(profile: Profile) -> Iterator[Line]:
    spoken = []
    for item in _entries(profile, "languages"):
        language, fluency = _text(item.get("language")), _text(item.get("fluency"))
        if language:
            spoken.append(f"{language} ({fluency})" if fluency else language)
    if spoken:
        yield Line("text", ", ".join(spoken))


def resume_outline(profile: Profile) -> Outline:
    """The sections the PDF template shows, in its order, with every value cleaned to one line."""
    basics = profile.get("basics")
    basics = basics if isinstance(basics, dict) else {}
    summary = _text(basics.get("summary"))
    sections = (
        Section("basics", "Summary", (Line("text", summary),) if summary else ()),
        Section("work", "Experience", tuple(_work_lines(profile))),
        Section("skills", "Skills", tuple(_skill_lines(profile))),
        Section("education", "Education", tuple(_education_lines(profile))),
        Section("projects", "Projects", tuple(_project_lines(profile))),
        Section("certificates", "Certifications", tuple(_certificate_lines(profile))),
        Section("languages", "Languages", tuple(_language_lines(profile))),
    )
    # A job with neither title nor employer keeps its dates and bullets, but no empty heading.
    kept = (
        Section(s.key, s.heading, tuple(line for line in s.lines if line.text)) for s in sections
    )
    return Outline(
        name=_text(basics.get("name")),
        label=_text(basics.get("label")),
        contact=_contact(basics),
        sections=tuple(section for section in kept if section.lines),
    )


def _paragraphs(paragraphs: Iterable[str]) -> list[str]:
    return [text for text in (_text(paragraph) for paragraph in paragraphs) if text]


# --------------------------------------------------------------------------------------------
# Plain text
# --------------------------------------------------------------------------------------------


def _text_line(line: Line) -> str:
    if line.kind == "bullet":
        return f"- {line.text}"
    return f"{line.lead}: {line.text}" if line.lead else line.text


def resume_text(profile: Profile) -> str:
    """Plain text as an ATS reads best: upper-case headings, "- " bullets, one column."""
    outline = resume_outline(profile)
    head = [outline.name, outline.label, CONTACT_SEPARATOR.join(outline.contact)]
    blocks = ["\n".join(line for line in head if line)]
    for section in outline.sections:
        lines = [section.heading.upper()]
        for index, line in enumerate(section.lines):
            # A blank line before each entry but the first keeps jobs visibly apart.
            if line.kind == "entry" and index:
                lines.append("")
            lines.append(_text_line(line))
        blocks.append("\n".join(lines))
    return "\n\n".join(block for block in blocks if block) + "\n"


def cover_letter_text(profile: Profile, paragraphs: list[str]) -> str:
    """The sender's name and contact lines, then the letter's paragraphs as written."""
    outline = resume_outline(profile)
    sender = "\n".join(line for line in (outline.name, *outline.contact) if line)
    return "\n\n".join(block for block in (sender, *_paragraphs(paragraphs)) if block) + "\n"


# --------------------------------------------------------------------------------------------
# Markdown
# --------------------------------------------------------------------------------------------

# Everything that could turn user text into emphasis, code, a link, an image, raw HTML or an
# entity. Escaping "[" and "<" alone already defeats links and HTML; the rest keeps "*expert*"
# and "&amp;" reading exactly as the user typed them. "|" stays bare: every value is one line
# in a block of its own, and a table needs a delimiter row beneath its header line.
_MD_INLINE = re.compile(r"([\\`*_\[\]<>~]|&(?=#?[0-9A-Za-z]+;))")
# What would open a block at the start of a line: heading, quote, list item, rule, setext.
_MD_BLOCK_START = re.compile(r"^([#>+=-]|\d{1,9}(?=[.)](?: |$)))")
_MD_CLOSING_HASHES = re.compile(r"#(?=\s*$)")


def _md(text: str) -> str:
    escaped = _MD_INLINE.sub(r"\\\1", text)
    if match := _MD_BLOCK_START.match(escaped):
        marker = match.group(1)
        if marker[0].isdigit():  # "2021. Joined" is an ordered list: escape its "." or ")"
            end = match.end()
            return f"{escaped[:end]}\\{escaped[end:]}"
        return f"\\{escaped}"
    return escaped


def _md_heading(level: int, text: str) -> str:
    # A heading's trailing "#"s are a closing sequence CommonMark drops ("Knows C #").
    return "#" * level + " " + _MD_CLOSING_HASHES.sub(r"\\#", _md(text))


def _md_line(line: Line) -> str:
    match line.kind:
        case "entry":
            return _md_heading(3, line.text)
        case "bullet":
            return f"- {_md(line.text)}"
        case _ if line.lead:
            return f"**{_md(line.lead)}:** {_md(line.text)}"
        case _:
            return _md(line.text)


def resume_markdown(profile: Profile) -> str:
    """CommonMark with all user text escaped: `# Name`, `## Section`, `### Title — Company`."""
    outline = resume_outline(profile)
    blocks = [_md_heading(1, outline.name)] if outline.name else []
    blocks += [_md(text) for text in (outline.label, CONTACT_SEPARATOR.join(outline.contact))]
    for section in outline.sections:
        blocks.append(_md_heading(2, section.heading))
        bullets: list[str] = []
        for line in section.lines:
            if line.kind == "bullet":
                bullets.append(_md_line(line))
                continue
            if bullets:
                blocks.append("\n".join(bullets))
                bullets = []
            blocks.append(_md_line(line))
        if bullets:
            blocks.append("\n".join(bullets))
    return "\n\n".join(block for block in blocks if block) + "\n"


def cover_letter_markdown(profile: Profile, paragraphs: list[str]) -> str:
    """The sender in bold with their contact line, then one Markdown paragraph per paragraph."""
    outline = resume_outline(profile)
    sender = [f"**{_md(outline.name)}**"] if outline.name else []
    sender += [_md(CONTACT_SEPARATOR.join(outline.contact))] if outline.contact else []
    blocks = ["\\\n".join(sender), *(_md(text) for text in _paragraphs(paragraphs))]
    return "\n\n".join(block for block in blocks if block) + "\n"


# --------------------------------------------------------------------------------------------
# Word
# --------------------------------------------------------------------------------------------

FONT = "Calibri"
INK = RGBColor(0x11, 0x11, 0x11)
FIXED_TIME = datetime(2020, 1, 1, tzinfo=UTC)
"""Created/modified stamp when none is given: a constant, so the same input gives the same bytes."""
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
_THEME_FONT_ATTRIBUTES = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
_PAPER = {"a4": (Cm(21.0), Cm(29.7)), "letter": (Cm(21.59), Cm(27.94))}


def _set_fonts(rpr: Any, name: str) -> None:
    """One font for every script slot, so Word never swaps in a theme or East-Asian font
    halfway through "Nguyễn" or "Łukasiewicz"."""
    fonts = rpr.get_or_add_rFonts()
    for attribute in _THEME_FONT_ATTRIBUTES:
        fonts.attrib.pop(qn(attribute), None)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), name)


def _style(document: Document, name: str, *, size: float, bold: bool | None = None) -> None:
    style = document.styles[name]
    rpr = style.element.get_or_add_rPr()
    _set_fonts(rpr, FONT)
    style.font.size = Pt(size)
    complex_size = rpr.find(qn("w:szCs"))  # the size for complex scripts, else Word keeps 14pt
    if complex_size is not None:
        complex_size.set(qn("w:val"), str(round(size * 2)))
    style.font.color.rgb = INK
    if bold is not None:
        style.font.bold = bold


def _new_document(language: str, *, paper: str, body_size: float) -> Document:
    document = docx.Document()
    defaults = document.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}")
    if defaults is not None:
        rpr = defaults.find(qn("w:rPr"))
        if rpr is not None:
            _set_fonts(rpr, FONT)
            lang = rpr.find(qn("w:lang"))
            if lang is not None:
                lang.set(qn("w:val"), language)  # spell-check the document in its language
    _style(document, "Normal", size=body_size)
    normal = document.styles["Normal"].paragraph_format
    normal.space_after, normal.line_spacing = Pt(3), 1.1
    _style(document, "Title", size=20, bold=True)
    for rule in document.styles["Title"].element.iter(qn("w:bottom")):
        rule.attrib.pop(qn("w:themeColor"), None)  # the template's blue rule, in the ink colour
        rule.set(qn("w:color"), str(INK))
    _style(document, "Heading 1", size=12.5, bold=True)
    _style(document, "Heading 2", size=11, bold=True)
    document.styles["Title"].paragraph_format.space_after = Pt(2)
    for name, before in (("Heading 1", 12), ("Heading 2", 6)):
        heading = document.styles[name].paragraph_format
        heading.space_before, heading.space_after = Pt(before), Pt(2)
    section = document.sections[0]
    section.page_width, section.page_height = _PAPER.get(paper, _PAPER["a4"])
    section.top_margin = section.bottom_margin = Cm(1.8)
    section.left_margin = section.right_margin = Cm(2.0)
    # The template's thumbnail pictures python-docx's sample page, not this document.
    package = document.part.package
    for rid, rel in list(package.rels.items()):
        if rel.reltype == RELATIONSHIP_TYPE.THUMBNAIL:
            del package.rels[rid]
    return document


def _paragraph(document: Document, text: str, *, style: str | None = None, lead: str = "") -> None:
    paragraph = document.add_paragraph(style=style)
    if lead:
        paragraph.add_run(f"{lead}: ").bold = True
    paragraph.add_run(text)


def _finish(document: Document, *, title: str, author: str, language: str, when: datetime) -> bytes:
    props = document.core_properties
    props.title, props.author, props.language = title, author, language
    props.last_modified_by, props.comments, props.subject, props.keywords = author, "", "", ""
    props.created = props.modified = when
    props.revision = 1
    out = io.BytesIO()
    document.save(out)
    return _stable_zip(out.getvalue())


def _stable_zip(data: bytes) -> bytes:
    """The same archive with every entry stamped 1980-01-01: zipfile stamps entries with the
    clock, which would make two saves of one document differ."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_EPOCH)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, source.read(info))
    return out.getvalue()


def resume_docx(
    profile: Profile, *, language: str = "en", paper: str = "a4", modified: datetime | None = None
) -> bytes:
    """A one-column Word resume an ATS can read: the name as Title, sections as Heading 1,
    entries as Heading 2, real "List Bullet" items, contact details in the body (parsers skip
    headers and footers), no tables, text boxes or images."""
    outline = resume_outline(profile)
    language = language or "en"
    document = _new_document(language, paper=paper, body_size=10.5)
    if outline.name:
        document.add_paragraph(outline.name, style="Title")
    if outline.label:
        document.add_paragraph(outline.label)
    if outline.contact:
        document.add_paragraph(CONTACT_SEPARATOR.join(outline.contact))
    styles = {"entry": "Heading 2", "bullet": "List Bullet"}
    for section in outline.sections:
        document.add_heading(section.heading, level=1)
        for line in section.lines:
            _paragraph(document, line.text, style=styles.get(line.kind), lead=line.lead)
    return _finish(
        document,
        title=_joined(outline.name, "Resume", separator=DASH),
        author=outline.name,
        language=language,
        when=modified or FIXED_TIME,
    )


def cover_letter_docx(
    profile: Profile,
    paragraphs: list[str],
    *,
    language: str = "en",
    paper: str = "a4",
    modified: datetime | None = None,
) -> bytes:
    """The sender block (name in bold, one contact detail a line), then the letter's paragraphs,
    which bring their own salutation and sign-off."""
    outline = resume_outline(profile)
    language = language or "en"
    document = _new_document(language, paper=paper, body_size=11)
    document.styles["Normal"].paragraph_format.space_after = Pt(9)
    sender = [(outline.name, True)] if outline.name else []
    sender += [(line, False) for line in outline.contact]
    for index, (text, bold) in enumerate(sender):
        paragraph = document.add_paragraph()
        paragraph.add_run(text).bold = bold
        last = index == len(sender) - 1
        paragraph.paragraph_format.space_after = Pt(14 if last else 0)
    for text in _paragraphs(paragraphs):
        document.add_paragraph(text)
    return _finish(
        document,
        title=_joined(outline.name, "Cover letter", separator=DASH),
        author=outline.name,
        language=language,
        when=modified or FIXED_TIME,
    )


# --------------------------------------------------------------------------------------------
# JSON Resume
# --------------------------------------------------------------------------------------------


def _pruned(value: Any) -> Any:
    """The value without empty strings, nulls, empty lists and objects, which the schema's
    date patterns and types would reject and which only add noise."""
    if isinstance(value, dict):
        items = ((str(key), _pruned(item)) for key, item in value.items())
        return {key: item for key, item in items if item not in ("", None, [], {})}
    if isinstance(value, list):
        items = (_pruned(entry) for entry in value)
        return [item for item in items if item not in ("", None, [], {})]
    if isinstance(value, str):
        return value.strip()
    return value


def json_resume(
    profile: Profile, *, canonical: str | None = None, last_modified: datetime | None = None
) -> dict[str, Any]:
    """A JSON Resume 1.0 document: `$schema`, the standard sections in schema order, `meta`.

    Keys JSON Resume does not define at the top level are dropped, and so are empty values;
    `meta.lastModified` is only written when given, so the same profile always gives the same
    document.
    """
    # The upload normaliser already knows JSON Resume's shapes: string lists, ISO dates, no
    # "Present" end dates, legacy field names. Giving it a `basics` keeps it from refusing an
    # empty profile; it copies its input, so the caller's profile is left alone.
    normalised = normalise_json_resume({"basics": {}, **profile}).profile
    document: dict[str, Any] = {"$schema": JSON_RESUME_SCHEMA}
    for section in ("basics", *JSON_RESUME_SECTIONS):
        if value := _pruned(normalised.get(section)):
            document[section] = value
    meta: dict[str, str] = {}
    if canonical:
        meta["canonical"] = canonical
    meta["version"] = "v1.0.0"
    if last_modified is not None:
        stamp = last_modified if last_modified.tzinfo else last_modified.replace(tzinfo=UTC)
        meta["lastModified"] = stamp.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    document["meta"] = meta
    return document
