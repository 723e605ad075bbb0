"""Turn an uploaded resume into a JSON Resume profile.

Uploads arrive either as text (typed, pasted out of a PDF, or written in Markdown) or as a JSON
Resume document. Both routes end in the same profile shape so that later stages never care where
a profile came from.

Reading free text is guesswork, so the parser never fails: whatever it could not work out is
reported in ``ParsedResume.warnings``, letting the user fix the source rather than trust a
silently wrong profile. Uploads are untrusted and may be huge or binary, so every regular
expression here is either anchored, bounded, or guarded so it cannot backtrack quadratically,
and all passes over the text are linear.
"""

from __future__ import annotations

import copy
import heapq
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice, pairwise
from typing import Any
from urllib.parse import urlsplit

from worker.pipeline.types import ParsedResume, Profile

__all__ = ["MAX_CHARS", "is_section_heading", "iter_lines", "normalise_json_resume", "parse_text"]

MAX_CHARS = 500_000
"""Text beyond this is dropped: no real resume is this long, and it bounds the work per upload."""

LIST_SECTIONS: tuple[str, ...] = (
    "work",
    "volunteer",
    "education",
    "awards",
    "certificates",
    "publications",
    "skills",
    "languages",
    "interests",
    "references",
    "projects",
)
_TOP_LEVEL_KEYS = frozenset({"$schema", "basics", "meta", *LIST_SECTIONS})
_BASICS_TEXT_FIELDS = ("name", "label", "email", "phone", "url", "summary")

_EN = "\u2013"
_EM = "\u2014"
_DASHES = f"-{_EN}{_EM}\u2212"
_PRESENT = "present"

# Contact details are only looked for in a bounded prefix of each header line, which keeps the
# (bounded-length) token checks below cheap even for pathological input.
_CONTACT_SCAN_CHARS = 400
_HEADER_SCAN_LINES = 40


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


def parse_text(text: str) -> ParsedResume:
    """Best-effort parse of a plain-text or Markdown resume into a JSON Resume profile.

    Never raises: an upload that defeats the heuristics still yields a (possibly empty) profile
    and warnings, because showing the user what went wrong beats failing the whole job.
    """
    try:
        return _parse_text(text)
    except Exception as exc:  # last line of defence; the heuristics are written not to raise
        empty = _empty_profile()
        return ParsedResume(
            profile=empty,
            warnings=[f"could not read the resume text ({type(exc).__name__}); check the upload"],
            confidence=_confidence(empty),
        )


def normalise_json_resume(doc: dict[str, Any]) -> ParsedResume:
    """Clean a user-supplied JSON Resume document into the shape ``parse_text`` produces.

    Users export these from many tools and schema versions, so this is forgiving about shape
    (legacy field names, missing lists, stray top-level keys) but refuses documents that are not
    resumes at all, because tailoring an unrelated JSON blob would only produce nonsense.
    """
    if not isinstance(doc, dict):
        raise ValueError(f"a JSON Resume document must be a JSON object, not {type(doc).__name__}")
    if "basics" not in doc and "work" not in doc:
        raise ValueError(
            "this does not look like a JSON Resume document: it has neither 'basics' nor 'work'"
        )
    source = copy.deepcopy(doc)
    warnings: list[str] = []

    unknown = sorted(str(key) for key in source if key not in _TOP_LEVEL_KEYS)
    if unknown:
        warnings.append(f"ignored fields that are not part of JSON Resume: {', '.join(unknown)}")

    profile: Profile = {}
    if isinstance(source.get("$schema"), str):
        profile["$schema"] = source["$schema"]
    profile["basics"] = _normalise_basics(source.get("basics"), warnings)
    for section in LIST_SECTIONS:
        entries = _as_entry_list(source.get(section), section, warnings)
        profile[section] = [_normalise_entry(section, entry) for entry in entries]
    if isinstance(source.get("meta"), dict):
        profile["meta"] = source["meta"]

    basics = profile["basics"]
    if not basics["name"]:
        warnings.append("no name found")
    if not basics["email"]:
        warnings.append("no email found")
    if not profile["work"]:
        warnings.append("no work experience found")
    return ParsedResume(profile=profile, warnings=warnings, confidence=_json_confidence(profile))


def iter_lines(profile: Profile) -> Iterator[tuple[str, str]]:
    """Yield ``(path, text)`` for each line of prose a reader (or an ATS) would judge.

    Paths such as ``work[0].highlights[2]`` let later stages cite exactly which line backs a
    claim. Profiles may come straight from users, so malformed parts are skipped, not trusted.
    """
    basics = profile.get("basics")
    if isinstance(basics, dict):
        yield from _text_at("basics.summary", basics.get("summary"))

    for i, job in _dict_items(profile.get("work")):
        yield from _text_at(f"work[{i}].summary", job.get("summary"))
        yield from _texts_at(f"work[{i}].highlights", job.get("highlights"))

    for i, project in _dict_items(profile.get("projects")):
        yield from _text_at(f"projects[{i}].description", project.get("description"))
        yield from _texts_at(f"projects[{i}].highlights", project.get("highlights"))

    for i, school in _dict_items(profile.get("education")):
        degree = " ".join(
            part for part in (_str(school.get("studyType")), _str(school.get("area"))) if part
        )
        institution = _str(school.get("institution"))
        text = ", ".join(part for part in (degree, institution) if part)
        if text:
            yield f"education[{i}]", text

    for i, certificate in _dict_items(profile.get("certificates")):
        yield from _text_at(f"certificates[{i}].name", certificate.get("name"))


# --------------------------------------------------------------------------------------------
# Shared helpers
# --------------------------------------------------------------------------------------------


def _empty_profile() -> Profile:
    basics: dict[str, Any] = {key: "" for key in _BASICS_TEXT_FIELDS}
    basics["profiles"] = []
    profile: Profile = {"basics": basics}
    for section in LIST_SECTIONS:
        profile[section] = []
    return profile


def _str(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _squash(text: str) -> str:
    return " ".join(text.split())


def _text_at(path: str, value: object) -> Iterator[tuple[str, str]]:
    text = _str(value)
    if text:
        yield path, text


def _texts_at(path: str, values: object) -> Iterator[tuple[str, str]]:
    if isinstance(values, list):
        for j, value in enumerate(values):
            yield from _text_at(f"{path}[{j}]", value)


def _dict_items(values: object) -> Iterator[tuple[int, dict[str, Any]]]:
    if isinstance(values, list):
        for i, value in enumerate(values):
            if isinstance(value, dict):
                yield i, value


# --------------------------------------------------------------------------------------------
# Text clean-up and line model
# --------------------------------------------------------------------------------------------

_TRANSLATION: dict[int, str | None] = {
    code: None for code in (*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0))
}
_TRANSLATION.update(
    {
        0x09: "   ",  # a tab usually separates columns in text pulled out of a PDF
        0x0A: "\n",
        0x0B: "\n",
        0x0C: "\n",
        0x85: "\n",
        0x2028: "\n",
        0x2029: "\n",
        0xA0: " ",
        0x200B: None,
        0x200C: None,
        0x200D: None,
        0xFEFF: None,
    }
)
_UNREADABLE = frozenset(chr(code) for code, repl in _TRANSLATION.items() if repl is None) | {
    "\ufffd"
}


def _normalise_text(text: object, warnings: list[str]) -> str:
    if isinstance(text, bytes | bytearray):
        text = bytes(text).decode("utf-8", errors="replace")
    elif not isinstance(text, str):
        text = str(text)
    if len(text) > MAX_CHARS:
        warnings.append(
            f"the resume text is very long; only the first {MAX_CHARS:,} characters were read"
        )
        text = text[:MAX_CHARS]
    unreadable = sum(1 for ch in text if ch in _UNREADABLE and ch not in "\r\n\t\f\v")
    if len(text) >= 20 and unreadable * 10 > len(text):
        warnings.append(
            "the text contains many unreadable characters; was a binary file (PDF, DOCX) "
            "uploaded as text?"
        )
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.translate(_TRANSLATION)


@dataclass(frozen=True)
class _Line:
    text: str
    """Content with bullet marker, Markdown heading marks and emphasis removed."""
    raw: str = ""
    """The stripped original, used to recognise headings."""
    indent: int = 0
    bullet: bool = False


_BLANK = _Line("")
_BULLET_MARKS = r"-*+\u2022\u00b7\u25aa\u25cf\u25e6\u2023\u27a2\u27a4\u25ba\u2013"
_BULLET = re.compile(rf"(?:[{_BULLET_MARKS}]|\d{{1,2}}[.)])\s")
_MD_HEADING = re.compile(r"#{1,6}\s")
# Bounded character classes that exclude the opening bracket keep this linear on "[[[[".
_MD_LINK = re.compile(r"\[([^\[\]\n]{0,200})\]\(([^()\s]{1,500})\)")
_RULE_CHARS = frozenset("-=_*~ ")


def _link_text(match: re.Match[str]) -> str:
    label, target = match.group(1).strip(), match.group(2)
    if target.lower().startswith("mailto:"):
        target = target[len("mailto:") :]
    if not label or label == target:
        return target
    return f"{label} ({target})"


def _clean_inline(text: str) -> str:
    if "[" in text:
        text = _MD_LINK.sub(_link_text, text)
    if text.startswith("#"):
        match = _MD_HEADING.match(text)
        if match:
            text = text[match.end() :]
    text = text.replace("**", "").replace("`", "").strip()
    if len(text) > 2 and text[0] == text[-1] and text[0] in "*_":
        text = text[1:-1].strip()
    return text


# Icon fonts (Font Awesome in LaTeX and Word templates, Wingdings, emoji) leave glyphs in the
# text that mean nothing to a reader of plain text: private-use code points, dingbats, and, from
# LaTeX's Type 1 icon fonts, the glyph's name mangled by a stray symbol ("♂¶obile-alt").
_GLYPH_CHARS = (
    "\ue000-\uf8ff\U000f0000-\U0010fffd\u2300-\u23ff\u25a0-\u25ff\u2600-\u27bf"
    "\U0001f000-\U0001faff\u00b6"
)
_GLYPH = re.compile(f"[{_GLYPH_CHARS}]")
_GLYPH_TOKEN = re.compile(rf"[^\s{_GLYPH_CHARS}]{{0,40}}[{_GLYPH_CHARS}]\S{{0,40}}")
_ICON_REMNANT = re.compile(r"/?[a-z][a-z-]{0,30}")
# Symbol and Wingdings bullets as Word maps them into the private-use area, and the shapes and
# dingbats people pick as bullets; any of these opening a line marks a list item.
_BULLET_GLYPHS = frozenset(
    "\uf0b7\uf0a7\uf076\uf0d8\uf0fc\uf0a8\uf06c\uf06e\uf0a4\uf0e8\u25a0\u25a1\u25aa\u25ab"
    "\u25b6\u25ba\u25c6\u25c7\u25cb\u25cf\u25e6\u2605\u2606\u2666\u2713\u2714\u2726\u2727"
    "\u2756\u27a2\u27a4\u279c\u2794"
)


def _drop_glyph(match: re.Match[str]) -> str:
    token = match.group(0)
    letters = _GLYPH.sub("", token)
    if not letters or _ICON_REMNANT.fullmatch(letters):
        return " | "  # a bare icon, or an icon's mangled name: it only separated two items
    return _GLYPH.sub(" | ", token)  # glued to real content ("\uf0e0jo@x.io"): keep the content


