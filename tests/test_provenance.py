"""Provenance, repair and completeness (`worker.pipeline.provenance`), over both corpora.

Every resume of the parsing corpus (turned into JSON Resume by `tests.test_offline`) and of the
matching corpus is tailored by the offline engine for two postings at two strengths; each line
of the result must trace to the source line it really came from. Rephrasings and inventions
are written by hand below. Repairs are checked by planting fabrications in an offline result,
with the `Violation`s the truth check would report for them written out here, so that undoing
them must give back the offline result byte for byte.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from dataclasses import replace
from functools import cache
from typing import Any

import pytest

from tests.corpus.matching.evaluate import AS_OF, load_matching_corpus, load_postings
from tests.corpus.render import load_corpus
from tests.test_offline import corpus_profile
from worker.pipeline.analysis import analyse_job
from worker.pipeline.claims import Violation, normalise
from worker.pipeline.cover_letter import EVIDENCE_LINES, evidence_lines, lower_first
from worker.pipeline.offline import tailor_offline
from worker.pipeline.provenance import (
    QUOTES,
    SIMILAR,
    Provenance,
    Source,
    content_words,
    match_entries,
    repair,
    restore_missing,
    split_sentences,
    trace,
    unsourced_violations,
)
from worker.pipeline.scoring import score_profile
from worker.pipeline.skills import default_vocabulary
from worker.pipeline.types import JobAnalysis, MatchResult, Options, Profile, Tailored

VOCAB = default_vocabulary()
PROFILES: dict[str, Profile] = {
    **{entry.slug: corpus_profile(entry) for entry in load_corpus()},
    **load_matching_corpus().resumes,
}
POSTINGS = {item.slug: item.posting for item in load_postings()}
TRACED_POSTINGS = ("01-backend-python", "05-registered-nurse")
STRENGTHS = ("balanced", "full")


@cache
def analysed(posting: str) -> JobAnalysis:
    return analyse_job(POSTINGS[posting], vocabulary=VOCAB)


@cache
def outcome(slug: str, posting: str, strength: str) -> tuple[MatchResult, Tailored]:
    """Tailored once per pair and strength; tests must not modify what this returns."""
    profile, analysis = PROFILES[slug], analysed(posting)
    match = score_profile(profile, analysis, vocabulary=VOCAB, today=AS_OF)
    options = Options(strength=strength)
    tailored = tailor_offline(
        profile, analysis, match, options=options, vocabulary=VOCAB, today=AS_OF
    )
    return match, tailored


@cache
def traced(slug: str, posting: str, strength: str) -> Provenance:
    _, tailored = outcome(slug, posting, strength)
    return trace(PROFILES[slug], tailored, job=analysed(posting), vocabulary=VOCAB, today=AS_OF)


def every_case() -> Iterator[tuple[str, Profile, Tailored, Provenance]]:
    for posting in TRACED_POSTINGS:
        for strength in STRENGTHS:
            for slug, source in PROFILES.items():
                tailored = outcome(slug, posting, strength)[1]
                yield slug, source, tailored, traced(slug, posting, strength)


_ID = re.compile(r"^(\w+)(?:\[(\d+)\])?(?:\.(\w+)(?:\[(\d+)\])?)?(?:#s(\d+))?$")


def resolve(profile: Profile, source_id: str) -> str:
    """The text a source id points at in `profile`, read independently of the module."""
    found = _ID.match(source_id)
    assert found, source_id
    section, index, field, item, sentence = found.groups()
    node: Any = profile[section]
    if index is not None:
        node = node[int(index)]
    if field is None:
        if section == "work":
            return f"{node['position']} at {node['name']}"
        return str(node)
    node = node[field]
    if item is not None:
        node = node[int(item)]
    if sentence is not None:
        node = split_sentences(node)[int(sentence)]
    return " ".join(str(node).split())


def _plain(text: str) -> str:
    return " ".join(text.split()).rstrip(" .;")


def _section(path: str) -> str:
    return re.sub(r"\[\d+\]|#s\d+", "", path)


def test_the_corpora_are_large_enough_to_mean_something() -> None:
    assert len(PROFILES) >= 55
    paths = [path for *_, provenance in every_case() for path in provenance]
    assert sum(_section(p) == "work.highlights" for p in paths) >= 900
    assert sum(_section(p) == "skills.keywords" for p in paths) >= 1300
    assert sum(_section(p) == "basics.summary" for p in paths) >= 300


# --------------------------------------------------------------------------------------------
# Offline output traces to its origin, line for line
# --------------------------------------------------------------------------------------------


def test_every_offline_bullet_traces_to_the_identical_bullet_of_its_own_job() -> None:
    checked = 0
    for slug, source, tailored, provenance in every_case():
        paired = match_entries(source, tailored.profile, "work")
        for i, job in enumerate(tailored.profile["work"]):
            j = paired[i]
            assert source["work"][j]["name"] == job["name"], slug
            for k, bullet in enumerate(job.get("highlights") or []):
                sources = provenance[f"work[{i}].highlights[{k}]"]
                assert len(sources) == 1, (slug, i, k, sources)
                origin = sources[0]
                assert origin.match == "identical"
                assert origin.id.startswith(f"work[{j}].highlights["), (slug, origin.id)
                assert resolve(source, origin.id) == bullet == origin.text
                assert origin.label.startswith(f"{job['position']} at {job['name']}")
                checked += 1
    assert checked >= 900


def _facts(entry: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in entry.items() if key != "highlights"}


def test_every_entry_traces_to_the_source_entry_with_the_same_facts() -> None:
    checked = 0
    for slug, source, tailored, provenance in every_case():
        for section in ("work", "education", "certificates", "languages", "projects"):
            for i, entry in enumerate(tailored.profile.get(section) or []):
                sources = provenance[f"{section}[{i}]"]
                assert [s.match for s in sources] == ["identical"], (slug, section, i)
                found = re.match(r"^(\w+)\[(\d+)\]$", sources[0].id)
                assert found and found[1] == section
                assert _facts(source[section][int(found[2])]) == _facts(entry), (slug, i)
                checked += 1
    assert checked >= 1000


def test_every_skills_keyword_traces_to_the_users_own_keyword() -> None:
    checked = 0
    for slug, source, tailored, provenance in every_case():
        for g, group in enumerate(tailored.profile.get("skills") or []):
            for k, keyword in enumerate(group.get("keywords") or []):
                sources = provenance[f"skills[{g}].keywords[{k}]"]
                assert [s.match for s in sources] == ["identical"], (slug, keyword)
                assert resolve(source, sources[0].id) == keyword == sources[0].text
                checked += 1
    assert checked >= 1300


def _states(sentence: str, origin: Source, source: Profile) -> bool:
    """Whether `sentence` really states what `origin` says, judged without the module."""
    words = f" {normalise(sentence)} "
    if origin.match == "identical":
        return _plain(origin.text) == _plain(sentence)
    if origin.match == "quoted":
        own = content_words(origin.text)
        return len(own & content_words(sentence)) >= QUOTES * len(own)
    if origin.match == "rephrased":
        return len(content_words(origin.text) & content_words(sentence)) >= 2
    # Named: an employer, school, title or skill of it is in the sentence, or, for a job, the
    # sentence states years of experience (which jobs add up to them is tested on its own).
    parts = [normalise(part) for part in re.split(r", | at ", origin.text)]
    if any(part and f" {part} " in words for part in parts):
        return True
    if origin.id.startswith("work[") and re.search(r"\w\+? years\b", sentence):
        return True
    return bool(set(VOCAB.find(origin.text)) & set(VOCAB.find(sentence)))


def test_every_summary_sentence_traces_to_lines_that_state_it() -> None:
    checked = 0
    for slug, source, tailored, provenance in every_case():
        summary = split_sentences(tailored.profile["basics"].get("summary"))
        for n, sentence in enumerate(summary):
            sources = provenance[f"basics.summary#s{n}"]
            assert sources, (slug, sentence)
            for origin in sources:
                assert resolve(source, origin.id) == origin.text, (slug, origin)
                assert _states(sentence, origin, source), (slug, sentence, origin)
            checked += 1
    assert checked >= 300


def test_the_users_own_summary_traces_sentence_by_sentence_to_itself() -> None:
    for slug, source, tailored, provenance in every_case():
        if tailored.profile["basics"].get("summary") != source["basics"].get("summary"):
            continue
        for n, _ in enumerate(split_sentences(source["basics"]["summary"])):
            first = provenance[f"basics.summary#s{n}"][0]
            assert (first.id, first.match) == (f"basics.summary#s{n}", "identical"), slug


def test_years_of_experience_trace_to_the_jobs_whose_dates_add_up_to_them() -> None:
    source = {
        "basics": {"name": "Sam Doe", "label": "Engineer"},
        "work": [
            {"name": "Alpha", "position": "Engineer", "startDate": "2019-01"},  # 7.8 years
            {"name": "Beta", "position": "Engineer", "startDate": "2015-01", "endDate": "2018-12"},
            {"name": "Gamma", "position": "Intern", "startDate": "2010-01", "endDate": "2014-12"},
        ],
    }
    summary = "Built things for 5+ years. Built things for 10+ years. Built things for 16 years. "
    summary += "Built things for 17+ years."
    tailored = Tailored(profile={**source, "basics": {"summary": summary}}, cover_letter=[])
    provenance = trace(source, tailored, vocabulary=VOCAB, today=AS_OF)
    jobs = [[s.id for s in provenance[f"basics.summary#s{n}"]] for n in range(4)]
    assert jobs == [["work[0]"], ["work[0]", "work[1]"], ["work[0]", "work[1]", "work[2]"], []]


# --------------------------------------------------------------------------------------------
# Rephrased and invented bullets
# --------------------------------------------------------------------------------------------

JOSE, AOIFE, WAREHOUSE, ANANYA, NURSE = (
    "01-jose-muller-lukasiewicz",
    "05-aoife-osullivan",
    "r17-warehouse-lead",
    "18-ananya-krishnamurthy",
    "r09-rn",
)
REPHRASINGS = [
    # (resume, job, origin bullets, the rephrasing)
    (JOSE, 0, [0], "Run the Python/FastAPI booking API on PostgreSQL, serving 4M daily requests "
                   "with 99.97% uptime."),
    (JOSE, 0, [1], "Broke the monolithic pricing module into three services; deploys now take 6 "
                   "minutes instead of 40."),
    (JOSE, 0, [2], "Halved release regressions by introducing contract testing between the "
                   "mobile apps and the API."),
    (JOSE, 1, [0], "Automated the matching of 98% of payments with a SEPA direct-debit "
                   "reconciliation service written in Go."),
    (JOSE, 1, [0, 1], "Moved cron batch jobs to a Celery/Redis queue with retries, and built "
                      "SEPA direct-debit reconciliation in Go matching 98% of payments."),
    (AOIFE, 0, [0], "Lead day-shift staffing for a 28-bed acute medical ward, allocating 12 "
                    "nurses and healthcare assistants."),
    (AOIFE, 0, [1], "Cut inpatient falls by 35% in twelve months through a falls-prevention "
                    "audit I led."),
    (AOIFE, 1, [0], "Used the Manchester Triage System to triage as many as 40 patients per "
                    "shift."),
    (WAREHOUSE, 0, [0], "Supervise a night-shift crew of 18 warehouse associates"),
    (WAREHOUSE, 0, [3], "Reduced picking errors 30% by leading a Lean Six Sigma project"),
    (ANANYA, 1, [0], "Developed a credit-risk scorecard for thin-file borrowers, lowering "
                     "defaults 14% without changing the approval rate."),
    (ANANYA, 1, [1], "Put models into production using MLflow and Airflow."),
    (NURSE, 0, [1], "Recorded patient assessments and care plans in the Epic EHR"),
    (NURSE, 0, [2], "Administered medications"),
]  # fmt: skip
INVENTIONS = [
    (JOSE, 0, "Led the migration of the payments platform to AWS Lambda, saving €2M a year."),
    (JOSE, 0, "Mentored a team of 15 backend engineers and ran the hiring loop."),
    (JOSE, 1, "Designed the fraud-detection rules engine used by 30 banks."),
    (AOIFE, 0, "Introduced a sepsis screening protocol adopted across all 14 wards."),
    (AOIFE, 1, "Coordinated the regional major-incident response exercise."),
    (WAREHOUSE, 0, "Negotiated freight contracts with 40 carriers, saving $1.2M annually."),
    (ANANYA, 0, "Founded the company's computer-vision team and hired 8 researchers."),
    (NURSE, 0, "Led the unit's transition to barcode medication administration."),
    # In the job's own words, and still new:
    (JOSE, 0, "Built fraud checks for the booking API in Rust, blocking 2M bot requests a day."),
    (AOIFE, 0, "Led a hand-hygiene audit on the cardiology ward."),
    (WAREHOUSE, 0, "Ran forklift safety training for 25 new associates"),
]


def _with_bullets(slug: str, job: int, bullets: list[str]) -> tuple[Profile, Tailored]:
    """The source, and a tailored copy whose `job` has exactly `bullets`."""
    source = PROFILES[slug]
    profile = copy.deepcopy(source)
    profile["work"][job]["highlights"] = bullets
    return source, Tailored(profile=profile, cover_letter=[])


@pytest.mark.parametrize(("slug", "job", "origins", "text"), REPHRASINGS)
def test_a_rephrased_bullet_traces_to_the_bullets_it_came_from(
    slug: str, job: int, origins: list[int], text: str
) -> None:
    source, tailored = _with_bullets(slug, job, [text])
    sources = trace(source, tailored, vocabulary=VOCAB)[f"work[{job}].highlights[0]"]
    assert [s.id for s in sources] == [f"work[{job}].highlights[{k}]" for k in origins]
    assert all(s.match == "rephrased" for s in sources)
    assert [s.text for s in sources] == [source["work"][job]["highlights"][k] for k in origins]
    assert all(s.label == label_of(source["work"][job]) for s in sources)


@pytest.mark.parametrize(("slug", "job", "text"), INVENTIONS)
def test_an_invented_bullet_traces_to_nothing(slug: str, job: int, text: str) -> None:
    source, tailored = _with_bullets(slug, job, [text])
    provenance = trace(source, tailored, vocabulary=VOCAB)
    assert provenance[f"work[{job}].highlights[0]"] == []
    assert f"work[{job}].highlights[0]" in provenance.untraced()


def label_of(job: dict[str, Any]) -> str:
    end = job["endDate"][:4] if job.get("endDate") else "present"
    return f"{job['position']} at {job['name']}, {job['startDate'][:4]}–{end}"


def _overlap(a: str, b: str) -> float:
    """As `trace_line` scores a pair: 0 below two shared words."""
    shared = content_words(a) & content_words(b)
    if len(shared) < 2:
        return 0.0
    return len(shared) / min(len(content_words(a)), len(content_words(b)))


def test_the_similarity_threshold_separates_rephrasings_from_other_bullets_of_the_job() -> None:
    """Calibrates `SIMILAR`: every rephrasing above it, no bullet of either corpus at it
    against another bullet of its own job (the lines an invention there would resemble)."""
    rephrased = [
        max(_overlap(text, PROFILES[slug]["work"][job]["highlights"][k]) for k in origins)
        for slug, job, origins, text in REPHRASINGS
    ]
    siblings = [
        _overlap(bullet, other)
        for profile in PROFILES.values()
        for job in profile["work"]
        for k, bullet in enumerate(job.get("highlights") or [])
        for m, other in enumerate(job.get("highlights") or [])
        if k != m
    ]
    invented = [
        max(_overlap(text, other) for other in PROFILES[slug]["work"][job]["highlights"])
        for slug, job, text in INVENTIONS
    ]
    assert min(rephrased) >= SIMILAR
    assert max(siblings) < SIMILAR
    assert max(invented) < SIMILAR
    assert len(siblings) >= 400


def test_an_altered_bullet_still_traces_to_the_bullet_it_altered() -> None:
    """Where a line came from is not whether it is true: the truth check flags the new figure,
    and `repair` puts this source's wording back."""
    altered = "Lead the recommendation models for 40M monthly users, lifting basket size by 9%."
    source, tailored = _with_bullets(ANANYA, 0, [altered])
    sources = trace(source, tailored, vocabulary=VOCAB)["work[0].highlights[0]"]
    assert [(s.id, s.match) for s in sources] == [("work[0].highlights[0]", "rephrased")]


