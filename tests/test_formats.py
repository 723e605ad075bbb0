"""The non-PDF exports (DOCX, Markdown, plain text, JSON Resume) over both corpora.

Every resume of the parsing corpus (turned into JSON Resume by ``tests.test_offline``), of the
matching corpus and of the golden tailored outputs is exported to every format, and each export
must say what the profile says: every name, title, company, institution and date, accents
intact, in order. The DOCX must be built the way an ATS reads best, the Markdown must not let
user text become markup, the JSON must be a clean JSON Resume document, and the plain text must
come back through the project's own parser, which is how the quality gate will check exports.
"""

from __future__ import annotations

import copy
import html
import io
import json
import re
import zipfile
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import docx
import jsonschema
import pytest
from docx.oxml.ns import qn

from tests.corpus.matching.evaluate import load_matching_corpus
from tests.corpus.render import load_corpus
from tests.test_offline import corpus_profile
from worker.pipeline import formats
from worker.pipeline.export import _contact, _month, render_resume_html
from worker.pipeline.extract import parse_document
from worker.pipeline.parsing import parse_text
from worker.pipeline.types import Profile

GOLDEN_DIR = Path(__file__).resolve().parent / "golden"


def _golden() -> dict[str, dict[str, Any]]:
    return {
        f"golden-{path.stem}": json.loads(path.read_text("utf-8"))
        for path in sorted(GOLDEN_DIR.glob("*.json"))
    }


GOLDEN = _golden()
PROFILES: dict[str, Profile] = {
    **{entry.slug: corpus_profile(entry) for entry in load_corpus()},
    **load_matching_corpus().resumes,
    **{slug: data["profile"] for slug, data in GOLDEN.items()},
}
SLUGS = sorted(PROFILES)
ACCENTED = {
    "01-jose-muller-lukasiewicz": "José Müller-Łukasiewicz",
    "02-zoe-odegaard": "Zoë Ødegaard",
    "03-nguyen-thi-minh": "Nguyễn Thị Minh",
}

# Measured 100 % for name, email and every company over the 63 profiles above; the floor leaves
# room for a parser change to cost a profile or two before this test calls it a regression.
ROUND_TRIP_FLOOR = 0.95


# --------------------------------------------------------------------------------------------
# Reading the exports back
# --------------------------------------------------------------------------------------------


@cache
def docx_bytes(slug: str) -> bytes:
    return formats.resume_docx(PROFILES[slug])


def docx_paragraphs(data: bytes) -> list[tuple[str, str]]:
    """(style name, text) of every body paragraph, in order."""
    document = docx.Document(io.BytesIO(data))
    return [(p.style.name if p.style else "", p.text) for p in document.paragraphs]


