"""Resume parsing accuracy on the hand-written corpus, in every upload format.

The corpus (``tests/corpus/``) is rendered to text/Markdown, two kinds of PDF and DOCX, parsed
with ``parse_document`` and scored field by field (rules in ``tests/corpus/score.py``). The
targets are those of the ingestion issue: at least 95 % of fields exact over the whole corpus,
and no upload format below 90 %. ``bench/parse_accuracy.py`` prints the same measurement with
timings and the worst entries.

Everything here is in memory and deterministic; no services, files or environment variables.
"""

from __future__ import annotations

import re
import unicodedata

import pytest

from tests.corpus.render import FORMATS, Entry, load_corpus, render
from tests.corpus.score import Report, count_pdf_pages, format_report, measure

OVERALL_TARGET = 0.95
FORMAT_TARGET = 0.90

CORPUS = load_corpus()
BY_SLUG = {entry.slug: entry for entry in CORPUS}


@pytest.fixture(scope="module")
def report() -> Report:
    return measure(CORPUS, FORMATS)


# --------------------------------------------------------------------------------------------
# The corpus itself: enough of it, varied, and with expectations that match its content
# --------------------------------------------------------------------------------------------

_RANGE = re.compile(r"\s+(?:\u2013|\u2014|-|to)\s+|\u2013")
_PRESENT_WORDS = ("present", "current", "today", "now", "since")
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


def _written_as(part: str, iso: str) -> bool:
    """Whether the date text a resume shows ("Sept 2018", "03/2019") reads as ``iso``."""
    year, _, month = iso.partition("-")
    if year not in part:
        return False
    if not month:
        return True
    lowered = part.lower()
    numeric = (f"{month}/{year}", f"{year}-{month}", f"{month}.{year}", f"{year}/{month}")
    return any(n in part for n in numeric) or _MONTHS[int(month) - 1] in lowered


def _expectation_problems(entry: Entry) -> list[str]:
    content, expected = entry.content, entry.expected
    problems: list[str] = []
    basics = expected["basics"]
    if basics["name"] != content["name"]:
        problems.append(f"name {basics['name']!r} is not the resume's {content['name']!r}")
    for key in ("email", "phone"):
        if basics[key] not in content["contact"]:
            problems.append(f"{key} {basics[key]!r} is not among the contact lines")

    jobs, want_jobs = content["work"], expected["work"]
    if len(jobs) != len(want_jobs):
        problems.append(f"{len(want_jobs)} expected jobs for {len(jobs)} written")
    for i, (job, want) in enumerate(zip(jobs, want_jobs, strict=False)):
        if (want["name"], want["position"]) != (job["employer"], job["title"]):
            problems.append(f"work[{i}] expects {want['name']}/{want['position']}")
        parts = _RANGE.split(job["dates"])
        if not _written_as(parts[0], want["startDate"]):
            problems.append(f"work[{i}].startDate {want['startDate']} vs {job['dates']!r}")
        if want["endDate"] is None:
            if not any(word in job["dates"].lower() for word in _PRESENT_WORDS):
                problems.append(f"work[{i}] expected ongoing but reads {job['dates']!r}")
        elif not _written_as(parts[-1], want["endDate"]):
            problems.append(f"work[{i}].endDate {want['endDate']} vs {job['dates']!r}")

    schools, want_schools = content["education"], expected["education"]
    if [s["institution"] for s in schools] != [w["institution"] for w in want_schools]:
        problems.append("education institutions differ from the resume's")
    for i, (school, want) in enumerate(zip(schools, want_schools, strict=False)):
        if not _written_as(_RANGE.split(school["dates"])[-1], want["endDate"]):
            problems.append(f"education[{i}].endDate {want['endDate']} vs {school['dates']!r}")

    written_skills = [item for group in content["skills"] for item in group["items"]]
    if expected["skills"] != written_skills:
        problems.append("expected skills differ from the resume's skill items")
    return problems


@pytest.mark.parametrize("slug", sorted(BY_SLUG))
def test_corpus_expectations_match_what_the_resume_says(slug: str) -> None:
    assert _expectation_problems(BY_SLUG[slug]) == []


def test_corpus_is_large_and_varied() -> None:
    layouts = [entry.layout for entry in CORPUS]
    assert len(CORPUS) >= 32
    assert sum(1 for layout in layouts if layout.get("sidebar")) >= 4, "two-column layouts"
    assert sum(1 for layout in layouts if layout.get("text") == "markdown") >= 3
    assert len({layout["job_header"] for layout in layouts}) >= 8, "job header styles"
    assert len({layout.get("bullet") for layout in layouts}) >= 8, "bullet characters"
    assert len({layout["headings"]["work"].lower() for layout in layouts}) >= 8
    names = [entry.content["name"] for entry in CORPUS]
    assert sum(1 for name in names if not name.isascii()) >= 10
    for name in ("José Müller-Łukasiewicz", "Zoë Ødegaard", "Nguyễn Thị Minh"):
        assert name in names
    assert any(re.search(r"\bO['\u2019]\w", name) for name in names), "an Irish O' name"
    assert all(unicodedata.is_normalized("NFC", name) for name in names)


def test_corpus_has_a_three_page_senior_resume_and_a_one_page_graduate_resume() -> None:
    senior = [e for e in CORPUS if len(e.content["work"]) >= 6]
    assert senior
    for fmt in ("pdf-reportlab", "pdf-xhtml2pdf"):
        assert count_pdf_pages(render(senior[0], fmt)) == 3
    graduate = BY_SLUG["08-priya-raghunathan"]
    assert all("intern" in job["title"].lower() for job in graduate.content["work"])
    for fmt in ("pdf-reportlab", "pdf-xhtml2pdf"):
        assert count_pdf_pages(render(graduate, fmt)) == 1


@pytest.mark.parametrize("fmt", FORMATS)
def test_rendering_is_deterministic(fmt: str) -> None:
    for entry in (CORPUS[0], BY_SLUG["02-zoe-odegaard"]):
        assert render(entry, fmt) == render(entry, fmt)


# --------------------------------------------------------------------------------------------
# The parser against the targets
# --------------------------------------------------------------------------------------------


def test_every_format_goes_through_parse_document(report: Report) -> None:
    assert not report.fallback, report.parser
    assert not [(d.slug, d.fmt, d.error) for d in report.docs if d.error]


def test_overall_exact_field_share_meets_the_target(report: Report) -> None:
    share = report.exact_share()
    assert share >= OVERALL_TARGET, (
        f"{share:.3f} of fields exact overall, target {OVERALL_TARGET}\n\n{format_report(report)}"
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_format_meets_the_target(report: Report, fmt: str) -> None:
    share = report.exact_share(fmt)
    assert share >= FORMAT_TARGET, (
        f"{share:.3f} of fields exact in {fmt}, target {FORMAT_TARGET}\n\n{format_report(report)}"
    )
