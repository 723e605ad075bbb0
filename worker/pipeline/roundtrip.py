"""Quality gate on the finished files: read them back as an ATS would, and check their make-up.

`round_trip` parses a generated PDF or DOCX with resumesmith's own upload reader
(`extract.parse_document`, the path every upload takes) and scores how much of the tailored
profile comes back. The rule is strict on purpose, because the point is to catch files an ATS
cannot read: the name, email and phone, each job's employer, title, start and end, and each
school's institution and degree count as recovered only when the parser puts them *in the right
field of the right entry*. Being somewhere in the text is not enough for them: a heading that
glues a title to its employer ("Staff Nurse, Emergency Department, Mercy Hospital") still shows
every word, yet an ATS fills its form wrongly, and that is the defect this gate exists to find.
Only skills are judged by their presence in the extracted text, as written, because keyword
search is what an ATS uses them for.

Comparison forgives presentation only: Unicode composition (NFC), case, runs of white space,
typographic quotes and dashes, and punctuation at either end. Accents count: "Müller" does not
match "Muller". Phones compare by their digits; dates as `YYYY-MM` (`YYYY` for a bare year), with
"Present" meaning no end date; degrees as a bag of words without "in" and "of", since the parser
splits "Master of Data Science" into a type and an area.

`document_checks` inspects the PDF itself: a text layer on every page, embedded or standard fonts,
no images, contact details in the body rather than the header or footer band, one column, one
way of writing dates, and a size upload forms accept.
"""

from __future__ import annotations

import ctypes
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from itertools import pairwise
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from worker.pipeline.extract import PDFIUM_LOCK, DocumentError, extract_text, parse_document
from worker.pipeline.skills import SkillVocabulary
from worker.pipeline.types import Check, Profile

__all__ = [
    "MARGIN_BAND",
    "MAX_FILE_BYTES",
    "RECOVERY_THRESHOLD",
    "STANDARD_FONTS",
    "RoundTrip",
    "document_checks",
    "round_trip",
]

RECOVERY_THRESHOLD = 0.95
"""Below this share of recovered fields the optimization carries a warning."""
MAX_FILE_BYTES = 2 * 1024 * 1024
"""Many ATS upload forms refuse larger files; our resumes weigh 30–80 KB, with CJK fonts too."""
MARGIN_BAND = 0.06
"""Share of the page height, at the top and at the bottom, that counts as header and footer
(5 cm of A4 in all; the templates' contact line sits 2.5–3 cm from the top edge)."""
MIN_PAGE_CHARS = 20
"""Letters and digits a page needs for its text layer to count; a page number alone does not."""
STANDARD_FONTS = frozenset(
    {
        "Courier",
        "Courier-Bold",
        "Courier-BoldOblique",
        "Courier-Oblique",
        "Helvetica",
        "Helvetica-Bold",
        "Helvetica-BoldOblique",
        "Helvetica-Oblique",
        "Symbol",
        "Times-Bold",
        "Times-BoldItalic",
        "Times-Italic",
        "Times-Roman",
        "ZapfDingbats",
    }
)
"""The PDF standard 14, which every reader has without embedding (the templates' bullets are
drawn in Symbol)."""


