"""Scoring speed: job–resume pairs scored per second on one core.

Each pair is scored the way the worker scores it: `analyse_job` on the posting, then
`score_profile` on the profile (profiles are parsed beforehand, outside the timing). Every run
starts with the vocabulary look-up caches and the stemmer cache emptied, so each job's text is
read cold, as a new posting would be. The baseline, timed in the same process over the same
pairs, is a plain TF-IDF cosine (IDF fitted beforehand; each pair vectorises both texts).

Pairs: the 1,000 (job, resume) pairs of rjdb dev when the file is present (`--rjdb`,
`$RJDB_DEV_PATH`, or `../shared/data/rjdb/dev.jsonl`), else the labelled corpus's 50 pairs.
The process is pinned to one CPU where the OS allows it. Figures are medians of `--runs` runs.

Run: ``.venv/bin/python bench/score_speed.py [--runs 5] [--rjdb PATH]``
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `tests.corpus` importable
    sys.path.insert(0, str(ROOT))

from tests.corpus.matching.evaluate import (  # noqa: E402
    AS_OF,
    TfidfCosine,
    load_matching_corpus,
    load_rjdb,
    profile_text,
    rjdb_path,
)
from worker.pipeline import analysis, scoring  # noqa: E402
from worker.pipeline.parsing import parse_text  # noqa: E402
from worker.pipeline.skills import SkillVocabulary, default_vocabulary  # noqa: E402
from worker.pipeline.types import JobPosting, Profile  # noqa: E402

COMMAND = ".venv/bin/python bench/score_speed.py"


def pin_to_one_core() -> str:
    if hasattr(os, "sched_setaffinity") and hasattr(os, "sched_getaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    return "not pinned (no sched_setaffinity on this OS)"


def clear_caches(vocabulary: SkillVocabulary) -> None:
    """Forget every memoised look-up so each run reads its texts cold."""
    analysis.clear_caches()
    cache = getattr(vocabulary, "_cache", None)  # the vocabulary's own find() memo, if any
    if isinstance(cache, dict):
        cache.clear()


def timed_runs(run: Callable[[], None], runs: int, before: Callable[[], None]) -> list[float]:
    before()
    run()  # imports, regex compilation, first-touch allocations
    times = []
    for _ in range(runs):
        before()
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rjdb", help="path of rjdb dev.jsonl")
    args = parser.parse_args(argv)
    pinned = pin_to_one_core()
    vocabulary = default_vocabulary()

    path = rjdb_path(args.rjdb)
    pairs: list[tuple[str, str, Profile]] = []
    if path.is_file():
        source = f"rjdb dev ({path})"
        for row in load_rjdb(path):
            for text in (row.matched, row.unmatched):
                pairs.append((row.job, text, parse_text(text).profile))
    else:
        source = f"labelled corpus (rjdb file not found at {path})"
        corpus = load_matching_corpus()
        for pair in corpus.pairs:
            profile = corpus.resumes[pair.resume]
            posting = corpus.jobs[pair.job]
            pairs.append((posting.description, profile_text(profile), profile))
    baseline = TfidfCosine(text for job, resume, _ in pairs for text in (job, resume))

    def ours() -> None:
        for job, _, profile in pairs:
            found = analysis.analyse_job(JobPosting(description=job), vocabulary=vocabulary)
            scoring.score_profile(profile, found, vocabulary=vocabulary, today=AS_OF)

    def base() -> None:
        for job, resume, _ in pairs:
            baseline.similarity(job, resume)

    rows = [
        ("TF-IDF cosine baseline", timed_runs(base, args.runs, lambda: None)),
        (
            "resumesmith: analyse_job + score_profile, cold caches",
            timed_runs(ours, args.runs, lambda: clear_caches(vocabulary)),
        ),
        (
            "resumesmith: same, caches warm (texts seen before)",
            timed_runs(ours, args.runs, lambda: None),
        ),
    ]
    base_rate = len(pairs) / statistics.median(rows[0][1])
    print(f"Command: {COMMAND} --runs {args.runs}" + (f" --rjdb {args.rjdb}" if args.rjdb else ""))
    print(f"{len(pairs)} pairs from {source}; {pinned}; median of {args.runs} runs\n")
    print("| scorer | pairs/s | ms/pair | × baseline speed |")
    print("|---|---:|---:|---:|")
    for name, times in rows:
        rate = len(pairs) / statistics.median(times)
        print(f"| {name} | {rate:,.0f} | {1000 / rate:.2f} | {rate / base_rate:.3f} |")
    print("\n(target ≥ 200 pairs/s/core, cold)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
