"""Provenance: which of the user's own entries each line of a tailored resume came from, and
putting right what the truth check rejects.

Ids and paths. A *source id* is a JSON path into the source profile (`work[1]`,
`work[1].highlights[0]`, `skills[0].keywords[2]`, `education[0]`, `certificates[0]`,
`projects[0].highlights[1]`); a *tailored path* is the same kind of path into the tailored
profile, or `cover_letter[p]` for a letter paragraph. Prose that holds several sentences is
addressed per sentence with `#s{n}`, counted from 0 (`basics.summary#s1`, `cover_letter[2]#s0`),
for sources and tailored lines alike, as `split_sentences` cuts them.

How a tailored line is traced (`trace`):

* work, education, certificate, project and language entries are paired one-to-one with source
  entries on their facts (employer, title, start date …), never on their position, so a
  reordered resume traces as well as one in source order (`match_entries`);
* a bullet, or an entry's summary, traces only to the lines of its paired entry: to the
  identical line, else to every line sharing at least `SIMILAR` of the words of the shorter
  of the two (and `MIN_SHARED` words), else to nothing;
* a summary or letter sentence traces to the source lines it quotes (`QUOTES` of their
  words), or rephrases (`SIMILAR` of its own words), to the employers, schools, certificates,
  titles and skills it names, and for "N+ years" to the most recent jobs whose dates add up
  to N;
* a skills keyword traces to the same keyword in the source's skills (or another spelling of
  the same skill), else to the bullets that name it.

`trace` returns a `Provenance`: a dict of tailored path → list of `Source`, whose `to_dict()`
is what the API returns (`{"work[0].highlights[1]": [{"id", "text", "label", "match"}]}`). An
empty list means nothing was found: a sign of invention, or a sentence that states no fact of
the profile (a salutation, a sign-off). Whether something is a violation is for the truth check
(`validation.truth_report`) to say, and `unsourced_violations` to add for resume lines that
came from nowhere; `repair` fixes what they reported, and `restore_missing` puts back what the
tailored resume lost.

Words are compared as `content_words`: lower case, without accents, punctuation or function
words, stemmed, numbers kept.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from datetime import date
from typing import Any

from worker.pipeline.analysis import STOPWORDS, stem
from worker.pipeline.claims import (
    Violation,
    entries,
    normalise,
    normalise_date,
    normalise_employer,
    normalise_title,
)
from worker.pipeline.scoring import parse_iso_month
from worker.pipeline.skills import SkillVocabulary, default_vocabulary
from worker.pipeline.types import JobAnalysis, Profile, Tailored

SIMILAR = 0.5
"""A rephrased bullet shares at least half the content words of the shorter of it and its
source. Measured in `tests/test_provenance.py`: hand-written rephrasings (reordered, condensed,
merged, verbs swapped) score 0.75–1.0 against their origin; no bullet of either corpus scores
above 0.4 against another bullet of its own job (420 pairs), the lines an invention there
would most resemble; inventions written in a job's own vocabulary score at most 0.36."""
MIN_SHARED = 2
"""One shared word ("managed", "patients") is never enough to call two lines the same."""
QUOTES = 0.6
"""A sentence quotes a source line when it holds this share of the line's content words: a
letter cites a bullet whole, lower-cased and framed ("At Acme, I …"), or cut at the word
limit."""
MAX_REPHRASED = 3
"""A summary or letter sentence is traced to at most this many lines it rephrases."""
MIN_REPHRASED = 3
"""...and must share this many words with them: "Dear Hiring Team" is no rephrasing of "I
enjoy hiring and growing teams"."""

MATCHES = ("identical", "rephrased", "quoted", "named")
"""How a tailored line relates to a source: the same words or facts; the same line or entry in
other words (or with some facts changed); a sentence holding the source line; a sentence naming
the entry, its title or a skill it lists, or stating years of experience its dates add up to."""


@dataclass(frozen=True)
class Source:
    """One source entry a tailored line came from."""

    id: str
    """A path into the source profile (`work[1].highlights[0]`, `basics.summary#s0`)."""
    text: str
    """The source's own words: the bullet, sentence or keyword; "title at employer" for an entry."""
    label: str
    """Where it is, for a person: "Senior Backend Engineer at Lumen Freight Ltd, 2021–present"."""
    match: str
    """One of `MATCHES`."""

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


class Provenance(dict[str, list[Source]]):
    """Tailored path → the sources it came from, in document order; `[]` when none was found."""

    def to_dict(self) -> dict[str, list[dict[str, str]]]:
        return {path: [source.to_dict() for source in sources] for path, sources in self.items()}

    def untraced(self) -> list[str]:
        """Tailored paths no source was found for."""
        return [path for path, sources in self.items() if not sources]


@dataclass(frozen=True)
class Repair:
    """One change `repair` made; `path` is where it was in the tailored document it was given."""

    path: str
    action: str
    """`restored` (the source's own wording put back) or `removed`."""
    before: str
    after: str
    """Empty when removed."""
    reason: str
    """The violations' reasons, joined with "; "."""

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass(frozen=True)
class Missing:
    """A source employer, degree or date range the tailored resume lost."""

    id: str
    """The source entry (`work[2]`, `education[0]`), or the field (`work[2].endDate`)."""
    kind: str
    """`employer` (no role at that employer is left), `date_range` (one role of an employer that
    is still there, or a date of a kept entry) or `degree`."""
    text: str
    label: str
    action: str
    """`restored` (put back into the tailored profile) or `reported` (left out on purpose)."""
    reason: str

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


# --------------------------------------------------------------------------------------------
# Words and sentences
# --------------------------------------------------------------------------------------------


def content_words(text: Any) -> frozenset[str]:
    """What a line is about: stemmed words without function words, numbers kept."""
    return frozenset(
        stem(word) if word.isalpha() else word
        for word in normalise(text).split()
        if word not in STOPWORDS and (len(word) > 1 or word.isdigit())
    )