@dataclass
class RoundTrip:
    """How much of the tailored profile an ATS reading the finished file gets back."""

    format: str
    """`pdf` or `docx` as read from the bytes (`text` for plain text); empty if unreadable."""
    fields_total: int
    fields_recovered: int
    missing: list[str] = field(default_factory=list)
    """One line per lost field, `work[1].position: 'Data Engineer' (read as 'Data')`, or
    `document: <code>` when the parser refused the file."""
    keyword_coverage: float = 1.0
    """Share of the job's keywords found in the extracted text; 1.0 when there were none."""
    keywords_missing: list[str] = field(default_factory=list)
    error: str = ""
    """The parser's error code when it refused the document; then nothing is recovered."""

    @property
    def recovery(self) -> float:
        """0–1: recovered over scored fields; 1.0 for a profile with nothing to score."""
        if self.error:
            return 0.0
        return self.fields_recovered / self.fields_total if self.fields_total else 1.0

    @property
    def passed(self) -> bool:
        return self.recovery >= RECOVERY_THRESHOLD

    def to_dict(self) -> dict[str, Any]:
        data = {**asdict(self), "recovery": round(self.recovery, 4), "passed": self.passed}
        data["keyword_coverage"] = round(self.keyword_coverage, 4)
        return data

    def as_check(self) -> Check:
        """The figure as one quality check for the report, named `round_trip_<format>`."""
        detail = (
            f"{self.fields_recovered} of {self.fields_total} fields read back "
            f"({self.recovery:.0%}); keyword coverage {self.keyword_coverage:.0%}"
        )
        if self.missing:
            detail += "; lost: " + "; ".join(self.missing[:8])
            if len(self.missing) > 8:
                detail += f"; and {len(self.missing) - 8} more"
        fix = (
            "An ATS would misread this file. Use a one-column template with the contact details "
            "in the body and nothing drawn as images, or send the DOCX."
        )
        return Check(
            f"round_trip_{self.format or 'document'}",
            self.passed,
            detail,
            "" if self.passed else fix,
        )


# --------------------------------------------------------------------------------------------
# Comparing values
# --------------------------------------------------------------------------------------------

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
_DASHES = re.compile("[\u2010-\u2015\u2212]")
_SPACES = re.compile(r"\s+")
_EDGE_PUNCTUATION = " ,;:|\u00b7\u2022-"
_ISO_DATE = re.compile(r"(\d{4})(?:-(\d{1,2}))?(?:-\d{1,2})?")
_OPEN_END = frozenset({"", "present", "current", "now", "today"})
_DEGREE_JOINERS = frozenset({"in", "of"})


def _flat(value: object) -> str:
    """Text as written, minus presentation: composed, plain quotes and dashes, single spaces."""
    text = unicodedata.normalize("NFC", str(value or "")).translate(_QUOTES)
    return _SPACES.sub(" ", _DASHES.sub("-", text)).strip()


def _norm(value: object) -> str:
    """A field as an ATS compares it: `_flat`, case-folded, bare of edge punctuation."""
    return _flat(value).casefold().strip(_EDGE_PUNCTUATION)


def _digits(value: object) -> str:
    return "".join(ch for ch in str(value or "") if ch.isdigit())


def _month_key(value: object) -> str | None:
    """`YYYY-MM`, `YYYY` for a bare year, None for no date or "Present", else the text."""
    text = _norm(value)
    if text in _OPEN_END:
        return None
    match = _ISO_DATE.fullmatch(text)
    if match is None:
        return text
    year, month = match.groups()
    return f"{year}-{int(month):02d}" if month else year


def _degree(school: dict[str, Any]) -> tuple[str, ...]:
    """The degree as a bag of words, whichever of type and area holds which part."""
    text = _norm(" ".join(str(school.get(key) or "") for key in ("studyType", "area")))
    return tuple(sorted(word for word in re.findall(r"\w+", text) if word not in _DEGREE_JOINERS))


def _contains(haystack: str, needle: str) -> bool:
    """Whether `needle` stands in `haystack` as whole words."""
    return re.search(rf"(?<!\w){re.escape(needle)}(?!\w)", haystack) is not None


# --------------------------------------------------------------------------------------------
# Round trip
# --------------------------------------------------------------------------------------------

Reader = Callable[[dict[str, Any]], object]
"""Reads one field of an entry in comparable form; a falsy result means the entry lacks it."""

_WORK_FIELDS: dict[str, Reader] = {
    "name": lambda job: _norm(job.get("name")),
    "position": lambda job: _norm(job.get("position")),
    "startDate": lambda job: _month_key(job.get("startDate")),
    "endDate": lambda job: _month_key(job.get("endDate")),
}
_SCHOOL_FIELDS: dict[str, Reader] = {
    "institution": lambda school: _norm(school.get("institution")),
    "degree": _degree,
}


