"""Stage 1 — job analysis: what a posting requires, offline and deterministic.

A posting is read line by line. Headings ("Requirements", "Nice to have", "What you'll do",
"## Required Experience", "WHAT WE ARE LOOKING FOR", "**About you**") and inline labels
("Requirements: AWS, Terraform") set the section a line belongs to; within a line, cues such as
"is a plus", "ideally" or "must" override the section for their clause. Every clause of a
requirement section becomes one or more `Requirement`s: vocabulary skills, competencies the
vocabulary does not name ("physical stamina"), years of experience (in a role or skill),
education and certifications.

The small text toolkit used by scoring (tokens, a light stemmer, stop words) lives here too, so
both stages read words the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from worker.pipeline.skills import SkillVocabulary
from worker.pipeline.types import JobAnalysis, JobPosting, Requirement

__all__ = [
    "EDUCATION_LEVELS",
    "SENIORITY_LEVELS",
    "analyse_job",
    "clear_caches",
    "content_terms",
    "education_level",
    "find_skills",
    "normalise_title",
    "parse_year_requirements",
    "seniority_of",
    "stem",
    "terms",
]

# --------------------------------------------------------------------------------------------
# Words
# --------------------------------------------------------------------------------------------

_TOKEN = re.compile(r"[a-z0-9][a-z0-9+#]*")


def _words(text: str) -> list[str]:
    """Whitespace-separated words of a literal word list."""
    return text.split()


STOPWORDS = frozenset(
    _words(
        """a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each either else
    etc ever every few for from further get gets got had has have having he her here hers him
    his how however i if in into is it its itself just least let like may me might more most
    much must my no nor not now of off on once only or other others our ours out over own per
    plus rather same shall she should since so some such than that the their theirs them then
    there these they this those though through thus to too under until up upon us very via was
    we were what whatever when where whether which while who whom whose why will with within
    without would yet you your yours yourself"""
    )
)
"""English function words, written for this project."""

_FILLER = frozenset(
    _words(
        """ability able abilities adept advanced around basic capability capable capacity
    comfortable competence competent competency competencies considerable consistent
    demonstrable demonstrated desire direct effective effectively eg equivalent excellent
    exceptional excel expert expertise experience experienced experiences extensive familiar
    familiarity fluent good great hands high highly ideal ideally in-depth keen knowledge
    knowledgeable level mastery minimum need needed needs outstanding practical preferred
    preferably prior professional proficiency proficient proven related relevant required
    requirement requirements requires sound skill skilled skills solid strong substantial
    superior thorough track record understanding use used using valuable well working
    year years yrs must-have nice bonus"""
    )
)
"""Words that qualify a requirement without saying what it is ("strong", "skills")."""

_MORPH = (
    # (ending, replacement): longest first within each family; applied to the plural-free word.
    ("izations", "iz"),
    ("isations", "iz"),
    ("ization", "iz"),
    ("isation", "iz"),
    ("ational", "at"),
    ("ations", "at"),
    ("ation", "at"),
    ("ators", "at"),
    ("ator", "at"),
    ("ating", "at"),
    ("ated", "at"),
    ("ate", "at"),
    ("ytical", "ys"),
    ("ytics", "ys"),
    ("ytic", "ys"),
    ("ysis", "ys"),
    ("yses", "ys"),
    ("yzing", "ys"),
    ("ysing", "ys"),
    ("yzed", "ys"),
    ("ysed", "ys"),
    ("yze", "ys"),
    ("yse", "ys"),
    ("ysts", "ys"),
    ("yst", "ys"),
    ("enances", "ain"),
    ("enance", "ain"),
    ("ances", ""),
    ("ance", ""),
    ("ences", ""),
    ("ence", ""),
    ("ants", ""),
    ("ant", ""),
    ("ians", ""),
    ("ian", ""),
    ("ements", ""),
    ("ement", ""),
    ("ments", ""),
    ("ment", ""),
    ("nesses", ""),
    ("ness", ""),
    ("ities", ""),
    ("ity", ""),
    ("ically", "ic"),
    ("ical", "ic"),
    ("ics", "ic"),
    ("ings", ""),
    ("ing", ""),
    ("ions", ""),
    ("ion", ""),
    ("ives", ""),
    ("ive", ""),
    ("ally", ""),
    ("ful", ""),
    ("ers", ""),
    ("er", ""),
    ("ed", ""),
    ("ly", ""),
    ("al", ""),
)


_LONG_BASE = frozenset(
    {"er", "ers", "al", "ly", "ion", "ions", "ant", "ants", "ance", "ence", "ian", "ians"}
)
_STEM_EXCEPTIONS = {
    # Disciplines whose stem would otherwise meet an unrelated word ("account", "market").
    "accounting": "accounting",
    "accountant": "accounting",
    "accountants": "accounting",
    "accountancy": "accounting",
    "marketing": "marketing",
    "marketer": "marketing",
    "marketers": "marketing",
    # Irregular past forms, which resumes are full of ("Built", "Led", "Wrote").
    "built": "build",
    "rebuilt": "rebuild",
    "wrote": "writ",
    "written": "writ",
    "led": "lead",
    "ran": "run",
    "grew": "grow",
    "grown": "grow",
    "taught": "teach",
    "sold": "sell",
    "bought": "buy",
    "drove": "driv",
    "driven": "driv",
    "kept": "keep",
    "spoke": "speak",
    "spoken": "speak",
    "brought": "bring",
    "began": "begin",
    "begun": "begin",
}


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light English stemmer: "communicating", "communication" and "communicate" agree.

    Written for matching requirement phrases to resume lines, not for linguistics: it strips a
    plural, then up to two derivational or inflectional endings, then a final "e" or doubled
    consonant, and never shortens a word below three letters.
    """
    w = word
    if w in _STEM_EXCEPTIONS:
        return _STEM_EXCEPTIONS[w]
    if len(w) <= 3 or not w.isalpha():
        return w
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("sses"):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    for _ in range(2):
        for ending, replacement in _MORPH:
            if w.endswith(ending):
                base = w[: -len(ending)]
                minimum = 4 if ending in _LONG_BASE else 3
                if len(base) >= minimum and any(ch in "aeiouy" for ch in base):
                    w = base + replacement
                    break
        else:
            break
    if len(w) > 4 and w.endswith("e"):
        w = w[:-1]
    if len(w) >= 4 and w[-1] == w[-2] and w[-1] not in "lsaeiou":
        w = w[:-1]
    if len(w) > 4 and w.endswith("y"):
        w = w[:-1]
    return w


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def terms(text: str) -> list[str]:
    """Stemmed words of `text` without stop words, in order (repeats kept)."""
    return [
        stem(token)
        for token in _TOKEN.findall(text.lower())
        if token not in STOPWORDS and not token.isdigit() and len(token) > 1
    ]