_SENTENCE_END = re.compile(
    # A company's "Ltd." or "Co." ends a sentence when a capital follows ("Currently at Acme
    # Ltd. Led …"), unless another suffix follows ("Saigon Analytics Co. Ltd").
    r"(?<=[.!?…])(?!(?<=\bCo\.)\s+(?:Ltd|Inc|KG|LLC|Limited|GmbH)\b)"
    r"(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\betc\.)"
    r"(?<!\bvs\.)(?<!\bDr\.)(?<!\bMr\.)(?<!\bMs\.)(?<!\bSt\.)(?<!\bSr\.)(?<!\bJr\.)"
    r"\s+(?=[^\sa-zß-ÿ])"
)


def split_sentences(text: Any) -> list[str]:
    """A paragraph's sentences, whitespace collapsed; `#s{n}` paths count these."""
    return [s for s in _SENTENCE_END.split(" ".join(str(text or "").split())) if s]


def _plain(text: Any) -> str:
    """Text compared as "the same words": whitespace collapsed, a trailing stop ignored."""
    return " ".join(str(text or "").split()).rstrip(" .;")


def _texts(value: Any) -> list[tuple[int, str]]:
    """A list's text items with their indices, which paths use; anything else is skipped."""
    if not isinstance(value, list):
        return []
    return [(k, str(v)) for k, v in enumerate(value) if isinstance(v, str | int | float)]


def _basics(profile: Profile) -> dict[str, Any]:
    basics = profile.get("basics")
    return basics if isinstance(basics, dict) else {}


# --------------------------------------------------------------------------------------------
# Entries: pairing and labels
# --------------------------------------------------------------------------------------------

_FACTS: dict[str, tuple[tuple[str, int], ...]] = {
    # (fact, weight); the first fact is the entry's anchor.
    "work": (("name", 4), ("position", 2), ("startDate", 2), ("endDate", 1)),
    "education": (("institution", 4), ("degree", 2), ("endDate", 1), ("startDate", 1)),
    "certificates": (("name", 4), ("issuer", 1), ("date", 1)),
    "projects": (("name", 4), ("startDate", 1), ("endDate", 1)),
    "languages": (("language", 4), ("fluency", 1)),
}
SECTIONS = tuple(_FACTS)
"""Sections whose entries are paired with the source's."""
IDENTITY_FIELDS: dict[str, frozenset[str]] = {
    "work": frozenset({"name", "position", "startDate", "endDate"}),
    "education": frozenset({"institution", "studyType", "area", "startDate", "endDate"}),
    "certificates": frozenset({"name", "issuer", "date"}),
    "projects": frozenset({"name"}),
    "languages": frozenset({"language", "fluency"}),
}
"""The fields that say which entry it is: a wrong one is restored in a paired entry, and an
entry paired with nothing is removed."""


def _facts(section: str, entry: dict[str, Any]) -> dict[str, str]:
    def date_of(key: str) -> str:
        return normalise_date(entry.get(key)) or ""

    if section == "work":
        return {
            "name": normalise_employer(entry.get("name") or entry.get("company")),
            "position": normalise_title(entry.get("position")),
            "startDate": date_of("startDate"),
            "endDate": date_of("endDate"),
        }
    if section == "education":
        degree = " ".join(text for _, text in _texts([entry.get("studyType"), entry.get("area")]))
        return {
            "institution": normalise_employer(entry.get("institution")),
            "degree": normalise(degree),
            "endDate": date_of("endDate"),
            "startDate": date_of("startDate"),
        }
    if section == "certificates":
        return {
            "name": normalise(entry.get("name")),
            "issuer": normalise_employer(entry.get("issuer")),
            "date": date_of("date"),
        }
    if section == "projects":
        return {
            "name": normalise(entry.get("name")),
            "startDate": date_of("startDate"),
            "endDate": date_of("endDate"),
        }
    return {
        "language": normalise(entry.get("language")),
        "fluency": normalise(entry.get("fluency")),
    }


def _pair_score(section: str, a: dict[str, str], b: dict[str, str]) -> int:
    """How much two entries agree on, or 0 when they are not the same entry: the anchor must
    agree, or two of the other facts must (a job renamed by mistake is still that job)."""
    agree = [(key, weight) for key, weight in _FACTS[section] if a[key] and a[key] == b[key]]
    anchor = _FACTS[section][0][0]
    if not any(key == anchor for key, _ in agree) and len(agree) < 2:
        return 0
    return sum(weight for _, weight in agree)


def match_entries(source: Profile, tailored: Profile, section: str) -> dict[int, int]:
    """Tailored index → source index of the `section` entries that are the same entry.

    Pairs are taken best first (most facts agreeing, then nearest in position), each entry at
    most once, so two roles at one employer pair with their own dates and titles.
    """
    ours = [(i, _facts(section, entry)) for i, entry in entries(tailored, section)]
    theirs = [(j, _facts(section, entry)) for j, entry in entries(source, section)]
    pairs = sorted(
        (-score, abs(i - j), i, j)
        for i, a in ours
        for j, b in theirs
        if (score := _pair_score(section, a, b))
    )
    paired: dict[int, int] = {}
    taken: set[int] = set()
    for _, _, i, j in pairs:
        if i not in paired and j not in taken:
            paired[i] = j
            taken.add(j)
    return paired


def _year(value: Any) -> str:
    found = re.search(r"(?<!\d)\d{4}(?!\d)", str(value or ""))
    return found.group(0) if found else ""


def _span(entry: dict[str, Any]) -> str:
    start, end = _year(entry.get("startDate")), _year(entry.get("endDate"))
    if start and not end:
        return f"{start}–present"
    if start and end and start != end:
        return f"{start}–{end}"
    return end or start


def _clean(value: Any) -> str:
    return " ".join(str(value or "").split())


def _joined(parts: list[str], separator: str = ", ") -> str:
    return separator.join(part for part in parts if part)


