"""The offline engine and its cover letter: golden outputs and properties over the corpora.

Golden files: ``tests/golden/*.json`` hold the complete output (tailored profile, cover letter,
generator metadata) for a few resume × posting pairs with varied options, compared exactly, so
any change in what the engine writes shows up as a diff. After an intended change, regenerate
them and review the diff like code:

    UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_offline.py -q -p no:cacheprovider

Properties: every resume of both corpora (the parsing corpus ``tests/corpus/NN-*.json``, turned
into JSON Resume below, and the matching corpus ``tests/corpus/matching/resumes``) is tailored
for a few postings of ``tests/corpus/postings``, and what must always hold is checked for each:
nothing dropped or invented, the job's lines and skills first, the length kept, a short letter
that cites the resume.

"Today" is fixed (``AS_OF``) so that ongoing jobs' years, and so the outputs, do not drift.
"""

from __future__ import annotations

import copy
import json
import os
import re
from collections import Counter
from dataclasses import asdict
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from tests.corpus.matching.evaluate import AS_OF, load_matching_corpus, load_postings
from tests.corpus.render import Entry, load_corpus
from worker.pipeline.analysis import analyse_job
from worker.pipeline.cover_letter import (
    MAX_WORDS,
    PHRASES,
    evidence_lines,
    limit_words,
    lower_first,
    word_count,
    write_cover_letter,
)
from worker.pipeline.language import detect_language, resolve_language
from worker.pipeline.offline import fits, tailor_offline
from worker.pipeline.parsing import iter_lines
from worker.pipeline.scoring import experience_years, score_profile
from worker.pipeline.skills import default_vocabulary
from worker.pipeline.types import (
    JobAnalysis,
    JobPosting,
    MatchResult,
    Options,
    Profile,
    RankedLine,
    Tailored,
)
from worker.pipeline.validation import truth_violations

VOCAB = default_vocabulary()
REPO = Path(__file__).resolve().parents[1]
GOLDEN_DIR = Path(__file__).resolve().parent / "golden"
UPDATE_GOLDEN = os.environ.get("UPDATE_GOLDEN") == "1"
LANGUAGES = ("en", "de", "fr", "es")
TONES = ("professional", "warm", "confident", "concise")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


# --------------------------------------------------------------------------------------------
# Corpora
# --------------------------------------------------------------------------------------------


def _language_entry(text: str) -> dict[str, str]:
    name, _, rest = text.partition(" (")
    return {"language": name, "fluency": rest.rstrip(")")} if rest else {"language": name}


def corpus_profile(entry: Entry) -> Profile:
    """The JSON Resume a perfect parse of a parsing-corpus entry would give."""
    content, expected = entry.content, entry.expected
    work = []
    for job, dates in zip(content["work"], expected["work"], strict=True):
        item: dict[str, Any] = {
            "name": job["employer"],
            "position": job["title"],
            "location": job.get("location", ""),
            "startDate": dates["startDate"],
            "highlights": list(job.get("bullets") or []),
        }
        if dates["endDate"]:
            item["endDate"] = dates["endDate"]
        if job.get("blurb"):
            item["summary"] = job["blurb"]
        work.append(item)
    return {
        "basics": {
            "name": content["name"],
            "label": content.get("headline", ""),
            "email": expected["basics"]["email"],
            "phone": expected["basics"]["phone"],
            "summary": content.get("summary", ""),
        },
        "work": work,
        "education": [
            {"institution": school["institution"], "studyType": school["degree"], **dates}
            for school, dates in zip(content["education"], expected["education"], strict=True)
        ],
        "skills": [{"name": g["group"], "keywords": list(g["items"])} for g in content["skills"]],
        "projects": [
            {
                "name": project["name"],
                "description": project.get("description", ""),
                "highlights": list(project.get("bullets") or []),
                "keywords": list(project.get("tech") or []),
            }
            for project in content.get("projects") or []
        ],
        "certificates": [{"name": name} for name in content.get("certifications") or []],
        "awards": [{"title": title} for title in content.get("awards") or []],
        "languages": [_language_entry(text) for text in content.get("languages") or []],
    }