def test_a_bullet_moved_to_another_job_does_not_trace_to_its_old_job() -> None:
    source = PROFILES[JOSE]
    moved = source["work"][1]["highlights"][1]
    _, tailored = _with_bullets(JOSE, 0, [moved])
    assert trace(source, tailored, vocabulary=VOCAB)["work[0].highlights[0]"] == []


def test_reordered_entries_trace_to_their_own_source_entries() -> None:
    source = PROFILES[JOSE]
    profile = copy.deepcopy(source)
    profile["work"].reverse()
    provenance = trace(source, Tailored(profile=profile, cover_letter=[]), vocabulary=VOCAB)
    last = len(profile["work"]) - 1
    for i in range(len(profile["work"])):
        assert [s.id for s in provenance[f"work[{i}]"]] == [f"work[{last - i}]"]
        assert provenance[f"work[{i}].highlights[0]"][0].id == f"work[{last - i}].highlights[0]"


def test_two_roles_at_one_employer_trace_to_their_own_dates() -> None:
    source = PROFILES[WAREHOUSE]
    profile = copy.deepcopy(source)
    profile["work"][0]["position"] = "Head of Warehouse Operations"  # inflated, same dates
    provenance = trace(source, Tailored(profile=profile, cover_letter=[]), vocabulary=VOCAB)
    assert [(s.id, s.match) for s in provenance["work[0]"]] == [("work[0]", "rephrased")]
    assert [(s.id, s.match) for s in provenance["work[1]"]] == [("work[1]", "identical")]


