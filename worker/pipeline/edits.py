"""What a language model may change in a resume, and applying those changes safely.

The model never returns a resume. It returns edits to the user's own profile, addressed by ids we
hand it: which bullets to keep, in which order and in which words; which of the user's skills to
show; a summary; a cover letter. Employers, titles and dates are copied from the source, never
from the model, and a rephrasing that brings in a skill or number its source line lacks is
refused and the user's own words are kept.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from worker.pipeline.scoring import experience_years
from worker.pipeline.skills import SkillVocabulary
from worker.pipeline.types import JobAnalysis, MatchResult, Options, Profile

EDITS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["work", "skills", "summary", "cover_letter"],
    "properties": {
        "work": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["id", "bullets"],
                "properties": {
                    "id": {"type": "string", "description": "a job id from RESUME_DATA"},
                    "bullets": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "additionalProperties": False,
                            "required": ["id", "text"],
                            "properties": {
                                "id": {"type": "string", "description": "a bullet id"},
                                "text": {"type": "string"},
                            },
                        },
                    },
                },
            },
        },
        "skills": {"type": "array", "items": {"type": "string"}},
        "summary": {"type": ["string", "null"]},
        "cover_letter": {
            "type": "array",
            "items": {"type": "string"},
            "description": "paragraphs, salutation first, without a signature",
        },
    },
}
SCHEMA_NAME = "submit_tailoring"
MAX_BULLETS = {1: (5, 4, 3, 2), 2: (8, 6, 5, 4)}
"""Bullets kept per job by position (most recent first), for a 1- and a 2-page resume."""

_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_ID = re.compile(r"^w(\d+)\.b(\d+)$")
_PATH = re.compile(r"^work\[(\d+)\]\.highlights\[(\d+)\]$")


def bullet_id(job: int, bullet: int) -> str:
    return f"w{job}.b{bullet}"


def _data_json(value: Any) -> str:
    # "</" can never close our delimiter tags: JSON allows "\/" for "/".
    return json.dumps(value, ensure_ascii=False, indent=1).replace("</", "<\\/")


def resume_payload(profile: Profile) -> dict[str, Any]:
    """The parts of the profile the model needs, with ids it must use to refer to them."""
    basics = profile.get("basics") or {}
    return {
        "label": basics.get("label") or "",
        "summary": basics.get("summary") or "",
        "work": [
            {
                "id": f"w{i}",
                "employer": job.get("name") or "",
                "title": job.get("position") or "",
                "start": job.get("startDate") or "",
                "end": job.get("endDate") or "present",
                "bullets": [
                    {"id": bullet_id(i, j), "text": str(text)}
                    for j, text in enumerate(job.get("highlights") or [])
                ],
            }
            for i, job in enumerate(profile.get("work") or [])
        ],
        "skills": _source_skills(profile),
        "education": [
            {k: e.get(k) or "" for k in ("institution", "studyType", "area", "endDate")}
            for e in profile.get("education") or []
        ],
        "certificates": [c.get("name") or "" for c in profile.get("certificates") or []],
    }


def job_payload(analysis: JobAnalysis) -> dict[str, Any]:
    return {
        "title": analysis.title,
        "company": analysis.company,
        "required_skills": analysis.required_skills,
        "preferred_skills": analysis.preferred_skills,
        "responsibilities": analysis.responsibilities[:12],
        "keywords": analysis.keywords[:25],
    }


def evidence_payload(match: MatchResult) -> list[dict[str, Any]]:
    """Which of the user's bullets support which requirement, by bullet id."""
    items = []
    for requirement in match.requirements:
        ids = [_path_to_id(line.path) for line in requirement.evidence]
        ids = [i for i in ids if i]
        if requirement.met and ids:
            items.append({"requirement": requirement.requirement, "bullets": ids[:3]})
    return items[:12]


def _path_to_id(path: str) -> str:
    found = _PATH.match(path)
    return bullet_id(int(found[1]), int(found[2])) if found else ""


def render_data(value: Any) -> str:
    return _data_json(value)


