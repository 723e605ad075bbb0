"""Specifications for turning uploaded resumes into JSON Resume profiles."""

from __future__ import annotations

import json
import random
import time
from pathlib import Path
from typing import Any

import pytest

from worker.pipeline.parsing import (
    is_section_heading,
    iter_lines,
    normalise_json_resume,
    parse_text,
)
from worker.pipeline.types import ParsedResume

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
EN = "\u2013"  # en dash
EM = "\u2014"  # em dash
DOT = "\u2022"  # bullet


def parse(text: str) -> ParsedResume:
    return parse_text(text)


def only_job(text: str) -> dict[str, Any]:
    work = parse(text).profile["work"]
    assert len(work) == 1, work
    job: dict[str, Any] = work[0]
    return job


def experience(*lines: str) -> str:
    return "\n".join(["Jo Example", "jo@example.com", "", "Experience", *lines])


@pytest.fixture(scope="module")
def sample() -> ParsedResume:
    return parse_text((SAMPLES / "resume.txt").read_text(encoding="utf-8"))


# --------------------------------------------------------------------------------------------
# The bundled sample resume
# --------------------------------------------------------------------------------------------


def test_sample_parses_without_warnings(sample: ParsedResume) -> None:
    assert sample.warnings == []


def test_sample_basics_are_read_from_the_header(sample: ParsedResume) -> None:
    basics = sample.profile["basics"]
    assert basics["name"] == "Avery Quinn-Müller"
    assert basics["label"] == "Senior Backend & Data Engineer"
    assert basics["email"] == "avery.quinn-muller@example.com"
    assert basics["phone"] == "+44 20 7946 0958"
    assert basics["url"] == "https://averyqm.dev"
    assert basics["location"] == {"city": "Bristol", "region": "", "countryCode": "GB"}
    assert basics["summary"].startswith("Backend and data engineer with 9 years")
    assert basics["summary"].endswith("before your users do.")


def test_sample_social_profiles_get_network_and_username(sample: ParsedResume) -> None:
    assert sample.profile["basics"]["profiles"] == [
        {
            "network": "LinkedIn",
            "url": "https://linkedin.com/in/avery-quinn-muller",
            "username": "avery-quinn-muller",
        },
        {"network": "GitHub", "url": "https://github.com/averyqm", "username": "averyqm"},
    ]


def test_sample_has_three_jobs_with_employers_positions_and_dates(sample: ParsedResume) -> None:
    summary = [
        (job["name"], job["position"], job.get("startDate"), job.get("endDate"))
        for job in sample.profile["work"]
    ]
    assert summary == [
        ("Lumen Freight Ltd", "Senior Backend Engineer", "2021-03", None),
        ("Harbourline Payments", "Data Engineer", "2018-06", "2021-02"),
        ("Brightwell Labs", "Software Engineer", "2016-09", "2018-05"),
    ]


def test_present_end_date_is_omitted(sample: ParsedResume) -> None:
    current = sample.profile["work"][0]
    assert current["startDate"] == "2021-03"
    assert "endDate" not in current


def test_sample_bullet_continuations_join_their_bullet(sample: ParsedResume) -> None:
    highlights = sample.profile["work"][0]["highlights"]
    assert len(highlights) == 4
    assert highlights[0] == (
        "Led the redesign of the shipment-tracking API in Flask and PostgreSQL, cutting p95 "
        "latency from 820 ms to 140 ms for 2.3M requests per day."
    )


def test_sample_location_on_the_date_line_belongs_to_the_job(sample: ParsedResume) -> None:
    assert sample.profile["work"][2]["location"] == "Cardiff, UK"


def test_sample_education(sample: ParsedResume) -> None:
    assert sample.profile["education"] == [
        {
            "institution": "University of Bristol",
            "area": "Computer Science",
            "studyType": "BSc (Hons)",
            "startDate": "2013",
            "endDate": "2016",
        }
    ]


def test_sample_skill_groups_keep_their_labels(sample: ParsedResume) -> None:
    skills = {group["name"]: group["keywords"] for group in sample.profile["skills"]}
    assert skills["Languages"] == ["Python", "SQL", "Go", "Bash"]
    assert "Celery" in skills["Frameworks & Libraries"]
    assert skills["Data & Storage"][:2] == ["PostgreSQL", "Redis"]
    assert "AWS (EC2, EKS, S3, RDS, Lambda)" in skills["Infrastructure"]
    assert "Kubernetes" in skills["Infrastructure"]


def test_sample_certificates_split_name_issuer_and_date(sample: ParsedResume) -> None:
    assert sample.profile["certificates"] == [
        {
            "name": f"AWS Certified Solutions Architect {EN} Associate",
            "issuer": "Amazon Web Services",
            "date": "2022",
        },
        {
            "name": "Certified Kubernetes Application Developer (CKAD)",
            "issuer": "The Linux Foundation",
            "date": "2023-11",
        },
    ]


def test_sample_spoken_languages_are_not_skills(sample: ParsedResume) -> None:
    assert sample.profile["languages"] == [
        {"language": "English", "fluency": "native"},
        {"language": "German", "fluency": "professional working proficiency"},
    ]


def test_sample_project_has_name_description_url_keywords(sample: ParsedResume) -> None:
    [project] = sample.profile["projects"]
    assert project["name"] == "pgwatch-lite"
    assert project["description"].startswith("A small open-source monitor")
    assert project["url"] == "https://github.com/averyqm/pgwatch-lite"
    assert project["keywords"] == ["Python", "PostgreSQL", "Prometheus"]
    assert project["highlights"] == ["1.1k GitHub stars; used by 3 companies in production."]


def test_sample_text_and_json_describe_the_same_person(sample: ParsedResume) -> None:
    doc = json.loads((SAMPLES / "resume.json").read_text(encoding="utf-8"))
    from_json = normalise_json_resume(doc)
    assert from_json.warnings == []
    for key in ("name", "email", "phone", "label", "summary"):
        assert from_json.profile["basics"][key] == sample.profile["basics"][key]
    assert from_json.profile["work"] == sample.profile["work"]
    assert from_json.profile["education"] == sample.profile["education"]


def test_sample_job_posting_mentions_what_the_pipeline_looks_for() -> None:
    posting = (SAMPLES / "job.txt").read_text(encoding="utf-8")
    assert posting.startswith("Senior Backend Engineer\nNorthwind Analytics")
    for term in ("Python", "PostgreSQL", "Kubernetes", "Kafka", "Terraform", "REST APIs", "5+"):
        assert term in posting


# --------------------------------------------------------------------------------------------
# Work entry layouts
# --------------------------------------------------------------------------------------------


def test_layout_title_dash_company_with_dates_in_brackets() -> None:
    job = only_job(experience(f"Senior Engineer {EM} Acme Corp (Jan 2020 {EN} Present)"))
    assert job["position"] == "Senior Engineer"
    assert job["name"] == "Acme Corp"
    assert job["startDate"] == "2020-01"
    assert "endDate" not in job


def test_layout_title_comma_company_pipe_iso_dates() -> None:
    job = only_job(experience(f"Senior Engineer, Acme Corp | 2019-03 {EN} 2021-06"))
    assert (job["position"], job["name"]) == ("Senior Engineer", "Acme Corp")
    assert (job["startDate"], job["endDate"]) == ("2019-03", "2021-06")