def _strip_glyphs(text: str) -> tuple[str, bool]:
    """Remove icon glyphs, returning the text and whether a bullet glyph opened it.

    Each icon becomes a segment separator, because icons sit between contact details exactly
    where a "|" would; the header parser then sees "(123) 456-7890 | jo@x.io".
    """
    bullet = text[0] in _BULLET_GLYPHS and (len(text) == 1 or text[1].isspace())
    if bullet:
        text = text[1:]
    return _GLYPH_TOKEN.sub(_drop_glyph, text), bullet


def _make_line(raw: str) -> _Line:
    stripped = raw.strip()
    glyph_bullet = False
    if stripped and _GLYPH.search(stripped, 0, _CONTACT_SCAN_CHARS * 4):
        stripped, glyph_bullet = _strip_glyphs(stripped)
        stripped = _squash(stripped).strip(" |")
    if not stripped or (len(stripped) >= 3 and set(stripped) <= _RULE_CHARS):
        return _BLANK
    indent = len(raw) - len(raw.lstrip())
    match = None if glyph_bullet else _BULLET.match(stripped)
    body = stripped[match.end() :] if match else stripped
    text = _clean_inline(body)
    if not text:
        return _BLANK
    bullet = match is not None or (glyph_bullet and not is_section_heading(text))
    return _Line(text=text, raw=stripped, indent=indent, bullet=bullet)


# --------------------------------------------------------------------------------------------
# Section headings
# --------------------------------------------------------------------------------------------


def _phrases(text: str) -> tuple[str, ...]:
    return tuple(phrase.strip() for phrase in text.split(",") if phrase.strip())


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


_HEADING_PHRASES = {
    "summary": """summary, professional summary, career summary, executive summary, profile,
        professional profile, personal profile, about, about me, objective, career objective,
        overview, summary of qualifications""",
    "work": """experience, work experience, professional experience, relevant experience,
        work history, employment, employment history, career history, career, work,
        experience and employment""",
    "education": """education, education and training, academic background, academic history,
        qualifications, academic qualifications""",
    "skills": """skills, technical skills, core competencies, competencies, key skills,
        core skills, skills and tools, skills and technologies, technologies, skills summary,
        areas of expertise, expertise, technical proficiencies""",
    "projects": """projects, personal projects, selected projects, side projects, key projects,
        open source, open source projects, portfolio""",
    "certificates": """certifications, certificates, certification, licenses and certifications,
        licences and certifications, certifications and licenses,
        professional certifications""",
    "languages": "languages, spoken languages, language skills",
    "volunteer": "volunteer, volunteering, volunteer experience, volunteer work",
    "awards": """awards, honors, honours, honors and awards, honours and awards,
        awards and honors, awards and honours, achievements""",
    "publications": "publications, papers, talks and publications, publications and talks",
    "interests": "interests, hobbies, hobbies and interests, personal interests",
    "references": "references",
    "contact": "contact, contact information, contact info, contact details",
}
_HEADINGS = {
    _squash(phrase): kind
    for kind, phrases in _HEADING_PHRASES.items()
    for phrase in _phrases(phrases)
}

# Headings people invent ("Clinical Experience", "Tech Stack", "Professional Memberships") are
# read by their last word. "other" marks sections this parser does not keep: they still end the
# section above them, so their lines cannot spill into it.
_HEADING_TAIL_WORDS = {
    "work": """experience experiences employment history career appointments placements
        internships positions""",
    "skills": """skills stack competencies competences tools technologies expertise
        proficiencies strengths toolkit""",
    "education": "education qualifications training",
    "certificates": """certifications certificates certification licenses licences license
        licence licensure registration registrations accreditations credentials""",
    "summary": "summary profile statement objective overview",
    "projects": "projects portfolio",
    "languages": "languages",
    "volunteer": "volunteering",
    "awards": "awards honors honours achievements prizes distinctions",
    "publications": "publications papers patents",
    "interests": "interests hobbies pursuits",
    "references": "references referees",
    "other": """memberships membership affiliations associations activities information details
        involvement extracurriculars conferences coursework talks presentations""",
}
_HEADING_TAILS = {
    word: kind for kind, words in _HEADING_TAIL_WORDS.items() for word in _word_set(words)
}
# Words a heading may contain; "Personal", "Professional", "Relevant" and a field ("Clinical",
# "Teaching") are free, but a job title word ("Head of Customer Experience") is not a heading.
_HEADING_SMALL_WORDS = frozenset({"and", "of", "the", "in", "for", "to", "my", "&", "/"})
_HEADING_WORD = re.compile(r"[^\W\d_][\w'\u2019-]{0,30}|&|/")

# Inside these sections "Label: items" is content (a skill group, a project's tech stack), so an
# inline "Languages: Python, Go" must not be mistaken for a new section.
_NO_INLINE_HEADINGS = frozenset({"skills", "work", "volunteer", "projects"})


def _heading_key(text: str) -> str:
    text = text.lstrip("#").replace("**", "").replace("__", "").strip("*_=~: \t")
    return _squash(text.replace("&", " and ").lower())


# A job title word ("Head of Customer Experience") or a school's name ("Institute of
# Education") makes a line content, whatever its last word.
_NOT_HEADING_WORDS = frozenset(
    {"university", "college", "school", "institute", "academy", "hospital", "ltd", "inc"}
)
_FREE_TITLE_WORDS = frozenset({"internship", "volunteer", "freelance", "graduate", "student"})
_SUB_HEADING_KINDS = frozenset({"skills", "education"})
"""Sections where a heading-like line of the section's own kind is a group label within it."""


def _generic_heading(raw: str) -> str | None:
    """Section kind of a heading missing from the table ("Clinical Experience"), or None.

    Only short lines in Title Case or capitals, made of plain words and ending in a word that
    names a section, qualify; "other" means a section whose content is not kept.
    """
    text = raw.lstrip("#").replace("**", "").replace("__", "").strip("*_=~: \t")
    if not text or len(text) > 50 or not text[0].isupper():
        return None
    words = text.split()
    if len(words) > 5:
        return None
    lowered: list[str] = []
    for word in words:
        low = word.lower()
        if low not in _HEADING_SMALL_WORDS and (
            not word[0].isupper() or not _HEADING_WORD.fullmatch(word)
        ):
            return None
        lowered.append(low)
    kind = _HEADING_TAILS.get(lowered[-1])
    if kind is None:
        return None
    for low in lowered:
        if low in _NOT_HEADING_WORDS or (low in _TITLE_WORDS and low not in _FREE_TITLE_WORDS):
            return None
    if "volunteer" in lowered:
        return "volunteer"
    if "education" in lowered:
        return "education"
    if lowered[-1] == "training":  # "Certifications & Training" lists certificates
        kind = next((_HEADING_TAILS[w] for w in lowered[:-1] if w in _HEADING_TAILS), kind)
    return kind


def _heading_kind(raw: str) -> tuple[str, bool] | None:
    """Section kind of a whole-line heading, and whether it came from the table of headings."""
    if len(raw) > 60:
        return None
    kind = _HEADINGS.get(_heading_key(raw))
    if kind:
        return kind, True
    generic = _generic_heading(raw)
    return (generic, False) if generic else None


def _match_heading(
    line: _Line, current: str | None, after_text: bool = False
) -> tuple[str, str] | None:
    """Return (section kind, inline remainder) when the line opens a known section.

    ``after_text`` says the line directly follows another without a blank line; then a
    lower-case "education" is the end of a wrapped line ("Patient" / "education"), not a
    heading in a lower-case design.
    """
    if line.bullet or not line.raw:
        return None
    raw = line.raw
    found = _heading_kind(raw)
    if found and after_text and next((ch for ch in raw[:12] if ch.isalpha()), "").islower():
        found = None
    if found:
        kind, listed = found
        # "Technical Skills" under "Skills" labels a group; an unlisted heading of the
        # section's own kind ("Clinical Training" under "Education") is content too.
        if kind != current or kind not in _SUB_HEADING_KINDS or (listed and kind != "skills"):
            return kind, ""
        return None
    if current in _NO_INLINE_HEADINGS:
        return None
    head, colon, rest = raw.partition(":")
    if colon and len(head) <= 40 and rest.strip():
        inline = _HEADINGS.get(_heading_key(head))
        # "Profile: linkedin.com/in/jo" is a contact detail, not a one-line summary
        if inline and (inline != "summary" or len(rest.split()) >= 4):
            return inline, _clean_inline(rest.strip())
    return None


def is_section_heading(text: str) -> bool:
    """True when ``text`` on a line of its own would open a resume section ("EXPERIENCE").

    Text extraction uses this to tell a page's columns apart: real columns carry headings,
    while the dates and places printed beside job titles never do.
    """
    return _heading_kind(text.strip()) is not None


def _markdown_level(raw: str) -> int:
    level = len(raw) - len(raw.lstrip("#"))
    return level if 0 < level <= 6 and raw[level : level + 1] == " " else 0


def _split_sections(
    lines: list[_Line], warnings: list[str]
) -> tuple[list[_Line], dict[str, list[_Line]]]:
    header: list[_Line] = []
    sections: dict[str, list[_Line]] = {}
    current: str | None = None
    known_level = 0  # Markdown level used by recognised headings, so unknown ones can be skipped
    after_text = False
    for line in lines:
        hit = _match_heading(line, current, after_text)
        after_text = bool(line.text)
        if hit and hit[0] == "other":
            current = "ignored"
            warnings.append(f"skipped unrecognised section '{_squash(line.text)[:60]}'")
            level = _markdown_level(line.raw)
            if level:
                known_level = min(known_level, level) if known_level else level
            continue
        if hit:
            current, remainder = hit
            level = _markdown_level(line.raw)
            if level:
                known_level = min(known_level, level) if known_level else level
            bucket = sections.setdefault(current, [])
            if bucket:
                bucket.append(_BLANK)
            if remainder:
                bucket.append(_Line(text=remainder, raw=remainder))
            continue
        level = _markdown_level(line.raw) if line.raw.startswith("#") else 0
        if level and known_level and level <= known_level:
            current = "ignored"
            warnings.append(f"skipped unrecognised section '{_squash(line.text)[:60]}'")
            continue
        if current is None:
            header.append(line)
        elif current != "ignored":
            sections[current].append(line)
    return header, sections


# --------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------

_MONTHS = {
    name: number
    for number, name in enumerate(_phrases("jan,feb,mar,apr,may,jun,jul,aug,sep,oct,nov,dec"), 1)
}
_MONTH_NAMES = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
# Every alternative is bounded in length, so scanning a line is linear.
_DATE_TOKEN = re.compile(
    rf"""
    (?<![\w/])
    (?:
        (?P<month>{_MONTH_NAMES})\.?,?\s{{1,3}}(?P<month_year>(?:19|20)\d{{2}})
      | (?P<mm>0?[1-9]|1[0-2])[/.](?P<mm_year>(?:19|20)\d{{2}})
      | (?P<iso_year>(?:19|20)\d{{2}})[-/.](?P<iso_month>0[1-9]|1[0-2])
        (?:[-/.](?:0[1-9]|[12]\d|3[01]))?
      | (?:spring|summer|autumn|fall|winter)\s{{1,3}}(?P<season_year>(?:19|20)\d{{2}})
      | (?P<year>(?:19|20)\d{{2}})
      | (?P<present>present|current|now|today|ongoing|date|heute|aktuell|idag|presente
                  |actualidad|oggi)
    )
    (?![\w/])
    """,
    re.IGNORECASE | re.VERBOSE,
)
_RANGE_SEPARATORS = frozenset(
    {
        *("-", "--", _EN, _EM, "\u2212", "~", "to", "until", "till", "through", "thru", "->"),
        *("\u2192", "bis", "hasta"),
    }
)
_OPEN_ENDED_WORDS = ("since", "from")
_BEFORE_STANDALONE_DATE = frozenset(f"(|,[:;\u2022\u00b7{_DASHES}")
_AFTER_STANDALONE_DATE = frozenset(f")|,];\u2022\u00b7{_DASHES}")


