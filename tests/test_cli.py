"""The `resumesmith` command runs the whole pipeline with no services at all."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from worker.cli import main

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


@pytest.fixture
def embedded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the CLI at a fresh SQLite file and a broker that does not exist."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'embedded.db'}")
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:1/0")
    return tmp_path


def test_demo_writes_real_pdfs_and_a_report(
    embedded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = embedded / "out"
    assert main(["demo", "--out", str(out)]) == 0
    pdfs = sorted(out.glob("*.pdf"))
    assert len(pdfs) == 3  # resume, cover letter, quality report
    resume_pdf = next(p for p in pdfs if "cover-letter" not in p.name and "report" not in p.name)
    text = PdfReader(io.BytesIO(resume_pdf.read_bytes())).pages[0].extract_text()
    assert "Avery Quinn-Müller" in text
    report = json.loads(next(out.glob("*-report.json")).read_text("utf-8"))
    assert 0 < report["match_score"] <= 100
    assert report["violations"] == []
    assert str(resume_pdf) in capsys.readouterr().out


def test_optimize_takes_a_json_resume(embedded: Path) -> None:
    out = embedded / "json-out"
    code = main(
        [
            "optimize",
            "--resume",
            str(SAMPLES / "resume.json"),
            "--job",
            str(SAMPLES / "job.txt"),
            "--out",
            str(out),
            "--company",
            "Northwind",
        ]
    )
    assert code == 0
    assert len(list(out.glob("*.pdf"))) == 3


def test_optimize_refuses_missing_files_and_unknown_providers(
    embedded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        main(
            ["optimize", "--resume", str(embedded / "nope.txt"), "--job", str(SAMPLES / "job.txt")]
        )
    code = main(
        [
            "optimize",
            "--resume",
            str(SAMPLES / "resume.txt"),
            "--job",
            str(SAMPLES / "job.txt"),
            "--out",
            str(embedded),
            "--provider",
            "openai",
        ]
    )
    assert code == 2
    assert "provider" in capsys.readouterr().err


def test_parse_prints_the_profile(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", str(SAMPLES / "resume.txt")]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["profile"]["basics"]["name"] == "Avery Quinn-Müller"


def test_score_reads_json_lines_and_prints_one_result_each(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    resume = (SAMPLES / "resume.txt").read_text("utf-8")
    job = (SAMPLES / "job.txt").read_text("utf-8")
    lines = [
        json.dumps({"id": "fit", "resume": resume, "job": job}),
        json.dumps({"id": "short", "resume": resume, "job": "Engineer"}),
        "not json",
        json.dumps(
            {
                "id": "nurse",
                "resume": resume,
                "job": "Registered Nurse wanted. Patient care, HIPAA and EHR experience required.",
            }
        ),
    ]
    source = tmp_path / "pairs.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["score", "--jsonl", str(source)]) == 0
    results = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["id"] for r in results] == ["fit", "short", 3, "nurse"]
    assert results[0]["match_score"] > results[3]["match_score"]
    assert "Python" in results[0]["matched_skills"]
    assert "at least" in results[1]["error"]
    assert "error" in results[2]


def test_parse_reads_a_pdf(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.test_resumes import pdf_bytes

    pdf = tmp_path / "cv.pdf"
    pdf.write_bytes(pdf_bytes())
    assert main(["parse", str(pdf)]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["profile"]["basics"]["name"] == "Dana Whitfield"
    assert "work" in printed["confidence"]
