"""Measure resume parsing field by field on the hand-written corpus, in every upload format.

Every entry of ``tests/corpus/`` is rendered as plain text or Markdown, as a reportlab PDF, as an
xhtml2pdf PDF and as a DOCX (in memory), parsed with ``worker.pipeline.extract.parse_document``
and compared with the entry's expected JSON Resume fields. Printed:

* precision and recall per field (name, email, phone, work company/title/startDate/endDate,
  education institution/endDate, skills) per format and overall, and the exact-field share;
* parse time per document per format (median and p95 over the corpus, each document timed as
  the median of ``--runs`` parses), with the ratio to a baseline measured in the same run:
  ``parse_text`` on the same document's plain text;
* the worst entries with the fields they missed, to show where the parser should improve.

The scoring rules are documented in ``tests/corpus/score.py``; ``tests/test_parse_accuracy.py``
holds the parser to the target with the same code.

Run: ``.venv/bin/python bench/parse_accuracy.py [--runs N] [--format FMT] [--entry SLUG]``
     ``.venv/bin/python bench/parse_accuracy.py --dump 13-tomasz`` shows the extracted text.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `tests.corpus` importable
    sys.path.insert(0, str(ROOT))

from tests.corpus.render import FORMATS, load_corpus, render  # noqa: E402
from tests.corpus.score import format_report, measure, render_corpus  # noqa: E402


def dump(slugs: list[str], formats: tuple[str, ...]) -> None:
    """Print the text the extractor pulls out of each rendering, to debug a miss."""
    from worker.pipeline.extract import extract_text

    for entry in load_corpus():
        if not any(slug in entry.slug for slug in slugs):
            continue
        for fmt in formats:
            text = extract_text(render(entry, fmt)).text
            print(f"===== {entry.slug} [{fmt}] =====\n{text}\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="timed parses per document")
    parser.add_argument(
        "--format", action="append", choices=FORMATS, help="only these formats (repeatable)"
    )
    parser.add_argument(
        "--entry", action="append", help="only entries whose slug contains this (repeatable)"
    )
    parser.add_argument("--worst", type=int, default=10, help="how many worst entries to show")
    parser.add_argument("--dump", action="append", help="print extracted text for these entries")
    args = parser.parse_args(argv)
    formats = tuple(args.format or FORMATS)

    if args.dump:
        dump(args.dump, formats)
        return 0

    entries = load_corpus()
    if args.entry:
        entries = [e for e in entries if any(part in e.slug for part in args.entry)]
    if not entries:
        print("no corpus entries matched", file=sys.stderr)
        return 2

    start = time.perf_counter()
    rendered = render_corpus(entries, formats)
    render_s = time.perf_counter() - start
    start = time.perf_counter()
    report = measure(entries, formats, runs=args.runs, rendered=rendered)
    measure_s = time.perf_counter() - start

    print(format_report(report, args.worst))
    print(
        f"\nrendered {len(rendered)} documents in {render_s:.1f} s; "
        f"parsed and scored them ({args.runs} timed runs each) in {measure_s:.1f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
