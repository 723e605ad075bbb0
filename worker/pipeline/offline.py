"""The offline engine: a tailored resume and cover letter without any language model.

It never writes a fact of its own. Bullets are the user's, reordered within their job by the
scoring stage's relevance ranking and trimmed to the requested length; skills are the user's,
the job's first; a summary is written only from the profile's own title, dates and skills.
Employers keep their source order, because an applicant tracking system reads a resume's dates
as a newest-first history and a reshuffled one looks like an error.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date
from typing import Any

from worker.pipeline.cover_letter import (
    PHRASES,
    join_words,
    latest_job,
    matched_skill_names,
    own_skill_names,
    write_cover_letter,
)
from worker.pipeline.language import DEFAULT_LANGUAGE, detect_language, normalise_language
from worker.pipeline.parsing import iter_lines
from worker.pipeline.scoring import experience_years, parse_iso_month
from worker.pipeline.skills import SkillVocabulary, default_vocabulary
from worker.pipeline.types import JobAnalysis, MatchResult, Options, Profile, Tailored
from worker.pipeline.validation import ats_checks, truth_violations

PROVIDER = "local"
MODEL = "offline-1"
PROMPT_VERSION = "offline.v1"
SUMMARY_SKILLS = 4
MIN_YEARS_STATED = 2


@dataclass(frozen=True)
class SummaryPhrases:
    """A summary's fixed words in one language; `{…}` fields come from the profile.

    Only English states the years: validation accepts a years figure as "N+ years" alone, and
    a summary it flags would be worse than one without the number.
    """

    headline: str
    years: str
    skills: str
    current: str
    current_same_title: str
    previous: str
    previous_same_title: str


SUMMARY_PHRASES: dict[str, SummaryPhrases] = {
    "en": SummaryPhrases(
        headline="{title}",
        years=" with {years}+ years of experience",
        skills=" in {skills}",
        current="Currently {position} at {employer}.",
        current_same_title="Currently at {employer}.",
        previous="Most recently {position} at {employer}.",
        previous_same_title="Most recently at {employer}.",
    ),
    "de": SummaryPhrases(
        headline="{title}",
        years="",
        skills=" mit Erfahrung in {skills}",
        current="Derzeit als {position} bei {employer} tätig.",
        current_same_title="Derzeit bei {employer} tätig.",
        previous="Zuletzt als {position} bei {employer} tätig.",
        previous_same_title="Zuletzt bei {employer} tätig.",
    ),
    "fr": SummaryPhrases(
        headline="{title}",
        years="",
        skills=" avec une expérience en {skills}",
        current="Actuellement {position} chez {employer}.",
        current_same_title="Actuellement chez {employer}.",
        previous="Dernier poste : {position} chez {employer}.",
        previous_same_title="Dernier employeur : {employer}.",
    ),
    "es": SummaryPhrases(
        headline="{title}",
        years="",
        skills=" con experiencia en {skills}",
        current="Actualmente {position} en {employer}.",
        current_same_title="Actualmente en {employer}.",
        previous="Último puesto: {position} en {employer}.",
        previous_same_title="Última empresa: {employer}.",
    ),
}


def tailor_offline(
    profile: Profile,
    analysis: JobAnalysis,
    match: MatchResult,
    *,
    options: Options,
    vocabulary: SkillVocabulary | None = None,
    today: date | None = None,
) -> Tailored:
    """The user's own profile, ordered and trimmed for the job, with a letter if asked for."""
    vocabulary = vocabulary or default_vocabulary()
    language = normalise_language(options.language) or DEFAULT_LANGUAGE
    relevance = {line.path: line.score for line in match.ranked_lines}
    tailored = copy.deepcopy(profile)
    scores: dict[int, list[float]] = {}
    for index, job in enumerate(tailored.get("work") or []):
        if isinstance(job, dict) and isinstance(job.get("highlights"), list):
            ranked = _by_relevance(job["highlights"], f"work[{index}]", relevance)
            job["highlights"] = [bullet for bullet, _ in ranked]
            scores[index] = [score for _, score in ranked]
    if isinstance(tailored.get("skills"), list):
        tailored["skills"] = _skills_matched_first(tailored["skills"], match, vocabulary)
    basics = tailored.get("basics")
    if not isinstance(basics, dict):
        basics = tailored["basics"] = {}
    if options.strength == "full" or not basics.get("summary"):
        summary = write_summary(profile, match, vocabulary=vocabulary, today=today)
        if summary:
            basics["summary"] = summary
    notes = trim_to_length(tailored, scores, pages=options.length_pages)
    letter: list[str] = []
    if options.cover_letter:
        letter = write_cover_letter(
            profile,
            analysis,
            match,
            tone=options.tone,
            language=language,
            vocabulary=vocabulary,
            today=today,
        )
        if language not in PHRASES:
            notes.append(f"no cover-letter wording for language '{language}'; wrote it in English")
    return Tailored(
        profile=tailored,
        cover_letter=letter,
        provider=PROVIDER,
        model=MODEL,
        prompt_version=PROMPT_VERSION,
        language=language,
        notes=notes,
    )


def _by_relevance(
    bullets: list[Any], prefix: str, relevance: dict[str, float]
) -> list[tuple[Any, float]]:
    """Most relevant first; ties keep the user's order, which is often their own priority."""
    scored = [(b, relevance.get(f"{prefix}.highlights[{j}]", 0.0)) for j, b in enumerate(bullets)]
    order = sorted(range(len(bullets)), key=lambda j: (-scored[j][1], j))
    return [scored[j] for j in order]