def test_layout_company_first_with_dates_on_the_next_line() -> None:
    job = only_job(experience(f"Acme Corp {EM} Senior Engineer", "03/2019 - 06/2021", "- Did it"))
    assert (job["position"], job["name"]) == ("Senior Engineer", "Acme Corp")
    assert (job["startDate"], job["endDate"]) == ("2019-03", "2021-06")
    assert job["highlights"] == ["Did it"]


def test_layout_title_at_company_with_years() -> None:
    job = only_job(experience(f"Platform Lead at Initech, 2018 {EN} 2020"))
    assert (job["position"], job["name"]) == ("Platform Lead", "Initech")
    assert (job["startDate"], job["endDate"]) == ("2018", "2020")


def test_layout_title_company_and_dates_on_three_lines() -> None:
    job = only_job(experience("Backend Developer", "Globex", "Feb 2017 - Aug 2019", "- Shipped"))
    assert (job["position"], job["name"]) == ("Backend Developer", "Globex")
    assert (job["startDate"], job["endDate"]) == ("2017-02", "2019-08")


def test_layout_pipe_separated_title_company_location_dates() -> None:
    job = only_job(experience("Staff Engineer | Umbrella Labs | Berlin | 2015 - 2018"))
    assert (job["position"], job["name"], job["location"]) == (
        "Staff Engineer",
        "Umbrella Labs",
        "Berlin",
    )
    assert (job["startDate"], job["endDate"]) == ("2015", "2018")


def test_layout_pdf_columns_with_employer_and_place_beside_title_and_dates() -> None:
    work = parse(
        experience(
            "Stripe                                  San Francisco, CA",
            f"Software Engineer II                    June 2019 {EN} Present",
            f"{DOT} Designed webhook delivery",
            "Google                                  Mountain View, CA",
            "Software Engineering Intern             Summer 2018",
            f"{DOT} Built a dashboard",
        )
    ).profile["work"]
    assert [(j["name"], j["position"], j["location"], j["startDate"]) for j in work] == [
        ("Stripe", "Software Engineer II", "San Francisco, CA", "2019-06"),
        ("Google", "Software Engineering Intern", "Mountain View, CA", "2018"),
    ]


def test_since_date_is_open_ended() -> None:
    job = only_job(experience("Data Lead @ Initech, since March 2022"))
    assert (job["position"], job["name"], job["startDate"]) == ("Data Lead", "Initech", "2022-03")
    assert "endDate" not in job


@pytest.mark.parametrize(
    "dates",
    [
        "Jan 2019 - Mar 2021",
        f"Jan 2019 {EN} Mar 2021",
        f"Jan 2019 {EM} Mar 2021",
        "Jan 2019 to Mar 2021",
        "January 2019 - March 2021",
        "Jan. 2019 - Mar. 2021",
        "01/2019 - 03/2021",
        "2019-01 - 2021-03",
        f"2019-01-15 {EN} 2021-03-31",
    ],
)
def test_date_range_separators_and_month_forms_normalise_to_iso(dates: str) -> None:
    job = only_job(experience(f"Engineer {EM} Acme ({dates})"))
    assert (job["startDate"], job["endDate"]) == ("2019-01", "2021-03")


@pytest.mark.parametrize("word", ["Present", "present", "Current", "Now", "today"])
def test_open_ended_words_leave_end_date_out(word: str) -> None:
    job = only_job(experience(f"Engineer {EM} Acme (Sept 2019 {EN} {word})"))
    assert job["startDate"] == "2019-09"
    assert "endDate" not in job


def test_years_only_dates_stay_years() -> None:
    job = only_job(experience(f"Engineer, Acme | 2012 {EN} 2014"))
    assert (job["startDate"], job["endDate"]) == ("2012", "2014")


def test_numbers_in_a_bullet_are_not_mistaken_for_a_new_job() -> None:
    job = only_job(
        experience(
            f"Engineer {EM} Acme (2019 {EN} 2021)",
            "- Cut costs by 40% in 2021 across 2000 stores",
            "- Served 2019 customers",
        )
    )
    assert len(job["highlights"]) == 2


def test_several_jobs_split_on_their_headers() -> None:
    work = parse(
        experience(
            f"Senior Engineer {EM} Acme Corp (Jan 2020 {EN} Present)",
            "- Led things",
            f"Engineer, Globex | 2017-01 {EN} 2019-12",
            "- Built things",
            "",
            f"Initech {EM} Junior Developer",
            "06/2015 - 12/2016",
            "- Learned things",
        )
    ).profile["work"]
    assert [(j["name"], j["position"]) for j in work] == [
        ("Acme Corp", "Senior Engineer"),
        ("Globex", "Engineer"),
        ("Initech", "Junior Developer"),
    ]
    assert [j["highlights"] for j in work] == [["Led things"], ["Built things"], ["Learned things"]]


def test_prose_under_a_job_header_becomes_its_summary() -> None:
    job = only_job(
        experience(
            f"Engineer {EM} Acme (2019 {EN} 2021)",
            "Payments platform team of 12 engineers.",
            "- Shipped",
        )
    )
    assert job["summary"] == "Payments platform team of 12 engineers."
    assert job["highlights"] == ["Shipped"]


# --------------------------------------------------------------------------------------------
# Bullets
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("marker", ["-", "*", DOT, "1.", "2)"])
def test_bullet_markers_are_stripped(marker: str) -> None:
    job = only_job(experience(f"Engineer {EM} Acme (2019 {EN} 2021)", f"{marker} Shipped it"))
    assert job["highlights"] == ["Shipped it"]


def test_indented_continuation_line_joins_the_previous_bullet() -> None:
    job = only_job(
        experience(
            f"Engineer {EM} Acme (2019 {EN} 2021)",
            "- Migrated 14 services to Kubernetes,",
            "  Halving deploy time",
            "- Second",
        )
    )
    assert job["highlights"] == [
        "Migrated 14 services to Kubernetes, Halving deploy time",
        "Second",
    ]


def test_lowercase_continuation_line_joins_the_previous_bullet() -> None:
    job = only_job(
        experience(f"Engineer {EM} Acme (2019 {EN} 2021)", "* Wrote the billing", "service in Go")
    )
    assert job["highlights"] == ["Wrote the billing service in Go"]


def test_unindented_continuation_after_a_bullet_joins_it() -> None:
    job = only_job(
        experience(f"Engineer {EM} Acme (2019 {EN} 2021)", "- Wrote the billing", "Service in Go")
    )
    assert job["highlights"] == ["Wrote the billing Service in Go"]


# --------------------------------------------------------------------------------------------
# Headings
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "heading",
    [
        "Experience",
        "EXPERIENCE",
        "Work Experience",
        "Professional Experience:",
        "Work History",
        "Employment",
        "## Experience",
        "# Work Experience:",
        "**Experience**",
    ],
)
def test_experience_heading_variants_are_recognised(heading: str) -> None:
    text = f"Jo Example\njo@example.com\n\n{heading}\nEngineer {EM} Acme (2019 {EN} 2021)\n"
    parsed = parse(text)
    assert [j["name"] for j in parsed.profile["work"]] == ["Acme"]
    assert "no experience section found" not in parsed.warnings