def content_terms(text: str) -> list[str]:
    """Like `terms`, also without qualifiers ("strong", "skills"): what a phrase is about."""
    seen: dict[str, None] = {}
    for token in _TOKEN.findall(text.lower()):
        if token in STOPWORDS or token in _FILLER or token.isdigit() or len(token) < 2:
            continue
        seen.setdefault(stem(token), None)
    return [term for term in seen if term not in _FILLER_STEMS]


_FILLER_STEMS = frozenset(stem(word) for word in _FILLER)

# --------------------------------------------------------------------------------------------
# Vocabulary look-ups (memoised: the same lines are looked up for every job a resume meets)
# --------------------------------------------------------------------------------------------

_HYPHEN_JOIN = re.compile(r"(?<=[A-Za-z0-9+#])-(?=[A-Za-z])")
_FIND_CACHE: dict[int, tuple[SkillVocabulary, dict[str, tuple[str, ...]]]] = {}
_FIND_CACHE_SIZE = 50_000


def find_skills(vocabulary: SkillVocabulary, text: str) -> tuple[str, ...]:
    """`vocabulary.find(text)`, memoised, also finding skills glued to a word by a hyphen.

    "HIPAA-compliant" and "Python-based" name HIPAA and Python, but the vocabulary's word
    boundaries (rightly) refuse a skill followed by "-"; so hyphenated text is also looked up
    with its joining hyphens read as spaces, and any new skills are added.
    """
    entry = _FIND_CACHE.get(id(vocabulary))
    if entry is None or entry[0] is not vocabulary:
        entry = (vocabulary, {})
        _FIND_CACHE[id(vocabulary)] = entry
    cache = entry[1]
    found = cache.get(text)
    if found is None:
        hits = list(vocabulary.find(text))
        if "-" in text and _HYPHEN_JOIN.search(text):
            hits.extend(s for s in vocabulary.find(_HYPHEN_JOIN.sub(" ", text)) if s not in hits)
        found = tuple(hits)
        if len(cache) >= _FIND_CACHE_SIZE:
            cache.clear()
        cache[text] = found
    return found


def clear_caches() -> None:
    """Forget memoised look-ups and stems (benchmarks use this to measure cold reads)."""
    _FIND_CACHE.clear()
    stem.cache_clear()


# --------------------------------------------------------------------------------------------
# Seniority, education, years
# --------------------------------------------------------------------------------------------

SENIORITY_LEVELS = ("intern", "junior", "mid", "senior", "lead", "principal", "executive")

_SENIORITY_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (level, re.compile(pattern, re.IGNORECASE))
    for level, pattern in (
        (
            "executive",
            r"\b(?:chief|c[tef]o|vp|vice[- ]president|director|head of|svp|evp)\b",
        ),
        ("principal", r"\b(?:principal|distinguished|fellow)\b"),
        (
            "lead",
            r"\b(?:lead|team leader|supervisor|foreman|forewoman|superintendent)\b|"
            r"\bstaff(?=\s+(?:\w+\s+)?(?:engineer|developer|scientist|designer|architect|sre|"
            r"analyst|researcher|programmer)s?\b)",
        ),
        ("senior", r"\b(?:senior|sr\.?|snr|experienced|master electrician|iii|iv)\b"),
        ("junior", r"\b(?:junior|jr\.?|entry[- ]level|graduate|grad|trainee|assistant)\b"),
        ("intern", r"\b(?:intern|internship|apprentice|apprenticeship|working student)\b"),
        (
            "mid",
            r"\bmid[- ]?level\b|\bmid(?=[- ](?:senior|weight)\b)|\b(?:intermediate|journeyman|"
            r"journeyperson|ii)\b",
        ),
    )
)


def seniority_of(title: str) -> str | None:
    """The level a job title states, or None: "Sr. Data Engineer" → `senior`."""
    if not title:
        return None
    for level, pattern in _SENIORITY_PATTERNS:
        if pattern.search(title):
            return level
    return None


def seniority_from_years(years: float | None) -> str | None:
    if years is None:
        return None
    if years < 1:
        return "junior" if years > 0 else "intern"
    if years < 2:
        return "junior"
    if years < 5:
        return "mid"
    if years < 8:
        return "senior"
    return "lead"


EDUCATION_LEVELS = ("high_school", "certificate", "associate", "bachelor", "master", "doctorate")

_EDUCATION_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (level, re.compile(pattern, re.IGNORECASE))
    for level, pattern in (
        ("doctorate", r"\bph\.?\s?d\b|\bdoctora(?:te|l)\b|\bd\.?phil\b"),
        (
            "master",
            r"\bmaster'?s?\b|\bm\.?sc\b|\bmba\b|\bm\.?eng\b|\bpgce\b|\bpostgraduate\b"
            r"|\b(?:ma|ms|m\.s\.|m\.a\.)(?=\s+(?:in|degree|of)\b)",
        ),
        (
            "bachelor",
            r"\bbachelor'?s?\b|\bb\.?sc\b|\bbsn\b|\bbba\b|\bb\.?eng\b|\bundergraduate degree\b"
            r"|\b(?:ba|bs|b\.s\.|b\.a\.)(?=\s+(?:in|degree|of|\(|,|$))|\b(?:university|college|"
            r"four[- ]year|4[- ]year) degree\b",
        ),
        (
            "associate",
            r"\bassociate(?:'?s)?(?:\s+degree|\s+(?:of|in)\b)|\btwo[- ]year degree\b|\ba\.a\.s?\b",
        ),
        ("high_school", r"\bhigh[- ]school\b|\bsecondary school\b|\bged\b"),
    )
)
_GENERIC_DEGREE = re.compile(r"\bdegree\b", re.IGNORECASE)
_ANY_EDUCATION = re.compile(
    "|".join(f"(?:{pattern.pattern})" for _, pattern in _EDUCATION_PATTERNS) + r"|\bdegree\b",
    re.IGNORECASE,
)


