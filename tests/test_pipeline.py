"""The five stages as plain functions: no Flask, no Celery, no database."""

from __future__ import annotations

import copy
import io
from datetime import date

import pytest
from pypdf import PdfReader

from worker.pipeline import analysis, export, generation, scoring, validation
from worker.pipeline.run import STAGES, run_pipeline
from worker.pipeline.skills import SkillVocabulary, default_vocabulary
from worker.pipeline.types import JobPosting, Options, Tailored

VOCAB = default_vocabulary()

PROFILE = {
    "basics": {
        "name": "Nguyễn Thị Minh",
        "label": "Backend Engineer",
        "email": "minh@example.org",
        "phone": "+84 28 3823 4567",
    },
    "work": [
        {
            "name": "Lotus Logistics",
            "position": "Backend Engineer",
            "startDate": "2021-03",
            "highlights": [
                "Organised the team offsite and the reading group",
                "Cut API latency by 40% by moving hot queries from MySQL to PostgreSQL",
                "Ran Celery workers on Kubernetes processing 2 million jobs a day",
            ],
        },
        {
            "name": "Saigon Soft",
            "position": "Software Developer",
            "startDate": "2018-01",
            "endDate": "2021-02",
            "highlights": ["Built REST APIs in Python and Flask for 12 clients"],
        },
    ],
    "education": [
        {
            "institution": "HCMC University of Technology",
            "studyType": "BSc",
            "area": "Computer Science",
        }
    ],
    "skills": [
        {"name": "Soft skills", "keywords": ["Mentoring"]},
        {"name": "Backend", "keywords": ["Python", "Flask", "PostgreSQL", "Celery", "Kubernetes"]},
    ],
}

POSTING = JobPosting(
    title="Senior Python Engineer",
    company="Acme",
    description="""Senior Python Engineer

What you'll do:
- Design REST APIs and event pipelines
- Operate services on Kubernetes

Requirements:
- 5+ years of Python
- PostgreSQL and Celery

Nice to have:
- Kafka
- Terraform
""",
)


def test_vocabulary_maps_aliases_and_respects_word_boundaries() -> None:
    assert VOCAB.find("Postgres, k8s and JS") == ["PostgreSQL", "Kubernetes", "JavaScript"]
    assert VOCAB.find("we go to R&D often") == []
    assert VOCAB.find("Go and R in production") == ["Go", "R"]
    assert VOCAB.canonical("golang") == "Go"
    custom = SkillVocabulary.from_lines(["# comment", "", "C++ | cpp"])
    assert custom.find("cpp and C++17 and C++") == ["C++"]


def test_job_analysis_separates_required_from_preferred() -> None:
    job = analysis.analyse_job(POSTING, vocabulary=VOCAB)
    assert job.title == "Senior Python Engineer"
    assert {"Python", "PostgreSQL", "Celery", "Kubernetes", "REST APIs"} <= set(job.required_skills)
    assert job.preferred_skills == ["Kafka", "Terraform"]
    assert job.min_years == 5
    assert "Operate services on Kubernetes" in job.responsibilities


def test_title_is_read_from_the_posting_when_not_given() -> None:
    job = analysis.analyse_job(
        JobPosting(description="## Data Analyst\nWe use SQL."), vocabulary=VOCAB
    )
    assert job.title == "Data Analyst"
    # The body's SQL, plus whatever discipline the vocabulary reads in the title itself.
    assert job.required_skills[0] == "SQL"
    assert set(job.required_skills[1:]) <= set(VOCAB.find("Data Analyst"))


def test_years_of_experience_count_overlaps_once() -> None:
    profile = {
        "work": [
            {"startDate": "2018-01", "endDate": "2020-01"},
            {"startDate": "2019-01", "endDate": "2021-01"},
            {"startDate": "not a date"},
        ]
    }
    assert scoring.experience_years(profile, today=date(2026, 1, 1)) == 3.0