@dataclass(frozen=True)
class _Dates:
    start: str
    end: str | None
    """None when the role is ongoing ("Present")."""
    is_range: bool
    span: tuple[int, int]


def _token_value(match: re.Match[str]) -> str:
    if match.group("present"):
        return _PRESENT
    if match.group("month"):
        month = _MONTHS[match.group("month")[:3].lower()]
        return f"{match.group('month_year')}-{month:02d}"
    if match.group("mm"):
        return f"{match.group('mm_year')}-{int(match.group('mm')):02d}"
    if match.group("iso_year"):
        return f"{match.group('iso_year')}-{match.group('iso_month')}"
    return match.group("season_year") or match.group("year")


def _find_dates(text: str) -> _Dates | None:
    """Find the date range (or lone date) that a header line carries, if any.

    A lone date only counts when it stands apart from the prose (in brackets, after a comma or
    separator, or a full month-year at the end), so "cut costs by 40% in 2021" is not a header.
    """
    tokens = list(islice(_DATE_TOKEN.finditer(text), 12))
    for first, second in pairwise(tokens):
        start = _token_value(first)
        if start == _PRESENT:
            continue
        between = text[first.end() : second.start()].strip().lower()
        if between in _RANGE_SEPARATORS:
            end = _token_value(second)
            return _Dates(
                start=start,
                end=None if end == _PRESENT else end,
                is_range=True,
                span=(first.start(), second.end()),
            )
    for token in tokens:
        value = _token_value(token)
        if value == _PRESENT:
            continue
        before = text[: token.start()].rstrip()
        after = text[token.end() :].lstrip()
        lowered = before.lower()
        opener = next((w for w in _OPEN_ENDED_WORDS if lowered.endswith(w)), None)
        if opener and (len(before) == len(opener) or not before[-len(opener) - 1].isalnum()):
            return _Dates(value, None, False, (len(before) - len(opener), token.end()))
        apart_before = not before or before[-1] in _BEFORE_STANDALONE_DATE
        apart_after = not after or after[0] in _AFTER_STANDALONE_DATE
        precise_at_end = not after and not token.group("year")
        if (apart_before and apart_after) or precise_at_end:
            return _Dates(value, value, False, (token.start(), token.end()))
    return None


_DANGLING_RANGE = re.compile(rf"\s?(?:[{_DASHES}]{{1,2}}|\bto|\buntil)$", re.IGNORECASE)
_SPLIT_SCAN = 40
"""Characters either side of a line break searched for a date range split across it."""


def _ends_with_date(text: str) -> bool:
    tail = text[-_SPLIT_SCAN:]
    tokens = list(islice(_DATE_TOKEN.finditer(tail), 12))
    return bool(tokens) and tokens[-1].end() == len(tail) and not tokens[-1].group("present")


def _starts_with_date(text: str) -> re.Match[str] | None:
    match = _DATE_TOKEN.match(text[:_SPLIT_SCAN])
    if match is None:
        return None
    after = text[match.end() :]
    # Only a date standing apart ("Present", "Mar 2021   Berlin") finishes a range; a line
    # such as "- 2020 was a big year" is a bullet that merely starts with a year.
    if not after or after.startswith("  ") or after.lstrip()[:1] in ("|", ",", ";", ")", "]"):
        return match
    return None


def _continues_date_range(previous: str, line: str) -> bool:
    """Whether ``line`` finishes a date range that ``previous`` started ("2017 –" / "Present").

    PDF text extraction breaks a date column wherever the layout wrapped it, which would leave
    a job with a start date, no end date, and a stray "Present" line.
    """
    before, head = previous.rstrip(), line.strip()
    if not before or not head:
        return False
    dash = _DANGLING_RANGE.search(before[-_SPLIT_SCAN:])
    if dash is not None:
        return _ends_with_date(before[: len(before) - len(dash.group(0))].rstrip()) and bool(
            _starts_with_date(head)
        )
    if head[0] in _DASHES and _ends_with_date(before):
        rest = head.lstrip(_DASHES).lstrip()
        return bool(_starts_with_date(rest))
    return False


_OPEN_RANGE_GAP = re.compile(rf"\s?[{_DASHES}]\s{{2,}}(?=\S)")


def _date_column_start(line: str) -> int:
    """Where the text after an open date range in a left-hand date column starts, or 0.

    PDF date columns wrap "Sep 2019 \u2013 Present" as "Sep 2019 \u2013   Title, Employer" with
    "Present" on the line below.
    """
    text = line.lstrip()
    match = _DATE_TOKEN.match(text[:_SPLIT_SCAN])
    if match is None or match.group("present"):
        return 0
    gap = _OPEN_RANGE_GAP.match(text, match.end())
    return len(line) - len(text) + gap.end() if gap else 0


def _join_split_dates(lines: list[str]) -> list[str]:
    joined: list[str] = []
    for line in lines:
        if joined and _continues_date_range(joined[-1], line):
            joined[-1] = f"{joined[-1].rstrip()} {line.strip()}"
            continue
        head = line.strip()
        if joined and head and _DATE_TOKEN.fullmatch(head[:_SPLIT_SCAN]):
            at = _date_column_start(joined[-1])
            if at:
                previous = joined[-1]
                joined[-1] = f"{previous[:at].rstrip()} {head}   {previous[at:]}"
                continue
        joined.append(line)
    return joined


_MONTH_WORDS = frozenset(
    _phrases(
        """jan, january, feb, february, mar, march, apr, april, may, jun, june, jul, july, aug,
        august, sep, sept, september, oct, october, nov, november, dec, december"""
    )
)
# Words that cannot end a heading, a name or a date column: a line ending in one was wrapped.
_DANGLING_WORDS = frozenset(
    _phrases("of, and, &, for, in, at, the, to, with, de, du, des, der, die, f\u00fcr, und, y")
)
_YEAR_START = re.compile(r"(?:19|20)\d\d(?!\d)")
_WRAPPED_LINE_CHARS = 160
"""Only lines up to this long are joined, which also keeps runs of joins linear."""


def _join_wrapped_lines(lines: list[str]) -> list[str]:
    """Join lines a narrow column wrapped mid-phrase ("Stockholm School of" / "Economics, 2012").

    A line ending in "of", "and" or a similar word, or in a month name when the next line
    starts with the year ("\u2026 AB, March" / "2021 \u2013 Present"), continues on the next line,
    unless that line is blank, a list item or a section heading.
    """
    joined: list[str] = []
    for line in lines:
        head = line.strip()
        wrappable = joined and len(joined[-1]) <= _WRAPPED_LINE_CHARS
        if wrappable and head and not _BULLET.match(head) and head[0] not in _BULLET_GLYPHS:
            previous = joined[-1].rstrip()
            last = previous[-12:].rsplit(None, 1)[-1].lower() if previous else ""
            wraps = last in _DANGLING_WORDS or (
                last.rstrip(".,") in _MONTH_WORDS and _YEAR_START.match(head) is not None
            )
            if wraps and not is_section_heading(head) and not is_section_heading(previous):
                joined[-1] = f"{previous} {head}"
                continue
        joined.append(line)
    return joined


def _normalise_date_string(value: str) -> str | None:
    """ISO form of a whole date string, or None when it is not recognisably one date."""
    text = value.strip()
    if re.fullmatch(r"\d{4}(?:-\d{2}(?:-\d{2})?)?", text):
        return text
    tokens = list(islice(_DATE_TOKEN.finditer(text), 2))
    if len(tokens) == 1 and tokens[0].group(0).strip().lower() == text.lower().rstrip("."):
        return _token_value(tokens[0])
    return None


# --------------------------------------------------------------------------------------------
# Header segments: splitting "Title - Company | Place" style lines
# --------------------------------------------------------------------------------------------

_SEP_CLASS = rf"\s,;|{_EN}{_EM}-"
_EMPTY_BRACKETS = re.compile(rf"\([{_SEP_CLASS}]*\)|\[[{_SEP_CLASS}]*\]")
# The look-behinds make each run of separator characters be tried once, keeping these linear.
_DANGLING_BEFORE_CLOSE = re.compile(rf"(?<![{_SEP_CLASS}])[{_SEP_CLASS}]++(?=[)\]])")
_DANGLING_AFTER_OPEN = re.compile(rf"(?<=[(\[])[{_SEP_CLASS}]++")
_EDGE_CHARS = f" ,;:|/\u2022\u00b7{_DASHES}"
_COLUMN_GAP = re.compile(r" {3,}")
_SEGMENT_SEPARATOR = re.compile(rf" (?:\||\u2022|\u00b7|{_EN}|{_EM}|--?) ")


def _tidy(text: str) -> str:
    if "(" in text or "[" in text:
        text = _DANGLING_BEFORE_CLOSE.sub("", text)
        text = _DANGLING_AFTER_OPEN.sub("", text)
        text = _EMPTY_BRACKETS.sub("", text)
    return _squash(text).strip(_EDGE_CHARS)


def _without_span(text: str, span: tuple[int, int]) -> str:
    return _tidy(text[: span[0]] + " " + text[span[1] :])


def _split_segments(text: str) -> list[str]:
    text = _COLUMN_GAP.sub(" | ", text.replace("|", " | "))
    parts = _SEGMENT_SEPARATOR.split(_squash(text))
    return [part for part in (_tidy(p) for p in parts) if part]


_TITLE_WORDS = _word_set(
    """
    engineer developer programmer manager lead leader head director analyst scientist architect
    consultant designer intern internship officer specialist administrator admin associate
    assistant coordinator technician researcher fellow contractor freelancer freelance founder
    cofounder owner president vp cto ceo cfo coo cio ciso sre devops principal staff senior
    junior sr jr trainee apprentice tester qa executive representative advisor adviser teacher
    lecturer professor tutor writer editor accountant chief maintainer graduate student postdoc
    instructor mentor supervisor strategist evangelist advocate steward volunteer member
    nurse practitioner paramedic pharmacist physiotherapist therapist hygienist dentist doctor
    physician surgeon midwife clinician psychologist counsellor counselor educator chef cook
    commis baker butcher installer electrician plumber mechanic welder carpenter fitter
    operator driver clerk cashier worker aide carer caregiver controller auditor bookkeeper
    broker agent banker underwriter actuary paralegal lawyer attorney solicitor barrister
    receptionist secretary copywriter marketer seller bookseller salesperson merchandiser buyer
    planner surveyor inspector foreman superintendent dispatcher librarian pilot photographer
    journalist reporter producer translator interpreter coach trainer housekeeper bartender
    barista waiter waitress
    """
)
_COMPANY_WORDS = _word_set(
    """
    inc ltd llc llp plc gmbh ag corp corporation co company group labs lab technologies
    technology systems solutions software university bank partners studio studios consulting
    agency limited holdings services ventures sa bv ab oy pty foundation institute industries
    service hospital hospitals clinic center centre council trust nhs ministry authority
    association society charity school college academy restaurant hotel store stores shop
    aps oü sp kg nv srl sarl pvt pte kk
    """
)
_COMPANY_SUFFIXES = frozenset(
    {"inc", "ltd", "llc", "llp", "plc", "gmbh", "ag", "corp", "co", "sa", "ab", "as", "aps", "bv"}
)
_WORD = re.compile(r"[^\W\d_]+")


