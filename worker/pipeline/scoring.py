"""Stage 2 — profile scoring: an explainable 0–100 match between a profile and a job.

The score is a weighted mean of six components, each 0–1 (weights in `ScoringConfig`):

* **required_skills** / **preferred_skills** — the share of the posting's requirements the
  profile meets. A vocabulary skill counts fully when the profile names it, partly when it names a
  related skill (`vocabulary.related`, when the vocabulary has it) or describes it in other words;
  a competency ("physical stamina") or certification by how much of its key words, weighted by
  their rarity, one resume line covers.
* **responsibilities** — how much of what the job does (its responsibilities and normalised title)
  the resume talks about: IDF-weighted term coverage, the IDF computed over the job's and the
  resume's own lines (plain TF-IDF, nothing downloaded).
* **experience_years** — for each "N years" requirement, the years of the resume roles that match
  its subject (a role, a skill, or experience in general) against N. Years come from work dates,
  from spans written in a line ("2019 - 2023", "from 2008 to 2013") and from "N years" phrases.
* **seniority** and **education** — the level the resume shows against the level asked for.

Components a posting does not ask about (no preferred skills, no years, no degree) are left out and
the remaining weights rescaled, so `breakdown` weights always sum to 1.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from worker.pipeline.analysis import (
    EDUCATION_LEVELS,
    SENIORITY_LEVELS,
    content_terms,
    education_level,
    find_skills,
    normalise_title,
    parse_year_requirements,
    seniority_from_years,
    seniority_of,
    terms,
)
from worker.pipeline.parsing import iter_lines
from worker.pipeline.skills import SkillVocabulary
from worker.pipeline.types import (
    Evidence,
    JobAnalysis,
    MatchResult,
    Profile,
    RankedLine,
    Requirement,
    RequirementMatch,
    ScoreComponent,
)

__all__ = [
    "CONFIG",
    "WEIGHTS",
    "ProfileIndex",
    "ScoringConfig",
    "Weights",
    "experience_years",
    "index_profile",
    "parse_iso_month",
    "profile_skills",
    "resolve_path",
    "score_profile",
]


@dataclass(frozen=True)
class ScoringConfig:
    """Every weight and threshold of the match score, in one place.

    The six weights sum to 1. When a posting does not ask about a component it is dropped and
    the others are rescaled in proportion.
    """

    required: float = 0.30
    preferred: float = 0.10
    responsibilities: float = 0.15
    years: float = 0.30
    seniority: float = 0.10
    education: float = 0.05

    related_credit: float = 0.35
    """Credit for a required skill when the resume has a related one instead."""
    described_credit: float = 0.8
    """Credit for a skill the resume describes in words rather than names."""
    phrase_full: float = 0.99
    """Share of a phrase's (IDF-weighted) key words one line must cover to meet it fully."""
    phrase_partial: float = 0.5
    """Below this share a phrase match is mostly chance and earns half its coverage."""
    role_match: float = 0.6
    """Share of a years requirement's subject a resume role must cover to count its years."""
    partial_role: float = 0.5
    """Share of a role's years counted when it covers part of the subject (at least 0.25)."""
    listed_skill_years: float = 0.8
    """Credit, scaled by total years, when the resume lists the skill a years requirement is
    about ("5+ years of Python") but no role mentions it."""
    unmatched_role_credit: float = 0.25
    """Credit, scaled by total years, when no role matches a years requirement's subject."""
    met: float = 0.6
    """A requirement scoring at least this is reported as met; below 0.5 it is a gap."""

    def weights(self) -> dict[str, float]:
        return {
            "required_skills": self.required,
            "preferred_skills": self.preferred,
            "responsibilities": self.responsibilities,
            "experience_years": self.years,
            "seniority": self.seniority,
            "education": self.education,
        }

    def __post_init__(self) -> None:
        total = sum(self.weights().values())
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"ScoringConfig weights must sum to 1, not {total:.4f}")


Weights = ScoringConfig
"""The earlier name of the config; kept for callers that import it."""
CONFIG = ScoringConfig()
WEIGHTS = CONFIG

# --------------------------------------------------------------------------------------------
# Dates and years
# --------------------------------------------------------------------------------------------


