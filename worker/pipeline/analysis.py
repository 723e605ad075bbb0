"""Stage 1 — job analysis: what a posting requires, offline and deterministic."""

from __future__ import annotations

import re

from worker.pipeline.skills import SkillVocabulary
from worker.pipeline.types import JobAnalysis, JobPosting

_PREFERRED_CUES = re.compile(
    r"nice[- ]to[- ]have|preferred|bonus|a plus|desirable|good to have|ideally|optional",
    re.IGNORECASE,
)
_REQUIRED_CUES = re.compile(
    r"require|must|essential|you have|you bring|qualifications|what we look for|minimum",
    re.IGNORECASE,
)
_RESPONSIBILITY_CUES = re.compile(
    r"responsibilit|what you('|’)ll do|what you will do|duties|the role|your impact|day to day",
    re.IGNORECASE,
)
_YEARS = re.compile(r"(\d{1,2})\s*\+?\s*(?:or more\s+)?(?:years|yrs)", re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[-*•·▪●]|\d{1,2}[.)])\s+")
_HEADING = re.compile(r"^\s*#{0,6}\s*([A-Za-z][A-Za-z ’'&/-]{1,60}?)\s*:?\s*$")


def _is_heading(line: str) -> bool:
    match = _HEADING.match(line)
    if not match or _BULLET.match(line):
        return False
    words = match.group(1).split()
    return len(words) <= 6 and (
        line.rstrip().endswith(":")
        or line.lstrip().startswith("#")
        or match.group(1).istitle()
        or match.group(1).isupper()
    )


def _title_from_text(description: str) -> str:
    for line in description.splitlines():
        text = line.strip().lstrip("#").strip()
        if text and len(text) <= 80 and not text.endswith("."):
            return text.removeprefix("Job title:").strip()
    return ""


def analyse_job(posting: JobPosting, *, vocabulary: SkillVocabulary) -> JobAnalysis:
    """Split a posting into required and preferred skills, responsibilities and years asked for.

    Sections are classified by their headings ("Requirements", "Nice to have", "What you'll do");
    a line outside such a section can still mark itself preferred ("Kafka is a plus").
    """
    required: dict[str, None] = {}
    preferred: dict[str, None] = {}
    responsibilities: list[str] = []
    section = "other"
    for raw in posting.description.splitlines():
        line = raw.strip()
        if not line:
            continue
        if _is_heading(line):
            if _PREFERRED_CUES.search(line):
                section = "preferred"
            elif _RESPONSIBILITY_CUES.search(line):
                section = "responsibilities"
            elif _REQUIRED_CUES.search(line):
                section = "required"
            else:
                section = "other"
            continue
        text = _BULLET.sub("", line)
        skills = vocabulary.find(text)
        if section == "responsibilities" and len(text) > 3:
            responsibilities.append(text)
        target = preferred if section == "preferred" or _PREFERRED_CUES.search(text) else required
        for skill in skills:
            target.setdefault(skill, None)
    title_skills = vocabulary.find(posting.title)
    for skill in title_skills:
        required.setdefault(skill, None)
    for skill in required:
        preferred.pop(skill, None)
    years = [int(m.group(1)) for m in _YEARS.finditer(posting.description)]
    title = posting.title.strip() or _title_from_text(posting.description)
    skills = [*required, *preferred]
    keywords = list(dict.fromkeys([*skills, *title_skills]))
    return JobAnalysis(
        title=title,
        company=posting.company.strip(),
        skills=skills,
        required_skills=list(required),
        preferred_skills=list(preferred),
        keywords=keywords,
        responsibilities=responsibilities,
        min_years=min(max(years), 30) if years else None,
    )