def _title_score(text: str) -> int:
    """Positive when text reads like a job title, negative when it reads like an employer."""
    score = 0
    for word in _WORD.findall(text.lower()):
        if word in _TITLE_WORDS:
            score += 2
        elif word in _COMPANY_WORDS:
            score -= 1
    return score


def _split_first_comma(text: str) -> list[str]:
    head, comma, tail = text.partition(", ")
    if not comma or not tail:
        return [text]
    first_word = _WORD.match(tail.lower())
    if first_word and first_word.group(0) in _COMPANY_SUFFIXES:
        return [text]  # "Acme, Inc." is one employer
    return [part for part in (_tidy(head), _tidy(tail)) if part]


# --------------------------------------------------------------------------------------------
# Locations
# --------------------------------------------------------------------------------------------

_COUNTRY_NAMES = {
    "GB": "uk, united kingdom, great britain, england, scotland, wales, northern ireland, gb",
    "US": "usa, us, u.s., u.s.a., united states, united states of america",
    "DE": "germany, deutschland",
    "NL": "netherlands, the netherlands",
    "CZ": "czechia, czech republic",
    "FR": "france",
    "IE": "ireland",
    "CA": "canada",
    "ES": "spain",
    "IT": "italy",
    "PT": "portugal",
    "SE": "sweden",
    "NO": "norway",
    "DK": "denmark",
    "FI": "finland",
    "PL": "poland",
    "CH": "switzerland",
    "AT": "austria",
    "BE": "belgium",
    "AU": "australia",
    "NZ": "new zealand",
    "IN": "india",
    "JP": "japan",
    "SG": "singapore",
    "BR": "brazil",
    "MX": "mexico",
    "EE": "estonia",
    "IL": "israel",
    "ZA": "south africa",
    "KE": "kenya",
    "NG": "nigeria",
    "GH": "ghana",
    "MA": "morocco",
    "EG": "egypt",
    "TR": "turkey, t\u00fcrkiye",
    "CN": "china",
    "HK": "hong kong",
    "KR": "south korea, korea",
    "VN": "vietnam, viet nam",
    "PH": "philippines",
    "MY": "malaysia",
    "ID": "indonesia",
    "TH": "thailand",
    "AE": "uae, united arab emirates",
    "SA": "saudi arabia",
    "QA": "qatar",
    "AR": "argentina",
    "CL": "chile",
    "CO": "colombia",
    "PE": "peru",
    "GR": "greece",
    "HU": "hungary",
    "RO": "romania",
    "UA": "ukraine",
    "LV": "latvia",
    "LT": "lithuania",
    "IS": "iceland",
    "LU": "luxembourg",
    "SK": "slovakia",
    "SI": "slovenia",
    "HR": "croatia",
    "RS": "serbia",
    "BG": "bulgaria",
    "PK": "pakistan",
    "BD": "bangladesh",
    "LK": "sri lanka",
}
_COUNTRIES = {name: code for code, names in _COUNTRY_NAMES.items() for name in _phrases(names)}
# Two-letter codes after a city are read as US states first ("Austin, TX"), which is the common
# case in resumes; ambiguous ones such as "CA" therefore resolve to California.
_US_STATES = _word_set(
    """
    AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM
    NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC
    """
)
# Canadian provinces and Australian states, which follow a city the same way.
_OTHER_REGIONS = _word_set("ON QC BC AB MB SK NS NB NL PE YT NT NU NSW VIC QLD TAS ACT")
_REGION_NAMES = frozenset(
    _phrases(
        """alabama, alaska, arizona, arkansas, california, colorado, connecticut, delaware,
        florida, georgia, hawaii, idaho, illinois, indiana, iowa, kansas, kentucky, louisiana,
        maine, maryland, massachusetts, michigan, minnesota, mississippi, missouri, montana,
        nebraska, nevada, new hampshire, new jersey, new mexico, new york, north carolina,
        north dakota, ohio, oklahoma, oregon, pennsylvania, rhode island, south carolina,
        south dakota, tennessee, texas, utah, vermont, virginia, washington, west virginia,
        wisconsin, wyoming, ontario, quebec, qu\u00e9bec, british columbia, alberta, manitoba,
        saskatchewan, nova scotia, new brunswick, newfoundland and labrador,
        prince edward island, new south wales, victoria, queensland, western australia,
        south australia, tasmania, bavaria, bayern"""
    )
)
_WORK_MODES = frozenset({"remote", "hybrid", "on-site", "onsite", "on site", "fully remote"})


def _strip_parenthetical(text: str) -> str:
    cut = text.find("(")
    return text[:cut].strip() if cut > 0 else text.strip()


def _is_region_code(text: str) -> bool:
    key = text.strip()
    lowered = key.lower()
    return (
        lowered in _COUNTRIES
        or key in _US_STATES
        or key in _OTHER_REGIONS
        or lowered in _REGION_NAMES
    )


def _looks_like_location(text: str) -> bool:
    lowered = text.lower().strip("() ")
    if lowered in _WORK_MODES or lowered.startswith("remote"):
        return True
    if len(text) > 60 or any(ch.isdigit() for ch in text) or "@" in text:
        return False
    if lowered in _COUNTRIES:
        return True
    parts = [p.strip() for p in text.split(",")]
    if not 2 <= len(parts) <= 3 or not all(p and p[0].isupper() for p in parts):
        return False
    if any(
        len(p.split()) > 3 or (_WORD.findall(p.lower()) and _title_score(p) != 0) for p in parts
    ):
        return False
    # "Paris, \u00cele-de-France, France" is a place, but "Acme Robotics, Pittsburgh, PA" and
    # "Boots UK, Leeds, UK" are an employer and its town.
    three = len(parts) == 3 and not _is_region_code(parts[1])
    if three and (parts[2] in _US_STATES or len(parts[0].split()) > 1):
        return False
    return _is_region_code(_strip_parenthetical(parts[-1]))


_PLACE_SMALL_WORDS = frozenset(
    {"de", "del", "da", "do", "di", "la", "le", "upon", "on", "am", "im"}
)


def _place_like(text: str) -> bool:
    """Whether a comma part could be a town ("Stuttgart", "Grove City", "Rio de Janeiro")."""
    if len(text) > 40:
        return False
    words = text.split()
    if not 1 <= len(words) <= 3:
        return False
    for word in words:
        if word in _PLACE_SMALL_WORDS:
            continue
        if not word[0].isupper() or not all(ch.isalpha() or ch in "-'.\u2019" for ch in word):
            return False
    first = _WORD.match(text.lower())
    return not (first and first.group(0) in _COMPANY_SUFFIXES) and _title_score(text) == 0


def _split_place(text: str, *, loose: bool) -> tuple[str, str]:
    """Split a trailing place off a name: "Acme Ltd, Leeds, UK" gives ("Acme Ltd", "Leeds, UK").

    A place is recognised by a country or region code at the end, optionally after a town; with
    ``loose`` (an employer or school, where a bare town after the name is the usual layout) a
    lone capitalised town ("Neckar GmbH, Stuttgart") is taken too.
    """
    parts = [p.strip() for p in text.split(",")]
    first = _WORD.match(parts[-1].lower())
    if len(parts) < 2 or (first and first.group(0) in _COMPANY_SUFFIXES):
        return text, ""  # "Klarbo Handel, AB" ends in the company's legal form
    cut = len(parts)
    while cut > 1 and _is_region_code(_strip_parenthetical(parts[cut - 1])):
        cut -= 1
    if (cut < len(parts) or loose) and cut > 1 and _place_like(parts[cut - 1]):
        cut -= 1
    if cut == len(parts):
        return text, ""
    return _tidy(", ".join(parts[:cut])), _tidy(", ".join(parts[cut:]))


def _location_dict(text: str) -> dict[str, str]:
    parts = [p.strip() for p in _strip_parenthetical(text).split(",") if p.strip()]
    city = region = country = ""
    if parts and _is_region_code(parts[-1]):
        last = parts.pop()
        if last in _US_STATES:
            region, country = last, "US"
        elif last.lower() in _COUNTRIES:
            country = _COUNTRIES[last.lower()]
        else:
            region = last
    if parts:
        city = parts.pop(0)
    if parts and not region:
        region = parts[0]
    return {"city": city, "region": region, "countryCode": country}


# --------------------------------------------------------------------------------------------
# Contact details and the header block
# --------------------------------------------------------------------------------------------

_EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
# Possessive: grab the whole run of phone-ish characters once; trimming happens in Python.
_PHONE_RUN = re.compile(r"(?<![\w+])[+(]?\d[\d ().-]*+")
_YEAR_RANGE = re.compile(r"(?:19|20)\d\d ?- ?(?:19|20)\d\d|\d{4}-\d\d-\d\d")
_TLDS = (
    "com|org|net|io|dev|me|co|uk|de|app|ai|tech|page|site|xyz|eu|info|blog|codes|sh|gg|cloud"
    "|ly|to|fr|nl|ch|at|se|no|es|it|us|ca|au|ie|nz|in|so|is"
)
_BARE_DOMAIN = re.compile(rf"(?:[a-z0-9-]{{1,63}}\.)+(?:{_TLDS})(?:/\S*)?", re.IGNORECASE)
_TOKEN_TRIM = "<>()[]{},;|\"'"
_NETWORKS = {
    "linkedin.com": "LinkedIn",
    "github.com": "GitHub",
    "gitlab.com": "GitLab",
    "bitbucket.org": "Bitbucket",
    "twitter.com": "Twitter",
    "x.com": "X",
    "stackoverflow.com": "Stack Overflow",
    "medium.com": "Medium",
    "kaggle.com": "Kaggle",
    "dev.to": "DEV",
    "behance.net": "Behance",
    "dribbble.com": "Dribbble",
}
_NAME_SKIP = frozenset({"resume", "r\u00e9sum\u00e9", "cv", "curriculum vitae"})
_CONTACT_LABELS = frozenset(
    {"email", "e-mail", "phone", "tel", "mobile", "linkedin", "github", "website", "web"}
)


@dataclass
class _Contacts:
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.emails or self.phones or self.urls)


def _email_in(token: str) -> str | None:
    if "@" not in token or len(token) > 254:
        return None
    candidate = token.rsplit(":", 1)[-1].strip(_TOKEN_TRIM).rstrip(".")
    return candidate if _EMAIL.fullmatch(candidate) else None


def _url_in(token: str) -> str | None:
    candidate = token.strip(_TOKEN_TRIM).rstrip(".")
    if "@" in candidate and "/" not in candidate:
        return None
    if len(candidate) > 300 or "." not in candidate:
        return None
    lowered = candidate.lower()
    if lowered.startswith(("http://", "https://")):
        return candidate
    if lowered.startswith("www.") or _BARE_DOMAIN.fullmatch(candidate):
        return f"https://{candidate}"
    return None


def _phones_in(text: str) -> list[str]:
    found: list[str] = []
    for match in _PHONE_RUN.finditer(text):
        candidate = match.group(0).rstrip(" (.-")
        if candidate.endswith(")") and candidate.count(")") > candidate.count("("):
            candidate = candidate[:-1]
        digits = sum(ch.isdigit() for ch in candidate)
        if 7 <= digits <= 15 and not _YEAR_RANGE.fullmatch(candidate):
            found.append(candidate.strip())
    return found