@dataclass(frozen=True)
class _Field:
    path: str
    shown: str
    """The value as the tailored profile holds it."""
    recovered: bool
    read: str = ""
    """What the parser put in its place, if anything."""

    def describe(self) -> str:
        text = f"{self.path}: {self.shown!r}"
        return f"{text} (read as {self.read!r})" if self.read else text


def _entries(profile: Profile, key: str) -> list[dict[str, Any]]:
    items = profile.get(key)
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []


def _basics(profile: Profile) -> dict[str, Any]:
    basics = profile.get("basics")
    return basics if isinstance(basics, dict) else {}


def _shown(entry: dict[str, Any], key: str) -> str:
    if key == "degree":
        return " ".join(str(entry.get(k) or "") for k in ("studyType", "area")).strip()
    if key == "endDate" and _month_key(entry.get(key)) is None:
        return "Present"
    return str(entry.get(key) or "")


def _scored(entry: dict[str, Any], readers: dict[str, Reader]) -> list[str]:
    """The fields an entry is judged on: those it has, and its end whenever it has a start
    (an ongoing job's "Present" must come back as no end date)."""
    has_start = bool(_month_key(entry.get("startDate")))
    return [key for key, read in readers.items() if read(entry) or (key == "endDate" and has_start)]


def _pair(
    wanted: list[dict[str, Any]], found: list[dict[str, Any]], readers: dict[str, Reader]
) -> list[dict[str, Any] | None]:
    """For each wanted entry, the unused parsed entry that agrees with it on most fields.

    Entries are paired rather than compared by position, so that a job the parser drops or
    splits costs that job's fields and not those of every job after it. Ties go to the nearest
    position; sharing only an open end date does not make a pair.
    """
    used: set[int] = set()
    pairs: list[dict[str, Any] | None] = []
    for index, entry in enumerate(wanted):
        values = {key: read(entry) for key, read in readers.items()}
        best: tuple[int, int] | None = None  # (agreeing fields, -distance)
        chosen: int | None = None
        for other, candidate in enumerate(found):
            if other in used:
                continue
            agree = sum(bool(v) and v == readers[k](candidate) for k, v in values.items())
            rank = (agree, -abs(other - index))
            if agree and (best is None or rank > best):
                best, chosen = rank, other
        if chosen is not None:
            used.add(chosen)
        pairs.append(None if chosen is None else found[chosen])
    return pairs


def _entry_fields(
    section: str,
    wanted: list[dict[str, Any]],
    found: list[dict[str, Any]],
    readers: dict[str, Reader],
) -> Iterator[_Field]:
    for index, (entry, match) in enumerate(zip(wanted, _pair(wanted, found, readers), strict=True)):
        for key in _scored(entry, readers):
            recovered = match is not None and readers[key](match) == readers[key](entry)
            read = "" if recovered or match is None else _shown(match, key)
            yield _Field(f"{section}[{index}].{key}", _shown(entry, key), recovered, read)


def _basics_fields(wanted: Profile, found: Profile) -> Iterator[_Field]:
    basics, read = _basics(wanted), _basics(found)
    for key, normalise in (("name", _norm), ("email", _norm), ("phone", _digits)):
        expected = normalise(basics.get(key))
        if expected:
            recovered = normalise(read.get(key)) == expected
            got = "" if recovered else str(read.get(key) or "")
            yield _Field(f"basics.{key}", str(basics.get(key)), recovered, got)


def _skill_fields(wanted: Profile, text: str) -> Iterator[_Field]:
    """Every skill keyword, recovered when it stands in the extracted text as written."""
    haystack = _flat(text)
    for group_index, group in enumerate(_entries(wanted, "skills")):
        keywords = group.get("keywords")
        for index, keyword in enumerate(keywords if isinstance(keywords, list) else []):
            needle = _flat(keyword)
            if needle:
                path = f"skills[{group_index}].keywords[{index}]"
                yield _Field(path, str(keyword), _contains(haystack, needle))