PROFILES: dict[str, Profile] = {
    **{entry.slug: corpus_profile(entry) for entry in load_corpus()},
    **load_matching_corpus().resumes,
}
POSTINGS: dict[str, JobPosting] = {item.slug: item.posting for item in load_postings()}
PROPERTY_POSTINGS = ("01-backend-python", "05-registered-nurse", "09-warehouse-supervisor")


@cache
def analysed(posting: str) -> JobAnalysis:
    return analyse_job(POSTINGS[posting], vocabulary=VOCAB)


def tailor(profile: Profile, analysis: JobAnalysis, **options: Any) -> tuple[MatchResult, Tailored]:
    match = score_profile(profile, analysis, vocabulary=VOCAB, today=AS_OF)
    tailored = tailor_offline(
        profile, analysis, match, options=Options(**options), vocabulary=VOCAB, today=AS_OF
    )
    return match, tailored


@cache
def outcome(slug: str, posting: str, strength: str = "balanced") -> tuple[MatchResult, Tailored]:
    """Tailored once per pair and strength; tests must not modify what this returns."""
    return tailor(PROFILES[slug], analysed(posting), strength=strength)


def each_pair(posting: str, strength: str = "balanced") -> list[tuple[str, Profile, Tailored]]:
    return [(slug, p, outcome(slug, posting, strength)[1]) for slug, p in PROFILES.items()]


def _bullets(job: dict[str, Any]) -> list[str]:
    return [str(h) for h in job.get("highlights") or []]


def _keywords(profile: Profile) -> list[str]:
    return [str(k) for g in profile.get("skills") or [] for k in g.get("keywords") or []]


def test_the_corpora_are_large_and_load_as_json_resume() -> None:
    assert len(PROFILES) >= 55
    for slug, profile in PROFILES.items():
        assert profile["basics"]["name"], slug
        assert profile["work"], slug


# --------------------------------------------------------------------------------------------
# Golden outputs
# --------------------------------------------------------------------------------------------

GOLDEN: dict[str, tuple[str, str, dict[str, Any]]] = {
    "sample": ("sample", "sample", {}),
    "jose-backend": ("01-jose-muller-lukasiewicz", "01-backend-python", {}),
    "rafael-java-full-confident": (
        "09-rafael-okonkwo-santos",
        "17-java-principal",
        {"strength": "full", "tone": "confident"},
    ),
    "aoife-nurse-de-warm": (
        "05-aoife-osullivan",
        "05-registered-nurse",
        {"language": "de", "tone": "warm"},
    ),
    "warehouse-lead-es-concise": (
        "r17-warehouse-lead",
        "09-warehouse-supervisor",
        {"language": "es", "tone": "concise", "strength": "light"},
    ),
    "ananya-data-fr-two-pages": (
        "18-ananya-krishnamurthy",
        "02-data-scientist-prose",
        {"language": "fr", "strength": "full", "length_pages": 2},
    ),
}


def _golden_inputs(resume: str, posting: str) -> tuple[Profile, JobAnalysis]:
    if resume == "sample":
        profile = json.loads((REPO / "samples" / "resume.json").read_text("utf-8"))
        text = (REPO / "samples" / "job.txt").read_text("utf-8")
        return profile, analyse_job(JobPosting(description=text), vocabulary=VOCAB)
    return PROFILES[resume], analysed(posting)


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_output_matches_its_golden_file(name: str) -> None:
    resume, posting, options = GOLDEN[name]
    profile, analysis = _golden_inputs(resume, posting)
    _, tailored = tailor(profile, analysis, **options)
    got = {
        "options": asdict(Options(**options)),
        "generator": tailored.generator(),
        "profile": tailored.profile,
        "cover_letter": tailored.cover_letter,
    }
    path = GOLDEN_DIR / f"{name}.json"
    if UPDATE_GOLDEN:
        GOLDEN_DIR.mkdir(exist_ok=True)
        path.write_text(json.dumps(got, indent=2, ensure_ascii=False) + "\n", "utf-8")
    assert path.exists(), f"{path} is missing: run with UPDATE_GOLDEN=1 and review it"
    assert got == json.loads(path.read_text("utf-8"))


def test_golden_files_have_no_strays() -> None:
    assert {path.stem for path in GOLDEN_DIR.glob("*.json")} == set(GOLDEN)