@pytest.mark.parametrize(
    ("heading", "section"),
    [
        ("Summary", "summary"),
        ("Profile", "summary"),
        ("About", "summary"),
        ("Education", "education"),
        ("Skills", "skills"),
        ("Technical Skills", "skills"),
        ("Core Competencies", "skills"),
        ("Projects", "projects"),
        ("Certifications", "certificates"),
        ("Certificates", "certificates"),
        ("Languages", "languages"),
    ],
)
def test_other_heading_variants_route_to_their_section(heading: str, section: str) -> None:
    body = {
        "summary": "Builds reliable backends.",
        "education": "BSc Physics, University of Leeds, 2010",
        "skills": "Python, Go",
        "projects": "tidy-csv: cleans CSV files",
        "certificates": "CKA, 2021",
        "languages": "French (fluent)",
    }[section]
    profile = parse(f"Jo Example\n\n## {heading}:\n{body}\n").profile
    if section == "summary":
        assert profile["basics"]["summary"] == body
    else:
        assert len(profile[section]) == 1


def test_markdown_resume_with_hash_headings_and_bold() -> None:
    text = "\n".join(
        [
            "# Jo Example",
            "[jo@example.com](mailto:jo@example.com) | [GitHub](https://github.com/jo-ex)",
            "",
            "## Experience",
            "",
            f"### **Backend Engineer** {EM} Acme Corp",
            f"*Apr 2021 {EN} Present*",
            "",
            "- Built the `orders` API",
            "",
            "## Skills",
            "- **Languages:** Python, Go",
            "- **Cloud:** AWS, GCP",
        ]
    )
    parsed = parse(text)
    profile = parsed.profile
    assert profile["basics"]["name"] == "Jo Example"
    assert profile["basics"]["email"] == "jo@example.com"
    assert profile["basics"]["profiles"][0]["username"] == "jo-ex"
    assert only_job(text) == {
        "name": "Acme Corp",
        "position": "Backend Engineer",
        "startDate": "2021-04",
        "highlights": ["Built the orders API"],
    }
    assert profile["skills"] == [
        {"name": "Languages", "keywords": ["Python", "Go"]},
        {"name": "Cloud", "keywords": ["AWS", "GCP"]},
    ]
    assert parsed.warnings == []


def test_unrecognised_markdown_section_is_skipped_with_a_warning() -> None:
    parsed = parse(
        "# Jo Example\njo@example.com\n## Skills\nPython\n## Talks\nPyCon 2022 keynote\n"
    )
    assert parsed.profile["skills"] == [{"name": "Skills", "keywords": ["Python"]}]
    assert "skipped unrecognised section 'Talks'" in parsed.warnings


# --------------------------------------------------------------------------------------------
# Header: name and contact details
# --------------------------------------------------------------------------------------------


def test_name_is_the_first_line_that_is_not_contact_info() -> None:
    basics = parse("jo@example.com | +1 (555) 123-4567\n\nJo Example\nData Engineer\n").profile[
        "basics"
    ]
    assert basics["name"] == "Jo Example"
    assert basics["label"] == "Data Engineer"


def test_name_and_contacts_on_one_line() -> None:
    basics = parse(f"Jo Example {DOT} jo@example.com {DOT} Austin, TX\n").profile["basics"]
    assert basics["name"] == "Jo Example"
    assert basics["email"] == "jo@example.com"
    assert basics["location"] == {"city": "Austin", "region": "TX", "countryCode": "US"}


def test_job_title_beside_contact_details_is_the_label() -> None:
    basics = parse(
        f"# Sam Lee\n**Data Scientist** {DOT} sam@lee.io {DOT} Toronto, Canada\n"
    ).profile["basics"]
    assert basics["label"] == "Data Scientist"
    assert basics["location"] == {"city": "Toronto", "region": "", "countryCode": "CA"}


@pytest.mark.parametrize(
    "phone",
    ["+44 20 7946 0958", "(555) 123-4567", "+1 (555) 123-4567", "555.123.4567", "+49 30 1234567"],
)
def test_phone_formats_are_recognised(phone: str) -> None:
    basics = parse(f"Jo Example\njo@example.com | {phone}\n").profile["basics"]
    assert basics["phone"] == phone


def test_a_year_range_in_the_header_is_not_a_phone_number() -> None:
    assert parse("Jo Example\nVolunteer 2012 - 2016\n").profile["basics"]["phone"] == ""


def test_urls_become_profiles_or_the_website() -> None:
    basics = parse(
        "Jo Example\n"
        "www.linkedin.com/in/jo-example/ | https://gitlab.com/joex | jo.dev | jo@example.com\n"
    ).profile["basics"]
    assert [(p["network"], p["username"]) for p in basics["profiles"]] == [
        ("LinkedIn", "jo-example"),
        ("GitLab", "joex"),
    ]
    assert basics["url"] == "https://jo.dev"


def test_contact_section_is_read_like_the_header() -> None:
    basics = parse("Jo Example\n\nContact\nEmail: jo@example.com\nPhone: 07700 900123\n").profile[
        "basics"
    ]
    assert (basics["email"], basics["phone"]) == ("jo@example.com", "07700 900123")


# --------------------------------------------------------------------------------------------
# Education, skills, certificates, languages
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            f"MSc Data Science {EM} University of Edinburgh (2016 {EN} 2017)",
            ("University of Edinburgh", "MSc", "Data Science", "2016", "2017"),
        ),
        (
            "Bachelor of Science in Computer Science, Georgia Institute of Technology, 2014",
            (
                "Georgia Institute of Technology",
                "Bachelor of Science",
                "Computer Science",
                None,
                "2014",
            ),
        ),
        (
            "University of Leeds | BA (Hons) Economics | Sep 2009 - Jun 2012",
            ("University of Leeds", "BA (Hons)", "Economics", "2009-09", "2012-06"),
        ),
    ],
)
def test_education_layouts(line: str, expected: tuple[Any, ...]) -> None:
    [school] = parse(f"Jo Example\n\nEducation\n{line}\n").profile["education"]
    got = (
        school["institution"],
        school["studyType"],
        school["area"],
        school.get("startDate"),
        school.get("endDate"),
    )
    assert got == expected


def test_education_spread_over_lines() -> None:
    education = parse(
        "Jo Example\n\nEducation\nUniversity of Bristol\nMEng Software Engineering\n"
        "2011 - 2015\nGPA: 3.8/4.0\n\nLeeds College\nA-Levels\n"
    ).profile["education"]
    assert education == [
        {
            "institution": "University of Bristol",
            "area": "Software Engineering",
            "studyType": "MEng",
            "startDate": "2011",
            "endDate": "2015",
            "score": "3.8/4.0",
        },
        {"institution": "Leeds College", "area": "", "studyType": "A-Levels"},
    ]


def test_plain_skill_list_becomes_a_skills_group() -> None:
    skills = parse(f"Jo\n\nSkills\nPython, Go | SQL {DOT} Docker\nKubernetes; python\n").profile[
        "skills"
    ]
    assert skills == [
        {"name": "Skills", "keywords": ["Python", "Go", "SQL", "Docker", "Kubernetes"]}
    ]