def entry_text(section: str, entry: dict[str, Any]) -> str:
    """An entry in a few words: "Senior Backend Engineer at Lumen Freight Ltd"."""
    if section == "work":
        return _joined([_clean(entry.get("position")), _clean(entry.get("name"))], " at ")
    if section == "education":
        degree = _joined([_clean(entry.get("studyType")), _clean(entry.get("area"))], " ")
        return _joined([degree, _clean(entry.get("institution"))])
    if section == "certificates":
        return _joined([_clean(entry.get("name")), _clean(entry.get("issuer"))])
    if section == "projects":
        return _clean(entry.get("name"))
    if section == "languages":
        fluency = _clean(entry.get("fluency"))
        return _clean(entry.get("language")) + (f" ({fluency})" if fluency else "")
    return _clean(entry.get("name") or entry.get("title"))


def entry_label(section: str, entry: dict[str, Any]) -> str:
    """An entry as a person recognises it: "Senior Backend Engineer at Lumen Freight Ltd,
    2021–present", "BSc Computer Science, Universität Leipzig, 2015"."""
    text = entry_text(section, entry)
    if section == "projects":
        text = f"Project {text}" if text else "A project"
    when = _span(entry) if section != "certificates" else _year(entry.get("date"))
    return _joined([text, when])


# --------------------------------------------------------------------------------------------
# The source, indexed for tracing
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Line:
    id: str
    text: str
    label: str
    words: frozenset[str]

    def source(self, match: str) -> Source:
        return Source(self.id, self.text, self.label, match)


@dataclass(frozen=True)
class _Name:
    """A name a sentence may mention: an employer, school, certificate, project or title."""

    words: tuple[str, ...]
    written: str
    capital: str
    """A one-word name must be written capitalised, so "Target" is not "target audience"."""
    source: Source
    employer: str = ""
    """For a job's name and title: its employer, so a title is read as the role held at the
    employer the sentence names, when it names one."""
    title: bool = False


_NUMBER_WORDS = {
    word: value
    for value, word in enumerate(
        ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
         "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
         "eighteen", "nineteen", "twenty")
    )
}  # fmt: skip
_YEARS = re.compile(
    r"(?i)(?<![\w.])(?P<num>\d{1,2}|" + "|".join(_NUMBER_WORDS) + r")\s*(?:\+|plus)?\s*"
    r"(?:-\s*)?(?:years?|yrs?|Jahren?|ans|años|anni|jaar)\b"
)