# --------------------------------------------------------------------------------------------
# Properties over every corpus resume
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("posting", PROPERTY_POSTINGS)
def test_every_employer_and_school_is_kept_in_source_order(posting: str) -> None:
    facts = ("name", "position", "startDate", "endDate")
    for slug, source, tailored in each_pair(posting):
        got = [tuple(job.get(k) for k in facts) for job in tailored.profile["work"]]
        want = [tuple(job.get(k) for k in facts) for job in source["work"]]
        assert got == want, slug
        assert tailored.profile.get("education") == source.get("education"), slug


@pytest.mark.parametrize("posting", PROPERTY_POSTINGS)
def test_every_bullet_is_one_of_the_same_jobs_own(posting: str) -> None:
    for slug, source, tailored in each_pair(posting):
        for i, (job, original) in enumerate(
            zip(tailored.profile["work"], source["work"], strict=True)
        ):
            kept, own = Counter(_bullets(job)), Counter(_bullets(original))
            assert kept <= own, f"{slug} work[{i}]: {kept - own}"
            assert bool(kept) == bool(own), f"{slug} work[{i}] lost all its bullets"


@pytest.mark.parametrize("posting", PROPERTY_POSTINGS)
def test_bullets_are_ordered_by_relevance_within_each_job(posting: str) -> None:
    ordered_somewhere = False
    for slug, source, tailored in each_pair(posting):
        match = outcome(slug, posting)[0]
        scores = {line.path: line.score for line in match.ranked_lines}
        for i, (job, original) in enumerate(
            zip(tailored.profile["work"], source["work"], strict=True)
        ):
            own = _bullets(original)
            relevance = [
                scores.get(f"work[{i}].highlights[{own.index(b)}]", 0.0) for b in _bullets(job)
            ]
            assert relevance == sorted(relevance, reverse=True), f"{slug} work[{i}]"
            ordered_somewhere |= _bullets(job) != own[: len(job["highlights"])]
    assert ordered_somewhere, "no resume had a bullet moved up: the ordering is not exercised"


def _skill_rank(keyword: str, rank: dict[str, int]) -> int:
    names = [c] if (c := VOCAB.canonical(keyword)) else VOCAB.find(keyword)
    return min((rank[s] for s in names if s in rank), default=len(rank))


@pytest.mark.parametrize("posting", PROPERTY_POSTINGS)
def test_skills_are_the_users_own_with_the_jobs_first(posting: str) -> None:
    for slug, source, tailored in each_pair(posting):
        match = outcome(slug, posting)[0]
        rank = {skill: i for i, skill in enumerate(match.matched_skills)}
        assert Counter(_keywords(tailored.profile)) == Counter(_keywords(source)), slug
        group_ranks = []
        for group in tailored.profile.get("skills") or []:
            ranks = [_skill_rank(str(k), rank) for k in group["keywords"]]
            assert ranks == sorted(ranks), f"{slug} group {group['name']}"
            group_ranks.append(ranks[0] if ranks else len(rank))
        assert group_ranks == sorted(group_ranks), slug


@pytest.mark.parametrize("posting", PROPERTY_POSTINGS)
def test_a_written_summary_states_no_number_but_the_true_years(posting: str) -> None:
    for slug, source, tailored in each_pair(posting, "full"):
        summary = tailored.profile["basics"]["summary"]
        facts = [t for _, t in iter_lines(source)] + _keywords(source)
        facts += [str(job.get(k) or "") for job in source["work"] for k in ("name", "position")]
        own_numbers = {n for fact in facts for n in _NUMBER.findall(fact)}
        years = experience_years(source, today=AS_OF)
        for number in _NUMBER.findall(summary):
            if f"{number}+ years" in summary:
                assert int(number) <= years, f"{slug}: {summary}"
            else:
                assert number in own_numbers, f"{slug}: {summary}"
        assert summary != source["basics"].get("summary"), f"{slug}: full kept the old summary"


@pytest.mark.parametrize("strength", ["balanced", "full"])
@pytest.mark.parametrize("posting", PROPERTY_POSTINGS)
def test_the_truth_check_has_nothing_to_report(posting: str, strength: str) -> None:
    problems = {
        slug: found
        for slug, source, tailored in each_pair(posting, strength)
        if (found := truth_violations(source, tailored.profile, vocabulary=VOCAB))
    }
    assert problems == {}