def _contacts_in(text: str) -> _Contacts:
    text = text[:_CONTACT_SCAN_CHARS]
    contacts = _Contacts()
    for token in text.split():
        email = _email_in(token)
        if email:
            contacts.emails.append(email)
            continue
        url = _url_in(token)
        if url:
            contacts.urls.append(url)
    without_links = " ".join(
        token for token in text.split() if not (_email_in(token) or _url_in(token))
    )
    contacts.phones.extend(_phones_in(without_links))
    return contacts


def _profile_for(url: str) -> dict[str, str] | None:
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    host = (parts.hostname or "").lower().removeprefix("www.")
    network = _NETWORKS.get(host)
    if network is None:
        return None
    path = [segment for segment in parts.path.split("/") if segment]
    if network == "LinkedIn" and len(path) >= 2 and path[0] in {"in", "pub"}:
        username = path[1]
    elif network == "Stack Overflow" and path:
        username = path[-1]
    else:
        username = path[0] if path else ""
    return {"network": network, "url": url, "username": username.lstrip("@")}


# Names of Font Awesome icons: LaTeX templates that draw icons from a Type 1 font leave the
# icon's name in the extracted text ("envelope jo@x.io", "github jo-x"). They are lower case,
# which is how they differ from the words "Email:" or "GitHub:" written by a person.
_ICON_WORDS = _word_set(
    """
    envelope envelope-o envelope-open envelope-square at email mail phone phone-alt
    phone-square phone-square-alt mobile mobile-alt mobile-phone mobile-screen map-marker
    map-marker-alt map-pin location-dot location-arrow home house globe link external-link
    linkedin linkedin-in linkedin-square github github-alt github-square gitlab twitter
    x-twitter stack-overflow skype user address-card calendar calendar-alt birthday-cake
    """
)
_NETWORK_ICONS = {
    "github": "https://github.com/",
    "github-alt": "https://github.com/",
    "github-square": "https://github.com/",
    "gitlab": "https://gitlab.com/",
    "linkedin": "https://linkedin.com/in/",
    "linkedin-in": "https://linkedin.com/in/",
    "linkedin-square": "https://linkedin.com/in/",
    "twitter": "https://twitter.com/",
}
_HANDLE = re.compile(r"@?[A-Za-z0-9][A-Za-z0-9_.-]{0,38}")


def _without_icon_words(text: str) -> str:
    """Drop icon names from a contact line; "github jo-x" becomes GitHub's profile URL."""
    tokens = text.split()
    if not any(token.lstrip("/") in _ICON_WORDS for token in tokens):
        return text
    kept: list[str] = []
    i = 0
    while i < len(tokens):
        word = tokens[i].lstrip("/")
        if word not in _ICON_WORDS:
            kept.append(tokens[i])
        elif word in _NETWORK_ICONS and i + 1 < len(tokens):
            handle = tokens[i + 1]
            if _HANDLE.fullmatch(handle) and "." not in handle.strip("."):
                kept.append(_NETWORK_ICONS[word] + handle.lstrip("@"))
                i += 1
        i += 1
    return " ".join(kept)


def _plausible_name(text: str) -> bool:
    if not text or len(text) > 60 or len(text.split()) > 6:
        return False
    letters = sum(ch.isalpha() for ch in text)
    if letters < 2 or any(ch.isdigit() for ch in text) or "@" in text:
        return False
    visible = sum(not ch.isspace() for ch in text)
    allowed = sum(ch.isalpha() or ch in "-'.,\u2019" for ch in text if not ch.isspace())
    return allowed == visible and letters * 10 >= visible * 8


def _parse_basics(
    header: list[_Line], contact_section: list[_Line], warnings: list[str]
) -> tuple[dict[str, Any], list[str]]:
    """Read name, title, contacts and location from the lines above the first section.

    Returns the basics and any leftover prose from the header, which becomes the summary when
    the resume has no summary section of its own.
    """
    basics: dict[str, Any] = {key: "" for key in _BASICS_TEXT_FIELDS}
    profiles: list[dict[str, str]] = []
    contacts = _Contacts()
    location = ""
    leftover: list[str] = []
    name_checked = False

    scanned = [(line, True) for line in header[:_HEADER_SCAN_LINES]]
    scanned += [(line, False) for line in contact_section[:_HEADER_SCAN_LINES]]
    for line, in_header in scanned:
        text = _without_icon_words(line.text)
        if not text:
            continue
        line_contacts = _contacts_in(text)
        contacts.emails += line_contacts.emails
        contacts.phones += line_contacts.phones
        contacts.urls += line_contacts.urls
        plain = [s for s in _split_segments(text) if not _contacts_in(s)]
        plain = [s for s in plain if _heading_key(s) not in _CONTACT_LABELS]

        if not name_checked and in_header:
            if plain and _squash(plain[0]).lower() in _NAME_SKIP:
                continue
            # A place beside contact details ("jo@x.io | Kraków, Poland") is not the name,
            # even when a page header puts that line above it.
            at = next((i for i, s in enumerate(plain) if not _looks_like_location(s)), None)
            if at is not None:
                name_checked = True
                if _plausible_name(plain[at]):
                    basics["name"] = plain[at]
                plain = plain[:at] + plain[at + 1 :]
        for segment in plain:
            could_be_label = (
                in_header
                and not basics["label"]
                and len(segment) <= 100
                and not segment.endswith(".")
                # beside contact details, only an obvious job title counts as the label
                and (not line_contacts or _title_score(segment) > 0)
            )
            if _looks_like_location(segment) and not location:
                location = segment
            elif could_be_label:
                basics["label"] = segment
            elif in_header and not line_contacts:
                leftover.append(segment)

    if contacts.emails:
        basics["email"] = contacts.emails[0]
    if contacts.phones:
        basics["phone"] = contacts.phones[0]
    for url in contacts.urls:
        found = _profile_for(url)
        if found and all(p["url"] != url for p in profiles):
            profiles.append(found)
        elif not found and not basics["url"]:
            basics["url"] = url
    if location:
        basics["location"] = _location_dict(location)
    basics["profiles"] = profiles

    if not basics["name"]:
        warnings.append("no name found")
    if not basics["email"]:
        warnings.append("no email found")
    return basics, leftover


def _join_prose(lines: list[_Line]) -> str:
    return _squash(" ".join(line.text for line in lines if line.text))


# --------------------------------------------------------------------------------------------
# Work (and volunteering)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _HeaderInfo:
    dates: _Dates | None
    rest: str
    date_only: bool
    """True when the line is just dates, optionally with a place ("Berlin, Germany | 2019")."""


@dataclass
class _Entry:
    segments: list[str] = field(default_factory=list)
    ordered: bool = False
    """Set for "Title at Company", where the order is explicit and must not be guessed."""
    dates: _Dates | None = None
    location: str = ""
    summary: list[str] = field(default_factory=list)
    highlights: list[list[str]] = field(default_factory=list)
    """Each bullet as its lines, joined only at the end so long bullets stay linear to build."""
    header_open: bool = True


def _analyse(text: str) -> _HeaderInfo:
    text = _COLUMN_GAP.sub(" | ", text)  # keep PDF column gaps as separators through tidying
    dates = _find_dates(text)
    if dates is None:
        return _HeaderInfo(None, _tidy(text), False)
    rest = _without_span(text, dates.span)
    return _HeaderInfo(dates, rest, not rest or _looks_like_location(rest))


def _add_header_text(entry: _Entry, text: str) -> None:
    if not text:
        return
    lowered = text.lower()
    for joiner in (" at ", " @ "):
        at = lowered.find(joiner)
        if at > 0 and not entry.segments:
            entry.ordered = True
            tail = _split_segments(text[at + len(joiner) :])
            entry.segments += [s for s in (_tidy(text[:at]), *tail[:1]) if s]
            entry.segments += tail[1:]
            return
    # Commas are left alone here: whether "Staff Nurse, Emergency Department" is one title or a
    # title and an employer depends on the lines that follow (see _roles).
    entry.segments += _split_segments(text)


def _set_dates(entry: _Entry, info: _HeaderInfo) -> None:
    entry.dates = info.dates
    if info.date_only and info.rest and not entry.location:
        entry.location = info.rest


def _looks_like_entry_header(text: str) -> bool:
    if len(text) > 120 or text.endswith(".") or len(text.split()) > 14:
        return False
    lowered = text.lower()
    if " at " in lowered or any(f" {sep} " in text for sep in ("|", _EN, _EM, "-")):
        return True
    parts = _split_first_comma(text)
    return len(parts) == 2 and max(_title_score(p) for p in parts) > 0


def _collect_entries(lines: list[_Line]) -> list[_Entry]:
    """Group a work-like section into entries.

    Headers come in many layouts (dates inline, on the next line, title and employer on separate
    lines), so each text line is judged with one or two lines of look-ahead; everything else is
    a bullet, a bullet's continuation, or free-text summary of the current entry.
    """
    entries: list[_Entry] = []
    infos: dict[int, _HeaderInfo] = {}

    def info(index: int) -> _HeaderInfo | None:
        if index >= len(lines) or not lines[index].text or lines[index].bullet:
            return None
        if index not in infos:
            infos[index] = _analyse(lines[index].text)
        return infos[index]

    def start(text: str = "", header: _HeaderInfo | None = None) -> _Entry:
        entry = _Entry()
        _add_header_text(entry, text)
        if header is not None and header.dates is not None:
            _set_dates(entry, header)
        entries.append(entry)
        return entry

    first = next((i for i, line in enumerate(lines) if line.text), None)
    first_info = info(first) if first is not None else None
    # Some layouts print each entry's dates on the line *above* its title; once the section
    # opens that way, every dates-only line opens an entry instead of closing the last one.
    dates_lead = first_info is not None and first_info.date_only

    cur: _Entry | None = None
    bullet_indent = -1  # indentation of the open bullet; -1 when none is open
    prev_blank = True
    for i, line in enumerate(lines):
        if not line.text:
            bullet_indent, prev_blank = -1, True
            continue
        if line.bullet:
            cur = cur or start()
            cur.highlights.append([line.text])
            cur.header_open = False
            bullet_indent, prev_blank = line.indent, False
            continue
        if bullet_indent >= 0 and cur and (line.indent > bullet_indent or line.text[0].islower()):
            cur.highlights[-1].append(line.text)
            prev_blank = False
            continue

        text = line.text
        here = info(i) or _analyse(text)
        if here.dates is not None:
            can_merge = cur is not None and cur.header_open and cur.dates is None
            if here.date_only:
                if cur is not None and cur.dates is None and not (dates_lead and cur.segments):
                    _set_dates(cur, here)
                else:
                    cur = start(header=here)  # a header follows, as in "2019 – 2021 / Title"
            elif can_merge and cur is not None:
                _add_header_text(cur, here.rest)
                _set_dates(cur, here)
            else:
                cur = start(here.rest, here)
            bullet_indent, prev_blank = -1, False
            continue

        if (
            cur is not None
            and cur.header_open
            and cur.dates is not None
            and not (cur.segments or cur.highlights or cur.summary)
            and len(text) <= 120
            and not text.endswith(".")
        ):
            _add_header_text(cur, here.rest)  # the title line below a dates-only line
            bullet_indent, prev_blank = -1, False
            continue

        nxt, after = info(i + 1), info(i + 2)
        next_completes = (
            nxt is not None
            and nxt.dates is not None
            and (nxt.date_only or len(_split_segments(nxt.rest)) == 1)
        )
        two_line_title = (
            nxt is not None
            and nxt.dates is None
            and after is not None
            and after.date_only
            and len(text) <= 80
            and len(nxt.rest) <= 80
        )
        merges = (
            cur is not None
            and cur.header_open
            and cur.dates is None
            and len(cur.segments) == 1
            and not prev_blank
            and not cur.summary
        )
        if (next_completes or two_line_title) and merges and cur is not None:
            _add_header_text(cur, here.rest)
        elif next_completes or two_line_title:
            cur = start(here.rest)
        elif bullet_indent >= 0 and cur is not None:
            cur.highlights[-1].append(text)
            prev_blank = False
            continue
        elif cur is None or (prev_blank and _looks_like_entry_header(text)):
            cur = start(here.rest)
        elif cur.header_open and not cur.location and _looks_like_location(text):
            cur.location = text
        elif merges and len(text) <= 80 and not text.endswith("."):
            _add_header_text(cur, here.rest)
        elif _completes_header(cur, text, prev_blank):
            _add_header_text(cur, here.rest)  # "Title / 2019 – 2021 / Company" from a PDF
        else:
            cur.summary.append(_squash(text))
            cur.header_open = False
        bullet_indent, prev_blank = -1, False
    return entries