class _SourceIndex:
    """The source profile's lines, names, skills and dates, read once per trace."""

    def __init__(self, source: Profile, vocabulary: SkillVocabulary, today: date) -> None:
        self.source = source
        self.vocabulary = vocabulary
        self.lines: list[_Line] = []
        self.by_entry: dict[str, list[_Line]] = {}
        self.entries: dict[str, Source] = {}
        self.names: list[_Name] = []
        self.keywords: list[tuple[_Line, frozenset[str]]] = []
        self.spans: list[tuple[int, int, str]] = []
        """(start month, end month, work entry id) of each dated job."""
        self.line_skills: dict[str, list[_Line]] = {}
        """Canonical skill → the lines naming it."""
        basics = _basics(source)
        self.person = _clean(basics.get("name"))
        summary = split_sentences(basics.get("summary"))
        for n, sentence in enumerate(summary):
            self._line(f"basics.summary#s{n}", sentence, "Summary")
        label = _clean(basics.get("label"))
        if label:
            self._name(label, Source("basics.label", label, "Headline", "named"), title=True)
        self._read_entries(today)
        for g, group in entries(source, "skills"):
            keywords = _texts(group.get("keywords"))
            where = _joined(["Skills", _clean(group.get("name"))], ": ")
            for k, keyword in keywords:
                self._keyword(f"skills[{g}].keywords[{k}]", keyword, where)
            if not keywords and group.get("name"):
                self._keyword(f"skills[{g}].name", str(group["name"]), "Skills")
        for p, project in entries(source, "projects"):
            where = entry_label("projects", project)
            for k, keyword in _texts(project.get("keywords")):
                self._keyword(f"projects[{p}].keywords[{k}]", keyword, where)
        for line in self.lines:
            for skill in vocabulary.find(line.text):
                self.line_skills.setdefault(skill, []).append(line)

    def _line(self, id_: str, text: str, label: str, entry: str = "") -> None:
        line = _Line(id_, _clean(text), label, content_words(text))
        if line.text:
            self.lines.append(line)
            if entry:
                self.by_entry.setdefault(entry, []).append(line)

    def _name(
        self,
        text: str,
        source: Source,
        *,
        employer: str = "",
        title: bool = False,
        organisation: bool = False,
    ) -> None:
        """`organisation`: a company or school, named with or without its legal suffix."""
        words = tuple((normalise_employer(text) if organisation else normalise(text)).split())
        if not words:
            return
        first = text.split()[0] if text.split() else ""
        capital = first if len(words) == 1 and first[:1].isupper() else ""
        self.names.append(_Name(words, _clean(text), capital, source, employer, title))

    def _keyword(self, id_: str, keyword: str, label: str) -> None:
        written = _clean(keyword)
        canonical = self.vocabulary.canonical(written)
        skills = frozenset([canonical] if canonical else self.vocabulary.find(written))
        self.keywords.append((_Line(id_, written, label, content_words(written)), skills))

    def _read_entries(self, today: date) -> None:
        for section in SECTIONS:
            for j, entry in entries(self.source, section):
                at = f"{section}[{j}]"
                label = entry_label(section, entry)
                self.entries[at] = Source(at, entry_text(section, entry), label, "identical")
                self._read_entry(section, at, entry, label)
        for j, job in entries(self.source, "work"):
            start = parse_iso_month(job.get("startDate"))
            if start is not None:
                end = parse_iso_month(job.get("endDate")) or today
                start_m = start.year * 12 + start.month
                self.spans.append((start_m, max(end.year * 12 + end.month, start_m), f"work[{j}]"))

    def _read_entry(self, section: str, at: str, entry: dict[str, Any], label: str) -> None:
        named = replace(self.entries[at], match="named")
        if section == "work":
            for key in ("summary", "description"):
                for n, sentence in enumerate(split_sentences(entry.get(key))):
                    self._line(f"{at}.{key}#s{n}", sentence, label, at)
            employer = normalise_employer(entry.get("name"))
            self._name(_clean(entry.get("name")), named, employer=employer, organisation=True)
            if entry.get("position"):
                self._name(str(entry["position"]), named, employer=employer, title=True)
        elif section == "projects":
            for n, sentence in enumerate(split_sentences(entry.get("description"))):
                self._line(f"{at}.description#s{n}", sentence, label, at)
            self._name(_clean(entry.get("name")), named)
        elif section == "education":
            self._name(_clean(entry.get("institution")), named, organisation=True)
        elif section == "certificates":
            self._name(_clean(entry.get("name")), named)
        for k, text in _texts(entry.get("highlights")):
            self._line(f"{at}.highlights[{k}]", text, label, at)

    # ----------------------------------------------------------------------------------------

    def trace_line(self, text: str, candidates: list[_Line]) -> list[Source]:
        """A bullet against its own entry's lines: the identical one, else the similar ones."""
        plain = _plain(text)
        for line in candidates:
            if _plain(line.text) == plain:
                return [line.source("identical")]
        words = content_words(text)
        scored = []
        for order, line in enumerate(candidates):
            shared = words & line.words
            if len(shared) < MIN_SHARED:
                continue
            overlap = len(shared) / min(len(words), len(line.words))
            if overlap >= SIMILAR:
                scored.append((-overlap, -len(shared), order, line))
        chosen: list[Source] = []
        covered: set[str] = set()
        for _, _, _, line in sorted(scored, key=lambda item: item[:3]):
            new = (words & line.words) - covered
            if chosen and len(new) < MIN_SHARED:
                continue  # a near-duplicate of a line already chosen explains nothing more
            chosen.append(line.source("rephrased"))
            covered |= new
        return chosen

    def trace_label(self, label: str) -> list[Source]:
        """A headline: the source's own, else the titles it names."""
        own = _clean(_basics(self.source).get("label"))
        if own and _plain(own) == _plain(label):
            return [Source("basics.label", own, "Headline", "identical")]
        return self.trace_prose(label)

    def trace_prose(self, sentence: str, *, addressed: tuple[str, ...] = ()) -> list[Source]:
        """A summary or letter sentence: the lines it quotes or rephrases, then what it names.

        `addressed` are names that are the reader's, not the writer's (the posting's company
        and title in a letter): they are no evidence of anything, so they are blanked first.
        """
        sentence = _blank(sentence, addressed)
        found: list[Source] = []
        plain = _plain(sentence)
        if self.person and plain == _plain(self.person):
            found.append(Source("basics.name", self.person, "Name", "identical"))
        found += [line.source("identical") for line in self.lines if _plain(line.text) == plain]
        if not found:
            found += self._quoted_or_rephrased(sentence)
        named, rest = self._named(sentence)
        found += named
        found += self._years(sentence)
        found += self._skills(rest)  # not "Logistics" in "Harbury Logistics Group"
        return _unique(found)

    def _quoted_or_rephrased(self, sentence: str) -> list[Source]:
        words = content_words(sentence)
        quoted = [
            line.source("quoted")
            for line in self.lines
            if len(shared := words & line.words) >= MIN_SHARED
            and len(shared) >= QUOTES * len(line.words)
        ]
        if quoted or not words:
            return quoted
        chosen: list[_Line] = []
        covered: set[str] = set()
        while len(chosen) < MAX_REPHRASED:
            best = max(
                (line for line in self.lines if line not in chosen),
                key=lambda line: len((words & line.words) - covered),
                default=None,
            )
            if best is None or len((words & best.words) - covered) < MIN_SHARED:
                break
            chosen.append(best)
            covered |= words & best.words
        if len(covered) < max(MIN_REPHRASED, SIMILAR * len(words)):
            return []
        return [line.source("rephrased") for line in chosen]

    def _named(self, sentence: str) -> tuple[list[Source], str]:
        """The entries a sentence names, and the sentence without those names."""
        words = normalise(sentence).split()
        hits: list[tuple[int, int, _Name]] = []
        for name in self.names:
            if name.capital and not re.search(rf"(?<!\w){re.escape(name.capital)}(?!\w)", sentence):
                continue
            size = len(name.words)
            for start in range(len(words) - size + 1):
                if tuple(words[start : start + size]) == name.words:
                    hits.append((start, start + size, name))
        # "Engineer" inside "Senior Backend Engineer" is not a second title.
        hits = [
            (a, b, name)
            for a, b, name in hits
            if not any(c <= a and b <= d and (c, d) != (a, b) for c, d, _ in hits)
        ]
        employers = {name.employer for *_, name in hits if name.employer and not name.title}
        named = [
            name.source
            for _, _, name in sorted(hits, key=lambda hit: hit[:2])
            # A title held at several employers: the role at the employer named, if any.
            if not (name.title and name.employer and employers) or name.employer in employers
        ]
        written = [form for *_, name in hits for form in (name.written, " ".join(name.words))]
        return named, _blank(sentence, tuple(written))

    def _years(self, sentence: str) -> list[Source]:
        found: list[Source] = []
        for match in _YEARS.finditer(sentence):
            number = match.group("num").lower()
            years = int(number) if number.isdigit() else _NUMBER_WORDS[number]
            found += self._jobs_adding_up_to(years)
        return found

    def _jobs_adding_up_to(self, years: int) -> list[Source]:
        """The most recent jobs whose dates, overlaps counted once, add up to `years`."""
        chosen: list[tuple[int, int, str]] = []
        for span in sorted(self.spans, key=lambda s: (-s[1], -s[0])):
            chosen.append(span)
            if round(_union_months(chosen) / 12, 1) >= years:
                return [replace(self.entries[at], match="named") for _, _, at in chosen]
        return []

    def _skills(self, sentence: str) -> list[Source]:
        found: list[Source] = []
        for skill in self.vocabulary.find(sentence):
            listed = [line for line, skills in self.keywords if skill in skills]
            lines = listed[:1] or self.line_skills.get(skill, [])[:1]
            found += [line.source("named") for line in lines]
        return found

    def trace_keyword(self, keyword: str) -> list[Source]:
        """A skills keyword: the same keyword in the source, else the same skill, else the
        lines that name it."""
        plain = normalise(keyword)
        same = [line for line, _ in self.keywords if normalise(line.text) == plain]
        if same:
            return [same[0].source("identical")]
        canonical = self.vocabulary.canonical(_clean(keyword))
        skills = [canonical] if canonical else self.vocabulary.find(keyword)
        found: list[Source] = []
        for skill in skills:
            listed = [line for line, known in self.keywords if skill in known]
            lines = listed[:1] or self.line_skills.get(skill, [])[:1]
            found += [line.source("named") for line in lines]
        return _unique(found)