@pytest.mark.parametrize("posting", PROPERTY_POSTINGS)
def test_one_page_is_respected_or_every_job_is_down_to_one_bullet(posting: str) -> None:
    trimmed, at_floor = 0, []
    for slug, _, tailored in each_pair(posting):
        trimmed += any(note.startswith("left out") for note in tailored.notes)
        if fits(tailored.profile, pages=1):
            continue
        # Only a long career with many sections may not fit; the user is told so.
        assert all(len(job["highlights"]) <= 1 for job in tailored.profile["work"]), slug
        assert any("still longer than 1 page" in note for note in tailored.notes), slug
        at_floor.append(slug)
    assert trimmed, "no corpus resume needed trimming: the budget is not exercised"
    assert at_floor == ["09-rafael-okonkwo-santos"]


@pytest.mark.parametrize("posting", PROPERTY_POSTINGS)
def test_cover_letter_is_short_addressed_and_cites_the_resume(posting: str) -> None:
    analysis = analysed(posting)
    for slug, source, tailored in each_pair(posting):
        letter = tailored.cover_letter
        text = " ".join(letter)
        assert word_count(letter) <= MAX_WORDS, slug
        assert analysis.company in letter[0] and analysis.company in letter[1], slug
        assert analysis.title in letter[1], slug
        assert letter[-1] == source["basics"]["name"], slug
        bullets = [b.rstrip(" .") for job in source["work"] for b in _bullets(job)]
        cited = any(b in text or lower_first(b) in text for b in bullets)
        assert cited, f"{slug} cites none of its bullets"


@pytest.mark.parametrize("posting", PROPERTY_POSTINGS)
def test_cover_letter_claims_no_skill_or_number_beyond_the_profile(posting: str) -> None:
    analysis = analysed(posting)
    for slug, source, tailored in each_pair(posting):
        facts = [t for _, t in iter_lines(source)] + _keywords(source)
        facts += [str(job.get(k) or "") for job in source["work"] for k in ("name", "position")]
        facts += [analysis.title, analysis.company]
        own_skills = {skill for fact in facts for skill in VOCAB.find(fact)}
        own_skills |= {c for k in _keywords(source) if (c := VOCAB.canonical(k))}
        own_numbers = {n for fact in facts for n in _NUMBER.findall(fact)}
        years = int(experience_years(source, today=AS_OF))
        for paragraph in tailored.cover_letter:
            assert set(VOCAB.find(paragraph)) <= own_skills, f"{slug}: {paragraph}"
            assert set(_NUMBER.findall(paragraph)) <= own_numbers | {str(years)}, slug


def test_output_is_deterministic() -> None:
    for slug in list(PROFILES)[::5]:
        first = tailor(PROFILES[slug], analysed("01-backend-python"), strength="full")[1]
        again = tailor(
            copy.deepcopy(PROFILES[slug]), analysed("01-backend-python"), strength="full"
        )[1]
        assert asdict(first) == asdict(again), slug


def test_the_source_profile_is_not_modified() -> None:
    source = PROFILES["09-rafael-okonkwo-santos"]
    before = copy.deepcopy(source)
    tailor(source, analysed("17-java-principal"), strength="full")
    assert source == before


# --------------------------------------------------------------------------------------------
# The engine's choices
# --------------------------------------------------------------------------------------------


def test_result_names_the_offline_engine_and_the_language() -> None:
    _, tailored = tailor(
        PROFILES["r01-senior-python"], analysed("01-backend-python"), language="de"
    )
    assert (tailored.provider, tailored.model, tailored.prompt_version) == (
        "local",
        "offline-1",
        "offline.v1",
    )
    assert tailored.language == "de"
    assert tailored.cover_letter[0].startswith("Sehr geehrtes Team von Fernwood Payments")


def test_no_cover_letter_unless_asked() -> None:
    _, tailored = tailor(
        PROFILES["r01-senior-python"], analysed("01-backend-python"), cover_letter=False
    )
    assert tailored.cover_letter == []


