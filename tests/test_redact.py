"""PII redaction: what leaves the machine carries placeholders, and what comes back is restored.

The parsing corpus (``tests/corpus/``) supplies thirty-odd real-looking people with accented,
hyphenated and apostrophised names and phone numbers in many national formats. Each entry is
turned into the JSON Resume profile the pipeline would hold (plus a made-up street address and
postcode, which the corpus does not have) and into the text a user would upload.

No services, files or environment variables are needed.
"""

from __future__ import annotations

import json
import re
import statistics
import time
import unicodedata
from typing import Any

import pytest

from tests.corpus.render import Entry, load_corpus, render
from worker.pipeline.redact import Redactor

CORPUS = load_corpus()
IDS = [entry.slug for entry in CORPUS]


def _profile(entry: Entry, index: int) -> dict[str, Any]:
    """The JSON Resume profile a corpus resume describes, with a street address added."""
    content, expected = entry.content, entry.expected
    contact = content["contact"]
    email = next(item for item in contact if "@" in item)
    phone = next(item for item in contact if sum(ch.isdigit() for ch in item) >= 7)
    links = [
        item for item in contact if item not in (email, phone) and "." in item and " " not in item
    ]
    place = next(item for item in contact if item not in (email, phone, *links))
    city, _, region = place.partition(",")
    profiles = [
        {
            "network": "LinkedIn" if "linkedin" in link else "GitHub",
            "username": link.rstrip("/").rsplit("/", 1)[-1],
            "url": f"https://{link}",
        }
        for link in links
        if "/" in link
    ]
    site = next((f"https://{link}" for link in links if "/" not in link), "")
    # Half the postcodes are numeric (Germany, US), half alphanumeric (UK, Canada).
    postcode = f"{10115 + 7 * index}" if index % 2 else f"LS{index % 9 + 1} {index % 7 + 2}QX"
    work = []
    for job, want in zip(content["work"], expected["work"], strict=True):
        item = {
            "name": job["employer"],
            "position": job["title"],
            "location": job.get("location", ""),
            "startDate": want["startDate"],
            "summary": job.get("blurb", ""),
            "highlights": job["bullets"],
        }
        if want["endDate"]:
            item["endDate"] = want["endDate"]
        work.append(item)
    return {
        "basics": {
            "name": content["name"],
            "label": content.get("headline") or "",
            "email": email,
            "phone": phone,
            "url": site,
            "summary": content.get("summary", ""),
            "location": {
                "address": f"{index + 2} Larkspur Row, Flat {index % 5 + 1}",
                "postalCode": postcode,
                "city": city.strip(),
                "region": region.strip(),
            },
            "profiles": profiles,
        },
        "work": work,
        "education": [
            {
                "institution": school["institution"],
                "studyType": school.get("degree", ""),
                "endDate": want["endDate"],
                "courses": school.get("details", []),
            }
            for school, want in zip(content["education"], expected["education"], strict=True)
        ],
        "skills": [
            {"name": group["group"], "keywords": group["items"]} for group in content["skills"]
        ],
        "projects": [
            {
                "name": project["name"],
                "description": project.get("description", ""),
                "highlights": project.get("bullets", []),
                "keywords": project.get("tech", []),
            }
            for project in content.get("projects", [])
        ],
        "certificates": [{"name": name} for name in content.get("certifications", [])],
        "awards": [{"title": title} for title in content.get("awards", [])],
        "languages": [{"language": language} for language in content.get("languages", [])],
    }


PROFILES = {entry.slug: _profile(entry, index) for index, entry in enumerate(CORPUS)}


def _dump(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)