def test_an_invented_employer_traces_to_nothing() -> None:
    source = PROFILES[JOSE]
    profile = copy.deepcopy(source)
    profile["work"].insert(0, dict(INVENTED_JOB))
    provenance = trace(source, Tailored(profile=profile, cover_letter=[]), vocabulary=VOCAB)
    assert provenance["work[0]"] == []
    assert provenance["work[0].highlights[0]"] == []
    assert provenance["work[1]"][0].id == "work[0]"


def test_a_skill_written_another_way_traces_to_the_users_spelling_or_their_bullets() -> None:
    source = {
        "work": [
            {"name": "Acme", "position": "Engineer", "highlights": ["Tuned Kafka consumers."]}
        ],
        "skills": [{"name": "Data", "keywords": ["Postgres"]}],
    }
    profile = copy.deepcopy(source)
    profile["skills"][0]["keywords"] = ["PostgreSQL", "Apache Kafka", "Haskell"]
    provenance = trace(source, Tailored(profile=profile, cover_letter=[]), vocabulary=VOCAB)
    assert [(s.id, s.match) for s in provenance["skills[0].keywords[0]"]] == [
        ("skills[0].keywords[0]", "named")
    ]
    assert [s.id for s in provenance["skills[0].keywords[1]"]] == ["work[0].highlights[0]"]
    assert provenance["skills[0].keywords[2]"] == []


