"""Stage 4 — quality validation: is the tailored resume complete, ATS-readable and truthful?"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from worker.pipeline.claims import Violation, extract_claims, extract_letter_claims, unsupported
from worker.pipeline.parsing import iter_lines
from worker.pipeline.scoring import parse_iso_month
from worker.pipeline.skills import SkillVocabulary
from worker.pipeline.types import Check, JobAnalysis, Profile, QualityReport, Tailored


def _skills_in(profile: Profile, *, vocabulary: SkillVocabulary) -> set[str]:
    """The vocabulary skills a profile's text names, line by line: the matcher reads across
    line breaks, and "Salesforce" ending one line and "CRM" starting the next is not one."""
    parts = [text for _, text in iter_lines(profile)]
    for group in profile.get("skills") or []:
        parts.append(str(group.get("name", "")))
        parts.extend(str(keyword) for keyword in group.get("keywords") or [])
    for job in profile.get("work") or []:
        parts.extend(str(job.get(key, "")) for key in ("name", "position", "startDate", "endDate"))
    return {skill for part in parts for line in part.split("\n") for skill in vocabulary.find(line)}


def truth_report(
    source: Profile,
    tailored_profile: Profile,
    cover_letter: list[str],
    *,
    vocabulary: SkillVocabulary,
    job: JobAnalysis | None = None,
    today: date | None = None,
) -> list[Violation]:
    """Every claim of the tailored resume and its cover letter that `source` does not support.

    `job`, when given, names the posting's company and title, which the letter may address
    without claiming them.
    """
    claims = extract_claims(tailored_profile, vocabulary=vocabulary)
    claims += extract_letter_claims(
        cover_letter,
        vocabulary=vocabulary,
        company=job.company if job else "",
        role=job.title if job else "",
    )
    return unsupported(claims, source, vocabulary=vocabulary, today=today)


def truth_violations(
    source: Profile, tailored: Profile, *, vocabulary: SkillVocabulary
) -> list[str]:
    """Every claim in `tailored` that `source` does not support, described for the report
    ("work[0].highlights[2]: number '300%' is not in the source resume")."""
    return [
        str(violation) for violation in truth_report(source, tailored, [], vocabulary=vocabulary)
    ]


KEYWORD_COVERAGE_TARGET = 0.6
LINES_PER_PAGE = 52
"""Roughly what one page of the one-column templates holds, for the length check."""


def _check(name: str, passed: bool, detail: str, fix: str) -> Check:
    return Check(name, passed, detail, "" if passed else fix)


def _dates_consistent(work: list[dict[str, Any]]) -> bool:
    for job in work:
        start, end = parse_iso_month(job.get("startDate")), parse_iso_month(job.get("endDate"))
        if (job.get("startDate") and start is None) or (job.get("endDate") and end is None):
            return False
        if start and end and end < start:
            return False
    return True


def _estimated_lines(profile: Profile) -> int:
    lines = 4 + (3 if (profile.get("basics") or {}).get("summary") else 0)
    for job in profile.get("work") or []:
        lines += 2 + sum(1 + len(str(h)) // 95 for h in job.get("highlights") or [])
    for section in ("education", "projects", "certificates", "languages", "skills"):
        entries = profile.get(section) or []
        lines += (2 + len(entries)) if entries else 0
    return lines


def ats_checks(profile: Profile, *, dropped: list[str], length_pages: int = 2) -> list[Check]:
    """Named format checks an applicant tracking system cares about, each with its fix."""
    basics = profile.get("basics") or {}
    work = profile.get("work") or []
    lines = _estimated_lines(profile)
    return [
        _check("name_present", bool(basics.get("name")), "the resume names its owner",
               "Put your full name on the first line."),
        _check("contact_present", bool(basics.get("email") or basics.get("phone")),
               "an email address or phone number is in the body",
               "Add an email address and a phone number in the body, not in a page header."),
        _check("experience_present", bool(work), "an Experience section with at least one job",
               "Add an Experience section with your jobs, newest first."),
        _check("dates_present", all(job.get("startDate") for job in work),
               "every job has a start date",
               "Give every job its dates, e.g. 'Mar 2021 – Present'."),
        _check("dates_consistent", _dates_consistent(work),
               "dates are readable and no job ends before it starts",
               "Use one date format throughout and check each job's start and end."),
        _check("skills_present", bool(profile.get("skills")), "a Skills section",
               "Add a Skills section listing the tools and methods you use."),
        _check("employers_complete", not dropped,
               "every employer of the source is kept"
               + (f"; missing: {', '.join(dropped)}" if dropped else ""),
               "Keep every employer; shorten older entries instead of removing them."),
        _check("length", lines <= LINES_PER_PAGE * length_pages,
               f"about {lines} lines for {length_pages} page(s)",
               "Trim the oldest or least relevant bullets, or allow a second page."),
    ]  # fmt: skip


STANDARD_HEADINGS = frozenset(
    {"summary", "experience", "skills", "education", "projects", "certifications", "languages"}
)


def layout_checks(html: str) -> list[Check]:
    """What the rendered document looks like to a parser: one text flow, standard headings."""
    headings = {h.strip().lower() for h in re.findall(r"<h2[^>]*>(.*?)</h2>", html, re.S)}
    odd = sorted(headings - STANDARD_HEADINGS)
    return [
        _check("standard_headings", not odd, "section headings an ATS recognises"
               + (f"; unusual: {', '.join(odd)}" if odd else ""),
               "Rename sections to Summary, Experience, Education, Skills."),
        _check("no_tables_or_images", not re.search(r"<(table|img|svg)\b", html, re.I),
               "one text column without tables or images",
               "Use a one-column template without tables or pictures."),
    ]  # fmt: skip


def validate(
    source: Profile,
    tailored: Tailored,
    analysis: JobAnalysis,
    *,
    vocabulary: SkillVocabulary,
    length_pages: int = 2,
    html: str | None = None,
) -> QualityReport:
    """Check required sections, contact details, completeness, keywords and truthfulness."""
    profile = tailored.profile
    work = profile.get("work") or []
    source_employers = {job.get("name") for job in source.get("work") or []}
    kept_employers = {job.get("name") for job in work}
    dropped = sorted(str(name) for name in source_employers - kept_employers)
    present = _skills_in(profile, vocabulary=vocabulary)
    covered = [skill for skill in analysis.keywords if skill in present]
    coverage = len(covered) / len(analysis.keywords) if analysis.keywords else 1.0
    missing_keywords = [skill for skill in analysis.keywords if skill not in present]
    checks = ats_checks(profile, dropped=dropped, length_pages=length_pages)
    if html is not None:
        checks += layout_checks(html)
    checks.append(
        Check(
            "keyword_coverage",
            coverage >= KEYWORD_COVERAGE_TARGET,
            f"{len(covered)} of {len(analysis.keywords)} keywords the posting asks for appear",
            ""
            if coverage >= KEYWORD_COVERAGE_TARGET
            else "Where you really have them, name these skills in your own bullets: "
            + ", ".join(missing_keywords[:8])
            + ". Never claim skills you do not have.",
        )
    )
    format_checks = [check for check in checks if check.name != "keyword_coverage"]
    format_score = sum(check.passed for check in format_checks) / len(format_checks)
    ats_score = round(100 * (0.6 * format_score + 0.4 * coverage), 1)
    violations = truth_violations(source, profile, vocabulary=vocabulary)
    return QualityReport(ats_score=ats_score, checks=checks, violations=violations)