def test_light_and_balanced_keep_the_users_summary_and_full_writes_one() -> None:
    source = PROFILES["r01-senior-python"]
    analysis = analysed("01-backend-python")
    for strength in ("light", "balanced"):
        summary = tailor(source, analysis, strength=strength)[1].profile["basics"]["summary"]
        assert summary == source["basics"]["summary"]
    written = tailor(source, analysis, strength="full")[1].profile["basics"]["summary"]
    assert written == (
        "Senior Backend Engineer with 9+ years of experience in Python, FastAPI, PostgreSQL "
        "and Docker. Currently at Cargoflow."
    )


def test_a_missing_summary_is_written_whatever_the_strength() -> None:
    source = copy.deepcopy(PROFILES["r07-sre"])
    source["basics"].pop("summary", None)
    summary = tailor(source, analysed("11-devops-inline"), strength="light")[1].profile["basics"][
        "summary"
    ]
    assert summary.startswith("Site Reliability Engineer with 7+ years of experience in ")
    assert "Currently Senior SRE at Streamly." in summary


def test_a_german_resume_gets_a_german_summary_without_an_unverifiable_figure() -> None:
    source: Profile = {
        "basics": {"name": "Jana Vogt", "label": "Lagerleiterin"},
        "work": [
            {
                "name": "Nordlager GmbH",
                "position": "Lagerleiterin",
                "startDate": "2016-04",
                "highlights": [
                    "Verantwortlich für den Wareneingang und die Kommissionierung mit SAP.",
                    "Einführung einer neuen Lagerverwaltung und Schulung des gesamten Teams.",
                ],
            }
        ],
        "skills": [{"name": "Logistik", "keywords": ["SAP", "Inventory Management"]}],
    }
    _, tailored = tailor(source, analysed("09-warehouse-supervisor"), strength="full")
    summary = tailored.profile["basics"]["summary"]
    assert summary.startswith("Lagerleiterin mit Erfahrung in ")
    assert summary.endswith("Derzeit bei Nordlager GmbH tätig.")
    assert not _NUMBER.search(summary)
    assert truth_violations(source, tailored.profile, vocabulary=VOCAB) == []


def _long_profile(jobs: int = 6, bullets: int = 9) -> tuple[Profile, MatchResult]:
    """A career too long for one page, with known relevance: bullet 0 of each job is best."""
    work = []
    ranked = []
    for i in range(jobs):
        start = 2024 - 3 * i
        highlights = [
            f"Delivered project {i}-{j} for the operations department, coordinating suppliers, "
            f"scheduling and reporting for the whole of region {i}{j}"
            for j in range(bullets)
        ]
        work.append(
            {
                "name": f"Employer {i}",
                "position": "Operations Manager",
                "startDate": f"{start}-01",
                "endDate": f"{start + 3}-01" if i else None,
                "highlights": highlights,
            }
        )
        for j, text in enumerate(highlights):
            # Job 5 has one more relevant bullet than job 0's worst; bullets 7 and 8 are noise.
            score = 0.0 if j >= 7 else 10.0 - j + (0.5 if i == 5 else 0.0)
            ranked.append(RankedLine(f"work[{i}].highlights[{j}]", text, score))
    for job in work:
        if job["endDate"] is None:
            del job["endDate"]
    profile: Profile = {
        "basics": {"name": "Sam Long", "label": "Operations Manager", "summary": "Ops."},
        "work": work,
        "education": [{"institution": "Open University", "studyType": "BSc"}],
        "skills": [{"name": "Operations", "keywords": ["Scheduling"]}],
    }
    ranked.sort(key=lambda line: -line.score)
    return profile, MatchResult(0.0, [], [], [], ranked)


def _tailor_long(pages: int) -> tuple[Profile, Tailored]:
    profile, match = _long_profile()
    analysis = analysed("09-warehouse-supervisor")
    options = Options(length_pages=pages, cover_letter=False)
    return profile, tailor_offline(profile, analysis, match, options=options, today=AS_OF)


def test_trimming_fits_the_page_and_keeps_every_job() -> None:
    source, tailored = _tailor_long(1)
    assert not fits(source, pages=1)
    assert fits(tailored.profile, pages=1)
    kept = [len(job["highlights"]) for job in tailored.profile["work"]]
    assert len(kept) == 6 and min(kept) >= 1
    assert kept == sorted(kept, reverse=True), "an older job kept more than a newer one"
    assert tailored.profile["education"] == source["education"]
    assert any(note.startswith("left out") for note in tailored.notes)