def education_level(text: str) -> str | None:
    """The degree level `text` names, highest first; a bare "degree" reads as a bachelor's."""
    if not _ANY_EDUCATION.search(text):
        return None
    for level, pattern in _EDUCATION_PATTERNS:
        if pattern.search(text):
            return level
    if _GENERIC_DEGREE.search(text):
        return "bachelor"
    return None


_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
}
_NUM = r"(?:\d{1,2}(?:\.\d)?|" + "|".join(_NUMBER_WORDS) + ")"
_YEARS = re.compile(
    rf"(?:\b(?:at least|minimum(?: of)?|min\.?|over|more than|in excess of|upwards of)\s+)?"
    rf"\(?\b(?P<low>{_NUM})\)?\s*(?:\+|plus)?\s*"
    rf"(?:(?:-|–|—|to|or)\s*(?P<high>{_NUM})\s*\+?\s*)?"
    rf"(?:-\s*)?(?P<unit>years?|yrs?|months?)(?:['’]s?|\(s\))?(?![a-z])"
    rf"(?!\s+(?:ago|old)\b)(?![- ](?:degree|program|programme|college|university|course|"
    rf"contract|assignment|project|placement|position|internship|fixed[- ]term|cover|period|"
    rf"probation|warranty)\b)",
    re.IGNORECASE,
)
_NOT_EXPERIENCE = re.compile(
    r"\b(?:in the (?:last|past|next)|over the (?:last|past|next)|for the (?:next|last)|within)\s*$",
    re.IGNORECASE,
)


def _number(text: str) -> float:
    lowered = text.lower()
    return float(_NUMBER_WORDS.get(lowered, 0) or lowered)


def parse_year_requirements(text: str) -> list[tuple[float, float | None, re.Match[str]]]:
    """Every "N years" of `text` as (minimum, maximum or None, match): "3-5 years" → (3, 5)."""
    found = []
    for match in _YEARS.finditer(text):
        if _NOT_EXPERIENCE.search(text, max(0, match.start() - 40), match.start()):
            continue
        low = _number(match.group("low"))
        high = _number(match.group("high")) if match.group("high") else None
        if match.group("unit").lower().startswith("month"):
            low, high = low / 12, (high / 12 if high is not None else None)
        if low <= 0 or low > 40:
            continue
        found.append((low, high if high and high > low else None, match))
    return found


# --------------------------------------------------------------------------------------------
# Sections and cues
# --------------------------------------------------------------------------------------------

_SECTION_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in (
        ("title", r"^(?:job |position |role )?title$|^(?:the )?position$|^job$"),
        (
            "preferred",
            r"nice[- ]to[- ]have|preferred|bonus|\ba plus\b|desirable|good[- ]to[- ]have|"
            r"\bideally\b|optional|extra credit|would be great|great if|even better|"
            r"not required|\bpluses\b|advantageous|an advantage|\bwelcome\b",
        ),
        (
            "benefits",
            r"benefit|\bperks?\b|we offer|what we offer|compensation|salary|why (?:join|work)|"
            r"what(?:'|’)?s in it|our offer|\bpackage\b|what you(?:'|’)?ll get",
        ),
        ("apply", r"how to apply|^apply|equal opportunit|\beeo\b|diversity|application process"),
        ("location", r"^location|^where\b|^based in"),
        (
            "responsibilities",
            r"responsibilit|what you(?:'|’)?ll do|what you will do|what you(?:'|’)?ll work on|"
            r"duties|day[- ]to[- ]day|your impact|in this role|^you will$|^you(?:'|’)ll$|"
            r"^the work$|key tasks|accountabilit|your mission|^the job$|^your role$|"
            r"job functions|^tasks$|what the job involves|what you(?:'|’)?ll be doing",
        ),
        ("education", r"^education|^degree|academic|certification|licen[cs]"),
        (
            "required",
            r"require|qualification|\bmust\b|what you(?:'|’)?ll (?:need|bring)|"
            r"what you (?:need|bring|have)|what we(?:'|’)?re looking for|what we are looking for|"
            r"what we look for|looking for|^you have$|about you|who you are|skills|"
            r"competenc|essential|minimum|experience|expertise|^profile$|what we need|"
            r"^you must$|^you should$|^you(?:'|’)ll need$|^you need$|^needs?$|^ideal candidate",
        ),
        (
            "company",
            r"^about\b(?! (?:the )?(?:role|job|position|you))|who we are|our company|"
            r"our story|^company$|our team|the company",
        ),
        (
            "summary",
            r"summary|overview|about the (?:role|job|position)|the role|description|"
            r"the opportunity|introduction|^role$|^the job$",
        ),
    )
)
_REQUIREMENT_SECTIONS = frozenset({"required", "preferred", "education"})
_SKIP_SECTIONS = frozenset({"benefits", "apply", "company", "location", "title"})

_PREFERRED_CUE = re.compile(
    r"nice[- ]to[- ]have|\bpreferred\b|\bpreferably\b|\bbonus\b|\ba plus\b|\bplus\b(?=\s*[.!]?$)|"
    r"desirable|good[- ]to[- ]have|\bideally\b|\boptional\b|would be (?:great|nice|a plus)|"
    r"\bwelcome\b|an advantage|advantageous|even better|not required|not essential|"
    r"great if|is beneficial|is helpful|a bonus|would help",
    re.IGNORECASE,
)
_SPLITTING_CUE = re.compile(r",\s*(?:ideally|preferably)\b", re.IGNORECASE)
_REQUIRED_CUE = re.compile(
    r"\bmust\b|\brequired\b|\bessential\b|\bmandatory\b|\bminimum\b|you (?:have|bring|need)\b|"
    r"\bshould have\b|\bat least\b|we (?:need|expect|require)\b",
    re.IGNORECASE,
)
_CERTIFICATION = re.compile(
    r"\bcertif\w*|\blicen[cs]\w*|\baccredit\w*|\bchartered\b|\bregistration\b", re.IGNORECASE
)
_CERT_WORDS = frozenset(
    stem(word)
    for word in _words(
        """certification certificate certified licence license licensed licensure
    accreditation accredited valid current active hold holds obtain willingness state
    registration"""
    )
)