def _fields(wanted: Profile, found: Profile, text: str) -> list[_Field]:
    return [
        *_basics_fields(wanted, found),
        *_entry_fields("work", _entries(wanted, "work"), _entries(found, "work"), _WORK_FIELDS),
        *_entry_fields(
            "education", _entries(wanted, "education"), _entries(found, "education"), _SCHOOL_FIELDS
        ),
        *_skill_fields(wanted, text),
    ]


def _unique(keywords: list[str]) -> list[str]:
    return list(dict.fromkeys(k for k in keywords if isinstance(k, str) and k.strip()))


def _keyword_coverage(
    keywords: list[str], text: str, vocabulary: SkillVocabulary
) -> tuple[float, list[str]]:
    """Share of `keywords` an ATS search would find in `text`, and the ones it would not.

    A keyword the vocabulary knows counts when the vocabulary finds it in a line, aliases
    included ("Postgres" for PostgreSQL), or across a line break where a PDF wrapped it. Any
    other phrase must stand in the text as whole words, in any case.
    """
    wanted = _unique(keywords)
    if not wanted:
        return 1.0, []
    lines = [line for line in text.splitlines() if line.strip()]
    found: set[str] = set()
    for line in lines:
        found.update(vocabulary.find(line))
    wrapped: set[str] | None = None
    haystack = _norm(text)
    missing = []
    for keyword in wanted:
        canonical = vocabulary.canonical(keyword)
        if canonical is None:
            if not _contains(haystack, _norm(keyword)):
                missing.append(keyword)
            continue
        if canonical in found:
            continue
        if wrapped is None:  # only built when a known keyword was not on any one line
            wrapped = {skill for a, b in pairwise(lines) for skill in vocabulary.find(f"{a} {b}")}
        if canonical not in wrapped:
            missing.append(keyword)
    return (len(wanted) - len(missing)) / len(wanted), missing


def _sniffed_format(content: bytes) -> str:
    if content.startswith(b"%PDF"):
        return "pdf"
    if content.startswith(b"PK"):
        return "docx"
    return ""


def round_trip(
    tailored_profile: Profile, content: bytes, *, keywords: list[str], vocabulary: SkillVocabulary
) -> RoundTrip:
    """Parse a finished PDF or DOCX back and score the fields and keywords that survive.

    Any upload format works (plain text gives the baseline a layout can only lose from). Never
    raises for a document the parser refuses: that scores nothing, with the parser's
    error code in `error` and in `missing`.
    """
    try:
        parsed = parse_document(content)
        text = extract_text(content).text  # the same text the parser read, for the keywords
    except DocumentError as exc:
        return RoundTrip(
            format=_sniffed_format(content),
            fields_total=len(_fields(tailored_profile, {}, "")),
            fields_recovered=0,
            missing=[f"document: {exc.code}"],
            keyword_coverage=0.0 if _unique(keywords) else 1.0,
            keywords_missing=_unique(keywords),
            error=exc.code,
        )
    fields = _fields(tailored_profile, parsed.profile, text)
    coverage, keywords_missing = _keyword_coverage(keywords, text, vocabulary)
    return RoundTrip(
        format=parsed.source_format,
        fields_total=len(fields),
        fields_recovered=sum(f.recovered for f in fields),
        missing=[f.describe() for f in fields if not f.recovered],
        keyword_coverage=coverage,
        keywords_missing=keywords_missing,
    )


# --------------------------------------------------------------------------------------------
# Reading the PDF's pages
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Char:
    char: str
    left: float
    bottom: float
    right: float
    top: float

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass
class _Run:
    """Characters drawn one after another on one line, with no column-sized gap between."""

    left: float
    bottom: float
    right: float
    top: float

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(frozen=True)
class _Page:
    height: float
    chars: list[_Char]
    """Every character but white space, in drawing order, with its box (origin bottom left)."""
    text: str
    images: int
    fonts: dict[str, bool]
    """Base name of each font text is drawn in, without the subset prefix: embedded or not."""