def _without_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.replace("ł", "l").replace("Ł", "L"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _phone_pattern(phone: str) -> re.Pattern[str]:
    """The phone's last seven digits, however they are grouped: enough to identify it."""
    digits = re.sub(r"\D", "", phone)[-7:]
    return re.compile(r"[\s().\-/]*".join(digits))


def _name_parts(name: str) -> list[str]:
    pieces = re.split(r"[\s\-]+", name)
    return [p for p in pieces if sum(ch.isalpha() for ch in p) >= 2 and p.lower() != "el"]


def _leaks(profile: dict[str, Any], text: str, redactor: Redactor) -> list[str]:
    """The person's details still readable in ``text``."""
    basics = profile["basics"]
    name, location = basics["name"], basics["location"]
    found: list[str] = []
    folded = text.casefold()
    for spelling in (name, _without_accents(name)):
        if spelling.casefold() in folded:
            found.append(spelling)
    for part in _name_parts(name):
        if part not in redactor.ambiguous_name_parts and re.search(
            rf"(?<!\w){re.escape(part)}(?!\w)", text, re.IGNORECASE
        ):
            found.append(part)
    if basics["email"].casefold() in folded:
        found.append(basics["email"])
    if _phone_pattern(basics["phone"]).search(text):
        found.append(basics["phone"])
    for value in (location["address"], location["postalCode"]):
        if value.casefold() in folded:
            found.append(value)
    for link in [basics["url"], *(p["url"] for p in basics["profiles"])]:
        if link and link.removeprefix("https://").casefold() in folded:
            found.append(link)
    for handle in (p["username"] for p in basics["profiles"]):
        if re.search(rf"(?<![\w-]){re.escape(handle)}(?![\w-])", text, re.IGNORECASE):
            found.append(handle)
    return found


# --------------------------------------------------------------------------------------------
# The corpus: nothing personal survives, everything else does, and the way back is exact
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", IDS)
def test_redacted_profile_carries_no_personal_details(slug: str) -> None:
    profile = PROFILES[slug]
    redactor = Redactor.from_profile(profile)

    redacted = redactor.redact_obj(profile)

    assert _leaks(profile, _dump(redacted), redactor) == []
    assert redacted["basics"]["name"] == "[[NAME]]"
    assert redacted["basics"]["email"] == "[[EMAIL_1]]"
    assert redacted["basics"]["phone"] == "[[PHONE_1]]"
    assert redacted["basics"]["location"]["address"] == "[[ADDRESS_1]]"
    assert redacted["basics"]["location"]["postalCode"] == "[[POSTCODE_1]]"


@pytest.mark.parametrize("slug", IDS)
def test_restoring_a_redacted_profile_gives_it_back_exactly(slug: str) -> None:
    profile = PROFILES[slug]
    redactor = Redactor.from_profile(profile)

    assert redactor.restore_obj(redactor.redact_obj(profile)) == profile


@pytest.mark.parametrize("slug", IDS)
def test_employers_titles_skills_dates_and_metrics_survive_redaction(slug: str) -> None:
    profile = PROFILES[slug]

    redacted = Redactor.from_profile(profile).redact_obj(profile)

    for section in ("work", "education", "skills", "projects", "certificates", "awards"):
        assert redacted[section] == profile[section], section
    assert redacted["languages"] == profile["languages"]
    for key in ("label", "summary"):
        assert redacted["basics"][key] == profile["basics"][key]
    for key in ("city", "region"):
        assert redacted["basics"]["location"][key] == profile["basics"]["location"][key]
    networks = [p["network"] for p in redacted["basics"]["profiles"]]
    assert networks == [p["network"] for p in profile["basics"]["profiles"]]


@pytest.mark.parametrize("entry", CORPUS, ids=IDS)
def test_uploaded_resume_text_carries_no_personal_details(entry: Entry) -> None:
    profile = PROFILES[entry.slug]
    redactor = Redactor.from_profile(profile)
    text = render(entry, "txt").decode("utf-8")

    redacted = redactor.redact(text)

    assert _leaks(profile, redacted, redactor) == []
    assert redactor.restore(redacted) == text
    for job in entry.content["work"]:
        assert job["employer"] in redacted
        assert job["dates"] in redacted


def test_only_name_parts_that_are_ordinary_words_here_are_kept_alone() -> None:
    kept = {
        slug: set(Redactor.from_profile(profile).ambiguous_name_parts)
        for slug, profile in PROFILES.items()
    }

    # "Grace" is an everyday word; "Minh" is part of "Ho Chi Minh City", where she worked.
    assert {slug: parts for slug, parts in kept.items() if parts} == {
        "03-nguyen-thi-minh": {"Minh"},
        "34-grace-mwangi-otieno": {"Grace"},
    }


@pytest.mark.parametrize(
    "hostile",
    ["de la " * 6000, "1 " * 15000, "a." * 15000, "Lucía" + " " * 30000 + "x", "(555) " * 5000],
    ids=["particles", "digits", "dots", "spaces", "brackets"],
)
def test_hostile_text_does_not_make_redaction_quadratic(hostile: str) -> None:
    redactor = Redactor(name="Lucía de la Cruz", phones=["+34 612 555 019"], urls=["lucia.dev"])

    start = time.perf_counter()
    redactor.redact(hostile)

    assert time.perf_counter() - start < 0.5


def test_redacting_a_two_page_profile_takes_under_five_milliseconds() -> None:
    profile = max(PROFILES.values(), key=lambda p: len(_dump(p)))
    redactor = Redactor.from_profile(profile)
    timings = []
    for _ in range(50):
        start = time.perf_counter()
        redactor.redact_obj(profile)
        timings.append(time.perf_counter() - start)

    assert len(_dump(profile)) > 4000
    assert statistics.median(timings) < 0.005


# --------------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------------


def test_family_name_that_is_a_word_does_not_eat_the_word() -> None:
    redactor = Redactor(name="Daniel Long")
    text = (
        "Daniel Long built long-running jobs. Long-term, the roadmap held. "
        "Ms Long approved it; DANIEL LONG signed; Daniel agreed."
    )

    redacted = redactor.redact(text)

    assert redacted == (
        "[[NAME]] built long-running jobs. Long-term, the roadmap held. "
        "Ms [[NAME_2]] approved it; [[NAME_3]] signed; [[NAME_4]] agreed."
    )
    assert redactor.mapping["[[NAME_2]]"] == "Long"
    assert redactor.restore(redacted) == text


def test_names_that_are_months_and_modal_verbs_leave_dates_and_sentences_alone() -> None:
    redactor = Redactor(name="April May")
    text = "April May led the May 2019 launch. Will ship in April. May Will come?"

    assert redactor.redact(text) == (
        "[[NAME]] led the May 2019 launch. Will ship in April. May Will come?"
    )


@pytest.mark.parametrize("written", ["Lee Harper", "lee harper"])
def test_given_name_lee_is_replaced_only_when_capitalised(written: str) -> None:
    redactor = Redactor(name=written)

    assert redactor.redact("Lee moved the lee side; Harper's code.") == (
        "[[NAME_2]] moved the lee side; [[NAME_3]]'s code."
    )


def test_short_name_parts_in_capitals_are_acronyms() -> None:
    redactor = Redactor(name="Ai Tanaka")

    assert redactor.redact("Ai Tanaka (AI TANAKA) built AI tools; Ai led.") == (
        "[[NAME]] ([[NAME_2]]) built AI tools; [[NAME_3]] led."
    )


def test_name_part_in_the_posting_company_is_kept_alone() -> None:
    profile = {"basics": {"name": "Harriet Fenwick-Blythe"}}
    redactor = Redactor.from_profile(profile, public_text=["Fenwick Stores", "Account Manager"])

    assert redactor.redact("Harriet Fenwick-Blythe for Fenwick Stores; Fenwick-Blythe.") == (
        "[[NAME]] for Fenwick Stores; [[NAME_2]]."
    )


def test_name_parts_that_are_skills_stay_in_the_skills() -> None:
    profile = {
        "basics": {"name": "Ruby Swift"},
        "skills": [{"name": "Languages", "keywords": ["Ruby", "Swift"]}],
    }
    redactor = Redactor.from_profile(profile)
    text = "Ruby Swift: built apps in Ruby and Swift.\nRegards,\nRuby"

    redacted = redactor.redact(text)

    assert redacted == "[[NAME]]: built apps in Ruby and Swift.\nRegards,\n[[NAME_2]]"
    assert redactor.ambiguous_name_parts == {"Ruby", "Swift"}
    assert redactor.redact_obj(profile)["skills"] == profile["skills"]


@pytest.mark.parametrize(
    "written",
    [
        "José Müller-Łukasiewicz",
        "JOSÉ MÜLLER-ŁUKASIEWICZ",
        "josé müller-łukasiewicz",
        "Jose Muller-Lukasiewicz",
        "José Müller\u2013Łukasiewicz",
        "José  Müller - Łukasiewicz",
        "Müller-Łukasiewicz, José",
        unicodedata.normalize("NFD", "José Müller-Łukasiewicz"),
        "José Müller",
        "Mueller",
        "Łukasiewicz",
        "LUKASIEWICZ",
    ],
)
def test_accented_hyphenated_name_is_found_however_it_is_written(written: str) -> None:
    redactor = Redactor(name="José Müller-Łukasiewicz")
    text = f"Reviewed by {written}."

    redacted = redactor.redact(text)

    assert re.fullmatch(r"Reviewed by \[\[NAME(?:_\d+)?\]\]\.", redacted)
    assert redactor.restore(redacted) == text


def test_vietnamese_name_in_any_order_but_not_in_the_city() -> None:
    profile = {
        "basics": {"name": "Nguyễn Thị Minh"},
        "work": [{"name": "Saigon Analytics Co.", "location": "Ho Chi Minh City, Vietnam"}],
    }
    redactor = Redactor.from_profile(profile)
    text = (
        "Nguyễn Thị Minh (NGUYEN THI MINH) worked in Ho Chi Minh City. "
        "Minh Nguyễn presented; Ms Minh chaired; Nguyen reviewed."
    )

    redacted = redactor.redact(text)

    assert redacted == (
        "[[NAME]] ([[NAME_2]]) worked in Ho Chi Minh City. "
        "[[NAME_3]] presented; Ms [[NAME_4]] chaired; [[NAME_5]] reviewed."
    )
    assert redactor.restore(redacted) == text


def test_apostrophes_and_particles_in_names() -> None:
    irish = Redactor(name="Liam O\u2019Connor-Whitfield")
    moroccan = Redactor(name="Fatima-Zahra El Idrissi")

    assert irish.redact("Signed: Liam O'Connor-Whitfield, O’Connor, Whitfield") == (
        "Signed: [[NAME_2]], [[NAME_3]], [[NAME_4]]"
    )
    spanish = Redactor(name="Lucía de la Cruz")

    assert moroccan.redact("Ms El Idrissi met El Corte Inglés; Fatima-Zahra led.") == (
        "Ms [[NAME_2]] met El Corte Inglés; [[NAME_3]] led."
    )
    assert spanish.redact("Sra. de la Cruz, de la noche, Cruz.") == (
        "Sra. [[NAME_2]], de la noche, [[NAME_3]]."
    )


# --------------------------------------------------------------------------------------------
# Contact details and links
# --------------------------------------------------------------------------------------------


def test_own_phone_is_found_by_its_digits_in_any_format() -> None:
    redactor = Redactor(phones=["+1 (555) 010-2030"])
    writings = [
        "+1 (555) 010-2030",
        "555-010-2030",
        "(555) 010 2030",
        "555.010.2030",
        "5550102030",
        "+15550102030",
        "001 555 010 2030",
    ]
    text = " / ".join(writings)

    redacted = redactor.redact(text)

    assert redacted == " / ".join(f"[[PHONE_{n}]]" for n in range(1, len(writings) + 1))
    assert redactor.restore(redacted) == text


def test_own_phone_glued_to_a_year_keeps_the_year() -> None:
    redactor = Redactor(phones=["555-010-2030"])

    assert redactor.redact("Since 2021 555 010 2030 is my line") == (
        "Since 2021 [[PHONE_2]] is my line"
    )


def test_trunk_zero_and_country_code_are_the_same_number() -> None:
    redactor = Redactor(phones=["+44 (0)29 2018 0555"])

    assert redactor.redact("Call 029 2018 0555 or +44 29 2018 0555.") == (
        "Call [[PHONE_2]] or [[PHONE_3]]."
    )


def test_other_emails_phones_and_urls_in_bullets_get_placeholders() -> None:
    redactor = Redactor(name="Marcus Delgado", emails=["marcus.delgado@example.com"])
    bullet = (
        "References: jane.roe@corp.example (+44 20 7946 0000, (555) 777-1234, 07700 900617); "
        "case study at https://example.org/case-study?id=4, code at github.com/someone/repo "
        "and www.portfolio.example."
    )

    redacted = redactor.redact(bullet)

    assert redacted == (
        "References: [[EMAIL_2]] ([[PHONE_1]], [[PHONE_2]], [[PHONE_3]]); "
        "case study at [[URL_1]], code at [[URL_2]] "
        "and [[URL_3]]."
    )
    assert redactor.mapping["[[URL_3]]"] == "www.portfolio.example"
    assert redactor.restore(redacted) == bullet


@pytest.mark.parametrize(
    "text",
    [
        "Founded in 2019.",
        "Raised $2M and grew revenue 40%.",
        "Cut churn by 12.5% across 2015-2017 and 2012 – 2015.",
        "99.97% availability for 4M requests a day, 2.3M users.",
        "Managed a 1,200,000 budget and 1 200 000 impressions.",
        "Go-live on 12.03.2019, audit on 2021-01-15, review 03/2022.",
        "Served from 192.168.100.200 behind 10.0.0.1.",
        "ISBN 978-3-16-148410-0, 5000-8000 units per week.",
        "Q3 2021 2022 roadmap, v3.11.2, p95 820 ms, 150k MAU, 120+ checks.",
        "Booking.com, ASP.NET/C#, Node.js/Express, Vue.js and README.md.",
    ],
)
def test_figures_dates_and_product_names_are_not_personal(text: str) -> None:
    redactor = Redactor(name="Marcus Delgado", phones=["(555) 201-4477"])

    assert redactor.redact(text) == text
    assert redactor.mapping == {"[[NAME]]": "Marcus Delgado", "[[PHONE_1]]": "(555) 201-4477"}


def test_profile_urls_with_or_without_scheme_and_www() -> None:
    redactor = Redactor(urls=["https://www.linkedin.com/in/jdoe/", "zoeodegaard.design"])
    text = (
        "linkedin.com/in/jdoe, http://linkedin.com/in/jdoe and www.linkedin.com/in/jdoe. "
        "Portfolio: zoeodegaard.design (see https://zoeodegaard.design/work)."
    )

    redacted = redactor.redact(text)

    assert redacted == ("[[URL_3]], [[URL_4]] and [[URL_5]]. Portfolio: [[URL_2]] (see [[URL_6]]).")
    assert redactor.restore(redacted) == text


def test_usernames_alone_or_with_at_sign_but_not_when_they_are_words() -> None:
    profile = {
        "basics": {
            "profiles": [
                {"network": "GitHub", "username": "jmlukas", "url": "https://github.com/jmlukas"},
                {"network": "X", "username": "golang", "url": "https://x.com/golang"},
            ]
        }
    }
    redactor = Redactor.from_profile(profile)

    assert redactor.redact("Maintainer jmlukas (@jmlukas) of golang tools, x.com/golang.") == (
        "Maintainer [[USERNAME_1]] ([[USERNAME_2]]) of golang tools, [[URL_3]]."
    )
    assert "golang" not in redactor.mapping.values()


def test_street_address_and_postcodes() -> None:
    redactor = Redactor(
        addresses=["27 Harbour Street, Flat 3"], postcodes=["BS8 1TH"], places=["Bristol"]
    )
    munich = Redactor(postcodes=["80331"], places=["Munich", "Bavaria"])

    assert redactor.redact("Lives at 27 harbour street, Flat 3, Bristol BS8 1TH.") == (
        "Lives at [[ADDRESS_2]], Bristol [[POSTCODE_1]]."
    )
    assert redactor.redact("Post to 27 Harbour Street; code bs81th") == (
        "Post to [[ADDRESS_3]]; code [[POSTCODE_2]]"
    )
    assert munich.redact("Munich 80331, or 80331 Munich; 80331 records") == (
        "Munich [[POSTCODE_1]], or [[POSTCODE_1]] Munich; 80331 records"
    )
    assert munich.redact(" 80331 ") == " [[POSTCODE_1]] "


# --------------------------------------------------------------------------------------------
# Placeholders
# --------------------------------------------------------------------------------------------


def _contact_redactor() -> Redactor:
    return Redactor(name="Zoë Ødegaard", emails=["zoe@example.no"], phones=["+47 912 34 567"])


def test_same_value_gets_the_same_placeholder_and_own_values_are_numbered_first() -> None:
    redactor = _contact_redactor()

    first = redactor.redact("Write to other@example.com or zoe@example.no")
    second = redactor.redact("zoe@example.no, other@example.com, Zoë Ødegaard")

    assert first == "Write to [[EMAIL_2]] or [[EMAIL_1]]"
    assert second == "[[EMAIL_1]], [[EMAIL_2]], [[NAME]]"
    assert redactor.mapping == {
        "[[NAME]]": "Zoë Ødegaard",
        "[[EMAIL_1]]": "zoe@example.no",
        "[[PHONE_1]]": "+47 912 34 567",
        "[[EMAIL_2]]": "other@example.com",
    }


@pytest.mark.parametrize(
    ("answer", "restored"),
    [
        (
            "[[ NAME ]] can be reached at [EMAIL_1].",
            "Zoë Ødegaard can be reached at zoe@example.no.",
        ),
        ("[[name]], [[Phone 1]], [[EMAIL-1]]", "Zoë Ødegaard, +47 912 34 567, zoe@example.no"),
        ("[[EMAIL]] and [[NAME_1]]", "zoe@example.no and Zoë Ødegaard"),
        ("[[NAME]] [PHONE_1]]", "Zoë Ødegaard +47 912 34 567"),
    ],
)
def test_slightly_mangled_placeholders_are_restored(answer: str, restored: str) -> None:
    redactor = _contact_redactor()

    assert redactor.restore(answer) == restored


@pytest.mark.parametrize(
    "answer",
    [
        "[[PHONE_9]] and [[ADDRESS_1]]",  # never issued
        "[[COMPANY]] and [[FOO_1]]",  # not ours
        "[Name] and [ email 1 ]",  # single brackets only count when written exactly
        "[1] see footnote, [x] done",
    ],
)
def test_unknown_placeholders_are_left_as_they_are(answer: str) -> None:
    assert _contact_redactor().restore(answer) == answer


def test_ambiguous_shortened_placeholder_is_left_alone() -> None:
    redactor = _contact_redactor()
    redactor.redact("also zoe.o@example.org")

    assert redactor.restore("[[EMAIL]] or [[EMAIL_2]]") == "[[EMAIL]] or zoe.o@example.org"


def test_objects_keep_their_keys_and_non_text_values() -> None:
    redactor = _contact_redactor()
    obj = {"zoe@example.no": ["Zoë Ødegaard", 3, None, True, ("+47 912 34 567",)]}

    redacted = redactor.redact_obj(obj)

    assert redacted == {"zoe@example.no": ["[[NAME]]", 3, None, True, ("[[PHONE_1]]",)]}
    assert redactor.restore_obj(redacted) == obj


def test_redacting_twice_changes_nothing_more() -> None:
    profile = PROFILES["01-jose-muller-lukasiewicz"]
    redactor = Redactor.from_profile(profile)

    once = redactor.redact_obj(profile)

    assert redactor.redact_obj(once) == once


def test_a_profile_without_basics_still_hides_stray_contact_details() -> None:
    redactor = Redactor.from_profile({"work": [{"highlights": ["Ping me: a.b@example.com"]}]})

    assert redactor.redact("Ping me: a.b@example.com") == "Ping me: [[EMAIL_1]]"
