"""Match quality: does the score agree with which resume fits a job?

Two measurements, each against a plain TF-IDF cosine baseline computed in the same run
(`tests/corpus/matching/evaluate.py` has both, written for this project):

* **rjdb dev** (500 job descriptions, each with a matched and an unmatched resume): pairwise
  accuracy, the share of rows where the matched resume scores strictly above the unmatched one.
  Resumes are parsed with `worker.pipeline.parsing.parse_text`. The file is read from
  `--rjdb PATH`, else `$RJDB_DEV_PATH`, else `../shared/data/rjdb/dev.jsonl` next to the repo;
  when it is absent the bench says so and measures the labelled corpus only.
* **tests/corpus/matching** (resume–job pairs labelled good / partial / none before any tuning):
  Spearman's rank correlation between label and score, and ranking accuracy over every two
  resumes of one job with different labels.

Run: ``.venv/bin/python bench/match_quality.py [--rjdb PATH] [--failures]``
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `tests.corpus` importable
    sys.path.insert(0, str(ROOT))

from tests.corpus.matching.evaluate import (  # noqa: E402
    baseline_scorer,
    evaluate_matching,
    load_matching_corpus,
    load_rjdb,
    resumesmith_scorer,
    rjdb_pairwise,
    rjdb_path,
)
from worker.pipeline.scoring import CONFIG  # noqa: E402
from worker.pipeline.skills import default_vocabulary  # noqa: E402

COMMAND = ".venv/bin/python bench/match_quality.py"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--rjdb",
        help="path of rjdb dev.jsonl (default: $RJDB_DEV_PATH or ../shared/data/rjdb/dev.jsonl)",
    )
    parser.add_argument("--failures", action="store_true", help="list the rjdb rows missed")
    args = parser.parse_args(argv)
    vocabulary = default_vocabulary()
    print(f"Command: {COMMAND}" + (f" --rjdb {args.rjdb}" if args.rjdb else ""))
    print(
        f"Vocabulary: {len(vocabulary.aliases) if hasattr(vocabulary, 'aliases') else '?'} aliases"
    )
    weights = {k: v for k, v in asdict(CONFIG).items()}
    print("Scoring config: " + ", ".join(f"{k}={v:g}" for k, v in weights.items()))
    print()

    path = rjdb_path(args.rjdb)
    if path.is_file():
        rows = load_rjdb(path)
        start = time.perf_counter()
        ours, base = rjdb_pairwise(rows, vocabulary)
        elapsed = time.perf_counter() - start
        print(f"## rjdb dev ({len(rows)} rows, {path})")
        print()
        print("| scorer | pairwise accuracy | wins |")
        print("|---|---:|---:|")
        print(f"| TF-IDF cosine baseline | {base.accuracy:.3f} | {base.wins}/{base.total} |")
        print(f"| resumesmith match score | {ours.accuracy:.3f} | {ours.wins}/{ours.total} |")
        print(f"\n({elapsed:.1f} s; target ≥ 0.970)")
        if args.failures:
            print(f"rows missed by resumesmith: {ours.failures}")
    else:
        print(
            f"rjdb dev file not found at {path}; skipping the rjdb measurement "
            f"(pass --rjdb PATH or set RJDB_DEV_PATH)."
        )
    print()

    corpus = load_matching_corpus()
    ours_c = evaluate_matching(corpus, resumesmith_scorer(vocabulary))
    base_c = evaluate_matching(corpus, baseline_scorer(corpus))
    print(
        f"## Labelled corpus ({len(corpus.pairs)} pairs, {len(corpus.jobs)} jobs, "
        f"{len(corpus.resumes)} resumes)"
    )
    print()
    print("| scorer | Spearman ρ | ranking accuracy |")
    print("|---|---:|---:|")
    for name, result in (("TF-IDF cosine baseline", base_c), ("resumesmith match score", ours_c)):
        print(
            f"| {name} | {result.spearman:.3f} | {result.ranking_accuracy:.3f} "
            f"({round(result.ranking_accuracy * result.ranked_pairs)}/{result.ranked_pairs}) |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
