"""Measurements shared by `bench/match_quality.py`, `bench/skill_extraction.py`,
`bench/score_speed.py` and `tests/test_scoring.py`.

Everything here is plain Python written for this project: the corpus loaders, Spearman's rank
correlation, pairwise accuracy, a TF-IDF cosine baseline, and precision/recall of skill
extraction against the hand-labelled postings.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from worker.pipeline import analysis, scoring
from worker.pipeline.analysis import STOPWORDS
from worker.pipeline.parsing import iter_lines, parse_text
from worker.pipeline.skills import SkillVocabulary
from worker.pipeline.types import JobPosting, Profile

MATCHING_DIR = Path(__file__).resolve().parent
POSTINGS_DIR = MATCHING_DIR.parent / "postings"
REPO = MATCHING_DIR.parents[2]
RJDB_ENV = "RJDB_DEV_PATH"
RJDB_DEFAULT = REPO.parent / "shared" / "data" / "rjdb" / "dev.jsonl"
AS_OF = date(2026, 11, 25)
"""The date "present" means in the corpora, so figures do not drift as time passes."""

# --------------------------------------------------------------------------------------------
# Statistics
# --------------------------------------------------------------------------------------------


def average_ranks(values: Sequence[float]) -> list[float]:
    """1-based ranks, ties sharing the mean of the ranks they span."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float:
    n = len(xs)
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    cov = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    var_x = sum((x - mean_x) ** 2 for x in xs)
    var_y = sum((y - mean_y) ** 2 for y in ys)
    return cov / math.sqrt(var_x * var_y) if var_x and var_y else 0.0