def test_skill_sub_heading_labels_the_bullets_below_it() -> None:
    skills = parse("Jo\n\nSkills\nBackend:\n- Python\n- Flask\nCloud: AWS\n").profile["skills"]
    assert skills == [
        {"name": "Backend", "keywords": ["Python", "Flask"]},
        {"name": "Cloud", "keywords": ["AWS"]},
    ]


def test_languages_group_inside_skills_is_a_skill_group_not_a_section() -> None:
    profile = parse(
        "Jo\n\nTechnical Skills\nLanguages: Python, Go\nDatabases: PostgreSQL\n"
    ).profile
    assert profile["skills"][0] == {"name": "Languages", "keywords": ["Python", "Go"]}
    assert profile["languages"] == []


def test_inline_heading_outside_skills_opens_that_section() -> None:
    profile = parse("Jo\njo@example.com\nSkills: Python, SQL\n").profile
    assert profile["skills"] == [{"name": "Skills", "keywords": ["Python", "SQL"]}]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "CKA (The Linux Foundation), 2021",
            {"name": "CKA", "issuer": "The Linux Foundation", "date": "2021"},
        ),
        (
            "Google Cloud Professional Data Engineer - Google, March 2020",
            {
                "name": "Google Cloud Professional Data Engineer",
                "issuer": "Google",
                "date": "2020-03",
            },
        ),
        ("Scrum Master", {"name": "Scrum Master"}),
    ],
)
def test_certificate_layouts(line: str, expected: dict[str, str]) -> None:
    assert parse(f"Jo\n\nCertifications\n- {line}\n").profile["certificates"] == [expected]


def test_language_fluency_forms() -> None:
    languages = parse(
        "Jo\n\nLanguages\nEnglish (native), French: B2\n- Spanish - conversational\n- Welsh\n"
    ).profile["languages"]
    assert languages == [
        {"language": "English", "fluency": "native"},
        {"language": "French", "fluency": "B2"},
        {"language": "Spanish", "fluency": "conversational"},
        {"language": "Welsh"},
    ]


# --------------------------------------------------------------------------------------------
# Warnings
# --------------------------------------------------------------------------------------------


def test_missing_name_is_warned() -> None:
    parsed = parse("jo@example.com\n\nExperience\nEngineer, Acme | 2019 - 2020\n")
    assert parsed.profile["basics"]["name"] == ""
    assert "no name found" in parsed.warnings


def test_missing_email_is_warned() -> None:
    parsed = parse("Jo Example\n\nExperience\nEngineer, Acme | 2019 - 2020\n")
    assert parsed.warnings == ["no email found"]


def test_work_entry_without_dates_is_warned_by_number_and_employer() -> None:
    parsed = parse(
        experience(
            f"Engineer {EM} Globex (2019 {EN} 2021)",
            "- Did things",
            "",
            f"Senior Engineer {EM} Acme Corp",
            "- Did more things",
        )
    )
    assert [j["name"] for j in parsed.profile["work"]] == ["Globex", "Acme Corp"]
    assert "startDate" not in parsed.profile["work"][1]
    assert parsed.warnings == ["no dates found for work entry 2 (Acme Corp)"]


def test_missing_experience_section_is_warned() -> None:
    parsed = parse("Jo Example\njo@example.com\n\nSkills\nPython\n")
    assert parsed.warnings == ["no experience section found"]


# --------------------------------------------------------------------------------------------
# Robustness
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   \n\t\n", "\x00\x01\x02", "\ufeff"])
def test_empty_input_gives_an_empty_profile_and_a_warning(text: str) -> None:
    parsed = parse(text)
    assert parsed.profile["basics"]["name"] == ""
    assert parsed.profile["work"] == []
    assert parsed.warnings


def test_binary_junk_does_not_raise_and_is_flagged() -> None:
    rng = random.Random(7)
    junk = bytes(rng.randrange(256) for _ in range(20_000)).decode("latin-1")
    parsed = parse(junk)
    assert any("binary" in warning for warning in parsed.warnings)
    assert parsed.profile["basics"]["name"] == ""


def test_fuzzed_resume_fragments_never_raise() -> None:
    rng = random.Random(1234)
    source = (SAMPLES / "resume.txt").read_text(encoding="utf-8")
    alphabet = source + f"#*-|:()[]{EN}{EM}{DOT}@./ \n\t0123456789"
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 400)))
        chopped = source[rng.randrange(len(source)) :][: rng.randrange(1, 800)]
        for candidate in (text, chopped):
            parsed = parse(candidate)
            assert isinstance(parsed.profile["work"], list)
            assert not any("could not read" in w for w in parsed.warnings), candidate


@pytest.mark.parametrize(
    "hostile",
    [
        "a" * 200_000 + "@",
        "1 " * 100_000,
        "[" * 200_000,
        "Jan " * 50_000,
        "(" + " ," * 100_000,
        "x." * 100_000 + "@b",
        "Experience\n" + "- " + "2019 - " * 30_000,
        "Experience\n" + f"Engineer {EM} Acme (2019 {EN} 2021)\n- x\n" * 20_000,
    ],
)
def test_hostile_input_is_parsed_in_linear_time(hostile: str) -> None:
    started = time.perf_counter()
    parse(hostile)
    assert time.perf_counter() - started < 5


def test_oversized_input_is_truncated_with_a_warning() -> None:
    parsed = parse("Jo Example\n" + "x " * 400_000)
    assert any("very long" in w for w in parsed.warnings)


def test_windows_line_endings_and_tabs_are_handled() -> None:
    job = only_job(
        experience(f"Engineer\tAcme Corp\t2019 {EN} 2021", "- Shipped").replace("\n", "\r\n")
    )
    assert (job["position"], job["name"], job["startDate"]) == ("Engineer", "Acme Corp", "2019")


# --------------------------------------------------------------------------------------------
# normalise_json_resume
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("doc", [[], "resume", None, 42])
def test_normalise_rejects_non_objects(doc: Any) -> None:
    with pytest.raises(ValueError, match="must be a JSON object"):
        normalise_json_resume(doc)


def test_normalise_rejects_objects_without_basics_or_work() -> None:
    with pytest.raises(ValueError, match="neither 'basics' nor 'work'"):
        normalise_json_resume({"title": "not a resume"})


def test_normalise_drops_unknown_top_level_keys_and_says_so() -> None:
    parsed = normalise_json_resume(
        {"basics": {"name": "Jo", "email": "jo@example.com"}, "work": [{}], "x-tracking": 1}
    )
    assert "x-tracking" not in parsed.profile
    assert parsed.warnings == ["ignored fields that are not part of JSON Resume: x-tracking"]


def test_normalise_fills_missing_lists_and_basics_fields() -> None:
    parsed = normalise_json_resume({"work": [{"name": "Acme", "position": "Engineer"}]})
    profile = parsed.profile
    for section in ("education", "skills", "projects", "certificates", "languages"):
        assert profile[section] == []
    assert profile["work"][0]["highlights"] == []
    assert profile["basics"]["profiles"] == []
    assert profile["basics"]["name"] == ""
    assert parsed.warnings == ["no name found", "no email found"]


def test_normalise_warns_when_there_is_no_work() -> None:
    parsed = normalise_json_resume({"basics": {"name": "Jo", "email": "jo@example.com"}})
    assert parsed.warnings == ["no work experience found"]