# --------------------------------------------------------------------------------------------
# Cover letters cite their evidence
# --------------------------------------------------------------------------------------------


def _letter_sentences(tailored: Tailored) -> Iterator[tuple[str, str]]:
    for p, paragraph in enumerate(tailored.cover_letter):
        for n, sentence in enumerate(split_sentences(paragraph)):
            yield f"cover_letter[{p}]#s{n}", sentence


def test_letter_sentences_cite_the_bullets_they_quote_and_the_employer_they_name() -> None:
    checked = 0
    for posting in TRACED_POSTINGS:
        for slug, source in PROFILES.items():
            match, tailored = outcome(slug, posting, "balanced")
            provenance = traced(slug, posting, "balanced")
            sentences = dict(_letter_sentences(tailored))
            for cited in evidence_lines(source, match, limit=EVIDENCE_LINES["professional"]):
                written = (cited.text, lower_first(cited.text))
                holding = [p for p, s in sentences.items() if any(w in s for w in written)]
                if not holding:
                    continue  # cut at the word limit
                sources = {s.id: s for s in provenance[holding[0]]}
                assert sources[cited.path].match == "quoted", (slug, cited.path)
                assert resolve(source, cited.path) == sources[cited.path].text
                if sentences[holding[0]].startswith(f"At {cited.name},"):
                    assert f"work[{cited.entry}]" in sources, (slug, holding[0])
                checked += 1
    assert checked >= 150