def spearman(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Spearman's rank correlation: Pearson's r of the (tie-averaged) ranks."""
    return pearson(average_ranks(xs), average_ranks(ys))


# --------------------------------------------------------------------------------------------
# A plain TF-IDF cosine baseline
# --------------------------------------------------------------------------------------------

_BASELINE_TOKEN = re.compile(r"(?u)\b\w\w+\b")


class TfidfCosine:
    """TF-IDF cosine similarity: words of two or more characters, English stop words removed,
    sublinear term frequency (1 + ln tf), smoothed IDF ln((1 + n) / (1 + df)) + 1, L2-normed."""

    def __init__(self, corpus: Iterable[str]) -> None:
        documents = [set(self.tokens(text)) for text in corpus]
        df: Counter[str] = Counter()
        for document in documents:
            df.update(document)
        n = len(documents)
        self.idf = {term: math.log((1 + n) / (1 + count)) + 1 for term, count in df.items()}
        self.default_idf = math.log(1 + n) + 1

    @staticmethod
    def tokens(text: str) -> list[str]:
        return [t for t in _BASELINE_TOKEN.findall(text.lower()) if t not in STOPWORDS]

    def vector(self, text: str) -> dict[str, float]:
        counts = Counter(self.tokens(text))
        weights = {
            term: (1 + math.log(tf)) * self.idf.get(term, self.default_idf)
            for term, tf in counts.items()
        }
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        return {term: w / norm for term, w in weights.items()}

    def similarity(self, a: str, b: str) -> float:
        va, vb = self.vector(a), self.vector(b)
        if len(va) > len(vb):
            va, vb = vb, va
        return sum(w * vb.get(term, 0.0) for term, w in va.items())


def profile_text(profile: Profile) -> str:
    """A profile as plain text for the baseline: its lines, titles and skills."""
    parts = [text for _, text in iter_lines(profile)]
    for job in profile.get("work") or []:
        parts.append(str(job.get("position") or ""))
    for group in profile.get("skills") or []:
        parts.extend(str(k) for k in group.get("keywords") or [])
    return "\n".join(parts)


# --------------------------------------------------------------------------------------------
# rjdb: job descriptions with a matched and an unmatched resume
# --------------------------------------------------------------------------------------------


def rjdb_path(argument: str | None = None) -> Path:
    """The rjdb dev file: the argument, else $RJDB_DEV_PATH, else ../shared/data/rjdb/dev.jsonl."""
    return Path(argument or os.environ.get(RJDB_ENV) or RJDB_DEFAULT)


@dataclass(frozen=True)
class RjdbRow:
    index: int
    job: str
    matched: str
    unmatched: str


def load_rjdb(path: Path) -> list[RjdbRow]:
    rows = []
    with path.open(encoding="utf-8") as handle:
        for index, line in enumerate(handle):
            if line.strip():
                data = json.loads(line)
                rows.append(
                    RjdbRow(
                        index,
                        data["Job-Description"],
                        data["Resume-matched"],
                        data["Resume-unmatched"],
                    )
                )
    return rows


@dataclass
class PairwiseResult:
    wins: int
    total: int
    failures: list[int]

    @property
    def accuracy(self) -> float:
        return self.wins / self.total if self.total else 0.0


def rjdb_pairwise(
    rows: Sequence[RjdbRow], vocabulary: SkillVocabulary
) -> tuple[PairwiseResult, PairwiseResult]:
    """Pairwise accuracy (matched resume scored strictly above unmatched) for resumesmith and
    for the TF-IDF cosine baseline; the baseline's IDF is fitted on the rows' own texts."""
    baseline = TfidfCosine(text for row in rows for text in (row.job, row.matched, row.unmatched))
    ours = PairwiseResult(0, 0, [])
    base = PairwiseResult(0, 0, [])
    for row in rows:
        job = analysis.analyse_job(JobPosting(description=row.job), vocabulary=vocabulary)
        matched = scoring.score_profile(
            parse_text(row.matched).profile, job, vocabulary=vocabulary, today=AS_OF
        )
        unmatched = scoring.score_profile(
            parse_text(row.unmatched).profile, job, vocabulary=vocabulary, today=AS_OF
        )
        for result, won in (
            (ours, matched.score > unmatched.score),
            (
                base,
                baseline.similarity(row.job, row.matched)
                > baseline.similarity(row.job, row.unmatched),
            ),
        ):
            result.total += 1
            result.wins += won
            if not won:
                result.failures.append(row.index)
    return ours, base


def fixed_subset(rows: Sequence[RjdbRow], size: int = 100) -> list[RjdbRow]:
    """A deterministic, evenly spread subset: every (len/size)-th row."""
    step = max(1, len(rows) // size)
    return list(rows[::step][:size])


# --------------------------------------------------------------------------------------------
# The labelled matching corpus
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LabelledPair:
    job: str
    resume: str
    label: str
    grade: int


@dataclass
class MatchingCorpus:
    jobs: dict[str, JobPosting]
    resumes: dict[str, Profile]
    pairs: list[LabelledPair]


def load_matching_corpus(directory: Path = MATCHING_DIR) -> MatchingCorpus:
    labels = json.loads((directory / "labels.json").read_text("utf-8"))
    scale: dict[str, int] = labels["scale"]
    jobs = {
        path.stem: JobPosting(**json.loads(path.read_text("utf-8")))
        for path in sorted((directory / "jobs").glob("*.json"))
    }
    resumes = {
        path.stem: json.loads(path.read_text("utf-8"))
        for path in sorted((directory / "resumes").glob("*.json"))
    }
    pairs = [
        LabelledPair(p["job"], p["resume"], p["label"], scale[p["label"]]) for p in labels["pairs"]
    ]
    return MatchingCorpus(jobs, resumes, pairs)


@dataclass
class CorpusResult:
    spearman: float
    ranking_accuracy: float
    ranked_pairs: int
    scores: list[tuple[LabelledPair, float]]


def evaluate_matching(
    corpus: MatchingCorpus, score: Callable[[JobPosting, Profile], float]
) -> CorpusResult:
    """Spearman between labels (good 2, partial 1, none 0) and scores over all pairs, and the
    ranking accuracy: over every two resumes of one job with different labels, the share the
    score orders the same way (a tie counts as wrong)."""
    scored = [
        (pair, score(corpus.jobs[pair.job], corpus.resumes[pair.resume])) for pair in corpus.pairs
    ]
    rho = spearman([p.grade for p, _ in scored], [s for _, s in scored])
    right = total = 0
    for a, score_a in scored:
        for b, score_b in scored:
            if a.job == b.job and a.grade > b.grade:
                total += 1
                right += score_a > score_b
    return CorpusResult(rho, right / total if total else 0.0, total, scored)


def resumesmith_scorer(vocabulary: SkillVocabulary) -> Callable[[JobPosting, Profile], float]:
    cache: dict[int, Any] = {}

    def score(posting: JobPosting, profile: Profile) -> float:
        key = id(posting)
        if key not in cache:
            cache[key] = analysis.analyse_job(posting, vocabulary=vocabulary)
        return scoring.score_profile(profile, cache[key], vocabulary=vocabulary, today=AS_OF).score

    return score


def baseline_scorer(corpus: MatchingCorpus) -> Callable[[JobPosting, Profile], float]:
    model = TfidfCosine(
        [posting.description for posting in corpus.jobs.values()]
        + [profile_text(profile) for profile in corpus.resumes.values()]
    )

    def score(posting: JobPosting, profile: Profile) -> float:
        return model.similarity(posting.description, profile_text(profile))

    return score


# --------------------------------------------------------------------------------------------
# Skill extraction against hand-labelled postings
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LabelledPosting:
    slug: str
    posting: JobPosting
    required: list[str]
    preferred: list[str]
    labels: dict[str, Any]


def load_postings(
    directory: Path = POSTINGS_DIR, *, original: bool = False
) -> list[LabelledPosting]:
    """The labelled postings; `original=True` gives the labels as first written (see README)."""
    postings = []
    for path in sorted(directory.glob("*.json")):
        data = json.loads(path.read_text("utf-8"))
        labels = data["labels"]
        if original and "original" in labels:
            labels = {**labels, **labels["original"]}
        postings.append(
            LabelledPosting(
                path.stem,
                JobPosting(
                    description=data["description"],
                    title=data.get("title", ""),
                    company=data.get("company", ""),
                ),
                list(labels["required"]),
                list(labels["preferred"]),
                labels,
            )
        )
    return postings


@dataclass
class PRF:
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 0.0

    @property
    def recall(self) -> float:
        wanted = self.true_positives + self.false_negatives
        return self.true_positives / wanted if wanted else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, found: set[Any], wanted: set[Any]) -> None:
        self.true_positives += len(found & wanted)
        self.false_positives += len(found - wanted)
        self.false_negatives += len(wanted - found)


def aligned(label: str, vocabulary: SkillVocabulary) -> str:
    """A label in the vocabulary's spelling when the vocabulary knows it."""
    return vocabulary.canonical(label) or label


@dataclass
class ExtractionResult:
    with_level: PRF
    skills_only: PRF
    per_posting: list[tuple[str, PRF, set[tuple[str, str]], set[tuple[str, str]]]]
    unknown_labels: list[str]
    """Labels the vocabulary cannot name at all (extraction can never find them)."""


def evaluate_extraction(
    postings: Sequence[LabelledPosting], vocabulary: SkillVocabulary
) -> ExtractionResult:
    """Micro-averaged precision/recall/F1 of `analyse_job`'s skills against the labels.

    `with_level` scores (skill, required|preferred) pairs, so a required skill extracted as
    preferred is both a false positive and a false negative; `skills_only` ignores the level.
    """
    with_level, skills_only = PRF(), PRF()
    per_posting = []
    unknown = []
    for item in postings:
        job = analysis.analyse_job(item.posting, vocabulary=vocabulary)
        wanted = {(aligned(s, vocabulary), "required") for s in item.required}
        wanted |= {(aligned(s, vocabulary), "preferred") for s in item.preferred}
        found = {(s, "required") for s in job.required_skills}
        found |= {(s, "preferred") for s in job.preferred_skills}
        one = PRF()
        one.add(found, wanted)
        with_level.add(found, wanted)
        skills_only.add({s for s, _ in found}, {s for s, _ in wanted})
        per_posting.append((item.slug, one, found - wanted, wanted - found))
        unknown += [
            f"{item.slug}: {label}"
            for label in [*item.required, *item.preferred]
            if vocabulary.canonical(label) is None
        ]
    return ExtractionResult(with_level, skills_only, per_posting, unknown)
