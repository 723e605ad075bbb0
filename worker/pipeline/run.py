"""The five stages in order. The worker, the CLI and the tests all run the pipeline through here."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any

from worker.pipeline import analysis, export, formats, generation, scoring, validation
from worker.pipeline.quality import (
    FinalCheck,
    Gate,
    check_documents,
    check_truth,
    compare_before_after,
)
from worker.pipeline.skills import default_vocabulary
from worker.pipeline.types import (
    JobAnalysis,
    JobPosting,
    MatchResult,
    Options,
    Profile,
    QualityReport,
    RenderedDocument,
    Tailored,
)

STAGES = (
    "job_analysis",
    "profile_scoring",
    "document_generation",
    "quality_validation",
    "pdf_export",
)

StageListener = Callable[[str, str], None]
"""Called with (stage name, "started" | "finished") so a caller can record progress."""


@dataclass
class Outcome:
    """Everything the pipeline produced for one resume and one job."""

    analysis: JobAnalysis
    match: MatchResult
    tailored: Tailored
    quality: QualityReport
    gate: Gate | None = None
    final: FinalCheck | None = None
    before_after: dict[str, dict[str, float]] = field(default_factory=dict)
    documents: list[RenderedDocument] = field(default_factory=list)

    @property
    def warnings(self) -> list[str]:
        return list(self.final.warnings) if self.final else []

    def summary(self) -> dict[str, Any]:
        """The figures a client shows first, with the provenance of every line."""
        gate = self.gate or Gate(tailored=self.tailored)
        return {
            "match_score": self.match.score,
            "ats_score": self.quality.ats_score,
            "matched_skills": self.match.matched_skills,
            "missing_skills": self.match.missing_skills,
            "gaps": self.match.missing_skills,
            "quality_passed": self.quality.passed and not self.warnings,
            "violations": [asdict(v) for v in gate.violations],
            "repairs": gate.repairs,
            "completeness": {"missing": gate.missing},
            "ats_checks": [asdict(check) for check in self.quality.checks],
            "round_trip": self.final.round_trip if self.final else {},
            "before_after": self.before_after,
            "warnings": self.warnings,
            "generator": self.tailored.generator(),
            "provenance": gate.provenance,
        }

    def report(self) -> dict[str, Any]:
        """The report document: the summary plus the job, the match and every check."""
        summary = self.summary()
        return {
            **summary,
            "checks": summary["ats_checks"],
            "notes": self.tailored.notes,
            "job": self.analysis.to_dict(),
            "match": self.match.to_dict(),
        }


def run_pipeline(
    profile: Profile,
    posting: JobPosting,
    options: Options,
    *,
    on_stage: StageListener | None = None,
    runtime: generation.LLMRuntime | None = None,
) -> Outcome:
    """Run job analysis → scoring → generation → validation → export for one resume and job."""

    @contextmanager
    def stage(name: str) -> Iterator[None]:
        if on_stage:
            on_stage(name, "started")
        yield
        if on_stage:
            on_stage(name, "finished")

    vocabulary = default_vocabulary()
    with stage("job_analysis"):
        job = analysis.analyse_job(posting, vocabulary=vocabulary)
    with stage("profile_scoring"):
        match = scoring.score_profile(profile, job, vocabulary=vocabulary)
    with stage("document_generation"):
        tailored = generation.generate(
            profile,
            job,
            match,
            options=options,
            posting_text=posting.description,
            runtime=runtime,
            vocabulary=vocabulary,
        )
    with stage("quality_validation"):
        gate = check_truth(profile, tailored, job, options=options, vocabulary=vocabulary)
        tailored = gate.tailored
        report = validation.validate(
            profile,
            tailored,
            job,
            vocabulary=vocabulary,
            length_pages=options.length_pages,
            html=export.render_resume_html(
                tailored.profile, template=options.template, paper=options.paper
            ),
        )
    outcome = Outcome(analysis=job, match=match, tailored=tailored, quality=report, gate=gate)
    with stage("pdf_export"):
        outcome.documents += export_documents(tailored, job=job, options=options)
        outcome.final = check_documents(
            outcome.documents, tailored, job, options=options, vocabulary=vocabulary
        )
        report.checks += outcome.final.checks
        outcome.before_after = compare_before_after(
            profile, tailored, job, match, report, options=options, vocabulary=vocabulary
        )
        outcome.documents += export.render_report(
            outcome.report(),
            tailored.profile,
            company=job.company,
            template=options.template,
            paper=options.paper,
        )
    return outcome


def _document(kind: str, fmt: str, stem: str, content: bytes | str) -> RenderedDocument:
    media_type, extension = formats.FORMATS[fmt]
    data = content.encode("utf-8") if isinstance(content, str) else content
    return RenderedDocument(kind, fmt, media_type, stem + extension, data)


def export_documents(
    tailored: Tailored, *, job: JobAnalysis, options: Options
) -> list[RenderedDocument]:
    """Every format of the resume and the cover letter, rendered once, here, and stored."""
    profile, letter, language = tailored.profile, tailored.cover_letter, tailored.language
    look = {"template": options.template, "paper": options.paper, "language": language}
    name = str((profile.get("basics") or {}).get("name") or "")
    stem = export.slug(name, job.company, job.title)
    resume_pdf = export.render_resume(profile, company=job.company, role=job.title, **look)
    documents = [
        resume_pdf,
        _document(
            "resume",
            "docx",
            stem,
            formats.resume_docx(profile, language=language, paper=options.paper),
        ),
        _document(
            "resume", "html", stem, export.render_resume_html(profile, standalone=True, **look)
        ),
        _document("resume", "md", stem, formats.resume_markdown(profile)),
        _document("resume", "txt", stem, formats.resume_text(profile)),
        _document(
            "resume",
            "json",
            stem,
            json.dumps(formats.json_resume(profile), indent=2, ensure_ascii=False),
        ),
    ]
    if letter:
        stem = export.slug(name, job.company, "cover-letter")
        documents += [
            export.render_cover_letter(
                profile, letter, company=job.company, role=job.title, **look
            ),
            _document(
                "cover_letter",
                "docx",
                stem,
                formats.cover_letter_docx(profile, letter, language=language, paper=options.paper),
            ),
            _document(
                "cover_letter",
                "html",
                stem,
                export.cover_letter_html(profile, letter, standalone=True, **look),
            ),
            _document("cover_letter", "md", stem, formats.cover_letter_markdown(profile, letter)),
            _document("cover_letter", "txt", stem, formats.cover_letter_text(profile, letter)),
        ]
    return documents