def test_letter_frame_sentences_claim_nothing_and_the_name_is_the_users() -> None:
    for slug, _, tailored, provenance in every_case():
        paths = [path for path, _ in _letter_sentences(tailored)]
        assert provenance[paths[0]] == [], slug  # "Dear Hiring Team at …,"
        assert provenance[paths[-2]] == [], slug  # "Sincerely,"
        name = provenance[paths[-1]]
        assert [(s.id, s.match) for s in name] == [("basics.name", "identical")], slug


def test_the_postings_own_company_and_title_are_not_evidence() -> None:
    source = PROFILES[JOSE]
    letter = ["I am writing to apply for the Senior Backend Engineer role at Kranich Mobility."]
    tailored = Tailored(profile=copy.deepcopy(source), cover_letter=letter)
    job = replace(analysed("01-backend-python"), title="Senior Backend Engineer", company="")
    addressed = trace(source, tailored, job=job, vocabulary=VOCAB)["cover_letter[0]#s0"]
    assert [s.id for s in addressed] == ["work[0]"]  # the employer is the user's, the title not
    unaddressed = trace(source, tailored, vocabulary=VOCAB)["cover_letter[0]#s0"]
    assert {s.id for s in unaddressed} == {"work[0]", "basics.label"}


# --------------------------------------------------------------------------------------------
# Repair
# --------------------------------------------------------------------------------------------

INVENTED_JOB: dict[str, Any] = {
    "name": "Quantum Ledger Systems Inc",
    "position": "Head of Platform",
    "startDate": "2012-02",
    "endDate": "2013-03",
    "highlights": ["Grew platform revenue by 400% in one quarter."],
}
INVENTED_BULLET = "Designed a quantum teleportation prototype on weekends."
INVENTED_SUMMARY = "Led a team of 250 engineers at Google."
INVENTED_LETTER = "I also led a 40-person platform team at Google."
INVENTED_PARAGRAPH = "I hold a PhD in Astrophysics from MIT."


def _v(path: str, text: str, kind: str = "number") -> Violation:
    return Violation(kind, text, path, f"{kind} '{text}' is not in the source resume")


def _fabricate(tailored: Tailored) -> tuple[Tailored, list[Violation], set[tuple[str, str]]]:
    """`tailored` with one fabrication of each kind planted, the violations a truth check
    reports for them, and the (path, action) repairs that must undo them."""
    profile = copy.deepcopy(tailored.profile)
    letter = list(tailored.cover_letter)
    work = profile["work"]
    violations, expected = [], set()

    work.insert(1, copy.deepcopy(INVENTED_JOB))
    violations += [_v("work[1].name", INVENTED_JOB["name"], "employer"),
                   _v("work[1].highlights[0]", "400%")]  # fmt: skip
    expected.add(("work[1]", "removed"))

    work[0]["position"] = "Chief " + work[0]["position"]
    violations.append(_v("work[0].position", work[0]["position"], "title"))
    expected.add(("work[0].position", "restored"))

    last = len(work) - 1
    if last != 1:
        start = work[last]["startDate"]
        work[last]["startDate"] = str(int(start[:4]) - 1) + start[4:]
        violations.append(_v(f"work[{last}].startDate", work[last]["startDate"], "dates"))
        expected.add((f"work[{last}].startDate", "restored"))

    bullets = work[0]["highlights"]
    k = next(k for k, b in enumerate(bullets) if len(content_words(b)) >= 2)
    bullets[k] = bullets[k].rstrip(". ") + ", saving $7.3M a year."
    violations.append(_v(f"work[0].highlights[{k}]", "$7.3M"))
    expected.add((f"work[0].highlights[{k}]", "restored"))
    bullets.append(INVENTED_BULLET)
    violations.append(_v(f"work[0].highlights[{len(bullets) - 1}]", "quantum", "skill"))
    expected.add((f"work[0].highlights[{len(bullets) - 1}]", "removed"))

    keywords = profile["skills"][0]["keywords"]
    keywords.append("Quantum Computing")
    violations.append(_v(f"skills[0].keywords[{len(keywords) - 1}]", "Quantum Computing", "skill"))
    expected.add((f"skills[0].keywords[{len(keywords) - 1}]", "removed"))

    basics = profile["basics"]
    basics["summary"] = f"{basics['summary']} {INVENTED_SUMMARY}"
    violations.append(_v("basics.summary", "250"))
    sentences = split_sentences(basics["summary"])
    if len(sentences) > 1:
        expected.add((f"basics.summary#s{len(sentences) - 1}", "removed"))
    else:  # a summary without a full stop is one sentence: the user's own comes back
        expected.add(("basics.summary", "restored"))

    letter[2] = f"{letter[2]} {INVENTED_LETTER}"
    violations.append(_v("cover_letter[2]", "40-person", "team_size"))
    expected.add((f"cover_letter[2]#s{len(split_sentences(letter[2])) - 1}", "removed"))
    letter.insert(3, INVENTED_PARAGRAPH)
    violations.append(_v("cover_letter[3]", "PhD in Astrophysics", "degree"))
    expected.add(("cover_letter[3]#s0", "removed"))
    return replace(tailored, profile=profile, cover_letter=letter), violations, expected


