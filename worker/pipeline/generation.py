"""Stage 3 — document generation: the user's own profile, reordered and emphasised for a job.

The offline engine never writes a fact of its own. It reorders bullets and skills by relevance,
writes a summary from the profile's own titles, years and skills, and trims the least relevant
bullets to fit the requested length without dropping an employer.
"""

from __future__ import annotations

import copy
from typing import Any

from worker.pipeline.scoring import experience_years
from worker.pipeline.types import JobAnalysis, MatchResult, Options, Profile, Tailored

# Bullets kept per job at one page: the most recent job keeps more, older ones fewer.
_ONE_PAGE_BULLETS = (5, 4, 3, 2)
_TWO_PAGE_BULLETS = (8, 6, 5, 4)


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _summary(profile: Profile, match: MatchResult) -> str:
    basics = profile.get("basics") or {}
    work = profile.get("work") or []
    label = basics.get("label") or (work[0].get("position") if work else "") or "Professional"
    years = int(experience_years(profile))
    skills = match.matched_skills[:4]
    parts = [label.strip().rstrip(".")]
    if years >= 1:
        parts.append(f"with {years}+ years of experience")
    sentence = " ".join(parts)
    if skills:
        sentence += f" in {_join(skills)}"
    return sentence + "."


def _reorder_skills(groups: list[dict[str, Any]], matched: list[str]) -> list[dict[str, Any]]:
    rank = {skill.lower(): index for index, skill in enumerate(matched)}

    def key(keyword: Any) -> int:
        return rank.get(str(keyword).lower(), len(rank))

    for group in groups:
        group["keywords"] = sorted(group.get("keywords") or [], key=key)
    return sorted(groups, key=lambda g: min((key(k) for k in g["keywords"]), default=len(rank)))


def tailor(
    profile: Profile, analysis: JobAnalysis, match: MatchResult, *, options: Options
) -> Tailored:
    """Build the tailored profile and cover letter from the profile's own content only."""
    tailored = copy.deepcopy(profile)
    scores = {line.path: line.score for line in match.ranked_lines}
    budget = _ONE_PAGE_BULLETS if options.length_pages <= 1 else _TWO_PAGE_BULLETS
    for index, job in enumerate(tailored.get("work") or []):
        highlights = list(job.get("highlights") or [])
        relevance = [
            scores.get(f"work[{index}].highlights[{j}]", 0.0) for j in range(len(highlights))
        ]
        order = sorted(range(len(highlights)), key=lambda j: (-relevance[j], j))
        keep = budget[min(index, len(budget) - 1)]
        job["highlights"] = [highlights[j] for j in order[:keep]]
    tailored["skills"] = _reorder_skills(tailored.get("skills") or [], match.matched_skills)
    basics = tailored.setdefault("basics", {})
    if not basics.get("summary"):
        basics["summary"] = _summary(profile, match)
    letter = cover_letter(profile, analysis, match) if options.cover_letter else []
    return Tailored(profile=tailored, cover_letter=letter)


def cover_letter(profile: Profile, analysis: JobAnalysis, match: MatchResult) -> list[str]:
    """A short letter that cites the strongest lines of the user's own resume."""
    basics = profile.get("basics") or {}
    work = profile.get("work") or []
    role = analysis.title or "the open position"
    company = analysis.company or "your team"
    current = work[0] if work else {}
    opening = f"I am writing to apply for the {role} role at {company}."
    if current.get("position") and current.get("name"):
        opening += f" I currently work as {current['position']} at {current['name']}."
    strongest = [line.text.rstrip(".") for line in match.ranked_lines if line.score > 0][:3]
    middle = ""
    if match.matched_skills:
        middle = (
            f"My background covers {_join(match.matched_skills[:5])}, which this role asks for."
        )
    if strongest:
        middle += " Some examples from my experience: " + "; ".join(strongest) + "."
    closing = (
        f"I would welcome the chance to discuss how I can contribute to {company}. "
        "Thank you for your time and consideration."
    )
    signature = basics.get("name") or ""
    return [p for p in (opening, middle.strip(), closing, signature) if p]