_BULLET = re.compile(r"^\s*(?:(?!\*\*)[-*•·▪●◦‣➢➤►–]|\d{1,2}[.)]|[a-z][.)](?=\s))\s*")
_MD_HEADING = re.compile(r"^\s*#{1,6}\s*")
_BOLD_LINE = re.compile(r"^\s*(?:\*\*|__)(.+?)(?:\*\*|__)\s*:?\s*$")
_INLINE_LABEL = re.compile(r"^\s*(?:\*\*)?([A-Za-z][A-Za-z ’'&/()-]{1,60}?)(?:\*\*)?\s*:\s*(.*)$")
_CLAUSE_SPLIT = re.compile(r"(?<=[a-z0-9)%])[.!?]\s+(?=[A-Z0-9(])|;\s*|\s+[–—]\s+(?=[A-Z])")
_PARTNER_SPAN = re.compile(
    r"\b(?:partner(?:ing|s)?|collaborat\w*|liais\w*|work(?:ing)? closely)\s+with\s+"
    r"(.{1,60}?)(?=\s+(?:to|on|in|using|during|for|while|when|so)\b|[,.;:]|$)"
    r"|\bwith\s+(?:the|our|your)\s+(.{1,40}?)\s+teams?\b",
    re.IGNORECASE,
)


def _partner_skills(vocabulary: SkillVocabulary, clause: str) -> set[str]:
    """Skills that only name the teams a job works with ("partner with product management")."""
    found: set[str] = set()
    for match in _PARTNER_SPAN.finditer(clause):
        found.update(find_skills(vocabulary, match.group(1) or match.group(2)))
    return found


_STUDY = re.compile(
    r"\b(?:studying|student|enrolled|pursuing (?:a |an )?(?:degree|studies)|graduate of|"
    r"graduated|coursework in|major(?:ing)? in)\b",
    re.IGNORECASE,
)
_INTRODUCES_LIST = re.compile(
    r"(?:in|with|across|of) (?:the following|these|each of the following)\b[^.]*:?\s*$|:\s*$",
    re.IGNORECASE,
)
_EQUIVALENT = re.compile(r"equivalent|or related experience|or similar experience", re.I)


def _classify_heading(text: str) -> str | None:
    cleaned = text.strip().strip("*_#:").strip()
    for kind, pattern in _SECTION_RULES:
        if pattern.search(cleaned):
            return kind
    return None


def _heading_text(line: str, vocabulary: SkillVocabulary) -> str | None:
    """The text of `line` if it is a section heading, else None."""
    if _BULLET.match(line) and not _MD_HEADING.match(line):
        return None
    if _MD_HEADING.match(line):
        return _MD_HEADING.sub("", line).strip().strip("*_").rstrip(":").strip()
    bold = _BOLD_LINE.match(line)
    if bold:
        return bold.group(1).strip().rstrip(":")
    words = line.split()
    if not words or len(words) > 8 or line.rstrip().endswith((".", ",", ";")):
        return None
    if ":" in line and line.split(":", 1)[1].strip(" *_"):
        return None  # "Location: Remote" is an inline label with its content
    if line.rstrip().endswith(":"):
        return line.rstrip().rstrip(":").strip()
    letters = [ch for ch in line if ch.isalpha()]
    if letters and all(ch.isupper() for ch in letters) and len(letters) > 3:
        return line.strip()
    if len(words) <= 5 and _classify_heading(line) and not find_skills(vocabulary, line):
        return line.strip()
    return None


def _strip_markup(line: str) -> str:
    text = _BULLET.sub("", line, count=1) if _BULLET.match(line) else line
    return text.replace("**", "").replace("__", "").replace("`", "").strip()


def _clauses(text: str) -> list[str]:
    return [part.strip() for part in _CLAUSE_SPLIT.split(text) if part and part.strip()]


# --------------------------------------------------------------------------------------------
# Phrases
# --------------------------------------------------------------------------------------------

_LEADING_FILLER = re.compile(
    r"^(?:(?:a|an|the|and|or|with|of|in|on|for|to|at|is|are|be|has|have|having|hold|holds|"
    r"you|your|we|our|must|should|will|can|may|also|very|highly|ideally|preferably|"
    r"strong|excellent|exceptional|outstanding|good|great|solid|sound|deep|proven|"
    r"demonstrated|demonstrable|effective|substantial|considerable|extensive|advanced|basic|"
    r"working|practical|hands-on|thorough|keen|high|previous|prior|relevant|related|direct|"
    r"professional|track record|record|consistent|ability|abilities|able|capacity|capable|"
    r"competence|competent|comfortable|confident|knowledge|knowledgeable|understanding|"
    r"familiarity|familiar|proficiency|proficient|expertise|expert|experience|experienced|"
    r"skills?|skilled|use|using|level|degree|commitment|committed|willingness|willing|"
    r"passion|passionate|eager|desire|ideal|minimum|at least|significant|broad|wide|"
    r"sufficient|adequate|reasonable|some|work|worked|working|any)\b[\s,:-]*)+",
    re.IGNORECASE,
)
_PHRASE_STOP = re.compile(
    r"\s*(?:[,:;(]|\.(?:\s|$)|\s(?:which|that|where|who|while|so that|in order|including|"
    r"such as|e\.g\.|for example|to ensure|to help|necessary|is (?:required|necessary|a must)|"
    r"emphasi[sz]ing|dealing|focusing|focused|requiring|involving|ensuring|specializing)\b)",
    re.IGNORECASE,
)
_MAX_PHRASE_TERMS = 5
_MAX_CLAUSE = 400
_MAX_YEARS_PER_CLAUSE = 3
_MAX_REQUIREMENTS = 120
"""Bounds on the work one posting can cause (real postings stay far below them)."""