def test_normalise_reads_legacy_field_names_and_cleans_dates() -> None:
    parsed = normalise_json_resume(
        {
            "basics": {"name": "Jo", "email": "jo@example.com", "website": "https://jo.dev"},
            "work": [
                {
                    "company": "Acme",
                    "position": "Engineer",
                    "startDate": "Jan 2020",
                    "endDate": "Present",
                    "highlights": "Shipped",
                },
                {"name": "Globex", "startDate": "2015-06-01", "endDate": "2019"},
            ],
        }
    )
    acme, globex = parsed.profile["work"]
    assert parsed.profile["basics"]["url"] == "https://jo.dev"
    assert acme == {
        "name": "Acme",
        "position": "Engineer",
        "startDate": "2020-01",
        "highlights": ["Shipped"],
    }
    assert (globex["startDate"], globex["endDate"]) == ("2015-06-01", "2019")


def test_normalise_drops_malformed_entries_with_a_warning() -> None:
    parsed = normalise_json_resume(
        {"basics": {"name": "Jo", "email": "j@x.io"}, "work": [{"name": "Acme"}, "junk", 3]}
    )
    assert parsed.profile["work"] == [{"name": "Acme", "highlights": []}]
    assert parsed.warnings == ["ignored 2 malformed item(s) in 'work'"]


def test_normalise_does_not_mutate_the_callers_document() -> None:
    doc = {"basics": {"name": "Jo"}, "work": [{"company": "Acme"}], "junk": True}
    snapshot = json.dumps(doc, sort_keys=True)
    normalise_json_resume(doc)
    assert json.dumps(doc, sort_keys=True) == snapshot


# --------------------------------------------------------------------------------------------
# iter_lines
# --------------------------------------------------------------------------------------------


def test_iter_lines_yields_paths_in_profile_order() -> None:
    profile = {
        "basics": {"summary": "Backend engineer."},
        "work": [
            {"summary": "Payments team.", "highlights": ["Built A", "", "Built B"]},
            {"highlights": ["Led C"]},
        ],
        "projects": [{"description": "A tool.", "highlights": ["1k stars"]}],
        "education": [
            {"studyType": "BSc", "area": "Physics", "institution": "University of Leeds"},
            {"institution": "Leeds College"},
        ],
        "certificates": [{"name": "CKA"}],
    }
    assert list(iter_lines(profile)) == [
        ("basics.summary", "Backend engineer."),
        ("work[0].summary", "Payments team."),
        ("work[0].highlights[0]", "Built A"),
        ("work[0].highlights[2]", "Built B"),
        ("work[1].highlights[0]", "Led C"),
        ("projects[0].description", "A tool."),
        ("projects[0].highlights[0]", "1k stars"),
        ("education[0]", "BSc Physics, University of Leeds"),
        ("education[1]", "Leeds College"),
        ("certificates[0].name", "CKA"),
    ]


def test_iter_lines_skips_malformed_parts() -> None:
    profile: dict[str, Any] = {"basics": "oops", "work": ["junk", {"highlights": "nope"}]}
    assert list(iter_lines(profile)) == []


def test_iter_lines_paths_point_back_into_the_parsed_sample(sample: ParsedResume) -> None:
    lines = dict(iter_lines(sample.profile))
    assert lines["work[1].highlights[2]"].startswith("Cut AWS spend")
    assert lines["education[0]"] == "BSc (Hons) Computer Science, University of Bristol"
    assert lines["certificates[1].name"].startswith("Certified Kubernetes")
    assert "projects[0].description" in lines


# --------------------------------------------------------------------------------------------
# Icon-font junk beside contact details
# --------------------------------------------------------------------------------------------

PUA_PHONE, PUA_ENVELOPE, PUA_GITHUB, PUA_HOME, PUA_USER = (
    "\uf095",
    "\uf0e0",
    "\uf09b",
    "\uf015",
    "\uf007",
)
SYMBOL_BULLET = "\uf0b7"  # Word's Symbol-font bullet, as PDF text extraction reports it


@pytest.mark.parametrize(
    "contact_line",
    [
        "\u2642\u00b6obile-alt (123) 456-7890 envelope alice@x.com",
        "\u2642\u00b6obile-alt (123) 456-7890 | /envel\u2322pe alice@x.com",
        f"{PUA_PHONE} (123) 456-7890 {PUA_ENVELOPE} alice@x.com",
        f"{PUA_PHONE}(123) 456-7890{PUA_ENVELOPE}alice@x.com",
        "\u260e (123) 456-7890 \u2709 alice@x.com",
        "phone (123) 456-7890   envelope alice@x.com",
    ],
    ids=["latex-type1", "latex-mangled", "private-use", "glued", "dingbats", "icon-names"],
)
def test_icon_glyphs_beside_contacts_are_dropped(contact_line: str) -> None:
    parsed = parse(f"Alice Smith\n{contact_line}\n\nExperience\nEngineer, Acme | 2019 - 2020\n")
    basics = parsed.profile["basics"]
    assert (basics["name"], basics["email"], basics["phone"]) == (
        "Alice Smith",
        "alice@x.com",
        "(123) 456-7890",
    )
    assert basics["label"] == basics["summary"] == ""
    assert parsed.warnings == []


def test_icon_before_the_name_stays_out_of_the_name() -> None:
    basics = parse(
        f"{PUA_USER} Alice Smith\n{PUA_HOME} Berlin, Germany {PUA_ENVELOPE} alice@x.com\n"
    ).profile["basics"]
    assert basics["name"] == "Alice Smith"
    assert basics["location"] == {"city": "Berlin", "region": "", "countryCode": "DE"}


def test_icon_name_before_a_place_does_not_become_the_label() -> None:
    basics = parse("Alice Smith\nmap-marker-alt Berlin, Germany\nalice@x.com\n").profile["basics"]
    assert basics["label"] == ""
    assert basics["location"]["city"] == "Berlin"


def test_network_icon_and_handle_become_a_profile() -> None:
    basics = parse(
        f"Alice Smith\nalice@x.com | {PUA_GITHUB} github alice-s | linkedin alice-smith\n"
    ).profile["basics"]
    assert [(p["network"], p["username"]) for p in basics["profiles"]] == [
        ("GitHub", "alice-s"),
        ("LinkedIn", "alice-smith"),
    ]


def test_symbol_font_bullets_are_bullets() -> None:
    job = only_job(
        experience(f"Engineer {EM} Acme (2019 {EN} 2021)", f"{SYMBOL_BULLET}\tShipped it")
    )
    assert job["highlights"] == ["Shipped it"]


def test_icon_before_a_heading_keeps_the_heading() -> None:
    parsed = parse(
        "Jo Example\njo@example.com\n\n\uf0b1 EXPERIENCE\nEngineer, Acme | 2019 - 2020\n"
    )
    assert [job["name"] for job in parsed.profile["work"]] == ["Acme"]


def test_star_ratings_do_not_become_skills() -> None:
    skills = parse(
        "Jo\n\nSkills\nPython \u2605\u2605\u2605\u2605\u2606\nGo \u25cf\u25cf\u25cb\n"
    ).profile["skills"]
    assert skills == [{"name": "Skills", "keywords": ["Python", "Go"]}]