def _completes_header(entry: _Entry, text: str, prev_blank: bool) -> bool:
    """Whether a short line is the missing half (title or employer) of a dated header.

    PDF extraction often puts a right-aligned date on a line of its own between the title and
    the employer; the line after it still belongs to the header when exactly one of the two
    reads like a job title.
    """
    if prev_blank or not entry.header_open or entry.summary or entry.highlights:
        return False
    if len(entry.segments) != 1 or len(text) > 80 or len(text.split()) > 8 or text.endswith("."):
        return False
    parts = _split_first_comma(entry.segments[0])
    if len(parts) == 2 and (_title_score(parts[0]) > 0) != (_title_score(parts[1]) > 0):
        # "Engineer, Acme" names both, unless the next line is plainly the employer and the
        # part after the comma is not ("Registered Nurse, Cardiac Unit" / "Grady Hospital").
        employer = _title_score(text) < 0 or bool(_split_place(text, loose=False)[1])
        return _title_score(parts[1]) == 0 and employer
    return (_title_score(entry.segments[0]) > 0) != (_title_score(text) > 0)


def _roles(entry: _Entry) -> tuple[str, str, str]:
    """Decide which header segment is the position and which the employer."""
    location = entry.location
    segments = entry.segments
    if len(segments) > 1:  # columns often put "San Francisco, CA" beside the employer
        places = [s for s in segments if _looks_like_location(s)]
        if places and len(places) < len(segments):
            location = location or places[0]
            segments = [s for s in segments if s not in places]
    if not segments:
        return "", "", location
    if len(segments) == 1:
        # One segment: "Title, Employer[, Town]" written on a single line, or just one of them.
        only, place = _split_place(segments[0], loose=segments[0].count(", ") >= 2)
        location = location or place
        segments = _split_first_comma(only)
        if len(segments) == 1:
            return (only, "", location) if _title_score(only) > 0 else ("", only, location)
        if max(_title_score(s) for s in segments) <= 0 and _place_like(segments[1]):
            return "", segments[0], location or segments[1]  # "Neckar GmbH, Stuttgart"
    position, employer, extras = segments[0], segments[1], segments[2:]
    if not entry.ordered and _title_score(employer) > _title_score(position):
        position, employer = employer, position
    position, place = _split_place(position, loose=False)
    location = location or place
    employer, place = _split_place(employer, loose=True)
    location = location or place or next((e for e in extras if len(e) <= 60), "")
    return position, employer, location


def _parse_work(
    lines: list[_Line], warnings: list[str], *, volunteer: bool = False
) -> list[dict[str, Any]]:
    jobs: list[dict[str, Any]] = []
    for number, entry in enumerate(_collect_entries(lines), start=1):
        position, employer, location = _roles(entry)
        job: dict[str, Any] = {"organization" if volunteer else "name": employer}
        job["position"] = position
        if location:
            job["location"] = location
        if entry.dates is not None:
            job["startDate"] = entry.dates.start
            if entry.dates.end is not None:
                job["endDate"] = entry.dates.end
        if entry.summary:
            job["summary"] = " ".join(entry.summary)
        job["highlights"] = [_squash(" ".join(parts)) for parts in entry.highlights]
        jobs.append(job)
        if volunteer:
            continue
        label = employer or position or "untitled"
        if entry.dates is None:
            warnings.append(f"no dates found for work entry {number} ({label})")
        if not employer:
            warnings.append(f"no employer found for work entry {number} ({label})")
    return jobs


# --------------------------------------------------------------------------------------------
# Education
# --------------------------------------------------------------------------------------------

_DEGREE = re.compile(
    r"""
    (?:
        (?:bachelor|master|doctor|associate)(?:'s|\u2019s|s)?(?:\s+degree)?
        (?:\s+of\s+(?:arts|science|sciences|engineering|business\s+administration|laws
                     |fine\s+arts|philosophy|education|technology|applied\s+science|commerce))?
      | ph\.?\s?d\.? | d\.?\s?phil\.? | m\.?\s?b\.?\s?a\.? | b\.?\s?sc\.? | m\.?\s?sc\.?
      | b\.?\s?eng\.? | m\.?\s?eng\.? | b\.?\s?tech\.? | m\.?\s?tech\.? | m\.?\s?res\.?
      | ll\.?\s?b\.? | ll\.?\s?m\.? | b\.?\s?a\.? | m\.?\s?a\.? | b\.?\s?s\.? | m\.?\s?s\.?
      | hnd | btec | diploma | certificate | a-levels? | abitur | high\s+school\s+diploma
    )
    (?:\s*\((?:hons?|honours|honors)\.?\))?
    (?=$|[\s,(:\u2013\u2014-])
    """,
    re.IGNORECASE | re.VERBOSE,
)
_INSTITUTION = re.compile(
    r"univers|coll[e\u00e8]g|institut|school|academy|acad\u00e9mie|polytechn|politecnico"
    r"|hochschule|conservato|\u00e9cole|ecole|escuela|escola|lyc[e\u00e9]e|seminary|\bIHK\b",
    re.IGNORECASE,
)
# Words that make a fragment a qualification rather than a school. Abbreviations are compared
# without their dots ("B.E." is "be") and only when capitalised, so "be" or "ma" in prose is not
# read as a degree.
_DEGREE_WORDS = _word_set(
    """
    bachelor bachelors master masters doctor doctorate phd dphil mphil mres msc bsc ba ma bs ms
    mba bba meng beng btech mtech be me llb llm md mbbs mpharm pharmd bed med bcom mcom bfa mfa
    bsn msn dnp mpa mph ceng diploma certificate certification certified apprenticeship degree
    licence license licentiate nvq hnd hnc btec gcse gcses abitur baccalaureate
    baccalaur\u00e9at postgraduate undergraduate associate associates
    """
)
_DEGREE_TOKEN = re.compile(r"[^\W\d_][\w.'\u2019]{0,30}")
_SCORE = re.compile(r"(?:gpa|grade|classification)\b\s*[:\-]?\s*", re.IGNORECASE)


@dataclass
class _School:
    institution: str = ""
    area: str = ""
    study_type: str = ""
    dates: _Dates | None = None
    score: str = ""
    last: str = ""
    guessed: bool = False
    """Set while the institution is only a fragment without a school word in it."""


def _has_degree_word(text: str) -> bool:
    for token in islice(_DEGREE_TOKEN.finditer(text), 20):
        word = token.group(0).replace(".", "").lower()
        if word in _DEGREE_WORDS and (len(word) > 4 or token.group(0)[0].isupper()):
            return True
    return False


def _school_part(fragment: str, *, after_school: bool = False) -> str:
    """Classify a fragment of an education line as "degree", "institution", "place" or "other".

    "MA" is Massachusetts after a school or town ("Boston University, Boston, MA") and the
    degree anywhere else.
    """
    degree = _DEGREE.match(fragment)
    if _is_region_code(_strip_parenthetical(fragment)) and (after_school or not degree):
        return "place"
    if degree:
        return "degree"
    if _INSTITUTION.search(fragment):
        return "institution"
    return "degree" if _has_degree_word(fragment) else "other"


def _degree_parts(text: str) -> tuple[str, str]:
    match = _DEGREE.match(text)
    lowered = text.lower()
    if not match:
        if " in " in lowered:  # "Vocational Certificate in Electrical Installation"
            cut = lowered.index(" in ")
            return _tidy(text[:cut]), _tidy(text[cut + 4 :])
        return _tidy(text), ""
    if " in " in lowered:
        cut = lowered.index(" in ")
        return _tidy(text[:cut]), _tidy(text[cut + 4 :])
    area = text[match.end() :].strip()
    if area.lower().startswith("of "):
        area = area[3:]
    return _tidy(match.group(0)), _tidy(area.strip("()"))


def _absorb_school_text(school: _School, fragments: list[str]) -> None:
    """Sort an education line's fragments into degree, area, institution and place.

    Places after the school ("Emory University, Atlanta, GA") are dropped, and a fragment with a
    school word replaces an institution that was only guessed from word order.
    """
    kinds = [_school_part(fragment) for fragment in fragments]
    # "BBA Finance, HEC Montr\u00e9al": without a school word on the line or known already, the
    # fragment after the degree is the school, not the degree's subject.
    area_open = school.institution or "institution" in kinds
    for fragment, kind in zip(fragments, kinds, strict=True):
        if kind == "degree" and school.last in ("institution", "place"):
            kind = _school_part(fragment, after_school=True)
        if kind == "degree" and not school.study_type:
            school.study_type, area = _degree_parts(fragment)
            school.area = school.area or area
            school.last = "degree"
        elif kind == "institution" and (not school.institution or school.guessed):
            school.institution, school.last, school.guessed = fragment, "institution", False
        elif kind == "place" or (
            kind == "other"
            and school.last in ("institution", "place")
            and not school.guessed
            and _place_like(fragment)
        ):
            school.last = "place"
        elif kind == "other" and school.last == "institution" and school.guessed:
            school.institution = f"{school.institution}, {fragment}"  # no school word to go by
        elif kind != "institution" and school.study_type and not school.area and area_open:
            school.area, school.last = fragment, "area"
        elif not school.institution:
            school.institution, school.last, school.guessed = fragment, "institution", True


def _parse_education(lines: list[_Line], warnings: list[str]) -> list[dict[str, Any]]:
    schools: list[_School] = []
    cur: _School | None = None
    closed = True
    in_bullet = False
    for line in lines:
        if not line.text:
            closed, in_bullet = True, False
            continue
        score = _SCORE.match(line.text)
        if score and cur is not None:
            cur.score = _tidy(line.text[score.end() :])
            continue
        if line.bullet or (in_bullet and line.text[0].islower()):
            in_bullet = True  # a detail bullet, or the lower-case rest of one
            continue
        in_bullet = False
        header = _analyse(line.text)
        fragments: list[str] = []
        for segment in _split_segments(header.rest):
            fragments += [_tidy(part) for part in segment.split(", ") if _tidy(part)]
        kinds = {_school_part(f) for f in fragments}
        has_degree, has_institution = "degree" in kinds, "institution" in kinds
        if header.date_only and cur is not None and cur.dates is None:
            cur.dates = header.dates
            continue
        if (
            cur is None
            or closed
            or (has_institution and cur.institution and not cur.guessed)
            or (has_degree and cur.study_type)
            or (header.dates is not None and cur.dates is not None)
        ):
            cur = _School()
            schools.append(cur)
        closed = False
        if header.dates is not None and cur.dates is None:
            cur.dates = header.dates
        if not header.date_only:
            _absorb_school_text(cur, fragments)

    result: list[dict[str, Any]] = []
    for number, school in enumerate(schools, start=1):
        entry: dict[str, Any] = {
            "institution": school.institution,
            "area": school.area,
            "studyType": school.study_type,
        }
        if school.dates is not None:
            if school.dates.is_range or school.dates.end is None:
                entry["startDate"] = school.dates.start
            if school.dates.end is not None:
                entry["endDate"] = school.dates.end
        if school.score:
            entry["score"] = school.score
        if not school.institution:
            warnings.append(f"no institution found for education entry {number}")
        result.append(entry)
    return result