def test_match_score_rewards_coverage_and_explains_gaps() -> None:
    job = analysis.analyse_job(POSTING, vocabulary=VOCAB)
    strong = scoring.score_profile(PROFILE, job, vocabulary=VOCAB)
    weak_profile = copy.deepcopy(PROFILE)
    weak_profile["skills"] = [{"name": "Soft skills", "keywords": ["Mentoring"]}]
    weak_profile["work"] = [
        {
            "name": "Cafe",
            "position": "Barista",
            "startDate": "2024-01",
            "highlights": ["Served coffee"],
        }
    ]
    weak = scoring.score_profile(weak_profile, job, vocabulary=VOCAB)
    assert strong.score > weak.score + 30
    assert {"Kafka", "Terraform"} <= set(strong.missing_skills)
    assert "Python" in strong.matched_skills and "Python" in weak.missing_skills
    postgres = next(e for e in strong.evidence if e.skill == "PostgreSQL")
    assert postgres.path == "work[0].highlights[1]"
    assert strong.ranked_lines[0].score >= strong.ranked_lines[-1].score


def test_generation_orders_by_relevance_and_keeps_every_employer() -> None:
    job = analysis.analyse_job(POSTING, vocabulary=VOCAB)
    match = scoring.score_profile(PROFILE, job, vocabulary=VOCAB)
    tailored = generation.generate(PROFILE, job, match, options=Options())
    highlights = tailored.profile["work"][0]["highlights"]
    assert highlights[-1] == "Organised the team offsite and the reading group"
    assert [w["name"] for w in tailored.profile["work"]] == ["Lotus Logistics", "Saigon Soft"]
    assert tailored.profile["skills"][0]["name"] == "Backend"
    summary = tailored.profile["basics"]["summary"]
    years = int(scoring.experience_years(PROFILE))
    assert summary.startswith(f"Backend Engineer with {years}+ years of experience in ")
    assert "Python" in summary and "Kafka" not in summary
    assert PROFILE["work"][0]["highlights"][0] == "Organised the team offsite and the reading group"
    assert any("Acme" in paragraph for paragraph in tailored.cover_letter)
    assert tailored.cover_letter[-1] == "Nguyễn Thị Minh"


def test_one_page_trims_bullets_but_not_jobs() -> None:
    profile = copy.deepcopy(PROFILE)
    profile["work"][1]["highlights"] = [f"Shipped feature {n} in Python" for n in range(60)]
    job = analysis.analyse_job(POSTING, vocabulary=VOCAB)
    match = scoring.score_profile(profile, job, vocabulary=VOCAB)
    one = generation.generate(profile, job, match, options=Options(length_pages=1))
    two = generation.generate(profile, job, match, options=Options(length_pages=2))
    assert len(one.profile["work"]) == len(two.profile["work"]) == 2
    assert len(one.profile["work"][1]["highlights"]) < len(two.profile["work"][1]["highlights"])


def _tailored(profile: dict) -> Tailored:  # type: ignore[type-arg]
    return Tailored(profile=profile, cover_letter=[])


def test_validator_passes_the_offline_engines_output() -> None:
    outcome = run_pipeline(PROFILE, POSTING, Options())
    assert outcome.quality.violations == []
    assert outcome.quality.passed
    assert 0 < outcome.quality.ats_score <= 100


@pytest.mark.parametrize(
    ("mutate", "needle"),
    [
        (
            lambda p: p["work"].append(
                {"name": "Google", "position": "Staff Engineer", "startDate": "2015-01"}
            ),
            "Google",
        ),
        (lambda p: p["work"][0].update(position="Principal Engineer"), "Principal Engineer"),
        (lambda p: p["work"][1].update(startDate="2012-01"), "2012-01"),
        (lambda p: p["work"][0]["highlights"].append("Led migration to Kafka"), "Kafka"),
        (lambda p: p["work"][0]["highlights"].append("Cut API latency by 75%"), "75"),
        (lambda p: p["skills"][1]["keywords"].append("Terraform"), "Terraform"),
        (lambda p: p["basics"].update(summary="Engineer with 15+ years of experience."), "15"),
    ],
)
def test_validator_catches_invented_claims(mutate, needle: str) -> None:  # type: ignore[no-untyped-def]
    tailored = copy.deepcopy(PROFILE)
    mutate(tailored)
    violations = validation.truth_violations(PROFILE, tailored, vocabulary=VOCAB)
    assert any(needle in violation for violation in violations), violations