def _pdf_pages(pdf: bytes) -> list[_Page]:
    """What the checks need from each page, read with PDFium under its lock."""
    pages = []
    with PDFIUM_LOCK:
        document = pdfium.PdfDocument(pdf)
        try:
            for index in range(len(document)):
                page = document[index]
                try:
                    pages.append(_read_page(page))
                finally:
                    page.close()
        finally:
            document.close()
    return pages


def _read_page(page: pdfium.PdfPage) -> _Page:
    textpage = page.get_textpage()
    try:
        chars = []
        count = textpage.count_chars()
        for index in range(count):
            code = pdfium_c.FPDFText_GetUnicode(textpage, index)
            if code <= 0x20 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF or chr(code).isspace():
                continue
            left, bottom, right, top = textpage.get_charbox(index, loose=True)
            chars.append(_Char(chr(code), left, bottom, right, top))
        text = textpage.get_text_range() if count > 0 else ""
    finally:
        textpage.close()
    # Forms nest: an image or a font inside a form XObject is drawn all the same.
    images = sum(1 for _ in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=8))
    fonts: dict[str, bool] = {}
    name = ctypes.create_string_buffer(256)
    for item in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_TEXT,), max_depth=8):
        font = pdfium_c.FPDFTextObj_GetFont(item)
        if not font:
            continue
        size = pdfium_c.FPDFFont_GetBaseFontName(font, name, len(name))
        base = name.value.decode("latin-1") if size else "(unnamed)"
        fonts[base.split("+", 1)[-1]] = bool(pdfium_c.FPDFFont_GetIsEmbedded(font))
    return _Page(page.get_height(), chars, text, images, fonts)


_COLUMN_GAP = 1.2
"""A horizontal gap wider than this many line heights ends a run (as `extract` reads PDFs)."""


def _runs(chars: list[_Char]) -> list[_Run]:
    runs: list[_Run] = []
    current: _Run | None = None
    for char in chars:
        height = char.top - char.bottom
        if height <= 0:
            continue
        if current is not None:
            scale = max(height, current.top - current.bottom)
            gap = char.left - current.right
            same_line = abs(char.middle - current.middle) <= 0.35 * scale
            if same_line and -0.5 * scale <= gap <= _COLUMN_GAP * scale:
                current.right = max(current.right, char.right)
                current.bottom = min(current.bottom, char.bottom)
                current.top = max(current.top, char.top)
                continue
        current = _Run(char.left, char.bottom, char.right, char.top)
        runs.append(current)
    return runs


_COLUMN_MIN_RUNS = 5
_COLUMN_MIN_SHARE = 0.15
_ALIGN_STEP = 2.0
"""Points: runs whose left edges round to the same step, or the next, start at one x."""


def _second_column(runs: list[_Run]) -> float | None:
    """The left edge of a second column of text, if the page has one.

    In one column, runs start at the margin or at a bullet's indent; a centred name or contact
    line and right-aligned dates start wherever their width puts them, each somewhere else. A
    second column shows up as many runs (at least 5, and 15 % of the page's) starting at one x
    in the middle half of the text's width.
    """
    if len(runs) < 2 * _COLUMN_MIN_RUNS:
        return None
    margin = min(run.left for run in runs)
    width = max(run.right for run in runs) - margin
    starts = Counter(
        round(run.left / _ALIGN_STEP)
        for run in runs
        if 0.25 * width < run.left - margin < 0.75 * width
    )
    if not starts:
        return None
    step, _ = starts.most_common(1)[0]
    aligned = starts[step - 1] + starts[step] + starts[step + 1]
    if aligned < max(_COLUMN_MIN_RUNS, _COLUMN_MIN_SHARE * len(runs)):
        return None
    return step * _ALIGN_STEP


# --------------------------------------------------------------------------------------------
# Document checks
# --------------------------------------------------------------------------------------------


def _check(name: str, passed: bool, detail: str, fix: str) -> Check:
    return Check(name, passed, detail, "" if passed else fix)