def _labelled(text: str) -> tuple[str, str] | None:
    """("Label", "prose") for a "Label: explanation" requirement, else None.

    "Analysis: Ability to analyse system errors" is about its label; "Languages: Python, Go" is
    a list, about what follows the colon.
    """
    match = _INLINE_LABEL.match(text)
    if not match:
        return None
    label, rest = match.group(1).strip(), match.group(2).strip()
    if len(label.split()) > 8 or not content_terms(label):
        return None
    commas = rest.count(",")
    is_list = commas >= 2 and len(rest.split()) <= 2 * (commas + 1)
    if len(rest.split()) < 4 or is_list:
        return None
    return label, rest


def key_phrase(text: str) -> str:
    """What a requirement line is about ("Strong inventory management skills" → "inventory
    management").

    A short label before a colon wins ("Analysis: ability to analyse system errors" → "Analysis");
    otherwise qualifiers are dropped from the front and the phrase ends at the first clause
    boundary ("to", "which", a comma).
    """
    labelled = _labelled(text)
    if labelled:
        return _LEADING_FILLER.sub("", labelled[0]).strip() or labelled[0]
    body = _LEADING_FILLER.sub("", text.strip()).strip()
    stop = _PHRASE_STOP.search(body)
    if stop and stop.start() > 0:
        body = body[: stop.start()]
    to_clause = re.search(r"\s(?:to|for)\s", body)
    if to_clause and len(content_terms(body[: to_clause.start()])) >= 1:
        body = body[: to_clause.start()]
    return body.strip(" .-")


def _phrase_terms(text: str) -> list[str]:
    return content_terms(text)[:_MAX_PHRASE_TERMS]


_ROLE_AS = re.compile(r"\bas\s+(?:an?\s+|the\s+)?", re.IGNORECASE)
_ROLE_LEAD = re.compile(
    r"^(?:['’s]*\s*)?(?:(?:of|in|with|at|on|as|an?|the|working|work|doing|spent|total|"
    r"previous|prior|professional|relevant|related|direct|practical|hands-on|industry|"
    r"experience|experienced)\b[\s,-]*)+",
    re.IGNORECASE,
)
_ROLE_STOP = re.compile(
    r"\s*(?:[,:;()]|\.(?:\s|$)|\s[–—]\s(?=[A-Z][a-z]+\s[a-z])|\s(?:which|that|where|who|while|"
    r"with|for|to|is|are|including|and has|emphasi[sz]ing|dealing|focusing|focused|requiring|"
    r"involving|ensuring|specializing|of them|of which)\b)",
    re.IGNORECASE,
)
_GENERIC_SUBJECT = frozenset(
    stem(word)
    for word in _words(
        """experience experienced work working role roles position positions job jobs
    field industry industries environment environments company companies setting settings
    career total overall combined similar capacity necessary required needed minimum least
    applicable appropriate comparable equivalent demonstrable progressive post"""
    )
)


_SHORT_PAREN = re.compile(r"\(\s*([^()\s]+)\s*\)")


def _role_phrase(clause: str, match: re.Match[str]) -> tuple[str, bool]:
    """The role or subject a years requirement is about, and whether it is a role ("as a …")."""
    clause = _SHORT_PAREN.sub(r"\1", clause)  # "User Experience (UX) Lead" keeps its "UX"
    as_match = _ROLE_AS.search(clause)
    if as_match:
        rest = clause[as_match.end() :]
        stop = _ROLE_STOP.search(rest)
        return (rest[: stop.start()] if stop and stop.start() > 0 else rest), True
    after = _ROLE_LEAD.sub("", clause[match.end() :]).strip()
    if content_terms(after):
        stop = _ROLE_STOP.search(after)
        phrase = after[: stop.start()] if stop and stop.start() > 0 else after
        if content_terms(phrase):
            return phrase, False
    before = _LEADING_FILLER.sub("", clause[: match.start()]).strip()
    before = re.sub(r"\b(?:for|of|with|in|at least|minimum(?: of)?|over)\s*$", "", before).strip()
    return before, False


# --------------------------------------------------------------------------------------------
# Title, location, remote
# --------------------------------------------------------------------------------------------

_TITLE_NOISE = re.compile(
    r"\s*(?:\([^)]*\)|\[[^\]]*\])\s*|\s+(?:at|@)\s+[A-Z].*$|\s+[|·•]\s+.*$|\s+[–—]\s+.*$",
)
_TITLE_WORDS = {
    "sr": "",
    "sr.": "",
    "snr": "",
    "jr": "",
    "jr.": "",
    "senior": "",
    "junior": "",
    "lead": "",
    "principal": "",
    "mid-level": "",
    "entry-level": "",
    "intern": "Intern",
    "eng": "Engineer",
    "engr": "Engineer",
    "dev": "Developer",
    "mgr": "Manager",
    "swe": "Software Engineer",
    "sde": "Software Engineer",
    "ii": "",
    "iii": "",
    "iv": "",
    "i": "",
}


def normalise_title(title: str) -> str:
    """The role without level, location or team.

    "Sr. Backend Eng (Remote) – Payments" → "Backend Engineer".
    """
    text = title.strip()
    previous = None
    while previous != text:
        previous = text
        text = _TITLE_NOISE.sub(" ", text).strip(" -–—,/")
    text = re.sub(
        r"\bstaff\s+(?=(?:\w+\s+)?(?:engineer|developer|scientist|designer|architect|sre)s?\b)",
        "",
        text,
        flags=re.IGNORECASE,
    )
    words = []
    for word in text.split():
        replacement = _TITLE_WORDS.get(word.lower().strip(","))
        if replacement is None:
            lowered = word.islower() and word not in STOPWORDS
            words.append(word.capitalize() if lowered else word)
        elif replacement:
            words.append(replacement)
    return " ".join(words).strip()