def _blank(sentence: str, names: tuple[str, ...]) -> str:
    """`sentence` with each of `names` (as written, in any case) replaced by spaces."""
    for name in sorted(filter(None, names), key=len, reverse=True):
        pattern = r"\W+".join(re.escape(word) for word in name.split())
        sentence = re.sub(rf"(?i)(?<!\w){pattern}(?!\w)", lambda m: " " * len(m[0]), sentence)
    return sentence


def _union_months(spans: list[tuple[int, int, str]]) -> int:
    months, reached = 0, -1
    for start, end, _ in sorted(spans):
        if end > reached:
            months += end - max(start, reached)
            reached = end
    return months


def _unique(sources: list[Source]) -> list[Source]:
    seen: set[str] = set()
    kept = []
    for source in sources:
        if source.id not in seen:
            seen.add(source.id)
            kept.append(source)
    return kept


# --------------------------------------------------------------------------------------------
# Tracing
# --------------------------------------------------------------------------------------------


def trace(
    source: Profile,
    tailored: Tailored,
    *,
    job: JobAnalysis | None = None,
    vocabulary: SkillVocabulary | None = None,
    today: date | None = None,
) -> Provenance:
    """Every line of the tailored resume and letter, with the source entries it came from.

    Paths traced: `basics.label`, `basics.summary#s{n}`, each entry of `SECTIONS`
    (`work[i]` …), `work[i].highlights[k]`, `work[i].summary#s{n}`,
    `projects[i].highlights[k]`, `skills[g].keywords[k]` (`skills[g].name` for a group that is
    one skill) and `cover_letter[p]#s{n}`. `job`, when given, names the posting's company and
    title, which a letter addresses without claiming them; `today` dates the ongoing jobs for
    "N+ years".
    """
    index = _SourceIndex(source, vocabulary or default_vocabulary(), today or date.today())
    profile = tailored.profile
    out = Provenance()
    basics = _basics(profile)
    if _clean(basics.get("label")):
        out["basics.label"] = index.trace_label(_clean(basics.get("label")))
    for n, sentence in enumerate(split_sentences(basics.get("summary"))):
        out[f"basics.summary#s{n}"] = index.trace_prose(sentence)
    for section in SECTIONS:
        paired = match_entries(source, profile, section)
        for i, entry in entries(profile, section):
            at, j = f"{section}[{i}]", paired.get(i)
            out[at] = [_entry_source(index, section, j, entry)] if j is not None else []
            if section not in ("work", "projects"):
                continue
            lines = index.by_entry.get(f"{section}[{j}]", []) if j is not None else []
            for key in ("summary", "description"):
                for n, sentence in enumerate(split_sentences(entry.get(key))):
                    out[f"{at}.{key}#s{n}"] = index.trace_line(sentence, lines)
            for k, bullet in _texts(entry.get("highlights")):
                out[f"{at}.highlights[{k}]"] = index.trace_line(bullet, lines)
    for g, group in entries(profile, "skills"):
        keywords = _texts(group.get("keywords"))
        for k, keyword in keywords:
            out[f"skills[{g}].keywords[{k}]"] = index.trace_keyword(keyword)
        if not keywords and group.get("name"):
            out[f"skills[{g}].name"] = index.trace_keyword(str(group["name"]))
    addressed = (job.company, job.title) if job else ()
    for p, paragraph in enumerate(tailored.cover_letter):
        for n, sentence in enumerate(split_sentences(paragraph)):
            out[f"cover_letter[{p}]#s{n}"] = index.trace_prose(sentence, addressed=addressed)
    return out


_MUST_TRACE = re.compile(
    r"^(?:basics\.label|basics\.summary#s\d+|(?:work|education|certificates|projects)\[\d+\]"
    r"|(?:work|projects)\[\d+\]\.highlights\[\d+\]|skills\[\d+\]\.(?:keywords\[\d+\]|name))$"
)


def unsourced_violations(tailored: Tailored, provenance: Provenance) -> list[Violation]:
    """A violation for every resume line `provenance` found no source for (kind `unsourced`).

    The truth check catches invented facts (a skill, a number, an employer); this catches a
    line that states none of them and still came from nowhere ("Designed a prototype on
    weekends"). Letter sentences are left out, as their frame (greeting, closing) is meant to
    have no source; an entry's own summary too, as it may describe the role in new words.
    """
    found = []
    for path, sources in provenance.items():
        if sources or not _MUST_TRACE.match(path):
            continue
        text = _line_at(tailored.profile, path)
        found.append(Violation("unsourced", text, path, "no line of the source resume says this"))
    return found


def _line_at(profile: Profile, path: str) -> str:
    target = _Target.parse(path)
    if target is None:
        return ""
    node: Any = profile.get(target.section)
    if target.index is not None and isinstance(node, list) and target.index < len(node):
        node = node[target.index]
        if target.field is None and isinstance(node, dict):
            return entry_text(target.section, node)
    if target.field and isinstance(node, dict):
        node = node.get(target.field)
    if target.item is not None and isinstance(node, list) and target.item < len(node):
        node = node[target.item]
    if target.sentence is not None:
        sentences = split_sentences(node)
        return sentences[target.sentence] if target.sentence < len(sentences) else ""
    return _clean(node)