# --------------------------------------------------------------------------------------------
# Skills, languages and interests
# --------------------------------------------------------------------------------------------

_ITEM_SEPARATORS = frozenset(",;|\u2022\u00b7\u25aa")


def _split_items(text: str) -> list[str]:
    """Split a list on separators, but not inside brackets: "Python (Flask, Celery)" is one.

    A slash only separates with spaces around it ("SEO / SEA"), so "CI/CD" stays one item.
    """
    if " / " in text:
        text = text.replace(" / ", "|")
    items: list[str] = []
    depth = 0
    current: list[str] = []
    for ch in text:
        if ch in "([":
            depth += 1
        elif ch in ")]" and depth:
            depth -= 1
        if ch in _ITEM_SEPARATORS and not depth:
            items.append("".join(current))
            current = []
        else:
            current.append(ch)
    items.append("".join(current))
    return [item for item in (_squash(i).strip(" .") for i in items) if item]


def _split_label(text: str) -> tuple[str, str] | None:
    """Split "Cloud: AWS, Docker" into its label and its list, when it has a short label."""
    for separator in (":", f" {_EM} ", f" {_EN} "):
        head, found, tail = text.partition(separator)
        head = head.strip()
        if found and head and len(head) <= 40 and len(head.split()) <= 5 and "," not in head:
            return head, tail.strip()
    return None


def _ends_list(text: str) -> bool:
    """Whether a line of a list ends on a separator, so the next line starts a new item."""
    tail = text.rstrip()
    return tail[-1:] in _ITEM_SEPARATORS or tail.endswith(" /")


def _is_group_label(line: _Line, following: _Line | None) -> bool:
    """A short capitalised line above a list ("Tools" / "Figma, Miro") names the group below."""
    text = line.text
    if line.bullet or following is None or not following.text or len(text) > 40:
        return False
    if len(text.split()) > 4 or not text[0].isupper() or _split_items(text) != [text]:
        return False
    if " / " in text or (following.text[0].islower() and not following.bullet):
        return False
    return following.bullet or len(_split_items(following.text)) > 1


def _parse_skills(lines: list[_Line], wrap: int = 0) -> list[dict[str, Any]]:
    """Read skill groups; ``wrap`` is the document's line width, to spot lines wrapped by it.

    A line that wraps mid-item ("Key account" / "management") continues the item it broke:
    the line before does not end on a separator, and the new line starts in lower case or
    the line before filled the whole width.
    """
    groups: dict[str, list[str]] = {}
    seen: dict[str, set[str]] = {}
    label = "Skills"
    last: tuple[str, str] | None = None  # group and text of the previous list line
    for i, line in enumerate(lines):
        text = line.text
        if not text:
            last = None
            continue
        split = _split_label(text)
        if split and not split[1]:
            label, last = split[0], None  # a sub-heading such as "Backend:" above a list
            continue
        continues = last is not None and _ends_list(last[1])
        following = lines[i + 1] if i + 1 < len(lines) else None
        heading = None if line.bullet else _heading_kind(line.raw)
        if (heading is not None and heading[0] == "skills") or (
            not split and not continues and _is_group_label(line, following)
        ):
            # "Soft Skills" under "Skills", or "Tools" on its own line above "Figma, Miro"
            label, last = text.rstrip(":"), None
            continue
        target, items = label, _split_items(text)
        if split:
            target, items = split[0], _split_items(split[1])
        elif last is not None and not line.bullet:
            target = last[0]  # the list goes on from the line before
            wrapped = not _ends_list(last[1]) and items and groups.get(target)
            full = wrap > 0 and len(last[1]) >= wrap - 12
            if wrapped and (text[0].islower() or full) and len(groups[target][-1]) <= 60:
                keywords = groups[target]
                keywords[-1] = f"{keywords[-1]} {items.pop(0)}"
                seen[target].add(keywords[-1].lower())
        keywords = groups.setdefault(target, [])
        known = seen.setdefault(target, set())
        for item in items:
            if item.lower() not in known:
                known.add(item.lower())
                keywords.append(item)
        last = (target, text)
    return [{"name": name, "keywords": kw} for name, kw in groups.items() if kw]


def _parse_languages(lines: list[_Line]) -> list[dict[str, Any]]:
    languages: list[dict[str, Any]] = []
    for line in lines:
        for item in _split_items(line.text):
            language, fluency = item, ""
            if item.endswith(")") and "(" in item:
                cut = item.index("(")
                language, fluency = item[:cut], item[cut + 1 : -1]
            else:
                split = _split_label(item) or (
                    tuple(item.split(" - ", 1)) if " - " in item else None
                )
                if split:
                    language, fluency = split[0], split[1]
            entry: dict[str, Any] = {"language": _tidy(language)}
            if _tidy(fluency):
                entry["fluency"] = _tidy(fluency)
            if entry["language"]:
                languages.append(entry)
    return languages


def _parse_interests(lines: list[_Line]) -> list[dict[str, Any]]:
    return [{"name": item} for line in lines for item in _split_items(line.text)]


# --------------------------------------------------------------------------------------------
# Certificates, awards, publications
# --------------------------------------------------------------------------------------------

_CERT_LEVELS = frozenset(
    {
        "associate",
        "professional",
        "foundational",
        "practitioner",
        "specialty",
        "expert",
        "fundamentals",
        "advanced",
        "level",
    }
)
_TRAILING_BRACKET = re.compile(r"\(([^()]*)\)$")


def _split_credential(text: str) -> tuple[str, str, str]:
    """Split "Name (Issuer, 2022)" or "Name - Issuer, 2022" into name, issuer and date."""
    dates = _find_dates(text)
    date = dates.start if dates is not None else ""
    rest = _without_span(text, dates.span) if dates is not None else _tidy(text)

    bracket = _TRAILING_BRACKET.search(rest)
    if bracket:
        inner = _tidy(bracket.group(1))
        if inner and not (inner.isupper() and " " not in inner):  # "(CKAD)" is an acronym
            return _tidy(rest[: bracket.start()]), inner, date
    for separator in (f" {_EM} ", " | ", f" {_EN} ", " - "):
        head, found, tail = rest.rpartition(separator)
        first_word = _WORD.match(tail.lower())
        if found and head and tail and not (first_word and first_word.group(0) in _CERT_LEVELS):
            return _tidy(head), _tidy(tail), date
    head, found, tail = rest.rpartition(", ")
    if found and head and tail:
        return _tidy(head), _tidy(tail), date
    return rest, "", date


def _parse_credentials(
    lines: list[_Line], name_key: str, issuer_key: str, date_key: str
) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for line in lines:
        if not line.text:
            continue
        if not line.bullet and line.indent > 0 and items:
            continue  # an indented detail line under the previous item
        name, issuer, date = _split_credential(line.text)
        if not name:
            continue
        item: dict[str, Any] = {name_key: name}
        if issuer:
            item[issuer_key] = issuer
        if date:
            item[date_key] = date
        items.append(item)
    return items


# --------------------------------------------------------------------------------------------
# Projects
# --------------------------------------------------------------------------------------------

_STACK_LABELS = frozenset(
    {"tech", "technologies", "stack", "tech stack", "tools", "built with", "keywords", "skills"}
)


@dataclass
class _Project:
    header: str
    url: str = ""
    dates: _Dates | None = None
    description: list[str] = field(default_factory=list)
    highlights: list[list[str]] = field(default_factory=list)
    """Each bullet as its lines, joined only at the end so long bullets stay linear to build."""
    keywords: list[str] = field(default_factory=list)


def _new_project(text: str) -> _Project:
    url = ""
    kept: list[str] = []
    for token in text.split():
        found = _url_in(token)
        if found and not url:
            url = found
        else:
            kept.append(token)
    header = " ".join(kept)
    dates = _find_dates(header)
    if dates is not None:
        header = _without_span(header, dates.span)
    return _Project(header=_tidy(header), url=url, dates=dates)


def _looks_like_project_header(text: str) -> bool:
    if _find_dates(text) is not None:
        return True
    for separator in (f" {_EM} ", f" {_EN} ", " - ", ": ", " | "):
        head, found, _ = text.partition(separator)
        if found and len(head) <= 60 and len(head.split()) <= 8:
            return True
    return len(text.split()) <= 8 and not text.endswith(".")


def _parse_projects(lines: list[_Line]) -> list[dict[str, Any]]:
    projects: list[_Project] = []
    cur: _Project | None = None
    bullet_indent = -1
    prev_blank = True
    for line in lines:
        text = line.text
        if not text:
            bullet_indent, prev_blank = -1, True
            continue
        if line.bullet:
            if cur is None:
                cur = _Project(header="")
                projects.append(cur)
            cur.highlights.append([text])
            bullet_indent, prev_blank = line.indent, False
            continue
        continues_bullet = bullet_indent >= 0 and cur is not None
        label = _split_label(text)
        if continues_bullet and cur and (line.indent > bullet_indent or text[0].islower()):
            cur.highlights[-1].append(text)
        elif label and cur is not None and label[0].lower() in _STACK_LABELS:
            cur.keywords += _split_items(label[1])
            bullet_indent = -1
        elif cur is None or ((prev_blank or continues_bullet) and _looks_like_project_header(text)):
            cur = _new_project(text)
            projects.append(cur)
            bullet_indent = -1
        elif continues_bullet:
            cur.highlights[-1].append(text)
        else:
            cur.description.append(_squash(text))
        prev_blank = False

    result: list[dict[str, Any]] = []
    for project in projects:
        name, description = project.header, ""
        for separator in (f" {_EM} ", f" {_EN} ", " - ", ": ", " | "):
            head, found, tail = name.partition(separator)
            if found and head and tail:
                name, description = _tidy(head), _tidy(tail)
                break
        description = " ".join(part for part in (description, *project.description) if part)
        entry: dict[str, Any] = {"name": name, "description": description}
        if project.url:
            entry["url"] = project.url
        if project.dates is not None:
            entry["startDate"] = project.dates.start
            if project.dates.end is not None:
                entry["endDate"] = project.dates.end
        if project.keywords:
            entry["keywords"] = project.keywords
        entry["highlights"] = [_squash(" ".join(parts)) for parts in project.highlights]
        result.append(entry)
    return result


# --------------------------------------------------------------------------------------------
# Text parse: putting it together
# --------------------------------------------------------------------------------------------


# "Page 2", "Page 2 of 3", "2 / 3", "- 2 -": page numbers printed in a PDF's header or footer,
# alone or after a separator ("Jo Example \u2014 Curriculum Vitae \u2014 Page 1 of 3").
_PAGE_OF = r"page\s{1,3}\d{1,3}(?:\s{0,3}(?:of|/)\s{0,3}\d{1,3})?"
_PAGE_NUMBER = re.compile(
    rf"(?:.{{0,80}}[{_DASHES}|\u00b7\u2022,]\s{{0,3}})?{_PAGE_OF}"
    rf"|\d{{1,3}}\s{{0,3}}(?:of|/)\s{{0,3}}\d{{1,3}}"
    rf"|[{_DASHES}]\s{{0,3}}\d{{1,3}}\s{{0,3}}[{_DASHES}]",
    re.IGNORECASE,
)
_RUNNING_SEPARATORS = f"|,\u00b7\u2022{_DASHES}"