_REMOTE_WORDS = ("remote", "hybrid", "site", "office", "person", "home", "wfh", "distributed")
_REMOTE_HYBRID = re.compile(r"\bhybrid\b", re.IGNORECASE)
_REMOTE_FULL = re.compile(
    r"\bremote\b(?![- ](?:sensing|monitoring|teams?|colleagues|support|access|patients?|"
    r"sites?|locations?|work(?:ers)? across))|\bwork from home\b|\bwfh\b|\bdistributed team\b",
    re.IGNORECASE,
)
_NOT_REMOTE = re.compile(r"\bnot remote\b|\bno remote\b|\bnon-remote\b", re.IGNORECASE)
_ONSITE = re.compile(r"\bon[- ]?site\b|\bin[- ]office\b|\bin[- ]person\b|\bonsite\b", re.I)
_EMPLOYMENT_TYPE = re.compile(
    r"\b(full[- ]time|part[- ]time|contract|temporary|internship|freelance|permanent|"
    r"fixed[- ]term)\b",
    re.IGNORECASE,
)
_LOCATION_SEPARATORS = re.compile(r"\s+[·•|]\s+|\s+[–—]\s+")


def _remote_of(lines: Iterable[str]) -> str | None:
    text = " \n ".join(lines)
    if _REMOTE_HYBRID.search(text):
        return "Hybrid"
    if _NOT_REMOTE.search(text):
        return "None"
    if _REMOTE_FULL.search(text):
        return "Full"
    if _ONSITE.search(text):
        return "None"
    return None


_LOCATION_NOISE = re.compile(
    r"\b(?:remote|hybrid|on[- ]?site|full[- ]time|part[- ]time)\b[^,]*", re.IGNORECASE
)


def _location_of(header: list[str], labelled: list[str], title: str, company: str) -> str:
    for text in labelled:
        cleaned = re.sub(r"\([^)]*\)", "", text)
        cleaned = _LOCATION_NOISE.sub("", cleaned)
        cleaned = cleaned.strip(" ,·|-–—")
        if cleaned:
            return cleaned
    for line in header:
        if title and line.lower().startswith(title.lower()):
            continue  # "Journeyman Electrician — Commercial Projects" names a team, not a place
        parts = _LOCATION_SEPARATORS.split(line)
        if len(parts) < 2:
            continue
        for part in parts:
            candidate = re.sub(r"\([^)]*\)", "", part).strip(" ,")
            if company and candidate.lower().startswith(company.lower()):
                candidate = candidate[len(company) :].strip(" ,")
            if not candidate or (title and candidate.lower() == title.lower()):
                continue
            if _REMOTE_FULL.fullmatch(candidate) or _ONSITE.fullmatch(candidate):
                continue
            if _EMPLOYMENT_TYPE.fullmatch(candidate) or _REMOTE_HYBRID.fullmatch(candidate):
                continue
            if candidate[:1].isupper():
                return candidate
    return ""


# --------------------------------------------------------------------------------------------
# The analysis
# --------------------------------------------------------------------------------------------


class _Collector:
    """Accumulates what the posting asks for while its lines are read."""

    def __init__(self, vocabulary: SkillVocabulary) -> None:
        self.vocabulary = vocabulary
        self.required: dict[str, None] = {}
        self.preferred: dict[str, None] = {}
        self.requirements: list[Requirement] = []
        self.responsibilities: list[str] = []
        self.summary: list[str] = []
        self.qualifications: list[str] = []
        self.education: dict[str, bool] = {}
        self.certifications: list[str] = []
        self.seen_competencies: set[tuple[str, ...]] = set()
        self.max_years: float | None = None
        self.pending_years: tuple[float, float | None, bool] | None = None
        """Set by "At least 4 years of experience in the following:" for the lines after it."""

    def add_skills(self, skills: Iterable[str], *, required: bool) -> None:
        target = self.required if required else self.preferred
        for skill in skills:
            target.setdefault(skill, None)

    def requirement_clause(self, clause: str, *, section: str, source: str) -> None:
        """Read one clause of a requirements section into requirements."""
        split = _SPLITTING_CUE.search(clause)
        if split:
            # "Five years of marketing, ideally in e-commerce": only the tail is a preference.
            head, tail = clause[: split.start()], clause[split.end() :]
            self.requirement_clause(head, section=section, source=source)
            self.requirement_clause("preferably " + tail, section="preferred", source=source)
            return
        preferred = section == "preferred" or bool(_PREFERRED_CUE.search(clause))
        if preferred and section == "preferred" and _REQUIRED_CUE.search(clause):
            preferred = bool(_PREFERRED_CUE.search(clause))
        required = not preferred
        if len(self.requirements) >= _MAX_REQUIREMENTS:
            self.add_skills(find_skills(self.vocabulary, clause), required=required)
            return
        labelled = _labelled(clause)
        skills = list(find_skills(self.vocabulary, labelled[0] if labelled else clause))
        # A requirement is a sentence; past a few hundred characters this is prose, so only
        # its start is read for years, education and phrases (skills are read in full above).
        clause = clause[:_MAX_CLAUSE]
        years = parse_year_requirements(clause)[:_MAX_YEARS_PER_CLAUSE]
        level = education_level(clause)
        is_education = level is not None and (
            section == "education"
            or re.search(r"degree|diploma|bachelor|master|ph\.?d|\bged\b|graduate", clause, re.I)
        )
        if not is_education and _STUDY.search(clause):
            return  # "currently studying computer science": a subject of study, not a skill
        is_cert = bool(_CERTIFICATION.search(clause)) and not is_education
        handled = False
        role_skills: set[str] = set()
        if len(years) == 1 and _INTRODUCES_LIST.search(clause[-160:]):
            low, high, _ = years[0]
            self.pending_years = (low, high, required)
            return
        if not years and self.pending_years is not None:
            low, high, pending_required = self.pending_years
            synthetic = re.match(r".*", f"{_years_text(low, high)} ")
            assert synthetic is not None
            phrase, as_role = _role_phrase(clause, synthetic)
            subject_terms = [t for t in _phrase_terms(phrase) if t not in _GENERIC_SUBJECT]
            if subject_terms:
                self.requirements.append(
                    Requirement(
                        text=f"{_years_text(low, high)}: {phrase.strip(' .')}",
                        kind="experience",
                        required=pending_required and required,
                        skills=list(find_skills(self.vocabulary, phrase)),
                        terms=subject_terms,
                        years=low,
                        source=source,
                    )
                )
                if as_role:
                    role_skills.update(find_skills(self.vocabulary, phrase))
                handled = True
        for low, high, match in years:
            if high and (self.max_years is None or high > self.max_years):
                self.max_years = high
            phrase, as_role = _role_phrase(clause, match)
            subject_skills = list(find_skills(self.vocabulary, phrase)) or (
                skills if len(skills) == 1 else []
            )
            if as_role:
                # "4 years as a Data Engineer" asks for a role, not for the skills in its name.
                role_skills.update(find_skills(self.vocabulary, phrase))
            subject_terms = [t for t in _phrase_terms(phrase) if t not in _GENERIC_SUBJECT]
            subject = phrase.strip(" .")
            described = f": {subject}" if subject_terms or subject_skills else " of experience"
            self.requirements.append(
                Requirement(
                    text=f"{_years_text(low, high)}{described}",
                    kind="experience",
                    required=required,
                    skills=subject_skills,
                    terms=subject_terms,
                    years=low,
                    source=source,
                )
            )
            handled = True
        if is_education and level is not None:
            self.education[level] = self.education.get(level, False) or required
            self.requirements.append(
                Requirement(
                    text=clause.strip(" ."),
                    kind="education",
                    required=required,
                    terms=_phrase_terms(clause),
                    level=level,
                    flexible=bool(_EQUIVALENT.search(clause)),
                    source=source,
                )
            )
            return
        if is_cert:
            name = _cert_name(clause)
            cert_terms = [t for t in _phrase_terms(name) if t not in _CERT_WORDS]
            if cert_terms:
                self.certifications.append(name)
                self.requirements.append(
                    Requirement(
                        text=name,
                        kind="certification",
                        required=required,
                        skills=skills,
                        terms=cert_terms,
                        source=source,
                    )
                )
                handled = True
        skills = [skill for skill in skills if skill not in role_skills]
        if "with" in clause.lower():
            partners = _partner_skills(self.vocabulary, clause)
            skills = [skill for skill in skills if skill not in partners]
        if skills:
            self.add_skills(skills, required=required)
            return
        if handled:
            return
        phrase = key_phrase(clause)
        phrase_terms = _phrase_terms(phrase)
        if not phrase_terms or len(phrase) > 120:
            return
        key = tuple(sorted(phrase_terms))
        if key in self.seen_competencies:
            return
        self.seen_competencies.add(key)
        self.requirements.append(
            Requirement(
                text=phrase,
                kind="competency",
                required=required,
                terms=phrase_terms,
                source=source,
            )
        )