def _entry_source(index: _SourceIndex, section: str, j: int, entry: dict[str, Any]) -> Source:
    known = index.entries[f"{section}[{j}]"]
    same = _facts(section, index.source[section][j]) == _facts(section, entry)
    return known if same else replace(known, match="rephrased")


# --------------------------------------------------------------------------------------------
# Repair
# --------------------------------------------------------------------------------------------

_PATH = re.compile(
    r"^(?P<section>[A-Za-z_]+)(?:\[(?P<index>\d+)\])?"
    r"(?:\.(?P<field>[A-Za-z_]+)(?:\[(?P<item>\d+)\])?)?(?:#s(?P<sentence>\d+))?$"
)
_REMOVE = object()
"""Marks a planned value as "delete this"."""


@dataclass(frozen=True)
class _Target:
    section: str
    index: int | None
    field: str | None
    item: int | None
    sentence: int | None

    @classmethod
    def parse(cls, path: str) -> _Target | None:
        found = _PATH.match(path.strip())
        if not found:
            return None

        def number(group: str) -> int | None:
            return int(found[group]) if found[group] is not None else None

        return cls(
            found["section"], number("index"), found["field"], number("item"), number("sentence")
        )


class _Repairer:
    """Plans every fix against the tailored document as given, then applies them at once, so
    that one removal does not shift the paths of the violations after it."""

    def __init__(self, source: Profile, tailored: Tailored, provenance: Provenance) -> None:
        self.source = source
        self.profile = copy.deepcopy(tailored.profile)
        self.letter = list(tailored.cover_letter)
        self.provenance = provenance
        self.paired = {s: match_entries(source, self.profile, s) for s in SECTIONS}
        self.repairs: dict[str, Repair] = {}
        self.values: dict[tuple[int, Any], Any] = {}
        """(id of a dict or list, key or index) → its new value or `_REMOVE`; ids are of
        containers inside `self.profile`, which lives as long as this object."""
        self.containers: dict[int, Any] = {}
        self.removed_entries: set[tuple[str, int]] = set()
        self.restored_entries: set[tuple[str, int]] = set()
        self.summary_cuts: set[int] = set()
        self.summary_whole: list[str] = []
        self.letter_cuts: dict[int, set[int]] = {}

    # The plan ----------------------------------------------------------------------------

    def _record(self, path: str, action: str, before: Any, after: Any, reason: str) -> None:
        known = self.repairs.get(path)
        if known is not None:
            if reason not in known.reason.split("; "):
                self.repairs[path] = replace(known, reason=f"{known.reason}; {reason}")
            return
        self.repairs[path] = Repair(path, action, _clean(before), _clean(after), reason)

    def _set(self, container: Any, key: Any, value: Any) -> None:
        self.containers[id(container)] = container
        self.values[(id(container), key)] = value

    def _entry(self, section: str, index: int | None) -> dict[str, Any] | None:
        items = self.profile.get(section)
        if index is None or not isinstance(items, list) or not 0 <= index < len(items):
            return None
        entry = items[index]
        return entry if isinstance(entry, dict) else None

    def _source_entry(self, section: str, index: int) -> dict[str, Any] | None:
        j = self.paired.get(section, {}).get(index)
        return self.source[section][j] if j is not None else None

    def remove_entry(self, section: str, index: int, reason: str) -> None:
        entry = self._entry(section, index)
        if entry is None:
            return
        self.removed_entries.add((section, index))
        self._set(self.profile[section], index, _REMOVE)
        self._record(f"{section}[{index}]", "removed", entry_label(section, entry), "", reason)

    def fix(self, violation: Violation) -> None:
        target = _Target.parse(violation.path)
        if target is None:
            return
        reason = violation.reason or f"'{violation.text}' is not in the source resume"
        if target.section == "basics":
            self._fix_basics(target, violation, reason)
        elif target.section == "cover_letter":
            self._fix_letter(target, violation, reason)
        elif target.section == "skills":
            self._fix_skill(target, violation, reason)
        elif target.index is not None and (target.section, target.index) in self.removed_entries:
            self._record(f"{target.section}[{target.index}]", "removed", "", "", reason)
        elif target.section in SECTIONS:
            self._fix_entry(target, violation, reason)
        else:
            self._fix_other(target, violation, reason)

    def _fix_entry(self, target: _Target, violation: Violation, reason: str) -> None:
        section, i = target.section, target.index
        entry = self._entry(section, i)
        if entry is None or i is None:
            return
        origin = self._source_entry(section, i)
        field = target.field
        if field is None or field in IDENTITY_FIELDS[section]:
            if origin is None:
                self.remove_entry(section, i, reason)
                return
            fields = IDENTITY_FIELDS[section] if field is None else {field}
            if section == "education" and field == "studyType":
                fields = {"studyType", "area"}  # the truth check reads them as one degree
            for key in sorted(fields):
                if _clean(entry.get(key)) != _clean(origin.get(key)):
                    path = f"{section}[{i}].{key}"
                    value = origin.get(key, _REMOVE)
                    self._set(entry, key, value)
                    after = "" if value is _REMOVE else value
                    self._record(path, "restored", entry.get(key), after, reason)
            self.restored_entries.add((section, i))
        elif target.item is not None:
            self._fix_item(target, entry, reason)
        else:
            value = origin.get(field, _REMOVE) if origin is not None else _REMOVE
            self._set(entry, field, value)
            action = "removed" if value is _REMOVE else "restored"
            after = "" if value is _REMOVE else value
            self._record(f"{section}[{i}].{field}", action, entry.get(field), after, reason)

    def _fix_item(self, target: _Target, entry: dict[str, Any], reason: str) -> None:
        section, i, field, k = target.section, target.index, target.field, target.item
        items = entry.get(field or "")
        if not isinstance(items, list) or k is None or not 0 <= k < len(items):
            return
        path = f"{section}[{i}].{field}[{k}]"
        current = str(items[k])
        if field == "highlights":
            planned = {
                _plain(self.values.get((id(items), m), text))
                for m, text in enumerate(items)
                if m != k
            }
            for source in self.provenance.get(path, []):
                if _plain(source.text) == _plain(current):
                    if (section, i) in self.restored_entries:
                        return  # judged against the wrong entry's facts, now put right
                    continue
                if _plain(source.text) not in planned:
                    self._set(items, k, source.text)
                    self._record(path, "restored", current, source.text, reason)
                    return
        self._set(items, k, _REMOVE)
        self._record(path, "removed", current, "", reason)

    def _fix_skill(self, target: _Target, violation: Violation, reason: str) -> None:
        groups = self.profile.get("skills")
        g = target.index
        if not isinstance(groups, list) or g is None or not 0 <= g < len(groups):
            return
        group = groups[g]
        keywords = group.get("keywords") if isinstance(group, dict) else None
        if target.field == "keywords" and isinstance(keywords, list) and target.item is not None:
            k = target.item
            if 0 <= k < len(keywords):
                self._set(keywords, k, _REMOVE)
                path = f"skills[{g}].keywords[{k}]"
                self._record(path, "removed", keywords[k], "", reason)
            return
        self._set(groups, g, _REMOVE)
        before = group.get("name") if isinstance(group, dict) else group
        self._record(f"skills[{g}]", "removed", before, "", reason)

    def _fix_basics(self, target: _Target, violation: Violation, reason: str) -> None:
        basics = self.profile.get("basics")
        field = target.field
        if not isinstance(basics, dict) or not field or field not in basics:
            return
        if field == "summary":
            sentences = split_sentences(basics.get("summary"))
            hits = _sentences_stating(sentences, violation.text, target.sentence)
            if not hits:
                self.summary_whole.append(reason)
            for n in hits:
                self.summary_cuts.add(n)
                self._record(f"basics.summary#s{n}", "removed", sentences[n], "", reason)
            return
        value = _basics(self.source).get(field, _REMOVE)
        self._set(basics, field, value)
        action = "removed" if value is _REMOVE else "restored"
        after = "" if value is _REMOVE else value
        self._record(f"basics.{field}", action, basics.get(field), after, reason)

    def _fix_letter(self, target: _Target, violation: Violation, reason: str) -> None:
        p = target.index
        if p is None or not 0 <= p < len(self.letter):
            return
        sentences = split_sentences(self.letter[p])
        if not sentences:
            return
        hits = _sentences_stating(sentences, violation.text, target.sentence)
        cuts = self.letter_cuts.setdefault(p, set())
        for n in hits or range(len(sentences)):  # not found: the paragraph holds it somewhere
            cuts.add(n)
            self._record(f"cover_letter[{p}]#s{n}", "removed", sentences[n], "", reason)

    def _fix_other(self, target: _Target, violation: Violation, reason: str) -> None:
        """Sections never paired (awards, volunteer …): the offending item or entry goes."""
        entry = self._entry(target.section, target.index)
        if entry is None or target.index is None:
            return
        items = entry.get(target.field or "")
        k = target.item
        if isinstance(items, list) and k is not None and 0 <= k < len(items):
            self._set(items, k, _REMOVE)
            path = f"{target.section}[{target.index}].{target.field}[{k}]"
            self._record(path, "removed", items[k], "", reason)
        else:
            self.remove_entry(target.section, target.index, reason)

    # Applying it -------------------------------------------------------------------------

    def apply(self) -> tuple[Profile, list[str]]:
        removals: dict[int, list[int]] = {}
        for (container_id, key), value in self.values.items():
            container = self.containers[container_id]
            if value is _REMOVE and isinstance(container, list):
                removals.setdefault(container_id, []).append(key)
            elif value is _REMOVE:
                container.pop(key, None)
            else:
                container[key] = copy.deepcopy(value)
        emptied = []
        for container_id, indices in removals.items():
            container = self.containers[container_id]
            had_items = bool(container)
            for index in sorted(indices, reverse=True):
                del container[index]
            if had_items and not container:
                emptied.append(container_id)
        self._drop_emptied_skill_groups(set(emptied))
        self._apply_summary()
        return self.profile, self._apply_letter()

    def _drop_emptied_skill_groups(self, emptied: set[int]) -> None:
        groups = self.profile.get("skills")
        if isinstance(groups, list):
            groups[:] = [
                group
                for group in groups
                if not (isinstance(group, dict) and id(group.get("keywords")) in emptied)
            ]

    def _apply_summary(self) -> None:
        basics = self.profile.get("basics")
        if not isinstance(basics, dict) or not (self.summary_cuts or self.summary_whole):
            return
        before = _clean(basics.get("summary"))
        sentences = split_sentences(before)
        kept = [s for n, s in enumerate(sentences) if n not in self.summary_cuts]
        if kept and not self.summary_whole:
            basics["summary"] = " ".join(kept)
            return
        # Nothing left, or the claim could not be placed: the user's own summary, or none.
        reasons = list(self.summary_whole)
        for n in range(len(sentences)):
            cut = self.repairs.pop(f"basics.summary#s{n}", None)
            reasons += cut.reason.split("; ") if cut else []
        original = _basics(self.source).get("summary")
        reason = "; ".join(dict.fromkeys(reasons))
        if _clean(original):
            basics["summary"] = original
            self._record("basics.summary", "restored", before, original, reason)
        else:
            basics.pop("summary", None)
            self._record("basics.summary", "removed", before, "", reason)

    def _apply_letter(self) -> list[str]:
        letter = []
        for p, paragraph in enumerate(self.letter):
            cuts = self.letter_cuts.get(p)
            if not cuts:
                letter.append(paragraph)
                continue
            kept = [s for n, s in enumerate(split_sentences(paragraph)) if n not in cuts]
            if kept:
                letter.append(" ".join(kept))
        return letter


