"""The facts a tailored resume or cover letter states, and whether the source profile backs each.

`extract_claims` reads a profile into `Claim`s: the structured facts (employers, titles, dates,
degrees, institutions, certifications, skills keywords, languages) and what the free text says
(numbers, team sizes, years of experience, dates, skills, degrees, certifications, titles and
employer-like names). `extract_letter_claims` does the same for a cover letter's paragraphs.
`unsupported` checks each claim against the source profile and returns a `Violation` for every
claim the source does not support. Nothing here knows who wrote the text: the offline engine, a
language model or a person are held to the same rules.

What counts as the same fact:

* text is compared without case, accents or punctuation, and company suffixes (Ltd, Inc, GmbH,
  LLC …) are ignored, so "ACME Inc." is "Acme";
* skills are compared as the vocabulary's canonical skills ("Postgres" is PostgreSQL), and a
  skill the source names implies its declared parents (AWS Lambda implies AWS);
* dates are read as months or years ("Jan 2020", "January 2020", "01/2020", "2020-01"). A claim
  may be less precise than its source ("2020" for "2020-03") but never more: a month claimed
  where the source gives only the year is reported, since it can move a start by eleven months;
* numbers are compared by value and unit: "2.3M" is 2,300,000, "85 %" is "85 percent", a money
  amount is a number; a percentage is only ever backed by a percentage. "40+", "over 40" and
  the like may round down a source figure (18 supports "10+", never "20+");
* a title in a structured field must equal, once abbreviations are expanded (Sr. → Senior,
  Eng → Engineer), the title of a role the source holds at the same employer; a title in prose
  may leave words out of a source title (no words in: "Senior Staff Engineer" is not
  "Engineer"), or must appear in the source as written;
* a years-of-experience figure ("9+ years") is backed when it does not exceed the years the
  source's own work dates add up to;
* a work bullet's numbers and team sizes must come from the same employer's entries in the
  source (or from its skills, certificates or education), and its skills from the same
  employer's entries, so a figure or a tool moved from one job to another is caught; the
  summary, the skills section and the letter may use anything the source states.

Names in prose (employers, institutions, certificates) are backed when the source mentions them
anywhere: a client named in a bullet may be named again. What cannot be read reliably is left
alone rather than guessed: negation ("I have not used Kafka") is not understood, and a claim in
a language other than English is only found through skills, numbers, dates and names.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from worker.pipeline.analysis import EDUCATION_LEVELS, education_level
from worker.pipeline.scoring import MONTHS, experience_years
from worker.pipeline.skills import SkillVocabulary, default_vocabulary
from worker.pipeline.types import Profile

KINDS = (
    "employer",
    "title",
    "dates",
    "degree",
    "institution",
    "certification",
    "number",
    "skill",
    "team_size",
)


@dataclass(frozen=True)
class Claim:
    """One fact a document states, where it states it, and its comparable form."""

    kind: str
    """One of `KINDS`."""
    text: str
    """The claim as written ("Senior Staff Engineer", "300 %", "Jan 2020")."""
    value: str
    """The normalised form that is compared ("senior staff eng", "300%", "2020-01")."""
    path: str
    """Where it is: `work[0].highlights[2]`, `skills[1].keywords[0]`, `cover_letter[3]`."""
    line: str = ""
    """The whole line of prose it was read from; empty for a structured field."""
    employer: str = ""
    """For anything inside a work entry: that entry's employer as the document names it."""
    title: str = ""
    """For anything inside a work entry: that entry's title as the document names it."""


@dataclass(frozen=True)
class Violation:
    """A claim the source profile does not support, with why."""

    kind: str
    text: str
    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


# --------------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def normalise(text: Any) -> str:
    """Lower case, no accents, punctuation as spaces ("Ünïted-Ops & Co." → "united ops and co")."""
    decomposed = unicodedata.normalize("NFKD", str(text or ""))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    plain = re.sub(r"['’]s\b", "", plain.replace("&", " and "))
    return " ".join(re.sub(r"[^\w+#]+|_", " ", plain).split())


_COMPANY_SUFFIXES = _words(
    """inc incorporated ltd limited llc llp lp plc gmbh mbh ag se sa sas sarl srl spa bv nv co
    company corp corporation pty kg kgaa ab as asa oy oyj kk sl sau ug pte pvt group holding
    holdings"""
)


def normalise_employer(name: Any) -> str:
    """An organisation's name without case, accents, a leading "The" or a legal suffix."""
    words = normalise(re.sub(r"\.(?=\w)|\.$", "", str(name or ""))).split()
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    while len(words) > 1 and (words[-1] in _COMPANY_SUFFIXES or words[-1] == "and"):
        words = words[:-1]
    return " ".join(words)


_TITLE_WORDS = {
    "sr": "senior",
    "snr": "senior",
    "jr": "junior",
    "jnr": "junior",
    "engineer": "eng",
    "engineering": "eng",
    "engr": "eng",
    "mgr": "manager",
    "mngr": "manager",
    "dev": "developer",
    "asst": "assistant",
    "assoc": "associate",
    "admin": "administrator",
    "dir": "director",
    "mgmt": "management",
    "ops": "operations",
    "sw": "software",
    "frontend": "front end",
    "backend": "back end",
    "fullstack": "full stack",
    "sre": "site reliability eng",
    "swe": "software eng",
    "vp": "vice president",
    "ceo": "chief executive officer",
    "cto": "chief technology officer",
    "cfo": "chief financial officer",
    "coo": "chief operating officer",
    "cio": "chief information officer",
}


def normalise_title(title: Any) -> str:
    """A job title with abbreviations resolved, so "Sr. Software Eng." is "Senior Software
    Engineer" and "SRE" is "Site Reliability Engineer"."""
    words = normalise(str(title or "").replace(".", " ")).split()
    return " ".join(_TITLE_WORDS.get(word, word) for word in words)


_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_PRESENT = _words("present current now today ongoing heute actuel actualidad")


def normalise_date(value: Any) -> str | None:
    """`YYYY-MM`, `YYYY` or `present` for the ways resumes write a date; None if unreadable."""
    text = " ".join(str(value or "").split()).strip(" .,")
    low = text.casefold()
    if not low:
        return None
    if low in _PRESENT:
        return "present"
    found = re.fullmatch(r"(\d{4})(?:[-/.](\d{1,2}))?(?:[-/.]\d{1,2})?(?:t.*)?", low)
    if found:
        return _year_month(found.group(1), found.group(2))
    found = re.fullmatch(r"(\d{1,2})[-/.](\d{4})", low)
    if found:
        return _year_month(found.group(2), found.group(1))
    found = re.fullmatch(rf"(?:\d{{1,2}}\s+)?({_MONTH})\.?,?\s+(?:\d{{1,2}},?\s+)?(\d{{4}})", low)
    if found:
        return _year_month(found.group(2), str(MONTHS[found.group(1)]))
    return None


def _year_month(year: str, month: str | None) -> str | None:
    if not month:
        return year
    number = int(month)
    return f"{year}-{number:02d}" if 1 <= number <= 12 else None


def _date_supports(source: str, claim: str) -> bool:
    """A source date backs the same date, or the same year written without the month."""
    if claim == source:
        return True
    return len(claim) == 4 and source[:4] == claim and claim.isdigit()