def _years_text(low: float, high: float | None) -> str:
    def show(value: float) -> str:
        return str(int(value)) if value == int(value) else f"{value:.1f}"

    return f"{show(low)}–{show(high)} years" if high else f"{show(low)}+ years"


_CERT_LEAD = re.compile(
    r"^(?:(?:a|an|the|current|valid|active|hold|holds|have|has|must|own|"
    r"state|certified|possess|possession of)\b\s*)+",
    re.IGNORECASE,
)


def _cert_name(clause: str) -> str:
    text = re.sub(r"\([^)]*\)", "", clause)
    text = _CERT_LEAD.sub("", _LEADING_FILLER.sub("", text.strip()))
    text = re.sub(r"^(?:a|an|the)\s+", "", text, flags=re.I)
    text = re.sub(r"\s+(?:is|are)\s+(?:a plus|preferred|required|desirable|essential).*$", "", text)
    return text.strip(" .,")


_TITLE_LABEL = re.compile(r"(?:job |position |role )?title|position|role", re.IGNORECASE)


def _title_from_text(lines: list[str]) -> str:
    for index, raw in enumerate(lines):
        line = raw.strip()
        if not line:
            continue
        label = _INLINE_LABEL.match(line)
        if label and _TITLE_LABEL.fullmatch(label.group(1).strip()) and label.group(2).strip():
            return label.group(2).strip()
        heading = _MD_HEADING.sub("", line).strip().strip("*_").rstrip(":").strip()
        if _classify_heading(heading) == "title":
            for following in lines[index + 1 :]:
                if following.strip():
                    return _MD_HEADING.sub("", following.strip()).strip().strip("*_")
            return ""
    for raw in lines:
        text = _MD_HEADING.sub("", raw.strip()).strip().strip("*_").strip()
        if text and len(text) <= 80 and not text.endswith("."):
            return text.removeprefix("Job title:").strip()
    return ""