def _dump(tailored: Tailored) -> str:
    return json.dumps([tailored.profile, tailored.cover_letter], ensure_ascii=False)


@pytest.mark.parametrize("strength", STRENGTHS)
def test_repair_undoes_every_fabrication_and_touches_nothing_else(strength: str) -> None:
    repaired_count = 0
    for slug, source in PROFILES.items():
        _, original = outcome(slug, "01-backend-python", strength)
        profile = original.profile
        if not (profile["skills"] and profile["basics"].get("summary")):
            continue
        if not any(len(content_words(b)) >= 2 for b in profile["work"][0].get("highlights", [])):
            continue
        fabricated, violations, expected = _fabricate(original)
        before = _dump(fabricated)
        fixed, repairs = repair(source, fabricated, violations, vocabulary=VOCAB, today=AS_OF)
        assert _dump(fabricated) == before, f"{slug}: the input was modified"
        assert {(r.path, r.action) for r in repairs} == expected, slug
        assert _dump(fixed) == _dump(original), slug
        assert fixed.generator() == original.generator()
        repaired_count += 1
    assert repaired_count >= 50


def test_each_repair_shows_the_offending_text_and_what_replaced_it() -> None:
    _, original = outcome(JOSE, "01-backend-python", "balanced")
    fabricated, violations, _ = _fabricate(original)
    _, repairs = repair(PROFILES[JOSE], fabricated, violations, vocabulary=VOCAB)
    by_path = {r.path: r for r in repairs}
    assert by_path["work[1]"].before == "Head of Platform at Quantum Ledger Systems Inc, 2012–2013"
    assert "employer 'Quantum Ledger Systems Inc'" in by_path["work[1]"].reason
    assert "number '400%'" in by_path["work[1]"].reason  # its bullet went with it
    title = by_path["work[0].position"]
    assert (title.before, title.after) == (
        "Chief Senior Backend Engineer",
        "Senior Backend Engineer",
    )
    metric = next(r for r in repairs if "$7.3M" in r.before)
    assert metric.after in PROFILES[JOSE]["work"][0]["highlights"]
    summary = next(r for r in repairs if r.path.startswith("basics.summary"))
    assert (summary.before, summary.after) == (INVENTED_SUMMARY, "")
    assert all(r.to_dict() == json.loads(json.dumps(r.to_dict())) for r in repairs)


def test_offline_output_has_no_line_from_nowhere() -> None:
    for slug, _, tailored, provenance in every_case():
        assert unsourced_violations(tailored, provenance) == [], slug


def test_lines_from_nowhere_become_violations_that_repair_removes() -> None:
    """What the truth check cannot see (no skill, number or name) the provenance still can."""
    _, original = outcome(JOSE, "01-backend-python", "full")
    fabricated, _, _ = _fabricate(original)
    provenance = trace(PROFILES[JOSE], fabricated, vocabulary=VOCAB, today=AS_OF)
    found = unsourced_violations(fabricated, provenance)
    assert [(v.path, v.text) for v in found] == [
        ("basics.summary#s2", INVENTED_SUMMARY),
        ("work[0].highlights[3]", INVENTED_BULLET),
        ("work[1]", "Head of Platform at Quantum Ledger Systems Inc"),
        ("work[1].highlights[0]", INVENTED_JOB["highlights"][0]),
        ("skills[0].keywords[4]", "Quantum Computing"),
    ]
    assert {v.kind for v in found} == {"unsourced"}
    fixed, repairs = repair(PROFILES[JOSE], fabricated, found, vocabulary=VOCAB, today=AS_OF)
    assert [(r.path, r.action) for r in repairs] == [
        ("basics.summary#s2", "removed"),
        ("skills[0].keywords[4]", "removed"),
        ("work[0].highlights[3]", "removed"),
        ("work[1]", "removed"),
    ]
    assert INVENTED_BULLET not in fixed.profile["work"][0]["highlights"]
    assert [job["name"] for job in fixed.profile["work"]] == [
        job["name"] for job in original.profile["work"]
    ]


def test_a_summary_that_is_all_invention_gives_way_to_the_users_own() -> None:
    source = PROFILES[AOIFE]
    profile = copy.deepcopy(source)
    profile["basics"]["summary"] = "Chief nursing officer with 20+ years of experience."
    tailored = Tailored(profile=profile, cover_letter=[])
    fixed, repairs = repair(source, tailored, [_v("basics.summary", "20+ years")])
    assert fixed.profile == source
    assert [(r.path, r.action) for r in repairs] == [("basics.summary", "restored")]