def test_trimming_drops_unrelated_bullets_first_and_keeps_the_best() -> None:
    _, tailored = _tailor_long(2)
    source, _ = _long_profile()
    for job, original in zip(tailored.profile["work"], source["work"], strict=True):
        assert job["highlights"][0] == original["highlights"][0]
        assert all(b in original["highlights"][:7] for b in job["highlights"])


def test_two_pages_keep_more_than_one() -> None:
    one = sum(len(j["highlights"]) for j in _tailor_long(1)[1].profile["work"])
    two = sum(len(j["highlights"]) for j in _tailor_long(2)[1].profile["work"])
    assert one < two <= 6 * 9
    assert fits(_tailor_long(2)[1].profile, pages=2)


def test_a_resume_that_cannot_fit_says_so_and_still_keeps_everyone() -> None:
    profile, match = _long_profile(jobs=40, bullets=2)
    options = Options(length_pages=1, cover_letter=False)
    tailored = tailor_offline(profile, analysed("01-backend-python"), match, options=options)
    assert [len(job["highlights"]) for job in tailored.profile["work"]] == [1] * 40
    assert any("still longer than 1 page" in note for note in tailored.notes)


# --------------------------------------------------------------------------------------------
# The cover letter
# --------------------------------------------------------------------------------------------


def _letter(**kwargs: Any) -> list[str]:
    profile = PROFILES["r01-senior-python"]
    analysis = analysed("01-backend-python")
    match = outcome("r01-senior-python", "01-backend-python")[0]
    return write_cover_letter(profile, analysis, match, today=AS_OF, **kwargs)


def test_the_letter_reads_as_sentences_in_the_users_words() -> None:
    letter = _letter()
    assert letter[0] == "Dear Hiring Team at Fernwood Payments,"
    assert letter[1] == (
        "I am writing to apply for the Senior Backend Engineer (Python) role at Fernwood "
        "Payments. I currently work as Senior Backend Engineer at Cargoflow and have 9+ years "
        "of professional experience."
    )
    assert letter[2] == (
        "At Cargoflow, I moved services onto AWS ECS with Docker and Terraform. I also "
        "designed REST APIs in Django and FastAPI serving 3,000 requests per second. At "
        "Parcelnet, I built Python services for parcel routing."
    )
    assert letter[3].startswith("Your posting asks for Python, FastAPI, PostgreSQL")
    assert letter[-2:] == ["Sincerely,", "Anika Brandt"]
    assert ";" not in " ".join(letter)


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        ("Led the migration", "led the migration"),
        ("Co-led the migration", "co-led the migration"),
        ("AWS cost reviews", "AWS cost reviews"),
        ("JavaScript rewrite", "JavaScript rewrite"),
        ("iOS release", "iOS release"),
        ("McKinsey report", "McKinsey report"),
    ],
)
def test_only_an_ordinary_first_word_is_lower_cased(start: str, expected: str) -> None:
    assert lower_first(start) == expected


def _one_job_match(profile: Profile, scores: list[float]) -> MatchResult:
    lines = [
        RankedLine(f"work[0].highlights[{j}]", text, score)
        for j, (text, score) in enumerate(zip(_bullets(profile["work"][0]), scores, strict=True))
    ]
    return MatchResult(0.0, [], [], [], sorted(lines, key=lambda line: -line.score))


@pytest.mark.parametrize(
    ("bullets", "sentences"),
    [
        (
            ["Led the migration to AWS", "Promoted to team lead in 2021."],
            "At Acme, I led the migration to AWS. I was also promoted to team lead in 2021.",
        ),
        (
            ["Promoted to team lead", "Built the CI pipeline"],
            "At Acme, I was promoted to team lead. I also built the CI pipeline.",
        ),
        (
            ["AWS cost reviews every quarter.", "Responsible for the on-call rota"],
            "One highlight from Acme: AWS cost reviews every quarter. "
            "I was also responsible for the on-call rota.",
        ),
        (
            ["Kubernetes platform for 30 teams", "Quarterly cost reviews"],
            "One highlight from Acme: Kubernetes platform for 30 teams. "
            "Also at Acme: Quarterly cost reviews.",
        ),
    ],
)
def test_a_bullet_joins_the_sentence_only_when_it_starts_with_a_verb(
    bullets: list[str], sentences: str
) -> None:
    profile: Profile = {
        "basics": {"name": "Kim Doe"},
        "work": [
            {"name": "Acme", "position": "Engineer", "startDate": "2020-01", "highlights": bullets}
        ],
    }
    match = _one_job_match(profile, [2.0, 1.0])
    letter = write_cover_letter(profile, analysed("01-backend-python"), match, today=AS_OF)
    assert sentences in letter


