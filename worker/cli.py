"""`resumesmith` command line: the same pipeline as the API, with no services at all."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from marshmallow import ValidationError

from worker import batch_client
from worker.batch_client import ClientError
from worker.pipeline.errors import ResumesmithError
from worker.pipeline.extract import parse_document

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def optimize_files(
    resume: Path,
    job: Path,
    out: Path,
    *,
    title: str = "",
    company: str = "",
    template: str = "classic",
    length_pages: int = 1,
    provider: str | None = None,
    strength: str = "balanced",
    tone: str = "professional",
    language: str | None = None,
) -> dict[str, object]:
    """Run one optimization in-process on the embedded database; write its documents to `out`."""
    from flask_migrate import upgrade

    from api import create_app
    from api.schemas import OptionsSchema
    from models import Job, Optimization, Resume, db, ensure_local_user
    from worker.runner import execute_optimization

    options = OptionsSchema().load(
        {
            "template": template,
            "length_pages": length_pages,
            "provider": provider,
            "strength": strength,
            "tone": tone,
            "language": language,
        }
    )
    app = create_app()
    llm = app.config["LLM"]
    options["provider"] = options["provider"] or llm.default
    if not llm.available(options["provider"]):
        raise ResumesmithError(
            f"provider '{options['provider']}' is not configured "
            f"({llm.get(options['provider']).unavailable_reason}); or use --provider local",
            code="provider_unavailable",
        )
    with app.app_context():
        upgrade()
        data = resume.read_bytes()
        parsed = parse_document(data)
        user_id = ensure_local_user().id
        resume_row = Resume.new(
            user_id=user_id,
            profile=parsed.profile,
            warnings=parsed.warnings,
            confidence=parsed.confidence,
            source_format=parsed.source_format,
            source_filename=resume.name[:255],
            source_file=data,
        )
        job_row = Job(
            user_id=user_id,
            title=title,
            company=company,
            description=job.read_text("utf-8", errors="replace"),
        )
        db.session.add(job_row)
        db.session.flush()
        optimization = Optimization.new(
            user_id=user_id, resume_id=resume_row.id, job_id=job_row.id, options=options
        )
        db.session.add(optimization)
        db.session.commit()
        status = execute_optimization(optimization.id)
        db.session.refresh(optimization)
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for document in optimization.documents:
            target = out / document.filename
            target.write_bytes(document.content)
            written.append(str(target))
        return {
            "optimization_id": str(optimization.id),
            "status": status,
            "match_score": optimization.match_score,
            "ats_score": optimization.ats_score,
            "error": optimization.error,
            "warnings": parsed.warnings,
            "files": written,
        }


def score_lines(lines: Iterable[str]) -> Iterator[dict[str, object]]:
    """Score `{"id", "resume", "job"}` JSON lines offline; one result (or error) per line."""
    from worker.pipeline import analysis, parsing, scoring
    from worker.pipeline.sanitize import clean_posting
    from worker.pipeline.skills import default_vocabulary
    from worker.pipeline.types import JobPosting

    vocabulary = default_vocabulary()
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            if not isinstance(item, dict):
                raise ValueError("each line must be a JSON object")
            posting = clean_posting(str(item["job"]))
            profile = parsing.parse_text(str(item["resume"])).profile
            job = analysis.analyse_job(JobPosting(description=posting.text), vocabulary=vocabulary)
            result = scoring.score_profile(profile, job, vocabulary=vocabulary)
        except (ValueError, KeyError, ResumesmithError) as error:
            detail = getattr(error, "detail", None) or f"{type(error).__name__}: {error}"
            yield {"id": _line_id(line, number), "error": detail}
            continue
        summary = result.to_dict()
        yield {
            "id": item.get("id", number),
            "match_score": result.score,
            "breakdown": summary.get("breakdown"),
            "matched_skills": result.matched_skills,
            "missing_skills": result.missing_skills,
        }


def _line_id(line: str, number: int) -> object:
    try:
        item = json.loads(line)
    except ValueError:
        return number
    return item.get("id", number) if isinstance(item, dict) else number


def _print_result(result: dict[str, object]) -> int:
    print(json.dumps(result, indent=2, ensure_ascii=False))
    if result["status"] != "succeeded":
        return 1
    print(f"\nDone. Match {result['match_score']}/100, ATS {result['ats_score']}/100. Files:")
    for path in result["files"]:  # type: ignore[attr-defined]
        print(f"  {path}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="resumesmith", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo", help="tailor the shipped sample resume to the sample job")
    demo.add_argument("--out", type=Path, default=Path("out"))

    opt = commands.add_parser("optimize", help="tailor a resume file to a job posting file")
    opt.add_argument("--resume", type=Path, required=True, help="PDF, DOCX, text or JSON Resume")
    opt.add_argument("--job", type=Path, required=True, help="job posting as plain text")
    opt.add_argument("--out", type=Path, default=Path("out"))
    opt.add_argument("--title", default="", help="job title (read from the posting if omitted)")
    opt.add_argument("--company", default="")
    opt.add_argument("--template", default="classic")
    opt.add_argument("--length", type=int, choices=(1, 2), default=1, help="pages")
    opt.add_argument(
        "--provider",
        choices=("local", "openai", "anthropic", "ollama"),
        help="default: LLM_PROVIDER, else the offline engine",
    )
    opt.add_argument("--strength", choices=("light", "balanced", "full"), default="balanced")
    opt.add_argument(
        "--tone", choices=("professional", "warm", "confident", "concise"), default="professional"
    )
    opt.add_argument("--language", help="two-letter code; default: the posting's language")

    score = commands.add_parser(
        "score", help="score resume/job pairs from JSON lines: {id, resume, job} per line"
    )
    score.add_argument("--jsonl", type=Path, required=True, help="input file, or - for stdin")

    parse = commands.add_parser(
        "parse", help="print the JSON Resume profile read from a PDF, DOCX, text or JSON file"
    )
    parse.add_argument("file", type=Path)
    batch_client.add_arguments(commands)

    args = parser.parse_args(argv)
    try:
        if args.command == "batch":
            return batch_client.run(args)
        if args.command == "demo":
            result = optimize_files(
                SAMPLES / "resume.txt",
                SAMPLES / "job.txt",
                args.out,
                title="Senior Backend Engineer",
                company="Northwind Analytics",
            )
            return _print_result(result)
        if args.command == "optimize":
            for path in (args.resume, args.job):
                if not path.is_file():
                    parser.error(f"no such file: {path}")
            result = optimize_files(
                args.resume,
                args.job,
                args.out,
                title=args.title,
                company=args.company,
                template=args.template,
                length_pages=args.length,
                provider=args.provider,
                strength=args.strength,
                tone=args.tone,
                language=args.language,
            )
            return _print_result(result)
        if args.command == "score":
            source = sys.stdin if str(args.jsonl) == "-" else args.jsonl.open(encoding="utf-8")
            with source:
                for result in score_lines(source):
                    print(json.dumps(result, ensure_ascii=False))
            return 0
        parsed = parse_document(args.file.read_bytes())
        print(
            json.dumps(
                {
                    "profile": parsed.profile,
                    "warnings": parsed.warnings,
                    "confidence": parsed.confidence,
                },
                indent=2,
                ensure_ascii=False,
            )
        )
        return 0
    except (ResumesmithError, ValueError, OSError, ValidationError, ClientError) as error:
        print(f"resumesmith: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