def parse_iso_month(value: str | None) -> date | None:
    """Read the `YYYY`, `YYYY-MM` or `YYYY-MM-DD` dates JSON Resume uses."""
    if not value:
        return None
    match = re.match(r"^(\d{4})(?:-(\d{1,2}))?", value.strip())
    if not match:
        return None
    month = int(match.group(2) or 1)
    return date(int(match.group(1)), min(max(month, 1), 12), 1)


def _union_months(spans: list[tuple[int, int]]) -> int:
    months = 0
    current_end = -1
    for start_m, end_m in sorted(spans):
        if end_m <= current_end:
            continue
        months += end_m - max(start_m, current_end)
        current_end = end_m
    return months


def _work_spans(profile: Profile, today: date) -> list[tuple[int, int, int]]:
    """(index, start month, end month) of every dated work entry."""
    spans = []
    for index, job in enumerate(profile.get("work") or []):
        if not isinstance(job, dict):
            continue
        start = parse_iso_month(job.get("startDate"))
        if start is None:
            continue
        end = parse_iso_month(job.get("endDate")) or today
        start_m = start.year * 12 + start.month
        spans.append((index, start_m, max(end.year * 12 + end.month, start_m)))
    return spans


def experience_years(profile: Profile, *, today: date | None = None) -> float:
    """Total years covered by the work history, overlapping jobs counted once."""
    today = today or date.today()
    spans = [(start, end) for _, start, end in _work_spans(profile, today)]
    return round(_union_months(spans) / 12, 1)


MONTHS = {
    name: number
    for number, names in enumerate(
        (
            "jan january",
            "feb february",
            "mar march",
            "apr april",
            "may",
            "jun june",
            "jul july",
            "aug august",
            "sep sept september",
            "oct october",
            "nov november",
            "dec december",
        ),
        start=1,
    )
    for name in names.split()
}
_MONTH = r"(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_SPAN = re.compile(
    rf"(?:\b(?P<m1>{_MONTH})\s+)?\b(?P<y1>(?:19|20)\d\d)\s*(?:-|–|—|to|until|till|through|and)\s*"
    rf"(?:(?P<m2>{_MONTH})\s+)?(?P<y2>(?:19|20)\d\d\b|present\b|current\b|now\b|today\b|date\b)",
    re.IGNORECASE,
)
_SINCE = re.compile(rf"\bsince\s+(?:(?P<m1>{_MONTH})\s+)?(?P<y1>(?:19|20)\d\d)\b", re.I)


def _line_spans(text: str, today: date) -> list[tuple[int, int]]:
    """Month ranges written in a line: "(2019 - 2023)", "from Mar 2008 to 2013", "since 2020"."""
    spans = []
    for match in _SPAN.finditer(text):
        m1 = MONTHS.get((match.group("m1") or "jan").lower().rstrip("."), 1)
        start = int(match.group("y1")) * 12 + m1
        y2 = match.group("y2")
        if y2.isdigit():
            m2 = MONTHS.get((match.group("m2") or "jan").lower().rstrip("."), 1)
            end = int(y2) * 12 + m2
        else:
            end = today.year * 12 + today.month
        if start < end <= today.year * 12 + today.month + 12:
            spans.append((start, end))
    for match in _SINCE.finditer(text):
        m1 = MONTHS.get((match.group("m1") or "jan").lower().rstrip("."), 1)
        start = int(match.group("y1")) * 12 + m1
        end = today.year * 12 + today.month
        if start < end:
            spans.append((start, end))
    return spans


# --------------------------------------------------------------------------------------------
# The profile, indexed once per scoring
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Line:
    path: str
    text: str
    terms: frozenset[str]
    skills: tuple[str, ...]
    prose: bool
    """A line `iter_lines` yields (summary, highlight, education …), ranked for generation."""


@dataclass(frozen=True)
class _Role:
    path: str
    text: str
    years: float
    terms: frozenset[str]
    skills: frozenset[str]
    end: int
    title: str


@dataclass(frozen=True)
class ProfileIndex:
    """What scoring needs from a profile, computed once: lines, roles, skills, years, levels."""

    lines: tuple[_Line, ...]
    roles: tuple[_Role, ...]
    skills: tuple[str, ...]
    years: float
    education: str | None
    seniority: str | None
    terms: frozenset[str] = field(default_factory=frozenset)