def test_a_bullet_of_an_unnamed_employer_stands_as_written() -> None:
    profile: Profile = {
        "basics": {"name": "Kim Doe"},
        "work": [{"position": "Engineer", "startDate": "2020-01", "highlights": ["Led the move"]}],
    }
    match = _one_job_match(profile, [2.0])
    letter = write_cover_letter(profile, analysed("01-backend-python"), match, today=AS_OF)
    assert "Led the move." in letter


def test_evidence_comes_from_different_jobs_before_a_second_from_one() -> None:
    profile = PROFILES["r01-senior-python"]
    match = outcome("r01-senior-python", "01-backend-python")[0]
    cited = evidence_lines(profile, match, limit=2)
    assert [c.path for c in cited] == ["work[0].highlights[2]", "work[1].highlights[0]"]
    assert all(
        line.score > 0 for line in match.ranked_lines if line.path in {c.path for c in cited}
    )


def test_a_resume_with_nothing_relevant_still_cites_its_lead_bullet() -> None:
    profile = PROFILES["r09-rn"]
    match = outcome("r09-rn", "01-backend-python")[0]
    cited = evidence_lines(profile, match)
    assert len(cited) >= 1
    letter = " ".join(outcome("r09-rn", "01-backend-python")[1].cover_letter)
    assert f"At Mercy Hospital, I {lower_first(cited[0].text)}." in letter


def test_each_language_has_its_own_salutation_and_frame() -> None:
    letters = {language: _letter(language=language) for language in LANGUAGES}
    salutations = {language: letter[0] for language, letter in letters.items()}
    assert salutations == {
        "en": "Dear Hiring Team at Fernwood Payments,",
        "de": "Sehr geehrtes Team von Fernwood Payments,",
        "fr": "Madame, Monsieur,",
        "es": "Estimado equipo de Fernwood Payments:",
    }
    for language, letter in letters.items():
        assert "Fernwood Payments" in letter[1] and "Senior Backend Engineer (Python)" in letter[1]
        assert letter[-2] == PHRASES[language].sign_offs["professional"]
        # The evidence stays in the resume's own words whatever the letter's language.
        assert "Moved services onto AWS ECS with Docker and Terraform" in letter[2] or (
            language == "en" and "moved services onto AWS ECS" in letter[2]
        )
        assert word_count(letter) <= MAX_WORDS


def test_a_german_letter_continues_in_lower_case_after_the_salutation() -> None:
    assert _letter(language="de")[1].startswith("hiermit bewerbe ich mich")


def test_an_unknown_language_gets_an_english_letter_and_a_note() -> None:
    assert _letter(language="it") == _letter(language="en")
    _, tailored = tailor(
        PROFILES["r01-senior-python"], analysed("01-backend-python"), language="it"
    )
    assert tailored.language == "it"
    assert any("'it'" in note for note in tailored.notes)


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_tone_changes_the_opening_and_closing(language: str) -> None:
    letters = [_letter(language=language, tone=tone) for tone in TONES]
    openings = {letter[1].split(". ")[0] for letter in letters}
    closings = {letter[-3] for letter in letters}
    assert len(openings) == len(TONES)
    assert len(closings) == len(TONES)


def test_a_posting_without_company_or_title_is_still_answered_politely() -> None:
    profile = PROFILES["r01-senior-python"]
    analysis = copy.deepcopy(analysed("01-backend-python"))
    analysis.company, analysis.title = "", ""
    match = outcome("r01-senior-python", "01-backend-python")[0]
    letter = write_cover_letter(profile, analysis, match, today=AS_OF)
    assert letter[0] == "Dear Hiring Team,"
    assert letter[1].startswith("I am writing to apply for the advertised role. I currently")
    assert "your team" in letter[-3]