def test_validator_flags_missing_sections_and_dropped_employers() -> None:
    job = analysis.analyse_job(POSTING, vocabulary=VOCAB)
    stripped = {"basics": {"name": ""}, "work": [PROFILE["work"][0]]}
    report = validation.validate(PROFILE, _tailored(stripped), job, vocabulary=VOCAB)
    failed = {check.name for check in report.checks if not check.passed}
    assert failed == {
        "name_present",
        "contact_present",
        "skills_present",
        "employers_complete",
        "keyword_coverage",
    }
    assert all(check.fix for check in report.checks if not check.passed)
    assert all(not check.fix for check in report.checks if check.passed)
    assert not report.passed


def test_ats_checks_catch_bad_dates_and_overlong_resumes() -> None:
    profile = copy.deepcopy(PROFILE)
    profile["work"][1]["endDate"] = "2016-01"  # ends before it starts
    profile["work"][0]["highlights"] = [f"Did thing number {n} in Python" for n in range(60)]
    checks = {c.name: c for c in validation.ats_checks(profile, dropped=[], length_pages=1)}
    assert (
        not checks["dates_consistent"].passed and "start and end" in checks["dates_consistent"].fix
    )
    assert not checks["length"].passed and checks["length"].fix
    assert validation.ats_checks(PROFILE, dropped=[], length_pages=1)[-1].passed


def test_pdf_holds_the_unicode_name_and_escapes_markup() -> None:
    profile = copy.deepcopy(PROFILE)
    profile["basics"]["name"] = "José Müller"
    profile["work"][0]["highlights"].append('</li><img src="http://169.254.169.254/x"> <script>')
    html = export.render_resume_html(profile)
    assert "<img" not in html and "&lt;img" in html
    document = export.render_resume(profile, company="Acme", role="Engineer")
    assert document.filename == "José-Müller-Acme-Engineer.pdf"
    text = PdfReader(io.BytesIO(document.content)).pages[0].extract_text()
    assert "José Müller" in text
    assert '<img src="http://169.254.169.254/x">' in text


def test_pipeline_reports_every_stage_in_order() -> None:
    events: list[tuple[str, str]] = []
    outcome = run_pipeline(PROFILE, POSTING, Options(), on_stage=lambda s, e: events.append((s, e)))
    assert events == [(stage, event) for stage in STAGES for event in ("started", "finished")]
    formats = {(d.kind, d.format) for d in outcome.documents}
    assert {("resume", "pdf"), ("resume", "docx"), ("cover_letter", "pdf")} <= formats
    assert ("report", "json") in formats
    assert outcome.documents[0].content.startswith(b"%PDF")


def test_cover_letter_can_be_turned_off() -> None:
    outcome = run_pipeline(PROFILE, POSTING, Options(cover_letter=False))
    assert {d.kind for d in outcome.documents} == {"resume", "report"}


def test_layout_checks_read_the_rendered_document() -> None:
    good = {c.name: c.passed for c in validation.layout_checks(export.render_resume_html(PROFILE))}
    assert good == {"standard_headings": True, "no_tables_or_images": True}
    bad = validation.layout_checks("<h2>My Journey</h2><table><tr><td>x</td></tr></table>")
    assert [c.passed for c in bad] == [False, False]
    assert "my journey" in bad[0].detail and bad[1].fix


def test_pipeline_reports_named_ats_checks() -> None:
    outcome = run_pipeline(PROFILE, POSTING, Options())
    names = {check["name"] for check in outcome.summary()["ats_checks"]}
    assert {
        "contact_present",
        "dates_consistent",
        "length",
        "keyword_coverage",
        "standard_headings",
        "no_tables_or_images",
    } <= names


@pytest.mark.parametrize(
    "name", ["Nguyễn Thị Minh", "José Müller-Łukasiewicz", "Zoë Ødegaard", "Ольга Смирнова"]
)
def test_names_beyond_latin1_render_and_extract(name: str) -> None:
    profile = copy.deepcopy(PROFILE)
    profile["basics"]["name"] = name
    for document in (
        export.render_resume(profile),
        export.render_cover_letter(profile, ["Hello.", name]),
    ):
        text = PdfReader(io.BytesIO(document.content)).pages[0].extract_text()
        assert name in text


def test_renderer_reads_nothing_outside_the_bundled_fonts() -> None:
    html = export.render_resume_html(PROFILE).replace(
        "</body>", '<img src="file:///etc/passwd"><img src="http://169.254.169.254/x"></body>'
    )
    pdf = export.html_to_pdf(html)  # refused resources are skipped, not fetched
    assert pdf.startswith(b"%PDF")
    assert b"root:" not in pdf