def _profile_lines(profile: Profile) -> Iterator[tuple[str, str, bool]]:
    for path, text in iter_lines(profile):
        yield path, text, True
    basics = profile.get("basics")
    if isinstance(basics, dict) and isinstance(basics.get("label"), str) and basics["label"]:
        yield "basics.label", basics["label"].strip(), False
    for i, job in enumerate(profile.get("work") or []):
        if isinstance(job, dict) and isinstance(job.get("position"), str) and job["position"]:
            yield f"work[{i}].position", job["position"].strip(), False
    for i, group in enumerate(profile.get("skills") or []):
        if not isinstance(group, dict):
            continue
        keywords = group.get("keywords") or []
        if isinstance(keywords, list) and keywords:
            for j, keyword in enumerate(keywords):
                if isinstance(keyword, str) and keyword.strip():
                    yield f"skills[{i}].keywords[{j}]", keyword.strip(), False
        elif isinstance(group.get("name"), str) and group["name"].strip():
            yield f"skills[{i}].name", group["name"].strip(), False
    for i, entry in enumerate(profile.get("volunteer") or []):
        if not isinstance(entry, dict):
            continue
        if isinstance(entry.get("summary"), str) and entry["summary"].strip():
            yield f"volunteer[{i}].summary", entry["summary"].strip(), False
        for j, text in enumerate(entry.get("highlights") or []):
            if isinstance(text, str) and text.strip():
                yield f"volunteer[{i}].highlights[{j}]", text.strip(), False
    for i, entry in enumerate(profile.get("languages") or []):
        if isinstance(entry, dict) and isinstance(entry.get("language"), str):
            yield f"languages[{i}].language", entry["language"].strip(), False


def _education_of(profile: Profile) -> str | None:
    best = None
    for school in profile.get("education") or []:
        if not isinstance(school, dict):
            continue
        study = str(school.get("studyType") or "")
        area = str(school.get("area") or "")
        text = f"{study} in {area}" if study and area else study or area
        level = education_level(text) if text else None
        if level is None and re.search(r"certificat|diploma|apprentice", text, re.I):
            level = "certificate" if "certif" in text.lower() else "high_school"
        if level and (best is None or EDUCATION_LEVELS.index(level) > EDUCATION_LEVELS.index(best)):
            best = level
    return best


_WORK_ENTRY = re.compile(r"work\[(\d+)\]")
_MAX_ROLES = 200
_MAX_LINE = 2000
_MAX_SPANS_PER_LINE = 3
"""Bounds on the work one resume can cause (real resumes stay far below them)."""