# --------------------------------------------------------------------------------------------
# Quantities
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Quantity:
    amount: Decimal
    unit: str = ""
    """`%` for a percentage, `x` for a multiple, empty for a count or an amount of money."""
    at_least: bool = False
    """Written as a floor ("40+", "over 40"), so a larger source figure backs it."""

    def __str__(self) -> str:
        return f"{format(self.amount.normalize(), 'f')}{self.unit}{'+' if self.at_least else ''}"

    @classmethod
    def parse(cls, value: str) -> _Quantity | None:
        found = re.fullmatch(r"(-?\d+(?:\.\d+)?)(%|x)?(\+)?", value)
        if not found:
            return None
        return cls(Decimal(found.group(1)), found.group(2) or "", bool(found.group(3)))

    def backed_by(self, source: _Quantity) -> bool:
        if (self.unit == "%") != (source.unit == "%"):
            return False
        if self.amount == source.amount:
            return True
        return (
            self.at_least
            and 0 < self.amount < source.amount
            and _truncates(source.amount, self.amount)
        )


def _truncates(source: Decimal, claim: Decimal) -> bool:
    """Whether `claim` is `source` cut to fewer digits (2.4 billion → 2 billion, 18 → 10)."""
    for power in range(-4, 16):
        step = Decimal(10) ** power
        if step > source:
            return False
        if (source // step) * step == claim:
            return True
    return False


_WORD_NUMBERS = {
    word: number
    for number, word in enumerate(
        """zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen
        fifteen sixteen seventeen eighteen nineteen twenty""".split()  # noqa: SIM905
    )
} | {"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
     "ninety": 90, "hundred": 100, "dozen": 12}  # fmt: skip
_WORD_NUMBER = "|".join(sorted(_WORD_NUMBERS, key=len, reverse=True))
_MAGNITUDES = {
    "k": 3, "thousand": 3, "m": 6, "mm": 6, "mn": 6, "million": 6, "b": 9, "bn": 9,
    "billion": 9, "trillion": 12,
}  # fmt: skip
_QUALIFIER = (
    r"(?P<q>(?:over|more than|above|upwards of|in excess of|nearly|almost|about|around|"
    r"approximately|approx\.?|roughly|some|up to|at least|~|>)\s*)?"
)
_CURRENCY = r"(?:[$€£¥₹]|\b(?:USD|EUR|GBP|CAD|AUD|CHF|INR|JPY|SEK|NOK|DKK|PLN|NZD)\s?)"
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_NUMBER = re.compile(
    rf"(?i:{_QUALIFIER}){_CURRENCY}?(?<![\w.,/])(?P<num>{_DIGITS})"
    r"(?:(?P<mag>[kKmMbB]|bn|mn|MM)(?!\w)"
    r"|\s(?P<magw>(?i:thousand|million|billion|trillion)|[KMB]|bn|mn)(?!\w))?(?P<plus>\+)?"
    r"(?:\s?(?P<pct>%)|[\s-](?P<pctw>percent|per\s?cent|pct|percentage points)\b)?"
    r"(?:(?P<x>x|×)(?!\w)|\s(?P<xw>times|fold)\b|-(?P<xf>fold)\b)?"
    r"(?!\w|[.,]\d)"
)
_ROUND_WORDS = re.compile(rf"(?i)\b(?P<num>{_WORD_NUMBER})\b(?!-)")
_WORD_PERCENT = re.compile(
    rf"(?i)\b(?P<tens>{_WORD_NUMBER})(?:[\s-](?P<units>{_WORD_NUMBER}))?[\s-]"
    r"(?:percent|per\s?cent)\b"
)
_MULTIPLE_WORDS = {"doubled": 2, "tripled": 3, "quadrupled": 4, "twofold": 2, "threefold": 3}
_HALVED = re.compile(r"(?i)\b(?:halved|cut (?:it |them )?in half|by half|by a half)\b")


def _quantity(match: re.Match[str]) -> _Quantity | None:
    try:
        amount = Decimal(match.group("num").replace(",", ""))
    except InvalidOperation:
        return None
    magnitude = (match.group("mag") or match.group("magw") or "").lower()
    amount *= Decimal(10) ** _MAGNITUDES.get(magnitude, 0)
    percent = match.group("pct") or match.group("pctw")
    multiple = match.group("x") or match.group("xw") or match.group("xf")
    unit = "%" if percent else "x" if multiple else ""
    at_least = bool(match.group("plus") or match.group("q"))
    return _Quantity(amount, unit, at_least)


def _word_amount(word: str) -> Decimal:
    return Decimal(_WORD_NUMBERS[word.lower()])


def _word_percent(match: re.Match[str]) -> _Quantity:
    amount = _word_amount(match.group("tens"))
    if match.group("units"):
        amount += _word_amount(match.group("units"))
    return _Quantity(amount, "%")


def quantities(text: str) -> list[_Quantity]:
    """Every figure in `text`, written in digits or words, for the source's pool of numbers."""
    found = [q for m in _NUMBER.finditer(text) if (q := _quantity(m)) is not None]
    found += [_Quantity(_word_amount(m.group("num"))) for m in _ROUND_WORDS.finditer(text)]
    found += [_word_percent(m) for m in _WORD_PERCENT.finditer(text)]
    low = text.lower()
    found += [_Quantity(Decimal(n), "x") for word, n in _MULTIPLE_WORDS.items() if word in low]
    found += [_Quantity(Decimal(50), "%") for _ in _HALVED.finditer(text)]
    return found


# --------------------------------------------------------------------------------------------
# Patterns for prose
# --------------------------------------------------------------------------------------------

_UPPER = "A-Z" + "".join(ch for ch in map(chr, range(0xC0, 0x250)) if ch.isupper())
_CAP = rf"[{_UPPER}][\w'’&+-]*(?:\.(?=\w)[\w'’&+-]*)*"
_LINK = r"(?:of|and|&|de|du|des|la|le|del|della|di|von|van|der|den|für|y|the|at|on|upon)"
_NAME = rf"{_CAP}(?:\s+(?:{_LINK}\s+)?{_CAP})*"
_EMPLOYER_CUE = re.compile(
    rf"(?<![\w-])(?:[Aa]t|[Ff]or|[Jj]oined|[Ee]mployed by|[Cc]onsulted for|[Cc]ontracted to|"
    rf"[Ff]ormerly of|bei|chez|(?:[Pp]artnered|[Cc]ollaborated|[Cc]ontracted|[Ww]orked) with|"
    rf"(?:clients|customers|brands|accounts|partners|employers),? (?:such as|including|like))"
    rf"\s+(?:the\s+)?(?P<name>{_NAME})"
)
_INSTITUTION_WORDS = _words(
    """university universitat universite universidad universita universidade college institute
    institut instituto istituto school academy polytechnic politechnika polytechnique
    hochschule conservatory conservatoire seminary"""
)
_SENTENCE_OPENERS = _words(
    """at for in from with by on as the a an bei chez en dans con currently formerly previously
    most recently since during after before while also then today now"""
)
_INSTITUTION_CUE = re.compile(
    rf"(?:graduated from|studied at|alumn\w* of|degree from|diploma from)\s+"
    rf"(?:the\s+)?(?P<name>{_NAME})",
    re.IGNORECASE,
)
_ANY_NAME = re.compile(_NAME)
_DEGREE_FROM = re.compile(rf"\s+(?:from|at)\s+(?:the\s+)?(?P<name>{_NAME})")
_NOT_NAMES = _words(
    """i the a an present today now monday tuesday wednesday thursday friday saturday sunday
    q1 q2 q3 q4 h1 h2 fy scale speed home work team teams year years board company enterprise
    christmas easter summer winter spring autumn fall it our my their this that these we he
    she they you your all every each one two"""
) | frozenset(MONTHS)

_CERT_ACRONYMS = _words(
    "PMP CAPM CKA CKAD CKS CISSP CISM CISA CCSP CEH OSCP GCIH GSEC GPEN CCNA CCNP CCIE RHCSA "
    "RHCE CPA CMA CFA ACCA CIMA FRM PHR SPHR SHRM-CP SHRM-SCP CIPD PRINCE2 ITIL CSM PSM PSPO "
    "TOGAF BLS ACLS PALS PHTLS NRP CNA LPN FNP-BC CCRN CDL NEBOSH IOSH CSCP CPIM CPSM CEng "
    "NATE Security+ Network+ Linux+ Cloud+ CySA+ PenTest+ MCSE MCSA OCP OCA ISTQB CFP CIPS "
    "CHRP SHRM PE EIT FE ACSM CSCS NASM RHIA RHIT CPC CCS"
)
_CERT_ACRONYM = re.compile(
    r"(?<![\w+-])(?:"
    + "|".join(re.escape(a) for a in sorted(_CERT_ACRONYMS, key=len, reverse=True))
    + r")(?![\w+-])"
)
_CERT_NAMED = re.compile(
    rf"(?:(?:{_CAP})[ -]){{0,3}}[Cc]ertified:?(?:\s+{_CAP}){{0,6}}(?:\s+[–—-]\s+{_CAP})?"
    rf"(?:\s*\([{_UPPER}][\w+-]*\))?"
    rf"|(?:{_CAP}\s+){{1,5}}(?:Certification|Certificate|License|Licence|Credential)s?\b"
    rf"|\bcertified (?:in|as)\s+(?:an?\s+)?{_NAME}"
    r"|(?i:\b(?:lean\s+)?six sigma (?:white|yellow|green|black|master black) belt\b)"
    r"|\bOSHA[ -]\d+\b"
)
_CERT_FILLER = _words(
    """certified certification certificate certificates cert license licence licensed
    credential the a an in as of and for with"""
)

_DEGREE = re.compile(
    r"(?<![\w.])(?:"
    r"(?:B\.?Sc|M\.?Sc|Ph\.?\s?D|D\.?Phil|MBA|B\.?Eng|M\.?Eng|BBA|BSN|MSN|DNP|M\.?Pharm|"
    r"M\.?Tech|B\.?Tech|M\.?Phil|PGCE|LL\.?B|LL\.?M|B\.?Com|M\.?Com|BFA|MFA|Ed\.?D|MRes|MPH|"
    r"MPA|AAS)\.?"
    r"|(?:B\.S\.|B\.A\.|M\.S\.|M\.A\.|B\.E\.|BS|BA|MS|MA|BE)(?=\s*\(Hons\)|\s+in\b|\s+degree\b)"
    r"|(?i:bachelor|master)(?:['’]?s)?(?=\s+(?:degree|of|in)\b)|(?i:bachelor|master)['’]s\b"
    r"|(?i:associate)(?:['’]s)?\s+(?i:degree)|(?i:associate)\s+of\s+(?:Applied\s+)?(?:Science|Arts)"
    r"|(?i:doctor)(?=\s+of\b)|(?i:doctorate|doctoral degree|high school diploma)|\bGED\b"
    r")"
    rf"(?:\s*\(Hons\))?(?:\s+(?i:degree))?(?:\s+(?:of|in)\s+{_CAP}(?:\s+(?:and\s+|&\s+|of\s+)?"
    rf"{_CAP}){{0,5}})?"
)
_DEGREE_CODES = {
    "bsc": "bs", "bs": "bs", "ba": "ba", "beng": "beng", "be": "beng", "btech": "beng",
    "bba": "bba", "bsn": "bsn", "bcom": "bcom", "llb": "llb", "bfa": "bfa", "msc": "ms",
    "ms": "ms", "ma": "ma", "meng": "meng", "mtech": "meng", "mba": "mba", "msn": "msn",
    "mpharm": "mpharm", "mphil": "mphil", "mres": "mres", "llm": "llm", "mfa": "mfa",
    "mph": "mph", "mpa": "mpa", "mcom": "mcom", "pgce": "pgce", "phd": "phd", "dphil": "phd",
    "edd": "edd", "dnp": "dnp", "aas": "aas",
}  # fmt: skip
_DEGREE_PHRASES = (
    ("bachelor of science in nursing", "bsn"),
    ("master of science in nursing", "msn"),
    ("bachelor of science", "bs"),
    ("bachelor of arts", "ba"),
    ("bachelor of engineering", "beng"),
    ("bachelor of business administration", "bba"),
    ("bachelor of commerce", "bcom"),
    ("master of science", "ms"),
    ("master of arts", "ma"),
    ("master of engineering", "meng"),
    ("master of business administration", "mba"),
    ("doctor of philosophy", "phd"),
    ("associate of applied science", "aas"),
)
# A nursing degree is a science degree in nursing: "BSN" is "BSc Nursing".
_CODE_AREAS = {"bsn": ("bs", "nursing"), "msn": ("ms", "nursing")}
_DEGREE_FILLER = _words(
    """hons honours honors degree in of and the s a an with minor bachelor bachelors master
    masters associate doctorate doctoral doctor"""
)

_ROLE_NOUNS = _words(
    """engineer developer programmer architect scientist analyst designer manager director lead
    leader head officer consultant specialist administrator coordinator technician accountant
    bookkeeper nurse practitioner teacher lecturer professor researcher executive associate
    assistant supervisor recruiter generalist electrician apprentice journeyman plumber chef
    cook paramedic pharmacist physiotherapist therapist hygienist broker agent representative
    clerk operator driver writer copywriter editor marketer strategist founder cofounder
    co-founder partner president vp cto ceo cfo coo cio ciso intern trainee tester sre attorney
    lawyer paralegal auditor controller planner buyer estimator foreman mechanic machinist
    welder carpenter cashier caregiver aide tutor instructor coach counsellor counselor advisor
    adviser fellow owner worker surveyor inspector dispatcher chemist physicist statistician
    economist radiographer midwife dentist physician surgeon craftsman master steward"""
)
# Words that describe rather than title ("Results-driven backend engineer").
_TITLE_FLUFF = _words(
    """experienced seasoned passionate dedicated motivated accomplished proven skilled versatile
    dynamic creative enthusiastic driven reliable highly self detail oriented results
    hands on aspiring committed energetic innovative strategic talented qualified professional
    a an the"""
)
_TITLE_STOP = _words(
    """at for in with on to from by and or who where since during based working specialising
    specializing focused skilled experienced known responsible mit avec con bei chez en as i am
    is was were be been have has had work worked served acted currently recently formerly
    previously most now also which that"""
)
_TITLE_CUE = re.compile(
    r"(?i:\b(?:(?:worked|work|working|served|serve|acted|employed|hired|joined)\s+as|as|"
    r"currently|most recently|formerly|previously|former|promoted to|i am an?|i'm an?|"
    r"als|comme|como)\s+)(?:(?:a|an|the)\s+)?"
)
_YEARS_OF = re.compile(
    rf"(?i)(?<![\w.])(?P<num>\d{{1,2}}|{_WORD_NUMBER})(?P<plus>\+)?\s*(?:-\s*)?"
    r"(?:(?:years?|yrs?)['’]?(?:\s+of)?(?:\s+[\w/+#.-]+){0,3}?\s+(?:experience|expertise)\b"
    r"|(?:Jahre\w*|ans\s+d['’]exp\w*|años\s+de\s+experiencia)\b)"
)
_PLUS_YEARS = re.compile(r"(?i)(?<![\w.])(?P<num>\d{1,2})(?P<plus>\+)\s*(?:years?|yrs?|Jahre)\b")
_PEOPLE = (
    r"(?:engineers|developers|programmers|people|staff|employees|reports|direct reports|members|"
    r"associates|agents|workers|nurses|analysts|designers|technicians|scientists|consultants|"
    r"contractors|volunteers|interns|managers|specialists|operators|drivers|pickers|packers|"
    r"cashiers|teachers|tutors|researchers|testers|recruiters|accountants|electricians|"
    r"apprentices|caregivers|assistants|representatives|reps|clinicians|physicians|doctors|"
    r"pharmacists|therapists|paramedics|officers|supervisors|leads|hires|FTEs?|colleagues|"
    r"juniors|trainees|chefs|cooks|carers|coordinators|architects|administrators|writers|"
    r"marketers|sellers|salespeople|technologists|health ?care assistants|team ?mates)"
)
_COUNT = rf"(?:\d{{1,3}}(?:,\d{{3}})*|(?!one\b|zero\b){_WORD_NUMBER})"
_TEAM_SIZE = re.compile(
    rf"(?i)\b(?:teams?|staff|crew|group|squad|department|headcount)\s+of\s+"
    rf"(?P<q1>(?:up to|over|about|around|nearly|more than|approximately|some|~)\s*)?"
    rf"(?P<n1>{_COUNT})(?P<p1>\+)?(?!\w|[.,]\d|\s*%)"
    rf"|(?<![\w.,])(?P<q2>(?:up to|over|about|around|nearly|more than|approximately|some|~)\s*)?"
    rf"(?P<n2>{_COUNT})(?P<p2>\+)?[- ](?:person|people|member|strong|FTE)\b"
    rf"|(?<![\w.,])(?P<q3>(?:up to|over|about|around|nearly|more than|approximately|some|~)\s*)?"
    rf"(?P<n3>{_COUNT})(?P<p3>\+)?\s+(?:[\w-]+\s+(?:and\s+|&\s+)?){{0,3}}?{_PEOPLE}\b"
)
_TEAM_CONTEXT = re.compile(
    r"(?i)\b(?:team|teams|staff|crew|shift|group|squad|department|reports|led|lead|leading|"
    r"managed|manage|managing|supervis\w*|mentor\w*|coach\w*|hired|hiring|onboarded|train\w*|"
    r"oversaw|oversee|overseeing|headed|directed|people|employees|headcount)\b"
)
_DATE_MONTH = re.compile(
    rf"(?i)\b(?P<m>{_MONTH})\.?,?\s+(?P<y>(?:19|20)\d\d)\b"
    r"|(?<![\w./-])(?P<y2>(?:19|20)\d\d)-(?P<m2>0[1-9]|1[0-2])(?:-\d\d)?(?![\w/-])"
    r"|(?<![\w./-])(?P<m3>0?[1-9]|1[0-2])/(?P<y3>(?:19|20)\d\d)(?![\w/])"
)
_DATE_YEAR = re.compile(
    r"(?<![\w.,$€£'’/])(?P<y>19[5-9]\d|20[0-4]\d)(?!\w|[.,]\d|\s?%|\+|\s?(?:k|m|bn)\b)"
)
_APPLICATION = re.compile(
    r"(?i)\b(?:apply|applying|application|applied|candidature|candidatura|bewerbe\w*|"
    r"solicitar|postul\w*|dear|sehr geehrte\w*|estimad\w*|madame)\b"
)
_SALUTATION_COMPANY = re.compile(
    r"^(?:Dear Hiring Team at|Sehr geehrtes Team von|Estimado equipo de)\s+(?P<company>.+?)[,:]$"
)
_LETTER_ROLE = re.compile(
    r"(?:for|across|um|pour|al)\s+(?:the\s+|die\s+|le\s+)?"
    r"(?:Position als\s+|poste de\s+|puesto de\s+)?"
    r"(?P<role>.+?)\s+(?:role\b|position\b|bei\b|chez\b|en\b)"
)


# --------------------------------------------------------------------------------------------
# Reading claims
# --------------------------------------------------------------------------------------------


class _Line:
    """One line of prose being read: claims found so far and the text not yet claimed."""

    def __init__(self, text: str, path: str, *, employer: str = "", title: str = "") -> None:
        self.text = text
        self.rest = text
        self.path = path
        self.employer = employer
        self.title = title
        self.claims: list[Claim] = []

    def add(self, kind: str, text: str, value: str) -> None:
        text = text.strip(" ,;:")
        if text and value:
            self.claims.append(
                Claim(kind, text, value, self.path, self.text, self.employer, self.title)
            )

    def take(self, start: int, end: int) -> None:
        """Blank out a claimed span so later readers (numbers, skills) do not read it again."""
        self.rest = self.rest[:start] + " " * (end - start) + self.rest[end:]


def _read_certifications(line: _Line) -> None:
    for pattern in (_CERT_NAMED, _CERT_ACRONYM):
        for found in pattern.finditer(line.rest):
            text = found.group(0).strip()
            words = [w for w in normalise(text).split() if w not in _CERT_FILLER]
            if words:
                line.add("certification", text, " ".join(words))
                line.take(*found.span())


def _read_degrees(line: _Line, vocabulary: SkillVocabulary) -> None:
    """Degrees, and the institution named right after one ("an MBA from INSEAD")."""
    for found in _DEGREE.finditer(line.rest):
        line.add("degree", found.group(0), _degree_key(found.group(0)))
        line.take(*found.span())
        school = _DEGREE_FROM.match(line.rest, found.end())
        name = _clean_name(school.group("name")) if school else ""
        if school and name and _is_name(name, vocabulary):
            line.add("institution", name, normalise_employer(name))
            line.take(school.start("name"), school.start("name") + len(name))


def _clean_name(name: str) -> str:
    name = re.sub(r"['’]s$", "", name.strip().rstrip(".,;:)"))
    words = name.split()
    while words and words[0].lower() in _SENTENCE_OPENERS:
        words.pop(0)
    while words and normalise(words[-1]) in {"and", "of", "the", "at", "on", "de", "la"}:
        words.pop()
    return " ".join(words)


def _is_name(name: str, vocabulary: SkillVocabulary) -> bool:
    """Whether a capitalised phrase is a name worth checking, not a skill, month or label."""
    words = normalise(name).split()
    if not words or all(w in _NOT_NAMES for w in words) or len(name) < 2:
        return False
    if vocabulary.canonical(name) is not None:
        return False
    rest = f" {normalise(name)} "
    for skill in vocabulary.find(name):
        record = vocabulary.records[skill]
        for alias in sorted((skill, *record.aliases), key=len, reverse=True):
            rest = rest.replace(f" {normalise(alias.lstrip('='))} ", " ")
    content = [w for w in rest.split() if not re.fullmatch(_LINK, w)]
    return not all(vocabulary.canonical(w) is not None for w in content)


def _institution_in(name: str) -> str:
    """The institution a capitalised run names, if any: "Oakfield Primary School" of "Class
    Teacher at Oakfield Primary School", but all of "University of Texas at Austin"."""
    parts = name.split(" at ")
    for n, part in enumerate(parts):
        words = normalise(part).split()
        if _INSTITUTION_WORDS & set(words) and words[-1] not in _ROLE_NOUNS:
            return " at ".join(parts[n:])
    return ""


def _read_names(line: _Line, vocabulary: SkillVocabulary) -> None:
    """Institutions anywhere, and employer-like names after "at", "for", "joined" …"""
    for found in _INSTITUTION_CUE.finditer(line.rest):
        name = _clean_name(found.group("name"))
        if _is_name(name, vocabulary):
            line.add("institution", name, normalise_employer(name))
            line.take(found.start("name"), found.start("name") + len(name))
    for found in _ANY_NAME.finditer(line.rest):
        name = _institution_in(_clean_name(found.group(0)))
        if name and _is_name(name, vocabulary):
            line.add("institution", name, normalise_employer(name))
            start = found.start() + found.group(0).index(name)
            line.take(start, start + len(name))
    for found in _EMPLOYER_CUE.finditer(line.rest):
        name = _clean_name(found.group("name"))
        if _is_name(name, vocabulary):
            line.add("employer", name, normalise_employer(name))
            line.take(found.start("name"), found.start("name") + len(name))


def _title_run(text: str) -> str:
    """The title `text` starts with: its words up to the last role noun, before any
    preposition or punctuation ("Senior Backend Engineer" of "Senior Backend Engineer at X"),
    with a capitalised "of" tail kept ("Director of Platform Engineering")."""
    words: list[str] = []
    for raw in text.split():
        word = raw.rstrip(",.;:·|–—)")
        low = word.lower()
        if raw.startswith("(") or not re.search(r"[^\W\d_]", word):
            break
        if low == "of" and not (words and words[-1].lower() in _ROLE_NOUNS):
            break
        if low in _TITLE_STOP:
            break
        words.append(word)
        if word != raw or len(words) >= 7:
            break
    lowered = [w.lower() for w in words]
    if "of" in lowered:
        cut = lowered.index("of")
        tail = words[cut + 1 :]
        if tail and all(w[:1].isupper() for w in tail):
            return " ".join(words)
        words = words[:cut]
    while words and words[-1].lower() not in _ROLE_NOUNS:
        words.pop()
    return " ".join(words)


def _read_titles(line: _Line, *, lead: bool) -> None:
    starts = [m.end() for m in _TITLE_CUE.finditer(line.text)]
    if lead:
        opener = re.match(r"\s*(?:an?\s+)?", line.text)
        starts.insert(0, opener.end() if opener else 0)
    for start in starts:
        title = _title_run(line.text[start:])
        if title:
            line.add("title", title, normalise_title(title))


def _read_years_of_experience(line: _Line) -> None:
    for pattern in (_YEARS_OF, _PLUS_YEARS):
        for found in pattern.finditer(line.rest):
            raw = found.group("num")
            amount = int(raw) if raw.isdigit() else int(_word_amount(raw))
            line.add("number", found.group(0), f"{amount} years")
            line.take(*found.span())


def _read_team_sizes(line: _Line) -> None:
    for found in _TEAM_SIZE.finditer(line.rest):
        n = next(k for k in ("1", "2", "3") if found.group(f"n{k}"))
        raw = found.group(f"n{n}").replace(",", "")
        amount = Decimal(raw) if raw.isdigit() else _word_amount(raw)
        floor = bool(found.group(f"p{n}") or found.group(f"q{n}"))
        line.add("team_size", found.group(0), str(_Quantity(amount, "", floor)))
        line.take(*found.span())


def _read_dates(line: _Line) -> None:
    for found in _DATE_MONTH.finditer(line.rest):
        year = found.group("y") or found.group("y2") or found.group("y3")
        month = found.group("m") or found.group("m2") or found.group("m3")
        number = MONTHS[month.lower()] if month.lower() in MONTHS else int(month)
        line.add("dates", found.group(0), f"{year}-{number:02d}")
        line.take(*found.span())
    for found in _DATE_YEAR.finditer(line.rest):
        line.add("dates", found.group(0), found.group("y"))
        line.take(*found.span())


def _read_numbers(line: _Line) -> None:
    for found in _WORD_PERCENT.finditer(line.rest):
        line.add("number", found.group(0), str(_word_percent(found)))
        line.take(*found.span())
    for found in _HALVED.finditer(line.rest):
        line.add("number", found.group(0), "50%")
        line.take(*found.span())
    for found in _NUMBER.finditer(line.rest):
        quantity = _quantity(found)
        if quantity is not None:
            line.add("number", found.group(0), str(quantity))
            line.take(*found.span())
    low = line.rest.lower()
    for word, n in _MULTIPLE_WORDS.items():
        if re.search(rf"\b{word}\b", low):
            line.add("number", word, str(_Quantity(Decimal(n), "x")))


def _read_skills(line: _Line, vocabulary: SkillVocabulary) -> None:
    """Skills in what is left of the line (a certification's "Kubernetes" is the
    certification's), line by line: the matcher would read "Salesforce\nCRM" as one skill."""
    # "J'occupe", "l'équipe": an elided French article or pronoun is not the J or L language.
    rest = re.sub(r"\b[A-Za-z]['’](?=\w)", "  ", line.rest)
    for part in rest.split("\n"):
        for skill in vocabulary.find(part):
            line.add("skill", skill, skill)


def read_prose(
    text: str,
    path: str,
    *,
    vocabulary: SkillVocabulary,
    lead_title: bool = False,
    employer: str = "",
    title: str = "",
) -> list[Claim]:
    """The claims one line of prose makes; `lead_title` reads a title at its very start, as a
    summary opens ("Backend engineer with …")."""
    line = _Line(text, path, employer=employer, title=title)
    _read_certifications(line)
    _read_degrees(line, vocabulary)
    _read_names(line, vocabulary)
    _read_titles(line, lead=lead_title)
    _read_years_of_experience(line)
    _read_team_sizes(line)
    _read_dates(line)
    _read_numbers(line)
    _read_skills(line, vocabulary)
    return line.claims


def entries(profile: Profile, section: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """(index, entry) for each well-formed entry of a profile section; malformed ones skipped."""
    items = profile.get(section)
    if isinstance(items, list):
        for index, item in enumerate(items):
            if isinstance(item, dict):
                yield index, item


def _texts(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, list):
        return [str(v) for v in value if isinstance(v, str | int | float) and str(v).strip()]
    return []


def _skill_claims(text: str, path: str, vocabulary: SkillVocabulary) -> list[Claim]:
    written = " ".join(text.split())
    if not written:
        return []
    canonical = vocabulary.canonical(written)
    skills = [canonical] if canonical else vocabulary.find(written)
    if skills:
        return [Claim("skill", written, skill, path) for skill in skills]
    return [Claim("skill", written, normalise(written), path)]


class _Reader:
    """Collects the claims of one profile, structured fields and prose alike."""

    def __init__(self, vocabulary: SkillVocabulary) -> None:
        self.vocabulary = vocabulary
        self.claims: list[Claim] = []

    def field(
        self, kind: str, value: Any, path: str, normal: str | None, entry: dict[str, str]
    ) -> None:
        text = " ".join(str(value or "").split())
        if text and normal:
            employer, title = entry.get("employer", ""), entry.get("title", "")
            self.claims.append(Claim(kind, text, normal, path, "", employer, title))

    def prose(self, value: Any, path: str, entry: dict[str, str], *, lead: bool = False) -> None:
        for text in _texts(value):
            self.claims += read_prose(
                text,
                path,
                vocabulary=self.vocabulary,
                lead_title=lead,
                employer=entry.get("employer", ""),
                title=entry.get("title", ""),
            )

    def skills(self, value: Any, path: str) -> None:
        for j, keyword in enumerate(_texts(value)):
            self.claims += _skill_claims(keyword, f"{path}[{j}]", self.vocabulary)


def extract_claims(profile: Profile, *, vocabulary: SkillVocabulary | None = None) -> list[Claim]:
    """Every fact `profile` states: its structured fields and what its prose says."""
    read = _Reader(vocabulary or default_vocabulary())
    none: dict[str, str] = {}
    basics = profile.get("basics")
    if isinstance(basics, dict):
        label = basics.get("label")
        read.field("title", label, "basics.label", normalise_title(label), none)
        read.prose(basics.get("summary"), "basics.summary", none, lead=True)

    for i, job in entries(profile, "work"):
        at = f"work[{i}]"
        entry = {"employer": str(job.get("name") or ""), "title": str(job.get("position") or "")}
        name, position = job.get("name"), job.get("position")
        read.field("employer", name, f"{at}.name", normalise_employer(name), entry)
        read.field("title", position, f"{at}.position", normalise_title(position), entry)
        for key in ("startDate", "endDate"):
            read.field("dates", job.get(key), f"{at}.{key}", normalise_date(job.get(key)), entry)
        if job.get("startDate") and not job.get("endDate"):
            read.field("dates", "present", f"{at}.endDate", "present", entry)
        read.prose(job.get("summary"), f"{at}.summary", entry)
        read.prose(job.get("description"), f"{at}.description", entry)
        for j, text in enumerate(_texts(job.get("highlights"))):
            read.prose(text, f"{at}.highlights[{j}]", entry)

    for i, school in entries(profile, "education"):
        at = f"education[{i}]"
        institution = school.get("institution")
        school_name = normalise_employer(institution)
        read.field("institution", institution, f"{at}.institution", school_name, none)
        degree = " ".join(_texts(school.get("studyType")) + _texts(school.get("area")))
        read.field("degree", degree, f"{at}.studyType", _degree_key(degree), none)
        for key in ("startDate", "endDate"):
            when = school.get(key)
            read.field("dates", when, f"{at}.{key}", normalise_date(when), none)
        read.prose(school.get("score"), f"{at}.score", none)
        for j, text in enumerate(_texts(school.get("courses"))):
            read.prose(text, f"{at}.courses[{j}]", none)

    for i, cert in entries(profile, "certificates"):
        at = f"certificates[{i}]"
        for key in ("name", "issuer"):
            named = cert.get(key)
            read.field("certification", named, f"{at}.{key}", _cert_key(named), none)
        when = cert.get("date")
        read.field("dates", when, f"{at}.date", normalise_date(when), none)

    for i, group in entries(profile, "skills"):
        read.skills(group.get("keywords"), f"skills[{i}].keywords")
        name = group.get("name")
        if not _texts(group.get("keywords")) and isinstance(name, str):
            for skill in read.vocabulary.find(name):
                read.claims.append(Claim("skill", name, skill, f"skills[{i}].name"))

    for i, project in entries(profile, "projects"):
        at = f"projects[{i}]"
        read.prose(project.get("description"), f"{at}.description", none)
        for j, text in enumerate(_texts(project.get("highlights"))):
            read.prose(text, f"{at}.highlights[{j}]", none)
        read.skills(project.get("keywords"), f"{at}.keywords")

    for section, keys in (
        ("awards", ("title", "summary")),
        ("volunteer", ("summary",)),
        ("publications", ("name", "summary")),
    ):
        for i, item in entries(profile, section):
            for key in keys:
                read.prose(item.get(key), f"{section}[{i}].{key}", none)
            for j, text in enumerate(_texts(item.get("highlights"))):
                read.prose(text, f"{section}[{i}].highlights[{j}]", none)

    for i, language in entries(profile, "languages"):
        name = " ".join(_texts(language.get("language")))
        fluency = " ".join(_texts(language.get("fluency")))
        written = f"{name} ({fluency})" if fluency else name
        value = normalise(name) + (f" / {normalise(fluency)}" if fluency else "")
        read.field("skill", written, f"languages[{i}]", value if name else None, none)
    return read.claims


def _letter_targets(paragraphs: list[str], company: str, role: str) -> tuple[list[str], bool]:
    """The posting's company and title as the letter names them (read from its salutation and
    opening when not given), longest first, and whether the title is known."""
    targets = [t for t in (company, role) if t.strip()]
    role_known = bool(role.strip())
    for paragraph in paragraphs[:2]:
        found = _SALUTATION_COMPANY.match(paragraph.strip())
        if found and not company:
            targets.append(found.group("company"))
        found = _LETTER_ROLE.search(paragraph)
        if found and not role:
            targets.append(found.group("role"))
            role_known = True
    names = sorted({" ".join(t.split()) for t in targets}, key=len, reverse=True)
    return names, role_known


def extract_letter_claims(
    paragraphs: list[str],
    *,
    vocabulary: SkillVocabulary | None = None,
    company: str = "",
    role: str = "",
) -> list[Claim]:
    """Every fact a cover letter states about its writer, paragraph by paragraph.

    Naming the posting's `company` and `role` is addressing the reader, not claiming a job, so
    they are blanked out first (read from the salutation and the opening when not given).
    Sentences that greet or apply ("I am writing to apply for …") name no employer or title of
    the writer's; when the role is unknown, the skills in them are the posting's too.
    """
    vocabulary = vocabulary or default_vocabulary()
    targets, role_known = _letter_targets([str(p) for p in paragraphs], company, role)
    skip = {"employer", "title"} | (set() if role_known else {"skill"})
    claims: list[Claim] = []
    for index, paragraph in enumerate(paragraphs):
        text = str(paragraph)
        for target in targets:
            text = re.sub(re.escape(target), lambda m: " " * len(m.group(0)), text)
        for sentence in re.split(r"(?<=[.!?])\s+", text):
            found = read_prose(sentence, f"cover_letter[{index}]", vocabulary=vocabulary)
            if _APPLICATION.search(sentence):
                found = [c for c in found if c.kind not in skip]
            claims += found
    return claims


# --------------------------------------------------------------------------------------------
# Comparable forms
# --------------------------------------------------------------------------------------------


def _degree_key(text: str) -> str:
    """`level|code|area words` of a degree ("BSc (Hons) Nursing" → "bachelor|bs|nursing")."""
    plain = normalise(re.sub(r"(?<=\w)\.(?=\w)|\.", "", text))
    if not plain:
        return ""
    padded = f" {plain} "
    code = ""
    for phrase, short in _DEGREE_PHRASES:
        if f" {phrase} " in padded:
            padded = padded.replace(f" {phrase} ", " ", 1)
            code = short
            break
    words = padded.split()
    if not code:
        for word in words:
            if word in _DEGREE_CODES:
                code = _DEGREE_CODES[word]
                words.remove(word)
                break
    area = [w for w in words if w not in _DEGREE_FILLER]
    if code in _CODE_AREAS:
        code, extra = _CODE_AREAS[code]
        area.append(extra)
    level = education_level(text) or ""
    return f"{level}|{code}|{' '.join(sorted(set(area)))}"


def _cert_key(name: Any) -> str:
    words = [w for w in normalise(name).split() if w not in _CERT_FILLER]
    return " ".join(words)


# --------------------------------------------------------------------------------------------
# The source, indexed once
# --------------------------------------------------------------------------------------------

_LABEL_SECTIONS = frozenset({"skills", "certificates", "education", "languages"})
_LEVEL_RANK = {level: rank for rank, level in enumerate(EDUCATION_LEVELS)}
# Codes that say no more than the level: a "Bachelor of Economics" may be written "BSc" or "BA",
# but not "BEng" or "MBA".
_PLAIN_CODES = frozenset({"bs", "ba", "ms", "ma"})
_CERT_ACRONYM_KEYS = frozenset(normalise(a) for a in _CERT_ACRONYMS)
_YEAR = re.compile(r"(?<!\d)(?:19[5-9]\d|20[0-4]\d)(?!\d)")


@dataclass(frozen=True)
class _Role:
    index: int
    employer: str
    title: str
    start: str
    end: str


@dataclass
class _SourceIndex:
    """What the source profile states, arranged for the checks."""

    experience: float
    text: str = ""
    """Every normalised line, padded and separated, for phrase look-ups."""
    lines: dict[str, set[str]] = field(default_factory=dict)
    """Normalised lines per scope: `work[0]` …, `labels` (skills, certificates, education,
    languages), `other`, and `all`."""
    numbers: dict[str, list[_Quantity]] = field(default_factory=dict)
    team_sizes: dict[str, list[_Quantity]] = field(default_factory=dict)
    """Per scope: stated team sizes, and the figures of lines about people and teams."""
    skills: set[str] = field(default_factory=set)
    scope_skills: dict[str, set[str]] = field(default_factory=dict)
    """Per scope, the skills its lines name: a work bullet's skills must be its employer's."""
    roles: list[_Role] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    institutions: set[str] = field(default_factory=set)
    degrees: list[str] = field(default_factory=list)
    credentials: list[set[str]] = field(default_factory=list)
    """The words of each certificate (name and issuer) and each education entry."""
    field_dates: dict[str, set[str]] = field(default_factory=dict)
    """Structured dates per section (`work`, `education`, `certificates` …)."""
    dates: set[str] = field(default_factory=set)
    years: set[str] = field(default_factory=set)
    years_stated: set[int] = field(default_factory=set)
    languages: dict[str, str] = field(default_factory=dict)

    def has_phrase(self, phrase: str) -> bool:
        return bool(phrase) and f" {phrase} " in self.text

    def add_line(self, scope: str, text: str, vocabulary: SkillVocabulary) -> str:
        normal = normalise(text)
        found = quantities(text)
        people = [q for q in found if not q.unit] if _TEAM_CONTEXT.search(text) else []
        for key in (scope, "all"):
            self.lines.setdefault(key, set()).add(normal)
            self.numbers.setdefault(key, []).extend(found)
            self.team_sizes.setdefault(key, []).extend(people)
        words = text.split()
        # From every word on, so a skill inside a longer one counts ("CRM" of "Salesforce CRM").
        skills = {
            skill for n in range(len(words)) for skill in vocabulary.find(" ".join(words[n:]))
        }
        self.skills |= skills
        self.scope_skills.setdefault(scope, set()).update(skills)
        self.years.update(_YEAR.findall(text))
        self.years.update(str(q.amount) for q in found if _YEAR.fullmatch(str(q.amount)))
        return normal

    def add_claim(self, claim: Claim) -> None:
        scope = _scope_of(claim.path)
        if claim.kind == "skill":
            self.skills.add(claim.value)
        elif claim.kind == "team_size" and (quantity := _Quantity.parse(claim.value)):
            for key in (scope, "all"):
                self.team_sizes.setdefault(key, []).append(quantity)
        elif claim.kind == "dates":
            self.dates.add(claim.value)
            self.years.add(claim.value[:4])
            if not claim.line:
                section = claim.path.split("[", 1)[0]
                self.field_dates.setdefault(section, set()).add(claim.value)
        elif claim.kind == "number" and claim.value.endswith(" years"):
            self.years_stated.add(int(claim.value.split()[0]))
        elif claim.kind == "title":
            self.titles.append(claim.value)
        elif claim.kind == "institution":
            self.institutions.add(claim.value)
        elif claim.kind == "degree":
            self.degrees.append(claim.value)


def _scope_of(path: str) -> str:
    found = re.match(r"work\[\d+\]", path)
    if found:
        return found.group(0)
    return "labels" if path.split("[", 1)[0].split(".", 1)[0] in _LABEL_SECTIONS else "other"


def _source_texts(profile: Profile) -> Iterator[tuple[str, str]]:
    """Every piece of text in the source with its path, names and dates included."""

    def walk(value: Any, path: str) -> Iterator[tuple[str, str]]:
        if isinstance(value, dict):
            for key, item in value.items():
                if key not in {"url", "email", "phone", "image", "profiles"}:
                    yield from walk(item, f"{path}.{key}" if path else str(key))
        elif isinstance(value, list):
            for n, item in enumerate(value):
                yield from walk(item, f"{path}[{n}]")
        elif isinstance(value, str | int | float) and str(value).strip():
            yield path, str(value)

    yield from walk(profile, "")


def _skill_ancestors(skill: str, vocabulary: SkillVocabulary) -> Iterator[str]:
    seen = {skill}
    record = vocabulary.records.get(skill)
    while record is not None and record.parent and record.parent not in seen:
        seen.add(record.parent)
        yield record.parent
        record = vocabulary.records.get(record.parent)


def _words_of(entry: dict[str, Any], keys: tuple[str, ...]) -> set[str]:
    return set(normalise(" ".join(str(entry.get(k) or "") for k in keys)).split())


def _index(source: Profile, vocabulary: SkillVocabulary, today: date | None) -> _SourceIndex:
    index = _SourceIndex(experience=experience_years(source, today=today))
    texts = [
        index.add_line(_scope_of(path), line, vocabulary)
        for path, raw in _source_texts(source)
        for line in raw.split("\n")
    ]
    index.text = " " + " | ".join(texts) + " "
    for claim in extract_claims(source, vocabulary=vocabulary):
        index.add_claim(claim)
    for skills in (index.skills, *index.scope_skills.values()):
        skills.update(
            {parent for skill in skills for parent in _skill_ancestors(skill, vocabulary)}
        )
    for i, job in entries(source, "work"):
        index.roles.append(
            _Role(
                i,
                normalise_employer(job.get("name")),
                normalise_title(job.get("position")),
                normalise_date(job.get("startDate")) or "",
                normalise_date(job.get("endDate")) or "present",
            )
        )
    for _, school in entries(source, "education"):
        index.credentials.append(_words_of(school, ("studyType", "area", "institution")))
        index.institutions.add(normalise_employer(school.get("institution")))
    for _, cert in entries(source, "certificates"):
        index.credentials.append(_words_of(cert, ("name", "issuer")))
    for _, language in entries(source, "languages"):
        index.languages[normalise(language.get("language"))] = normalise(language.get("fluency"))
    return index


_INDEX_CACHE: dict[tuple[str, int, date | None], _SourceIndex] = {}
_INDEX_CACHE_LIMIT = 64


def _source_index(source: Profile, vocabulary: SkillVocabulary, today: date | None) -> _SourceIndex:
    """The source indexed once: the offline engine checks many small drafts against one."""
    key = (json.dumps(source, sort_keys=True, default=str), id(vocabulary), today)
    cached = _INDEX_CACHE.get(key)
    if cached is None:
        if len(_INDEX_CACHE) >= _INDEX_CACHE_LIMIT:
            _INDEX_CACHE.clear()
        cached = _INDEX_CACHE[key] = _index(source, vocabulary, today)
    return cached


# --------------------------------------------------------------------------------------------
# Checking claims
# --------------------------------------------------------------------------------------------


def _roles_at(index: _SourceIndex, employer: str) -> list[_Role]:
    name = normalise_employer(employer)
    return [role for role in index.roles if name and role.employer == name]


def _scopes(index: _SourceIndex, claim: Claim) -> list[str]:
    """Where a claim's figures may come from: a work entry's own employer, else anywhere."""
    if claim.path.startswith("work[") and (roles := _roles_at(index, claim.employer)):
        return [f"work[{role.index}]" for role in roles] + ["labels"]
    return ["all"]


def _copied(index: _SourceIndex, claim: Claim) -> bool:
    """A line copied word for word from the same place in the source states nothing new."""
    if not claim.line:
        return False
    line = normalise(claim.line)
    return any(line in index.lines.get(scope, set()) for scope in _scopes(index, claim))


def _check_employer(index: _SourceIndex, claim: Claim) -> str | None:
    employers = {role.employer for role in index.roles}
    if claim.value in employers:
        return None
    if claim.line:
        # Prose may name a client again, or list names in another order ("Nestlé and Apple").
        if claim.value in index.institutions or index.has_phrase(claim.value):
            return None
        parts = [normalise_employer(name) for name in claim.value.split(" and ")]
        if len(parts) > 1 and all(p in employers or index.has_phrase(p) for p in parts):
            return None
    return f"employer '{claim.text}' is not in the source resume"


def _title_words(value: str, vocabulary: SkillVocabulary) -> set[str]:
    """A prose title's words without praise or skills ("results driven python eng" → eng)."""
    words = {w for w in value.split() if w not in _TITLE_FLUFF and not w.endswith("driven")}
    return {w for w in words if vocabulary.canonical(w) is None} or words


def _check_title(index: _SourceIndex, claim: Claim, vocabulary: SkillVocabulary) -> str | None:
    same = claim.value.replace(" ", "")
    if claim.path.startswith("work[") and not claim.line:
        roles = _roles_at(index, claim.employer)
        held = [role.title for role in roles] or index.titles
        if any(same == title.replace(" ", "") for title in held):
            return None
        where = f" at {claim.employer}" if roles else ""
        return f"title '{claim.text}' is not a title the source resume holds{where}"
    if any(same == title.replace(" ", "") for title in index.titles):
        return None
    words = _title_words(claim.value, vocabulary)
    if any(words <= set(title.split()) for title in index.titles):
        return None
    if claim.line and index.has_phrase(normalise(claim.text)):
        return None
    return f"title '{claim.text}' is not in the source resume"


def _check_dates(index: _SourceIndex, claim: Claim) -> str | None:
    if claim.path.startswith("work[") and not claim.line:
        end = claim.path.endswith("endDate")
        roles = _roles_at(index, claim.employer)
        held = [r for r in roles if r.title == normalise_title(claim.title)] or roles or index.roles
        known = sorted({role.end if end else role.start for role in held} - {""})
        if any(_date_supports(known_date, claim.value) for known_date in known):
            return None
        which = "end date" if end else "start date"
        return f"{which} '{claim.text}' differs from the source resume ({' or '.join(known)})"
    if not claim.line:
        section = claim.path.split("[", 1)[0]
        if any(_date_supports(d, claim.value) for d in index.field_dates.get(section, set())):
            return None
        return f"date '{claim.text}' is not in the source resume's {section}"
    if claim.value in index.years or any(_date_supports(d, claim.value) for d in index.dates):
        return None
    return f"date '{claim.text}' is not in the source resume"


def _degree_backs(source: str, claim: str) -> bool:
    """Whether a source degree backs a claimed one (both as `_degree_key` writes them)."""
    s_level, s_code, s_area = source.split("|")
    c_level, c_code, c_area = claim.split("|")
    if c_code and s_code and c_code != s_code:
        return False
    if c_code and not s_code and (c_code not in _PLAIN_CODES or c_level != s_level):
        return False
    if not c_code and c_level and _LEVEL_RANK.get(c_level, 0) > _LEVEL_RANK.get(s_level, -1):
        return False
    if not c_code and not c_level and s_level:
        return False
    return set(c_area.split()) <= set(s_area.split())


def _check_degree(index: _SourceIndex, claim: Claim) -> str | None:
    if any(_degree_backs(degree, claim.value) for degree in index.degrees):
        return None
    return f"degree '{claim.text}' is not in the source resume"


def _check_institution(index: _SourceIndex, claim: Claim) -> str | None:
    if claim.value in index.institutions:
        return None
    if claim.line and index.has_phrase(claim.value):
        return None
    return f"institution '{claim.text}' is not in the source resume"


def _check_certification(index: _SourceIndex, claim: Claim) -> str | None:
    words = set(claim.value.split())
    if any(words <= credential for credential in index.credentials):
        return None
    if claim.line:
        # Named elsewhere in the source as written ("EPA-Certified HVAC Service Technician"
        # as a headline), or an acronym only a holder lists (PMP among skills).
        if index.has_phrase(normalise(claim.text)):
            return None
        known = len(words) > 1 or claim.value in _CERT_ACRONYM_KEYS
        if known and index.has_phrase(claim.value):
            return None
    return f"certification '{claim.text}' is not in the source resume"


def _check_number(index: _SourceIndex, claim: Claim) -> str | None:
    if claim.value.endswith(" years"):
        years = int(claim.value.split()[0])
        if years <= index.experience or years in index.years_stated:
            return None
        return (
            f"'{claim.text}' is more than the {index.experience:g} years of experience "
            "the source resume's dates show"
        )
    quantity = _Quantity.parse(claim.value)
    if quantity is None:
        return None
    scopes = _scopes(index, claim)
    if any(quantity.backed_by(q) for s in scopes for q in index.numbers.get(s, [])):
        return None
    if scopes != ["all"] and any(quantity.backed_by(q) for q in index.numbers.get("all", [])):
        return f"number '{claim.text}' is not in the source resume for {claim.employer}"
    return f"number '{claim.text}' is not in the source resume"


def _check_team_size(index: _SourceIndex, claim: Claim) -> str | None:
    quantity = _Quantity.parse(claim.value)
    if quantity is None:
        return None
    scopes = _scopes(index, claim)
    if any(quantity.backed_by(q) for s in scopes for q in index.team_sizes.get(s, [])):
        return None
    if scopes != ["all"]:
        return f"team size '{claim.text}' is not in the source resume for {claim.employer}"
    return f"team size '{claim.text}' is not in the source resume"


def _check_skill(index: _SourceIndex, claim: Claim, vocabulary: SkillVocabulary) -> str | None:
    if claim.path.startswith("languages["):
        name, _, fluency = claim.value.partition(" / ")
        if name in index.languages and (not fluency or index.languages[name] in {"", fluency}):
            return None
        if not fluency and index.has_phrase(name):
            return None
        return f"language '{claim.text}' is not in the source resume"
    if claim.value in vocabulary.records:
        if claim.value not in index.skills:
            return f"skill '{claim.value}' is not in the source resume"
        work = [scope for scope in _scopes(index, claim) if scope.startswith("work[")]
        if claim.line and work and not any(claim.value in index.scope_skills[s] for s in work):
            return f"skill '{claim.value}' is not in the source resume for {claim.employer}"
        return None
    if index.has_phrase(claim.value):
        return None
    return f"skill '{claim.text}' is not in the source resume"


def _reason(index: _SourceIndex, claim: Claim, vocabulary: SkillVocabulary) -> str | None:
    """Why the source does not back `claim`, or None when it does."""
    if claim.kind == "employer":
        return _check_employer(index, claim)
    if claim.kind == "title":
        return _check_title(index, claim, vocabulary)
    if claim.kind == "dates":
        return _check_dates(index, claim)
    if claim.kind == "degree":
        return _check_degree(index, claim)
    if claim.kind == "institution":
        return _check_institution(index, claim)
    if claim.kind == "certification":
        return _check_certification(index, claim)
    if claim.kind == "number":
        return _check_number(index, claim)
    if claim.kind == "team_size":
        return _check_team_size(index, claim)
    if claim.kind == "skill":
        return _check_skill(index, claim, vocabulary)
    return None


def unsupported(
    claims: Iterable[Claim],
    source_profile: Profile,
    *,
    vocabulary: SkillVocabulary | None = None,
    today: date | None = None,
) -> list[Violation]:
    """The claims `source_profile` does not support, each with its reason, in claim order."""
    vocabulary = vocabulary or default_vocabulary()
    index = _source_index(source_profile, vocabulary, today)
    violations: list[Violation] = []
    for claim in claims:
        if _copied(index, claim):
            continue
        reason = _reason(index, claim, vocabulary)
        violation = Violation(claim.kind, claim.text, claim.path, reason) if reason else None
        if violation and violation not in violations:
            violations.append(violation)
    return violations


def skill_gaps(
    source_profile: Profile, wanted: Iterable[str], *, vocabulary: SkillVocabulary | None = None
) -> list[str]:
    """The skills in `wanted` (a posting's) the source does not back: for a "gaps" list shown
    to the user, never for the resume."""
    vocabulary = vocabulary or default_vocabulary()
    index = _source_index(source_profile, vocabulary, None)
    gaps: list[str] = []
    for skill in wanted:
        name = vocabulary.canonical(skill) or skill
        if name not in index.skills and not index.has_phrase(normalise(name)) and name not in gaps:
            gaps.append(name)
    return gaps
