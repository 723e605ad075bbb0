"""The shipped skills vocabulary: size, families, aliases, prose that must not match, speed."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

from worker.pipeline.skills import SkillVocabulary, default_vocabulary

VOCAB = default_vocabulary()
DATA = Path(__file__).resolve().parent.parent / "worker" / "pipeline" / "data"

# One known skill per domain: a sentence, the canonical name it must yield, and its family.
DOMAIN_CASES = [
    # software
    ("Built services in Python on Kubernetes", "Kubernetes", "devops", "software"),
    ("Front end in React and TypeScript", "React", "front-end", "software"),
    ("Tuned PostgreSQL queries", "PostgreSQL", "sql databases", "software"),
    # data
    ("Trained models with scikit-learn", "scikit-learn", "machine learning", "data"),
    ("Dashboards in Tableau for the board", "Tableau", "business intelligence", "data"),
    ("Pipelines orchestrated with Apache Airflow", "Airflow", "data engineering", "data"),
    # design
    ("Prototypes and wireframes in Figma", "Figma", "ux design", "design"),
    ("Retouched photos in Adobe Photoshop", "Adobe Photoshop", "graphic design", "design"),
    ("Drew site plans in AutoCAD", "AutoCAD", "cad", "design"),
    # product
    ("Owned the product roadmap for payments", "Product Roadmap", "product management", "product"),
    (
        "Wrote user stories with acceptance criteria",
        "User Stories",
        "product management",
        "product",
    ),
    # sales
    ("Hit quota through cold calling and prospecting", "Cold Calling", "sales", "sales"),
    ("Managed the pipeline in Salesforce", "Salesforce", "crm", "sales"),
    ("Ran SEO and email marketing campaigns", "SEO", "digital marketing", "sales"),
    # finance
    ("Prepared accounts under GAAP", "GAAP", "accounting", "finance"),
    ("Kept the books in QuickBooks", "QuickBooks", "accounting", "finance"),
    ("Built a DCF valuation", "Valuation", "finance", "finance"),
    # health care
    ("Performed phlebotomy and IV therapy on the ward", "Phlebotomy", "nursing", "health care"),
    ("Charted in Epic EHR", "Epic", "health care software", "health care"),
    ("Current BLS and ACLS certification", "ACLS", "emergency care", "health care"),
    # operations
    (
        "Cut stock-outs with better inventory management",
        "Inventory Management",
        "supply chain",
        "operations",
    ),
    (
        "Led kaizen events and 5S audits",
        "Continuous Improvement",
        "lean and continuous improvement",
        "operations",
    ),
    ("Recruiting and onboarding for 40 hires", "Recruiting", "human resources", "operations"),
    # trades
    ("Certified in TIG welding", "TIG Welding", "welding and metalwork", "trades"),
    ("Installed HVAC systems and ductwork", "HVAC", "plumbing and hvac", "trades"),
    ("Finish carpentry and drywall", "Carpentry", "construction trades", "trades"),
    (
        "Troubleshot motor controls and PLC programming",
        "PLC Programming",
        "industrial automation",
        "trades",
    ),
]


def test_vocabulary_is_large_and_spread_over_families() -> None:
    assert len(VOCAB) >= 1500
    assert len(VOCAB.families()) >= 60
    domains = {VOCAB.domain(skill) for skill in VOCAB.skills}
    assert {
        "software",
        "data",
        "design",
        "product",
        "sales",
        "finance",
        "health care",
        "operations",
        "trades",
    } <= domains
    assert all(VOCAB.family(skill) for skill in VOCAB.skills), "every skill has a family"


@pytest.mark.parametrize(("sentence", "skill", "family", "domain"), DOMAIN_CASES)
def test_known_skills_are_found_with_their_family(
    sentence: str, skill: str, family: str, domain: str
) -> None:
    assert skill in VOCAB.find(sentence)
    assert VOCAB.family(skill) == family
    assert VOCAB.domain(skill) == domain


@pytest.mark.parametrize(
    ("alias", "canonical"),
    [
        ("JS", "JavaScript"),
        ("Postgres", "PostgreSQL"),
        ("k8s", "Kubernetes"),
        ("Microsoft Excel", "Excel"),
        ("MS Excel", "Excel"),
        ("AWS", "AWS"),
        ("Amazon Web Services", "AWS"),
        ("golang", "Go"),
        ("sklearn", "scikit-learn"),
        ("JavaScript Object Notation", "JSON"),  # O*NET's long form merged into ours
        ("Dassault Systemes SolidWorks", "SolidWorks"),  # vendor stripped
        ("Apache Spark", "Spark"),
    ],
)
def test_aliases_map_to_canonical_names(alias: str, canonical: str) -> None:
    assert VOCAB.canonical(alias) == canonical
    assert VOCAB.find(f"Experience with {alias}, daily.") == [canonical]


@pytest.mark.parametrize(
    "prose",
    [
        "we go to market every quarter",
        "access to the building is through the side door",
        "a word of advice for new starters",
        "make sure the doors are locked",
        "teams across the company rely on this",
        "you will excel in a fast-paced environment",
        "the rest of the team will help",
        "react quickly when things break",
        "spark curiosity in the classroom",
        "driving growth in new markets",
        "a competitive compensation package",
        "regardless of sexual orientation",
        "Senior Analyst IV, Hartford, CT",
        "vitamin C and grade R",
        "we go to R&D often",
        "him and her",
        "shipping containers at the port",
    ],
)
def test_everyday_prose_matches_nothing(prose: str) -> None:
    assert VOCAB.find(prose) == []


def test_ambiguous_names_match_only_as_written() -> None:
    found = VOCAB.find("Go, Swift, Spark, React, Excel and Microsoft Teams, plus SQL/Python")
    assert found == ["Go", "Swift", "Spark", "React", "Excel", "Microsoft Teams", "SQL", "Python"]
    assert VOCAB.find("go, swift, spark, react, excel, teams") == []
    assert VOCAB.find("Proficient in Word, Excel and Outlook") == [
        "Microsoft Word",
        "Excel",
        "Microsoft Outlook",
    ]


def test_word_boundaries() -> None:
    assert VOCAB.find("C++17 and C#10") == []
    assert VOCAB.find("Node.js, not Node") == ["Node.js"]
    assert VOCAB.find("Python-based tooling; go-to-market") == ["Python"]
    assert VOCAB.find("Python/Django and HTML/CSS") == ["Python", "Django", "HTML", "CSS"]
    assert VOCAB.find("machine\nlearning") == ["Machine Learning"]  # a line break is a space


def test_longest_alias_wins() -> None:
    assert VOCAB.find("Amazon Web Services and Spark SQL") == ["AWS", "Spark"]
    assert VOCAB.find("GitHub Actions") == ["GitHub Actions"]


def test_related_gives_partial_credit_only_within_a_family() -> None:
    assert VOCAB.related("ML", "Artificial Intelligence")  # declared parent
    assert VOCAB.related("Machine Learning", "AI")
    assert VOCAB.related("React", "Front-End Development")  # same family
    assert VOCAB.related("Postgres", "SQL")  # declared parent skill
    assert VOCAB.related("PostgreSQL", "MySQL")  # both sql databases
    assert VOCAB.related("PyTorch", "TensorFlow")
    assert VOCAB.related("Excel", "Microsoft Excel")  # the same skill
    assert not VOCAB.related("React", "Django")  # front-end vs back-end
    assert not VOCAB.related("Welding", "Python")
    assert not VOCAB.related("Nursing", "Accounting")
    assert not VOCAB.related("not a skill", "Python")


def test_hand_written_format_declares_families_and_parents() -> None:
    vocab = SkillVocabulary.from_lines(
        [
            "# comment",
            "[web < software]",
            "[front-end < web]",
            "React | ReactJS",
            "Front-End Development | frontend",
            "[ai]",
            "Artificial Intelligence | =AI",
            "Machine Learning | ML < Artificial Intelligence",
            "ml | =go",  # a lower-case two-letter alias never matches
        ]
    )
    assert vocab.family("ReactJS") == "front-end"
    assert vocab.family_ancestors("front-end") == ["web", "software"]
    assert vocab.domain("React") == "software"
    assert vocab.related("ML", "AI") and vocab.related("React", "frontend")
    assert not vocab.related("React", "ML")
    assert vocab.find("ML and ml and AI and ai") == ["Machine Learning", "Artificial Intelligence"]
    assert vocab.find("go ml") == []


def test_generated_file_is_consistent() -> None:
    rows = [
        line.split("\t")
        for line in (DATA / "skills.tsv").read_text("utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    assert len(rows) == len(VOCAB)
    assert all(len(row) == 5 for row in rows)
    sources = {source for *_, source in rows for source in source.split("+")}
    assert sources == {"hand", "onet", "esco"}
    families = {
        line.split("\t")[0]
        for line in (DATA / "skill_families.tsv").read_text("utf-8").splitlines()
        if line and not line.startswith("#")
    }
    assert {row[1] for row in rows} <= families
    attribution = (DATA / "ATTRIBUTION.md").read_text("utf-8")
    assert "This product uses the ESCO classification of the European Commission" in attribution
    assert "used under CC BY 4.0" in attribution


def test_loads_without_shared_data(tmp_path: Path) -> None:
    """A fresh interpreter, with /work/shared nowhere on its path, loads the shipped files."""
    code = (
        "import sys, time; t = time.perf_counter()\n"
        "from worker.pipeline.skills import default_vocabulary\n"
        "v = default_vocabulary()\n"
        "print(len(v), time.perf_counter() - t)\n"
        "assert not any('shared' in m for m in map(str, sys.modules.values())"
        " if 'data' in m and 'shared/data' in m)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env={"PYTHONPATH": str(DATA.parent.parent.parent), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    size, seconds = result.stdout.split()
    assert int(size) == len(VOCAB)
    assert float(seconds) < 1.0  # ~0.1 s here, generous for a shared CI machine


def test_find_is_fast_on_a_long_posting() -> None:
    posting = " ".join(sentence for sentence, *_ in DOMAIN_CASES) * 4  # ~1,000 words
    vocab = SkillVocabulary.from_tsv(
        (DATA / "skills.tsv").read_text("utf-8"),
        (DATA / "skill_families.tsv").read_text("utf-8"),
    )
    timings = []
    for _ in range(15):
        start = time.perf_counter()
        vocab._find(posting)  # uncached
        timings.append(time.perf_counter() - start)
    assert statistics.median(timings) < 0.01  # ~0.6 ms here; generous for CI