def analyse_job(posting: JobPosting, *, vocabulary: SkillVocabulary) -> JobAnalysis:
    """Read a posting into title, seniority, required and preferred skills, requirements,
    years, education, certifications, responsibilities, location and remote status.

    Pure and deterministic: the same posting and vocabulary always give the same analysis.
    """
    lines = posting.description.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    title = posting.title.strip() or _title_from_text(lines)
    company = posting.company.strip()
    collector = _Collector(vocabulary)
    section = "intro"
    header: list[str] = []
    location_lines: list[str] = []
    remote_lines: list[str] = [title]
    saw_heading = False
    title_section_pending = False
    other_sentences: list[str] = []

    for raw in lines:
        # One space between words: keeps every regex below linear on pasted runs of blanks.
        line = " ".join(raw.split())
        if not line:
            continue
        heading = _heading_text(line, vocabulary)
        if heading is not None:
            saw_heading = True
            kind = _classify_heading(heading)
            section = kind or "other"
            collector.pending_years = None
            title_section_pending = section == "title"
            if section == "location":
                location_lines.append(heading.partition(":")[2])
            continue
        if title_section_pending:
            title_section_pending = False
            remote_lines.append(line)
            continue
        if _is_header_line(_strip_markup(line), title, company, before_headings=not saw_heading):
            header.append(line)
            remote_lines.append(line)
            continue
        is_bullet = bool(_BULLET.match(line))
        text = _strip_markup(line)
        label = None if is_bullet else _INLINE_LABEL.match(text)
        line_section = section
        if label and len(label.group(1).split()) <= 6:
            kind = _classify_heading(label.group(1))
            if kind and not find_skills(vocabulary, label.group(1)):
                line_section = kind
                section = kind if kind not in {"location", "title"} else section
                text = label.group(2).strip()
                if kind == "location":
                    location_lines.append(text)
                    remote_lines.append(text)
                    continue
                if kind == "title":
                    continue
                if not text:
                    continue
        if line_section == "location":
            location_lines.append(text)
            remote_lines.append(text)
            continue
        lowered = text.lower()
        for sentence in _clauses(text) if any(cue in lowered for cue in _REMOTE_WORDS) else ():
            if len(sentence.split()) <= 8 and (
                _REMOTE_FULL.search(sentence)
                or _REMOTE_HYBRID.search(sentence)
                or _ONSITE.search(sentence)
            ):
                remote_lines.append(sentence)
        if line_section in _SKIP_SECTIONS:
            continue
        if line_section in _REQUIREMENT_SECTIONS:
            collector.qualifications.append(text)
            for clause in _clauses(text):
                collector.requirement_clause(clause, section=line_section, source=text)
            continue
        # Responsibilities, summary and unlabelled prose: skills named are wanted, and a clause
        # with a requirement cue ("You must have …", "… is a plus") is a requirement.
        for clause in _clauses(text):
            if _about_company(clause, company):
                continue
            preferred_cue = bool(_PREFERRED_CUE.search(clause))
            cue = preferred_cue or bool(_REQUIRED_CUE.search(clause))
            has_years = bool(parse_year_requirements(clause))
            if cue or has_years or (line_section == "intro" and education_level(clause)):
                collector.qualifications.append(clause)
                collector.requirement_clause(
                    clause, section="preferred" if preferred_cue else "required", source=text
                )
                continue
            skills = find_skills(vocabulary, clause)
            if skills and "with" in clause.lower():
                partners = _partner_skills(vocabulary, clause)
                skills = tuple(skill for skill in skills if skill not in partners)
            collector.add_skills(skills, required=True)
            if line_section == "responsibilities":
                if len(clause) > 3:
                    collector.responsibilities.append(clause)
            elif line_section in {"summary", "intro", "other"} and len(clause.split()) >= 4:
                other_sentences.append(clause)
                if line_section == "summary":
                    collector.summary.append(clause)

    title_skills = find_skills(vocabulary, title)
    for skill in title_skills:
        collector.required.setdefault(skill, None)
    required = list(collector.required)
    preferred = [skill for skill in collector.preferred if skill not in collector.required]
    # A skill also asked for elsewhere as required is required everywhere.
    responsibilities = collector.responsibilities or other_sentences
    experience = [r for r in collector.requirements if r.kind == "experience"]
    required_years = [r.years for r in experience if r.required and r.years is not None]
    all_years = [r.years for r in experience if r.years is not None]
    min_years_value = max(required_years or all_years) if (required_years or all_years) else None
    max_years = int(collector.max_years) if collector.max_years else None
    seniority = seniority_of(title) or _seniority_from_text(posting.description)
    if seniority is None:
        seniority = seniority_from_years(min_years_value) if min_years_value else None
    education = sorted(collector.education, key=EDUCATION_LEVELS.index)
    ats_keywords = list(
        dict.fromkeys(
            [
                *required,
                *preferred,
                *collector.certifications,
                *(r.text for r in collector.requirements if r.kind == "competency" and r.required),
                normalise_title(title),
            ]
        )
    )
    return JobAnalysis(
        title=title,
        company=posting.company.strip(),
        skills=[*required, *preferred],
        required_skills=required,
        preferred_skills=preferred,
        keywords=list(dict.fromkeys([*required, *preferred, *title_skills])),
        responsibilities=responsibilities,
        min_years=int(min_years_value) if min_years_value is not None else None,
        normalised_title=normalise_title(title),
        seniority=seniority,
        max_years=max_years,
        education=education,
        education_required=any(collector.education.values()),
        certifications=collector.certifications,
        qualifications=collector.qualifications,
        requirements=collector.requirements,
        location=_location_of(header, location_lines, title, company),
        remote=_remote_of(remote_lines),
        employment_type=_employment_type(" ".join([title, *header])),
        summary=" ".join(collector.summary),
        ats_keywords=[keyword for keyword in ats_keywords if keyword],
    )


_HEADER_SEPARATOR = re.compile(r"\s[·•|]\s|\s[–—-]\s|\s(?:at|@)\s")
_COMPANY_SELF = re.compile(
    r"^(?:we are an?\b|we(?:'|’)re an?\b|founded in\b|our (?:mission|company|story)\b)", re.I
)


def _is_header_line(line: str, title: str, company: str, *, before_headings: bool) -> bool:
    """The title, company or location line at the top of a posting (no skills to read there)."""
    lowered = line.lower().strip(" #*")
    if title and (lowered == title.lower() or lowered.startswith(title.lower() + " ")):
        return True
    if not before_headings or len(line.split()) > 12 or line.rstrip().endswith("."):
        return False
    if company and company.lower() in lowered:
        return True
    return bool(_HEADER_SEPARATOR.search(line)) and len(line.split()) <= 8


def _about_company(clause: str, company: str) -> bool:
    """A sentence describing the employer ("Acme builds …", "We are a …"), not the job."""
    if company and clause.lower().startswith(company.lower()):
        return True
    return bool(_COMPANY_SELF.match(clause))


_SENIORITY_TEXT = re.compile(
    r"\b(entry[- ]level|junior[- ]level|mid[- ]level|senior[- ]level|as a (?:senior|junior|lead|"
    r"principal|staff) \w+)\b",
    re.IGNORECASE,
)


def _seniority_from_text(description: str) -> str | None:
    match = _SENIORITY_TEXT.search(description)
    if not match:
        return None
    return seniority_of(match.group(1).replace("-level", "").replace(" level", ""))


def _employment_type(text: str) -> str:
    match = _EMPLOYMENT_TYPE.search(text)
    return match.group(1).lower().replace(" ", "-").capitalize() if match else ""
