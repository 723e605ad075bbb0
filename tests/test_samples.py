"""`make samples`: every template and format of the sample resume, written where a person looks."""

from __future__ import annotations

import io
import json
from pathlib import Path

import docx
from pypdf import PdfReader

from worker.pipeline import export
from worker.samples import main


def test_samples_cover_every_template_and_format(tmp_path: Path) -> None:
    main(["--out", str(tmp_path), "--paper", "letter"])
    for template in export.TEMPLATES:
        for stem in (f"resume-{template}", f"cover-letter-{template}"):
            pdf = PdfReader(io.BytesIO((tmp_path / f"{stem}.pdf").read_bytes()))
            assert "Avery Quinn-Müller" in pdf.pages[0].extract_text()
            assert round(float(pdf.pages[0].mediabox.width)) == 612  # US Letter
            assert (tmp_path / f"{stem}-p1.png").read_bytes().startswith(b"\x89PNG")
        assert "<html" in (tmp_path / f"resume-{template}.html").read_text("utf-8")
    resume = docx.Document(str(tmp_path / "resume.docx"))
    assert resume.paragraphs[0].text == "Avery Quinn-Müller"
    assert json.loads((tmp_path / "resume.json").read_text("utf-8"))["basics"]["name"]
    assert (tmp_path / "cover-letter.md").read_text("utf-8").startswith("**Avery Quinn-Müller**")
    assert "EXPERIENCE" in (tmp_path / "resume.txt").read_text("utf-8")