def _selectable_text(pages: list[_Page]) -> Check:
    bare = [
        str(number)
        for number, page in enumerate(pages, start=1)
        if sum(c.char.isalnum() for c in page.chars) < MIN_PAGE_CHARS
    ]
    return _check(
        "selectable_text",
        bool(pages) and not bare,
        f"no text layer on page {', '.join(bare)}"
        if bare
        else f"selectable text on all {len(pages)} page(s)",
        "Export the resume with its text (not a scan, a photo or 'print as image'): an ATS "
        "reads no text from pictures.",
    )


def _standard_fonts(pages: list[_Page]) -> Check:
    fonts: dict[str, bool] = {}
    for page in pages:
        fonts.update(page.fonts)
    loose = sorted(name for name, embedded in fonts.items() if not embedded)
    loose = [name for name in loose if name not in STANDARD_FONTS]
    listed = ", ".join(
        name if embedded else f"{name} (standard, not embedded)"
        for name, embedded in sorted(fonts.items())
    )
    detail = f"fonts: {listed or 'none'}"
    if loose:
        detail = f"neither embedded nor standard: {', '.join(loose)}; {detail}"
    return _check(
        "standard_fonts",
        not loose,
        detail,
        "Embed the fonts when saving the PDF, or use a standard font: a reader without the "
        "font substitutes another, and an ATS may misread the characters.",
    )


def _no_images(pages: list[_Page]) -> Check:
    found = [f"page {n} ({page.images})" for n, page in enumerate(pages, start=1) if page.images]
    return _check(
        "no_images",
        not found,
        f"images on {', '.join(found)}" if found else "no images",
        "Remove pictures, logos, icons and text drawn as images: an ATS cannot read them, and "
        "whatever they say is lost.",
    )


def _centres(chars: list[_Char], wanted: str, key: Callable[[str], str]) -> list[float]:
    """Heights of the places `wanted` is drawn, comparing characters by `key` (which may drop
    a character by returning "")."""
    kept = [(key(char.char), char) for char in chars]
    kept = [(k, char) for k, char in kept if k]
    text = "".join(k for k, _ in kept)
    centres = []
    start = text.find(wanted) if wanted else -1
    while start != -1:
        span = [char for _, char in kept[start : start + len(wanted)]]
        centres.append(sum(char.middle for char in span) / len(span))
        start = text.find(wanted, start + 1)
    return centres


def _digit(char: str) -> str:
    return char if char.isdigit() else ""


def _contact_in_body(pages: list[_Page], profile: Profile) -> Check:
    basics = _basics(profile)
    email = "".join(str(basics.get("email") or "").split()).casefold()
    phone = _digits(basics.get("phone"))
    wanted = [
        (label, value, key)
        for label, value, key in (("email", email, str.casefold), ("phone", phone, _digit))
        if value
    ]
    if not wanted:
        return Check("contact_in_body", True, "the profile has no email or phone to look for")
    fix = (
        "Put the email and phone in the body of the first page, under the name: many ATS skip "
        "page headers and footers, and look for contact details only on the first page."
    )
    if not pages:
        return _check("contact_in_body", False, "the PDF has no pages", fix)
    page = pages[0]
    band = MARGIN_BAND * page.height
    problems = []
    for label, value, key in wanted:
        centres = _centres(page.chars, value, key)
        if not centres:
            problems.append(f"{label} not on page 1")
        elif all(y < band or y > page.height - band for y in centres):
            where = "footer" if centres[0] < band else "header"
            problems.append(f"{label} only in the {where} band")
    found = " and ".join(label for label, _, _ in wanted)
    return _check(
        "contact_in_body",
        not problems,
        "; ".join(problems) or f"{found} in the body of page 1",
        fix,
    )


def _single_column(pages: list[_Page]) -> Check:
    for number, page in enumerate(pages, start=1):
        column = _second_column(_runs(page.chars))
        if column is not None:
            return _check(
                "single_column",
                False,
                f"page {number} has a second column of text starting {column:.0f} pt from the "
                "left edge",
                "Use a one-column layout: an ATS reads across both columns or one after the "
                "other, and separates dates, titles and employers that belong together.",
            )
    return Check("single_column", True, "one column of text on every page")


