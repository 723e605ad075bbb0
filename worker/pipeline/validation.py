"""Stage 4 — quality validation: is the tailored resume complete, ATS-readable and truthful?"""

from __future__ import annotations

import re
from typing import Any

from worker.pipeline.parsing import iter_lines
from worker.pipeline.scoring import experience_years, parse_iso_month
from worker.pipeline.skills import SkillVocabulary
from worker.pipeline.types import Check, JobAnalysis, Profile, QualityReport, Tailored

_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


def _source_text(profile: Profile) -> str:
    parts = [text for _, text in iter_lines(profile)]
    for group in profile.get("skills") or []:
        parts.append(str(group.get("name", "")))
        parts.extend(str(keyword) for keyword in group.get("keywords") or [])
    for job in profile.get("work") or []:
        parts.extend(str(job.get(key, "")) for key in ("name", "position", "startDate", "endDate"))
    return "\n".join(parts)


def _facts(job: dict[str, Any]) -> tuple[str, str, str, str]:
    return tuple(str(job.get(key) or "") for key in ("name", "position", "startDate", "endDate"))  # type: ignore[return-value]


def truth_violations(
    source: Profile, tailored: Profile, *, vocabulary: SkillVocabulary
) -> list[str]:
    """Every claim in `tailored` that `source` does not support, described for the report."""
    violations: list[str] = []
    source_jobs = {_facts(job) for job in source.get("work") or []}
    for job in tailored.get("work") or []:
        if _facts(job) not in source_jobs:
            violations.append(f"work entry not in the source resume: {' / '.join(_facts(job))}")
    source_lines = {text for _, text in iter_lines(source)}
    source_text = _source_text(source)
    source_skills = set(vocabulary.find(source_text))
    source_numbers = set(_NUMBER.findall(source_text))
    for path, text in iter_lines(tailored):
        if text in source_lines:
            continue
        for skill in vocabulary.find(text):
            if skill not in source_skills:
                violations.append(f"{path}: skill '{skill}' is not in the source resume")
        for number in _NUMBER.findall(text):
            if number not in source_numbers and not _is_years_claim(number, text, source):
                violations.append(f"{path}: number '{number}' is not in the source resume")
    source_keywords = {
        str(k).lower() for g in source.get("skills") or [] for k in g.get("keywords") or []
    }
    for group in tailored.get("skills") or []:
        for keyword in group.get("keywords") or []:
            if str(keyword).lower() not in source_keywords:
                violations.append(f"skills: '{keyword}' is not in the source resume")
    return violations


def _is_years_claim(number: str, text: str, source: Profile) -> bool:
    """The summary may state total years of experience, computed from the source's own dates."""
    return f"{number}+ years" in text and int(float(number)) <= experience_years(source)


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
    text = _source_text(profile)
    present = set(vocabulary.find(text))
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