def markdown_text(source: str) -> str:
    """What a Markdown renderer shows: the source with its backslash escapes resolved."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", source)


def export_text(slug: str, fmt: str) -> str:
    profile = PROFILES[slug]
    if fmt == "docx":
        return "\n".join(text for _, text in docx_paragraphs(docx_bytes(slug)))
    if fmt == "md":
        return markdown_text(formats.resume_markdown(profile))
    return formats.resume_text(profile)


def facts(profile: Profile) -> list[str]:
    """What every export must show, in the order it must show it, dates as the PDF writes them."""
    found = [profile["basics"]["name"]]
    for job in profile.get("work") or []:
        found += [job.get("position", ""), job.get("name", ""), _month(job.get("startDate"))]
        found.append(_month(job["endDate"]) if job.get("endDate") else "Present")
    for group in profile.get("skills") or []:
        found += group.get("keywords") or []
    for school in profile.get("education") or []:
        found += [school.get("studyType", ""), school.get("institution", "")]
        found += [_month(school.get("startDate")), _month(school.get("endDate"))]
    for project in profile.get("projects") or []:
        found.append(project.get("name", ""))
    for cert in profile.get("certificates") or []:
        found += [cert.get("name", ""), cert.get("issuer", ""), _month(cert.get("date"))]
    found += [item.get("language", "") for item in profile.get("languages") or []]
    return [fact for fact in found if fact]


def assert_in_order(text: str, expected: list[str]) -> None:
    position = 0
    for fact in expected:
        index = text.find(fact, position)
        assert index >= 0, f"{fact!r} missing after offset {position}:\n{text[position:][:400]}"
        position = index + len(fact)


# --------------------------------------------------------------------------------------------
# Every format says what the profile says
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["docx", "md", "txt"])
@pytest.mark.parametrize("slug", SLUGS)
def test_export_shows_every_fact_in_source_order(slug: str, fmt: str) -> None:
    assert_in_order(export_text(slug, fmt), facts(PROFILES[slug]))


@pytest.mark.parametrize("fmt", ["docx", "md", "txt"])
@pytest.mark.parametrize("slug", sorted(ACCENTED))
def test_accented_names_survive_every_format(slug: str, fmt: str) -> None:
    name = ACCENTED[slug]
    assert PROFILES[slug]["basics"]["name"] == name
    assert export_text(slug, fmt).splitlines()[0].lstrip("# ") == name


@pytest.mark.parametrize("slug", SLUGS)
def test_json_resume_keeps_every_entry_as_given(slug: str) -> None:
    profile = PROFILES[slug]
    document = formats.json_resume(profile)
    assert document["basics"]["name"] == profile["basics"]["name"]
    for section in ("work", "education", "skills", "certificates", "languages", "projects"):
        given = [entry for entry in profile.get(section) or [] if entry]
        assert len(document.get(section, [])) == len(given), section
    for got, job in zip(document.get("work", []), profile["work"], strict=True):
        assert (got["name"], got["position"]) == (job["name"], job["position"])
        assert (got["startDate"], got.get("endDate")) == (job["startDate"], job.get("endDate"))
    for got, school in zip(document.get("education", []), profile["education"], strict=True):
        assert got["institution"] == school["institution"]
        assert got.get("endDate") == school.get("endDate")


def test_dates_read_as_the_pdf_writes_them() -> None:
    values = {"2021", "2021-03", "2021-03-15", "2019-12", "", "Spring 2020", "2020-13"}
    for profile in PROFILES.values():
        for job in profile.get("work") or []:
            values |= {job.get("startDate") or "", job.get("endDate") or ""}
        for item in profile.get("education") or []:
            values |= {item.get("startDate") or "", item.get("endDate") or ""}
    for value in [*sorted(values), None]:
        assert formats.month(value) == _month(value), value
    assert formats.month("2021-03") == "Mar 2021"


@pytest.mark.parametrize("slug", SLUGS)
def test_sections_headings_and_bullets_match_the_pdf(slug: str) -> None:
    page = render_resume_html(PROFILES[slug])
    shown = [one_line(html.unescape(text)) for text in re.findall(r"<li>(.*?)</li>", page, re.S)]
    outline = formats.resume_outline(PROFILES[slug])
    assert [section.heading for section in outline.sections] == re.findall(r"<h2>(.*?)</h2>", page)
    assert [line.text for s in outline.sections for line in s.lines if line.kind == "bullet"] == (
        shown
    )


def test_contact_details_match_the_pdf() -> None:
    profile = GOLDEN["golden-sample"]["profile"]
    contact = formats.resume_outline(profile).contact
    assert contact == tuple(_contact(profile["basics"]))
    assert contact == (
        "avery.quinn-muller@example.com",
        "+44 20 7946 0958",
        "Bristol",
        "https://averyqm.dev",
        "https://linkedin.com/in/avery-quinn-muller",
        "https://github.com/averyqm",
    )
    for fmt in ("docx", "md", "txt"):
        head = "\n".join(export_text("golden-sample", fmt).splitlines()[:6])
        assert " | ".join(contact) in head


def test_formats_table_names_media_types_and_extensions() -> None:
    assert formats.FORMATS == {
        "pdf": ("application/pdf", ".pdf"),
        "docx": (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ".docx",
        ),
        "html": ("text/html; charset=utf-8", ".html"),
        "md": ("text/markdown; charset=utf-8", ".md"),
        "txt": ("text/plain; charset=utf-8", ".txt"),
        "json": ("application/json", ".json"),
    }


def test_an_empty_or_malformed_profile_exports_an_empty_document() -> None:
    malformed = {"basics": None, "work": "nope", "skills": [None, 3, {"keywords": "x"}]}
    for profile in ({}, malformed):
        assert formats.resume_text(profile) == "\n"
        assert formats.resume_markdown(profile) == "\n"
        assert docx_paragraphs(formats.resume_docx(profile)) == []
    meta = {"version": "v1.0.0"}
    assert formats.json_resume({}) == {"$schema": formats.JSON_RESUME_SCHEMA, "meta": meta}
    # The JSON goes through the upload normaliser, which reads a lone keyword as a list of one.
    assert formats.json_resume(malformed) == {
        "$schema": formats.JSON_RESUME_SCHEMA,
        "skills": [{"keywords": ["x"]}],
        "meta": meta,
    }


# --------------------------------------------------------------------------------------------
# DOCX: built the way an ATS reads it
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", SLUGS)
def test_docx_uses_real_headings_and_list_bullets(slug: str) -> None:
    profile = PROFILES[slug]
    paragraphs = docx_paragraphs(docx_bytes(slug))
    outline = formats.resume_outline(profile)
    assert paragraphs[0] == ("Title", profile["basics"]["name"])
    assert [text for style, text in paragraphs if style == "Heading 1"] == [
        section.heading for section in outline.sections
    ]
    entries = [text for style, text in paragraphs if style == "Heading 2"]
    assert entries[: len(profile["work"])] == [
        f"{job['position']} — {job['name']}" for job in profile["work"]
    ]
    bullets = [text for style, text in paragraphs if style == "List Bullet"]
    highlights = [item for job in profile["work"] for item in job.get("highlights") or []]
    assert bullets[: len(highlights)] == highlights
    first_heading = next(i for i, (style, _) in enumerate(paragraphs) if style == "Heading 1")
    assert [text for _, text in paragraphs[:first_heading] if profile["basics"]["email"] in text]


@pytest.mark.parametrize("slug", SLUGS)
def test_docx_has_one_column_of_body_text_only(slug: str) -> None:
    data = docx_bytes(slug)
    document = docx.Document(io.BytesIO(data))
    assert document.tables == []
    assert len(document.inline_shapes) == 0
    for section in document.sections:
        for part in (section.header, section.footer, section.first_page_header):
            assert part.is_linked_to_previous
            assert not any(p.text for p in part.paragraphs)
    body = document.element.body.xml
    for tag in ("w:tbl", "w:txbxContent", "w:drawing", "w:pict", "w:cols w:num", "w:hdr"):
        assert f"<{tag}" not in body
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
    assert not [name for name in names if re.search(r"\.(jpe?g|png|gif|emf|wmf)$", name)]
    assert not [name for name in names if "header" in name or "footer" in name]


def test_docx_properties_fonts_and_margins() -> None:
    data = formats.resume_docx(PROFILES["03-nguyen-thi-minh"], language="vi")
    document = docx.Document(io.BytesIO(data))
    props = document.core_properties
    assert props.author == "Nguyễn Thị Minh"
    assert props.title == "Nguyễn Thị Minh – Resume"
    assert props.language == "vi"
    assert props.created == props.modified == formats.FIXED_TIME
    for name in ("Normal", "Title", "Heading 1", "Heading 2"):
        fonts = document.styles[name].element.rPr.rFonts
        for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            assert fonts.get(qn(slot)) == formats.FONT, (name, slot)
        assert not [key for key in fonts.attrib if key.endswith("Theme") or "theme" in key]
    defaults = document.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}")
    assert defaults is not None
    assert defaults.find(f"{qn('w:rPr')}/{qn('w:lang')}").get(qn("w:val")) == "vi"
    section = document.sections[0]
    assert section.page_width is not None and abs(section.page_width.cm - 21.0) < 0.01
    assert section.left_margin is not None and 1.5 <= section.left_margin.cm <= 2.5
    assert section.top_margin is not None and 1.2 <= section.top_margin.cm <= 2.5


def test_docx_is_byte_for_byte_deterministic() -> None:
    profile = GOLDEN["golden-sample"]["profile"]
    first, second = formats.resume_docx(profile), formats.resume_docx(copy.deepcopy(profile))
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        # zipfile stamps entries with the clock unless told otherwise; a fixed stamp is what
        # keeps two renders a second apart identical.
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    later = datetime(2025, 6, 1, 12, 30, tzinfo=UTC)
    stamped = formats.resume_docx(profile, modified=later)
    assert stamped != first
    assert docx.Document(io.BytesIO(stamped)).core_properties.modified == later
    letter = GOLDEN["golden-sample"]["cover_letter"]
    assert formats.cover_letter_docx(profile, letter) == formats.cover_letter_docx(profile, letter)


# --------------------------------------------------------------------------------------------
# Markdown: user text stays text
# --------------------------------------------------------------------------------------------

HOSTILE_TEXTS = {
    "name": "**Eve** _Mallory_ <script>alert(1)</script>",
    "label": "> quoted [click](javascript:alert(1))",
    "summary": "# Not a heading\n\n- not a list\n<img src=x onerror=alert(1)> &lt;b&gt; ~~gone~~",
    "company": "[Acme](javascript:alert(document.cookie)) & Sons",
    "position": "Lead `rm -rf` Engineer ###",
    "bullets": [
        "- nested list",
        "1. ordered list",
        "2021) also ordered",
        "3.9 GPA is not a list",
        "![tracker](https://evil.example/pixel.png)",
        "<a href='javascript:alert(1)'>link</a>",
        "+ plus list",
        "---",
        "=== setext",
        "[ref]: javascript:alert(1)",
        "Knows C# and F#",
        "a | b | c",
        "snake_case and 2*3*4",
        "ends with a backslash \\",
    ],
}


def hostile_profile() -> Profile:
    return {
        "basics": {
            "name": HOSTILE_TEXTS["name"],
            "label": HOSTILE_TEXTS["label"],
            "email": "eve_m@example.com",
            "summary": HOSTILE_TEXTS["summary"],
        },
        "work": [
            {
                "name": HOSTILE_TEXTS["company"],
                "position": HOSTILE_TEXTS["position"],
                "startDate": "2020-01",
                "highlights": HOSTILE_TEXTS["bullets"],
            },
            {"position": "Engineer #", "startDate": "2018"},
        ],
    }


def one_line(text: str) -> str:
    return " ".join(text.split())


def test_markdown_escapes_every_user_character_that_could_become_markup() -> None:
    source = formats.resume_markdown(hostile_profile())
    shown = markdown_text(source)
    for value in [
        *HOSTILE_TEXTS["bullets"],
        *(v for k, v in HOSTILE_TEXTS.items() if k != "bullets"),
    ]:
        assert one_line(value) in shown
    lines = source.splitlines()
    assert [line for line in lines if line.startswith("#")] == [
        line for line in lines if re.match(r"#{1,3} ", line)
    ]
    assert sum(line.startswith("## ") for line in lines) == 2  # Summary, Experience
    for line in lines:
        assert not re.search(r"(?<!\\)[<\[`*_]", line), line
        assert not re.match(r"- (?:[-+*>#]|\d+[.)](?: |$))", line), line


def test_markdown_renders_no_link_image_html_or_emphasis_from_user_text() -> None:
    import markdown_it
    renderer = markdown_it.MarkdownIt("commonmark").enable(["table", "strikethrough"])
    rendered = renderer.render(formats.resume_markdown(hostile_profile()))
    for tag in (
        "<a ",
        "<img",
        "<script",
        "<em>",
        "<strong>",
        "<code>",
        "<blockquote>",
        "<ol",
        "<hr",
        "<table",
        "<s>",
        "<del>",
        "<h4",
    ):
        assert tag not in rendered, tag
    assert rendered.count("<h1>") == 1 and rendered.count("<ul>") == 1
    assert rendered.count("<li>") == len(HOSTILE_TEXTS["bullets"])
    shown = html.unescape(re.sub(r"<[^>]+>", "", rendered))
    for value in HOSTILE_TEXTS["bullets"]:
        assert value in shown
    assert "<h3>Engineer #</h3>" in rendered  # not swallowed as a closing sequence
    assert "Lead `rm -rf` Engineer ### — [Acme](javascript:alert(document.cookie)) & Sons" in shown


def test_plain_text_newlines_in_a_field_cannot_fake_a_section() -> None:
    profile = hostile_profile()
    profile["basics"]["summary"] = "Fine.\n\nEXPERIENCE\nFake Job — Nowhere Inc"
    text = formats.resume_text(profile)
    assert "Fine. EXPERIENCE Fake Job — Nowhere Inc" in text
    assert text.count("\nEXPERIENCE\n") == 1


# --------------------------------------------------------------------------------------------
# Plain text
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", SLUGS)
def test_plain_text_is_ats_style(slug: str) -> None:
    text = formats.resume_text(PROFILES[slug])
    headings = [section.heading for section in formats.resume_outline(PROFILES[slug]).sections]
    lines = text.splitlines()
    assert [line for line in lines if line in {h.upper() for h in headings}] == [
        h.upper() for h in headings
    ]
    highlights = [i for job in PROFILES[slug]["work"] for i in job.get("highlights") or []]
    bullets = [line[2:] for line in lines if line.startswith("- ")]
    assert bullets[: len(highlights)] == [one_line(item) for item in highlights]
    assert "\t" not in text and not any(line != line.rstrip() for line in lines)
    assert text.endswith("\n") and not text.endswith("\n\n")


# --------------------------------------------------------------------------------------------
# JSON Resume
# --------------------------------------------------------------------------------------------

_DATE = {"type": "string", "pattern": r"^\d{4}(-[0-1]\d(-[0-3]\d)?)?$"}
_STRINGS = {"type": "array", "items": {"type": "string", "minLength": 1}}
_TEXT = {"type": "string", "minLength": 1}


def _entry(required: list[str], **properties: Any) -> dict[str, Any]:
    return {
        "type": "array",
        "items": {"type": "object", "required": required, "properties": properties},
    }


# The parts of JSON Resume 1.0 this module emits, as strict as the published schema on types and
# dates, and stricter on emptiness: no "", null, [] or {} anywhere.
JSON_RESUME_SUBSET = {
    "type": "object",
    "required": ["$schema", "meta"],
    "additionalProperties": False,
    "properties": {
        "$schema": {"const": formats.JSON_RESUME_SCHEMA},
        "basics": {
            "type": "object",
            "properties": {
                **{key: _TEXT for key in ("name", "label", "email", "phone", "url", "summary")},
                "location": {"type": "object", "minProperties": 1},
                "profiles": _entry([], network=_TEXT, username=_TEXT, url=_TEXT),
            },
        },
        "work": _entry(
            ["name"],
            name=_TEXT,
            position=_TEXT,
            startDate=_DATE,
            endDate=_DATE,
            highlights=_STRINGS,
            location=_TEXT,
        ),
        "education": _entry(
            ["institution"],
            institution=_TEXT,
            studyType=_TEXT,
            area=_TEXT,
            startDate=_DATE,
            endDate=_DATE,
            courses=_STRINGS,
        ),
        "skills": _entry([], name=_TEXT, keywords=_STRINGS),
        "projects": _entry(["name"], name=_TEXT, highlights=_STRINGS, keywords=_STRINGS),
        "certificates": _entry(["name"], name=_TEXT, issuer=_TEXT, date=_DATE),
        "awards": _entry([], title=_TEXT),
        "languages": _entry(["language"], language=_TEXT, fluency=_TEXT),
        **{key: {"type": "array", "minItems": 1} for key in formats.JSON_RESUME_SECTIONS},
        "meta": {
            "type": "object",
            "required": ["version"],
            "additionalProperties": False,
            "properties": {
                "version": {"const": "v1.0.0"},
                "canonical": {"type": "string", "format": "uri"},
                "lastModified": {"type": "string", "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$"},
            },
        },
    },
}


def _walk(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [value, *(item for child in value.values() for item in _walk(child))]
    if isinstance(value, list):
        return [value, *(item for child in value for item in _walk(child))]
    return [value]


@pytest.mark.parametrize("slug", SLUGS)
def test_json_resume_validates_and_has_no_empty_values(slug: str) -> None:
    document = formats.json_resume(PROFILES[slug])
    for section in formats.JSON_RESUME_SECTIONS:
        if section in JSON_RESUME_SUBSET["properties"] and section in document:
            schema = {**JSON_RESUME_SUBSET["properties"][section], "minItems": 1}
            jsonschema.validate(document[section], schema)
    jsonschema.validate(document, JSON_RESUME_SUBSET)
    assert not [value for value in _walk(document) if value in ("", None, [], {})]
    keys = list(document)
    assert keys[0] == "$schema" and keys[-1] == "meta"


def test_json_resume_drops_unknown_keys_and_stays_deterministic() -> None:
    profile = copy.deepcopy(GOLDEN["golden-sample"]["profile"])
    profile.update(
        {"x-tracking": {"id": 7}, "meta": {"lastModified": "2019-01-01T00:00:00"}, "notes": ""}
    )
    profile["work"][0]["endDate"] = None
    before = copy.deepcopy(profile)
    document = formats.json_resume(profile)
    assert profile == before  # the input is not modified
    assert set(document) <= {"$schema", "basics", "meta", *formats.JSON_RESUME_SECTIONS}
    assert "endDate" not in document["work"][0]
    assert document == formats.json_resume(profile)
    assert document["meta"] == {"version": "v1.0.0"}
    stamped = formats.json_resume(
        profile,
        canonical="https://resumesmith.example/r/1.json",
        last_modified=datetime(2025, 6, 1, 14, 30, tzinfo=UTC),
    )
    assert stamped["meta"] == {
        "canonical": "https://resumesmith.example/r/1.json",
        "version": "v1.0.0",
        "lastModified": "2025-06-01T14:30:00",
    }
    jsonschema.validate(stamped, JSON_RESUME_SUBSET)
    json.dumps(stamped, ensure_ascii=False, allow_nan=False)


# --------------------------------------------------------------------------------------------
# Cover letters
# --------------------------------------------------------------------------------------------

LETTERS = sorted(slug for slug, data in GOLDEN.items() if data.get("cover_letter"))


@pytest.mark.parametrize("slug", LETTERS)
def test_cover_letter_exports_contain_every_paragraph_exactly(slug: str) -> None:
    profile, paragraphs = GOLDEN[slug]["profile"], GOLDEN[slug]["cover_letter"]
    language = GOLDEN[slug]["generator"].get("language", "en")
    name = profile["basics"]["name"]
    contact = formats.resume_outline(profile).contact

    text = formats.cover_letter_text(profile, paragraphs)
    assert text.split("\n\n")[1:] == [*paragraphs[:-1], paragraphs[-1] + "\n"]
    assert text.splitlines()[: 1 + len(contact)] == [name, *contact]

    source = formats.cover_letter_markdown(profile, paragraphs)
    assert markdown_text(source).split("\n\n")[1:] == [*paragraphs[:-1], paragraphs[-1] + "\n"]
    assert source.startswith(f"**{name}**")

    document = docx.Document(
        io.BytesIO(formats.cover_letter_docx(profile, paragraphs, language=language))
    )
    body = [p.text for p in document.paragraphs]
    assert body == [name, *contact, *paragraphs]
    assert document.paragraphs[0].runs[0].bold
    assert document.core_properties.language == language
    assert document.core_properties.author == name
    assert document.tables == []


def test_cover_letter_markdown_keeps_user_text_as_text() -> None:
    import markdown_it
    paragraphs = ["Dear *team*,", "I built [this](javascript:alert(1)) <b>fast</b>.", "- Eve"]
    rendered = markdown_it.MarkdownIt("commonmark").render(
        formats.cover_letter_markdown(hostile_profile(), paragraphs)
    )
    assert "<a " not in rendered and "<b>" not in rendered and "<ul>" not in rendered
    assert rendered.count("<strong>") == 1  # the sender's name, and only that
    shown = html.unescape(re.sub(r"<[^>]+>", "", rendered))
    for paragraph in paragraphs:
        assert paragraph in shown


# --------------------------------------------------------------------------------------------
# Round trip through the project's own parsers
# --------------------------------------------------------------------------------------------


def recovery(read: Any) -> dict[str, float]:
    """Share of names, emails and companies a parser gets back from an export."""
    names = emails = companies = total_companies = 0
    for profile in PROFILES.values():
        parsed = read(profile)
        basics = profile["basics"]
        names += parsed["basics"].get("name") == basics["name"]
        emails += parsed["basics"].get("email") == basics.get("email")
        got = [job.get("name") for job in parsed.get("work") or []]
        companies += sum(job["name"] in got for job in profile["work"])
        total_companies += len(profile["work"])
    return {
        "name": names / len(PROFILES),
        "email": emails / len(PROFILES),
        "company": companies / total_companies,
    }


def test_plain_text_round_trips_through_the_parser() -> None:
    rates = recovery(lambda profile: parse_text(formats.resume_text(profile)).profile)
    assert min(rates.values()) >= ROUND_TRIP_FLOOR, rates


def test_docx_round_trips_through_the_upload_reader() -> None:
    rates = recovery(lambda profile: parse_document(formats.resume_docx(profile)).profile)
    assert min(rates.values()) >= ROUND_TRIP_FLOOR, rates


def test_markdown_escapes_only_what_would_change_the_meaning() -> None:
    profile = {
        "basics": {"name": "Ana Lima", "summary": "3.9 GPA, R&D at Smith | Jones; C# and F#."},
        "work": [{"name": "Acme", "position": "Dev", "highlights": ["2021 was busy"]}],
    }
    source = formats.resume_markdown(profile)
    assert "\n3.9 GPA, R&D at Smith | Jones; C# and F#.\n" in source
    assert "\n- 2021 was busy\n" in source