def index_profile(
    profile: Profile, *, vocabulary: SkillVocabulary, today: date | None = None
) -> ProfileIndex:
    """Index a profile for scoring; pure, so a caller may reuse it across jobs."""
    today = today or date.today()
    lines: list[_Line] = []
    skills: dict[str, None] = {}
    for path, text, prose in _profile_lines(profile):
        found = find_skills(vocabulary, text)
        if path.startswith("skills[") and not found:
            canonical = vocabulary.canonical(text)
            found = (canonical,) if canonical else ()
        lines.append(_Line(path, text, frozenset(terms(text)), found, prose))
        skills.update(dict.fromkeys(found))

    roles: list[_Role] = []
    spans: list[tuple[int, int]] = []
    dated = set()
    for index, start_m, end_m in _work_spans(profile, today):
        dated.add(index)
        prefix = f"work[{index}]"
        own = [line for line in lines if line.path.startswith(prefix + ".")]
        job = (profile.get("work") or [])[index]
        title = str(job.get("position") or "")
        text = " ".join([title, str(job.get("name") or ""), *(line.text for line in own)])
        roles.append(
            _Role(
                path=next((line.path for line in own if line.path.endswith("position")), prefix),
                text=text,
                years=(end_m - start_m) / 12,
                terms=frozenset().union(*(line.terms for line in own)) | frozenset(terms(text)),
                skills=frozenset(s for line in own for s in line.skills),
                end=end_m,
                title=title,
            )
        )
        spans.append((start_m, end_m))
    stated_total = 0.0
    for line in lines:
        entry = _WORK_ENTRY.match(line.path)
        if not line.prose or (entry is not None and int(entry.group(1)) in dated):
            continue  # dated jobs already count; a date inside their bullets is not a new role
        if len(roles) >= _MAX_ROLES:
            break
        text = " ".join(line.text.split())[:_MAX_LINE]
        line_spans = _line_spans(text, today)[:_MAX_SPANS_PER_LINE]
        for start_m, end_m in line_spans:
            roles.append(
                _Role(
                    line.path,
                    line.text,
                    (end_m - start_m) / 12,
                    line.terms,
                    frozenset(line.skills),
                    end_m,
                    line.text,
                )
            )
            spans.append((start_m, end_m))
        if line_spans:
            continue
        for low, _, match in parse_year_requirements(text)[:_MAX_SPANS_PER_LINE]:
            roles.append(
                _Role(line.path, line.text, low, line.terms, frozenset(line.skills), 0, "")
            )
            if re.search(r"experience|career|industry", text[match.end() :], re.I):
                stated_total = max(stated_total, low)
    years = _union_months(spans) / 12 or stated_total
    latest = max(roles, key=lambda role: (role.end, role.years), default=None)
    seniority = None
    if latest is not None and latest.title:
        seniority = seniority_of(latest.title)
    if seniority is None:
        basics = profile.get("basics")
        label = basics.get("label") if isinstance(basics, dict) else None
        seniority = seniority_of(label) if isinstance(label, str) else None
    if seniority is None and years:
        seniority = seniority_from_years(years)
    all_terms = frozenset().union(*(line.terms for line in lines)) if lines else frozenset()
    return ProfileIndex(
        lines=tuple(lines),
        roles=tuple(roles),
        skills=tuple(skills),
        years=round(years, 2),
        education=_education_of(profile),
        seniority=seniority,
        terms=all_terms,
    )


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


_PATH_PART = re.compile(r"([A-Za-z_$][\w$]*)|\[(\d+)\]")


def resolve_path(profile: Profile, path: str) -> Any:
    """The value at `path` ("work[0].highlights[2]") in `profile`; KeyError if there is none."""
    value: Any = profile
    for name, index in _PATH_PART.findall(path):
        try:
            value = value[name] if name else value[int(index)]
        except (KeyError, IndexError, TypeError) as error:
            raise KeyError(path) from error
    return value


# --------------------------------------------------------------------------------------------
# Matching helpers
# --------------------------------------------------------------------------------------------


class _Idf:
    """Inverse document frequency over one pair's lines: the job's and the resume's."""

    def __init__(self, documents: list[frozenset[str]]) -> None:
        self.df: Counter[str] = Counter()
        for document in documents:
            self.df.update(document)
        self.n = len(documents) or 1

    def __call__(self, term: str) -> float:
        return math.log(1 + self.n / (1 + self.df.get(term, 0)))


def _coverage(wanted: list[str], have: frozenset[str], idf: _Idf) -> float:
    total = sum(idf(term) for term in wanted)
    if not total:
        return 0.0
    return sum(idf(term) for term in wanted if term in have) / total


def _phrase_credit(coverage: float, config: ScoringConfig) -> float:
    if coverage >= config.phrase_full:
        return 1.0
    if coverage >= config.phrase_partial:
        return coverage
    return coverage / 2


def _best_lines(
    wanted: list[str], index: ProfileIndex, idf: _Idf, limit: int = 2
) -> list[tuple[float, _Line]]:
    scored = [(_coverage(wanted, line.terms, idf), line) for line in index.lines]
    scored = [item for item in scored if item[0] > 0]
    scored.sort(key=lambda item: (-item[0], not item[1].prose, len(item[1].text)))
    return scored[:limit]


def _ref(line: _Line, score: float) -> RankedLine:
    return RankedLine(path=line.path, text=line.text, score=round(score, 3))


# --------------------------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------------------------


@dataclass
class _Context:
    analysis: JobAnalysis
    index: ProfileIndex
    vocabulary: SkillVocabulary
    config: ScoringConfig
    idf: _Idf
    have: set[str]
    related: Callable[[str, str], Any] | None