def _sentences_stating(sentences: list[str], text: str, sentence: int | None) -> list[int]:
    """The sentences holding a claim's text (as written, else as normalised words)."""
    if sentence is not None:
        return [sentence] if 0 <= sentence < len(sentences) else []
    plain = " ".join(str(text).split()).casefold()
    hits = [n for n, s in enumerate(sentences) if plain and plain in s.casefold()]
    if not hits:
        words = normalise(text)
        hits = [n for n, s in enumerate(sentences) if words and f" {words} " in f" {normalise(s)} "]
    return hits


def _repair_order(violation: Violation) -> tuple[int, str]:
    """Entries first (an entry removed takes its bullets with it; one restored clears its
    bullets of claims judged against the wrong facts), then everything else."""
    target = _Target.parse(violation.path)
    if target is None or target.section not in SECTIONS:
        return (2, violation.path)
    identity = target.field is None or target.field in IDENTITY_FIELDS[target.section]
    return (0 if identity else 1, violation.path)


def repair(
    source: Profile,
    tailored: Tailored,
    violations: list[Violation],
    *,
    job: JobAnalysis | None = None,
    vocabulary: SkillVocabulary | None = None,
    today: date | None = None,
) -> tuple[Tailored, list[Repair]]:
    """A new `Tailored` with every violation fixed, and what was done, in path order.

    A bullet gets back the wording of the source bullet it was traced to, or goes; a summary
    sentence goes (and an emptied summary becomes the user's own, if any); a skills keyword
    goes; an entry paired with no source entry goes, and a wrong title, employer or date of a
    paired one is restored from the source; a letter sentence goes, and its paragraph with it
    when nothing is left. Several violations of one line make one `Repair`. Paths are those of
    `tailored`. A violation whose path does not exist is skipped, and a bullet that already is
    its source's wording is kept when its entry's facts were just restored, since it was
    judged against the wrong entry: run the truth check again on the result.
    """
    provenance = trace(source, tailored, job=job, vocabulary=vocabulary, today=today)
    repairer = _Repairer(source, tailored, provenance)
    for violation in sorted(violations, key=_repair_order):
        repairer.fix(violation)
    profile, letter = repairer.apply()
    fixed = replace(
        tailored,
        profile=profile,
        cover_letter=letter,
        calls=list(tailored.calls),
        fallbacks=[dict(item) for item in tailored.fallbacks],
        notes=list(tailored.notes),
    )
    return fixed, [repairer.repairs[path] for path in sorted(repairer.repairs, key=_path_key)]


