"""Truthfulness validator: fabrications caught, false alarms on faithful rewrites, and speed.

The documents come from `tests/adversarial.py`, shared with `tests/test_claims.py`:

* **fabrications** — every corpus resume kind of lie (a new employer, an inflated title, shifted
  dates, an invented degree, institution or certification, an invented or inflated figure, a
  larger team, a posting's skill the person lacks, an injected instruction echoed back) planted
  in a few corpus resumes or their cover letters. Caught means at least one violation *of the
  planted kind*; the target is 100 %.
* **faithful** — the offline engine's resume and letter for every corpus resume (three postings,
  two strengths, three letter languages) and hand-written rewrites (reordered, trimmed,
  reworded, skill aliases, other date and number formats, abbreviated titles, a new summary and
  letter from the profile's facts). A false alarm is a document with any violation; the target
  is at most 2 %.

Time is `truth_report` per document with the source index built afresh each run (the
cache cleared), the median over all documents and `--runs` repetitions.

Run: ``.venv/bin/python bench/truth_eval.py [--runs 3] [--details]``
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `tests` importable
    sys.path.insert(0, str(ROOT))

from tests.adversarial import (  # noqa: E402
    VOCAB,
    Document,
    fabrications,
    faithful_rewrites,
)
from tests.corpus.matching.evaluate import AS_OF  # noqa: E402
from worker.pipeline import claims  # noqa: E402
from worker.pipeline.claims import Violation  # noqa: E402
from worker.pipeline.validation import truth_report  # noqa: E402

COMMAND = ".venv/bin/python bench/truth_eval.py"


def check(document: Document) -> list[Violation]:
    return truth_report(
        document.source,
        document.profile,
        document.letter,
        vocabulary=VOCAB,
        job=document.job,
        today=AS_OF,
    )


def timed(document: Document) -> float:
    """Seconds for one cold check: the source index is rebuilt, as for a new optimisation."""
    claims._INDEX_CACHE.clear()
    start = time.perf_counter()
    check(document)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="timing repetitions per document")
    parser.add_argument("--details", action="store_true", help="list misses and false alarms")
    args = parser.parse_args(argv)

    lies = fabrications()
    caught: Counter[str] = Counter()
    planted: Counter[str] = Counter()
    misses: list[str] = []
    for document in lies:
        planted[document.kind] += 1
        found = check(document)
        if any(v.kind == document.kind for v in found):
            caught[document.kind] += 1
        else:
            misses.append(f"{document.name}: {[str(v) for v in found]}")

    faithful = faithful_rewrites()
    alarms = [(d, found) for d in faithful if (found := check(d))]

    times = [timed(d) for _ in range(args.runs) for d in (*lies, *faithful)]

    print(f"# Truthfulness validator — {COMMAND} --runs {args.runs}\n")
    print("| fabrication kind | planted | caught | catch rate |")
    print("|---|---:|---:|---:|")
    for kind in claims.KINDS:
        if planted[kind]:
            rate = caught[kind] / planted[kind]
            print(f"| {kind} | {planted[kind]} | {caught[kind]} | {rate:.1%} |")
    total = sum(planted.values())
    print(f"| **all** | {total} | {sum(caught.values())} | {sum(caught.values()) / total:.1%} |")
    print(
        f"\nfalse alarms: {len(alarms)} of {len(faithful)} faithful documents "
        f"({len(alarms) / len(faithful):.2%})"
    )
    median_ms = statistics.median(times) * 1000
    p95_ms = sorted(times)[int(0.95 * (len(times) - 1))] * 1000
    print(f"time per document (cold source index): median {median_ms:.2f} ms, p95 {p95_ms:.2f} ms")
    if args.details:
        for miss in misses:
            print(f"MISS {miss}")
        for document, found in alarms:
            print(f"FALSE ALARM {document.name}: {[str(v) for v in found]}")
    return 0 if not misses and len(alarms) <= 0.02 * len(faithful) else 1


if __name__ == "__main__":
    sys.exit(main())
