"""The quality gate of stages 4 and 5: prove the documents true, repair or refuse, read back.

`validation.py` holds the checks; this module decides what happens with their findings. Before
export, every unsupported claim is repaired (or the run fails, with `on_violation=fail`), lost
employers and degrees are put back, and each line is traced to its source. After export, the
finished PDF and DOCX are parsed back with our own parser: a template an ATS cannot read shows
up as a recovery figure below 95 % and a warning, not as a surprise for the user.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from typing import Any

from worker.pipeline import export, provenance, roundtrip, scoring, validation
from worker.pipeline.claims import Violation
from worker.pipeline.errors import StageFailed
from worker.pipeline.parsing import iter_lines
from worker.pipeline.skills import SkillVocabulary
from worker.pipeline.types import (
    Check,
    JobAnalysis,
    MatchResult,
    Options,
    Profile,
    QualityReport,
    RenderedDocument,
    Tailored,
)

log = logging.getLogger(__name__)
RECOVERY_TARGET = 0.95
REPAIR_ROUNDS = 2


class TruthViolation(StageFailed):
    """The documents claim something the resume does not support, and the user chose `fail`
    (or a repair could not remove it)."""

    status = 422
    code = "truthfulness_violation"
    title = "Unsupported claims"

    def __init__(self, violations: list[Violation]) -> None:
        listed = "; ".join(f"{v.path}: {v.text!r} ({v.reason})" for v in violations[:3])
        more = f" and {len(violations) - 3} more" if len(violations) > 3 else ""
        super().__init__(f"The generated documents make unsupported claims: {listed}{more}.")
        self.violations = violations


@dataclass
class Gate:
    """What stage 4 found and did, for the result and the report."""

    tailored: Tailored
    violations: list[Violation] = field(default_factory=list)
    repairs: list[dict[str, Any]] = field(default_factory=list)
    missing: list[dict[str, str]] = field(default_factory=list)
    provenance: dict[str, Any] = field(default_factory=dict)


def check_truth(
    source: Profile,
    tailored: Tailored,
    job: JobAnalysis,
    *,
    options: Options,
    vocabulary: SkillVocabulary,
) -> Gate:
    """Find unsupported claims in the resume and letter; repair them or refuse the run."""

    def findings(candidate: Tailored) -> list[Violation]:
        return validation.truth_report(
            source, candidate.profile, candidate.cover_letter, vocabulary=vocabulary, job=job
        )

    def trace(candidate: Tailored) -> provenance.Provenance:
        return provenance.trace(source, candidate, job=job, vocabulary=vocabulary)

    def all_findings(candidate: Tailored) -> list[Violation]:
        # A line with no source at all is invented even when it names no checkable fact.
        unsourced = provenance.unsourced_violations(candidate, trace(candidate))
        return findings(candidate) + unsourced

    found = all_findings(tailored)
    if found and options.on_violation == "fail":
        raise TruthViolation(found)
    gate = Gate(tailored=tailored, violations=list(found))
    remaining = found
    for _ in range(REPAIR_ROUNDS):
        if not remaining:
            break
        gate.tailored, repairs = provenance.repair(
            source, gate.tailored, remaining, job=job, vocabulary=vocabulary
        )
        gate.repairs += [repair.to_dict() for repair in repairs]
        remaining = all_findings(gate.tailored)
    if remaining:
        raise TruthViolation(remaining)
    restored, missing = provenance.restore_missing(source, gate.tailored.profile)
    gate.tailored = replace(gate.tailored, profile=restored)
    gate.missing = [item.to_dict() for item in missing]
    gate.provenance = trace(gate.tailored).to_dict()
    return gate


def keyword_coverage(profile: Profile, job: JobAnalysis, *, vocabulary: SkillVocabulary) -> float:
    """Share of the posting's keywords the profile names (line by line, as an ATS would)."""
    if not job.keywords:
        return 1.0
    found: set[str] = set()
    for _, text in iter_lines(profile):
        found.update(vocabulary.find(text))
    for group in profile.get("skills") or []:
        for keyword in group.get("keywords") or []:
            found.update(vocabulary.find(str(keyword)))
    return round(sum(k in found for k in job.keywords) / len(job.keywords), 3)


def compare_before_after(
    source: Profile,
    tailored: Tailored,
    job: JobAnalysis,
    match: MatchResult,
    quality: QualityReport,
    *,
    options: Options,
    vocabulary: SkillVocabulary,
) -> dict[str, dict[str, float]]:
    """Match score, ATS score and keyword coverage of the user's resume and of ours."""
    original = validation.validate(
        source,
        Tailored(profile=source, cover_letter=[]),
        job,
        vocabulary=vocabulary,
        length_pages=options.length_pages,
        html=export.render_resume_html(source, template=options.template, paper=options.paper),
    )
    after = scoring.score_profile(tailored.profile, job, vocabulary=vocabulary)
    return {
        "match_score": {"before": match.score, "after": after.score},
        "ats_score": {"before": original.ats_score, "after": quality.ats_score},
        "keyword_coverage": {
            "before": keyword_coverage(source, job, vocabulary=vocabulary),
            "after": keyword_coverage(tailored.profile, job, vocabulary=vocabulary),
        },
    }


@dataclass
class FinalCheck:
    """Stage 5's check of the finished files."""

    round_trip: dict[str, dict[str, Any]] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def check_documents(
    documents: list[RenderedDocument],
    tailored: Tailored,
    job: JobAnalysis,
    *,
    options: Options,
    vocabulary: SkillVocabulary,
) -> FinalCheck:
    """Parse the finished resume PDF and DOCX back and check the PDF as an ATS would see it."""
    final = FinalCheck()
    resumes = {d.format: d for d in documents if d.kind == "resume"}
    for fmt in ("pdf", "docx"):
        document = resumes.get(fmt)
        if document is None:
            continue
        trip = roundtrip.round_trip(
            tailored.profile, document.content, keywords=job.keywords, vocabulary=vocabulary
        )
        final.round_trip[fmt] = trip.to_dict()
        if trip.recovery < RECOVERY_TARGET:
            final.warnings.append(
                f"Only {trip.recovery:.0%} of the resume's fields could be read back from the "
                f"{fmt.upper()} ({options.template} template); an ATS may miss: "
                + "; ".join(trip.missing[:3])
            )
            log.warning(
                "template defect: %s/%s recovers %.3f; missing %s",
                options.template,
                fmt,
                trip.recovery,
                trip.missing[:5],
            )
    if "pdf" in resumes:
        final.checks = roundtrip.document_checks(resumes["pdf"].content, profile=tailored.profile)
    return final
