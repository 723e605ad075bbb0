"""Skill extraction from job postings: precision, recall and F1 against hand-labelled postings.

Each posting in `tests/corpus/postings/` lists the skills it asks for, split into required and
preferred, labelled by hand (the rules are in that folder's README). `analyse_job` is run on every
posting and its `required_skills` / `preferred_skills` compared with the labels, micro-averaged:

* **with level** — (skill, required|preferred) pairs: a required skill reported as preferred is
  one false positive and one false negative. This is the headline figure (target F1 ≥ 0.85).
* **skills only** — the same, ignoring the level.

Labels are compared in the vocabulary's spelling (`vocabulary.canonical(label)` when it knows the
label). Labels the vocabulary cannot name at all are listed: no extractor built on it finds them.

Run: ``.venv/bin/python bench/skill_extraction.py [--details]``
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `tests.corpus` importable
    sys.path.insert(0, str(ROOT))

from tests.corpus.matching.evaluate import evaluate_extraction, load_postings  # noqa: E402
from worker.pipeline.skills import default_vocabulary  # noqa: E402

COMMAND = ".venv/bin/python bench/skill_extraction.py"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--details", action="store_true", help="false positives and negatives")
    args = parser.parse_args(argv)
    vocabulary = default_vocabulary()
    postings = load_postings()
    result = evaluate_extraction(postings, vocabulary)
    first = evaluate_extraction(load_postings(original=True), vocabulary)
    labels = sum(len(p.required) + len(p.preferred) for p in postings)
    print(f"Command: {COMMAND}")
    print(f"{len(postings)} hand-labelled postings, {labels} labelled skills\n")
    print("| labels | measure | precision | recall | F1 |")
    print("|---|---|---:|---:|---:|")
    for labels_name, outcome in (("reviewed", result), ("as first written", first)):
        for name, prf in (
            ("with level (required/preferred)", outcome.with_level),
            ("skills only", outcome.skills_only),
        ):
            print(
                f"| {labels_name} | {name} | {prf.precision:.3f} | {prf.recall:.3f} | "
                f"{prf.f1:.3f} |"
            )
    print("\n(target F1 ≥ 0.85 with level, reviewed labels; see tests/corpus/postings/README.md)")
    if result.unknown_labels:
        print(
            f"\nLabels the vocabulary cannot name ({len(result.unknown_labels)}): "
            + "; ".join(result.unknown_labels)
        )
    if args.details:
        print()
        for slug, prf, extra, missed in result.per_posting:
            print(f"{slug}: F1 {prf.f1:.2f}")
            if extra:
                print("   extra:  " + ", ".join(f"{s} ({lvl})" for s, lvl in sorted(extra)))
            if missed:
                print("   missed: " + ", ".join(f"{s} ({lvl})" for s, lvl in sorted(missed)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