def _drop_page_furniture(raw_lines: list[str]) -> list[str]:
    """Remove page numbers and running headers or footers that PDF text carries on every page.

    A running line is the resume's name again, alone or followed by a separator ("Jo Example
    \u2014 Curriculum Vitae"); it would otherwise read as a job header in the middle of a job.
    """
    name = ""
    for raw in islice((r for r in raw_lines if r.strip()), 3):
        candidate = _clean_inline(raw.strip())
        if (
            _plausible_name(candidate)
            and len(candidate.split()) >= 2
            and candidate.lower() not in _NAME_SKIP
            and not is_section_heading(candidate)
        ):
            name = candidate
            break
    kept: list[str] = []
    seen_name = False
    for raw in raw_lines:
        stripped = raw.strip()
        if not stripped or len(stripped) > 120:
            kept.append(raw)
            continue
        if _PAGE_NUMBER.fullmatch(stripped):
            continue
        if name and stripped.startswith(name):
            rest = stripped[len(name) :].lstrip()
            if seen_name and (not rest or rest[0] in _RUNNING_SEPARATORS):
                continue
            seen_name = True
        kept.append(raw)
    return kept


def _wrap_width(lines: list[_Line]) -> int:
    """The width a document was wrapped at, or 0 when its lines do not show one.

    Text wrapped by a tool has long lines within a few characters of each other; a short
    document, or one whose lines are not wrapped, shows no such width.
    """
    longest = heapq.nlargest(2, (len(line.raw) for line in lines))
    if len(longest) < 2 or longest[0] < 60 or longest[1] < longest[0] - 12:
        return 0
    return longest[0]


def _parse_text(text: str) -> ParsedResume:
    warnings: list[str] = []
    clean = _normalise_text(text, warnings)
    if not clean.strip():
        empty = _empty_profile()
        return ParsedResume(
            profile=empty, warnings=["the resume text is empty"], confidence=_confidence(empty)
        )

    raw_lines = _join_split_dates(_join_wrapped_lines(_drop_page_furniture(clean.split("\n"))))
    lines = [_make_line(raw) for raw in raw_lines]
    header_warnings: list[str] = []
    header, sections = _split_sections(lines, header_warnings)

    profile = _empty_profile()
    basics, leftover = _parse_basics(header, sections.get("contact", []), warnings)
    summary = sections.get("summary")
    basics["summary"] = _join_prose(summary) if summary else _squash(" ".join(leftover))
    profile["basics"] = basics

    if "work" in sections:
        profile["work"] = _parse_work(sections["work"], warnings)
        if not profile["work"]:
            warnings.append("the experience section is empty")
    else:
        warnings.append("no experience section found")
    if "volunteer" in sections:
        profile["volunteer"] = _parse_work(sections["volunteer"], warnings, volunteer=True)
    if "education" in sections:
        profile["education"] = _parse_education(sections["education"], warnings)
    if "skills" in sections:
        profile["skills"] = _parse_skills(sections["skills"], _wrap_width(lines))
    if "projects" in sections:
        profile["projects"] = _parse_projects(sections["projects"])
    if "certificates" in sections:
        profile["certificates"] = _parse_credentials(
            sections["certificates"], "name", "issuer", "date"
        )
    if "awards" in sections:
        profile["awards"] = _parse_credentials(sections["awards"], "title", "awarder", "date")
    if "publications" in sections:
        profile["publications"] = _parse_credentials(
            sections["publications"], "name", "publisher", "releaseDate"
        )
    if "languages" in sections:
        profile["languages"] = _parse_languages(sections["languages"])
    if "interests" in sections:
        profile["interests"] = _parse_interests(sections["interests"])
    if "references" in sections:
        profile["references"] = [
            {"name": "", "reference": text}
            for text in [_join_prose(sections["references"])]
            if text and "request" not in text.lower()
        ]
    return ParsedResume(
        profile=profile, warnings=warnings + header_warnings, confidence=_confidence(profile)
    )


# --------------------------------------------------------------------------------------------
# Confidence
# --------------------------------------------------------------------------------------------

_CORE_SECTIONS = ("basics", "work", "education", "skills")
_FieldWeights = dict[str, float]
"""Field weights of one section, adding up to 1; "a|b" is earned when either field is filled."""
_ENTRY_WEIGHTS: dict[str, _FieldWeights] = {
    "work": {"position": 0.25, "name": 0.25, "startDate": 0.3, "highlights|summary": 0.2},
    "volunteer": {
        "position": 0.25,
        "organization": 0.25,
        "startDate": 0.3,
        "highlights|summary": 0.2,
    },
    "education": {"institution": 0.4, "studyType|area": 0.3, "startDate|endDate": 0.3},
    "projects": {"name": 0.5, "description|highlights": 0.5},
    "certificates": {"name": 0.6, "issuer": 0.2, "date": 0.2},
    "awards": {"title": 0.6, "awarder": 0.2, "date": 0.2},
    "publications": {"name": 0.6, "publisher": 0.2, "releaseDate": 0.2},
    "languages": {"language": 0.8, "fluency": 0.2},
    "interests": {"name": 1.0},
    "references": {"reference": 1.0},
}
_BASICS_WEIGHTS: _FieldWeights = {
    "name": 0.4,
    "email": 0.3,
    "phone": 0.15,
    "location|url|profiles": 0.15,
}


def _filled(entry: dict[str, Any], weights: _FieldWeights) -> float:
    return sum(
        weight for keys, weight in weights.items() if any(entry.get(key) for key in keys.split("|"))
    )


def _skill_share(groups: list[Any]) -> float:
    """Share of skill keywords that read like skills rather than sentences caught by mistake."""
    keywords = [k for g in groups if isinstance(g, dict) for k in _string_list(g.get("keywords"))]
    if not keywords:
        return 0.0
    good = sum(len(k) <= 50 and len(k.split()) <= 6 and not k.endswith(".") for k in keywords)
    return good / len(keywords)


def _confidence(profile: Profile) -> dict[str, float]:
    """Score, from 0 to 1, how complete and certain each parsed section is.

    The rule: every entry of a section earns the weights of the fields a reader expects it to
    have (see ``_ENTRY_WEIGHTS``; for work: position 0.25, employer 0.25, start date 0.3,
    highlights or summary 0.2), and the section scores the mean over its entries. So a job read
    without dates or without an employer lowers ``work``. ``basics`` weighs name 0.4, email 0.3,
    phone 0.15 and location/website/profiles 0.15. ``skills`` is the share of keywords short
    enough to be skills (at most 6 words and 50 characters, no full stop), since a misread
    sentence is the typical skills mistake. ``basics``, ``work``, ``education`` and ``skills``
    are always scored (0.0 when nothing was found); other sections only when they have entries.
    """
    scores: dict[str, float] = {}
    basics = profile.get("basics")
    scores["basics"] = _filled(basics, _BASICS_WEIGHTS) if isinstance(basics, dict) else 0.0
    scores["skills"] = _skill_share(_as_list(profile.get("skills")))
    for section, weights in _ENTRY_WEIGHTS.items():
        entries = [entry for _, entry in _dict_items(profile.get(section))]
        if entries:
            scores[section] = sum(_filled(entry, weights) for entry in entries) / len(entries)
        elif section in _CORE_SECTIONS:
            scores[section] = 0.0
    return {section: round(min(max(score, 0.0), 1.0), 2) for section, score in scores.items()}


def _json_confidence(profile: Profile) -> dict[str, float]:
    """JSON Resume states every field explicitly, so each section present is fully certain."""
    basics = profile.get("basics")
    scores = {
        "basics": 1.0 if isinstance(basics, dict) and _filled(basics, _BASICS_WEIGHTS) else 0.0
    }
    for section in LIST_SECTIONS:
        if profile.get(section) or section in _CORE_SECTIONS:
            scores[section] = 1.0 if profile.get(section) else 0.0
    return scores


# --------------------------------------------------------------------------------------------
# JSON Resume normalisation
# --------------------------------------------------------------------------------------------

# Lists later stages iterate over are always present; other optional lists are only cleaned.
_REQUIRED_LISTS: dict[str, tuple[str, ...]] = {
    "work": ("highlights",),
    "volunteer": ("highlights",),
    "skills": ("keywords",),
    "projects": ("highlights",),
}
_OPTIONAL_LISTS: dict[str, tuple[str, ...]] = {
    "education": ("courses",),
    "interests": ("keywords",),
    "projects": ("keywords", "roles"),
}
_DATE_FIELDS = ("startDate", "endDate", "date", "releaseDate")
_PRESENT_WORDS = frozenset({"present", "current", "now", "today", "ongoing", ""})


def _string_list(value: object) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return []
    items: list[str] = []
    for item in value:
        if isinstance(item, str | int | float) and not isinstance(item, bool):
            text = str(item).strip()
            if text:
                items.append(text)
    return items


def _normalise_basics(value: object, warnings: list[str]) -> dict[str, Any]:
    if value is not None and not isinstance(value, dict):
        warnings.append("'basics' is not an object and was ignored")
    basics: dict[str, Any] = dict(value) if isinstance(value, dict) else {}
    if not basics.get("url") and isinstance(basics.get("website"), str):
        basics["url"] = basics.pop("website")  # JSON Resume 0.x name
    if not basics.get("image") and isinstance(basics.get("picture"), str):
        basics["image"] = basics.pop("picture")
    for key in _BASICS_TEXT_FIELDS:
        raw = basics.get(key)
        basics[key] = raw.strip() if isinstance(raw, str) else ""
    if not isinstance(basics.get("location"), dict):
        basics.pop("location", None)
    basics["profiles"] = [p for p in _as_list(basics.get("profiles")) if isinstance(p, dict)]
    return basics


def _as_list(value: object) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        return [value]
    return []


def _as_entry_list(value: object, section: str, warnings: list[str]) -> list[dict[str, Any]]:
    if value is not None and not isinstance(value, list | dict):
        warnings.append(f"'{section}' is not a list and was ignored")
    items = _as_list(value)
    entries = [item for item in items if isinstance(item, dict)]
    if len(entries) != len(items):
        dropped = len(items) - len(entries)
        warnings.append(f"ignored {dropped} malformed item(s) in '{section}'")
    return entries


def _normalise_entry(section: str, entry: dict[str, Any]) -> dict[str, Any]:
    if section in {"work", "volunteer"}:
        legacy = "company" if section == "work" else "organization"
        if section == "work" and not entry.get("name") and isinstance(entry.get(legacy), str):
            entry["name"] = entry.pop(legacy)  # JSON Resume 0.x called the employer "company"
        if not entry.get("url") and isinstance(entry.get("website"), str):
            entry["url"] = entry.pop("website")
    for key in _REQUIRED_LISTS.get(section, ()):
        entry[key] = _string_list(entry.get(key))
    for key in _OPTIONAL_LISTS.get(section, ()):
        if key in entry:
            entry[key] = _string_list(entry[key])
    for key in _DATE_FIELDS:
        if key not in entry:
            continue
        raw = entry[key]
        text = raw.strip() if isinstance(raw, str) else ""
        if key == "endDate" and text.lower() in _PRESENT_WORDS:
            del entry[key]  # JSON Resume marks an ongoing role by leaving endDate out
            continue
        iso = _normalise_date_string(text) if text else None
        if iso and iso != _PRESENT:
            entry[key] = iso
        elif not text:
            del entry[key]
    return entry