# --------------------------------------------------------------------------------------------
# Date columns split across lines by PDF extraction
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "start", "end"),
    [
        ((f"Senior Engineer, Acme Corp   2017 {EN}", "Present"), "2017", None),
        (("Senior Engineer, Acme Corp   Jan 2019 -", "Mar 2021"), "2019-01", "2021-03"),
        ((f"Senior Engineer {EN} Acme Corp", f"2017 {EN}", "Present"), "2017", None),
        (("Senior Engineer, Acme Corp   Jan 2019", f"{EN} Mar 2021"), "2019-01", "2021-03"),
        (("Senior Engineer, Acme Corp   Jan 2019 to", "Mar 2021"), "2019-01", "2021-03"),
    ],
    ids=["year-present", "month-year", "dates-alone", "dash-on-next-line", "to"],
)
def test_date_range_split_over_two_lines_is_rejoined(
    lines: tuple[str, ...], start: str, end: str | None
) -> None:
    job = only_job(experience(*lines, "- Did it"))
    assert (job["position"], job["name"]) == ("Senior Engineer", "Acme Corp")
    assert (job["startDate"], job.get("endDate")) == (start, end)
    assert job["highlights"] == ["Did it"]


def test_bullet_starting_with_a_year_is_not_joined_to_a_date() -> None:
    job = only_job(
        experience(f"Engineer {EM} Acme (2019 {EN} 2021)", "- Grew sales in 2019", "- 2020 was big")
    )
    assert job["highlights"] == ["Grew sales in 2019", "2020 was big"]


def test_date_alone_between_title_and_employer() -> None:
    work = parse(
        experience(
            "Senior Engineer",
            f"2019 {EN} 2021",
            "Acme Corp",
            "- Did it",
            "Data Engineer",
            f"2016 {EN} 2018",
            "Globex Ltd",
            "- Did more",
        )
    ).profile["work"]
    assert [(j["position"], j["name"], j["startDate"], j["endDate"]) for j in work] == [
        ("Senior Engineer", "Acme Corp", "2019", "2021"),
        ("Data Engineer", "Globex Ltd", "2016", "2018"),
    ]


def test_dates_on_the_line_before_each_title() -> None:
    parsed = parse(
        experience(
            f"2019 {EN} 2021   Berlin, Germany",
            f"Senior Engineer {EM} Acme Corp",
            "- Did it",
            f"2016 {EN} 2018",
            f"Engineer {EM} Globex",
            "- Did more",
        )
    )
    work = parsed.profile["work"]
    assert [(j["position"], j["name"], j["startDate"], j["endDate"]) for j in work] == [
        ("Senior Engineer", "Acme Corp", "2019", "2021"),
        ("Engineer", "Globex", "2016", "2018"),
    ]
    assert work[0]["location"] == "Berlin, Germany"
    assert [j["highlights"] for j in work] == [["Did it"], ["Did more"]]
    assert parsed.warnings == []


def test_split_dates_in_education_are_rejoined() -> None:
    [school] = parse(
        f"Jo\n\nEducation\nMSc Physics, University of Leeds   2014 {EN}\n2016\n"
    ).profile["education"]
    assert (school["startDate"], school["endDate"]) == ("2014", "2016")


# --------------------------------------------------------------------------------------------
# Confidence
# --------------------------------------------------------------------------------------------


def test_sample_confidence_is_high_for_every_section(sample: ParsedResume) -> None:
    assert set(sample.confidence) == {
        "basics",
        "work",
        "education",
        "skills",
        "projects",
        "certificates",
        "languages",
    }
    assert all(score >= 0.9 for score in sample.confidence.values()), sample.confidence


def test_confidence_is_always_between_zero_and_one() -> None:
    for text in ("", "Jo", experience("Engineer"), "x" * 1000):
        for score in parse(text).confidence.values():
            assert 0.0 <= score <= 1.0


def test_work_confidence_drops_for_entries_missing_dates_or_employer() -> None:
    complete = parse(experience(f"Engineer {EM} Acme (2019 {EN} 2021)", "- Did it")).confidence
    no_dates = parse(experience(f"Engineer {EM} Acme", "- Did it")).confidence
    no_employer = parse(experience(f"Engineer (2019 {EN} 2021)", "- Did it")).confidence
    assert complete["work"] == 1.0
    assert no_dates["work"] < complete["work"]
    assert no_employer["work"] < complete["work"]


def test_missing_core_sections_score_zero_and_others_are_left_out() -> None:
    confidence = parse("Jo Example\njo@example.com\n").confidence
    assert confidence["work"] == confidence["education"] == confidence["skills"] == 0.0
    assert "projects" not in confidence and "languages" not in confidence
    assert 0.0 < confidence["basics"] < 1.0  # a name and an email, but no phone


def test_skills_confidence_drops_when_sentences_land_in_skills() -> None:
    tidy = parse("Jo\n\nSkills\nPython, Go, SQL\n").confidence["skills"]
    messy = parse(
        "Jo\n\nSkills\nPython\nI am a motivated engineer who loves building distributed systems.\n"
    ).confidence["skills"]
    assert tidy == 1.0
    assert messy < tidy


def test_json_resume_confidence_is_full_for_present_sections() -> None:
    doc = json.loads((SAMPLES / "resume.json").read_text(encoding="utf-8"))
    confidence = normalise_json_resume(doc).confidence
    assert confidence["basics"] == confidence["work"] == confidence["education"] == 1.0
    sparse = normalise_json_resume({"basics": {"name": "Jo"}}).confidence
    assert sparse["basics"] == 1.0
    assert sparse["work"] == 0.0
    assert "projects" not in sparse


def test_is_section_heading() -> None:
    assert is_section_heading("EXPERIENCE")
    assert is_section_heading("Technical Skills")
    assert not is_section_heading("Senior Engineer at Acme")


# --------------------------------------------------------------------------------------------
# Headings that are not in the table of headings
# --------------------------------------------------------------------------------------------


def sections_of(heading: str, body: str) -> dict[str, Any]:
    profile: dict[str, Any] = parse(f"Jo Example\njo@example.com\n\n{heading}\n{body}\n").profile
    return profile


@pytest.mark.parametrize(
    "heading",
    [
        "Clinical Experience",
        "INTERNSHIP EXPERIENCE",
        "Teaching Experience",
        "Previous Experience",
        "## Teaching Experience",
    ],
)
def test_heading_ending_in_experience_opens_work(heading: str) -> None:
    work = sections_of(heading, f"Engineer {EM} Acme (2019 {EN} 2021)")["work"]
    assert [(j["position"], j["name"]) for j in work] == [("Engineer", "Acme")]


@pytest.mark.parametrize(
    ("heading", "section"),
    [
        ("Clinical Skills", "skills"),
        ("Tech Stack", "skills"),
        ("Skills & Tools", "skills"),
        ("Registration", "certificates"),
        ("Licensure & Certifications", "certificates"),
        ("Training", "education"),
        ("Certifications & Training", "certificates"),
        ("Personal Statement", "summary"),
    ],
)
def test_unlisted_headings_route_to_their_section(heading: str, section: str) -> None:
    body = {
        "skills": "Python, Go",
        "certificates": "- HCPC Registered Paramedic (PA112233)",
        "education": "Diploma in Culinary Arts, Istituto Alberghiero, 2013",
        "summary": "Calm under pressure and committed to safe practice.",
    }[section]
    profile = sections_of(heading, body)
    if section == "summary":
        assert profile["basics"]["summary"] == body
    else:
        assert len(profile[section]) == 1, profile[section]