_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)


def _date_pattern(prefix: str) -> str:
    return (
        rf"(?:(?P<{prefix}month>[A-Za-z]{{3,9}})(?P<{prefix}dot>\.?)\s+(?:19|20)\d\d"
        rf"|(?P<{prefix}numeric>\d{{1,2}}[/.](?:19|20)\d\d|(?:19|20)\d\d-\d\d)"
        r"|(?:19|20)\d\d)"
    )


_RANGE = re.compile(
    rf"(?<![\w/.-]){_date_pattern('')}\s*(?P<sep>[-\u2013\u2014]|to)\s*"
    rf"(?:{_date_pattern('end_')}|(?P<open>present|current|now|today))(?![\w/])",
    re.IGNORECASE,
)


def _date_style(match: re.Match[str], prefix: str) -> str | None:
    """How one end of a range is written ("Mon YYYY", "Month YYYY", "MM/YYYY", ...); None for
    a bare year, which goes with any style, and for a word that is not a month ("in 2019")."""
    word = (match.group(f"{prefix}month") or "").lower()
    if word:
        month = next((name for name in _MONTHS if name.startswith(word[:3])), "")
        if not month.startswith(word):
            return None
        if word == month:
            return "Month YYYY" if len(word) > 4 else None  # "May", "June": either style
        return "Mon. YYYY" if match.group(f"{prefix}dot") else "Mon YYYY"
    numeric = match.group(f"{prefix}numeric")
    if numeric:
        return re.sub(r"\d", "M", re.sub(r"\d{4}", "YYYY", numeric))  # MM/YYYY, YYYY-MM, ...
    return None


def _consistent_dates(pages: list[_Page]) -> Check:
    styles: Counter[str] = Counter()
    ongoing: Counter[str] = Counter()
    dashes: Counter[str] = Counter()
    for page in pages:
        for line in page.text.splitlines():
            for match in _RANGE.finditer(line):
                first, last = _date_style(match, ""), _date_style(match, "end_")
                styles.update(style for style in (first, last) if style)
                if match.group("open"):
                    ongoing[match.group("open").capitalize()] += 1
                if first or last:  # "2019-2020" in a bullet is prose, not the layout's dates
                    dashes[match.group("sep").lower()] += 1
    mixed = [
        f"{what}: {', '.join(sorted(counter))}"
        for what, counter in (("formats", styles), ("ongoing", ongoing), ("dashes", dashes))
        if len(counter) > 1
    ]
    if mixed:
        detail = "date ranges written more than one way (" + "; ".join(mixed) + ")"
    elif styles:
        detail = f"every date range written as {next(iter(styles))}"
    else:
        detail = "no month-and-year date ranges"
    return _check(
        "consistent_dates",
        not mixed,
        detail,
        "Write every date the same way (for example 'Mar 2021 – Present'): an ATS computes "
        "years of experience from them.",
    )


def _file_size(pdf: bytes) -> Check:
    limit = MAX_FILE_BYTES // (1024 * 1024)
    return _check(
        "file_size",
        len(pdf) <= MAX_FILE_BYTES,
        f"{len(pdf) / 1024:.0f} KB (limit {limit} MB)",
        f"Make the file smaller than {limit} MB (no images, subset fonts): many ATS upload "
        "forms refuse larger files.",
    )


def document_checks(pdf: bytes, *, profile: Profile) -> list[Check]:
    """ATS checks on a finished PDF: text layer, fonts, images, contact, columns, dates, size."""
    try:
        pages = _pdf_pages(pdf)
    except pdfium.PdfiumError as exc:
        return [
            Check(
                "readable_pdf",
                False,
                f"PDFium cannot open the file: {exc}",
                "Save the document as a PDF again.",
            )
        ]
    return [
        _selectable_text(pages),
        _standard_fonts(pages),
        _no_images(pages),
        _contact_in_body(pages, profile),
        _single_column(pages),
        _consistent_dates(pages),
        _file_size(pdf),
    ]