def test_a_letter_of_long_bullets_is_cut_to_the_word_limit() -> None:
    profile = copy.deepcopy(PROFILES["r01-senior-python"])
    long_tail = " ".join(["and then reviewed the result with the team"] * 20)
    profile["work"][0]["highlights"] = [
        f"{h} {long_tail}" for h in profile["work"][0]["highlights"]
    ]
    match = score_profile(profile, analysed("01-backend-python"), vocabulary=VOCAB, today=AS_OF)
    letter = write_cover_letter(profile, analysed("01-backend-python"), match, today=AS_OF)
    assert word_count(letter) <= MAX_WORDS
    assert letter[0].startswith("Dear") and letter[1].startswith("I am writing")
    assert letter[-2:] == ["Sincerely,", "Anika Brandt"]


# --------------------------------------------------------------------------------------------
# The word limit
# --------------------------------------------------------------------------------------------


def _words(n: int, word: str = "word") -> str:
    """A sentence of `n` words."""
    return " ".join([word.capitalize()] + [word] * (n - 1)) + "."


def test_word_count_counts_words_across_paragraphs() -> None:
    assert word_count(["Dear Team,", "One two three.", ""]) == 5


def test_limit_words_leaves_a_short_letter_alone() -> None:
    letter = ["Dear Team,", "Opening here.", "Body here.", "Closing here.", "Regards,", "Kim"]
    assert limit_words(letter, 400) == letter


def test_limit_words_drops_sentences_from_the_longest_body_paragraph_first() -> None:
    letter = [
        "Dear Team,",
        "I apply for the role.",
        f"{_words(30, 'alpha')} {_words(30, 'beta')} {_words(30, 'gamma')}",
        f"{_words(20, 'delta')} {_words(20, 'epsilon')}",
        "Thank you for reading.",
        "Regards,",
        "Kim Doe",
    ]
    limited = limit_words(letter, 120, keep_last=3)
    assert word_count(limited) <= 120
    assert limited[:2] == letter[:2] and limited[-3:] == letter[-3:]
    assert limited[2] == f"{_words(30, 'alpha')} {_words(30, 'beta')}"
    assert limited[3] == letter[3]


def test_limit_words_keeps_salutation_opening_closing_and_name_when_the_body_goes() -> None:
    letter = ["Dear Team,", "I apply.", _words(500), _words(300), "Thanks a lot.", "Kim"]
    limited = limit_words(letter, 30, keep_last=2)
    assert limited == ["Dear Team,", "I apply.", "Thanks a lot.", "Kim"]


def test_limit_words_always_meets_the_limit() -> None:
    letter = ["Dear Team,", _words(250) + " " + _words(250), "Kim"]
    for limit in (400, 50, 5):
        assert word_count(limit_words(letter, limit)) <= limit


# --------------------------------------------------------------------------------------------
# Language
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language"),
    [
        (POSTINGS["01-backend-python"].description, "en"),
        (
            "Wir suchen eine erfahrene Pflegefachkraft für unsere internistische Station. "
            "Sie betreuen Patientinnen und Patienten, dokumentieren die Pflege und arbeiten "
            "eng mit dem ärztlichen Team zusammen.",
            "de",
        ),
        (
            "Nous recherchons un comptable confirmé pour rejoindre notre équipe financière. "
            "Vous serez responsable de la clôture mensuelle et des déclarations fiscales.",
            "fr",
        ),
        (
            "Buscamos un electricista con experiencia en instalaciones industriales. Se "
            "encargará del mantenimiento preventivo y de la lectura de planos.",
            "es",
        ),
        ("Python, Kubernetes, Docker", "en"),
        ("", "en"),
    ],
)
def test_the_postings_language_is_detected(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_detection_is_deterministic() -> None:
    text = "Estamos buscando personas con ganas de aprender y crecer con nosotros en Madrid."
    assert {detect_language(text) for _ in range(20)} == {"es"}


def test_the_users_language_wins_over_the_postings() -> None:
    german = "Wir suchen eine erfahrene Pflegefachkraft für unsere Station in Berlin und Umgebung."
    assert resolve_language(Options(language="fr-CA"), german) == "fr"
    assert resolve_language(Options(language=None), german) == "de"
    assert resolve_language(Options(language=" "), german) == "de"
