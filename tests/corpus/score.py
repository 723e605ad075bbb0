"""Field-level scoring of parsed profiles against the corpus' expected JSON Resume fields.

Shared by ``bench/parse_accuracy.py`` (which prints the tables) and
``tests/test_parse_accuracy.py`` (which holds the parser to its target).

How a document is scored
------------------------
Every field is compared after light normalisation only: strings are compared case- and
whitespace-insensitively (and in Unicode NFC, which no reader can tell apart), phones by their
digits, dates exactly as ``YYYY-MM`` / ``YYYY``. An ongoing role's ``endDate`` is the value
"present", which the parser expresses by leaving ``endDate`` out of a job it found a start date
for. Education ``endDate`` is compared at the precision the expected file gives (normally the year).

Jobs and schools are matched by position, so the parser must keep their order: a missing job
counts against the recall of each of its fields, an extra job against the precision of each field
it fills. Skills are compared as a multiset of keywords across all groups.

For each field, a *slot* is one expected value or one value the parser produced where none was
expected; a slot is *exact* when the parser produced exactly the expected value. The headline
figure, the exact-field share, is exact slots / all slots over the corpus.
"""

from __future__ import annotations

import io
import math
import statistics
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from tests.corpus.render import FORMATS, Entry, render, render_text

FIELDS: tuple[str, ...] = (
    "name",
    "email",
    "phone",
    "work.company",
    "work.title",
    "work.startDate",
    "work.endDate",
    "education.institution",
    "education.endDate",
    "skills",
)
PRESENT = "present"

# --------------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------------


def norm_text(value: object) -> str:
    if not isinstance(value, str):
        return ""
    return " ".join(unicodedata.normalize("NFC", value).casefold().split())


def norm_phone(value: object) -> str:
    return "".join(ch for ch in value if ch.isdigit()) if isinstance(value, str) else ""


