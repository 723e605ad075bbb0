"""Render the sample resume and a cover letter in every template, to look at them.

Run ``make samples`` or ``python -m worker.samples --out out/samples [--paper letter]``. Writes,
per template, ``resume-<template>.pdf`` and ``cover-letter-<template>.pdf`` with a PNG of each page
(``...-p1.png``), drawn with PDFium so no other tool is needed. Offline, from project code only.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from worker.pipeline import export, formats
from worker.pipeline.analysis import analyse_job
from worker.pipeline.cover_letter import write_cover_letter
from worker.pipeline.scoring import score_profile
from worker.pipeline.skills import default_vocabulary
from worker.pipeline.types import JobPosting, Profile

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
PAGE_WIDTH_PX = 1000


def sample_letter(profile: Profile) -> list[str]:
    """The offline engine's letter for the sample resume and the sample job posting."""
    vocabulary = default_vocabulary()
    posting = JobPosting(
        description=(SAMPLES / "job.txt").read_text("utf-8"),
        title="Senior Backend Engineer",
        company="Northwind Analytics",
    )
    analysis = analyse_job(posting, vocabulary=vocabulary)
    match = score_profile(profile, analysis, vocabulary=vocabulary)
    return write_cover_letter(profile, analysis, match, vocabulary=vocabulary)


def write_pdf(out: Path, stem: str, pdf: bytes) -> list[Path]:
    """`stem`.pdf and one PNG per page; returns the paths written."""
    written = [out / f"{stem}.pdf"]
    written[0].write_bytes(pdf)
    for number, png in enumerate(export.page_images(pdf, width=PAGE_WIDTH_PX), start=1):
        written.append(out / f"{stem}-p{number}.png")
        written[-1].write_bytes(png)
    return written


def render_samples(out: Path, *, paper: str = "a4") -> list[Path]:
    """Every template's resume and cover letter for the sample profile, written into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    profile: Profile = json.loads((SAMPLES / "resume.json").read_text("utf-8"))
    letter = sample_letter(profile)
    written: list[Path] = []
    for template in export.TEMPLATES:
        resume = export.render_resume(profile, template=template, paper=paper)
        written += write_pdf(out, f"resume-{template}", resume.content)
        cover = export.render_cover_letter(profile, letter, template=template, paper=paper)
        written += write_pdf(out, f"cover-letter-{template}", cover.content)
        html = export.render_resume_html(profile, template=template, paper=paper, standalone=True)
        written.append(out / f"resume-{template}.html")
        written[-1].write_text(html, "utf-8")
    # The other formats do not depend on the template.
    others: dict[str, bytes | str] = {
        "resume.docx": formats.resume_docx(profile, paper=paper),
        "resume.md": formats.resume_markdown(profile),
        "resume.txt": formats.resume_text(profile),
        "resume.json": json.dumps(formats.json_resume(profile), indent=2, ensure_ascii=False),
        "cover-letter.docx": formats.cover_letter_docx(profile, letter, paper=paper),
        "cover-letter.md": formats.cover_letter_markdown(profile, letter),
        "cover-letter.txt": formats.cover_letter_text(profile, letter),
    }
    for name, content in others.items():
        written.append(out / name)
        if isinstance(content, bytes):
            written[-1].write_bytes(content)
        else:
            written[-1].write_text(content, "utf-8")
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("out/samples"))
    parser.add_argument("--paper", choices=export.PAPERS, default="a4")
    args = parser.parse_args(argv)
    for path in render_samples(args.out, paper=args.paper):
        print(path)


if __name__ == "__main__":
    main()