def check_ids(profile: Profile) -> Any:
    """A validator rejecting replies that name bullets we never sent (a sign of confusion)."""
    known = {
        bullet_id(i, j)
        for i, job in enumerate(profile.get("work") or [])
        for j in range(len(job.get("highlights") or []))
    }

    def validate(data: Mapping[str, Any]) -> None:
        unknown = [b["id"] for w in data["work"] for b in w["bullets"] if b["id"] not in known]
        if len(unknown) > max(2, len(known) // 4):
            raise ValueError(f"bullet ids not in RESUME_DATA: {', '.join(unknown[:5])}")

    return validate


def _source_skills(profile: Profile) -> list[str]:
    seen: dict[str, str] = {}
    for group in profile.get("skills") or []:
        for keyword in group.get("keywords") or []:
            seen.setdefault(str(keyword).lower(), str(keyword))
        if not group.get("keywords") and group.get("name"):
            seen.setdefault(str(group["name"]).lower(), str(group["name"]))
    return list(seen.values())


@dataclass
class Guard:
    """Checks that new wording claims nothing its source does not."""

    vocabulary: SkillVocabulary
    notes: list[str] = field(default_factory=list)

    def unsupported(self, text: str, source: str, *, years: float | None = None) -> list[str]:
        """Skills and numbers in `text` that `source` lacks (a years-of-experience figure may
        be stated when it does not exceed `years`)."""
        problems = []
        source_skills = set(self.vocabulary.find(source))
        for skill in self.vocabulary.find(text):
            if skill not in source_skills:
                problems.append(f"skill '{skill}'")
        source_numbers = set(_NUMBER.findall(source))
        for number in _NUMBER.findall(text):
            if number in source_numbers:
                continue
            claims_years = re.search(rf"\b{re.escape(number)}\+?\s+years", text)
            if claims_years and years is not None and float(number.replace(",", ".")) <= years:
                continue
            problems.append(f"number '{number}'")
        return problems


def _job_text(job: Mapping[str, Any]) -> str:
    parts = [str(job.get(k) or "") for k in ("position", "summary")]
    parts += [str(h) for h in job.get("highlights") or []]
    return "\n".join(parts)


def _profile_text(profile: Profile) -> str:
    basics = profile.get("basics") or {}
    parts = [str(basics.get("label") or ""), str(basics.get("summary") or "")]
    parts += [_job_text(job) for job in profile.get("work") or []]
    parts += [str(job.get("name") or "") for job in profile.get("work") or []]
    parts += _source_skills(profile)
    for entry in profile.get("education") or []:
        parts += [str(entry.get(k) or "") for k in ("institution", "studyType", "area")]
    parts += [str(c.get("name") or "") for c in profile.get("certificates") or []]
    return "\n".join(parts)


def apply_edits(
    profile: Profile,
    edits: Mapping[str, Any],
    *,
    match: MatchResult,
    options: Options,
    vocabulary: SkillVocabulary,
) -> tuple[Profile, list[str]]:
    """The tailored profile from the model's edits, keeping only what the source supports."""
    guard = Guard(vocabulary)
    tailored = copy.deepcopy(profile)
    by_job = {str(w.get("id")): w.get("bullets") or [] for w in edits.get("work") or []}
    relevance = {line.path: line.score for line in match.ranked_lines}
    caps = MAX_BULLETS[2 if options.length_pages >= 2 else 1]
    rephrase = options.strength in ("balanced", "full")
    for i, job in enumerate(tailored.get("work") or []):
        source = [str(h) for h in job.get("highlights") or []]
        if not source:
            continue
        chosen: list[str] = []
        used: set[int] = set()
        for bullet in by_job.get(f"w{i}", []):
            found = _ID.match(str(bullet.get("id", "")))
            if not found or int(found[1]) != i or int(found[2]) >= len(source):
                continue
            j = int(found[2])
            if j in used:
                continue
            used.add(j)
            text = " ".join(str(bullet.get("text") or "").split())
            if not rephrase or not text or text == source[j]:
                chosen.append(source[j])
                continue
            problems = guard.unsupported(text, source[j])
            if problems:
                guard.notes.append(
                    f"kept the original wording of work[{i}] bullet {j + 1}: the rephrasing "
                    f"added {', '.join(problems)}"
                )
                chosen.append(source[j])
            else:
                chosen.append(text)
        if not chosen:
            # The model dropped every bullet of a job: keep its most relevant ones instead.
            order = sorted(
                range(len(source)),
                key=lambda j: (-relevance.get(f"work[{i}].highlights[{j}]", 0.0), j),
            )
            chosen = [source[j] for j in order]
        job["highlights"] = chosen[: caps[min(i, len(caps) - 1)]]
    tailored["skills"] = _skills(profile, edits, match, options, guard)
    basics = tailored.setdefault("basics", {})
    summary = " ".join(str(edits.get("summary") or "").split())
    if summary and (options.strength == "full" or not basics.get("summary")):
        problems = guard.unsupported(
            summary, _profile_text(profile), years=experience_years(profile)
        )
        if problems:
            guard.notes.append(
                f"kept the original summary: the new one added {', '.join(problems)}"
            )
        else:
            basics["summary"] = summary
    return tailored, guard.notes


def _skills(
    profile: Profile,
    edits: Mapping[str, Any],
    match: MatchResult,
    options: Options,
    guard: Guard,
) -> list[dict[str, Any]]:
    groups = copy.deepcopy(profile.get("skills") or [])
    own = {skill.lower(): skill for skill in _source_skills(profile)}
    wanted = [str(s) for s in edits.get("skills") or []]
    if options.strength != "full":
        wanted = list(match.matched_skills)
    else:
        for skill in wanted:
            if skill.lower() not in own:
                guard.notes.append(f"left out skill '{skill}': it is not in the resume")
    rank = {skill.lower(): index for index, skill in enumerate(wanted)}
    size = len(rank)
    for group in groups:
        group["keywords"] = sorted(
            group.get("keywords") or [], key=lambda k: rank.get(str(k).lower(), size)
        )
    return sorted(
        groups,
        key=lambda g: min((rank.get(str(k).lower(), size) for k in g["keywords"]), default=size),
    )


def guard_letter(
    paragraphs: list[str], profile: Profile, analysis: JobAnalysis, *, vocabulary: SkillVocabulary
) -> tuple[list[str], list[str]]:
    """Drop cover-letter sentences that claim skills or numbers the resume does not have."""
    guard = Guard(vocabulary)
    source = _profile_text(profile) + "\n" + "\n".join([analysis.title, analysis.company])
    years = experience_years(profile)
    kept: list[str] = []
    for paragraph in paragraphs:
        sentences = re.split(r"(?<=[.!?])\s+", " ".join(str(paragraph).split()))
        good = []
        for sentence in sentences:
            problems = guard.unsupported(sentence, source, years=years)
            if problems:
                guard.notes.append(
                    f"removed a cover-letter sentence that added {', '.join(problems)}: "
                    f"{sentence[:120]}"
                )
            else:
                good.append(sentence)
        if good:
            kept.append(" ".join(good))
    return kept, guard.notes
