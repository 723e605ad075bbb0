"""Plain data that flows between pipeline stages.

Profiles are JSON Resume 1.x documents (plain dicts, so they round-trip through JSONB untouched);
everything a stage *computes* is a dataclass, so its shape lives in code rather than in memory.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

Profile = dict[str, Any]
"""A JSON Resume 1.x document (https://jsonresume.org/schema)."""


@dataclass(frozen=True)
class ParsedResume:
    """A profile read from a user's upload, with what the parser could not be sure of."""

    profile: Profile
    warnings: list[str] = field(default_factory=list)
    confidence: dict[str, float] = field(default_factory=dict)
    """0–1 per section (`basics`, `work`, `education`, `skills`, …): how sure the parser is."""


@dataclass(frozen=True)
class JobPosting:
    """The raw posting a user submitted."""

    description: str
    title: str = ""
    company: str = ""


@dataclass
class JobAnalysis:
    """Stage 1 output: what the posting asks for, shaped like the JSON Resume job-schema."""

    title: str
    company: str
    skills: list[str]
    required_skills: list[str]
    preferred_skills: list[str]
    keywords: list[str]
    responsibilities: list[str]
    min_years: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Evidence:
    """The resume line that best supports one job requirement; `path` points into the profile."""

    skill: str
    path: str
    text: str


@dataclass
class RankedLine:
    """A resume line with its relevance to the job (higher first)."""

    path: str
    text: str
    score: float


@dataclass
class MatchResult:
    """Stage 2 output: an explainable 0–100 match score."""

    score: float
    matched_skills: list[str]
    missing_skills: list[str]
    evidence: list[Evidence]
    ranked_lines: list[RankedLine]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Tailored:
    """Stage 3 output: the user's own profile reordered and emphasised for the job."""

    profile: Profile
    cover_letter: list[str]
    """Cover-letter paragraphs, in order."""


@dataclass
class Check:
    """One named quality check and whether it passed."""

    name: str
    passed: bool
    detail: str = ""


@dataclass
class QualityReport:
    """Stage 4 output: ATS compliance and truthfulness of the tailored profile."""

    ats_score: float
    checks: list[Check]
    violations: list[str]

    @property
    def passed(self) -> bool:
        return not self.violations and all(check.passed for check in self.checks)

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "passed": self.passed}


@dataclass
class RenderedDocument:
    """Stage 5 output: one finished file."""

    kind: str
    """`resume`, `cover_letter` or `report`."""
    format: str
    media_type: str
    filename: str
    content: bytes


@dataclass(frozen=True)
class Options:
    """What the user asked for; validated by the API before any work starts."""

    template: str = "classic"
    length_pages: int = 1
    cover_letter: bool = True
    provider: str = "local"

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Options:
        known = {
            key: value for key, value in (data or {}).items() if key in cls.__dataclass_fields__
        }
        return cls(**known)