def test_unknown_heading_ends_the_section_above_it() -> None:
    parsed = parse(
        "Jo Example\n\nSkills\nPython, Go\n\nProfessional Memberships\n"
        "Chartered Engineer, Institution of Civil Engineers (2020)\n"
    )
    assert parsed.profile["skills"] == [{"name": "Skills", "keywords": ["Python", "Go"]}]
    assert "skipped unrecognised section 'Professional Memberships'" in parsed.warnings


def test_unknown_heading_keeps_its_lines_out_of_education() -> None:
    education = parse(
        "Jo\n\nEducation\nBSc Paramedic Science, Glasgow Caledonian University, 2018\n\n"
        "Memberships\nCollege of Paramedics\n"
    ).profile["education"]
    assert [school["institution"] for school in education] == ["Glasgow Caledonian University"]


def test_job_title_ending_in_a_heading_word_is_not_a_heading() -> None:
    work = parse(
        experience("Head of Customer Experience", "Initech", f"2015 {EN} 2017", "- Led support")
    ).profile["work"]
    assert [(j["position"], j["name"]) for j in work] == [
        ("Head of Customer Experience", "Initech")
    ]


def test_sub_heading_of_the_same_kind_labels_a_skill_group() -> None:
    skills = sections_of("Skills", "Technical Skills\nPython, Go\nSoft Skills\nMentoring")["skills"]
    assert skills == [
        {"name": "Technical Skills", "keywords": ["Python", "Go"]},
        {"name": "Soft Skills", "keywords": ["Mentoring"]},
    ]


def test_lower_case_word_after_a_line_is_not_a_heading() -> None:
    profile = sections_of("Key Skills", f"Wound care {DOT} Triage {DOT} Patient\neducation")
    assert profile["skills"][0]["keywords"] == ["Wound care", "Triage", "Patient education"]
    assert profile["education"] == []


# --------------------------------------------------------------------------------------------
# Education: degree, school and place in one line
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "institution", "study_type"),
    [
        (
            ("Emory University, Atlanta, GA", "Master of Science in Nursing | 2017 - 2019"),
            "Emory University",
            "Master of Science",
        ),
        (
            (
                "University of Manchester   2019",
                "Postgraduate Diploma in General Pharmacy Practice",
            ),
            "University of Manchester",
            "Postgraduate Diploma",
        ),
        (
            ("Vocational Certificate in Electrical Installation, Aarhus Technical College, 2015",),
            "Aarhus Technical College",
            "Vocational Certificate",
        ),
        (
            (f"Licence in Mathematics {EM} Universit\u00e9 Mohammed V (2010 {EN} 2013)",),
            "Universit\u00e9 Mohammed V",
            "Licence",
        ),
        (("BBA Finance, HEC Montr\u00e9al, 2005-2009",), "HEC Montr\u00e9al", "BBA Finance"),
        (
            ("IHK Region Stuttgart   2019", "Certified Master Craftsman (Industriemeister)"),
            "IHK Region Stuttgart",
            "Certified Master Craftsman (Industriemeister)",
        ),
        (("Boston University, Boston, MA, 2013",), "Boston University", ""),
        (("MA Economics, Boston University, 2013",), "Boston University", "MA"),
    ],
)
def test_education_line_is_split_into_degree_school_and_place(
    lines: tuple[str, ...], institution: str, study_type: str
) -> None:
    [school] = parse("Jo\n\nEducation\n" + "\n".join(lines) + "\n").profile["education"]
    assert (school["institution"], school["studyType"]) == (institution, study_type)


def test_wrapped_school_name_is_joined() -> None:
    lines = ["BSc Business and", "Economics", "Stockholm School of", f"Economics, 2009 {EN} 2012"]
    [school] = parse("Jo\n\nEducation\n" + "\n".join(lines)).profile["education"]
    assert school["institution"] == "Stockholm School of Economics"
    assert (school["studyType"], school["area"]) == ("BSc", "Business and Economics")
    assert school["endDate"] == "2012"


def test_wrapped_detail_bullet_under_a_school_is_not_a_new_school() -> None:
    education = parse(
        "Jo\n\nEducation\nMSc Physics, University of Leeds, 2016\n"
        f"{DOT} Thesis on thin films, later shown\n  during the Institute of Physics week, 2016.\n"
    ).profile["education"]
    assert [school["institution"] for school in education] == ["University of Leeds"]


# --------------------------------------------------------------------------------------------
# Work: places beside employers, titles with commas, title on the right
# --------------------------------------------------------------------------------------------


def test_company_line_with_town_and_dates_then_title_line() -> None:
    job = only_job(
        experience(
            f"Neckar Antriebstechnik GmbH, Stuttgart                 07.2021 {EN} today",
            "Maintenance Team Lead",
            "\u25b8 Lead six technicians.",
        )
    )
    assert (job["name"], job["position"], job["location"]) == (
        "Neckar Antriebstechnik GmbH",
        "Maintenance Team Lead",
        "Stuttgart",
    )
    assert job["startDate"] == "2021-07" and "endDate" not in job


@pytest.mark.parametrize(
    ("line", "position", "name", "location"),
    [
        (
            "Group Financial Controller, Harbury Logistics Group, London",
            "Group Financial Controller",
            "Harbury Logistics Group",
            "London",
        ),
        (
            "Audit Associate, Wawel Audit Sp. z o.o., Krak\u00f3w",
            "Audit Associate",
            "Wawel Audit Sp. z o.o.",
            "Krak\u00f3w",
        ),
        (
            "Physiotherapist, Granite City Sports Clinic, Aberdeen, UK",
            "Physiotherapist",
            "Granite City Sports Clinic",
            "Aberdeen, UK",
        ),
    ],
)
def test_trailing_town_is_not_part_of_the_employer(
    line: str, position: str, name: str, location: str
) -> None:
    job = only_job(experience(f"Sep 2019 {EN} Present    {line}", "- Ran the close"))
    assert (job["position"], job["name"], job["location"]) == (position, name, location)


def test_title_on_the_right_is_found_by_its_words() -> None:
    work = parse(
        experience(
            f"Scottish Ambulance Service {EM} Paramedic Practice Educator",
            f"Glasgow | 2021 {EN} present",
            "- Mentor new paramedics",
        )
    ).profile["work"]
    assert [(j["position"], j["name"], j["location"]) for j in work] == [
        ("Paramedic Practice Educator", "Scottish Ambulance Service", "Glasgow")
    ]


@pytest.mark.parametrize(
    "lines",
    [
        ("Home Depot, Columbus, OH                08/2013 - 04/2015", "Sales Associate, Plumbing"),
        ("Sales Associate, Plumbing", "Home Depot, Columbus, OH", "Aug 2013 - Apr 2015"),
        (
            "Sales Associate, Plumbing                Aug 2013 - Apr 2015",
            "Home Depot, Columbus, OH",
        ),
    ],
    ids=["company-line-first", "three-lines", "title-line-first"],
)
def test_title_with_a_comma_keeps_it_when_the_employer_has_its_own_line(
    lines: tuple[str, ...],
) -> None:
    job = only_job(experience(*lines, "- Advised contractors"))
    assert (job["position"], job["name"], job["location"]) == (
        "Sales Associate, Plumbing",
        "Home Depot",
        "Columbus, OH",
    )
    assert (job["startDate"], job["endDate"]) == ("2013-08", "2015-04")