def norm_date(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


# --------------------------------------------------------------------------------------------
# Tallies
# --------------------------------------------------------------------------------------------


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    exact: int = 0
    slots: int = 0

    def add(self, other: Tally) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.exact += other.exact
        self.slots += other.slots

    @property
    def precision(self) -> float | None:
        produced = self.tp + self.fp
        return self.tp / produced if produced else None

    @property
    def recall(self) -> float | None:
        wanted = self.tp + self.fn
        return self.tp / wanted if wanted else None


@dataclass(frozen=True)
class Miss:
    path: str
    expected: str
    got: str


@dataclass
class DocScore:
    slug: str
    fmt: str
    tallies: dict[str, Tally] = field(default_factory=lambda: {f: Tally() for f in FIELDS})
    misses: list[Miss] = field(default_factory=list)
    ms: float = 0.0
    """Median parse time of this document in this format."""
    error: str = ""

    @property
    def exact(self) -> int:
        return sum(t.exact for t in self.tallies.values())

    @property
    def slots(self) -> int:
        return sum(t.slots for t in self.tallies.values())

    def compare(self, name: str, path: str, want: str, got: str, shown: tuple[str, str]) -> None:
        """Score one slot; ``want``/``got`` are normalised, ``shown`` the raw values."""
        tally = self.tallies[name]
        if not want and not got:
            return
        tally.slots += 1
        if want and got and want == got:
            tally.tp += 1
            tally.exact += 1
            return
        if want:
            tally.fn += 1
        if got:
            tally.fp += 1
        self.misses.append(Miss(path, shown[0], shown[1]))


# --------------------------------------------------------------------------------------------
# Scoring one profile
# --------------------------------------------------------------------------------------------


def _dicts(value: object) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _raw(value: object) -> str:
    return value if isinstance(value, str) else ""


def _strings(group: dict[str, Any]) -> list[str]:
    keywords = group.get("keywords")
    return [_raw(k) for k in keywords] if isinstance(keywords, list) else []


def _end_date(job: dict[str, Any] | None, expected: bool) -> str:
    """The job's end date, with "present" for an ongoing role (null / omitted endDate)."""
    if job is None:
        return ""
    if expected:
        return PRESENT if job.get("endDate") is None else norm_date(job["endDate"])
    end = norm_date(job.get("endDate"))
    if end:
        return PRESENT if end.lower() in {"present", "current", "now"} else end
    return PRESENT if norm_date(job.get("startDate")) else ""


def _education_end(got: str, want: str) -> str:
    """Compare at the precision of the expected value: "2016" matches a parsed "2016-06"."""
    return got[: len(want)] if want and len(got) > len(want) and got.startswith(want) else got


def score_profile(score: DocScore, expected: dict[str, Any], profile: dict[str, Any]) -> None:
    basics = profile.get("basics") if isinstance(profile.get("basics"), dict) else {}
    assert isinstance(basics, dict)
    want_basics = expected.get("basics", {})
    for name, normalise in (("name", norm_text), ("email", norm_text), ("phone", norm_phone)):
        want, got = _raw(want_basics.get(name)), _raw(basics.get(name))
        score.compare(name, name, normalise(want), normalise(got), (want, got))

    want_jobs, got_jobs = _dicts(expected.get("work")), _dicts(profile.get("work"))
    for i in range(max(len(want_jobs), len(got_jobs))):
        want_job = want_jobs[i] if i < len(want_jobs) else None
        got_job = got_jobs[i] if i < len(got_jobs) else None
        for name, key in (("work.company", "name"), ("work.title", "position")):
            want = _raw((want_job or {}).get(key))
            got = _raw((got_job or {}).get(key))
            score.compare(name, f"work[{i}].{key}", norm_text(want), norm_text(got), (want, got))
        want = _raw((want_job or {}).get("startDate"))
        got = _raw((got_job or {}).get("startDate"))
        path = f"work[{i}].startDate"
        score.compare("work.startDate", path, norm_date(want), norm_date(got), (want, got))
        want, got = _end_date(want_job, True), _end_date(got_job, False)
        score.compare("work.endDate", f"work[{i}].endDate", want, got, (want, got))

    want_schools = _dicts(expected.get("education"))
    got_schools = _dicts(profile.get("education"))
    for i in range(max(len(want_schools), len(got_schools))):
        want_school = want_schools[i] if i < len(want_schools) else {}
        got_school = got_schools[i] if i < len(got_schools) else {}
        want, got = _raw(want_school.get("institution")), _raw(got_school.get("institution"))
        path = f"education[{i}].institution"
        score.compare("education.institution", path, norm_text(want), norm_text(got), (want, got))
        want, got = norm_date(want_school.get("endDate")), norm_date(got_school.get("endDate"))
        path = f"education[{i}].endDate"
        score.compare("education.endDate", path, want, _education_end(got, want), (want, got))

    want_skills = [_raw(k) for k in expected.get("skills", [])]
    got_skills = [k for group in _dicts(profile.get("skills")) for k in _strings(group)]
    want_count = Counter(norm_text(k) for k in want_skills if norm_text(k))
    got_count = Counter(norm_text(k) for k in got_skills if norm_text(k))
    written = {norm_text(k): k for k in [*want_skills, *got_skills]}
    tally = score.tallies["skills"]
    for key in sorted(set(want_count) | set(got_count)):
        matched = min(want_count[key], got_count[key])
        missing = want_count[key] - matched
        extra = got_count[key] - matched
        tally.tp += matched
        tally.exact += matched
        tally.fn += missing
        tally.fp += extra
        tally.slots += matched + missing + extra
        score.misses += [Miss("skills", written[key], "")] * missing
        score.misses += [Miss("skills", "", written[key])] * extra


# --------------------------------------------------------------------------------------------
# The parser under test
# --------------------------------------------------------------------------------------------

ParseBytes = Callable[[bytes], dict[str, Any]]


def load_parser() -> tuple[ParseBytes | None, str]:
    """``parse_document`` from the extraction module, or None while it does not exist yet."""
    try:
        from worker.pipeline.extract import parse_document
    except ImportError:
        return None, "worker.pipeline.parsing.parse_text (parse_document not available yet)"

    def parse(data: bytes) -> dict[str, Any]:
        profile: dict[str, Any] = parse_document(data).profile
        return profile

    return parse, "worker.pipeline.extract.parse_document"


def _parse_plain_text(text: str) -> dict[str, Any]:
    from worker.pipeline.parsing import parse_text

    profile: dict[str, Any] = parse_text(text).profile
    return profile


# --------------------------------------------------------------------------------------------
# Measuring the corpus
# --------------------------------------------------------------------------------------------


@dataclass
class Report:
    parser: str
    fallback: bool
    formats: tuple[str, ...]
    docs: list[DocScore]
    baseline_ms: dict[str, float]
    """Median time of ``parse_text`` on each entry's plain text, measured in the same run."""
    pages: dict[str, int] = field(default_factory=dict)
    """Pages of each entry's reportlab PDF."""

    def select(self, fmt: str | None = None) -> list[DocScore]:
        return [d for d in self.docs if fmt is None or d.fmt == fmt]

    def tally(self, name: str, fmt: str | None = None) -> Tally:
        total = Tally()
        for doc in self.select(fmt):
            total.add(doc.tallies[name])
        return total

    def exact_share(self, fmt: str | None = None) -> float:
        docs = self.select(fmt)
        slots = sum(d.slots for d in docs)
        return sum(d.exact for d in docs) / slots if slots else 0.0

    def counts(self, fmt: str | None = None) -> tuple[int, int]:
        docs = self.select(fmt)
        return sum(d.exact for d in docs), sum(d.slots for d in docs)


def _timed(fn: Callable[[], Any], runs: int) -> tuple[Any, float]:
    times: list[float] = []
    result: Any = None
    for _ in range(max(1, runs)):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return result, statistics.median(times)


def render_corpus(
    entries: Iterable[Entry], formats: Iterable[str] = FORMATS
) -> dict[tuple[str, str], bytes]:
    formats = tuple(formats)
    return {(e.slug, fmt): render(e, fmt) for e in entries for fmt in formats}


def measure(
    entries: list[Entry],
    formats: Iterable[str] = FORMATS,
    *,
    runs: int = 1,
    rendered: dict[tuple[str, str], bytes] | None = None,
) -> Report:
    """Render (unless given), parse and score every entry in every format."""
    formats = tuple(formats)
    parse, parser_name = load_parser()
    rendered = rendered if rendered is not None else render_corpus(entries, formats)
    plain = {entry.slug: render_text(entry) for entry in entries}
    report = Report(parser_name, parse is None, formats, [], {})

    # Warm imports and caches outside the measurement.
    if entries:
        _parse_plain_text(plain[entries[0].slug])
        for fmt in formats:
            if parse is not None:
                parse(rendered[entries[0].slug, fmt])

    for entry in entries:
        baseline = partial(_parse_plain_text, plain[entry.slug])
        _, report.baseline_ms[entry.slug] = _timed(baseline, runs)
        for fmt in formats:
            doc = DocScore(entry.slug, fmt)
            # While parse_document is missing every format is read from the plain text.
            job = baseline if parse is None else partial(parse, rendered[entry.slug, fmt])
            try:
                profile, doc.ms = _timed(job, runs)
            except Exception as exc:  # scored as an empty profile, and shown in the report
                doc.error = f"{type(exc).__name__}: {exc}"
                profile = {}
            score_profile(doc, entry.expected, profile)
            report.docs.append(doc)
        if "pdf-reportlab" in formats:
            report.pages[entry.slug] = count_pdf_pages(rendered[entry.slug, "pdf-reportlab"])
    return report


def count_pdf_pages(data: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (p95 of 34 values is the 33rd smallest)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(len(ordered) * pct / 100))
    return ordered[rank - 1]


# --------------------------------------------------------------------------------------------
# Reports
# --------------------------------------------------------------------------------------------


def _ratio(value: float | None) -> str:
    return "    —" if value is None else f"{value:5.3f}"


def format_accuracy(report: Report) -> str:
    """Precision and recall per field, per format and overall, and the exact-field shares."""
    groups: list[str | None] = [*report.formats, None]
    names = [fmt or "all" for fmt in groups]
    width = 14
    lines = [
        f"{'field':<22}" + "".join(f"{name:^{width}}" for name in names),
        f"{'':<22}" + "".join(f"{'P':>6}{'R':>7} " for _ in names),
    ]
    for name in FIELDS:
        cells = []
        for fmt in groups:
            tally = report.tally(name, fmt)
            cells.append(f" {_ratio(tally.precision)}  {_ratio(tally.recall)} ")
        lines.append(f"{name:<22}" + "".join(cells))
    lines.append("")
    lines.append(
        f"{'exact-field share':<22}"
        + "".join(f"{report.exact_share(fmt):^{width}.3f}" for fmt in groups)
    )
    lines.append(
        f"{'  exact / slots':<22}"
        + "".join(f"{'{}/{}'.format(*report.counts(fmt)):^{width}}" for fmt in groups)
    )
    return "\n".join(lines)


def format_timing(report: Report) -> str:
    """Median and p95 parse time per document for each format, against the text baseline."""
    baseline = list(report.baseline_ms.values())
    base_median = statistics.median(baseline) if baseline else 0.0
    rows = [("baseline: parse_text(plain text)", baseline)]
    rows += [(fmt, [d.ms for d in report.select(fmt) if not d.error]) for fmt in report.formats]
    lines = [f"{'format':<34}{'median':>9}{'p95':>9}{'max':>9}{'x baseline':>12}"]
    for label, values in rows:
        if not values:
            continue
        med = statistics.median(values)
        ratio = med / base_median if base_median else 0.0
        lines.append(
            f"{label:<34}{med:9.2f}{percentile(values, 95):9.2f}{max(values):9.2f}{ratio:12.1f}"
        )
    multi = [slug for slug, pages in sorted(report.pages.items()) if pages >= 2]
    for slug in multi:
        times = ", ".join(
            f"{d.fmt} {d.ms:.1f} ms" for d in report.docs if d.slug == slug and not d.error
        )
        lines.append(f"  {slug} ({report.pages[slug]} pages): {times}")
    return "\n".join(lines)


def entry_shares(report: Report) -> list[tuple[str, int, int]]:
    """(slug, exact, slots) per entry over all formats, worst first."""
    totals: dict[str, list[int]] = {}
    for doc in report.docs:
        total = totals.setdefault(doc.slug, [0, 0])
        total[0] += doc.exact
        total[1] += doc.slots
    rows = [(slug, exact, slots) for slug, (exact, slots) in totals.items()]
    return sorted(rows, key=lambda row: (row[1] / row[2] if row[2] else 1.0, row[0]))


def format_worst(report: Report, count: int = 10, per_entry: int = 14) -> str:
    """The entries with the lowest exact-field share, with their misses grouped by format."""
    lines: list[str] = []
    for slug, exact, slots in entry_shares(report)[:count]:
        if exact == slots:
            break
        lines.append(f"{slug}: {exact}/{slots} exact ({exact / slots:.1%})")
        grouped: dict[Miss, list[str]] = {}
        for doc in report.docs:
            if doc.slug != slug:
                continue
            if doc.error:
                lines.append(f"    [{doc.fmt}] parse failed: {doc.error}")
            for miss in doc.misses:
                formats = grouped.setdefault(miss, [])
                if doc.fmt not in formats:
                    formats.append(doc.fmt)
        ordered = sorted(grouped.items(), key=lambda item: (-len(item[1]), item[0].path))
        for miss, formats in ordered[:per_entry]:
            where = "all formats" if len(formats) == len(report.formats) else ", ".join(formats)
            lines.append(
                f"    {miss.path}: expected {miss.expected!r}, got {miss.got!r}  [{where}]"
            )
        if len(ordered) > per_entry:
            lines.append(f"    … {len(ordered) - per_entry} more")
    return "\n".join(lines) if lines else "(every entry parsed exactly)"


def format_report(report: Report, worst: int = 10) -> str:
    entries = len({d.slug for d in report.docs})
    head = [
        f"Parse accuracy: {entries} corpus resumes x {len(report.formats)} formats "
        f"({', '.join(report.formats)})",
        f"Parser: {report.parser}",
    ]
    if report.fallback:
        head.append(
            "WARNING: parse_document is missing, so every format was read from the plain text; "
            "the per-format figures below do not measure PDF or DOCX extraction."
        )
    return "\n\n".join(
        [
            "\n".join(head),
            format_accuracy(report),
            "Parse time per document (ms)\n" + format_timing(report),
            f"Worst {worst} entries\n" + format_worst(report, worst),
        ]
    )
