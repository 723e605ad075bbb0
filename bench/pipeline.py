"""Time each pipeline stage on the shipped sample; print medians and ratios to a baseline.

Baseline: xhtml2pdf rendering a one-line document in the same process, the floor cost of any PDF.
Run: `make bench` or `.venv/bin/python bench/pipeline.py [--runs N]`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from timing import median_ms

from worker.pipeline import analysis, export, generation, parsing, scoring, validation
from worker.pipeline.skills import default_vocabulary
from worker.pipeline.types import JobPosting, Options

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    runs = parser.parse_args().runs

    text = (SAMPLES / "resume.txt").read_text("utf-8")
    posting = JobPosting(
        description=(SAMPLES / "job.txt").read_text("utf-8"),
        title="Senior Backend Engineer",
        company="Northwind Analytics",
    )
    vocab = default_vocabulary()
    profile = parsing.parse_text(text).profile
    job = analysis.analyse_job(posting, vocabulary=vocab)
    match = scoring.score_profile(profile, job, vocabulary=vocab)
    tailored = generation.generate(profile, job, match, options=Options())

    baseline = median_ms(lambda: export.html_to_pdf("<p>baseline</p>"), runs)
    rows = {
        "parse (text resume)": lambda: parsing.parse_text(text),
        "1 job_analysis": lambda: analysis.analyse_job(posting, vocabulary=vocab),
        "2 profile_scoring": lambda: scoring.score_profile(profile, job, vocabulary=vocab),
        "3 document_generation": lambda: generation.generate(
            profile, job, match, options=Options()
        ),
        "4 quality_validation": lambda: validation.validate(
            profile, tailored, job, vocabulary=vocab
        ),
        "5 pdf_export (resume)": lambda: export.render_resume(tailored.profile),
    }
    print(f"runs per row: {runs}; baseline (one-line PDF) median {baseline:.2f} ms")
    print(f"{'stage':28} {'median ms':>10} {'x baseline':>11}")
    for name, fn in rows.items():
        ms = median_ms(fn, runs)
        print(f"{name:28} {ms:10.2f} {ms / baseline:11.2f}")


if __name__ == "__main__":
    main()