def test_an_invented_summary_without_a_source_summary_is_removed() -> None:
    source = copy.deepcopy(PROFILES[AOIFE])
    del source["basics"]["summary"]
    profile = copy.deepcopy(source)
    profile["basics"]["summary"] = "Chief nursing officer with 20+ years of experience."
    tailored = Tailored(profile=profile, cover_letter=[])
    fixed, repairs = repair(source, tailored, [_v("basics.summary", "20+ years")])
    assert fixed.profile == source
    assert [(r.path, r.action) for r in repairs] == [("basics.summary", "removed")]


def test_a_wrong_degree_is_restored_and_an_invented_school_removed() -> None:
    source = PROFILES[ANANYA]
    profile = copy.deepcopy(source)
    profile["education"][0]["studyType"] = "PhD Computational Science"
    profile["education"].insert(1, {"institution": "Stanford University", "studyType": "MBA"})
    profile["certificates"] = [{"name": "Google Professional ML Engineer"}]
    violations = [
        _v("education[0].studyType", "PhD Computational Science", "degree"),
        _v("education[1].institution", "Stanford University", "institution"),
        _v("education[1].studyType", "MBA", "degree"),
        _v("certificates[0].name", "Google Professional ML Engineer", "certification"),
    ]
    fixed, repairs = repair(source, Tailored(profile=profile, cover_letter=[]), violations)
    assert fixed.profile == source
    assert [(r.path, r.action) for r in repairs] == [
        ("certificates[0]", "removed"),
        ("education[0].studyType", "restored"),
        ("education[1]", "removed"),
    ]


def test_a_lost_end_date_and_a_moved_start_are_restored_from_the_same_job() -> None:
    source = PROFILES[JOSE]
    profile = copy.deepcopy(source)
    del profile["work"][1]["endDate"]  # reads as "present"
    profile["work"][2]["startDate"] = "2014-01"
    violations = [
        _v("work[1].endDate", "present", "dates"),
        _v("work[2].startDate", "2014-01", "dates"),
    ]
    fixed, repairs = repair(source, Tailored(profile=profile, cover_letter=[]), violations)
    assert fixed.profile == source
    assert [(r.path, r.before, r.after) for r in repairs] == [
        ("work[1].endDate", "", "2020-12"),
        ("work[2].startDate", "2014-01", "2015-09"),
    ]


def test_several_violations_of_one_bullet_make_one_repair() -> None:
    source = PROFILES[JOSE]
    profile = copy.deepcopy(source)
    profile["work"][0]["highlights"][1] = (
        "Split a monolithic pricing module into 9 services, cutting deploy time from 90 to 6 "
        "minutes."
    )
    violations = [_v("work[0].highlights[1]", "9"), _v("work[0].highlights[1]", "90")]
    fixed, repairs = repair(source, Tailored(profile=profile, cover_letter=[]), violations)
    assert fixed.profile == source
    assert len(repairs) == 1
    assert repairs[0].reason == (
        "number '9' is not in the source resume; number '90' is not in the source resume"
    )


def test_a_rephrasing_restored_to_a_bullet_already_shown_is_removed_instead() -> None:
    source = PROFILES[JOSE]
    profile = copy.deepcopy(source)
    own = source["work"][0]["highlights"][1]
    profile["work"][0]["highlights"] = [own, "Split the pricing monolith into 12 services."]
    fixed, repairs = repair(
        source, Tailored(profile=profile, cover_letter=[]), [_v("work[0].highlights[1]", "12")]
    )
    assert fixed.profile["work"][0]["highlights"] == [own]
    assert [(r.path, r.action) for r in repairs] == [("work[0].highlights[1]", "removed")]


def test_a_flagged_bullet_in_the_sources_words_stays_when_its_job_was_put_right() -> None:
    source = PROFILES[JOSE]
    profile = copy.deepcopy(source)
    profile["work"][0]["name"] = "Zahlwerk AG"  # the bullet's figures now look borrowed
    violations = [
        _v("work[0].name", "Zahlwerk AG", "employer"),
        _v("work[0].highlights[0]", "4M"),
    ]
    fixed, repairs = repair(source, Tailored(profile=profile, cover_letter=[]), violations)
    assert fixed.profile["work"][0] == source["work"][0]
    assert ("work[0].highlights[0]", "removed") not in {(r.path, r.action) for r in repairs}


def test_a_flagged_bullet_in_the_sources_words_is_removed_otherwise() -> None:
    source = PROFILES[JOSE]
    profile = copy.deepcopy(source)
    fixed, repairs = repair(
        source, Tailored(profile=profile, cover_letter=[]), [_v("work[0].highlights[0]", "4M")]
    )
    assert fixed.profile["work"][0]["highlights"] == source["work"][0]["highlights"][1:]
    assert [(r.path, r.action) for r in repairs] == [("work[0].highlights[0]", "removed")]