def _skills_matched_first(
    groups: list[Any], match: MatchResult, vocabulary: SkillVocabulary
) -> list[Any]:
    """Each group's keywords with the job's skills first, and groups holding them first.

    A keyword counts as matched when it names a matched skill in any spelling ("Postgres" for
    PostgreSQL); the user's grouping is kept, as it is theirs to choose.
    """
    rank = {skill: i for i, skill in enumerate(match.matched_skills)}
    unmatched = len(rank)

    def keyword_rank(keyword: Any) -> int:
        written = str(keyword)
        canonical = vocabulary.canonical(written)
        skills = [canonical] if canonical else vocabulary.find(written)
        return min((rank[s] for s in skills if s in rank), default=unmatched)

    ordered: list[tuple[int, int, Any]] = []
    for position, group in enumerate(groups):
        best = unmatched
        if isinstance(group, dict) and isinstance(group.get("keywords"), list):
            group["keywords"] = sorted(group["keywords"], key=keyword_rank)
            best = keyword_rank(group["keywords"][0]) if group["keywords"] else unmatched
        if isinstance(group, dict) and not group.get("keywords") and group.get("name"):
            best = keyword_rank(group["name"])  # a group that is one skill: "Python"
        ordered.append((best, position, group))
    return [group for _, _, group in sorted(ordered, key=lambda item: item[:2])]


# --------------------------------------------------------------------------------------------
# Summary
# --------------------------------------------------------------------------------------------


def _profile_language(profile: Profile) -> str:
    language = detect_language("\n".join(text for _, text in iter_lines(profile)))
    return language if language in SUMMARY_PHRASES else DEFAULT_LANGUAGE


def write_summary(
    profile: Profile,
    match: MatchResult,
    *,
    vocabulary: SkillVocabulary,
    today: date | None = None,
) -> str:
    """One or two sentences from the profile's own title, years and skills (the job's first).

    Written in the resume's own language, since it sits above the user's untranslated
    bullets. Every part must pass the truth check validation will run, so a title or skill it
    cannot trace to the source is left out rather than reported as a violation later. Empty
    when the profile names no usable title.
    """
    language = _profile_language(profile)
    phrases = SUMMARY_PHRASES[language]

    def supported(text: str) -> bool:
        summary_only = {"basics": {"summary": text}}
        return not truth_violations(profile, summary_only, vocabulary=vocabulary)

    basics = profile.get("basics") or {}
    job = latest_job(profile) or {}
    position = " ".join(str(job.get("position") or "").split())
    employer = " ".join(str(job.get("name") or "").split())
    label = " ".join(str(basics.get("label") or "").split()).rstrip(".")
    title = next((t for t in (label, position) if t and supported(t)), "")
    if not title:
        return ""
    headline = phrases.headline.format(title=title)
    years = int(experience_years(profile, today=today))
    if years >= MIN_YEARS_STATED:
        headline += phrases.years.format(years=years)
    # The user's own leading skills when the job asks for none of theirs: still their facts.
    candidates = matched_skill_names(profile, match, vocabulary=vocabulary) or list(
        own_skill_names(profile, vocabulary=vocabulary).values()
    )
    skills = [skill for skill in candidates if supported(skill)][:SUMMARY_SKILLS]
    if skills:
        headline += phrases.skills.format(skills=join_words(skills, PHRASES[language].and_word))
    sentences = [headline + "."]
    if employer:
        same = position.lower() == title.lower() or not position
        if job.get("endDate"):
            frame = phrases.previous_same_title if same else phrases.previous
        else:
            frame = phrases.current_same_title if same else phrases.current
        sentences.append(frame.format(position=position, employer=employer))
    return " ".join(sentences)


# --------------------------------------------------------------------------------------------
# Length
# --------------------------------------------------------------------------------------------


def fits(profile: Profile, *, pages: int) -> bool:
    """Whether validation's length check will pass, so trimming and checking agree."""
    checks = ats_checks(profile, dropped=[], length_pages=pages)
    return next(check.passed for check in checks if check.name == "length")


def _age_order(work: list[Any]) -> list[int]:
    """Job indices from the most recent to the oldest start; undated ones by source order."""

    def started(index: int) -> tuple[int, int]:
        job = work[index]
        start = parse_iso_month(job.get("startDate")) if isinstance(job, dict) else None
        return (-start.toordinal() if start else 0, index)

    return sorted(range(len(work)), key=started)


def trim_to_length(profile: Profile, relevance: dict[int, list[float]], *, pages: int) -> list[str]:
    """Drop bullets until the resume fits `pages`, in place; returns notes for the user.

    `relevance` holds, per job index, the score of each bullet in its current order (most
    relevant first). Bullets with no bearing on the job go first, from the oldest job up. The
    rest are levelled like a staircase: an older job's k-th bullet goes before a newer job's,
    so the newest job keeps the most. Every job keeps its best bullet and every entry stays.
    """
    work = profile.get("work") or []
    age = {index: rank for rank, index in enumerate(_age_order(work))}
    dropped = 0
    while not fits(profile, pages=pages):
        candidates = [
            (index, j) for index in relevance for j in range(1, len(work[index]["highlights"]))
        ]
        if not candidates:
            break

        def drop_first(item: tuple[int, int]) -> tuple[int, int, int, int]:
            index, j = item
            if relevance[index][j] <= 0:
                return (1, age[index], j, 0)
            return (0, j + age[index], age[index], j)

        index, j = max(candidates, key=drop_first)
        del work[index]["highlights"][j]
        del relevance[index][j]
        dropped += 1
    notes = (
        [f"left out {dropped} less relevant bullet(s) to fit {pages} page(s)"] if dropped else []
    )
    if not fits(profile, pages=pages):
        notes.append(
            f"the resume is still longer than {pages} page(s) with one bullet per job; "
            "allow another page, or shorten older entries yourself"
        )
    return notes