def _skill_match(skill: str, required: bool, ctx: _Context) -> RequirementMatch:
    index, config = ctx.index, ctx.config
    if skill in ctx.have:
        lines = [line for line in index.lines if skill in line.skills]
        lines.sort(key=lambda line: (not line.prose,))
        return RequirementMatch(
            skill, "skill", required, 1.0, True, [_ref(line, 1.0) for line in lines[:2]]
        )
    best_score, evidence, detail = 0.0, [], ""
    if ctx.related is not None:
        for other in index.skills:
            try:
                relation = ctx.related(skill, other)
            except Exception:  # a vocabulary quirk must not fail the whole match
                relation = False
            credit = (
                float(relation) * config.related_credit
                if isinstance(relation, int | float) and not isinstance(relation, bool)
                else (config.related_credit if relation else 0.0)
            )
            if credit > best_score:
                best_score, detail = credit, f"related skill: {other}"
                evidence = [_ref(line, credit) for line in index.lines if other in line.skills][:1]
    wanted = content_terms(skill)
    if wanted:
        for coverage, line in _best_lines(wanted, index, ctx.idf, limit=1):
            if coverage >= config.phrase_full and config.described_credit > best_score:
                best_score, detail = config.described_credit, "described, not named"
                evidence = [_ref(line, coverage)]
    return RequirementMatch(
        skill, "skill", required, round(best_score, 3), best_score >= config.met, evidence, detail
    )


def _phrase_match(requirement: Requirement, ctx: _Context) -> RequirementMatch:
    best = _best_lines(requirement.terms, ctx.index, ctx.idf)
    coverage = best[0][0] if best else 0.0
    if requirement.skills and any(skill in ctx.have for skill in requirement.skills):
        coverage = max(coverage, 1.0 if requirement.kind == "certification" else 0.0)
    credit = _phrase_credit(coverage, ctx.config)
    return RequirementMatch(
        requirement.text,
        requirement.kind,
        requirement.required,
        round(credit, 3),
        credit >= ctx.config.met,
        [_ref(line, score) for score, line in best if score >= ctx.config.phrase_partial],
    )


def _years_match(requirement: Requirement, ctx: _Context) -> RequirementMatch:
    index, config = ctx.index, ctx.config
    needed = requirement.years or 0.0
    subject = requirement.terms
    if not subject and not requirement.skills:
        have = index.years
        credit = min(1.0, have / needed) if needed else 1.0
        evidence = [
            RankedLine(role.path, role.text[:200], round(role.years, 1))
            for role in sorted(index.roles, key=lambda r: -r.end)[:2]
        ]
        detail = f"{have:.1f} of {needed:g} years in total"
    else:
        matched = []
        partial = []
        for role in index.roles:
            coverage = _coverage(subject, role.terms, ctx.idf) if subject else 0.0
            if (requirement.skills and set(requirement.skills) & role.skills) or (
                coverage >= config.role_match
            ):
                matched.append((coverage, role))
            elif coverage >= 0.25:
                partial.append((coverage, role))
        have = sum(role.years for _, role in matched)
        have += sum(config.partial_role * c * role.years for c, role in partial)
        if matched or partial:
            matched = matched or partial
        if index.years:
            have = min(have, max(index.years, max((r.years for _, r in matched), default=0)))
        if matched:
            credit = min(1.0, have / needed) if needed else 1.0
            detail = f"{have:.1f} of {needed:g} years in matching roles"
        elif requirement.skills and set(requirement.skills) & ctx.have:
            total_fit = min(1.0, index.years / needed) if needed else 1.0
            credit = config.listed_skill_years * total_fit
            detail = f"skill listed, no role names it; {index.years:.1f} years in total"
        else:
            total_fit = min(1.0, index.years / needed) if needed else 1.0
            credit = config.unmatched_role_credit * total_fit
            detail = f"no matching role; {index.years:.1f} years in total"
        matched.sort(key=lambda item: (-item[0], -item[1].years))
        evidence = [
            RankedLine(role.path, role.text[:200], round(role.years, 1)) for _, role in matched[:2]
        ]
    return RequirementMatch(
        requirement.text,
        "experience",
        requirement.required,
        round(credit, 3),
        credit >= config.met,
        evidence,
        detail,
    )


