"""Stage 2 — profile scoring: an explainable 0–100 match between a profile and a job."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from worker.pipeline.parsing import iter_lines
from worker.pipeline.skills import SkillVocabulary
from worker.pipeline.types import Evidence, JobAnalysis, MatchResult, Profile, RankedLine


@dataclass(frozen=True)
class Weights:
    """How much each component counts; they sum to 1."""

    required: float = 0.55
    preferred: float = 0.15
    responsibilities: float = 0.20
    years: float = 0.10


WEIGHTS = Weights()
_WORD = re.compile(r"[a-z][a-z0-9+#]{2,}")
_STOPWORDS = frozenset(
    [
        "the",
        "and",
        "for",
        "with",
        "you",
        "your",
        "our",
        "are",
        "will",
        "that",
        "this",
        "from",
        "have",
        "has",
        "into",
        "their",
        "they",
        "them",
        "about",
        "work",
        "team",
        "teams",
        "using",
        "use",
        "who",
        "what",
        "when",
        "where",
        "while",
        "can",
        "all",
        "any",
        "more",
        "most",
        "such",
        "able",
        "ability",
        "including",
        "across",
        "within",
        "other",
        "strong",
        "experience",
        "years",
        "year",
        "role",
    ]
)


def _terms(text: str) -> set[str]:
    return {word for word in _WORD.findall(text.lower()) if word not in _STOPWORDS}


def parse_iso_month(value: str | None) -> date | None:
    """Read the `YYYY`, `YYYY-MM` or `YYYY-MM-DD` dates JSON Resume uses."""
    if not value:
        return None
    match = re.match(r"^(\d{4})(?:-(\d{1,2}))?", value.strip())
    if not match:
        return None
    month = int(match.group(2) or 1)
    return date(int(match.group(1)), min(max(month, 1), 12), 1)


def experience_years(profile: Profile, *, today: date | None = None) -> float:
    """Total years covered by the work history, overlapping jobs counted once."""
    today = today or date.today()
    spans: list[tuple[int, int]] = []
    for job in profile.get("work") or []:
        start = parse_iso_month(job.get("startDate"))
        if start is None:
            continue
        end = parse_iso_month(job.get("endDate")) or today
        spans.append((start.year * 12 + start.month, max(end.year * 12 + end.month, 0)))
    months = 0
    current_end = -1
    for start_m, end_m in sorted(spans):
        if end_m <= current_end:
            continue
        months += end_m - max(start_m, current_end)
        current_end = end_m
    return round(months / 12, 1)


def profile_skills(profile: Profile, *, vocabulary: SkillVocabulary) -> list[str]:
    """Canonical skills the profile states: its skills section first, then any line's mentions."""
    found: dict[str, None] = {}
    for group in profile.get("skills") or []:
        for name in [group.get("name", ""), *(group.get("keywords") or [])]:
            canonical = vocabulary.canonical(str(name))
            for skill in [canonical] if canonical else vocabulary.find(str(name)):
                found.setdefault(skill, None)
    for _, text in iter_lines(profile):
        for skill in vocabulary.find(text):
            found.setdefault(skill, None)
    return list(found)


def score_profile(
    profile: Profile, analysis: JobAnalysis, *, vocabulary: SkillVocabulary
) -> MatchResult:
    """Score skill coverage, responsibility overlap and years; keep the evidence for each."""
    have = set(profile_skills(profile, vocabulary=vocabulary))
    lines = list(iter_lines(profile))
    job_terms = _terms(" ".join([analysis.title, *analysis.responsibilities]))
    job_skills = set(analysis.skills)

    ranked: list[RankedLine] = []
    for path, text in lines:
        mentioned = set(vocabulary.find(text)) & job_skills
        terms = _terms(text)
        overlap = len(terms & job_terms) / (len(terms) or 1)
        ranked.append(
            RankedLine(path=path, text=text, score=round(2 * len(mentioned) + overlap, 3))
        )
    ranked.sort(key=lambda line: -line.score)

    evidence: list[Evidence] = []
    for skill in analysis.skills:
        if skill not in have:
            continue
        line = next((r for r in ranked if skill in vocabulary.find(r.text)), None)
        evidence.append(
            Evidence(skill=skill, path=line.path, text=line.text)
            if line
            else Evidence(skill=skill, path="skills", text=skill)
        )

    def coverage(skills: list[str]) -> float:
        return sum(skill in have for skill in skills) / len(skills) if skills else 1.0

    resume_terms = _terms(" ".join(text for _, text in lines))
    responsibility = len(job_terms & resume_terms) / len(job_terms) if job_terms else 1.0
    years = experience_years(profile)
    years_fit = min(years / analysis.min_years, 1.0) if analysis.min_years else 1.0
    score = 100 * (
        WEIGHTS.required * coverage(analysis.required_skills)
        + WEIGHTS.preferred * coverage(analysis.preferred_skills)
        + WEIGHTS.responsibilities * responsibility
        + WEIGHTS.years * years_fit
    )
    return MatchResult(
        score=round(score, 1),
        matched_skills=[skill for skill in analysis.skills if skill in have],
        missing_skills=[skill for skill in analysis.skills if skill not in have],
        evidence=evidence,
        ranked_lines=ranked,
    )