def _path_key(path: str) -> list[Any]:
    """Paths in document order: `work[2]` before `work[10]`."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", path)]


# --------------------------------------------------------------------------------------------
# Completeness
# --------------------------------------------------------------------------------------------

_KEPT_FIELDS = {
    "work": ("startDate", "endDate"),
    "education": ("studyType", "area", "startDate", "endDate"),
}


def restore_missing(
    source: Profile,
    tailored_profile: Profile,
    *,
    allowed_drops: Mapping[str, str] | None = None,
) -> tuple[Profile, list[Missing]]:
    """A copy of `tailored_profile` with every source employer, degree and date range back.

    A job or school paired with no tailored entry is put back in source order (a job with its
    first bullet only), unless `allowed_drops` names it (`{"work[4]": "left out to fit one
    page"}`): then it is only reported, with that reason. A kept entry's missing dates or
    degree fields are always put back, as no length requires dropping them.
    """
    allowed = dict(allowed_drops or {})
    profile = copy.deepcopy(tailored_profile)
    missing: list[Missing] = []
    for section in ("work", "education"):
        originals = list(entries(source, section))
        if not originals:
            continue
        items = profile.get(section)
        items = items if isinstance(items, list) else []
        paired = match_entries(source, profile, section)
        origin: list[int | None] = [paired.get(i) for i in range(len(items))]
        for j, original in originals:
            if not any(_facts(section, original).values()):
                continue  # names no employer, school, degree or date: nothing to lose
            if j in origin:
                entry = items[origin.index(j)]
                missing += _restore_fields(section, j, original, entry)
                continue
            missing.append(_put_back(section, j, original, items, origin, allowed))
        if items:
            profile[section] = items
    return profile, missing


def _restore_fields(
    section: str, j: int, original: dict[str, Any], entry: dict[str, Any]
) -> list[Missing]:
    found = []
    for key in _KEPT_FIELDS[section]:
        if _clean(original.get(key)) and not _clean(entry.get(key)):
            entry[key] = copy.deepcopy(original[key])
            kind = "degree" if key in ("studyType", "area") else "date_range"
            found.append(
                Missing(
                    f"{section}[{j}].{key}",
                    kind,
                    _clean(original[key]),
                    entry_label(section, original),
                    "restored",
                    f"the tailored resume had lost its {key}",
                )
            )
    return found


def _put_back(
    section: str,
    j: int,
    original: dict[str, Any],
    items: list[Any],
    origin: list[int | None],
    allowed: dict[str, str],
) -> Missing:
    at = f"{section}[{j}]"
    label = entry_label(section, original)
    if section == "education":
        kind = "degree"
    else:
        employer = normalise_employer(original.get("name"))
        kept = {normalise_employer(item.get("name")) for item in items if isinstance(item, dict)}
        kind = "date_range" if employer and employer in kept else "employer"
    text = entry_text(section, original)
    if at in allowed:
        return Missing(at, kind, text, label, "reported", allowed[at])
    entry = copy.deepcopy(original)
    if section == "work" and isinstance(entry.get("highlights"), list):
        entry["highlights"] = entry["highlights"][:1]
    # After the last entry that comes before it in the source, so the source order holds.
    before = [i for i, o in enumerate(origin) if o is not None and o < j]
    position = before[-1] + 1 if before else 0
    items.insert(position, entry)
    origin.insert(position, j)
    what = "with its first bullet" if section == "work" else "as written in the source"
    return Missing(at, kind, text, label, "restored", f"it was missing; put back {what}")