def _level_fit(levels: tuple[str, ...], have: str | None, want: str, step: float) -> float:
    if have is None:
        return 0.5
    gap = levels.index(want) - levels.index(have)
    if gap <= 0:
        return 1.0 if gap >= -2 else max(0.6, 1.0 - 0.1 * (-gap - 2))
    return max(0.0, 1.0 - step * gap)


_LEVEL_YEARS = {
    "intern": 0.0,
    "junior": 1.0,
    "mid": 3.0,
    "senior": 5.0,
    "lead": 7.0,
    "principal": 10.0,
    "executive": 12.0,
}
"""Years of experience a level usually implies; used when a posting names a level."""


def _seniority_fit(wanted: str | None, index: ProfileIndex) -> float | None:
    """Half the level the resume's titles show against the level asked, half its years against
    the years that level implies."""
    if wanted not in SENIORITY_LEVELS:
        return None
    assert wanted is not None
    title_fit = _level_fit(SENIORITY_LEVELS, index.seniority, wanted, 0.3)
    expected = _LEVEL_YEARS[wanted]
    years_fit = min(1.0, index.years / expected) if expected else 1.0
    return (title_fit + years_fit) / 2


def _education_match(requirement: Requirement, ctx: _Context) -> RequirementMatch:
    """The highest degree the resume shows against the one asked for; a higher degree is fine,
    and a shortfall counts half when the posting accepts equivalent experience or only prefers
    the degree."""
    level = requirement.level or "bachelor"
    have = ctx.index.education
    if have is None:
        fit = 0.5
    else:
        gap = EDUCATION_LEVELS.index(level) - EDUCATION_LEVELS.index(have)
        fit = 1.0 if gap <= 0 else max(0.0, 1.0 - 0.35 * gap)
        if fit < 1.0 and (requirement.flexible or not requirement.required):
            fit = 1.0 - (1.0 - fit) / 2
    evidence = [_ref(line, fit) for line in ctx.index.lines if line.path.startswith("education[")]
    return RequirementMatch(
        requirement.text,
        "education",
        requirement.required,
        round(fit, 3),
        fit >= ctx.config.met,
        evidence[:1],
        f"has {have or 'no stated degree'}; asks {level}",
    )


def _mean(pairs: list[tuple[float, float]]) -> float | None:
    weight = sum(w for _, w in pairs)
    return sum(v * w for v, w in pairs) / weight if weight else None


