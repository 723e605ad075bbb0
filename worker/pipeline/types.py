"""Plain data that flows between pipeline stages.

Profiles are JSON Resume 1.x documents (plain dicts, so they round-trip through JSONB untouched);
everything a stage *computes* is a dataclass, so its shape lives in code rather than in memory.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
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
    source_format: str = field(default="", compare=False)
    """For uploads: `pdf`, `docx`, `text` or `json_resume`, as read from the bytes."""


@dataclass(frozen=True)
class JobPosting:
    """The raw posting a user submitted."""

    description: str
    title: str = ""
    company: str = ""


@dataclass
class Requirement:
    """One thing a posting asks for, as the analysis understood it.

    `kind` is `skill` (a vocabulary skill), `competency` (a phrase the vocabulary does not name,
    such as "physical stamina"), `experience` (years, optionally in a role or skill),
    `education` or `certification`. `terms` are the stemmed words used to match it.
    """

    text: str
    kind: str
    required: bool = True
    skills: list[str] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)
    years: float | None = None
    level: str | None = None
    """For `education`: the degree level asked for (see `analysis.EDUCATION_LEVELS`)."""
    flexible: bool = False
    """For `education`: "or equivalent experience" was offered."""
    source: str = ""
    """The posting line it was read from."""


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
    normalised_title: str = ""
    seniority: str | None = None
    """`intern`, `junior`, `mid`, `senior`, `lead`, `principal` or `executive`."""
    max_years: int | None = None
    education: list[str] = field(default_factory=list)
    """Degree levels asked for (`high_school` … `doctorate`), lowest first."""
    education_required: bool = False
    certifications: list[str] = field(default_factory=list)
    qualifications: list[str] = field(default_factory=list)
    """The requirement lines as written (requirements, nice-to-haves, education)."""
    requirements: list[Requirement] = field(default_factory=list)
    location: str = ""
    remote: str | None = None
    """JSON Resume job-schema values: `Full`, `Hybrid` or `None` (on-site); None when unstated."""
    employment_type: str = ""
    summary: str = ""
    ats_keywords: list[str] = field(default_factory=list)
    """What an ATS would search for: skills, certifications, the title and key phrases."""

    def to_dict(self) -> dict[str, Any]:
        """JSON Resume job-schema fields first, then resumesmith's own."""
        data = asdict(self)
        levels = [(s, "required") for s in self.required_skills]
        levels += [(s, "preferred") for s in self.preferred_skills]
        schema_skills = [{"name": s, "level": level, "keywords": []} for s, level in levels]
        return {
            "title": self.title,
            "company": self.company,
            "type": self.employment_type,
            "description": self.summary,
            "location": {"address": self.location} if self.location else {},
            "remote": self.remote,
            "experience": self.seniority.capitalize() if self.seniority else "",
            "responsibilities": self.responsibilities,
            "qualifications": self.qualifications,
            "skills": schema_skills,
            **{key: value for key, value in data.items() if key not in _SCHEMA_KEYS},
            "skill_names": self.skills,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> JobAnalysis:
        """The inverse of `to_dict`, so a stored analysis can be used without re-analysing."""
        names = {f.name for f in fields(cls)}
        values: dict[str, Any] = {
            key: value for key, value in data.items() if key in names and key not in _SCHEMA_KEYS
        }
        values.update(
            title=data.get("title", ""),
            company=data.get("company", ""),
            responsibilities=list(data.get("responsibilities") or []),
            qualifications=list(data.get("qualifications") or []),
            skills=list(data.get("skill_names") or [s["name"] for s in data.get("skills") or []]),
            location=(data.get("location") or {}).get("address", ""),
            remote=data.get("remote"),
            requirements=[Requirement(**r) for r in data.get("requirements") or []],
        )
        return cls(**values)


_SCHEMA_KEYS = frozenset(
    {"title", "company", "skills", "responsibilities", "qualifications", "location", "remote"}
)


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
class RequirementMatch:
    """How well the profile meets one requirement, with the lines that show it."""

    requirement: str
    kind: str
    required: bool
    score: float
    """0–1: 1 fully met, partial credit for related skills, shorter experience and the like."""
    met: bool
    evidence: list[RankedLine] = field(default_factory=list)
    detail: str = ""


@dataclass
class ScoreComponent:
    """One part of the match score: its 0–1 value, its weight and the points it adds."""

    value: float
    weight: float
    points: float


@dataclass
class MatchResult:
    """Stage 2 output: an explainable 0–100 match score."""

    score: float
    matched_skills: list[str]
    missing_skills: list[str]
    evidence: list[Evidence]
    ranked_lines: list[RankedLine]
    breakdown: dict[str, ScoreComponent] = field(default_factory=dict)
    """Per component (`required_skills`, `preferred_skills`, `responsibilities`,
    `experience_years`, `seniority`, `education`); the weights of the scored ones sum to 1."""
    requirements: list[RequirementMatch] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)
    """Requirements nothing in the resume meets, required ones first."""
    years: float = 0.0
    """The profile's years of experience as the scorer read them."""
    seniority: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class AICall:
    """One request to a language model (or its cache), as accounted in `ai_calls`."""

    provider: str
    model: str
    prompt_version: str
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    latency_ms: int = 0
    cache_hit: bool = False
    outcome: str = "ok"
    """`ok`, or the stable code of what went wrong (`llm_rate_limited`, `llm_timeout`, …)."""
    attempt: int = 1


@dataclass
class Tailored:
    """Stage 3 output: the user's own profile reordered and emphasised for the job."""

    profile: Profile
    cover_letter: list[str]
    """Cover-letter paragraphs, in order."""
    provider: str = "local"
    """The provider that actually wrote it (after any fallback)."""
    model: str = ""
    prompt_version: str = ""
    language: str = "en"
    calls: list[AICall] = field(default_factory=list)
    fallbacks: list[dict[str, str]] = field(default_factory=list)
    """Providers tried before `provider`, each with the code of why it was skipped."""
    notes: list[str] = field(default_factory=list)
    """Edits we refused (a rephrasing that added a skill …) and other things to show the user."""

    def generator(self) -> dict[str, Any]:
        """Who wrote the documents, stored with each one and shown in the result."""
        return {
            "provider": self.provider,
            "model": self.model,
            "prompt_version": self.prompt_version,
            "language": self.language,
            "fallbacks": self.fallbacks,
            "notes": self.notes,
        }


@dataclass
class Check:
    """One named quality check and whether it passed."""

    name: str
    passed: bool
    detail: str = ""
    fix: str = ""
    """What to change when the check fails; empty when it passed."""


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


STRENGTHS = ("light", "balanced", "full")
TONES = ("professional", "warm", "confident", "concise")


@dataclass(frozen=True)
class Options:
    """What the user asked for; validated by the API before any work starts."""

    template: str = "classic"
    length_pages: int = 1
    cover_letter: bool = True
    provider: str = "local"
    strength: str = "balanced"
    """`light` reorders and emphasises; `balanced` also rephrases bullets; `full` also rewrites
    the summary and skills section."""
    tone: str = "professional"
    language: str | None = None
    """Language of the documents; None means the language of the job posting."""
    redact_pii: bool | None = None
    """None means: on for cloud providers, off for the offline engine and local models."""
    paper: str = "a4"
    """`a4` or `letter`."""
    on_violation: str = "repair"
    """What the quality gate does with an unsupported claim: `repair` it or `fail` the run."""

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Options:
        known = {
            key: value for key, value in (data or {}).items() if key in cls.__dataclass_fields__
        }
        return cls(**known)