def test_employer_with_town_and_state_below_a_title_is_not_a_location() -> None:
    job = only_job(
        experience(
            f"Software Engineering Intern               Jun 2024 {EN} Aug 2024",
            "Allegheny Robotics, Pittsburgh, PA",
            "- Wrote a ROS node",
        )
    )
    assert (job["position"], job["name"], job["location"]) == (
        "Software Engineering Intern",
        "Allegheny Robotics",
        "Pittsburgh, PA",
    )


@pytest.mark.parametrize(
    ("line", "start", "end"),
    [
        ("Team Lead, Neckar GmbH | 07.2021 bis heute", "2021-07", None),
        ("Team Lead, Neckar GmbH | 2019 to date", "2019", None),
    ],
)
def test_more_ways_of_writing_an_open_end(line: str, start: str, end: str | None) -> None:
    job = only_job(experience(line))
    assert (job["startDate"], job.get("endDate")) == (start, end)


# --------------------------------------------------------------------------------------------
# Text pulled out of PDFs: page furniture, narrow columns, date columns
# --------------------------------------------------------------------------------------------


def test_page_footers_and_running_headers_are_dropped() -> None:
    work = parse(
        "Jo Example\njo@example.com\n\nExperience\n"
        f"Staff Engineer | Acme | Apr 2020 {EN} Present\n- Led the ledger team\n\n"
        f"Jo Example {EM} Curriculum Vitae {EM} Page 1 of 2\n\n"
        f"- Ran incidents\n\nJo Example\nPage 2\n"
        f"Engineer | Globex | Jan 2018 {EN} Mar 2020\n- Built things\n2 / 2\n"
    ).profile["work"]
    assert [(j["position"], j["name"], j["highlights"]) for j in work] == [
        ("Staff Engineer", "Acme", ["Led the ledger team", "Ran incidents"]),
        ("Engineer", "Globex", ["Built things"]),
    ]


def test_a_bullet_ending_in_page_and_a_number_is_kept() -> None:
    job = only_job(
        experience(f"Engineer {EM} Acme (2019 {EN} 2021)", "- Rebuilt the sign-up page 2")
    )
    assert job["highlights"] == ["Rebuilt the sign-up page 2"]


@pytest.mark.parametrize(
    "lines",
    [
        ("Regional Sales Manager at Aurora Diagnostics AB, March", f"2021 {EN} Present"),
        ("Regional Sales Manager at Aurora Diagnostics AB, March 2021", f"{EN} Present"),
        ("Regional Sales Manager at", f"Aurora Diagnostics AB, March 2021 {EN} Present"),
    ],
)
def test_job_header_wrapped_by_a_narrow_column_is_joined(lines: tuple[str, ...]) -> None:
    job = only_job(experience(*lines, "- Lead nine account managers"))
    assert (job["position"], job["name"]) == ("Regional Sales Manager", "Aurora Diagnostics AB")
    assert (job["startDate"], job.get("endDate")) == ("2021-03", None)


def test_open_range_in_a_date_column_is_finished_by_the_line_below() -> None:
    work = parse(
        experience(
            f"Sep 2019 {EN}   Group Financial Controller, Harbury Logistics Group, London",
            "Present",
            "            - Run the monthly close",
            "",
            f"Oct 2016 {EN}   Audit Manager, Grant Whitley LLP, London",
            "Aug 2019",
            "            - Managed audits",
        )
    ).profile["work"]
    assert [(j["position"], j["name"], j["startDate"], j.get("endDate")) for j in work] == [
        ("Group Financial Controller", "Harbury Logistics Group", "2019-09", None),
        ("Audit Manager", "Grant Whitley LLP", "2016-10", "2019-08"),
    ]


# --------------------------------------------------------------------------------------------
# Skills: separators, group names on their own line, wrapped items
# --------------------------------------------------------------------------------------------


def test_spaced_slash_separates_skills_but_a_tight_one_does_not() -> None:
    skills = sections_of("Skills", "Acquisition: SEO / SEA / Paid social\nOps: CI/CD, TCP/IP")[
        "skills"
    ]
    assert skills == [
        {"name": "Acquisition", "keywords": ["SEO", "SEA", "Paid social"]},
        {"name": "Ops", "keywords": ["CI/CD", "TCP/IP"]},
    ]


def test_group_name_on_its_own_line_labels_the_list_below() -> None:
    skills = sections_of("Skills", "Design\nUser research, Prototyping\nTools\nFigma, Miro")[
        "skills"
    ]
    assert skills == [
        {"name": "Design", "keywords": ["User research", "Prototyping"]},
        {"name": "Tools", "keywords": ["Figma", "Miro"]},
    ]


def test_last_item_of_a_wrapped_list_line_is_not_a_group_name() -> None:
    skills = sections_of("Skills", "Code: Python, TypeScript,\nJava\nCI: Docker")["skills"]
    assert skills == [
        {"name": "Code", "keywords": ["Python", "TypeScript", "Java"]},
        {"name": "CI", "keywords": ["Docker"]},
    ]


def test_item_wrapped_onto_a_lower_case_line_is_joined() -> None:
    lines = ["User research, Interaction", "design, Prototyping, Design", "systems"]
    lines += ["\u2713 Key account", "management"]
    skills = sections_of("Skills", "\n".join(lines))["skills"]
    assert skills[0]["keywords"] == [
        "User research",
        "Interaction design",
        "Prototyping",
        "Design systems",
        "Key account management",
    ]


def test_item_wrapped_at_the_document_width_is_joined() -> None:
    prose = "Dental hygienist with seven years in general and periodontal practices, calm and kind."
    items = f" {DOT} ".join(
        ["Scaling and root planing", "Local anesthesia", "Radiography", "Dentrix"]
    )
    skills = parse(f"Jo\n\nSummary\n{prose}\n\nSkills\n{items} {DOT} Bilingual\nSpanish\n").profile[
        "skills"
    ]
    assert skills[0]["keywords"][-1] == "Bilingual Spanish"


def test_separate_list_lines_are_not_joined() -> None:
    skills = sections_of("Skills", "Python, Go\nDocker, Kubernetes")["skills"]
    assert skills[0]["keywords"] == ["Python", "Go", "Docker", "Kubernetes"]


@pytest.mark.parametrize(
    "hostile",
    [
        "Jo Example\n\nSkills\nPython\n" + "a\n" * 100_000,
        "Jo Example\n" + "of\n" * 100_000,
        "Jo Example\n" + "Jo Example | Page 1 of 2\n" * 50_000,
        "Experience\n" + f"Sep 2019 {EN}   Engineer, Acme\nPresent\n" * 30_000,
        "Education\n" + "Acme University, Leeds, " * 20_000,
        "Experience\n" + "Clinical Experience\n" * 50_000,
    ],
)
def test_new_layout_rules_stay_linear_on_hostile_input(hostile: str) -> None:
    started = time.perf_counter()
    parse(hostile)
    assert time.perf_counter() - started < 5