def score_profile(
    profile: Profile,
    analysis: JobAnalysis,
    *,
    vocabulary: SkillVocabulary,
    config: ScoringConfig | None = None,
    today: date | None = None,
    index: ProfileIndex | None = None,
) -> MatchResult:
    """Score a profile against an analysed job, with the evidence for every requirement.

    `index` may be passed when one profile is scored against many jobs (see `index_profile`).
    """
    config = config or CONFIG
    index = index or index_profile(profile, vocabulary=vocabulary, today=today)
    have = set(index.skills)
    responsibilities = [
        *(content_terms(text) for text in analysis.responsibilities),
        content_terms(analysis.normalised_title or normalise_title(analysis.title)),
    ]
    responsibilities = [item for item in responsibilities if item]
    documents = [line.terms for line in index.lines]
    documents += [frozenset(item) for item in responsibilities]
    documents += [frozenset(r.terms) for r in analysis.requirements if r.terms]
    idf = _Idf(documents)
    related = getattr(vocabulary, "related", None)
    ctx = _Context(
        analysis, index, vocabulary, config, idf, have, related if callable(related) else None
    )

    matches: list[RequirementMatch] = []
    for skill in analysis.required_skills:
        matches.append(_skill_match(skill, True, ctx))
    for skill in analysis.preferred_skills:
        matches.append(_skill_match(skill, False, ctx))
    year_matches: list[RequirementMatch] = []
    education_matches: list[RequirementMatch] = []
    for requirement in analysis.requirements:
        if requirement.kind in {"competency", "certification"} and requirement.terms:
            matches.append(_phrase_match(requirement, ctx))
        elif requirement.kind == "experience" and requirement.years:
            year_matches.append(_years_match(requirement, ctx))
        elif requirement.kind == "education":
            education_matches.append(_education_match(requirement, ctx))

    values: dict[str, float | None] = {
        "required_skills": _mean([(m.score, 1.0) for m in matches if m.required]),
        "preferred_skills": _mean([(m.score, 1.0) for m in matches if not m.required]),
        "responsibilities": _mean(
            [(_coverage(item, index.terms, idf), 1.0) for item in responsibilities]
        ),
        "experience_years": _mean([(m.score, 1.0 if m.required else 0.5) for m in year_matches]),
        "seniority": _seniority_fit(analysis.seniority, index),
        "education": max((m.score for m in education_matches if m.required), default=None)
        if any(m.required for m in education_matches)
        else max((m.score for m in education_matches), default=None),
    }
    weights = config.weights()
    used = {name: weights[name] for name, value in values.items() if value is not None}
    total_weight = sum(used.values())
    breakdown: dict[str, ScoreComponent] = {}
    score = 0.0
    for name, value in values.items():
        if value is None or not total_weight:
            continue
        weight = used[name] / total_weight
        points = 100 * weight * value
        score += points
        breakdown[name] = ScoreComponent(round(value, 3), round(weight, 4), round(points, 2))

    all_matches = [*matches, *year_matches, *education_matches]
    ranked = _rank_lines(analysis, index, idf, all_matches)
    evidence: list[Evidence] = []
    for skill in analysis.skills:
        if skill not in have:
            continue
        line = next((r for r in ranked if skill in _skills_of(index, r.path)), None)
        if line is None:
            source = next((x for x in index.lines if skill in x.skills), None)
            if source is None:
                continue
            evidence.append(Evidence(skill=skill, path=source.path, text=source.text))
        else:
            evidence.append(Evidence(skill=skill, path=line.path, text=line.text))
    gaps = [
        m.requirement for m in sorted(all_matches, key=lambda m: not m.required) if m.score < 0.5
    ]
    return MatchResult(
        score=round(score, 1),
        matched_skills=[skill for skill in analysis.skills if skill in have],
        missing_skills=[skill for skill in analysis.skills if skill not in have],
        evidence=evidence,
        ranked_lines=ranked,
        breakdown=breakdown,
        requirements=all_matches,
        gaps=list(dict.fromkeys(gaps)),
        years=round(index.years, 1),
        seniority=index.seniority,
    )


def _skills_of(index: ProfileIndex, path: str) -> tuple[str, ...]:
    for line in index.lines:
        if line.path == path:
            return line.skills
    return ()


def _rank_lines(
    analysis: JobAnalysis, index: ProfileIndex, idf: _Idf, matches: list[RequirementMatch]
) -> list[RankedLine]:
    """Every prose line of the resume, most relevant to the job first (stable for ties)."""
    required = set(analysis.required_skills)
    preferred = set(analysis.preferred_skills)
    job_terms: Counter[str] = Counter()
    for text in [analysis.title, *analysis.responsibilities, *analysis.qualifications]:
        job_terms.update(content_terms(text))
    job_vector = {term: count * idf(term) for term, count in job_terms.items()}
    job_norm = math.sqrt(sum(v * v for v in job_vector.values())) or 1.0
    support: dict[str, float] = {}
    for match in matches:
        for ref in match.evidence:
            support[ref.path] = support.get(ref.path, 0.0) + match.score
    ranked = []
    for line in index.lines:
        if not line.prose:
            continue
        weights = {term: idf(term) for term in line.terms}
        norm = math.sqrt(sum(v * v for v in weights.values())) or 1.0
        cosine = sum(w * job_vector.get(term, 0.0) for term, w in weights.items()) / (
            norm * job_norm
        )
        skill_points = 2 * len(required.intersection(line.skills)) + len(
            preferred.intersection(line.skills)
        )
        score = skill_points + 3 * cosine + min(support.get(line.path, 0.0), 3.0)
        ranked.append(RankedLine(path=line.path, text=line.text, score=round(score, 3)))
    ranked.sort(key=lambda line: -line.score)
    return ranked


def config_from_dict(data: dict[str, float]) -> ScoringConfig:
    """A config with some fields overridden (unknown keys are ignored)."""
    known = {f.name for f in fields(ScoringConfig)}
    return ScoringConfig(**{k: v for k, v in data.items() if k in known})