def test_a_skills_group_emptied_by_repair_goes_too() -> None:
    source = PROFILES[JOSE]
    profile = copy.deepcopy(source)
    profile["skills"].insert(1, {"name": "Quantum", "keywords": ["Qiskit", "Cirq"]})
    violations = [_v("skills[1].keywords[0]", "Qiskit", "skill"),
                  _v("skills[1].keywords[1]", "Cirq", "skill")]  # fmt: skip
    fixed, repairs = repair(source, Tailored(profile=profile, cover_letter=[]), violations)
    assert fixed.profile == source
    assert [r.path for r in repairs] == ["skills[1].keywords[0]", "skills[1].keywords[1]"]


def test_a_letter_claim_that_cannot_be_placed_takes_its_paragraph() -> None:
    source = PROFILES[JOSE]
    letter = ["Dear Team,", "I shipped things. I managed budgets of £5m.", "Sincerely,"]
    tailored = Tailored(profile=copy.deepcopy(source), cover_letter=letter)
    fixed, repairs = repair(source, tailored, [_v("cover_letter[1]", "GBP 5,000,000")])
    assert fixed.cover_letter == ["Dear Team,", "Sincerely,"]
    assert [r.path for r in repairs] == ["cover_letter[1]#s0", "cover_letter[1]#s1"]


def test_violations_at_paths_that_do_not_exist_are_skipped() -> None:
    source = PROFILES[JOSE]
    tailored = Tailored(profile=copy.deepcopy(source), cover_letter=["Hello."])
    violations = [
        _v("work[9].highlights[0]", "1"),
        _v("skills[0].keywords[99]", "Rust", "skill"),
        _v("cover_letter[5]", "x"),
        _v("not a path", "x"),
    ]
    fixed, repairs = repair(source, tailored, violations)
    assert (fixed.profile, fixed.cover_letter, repairs) == (source, ["Hello."], [])


# --------------------------------------------------------------------------------------------
# Completeness
# --------------------------------------------------------------------------------------------


def test_offline_output_loses_no_employer_degree_or_date_range() -> None:
    for slug, source, tailored, _ in every_case():
        profile, missing = restore_missing(source, tailored.profile)
        assert missing == [], slug
        assert profile == tailored.profile


def test_a_dropped_job_is_reported_and_put_back_in_source_order_with_its_first_bullet() -> None:
    checked = 0
    for slug, source in PROFILES.items():
        _, tailored = outcome(slug, "01-backend-python", "balanced")
        if len(source["work"]) < 2:
            continue
        profile = copy.deepcopy(tailored.profile)
        del profile["work"][1]
        restored, missing = restore_missing(source, profile)
        dropped = source["work"][1]
        same_employer = dropped["name"] in {job["name"] for job in profile["work"]}
        assert [(m.id, m.action) for m in missing] == [("work[1]", "restored")], slug
        assert missing[0].kind == ("date_range" if same_employer else "employer"), slug
        expected = copy.deepcopy(tailored.profile)
        expected["work"][1] = {**dropped, "highlights": dropped.get("highlights", [])[:1]}
        assert restored == expected, slug
        assert profile["work"] == tailored.profile["work"][:1] + tailored.profile["work"][2:]
        checked += 1
    assert checked >= 40


def test_a_job_left_out_for_length_is_only_reported_with_the_callers_reason() -> None:
    source = PROFILES[JOSE]
    profile = copy.deepcopy(source)
    del profile["work"][2]
    reason = "left out to fit one page"
    restored, missing = restore_missing(source, profile, allowed_drops={"work[2]": reason})
    assert restored == profile
    assert [m.to_dict() for m in missing] == [
        {
            "id": "work[2]",
            "kind": "employer",
            "text": "Junior Developer at Softwarehaus Ostwind",
            "label": "Junior Developer at Softwarehaus Ostwind, 2015–2017",
            "action": "reported",
            "reason": reason,
        }
    ]


def test_a_second_role_at_a_kept_employer_is_a_lost_date_range() -> None:
    source = PROFILES[WAREHOUSE]
    profile = copy.deepcopy(source)
    del profile["work"][1]
    restored, missing = restore_missing(source, profile)
    assert [(m.id, m.kind, m.action) for m in missing] == [("work[1]", "date_range", "restored")]
    assert restored["work"][1]["startDate"] == "2020-03"


def test_a_dropped_degree_and_a_lost_end_date_are_put_back() -> None:
    source = PROFILES[ANANYA]
    profile = copy.deepcopy(source)
    del profile["education"][0]
    del profile["work"][1]["endDate"]
    restored, missing = restore_missing(source, profile)
    assert restored == source
    assert [(m.id, m.kind) for m in missing] == [
        ("work[1].endDate", "date_range"),
        ("education[0]", "degree"),
    ]


# --------------------------------------------------------------------------------------------
# Serialisation
# --------------------------------------------------------------------------------------------


def test_the_provenance_map_is_json_for_the_api() -> None:
    provenance = traced(JOSE, "01-backend-python", "full")
    data = json.loads(json.dumps(provenance.to_dict(), ensure_ascii=False))
    assert data == provenance.to_dict()
    assert data["work[0].highlights[0]"] == [
        {
            "id": "work[0].highlights[0]",
            "text": PROFILES[JOSE]["work"][0]["highlights"][0],
            "label": "Senior Backend Engineer at Kranich Mobility GmbH, 2021–present",
            "match": "identical",
        }
    ]
