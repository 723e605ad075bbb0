"""The five stages in order. The worker, the CLI and the tests all run the pipeline through here."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any

from worker.pipeline import analysis, export, formats, generation, scoring, validation
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
    documents: list[RenderedDocument] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        """The figures a client shows first; also the body of the JSON report."""
        return {
            "match_score": self.match.score,
            "ats_score": self.quality.ats_score,
            "matched_skills": self.match.matched_skills,
            "missing_skills": self.match.missing_skills,
            "quality_passed": self.quality.passed,
            "violations": self.quality.violations,
            "ats_checks": [asdict(check) for check in self.quality.checks],
            "generator": self.tailored.generator(),
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
        quality = validation.validate(
            profile,
            tailored,
            job,
            vocabulary=vocabulary,
            length_pages=options.length_pages,
            html=export.render_resume_html(
                tailored.profile, template=options.template, paper=options.paper
            ),
        )
    outcome = Outcome(analysis=job, match=match, tailored=tailored, quality=quality)
    with stage("pdf_export"):
        outcome.documents += export_documents(tailored, job=job, options=options)
        report = {
            **outcome.summary(),
            "job": job.to_dict(),
            "match": match.to_dict(),
            "quality": quality.to_dict(),
        }
        name = (profile.get("basics") or {}).get("name", "")
        outcome.documents.append(export.render_report(report, name=name, company=job.company))
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
