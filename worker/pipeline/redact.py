"""Swap a person's identifying details for placeholders before text goes to a cloud model.

A ``Redactor`` is built from one profile (``Redactor.from_profile``). ``redact`` replaces the
person's name, email addresses, phone numbers, street address, postcode, profile URLs and
usernames with placeholders such as ``[[NAME]]``, ``[[EMAIL_1]]`` or ``[[PHONE_1]]``; it also
replaces *any* email address, phone-number-looking string and URL it finds, because a bullet that
says "contact me at ..." leaks just as much. ``restore`` puts the originals back into whatever the
model returns.

Each placeholder stands for exactly one string as it was written, so ``restore(redact(text))``
gives back ``text`` character for character. The same string always gets the same placeholder
within one redactor, and the profile's own values are registered first, so ``[[NAME]]`` is always
the full name and ``[[EMAIL_1]]`` the profile's email, whatever text happens to be redacted first.
A different spelling of the same thing ("JOSÉ MÜLLER", "+1 555 010 2030" for "(555) 010-2030") is
recognised but gets its own placeholder (``[[NAME_2]]``, ``[[PHONE_2]]``) for that reason.

How names are found (the rules that keep ordinary words intact):

* the full name matches in any case, with or without accents ("Jose Muller-Lukasiewicz",
  "José Mueller-Łukasiewicz"), however its spaces, hyphens and apostrophes are typed, and as
  "Family, Given";
* a run of two or more of the name's parts ("Grace Mwangi", "El Idrissi", "MINH NGUYỄN") matches;
* a single part (two letters or more) matches only when capitalised as in the name, in title
  case or, if longer than three letters, in capitals; never in lower case: "Long" the person,
  but "long-running" stays, and "Ai" the person, but "AI" the field;
* a single part that is also an ordinary word ("May", "Will", "Grace", "An"), a skill ("Ruby",
  "Swift") or a word of the profile's own employers, titles, schools or skills ("Price" at
  Price & Co) is only replaced after a title ("Ms May") or a sign-off ("Regards,\\nMay"): at the
  start of a sentence, "May 2019" and "Will lead" are far likelier than the person, and breaking
  dates and skills costs more than leaking a lone, common first or last name;
* particles ("de", "van", "El") are never replaced on their own, only inside a run.

Phone numbers: the profile's number matches by its digits, however it is grouped and with or
without country code or trunk zero. Any other number needs at least seven digits *and* the shape
of a phone: an international prefix, an area code in brackets, or groups of digits that are not a
date, a year range, an IP address or a grouped amount ("1 200 000"). So "2019", "40%", "$2M",
"2015-2017" and "99.97%" are never phones. A purely numeric postcode ("80331") is only replaced
next to the city or region, or when it is the whole string, because on its own it is just a
number.

URLs: anything with a scheme or ``www.``, and bare ``host.tld/path`` with a lowercase, well-known
top-level domain. A bare domain without a path is only replaced when it is one of the profile's
own URLs: "Booking.com" and "ASP.NET" are employers and skills, not links.

Everything is matched by one regular expression compiled when the redactor is built, so redacting
a two-page profile takes about a millisecond.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar, cast

from worker.pipeline.skills import SkillVocabulary, default_vocabulary

__all__ = ["KINDS", "Redactor"]

T = TypeVar("T")

NAME = "NAME"
EMAIL = "EMAIL"
PHONE = "PHONE"
ADDRESS = "ADDRESS"
POSTCODE = "POSTCODE"
URL = "URL"
USERNAME = "USERNAME"
KINDS: tuple[str, ...] = (NAME, EMAIL, PHONE, ADDRESS, POSTCODE, URL, USERNAME)
"""The placeholder labels; ``[[NAME]]`` is the full name, all others are numbered."""

# --------------------------------------------------------------------------------------------
# Word lists
# --------------------------------------------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Name parts that are also words a resume starts sentences with, months, or words that begin
# job titles and company names. Alone and capitalised they are far more often the word than the
# person, so they are only replaced inside the full name, a run of name parts, or after a title.
_ORDINARY_WORDS = _words(
    """
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec
    monday tuesday wednesday thursday friday saturday sunday
    a an as at be by do go he if in is it me my no of on or so to up us we am
    ha ho ma na le la lo ya
    will long young king brown white green black gray grey rich hall wood woods small bell
    strong hope grace joy rose faith summer winter spring autumn dawn page case mark bill frank
    sage chase cash price cook baker hunter mason fisher turner walker porter cooper ward wells
    hill lane field fields stone ford west north south east bush love best good light sharp
    swift major noble rice key storm sky river star art don guy pat amber crystal ruby pearl
    ivy lily daisy holly heather iris violet hazel olive ginger angel constance patience chance
    drew gene ray earl duke prince bishop dean marshal banks gold silver steel iron victor
    miles chip rod jack jay robin bird fox wolf lamb crane swan drake finch hawk little short
    hardy moody bright fair free glass hart heart lord law wise worth sweet stern sterling pound
    penny dollar bond grant sales champion cliff rock dale glen heath marsh moss lake church
    branch root berry bloom frost snow gale reed brook brooks waters miller smith carpenter
    butler barber potter weaver archer sawyer brewer butcher draper glover slater shepherd
    park song sun tan won hung man ran sung min dash
    """
)

_PARTICLES = _words(
    "al el de da di du del della der den des do dos das la le lo van von bin bint ibn ben "
    "af av zu ter ten y e st"
)

# Only generic bare "host.tld/path" links with one of these lowercase endings count as URLs:
# it keeps "Node.js/Express", "ASP.NET/C#" and "README.md" out.
_TLDS = _words(
    "com org net edu gov io dev app me co ai info biz page site tech xyz blog cloud online "
    "design studio art pro name link live store shop uk de fr es it nl se no dk fi ie ca au "
    "in jp eu ch at be pl pt us cz ee lt lv gr hu ro sk si hr za nz br mx ar cl sg hk tw kr "
    "cn ru ua tr il ae scot wales cymru"
)

_TITLES = (
    "Mr|Mrs|Ms|Mx|Miss|Dr|Prof|Professor|Sir|Dame|Herr|Frau|Mme|Mlle|Sr|Sra|Srta|"
    "MR|MRS|MS|MX|MISS|DR|PROF"
)
_SIGN_OFFS = (
    r"(?:kind|best|warm|warmest)[^\S\n]+regards|regards|sincerely|"
    r"yours(?:[^\S\n]+(?:sincerely|faithfully|truly))?|best(?:[^\S\n]+wishes)?|thanks|"
    r"thank[^\S\n]+you|cheers|respectfully|cordially"
)
_NAME_PREFIX = rf"(?:(?<!\w)(?:{_TITLES})\.?[^\S\n]+|(?<!\w)(?i:{_SIGN_OFFS})[,.!]?[^\S\n]*\n\s*)"
_NAME_PREFIX_RE = re.compile(_NAME_PREFIX)

# --------------------------------------------------------------------------------------------
# Building blocks of the patterns
# --------------------------------------------------------------------------------------------

_HYPHENS = "-\u2010\u2011\u2013"
_APOSTROPHES = "'\u2019\u2018\u02bc`"
_HYPHEN_CLASS = "[-\u2010\u2011\u2013]"
_APOSTROPHE_CLASS = "['\u2019\u2018\u02bc`]"
# Possessive, and the particle loop of a run below is bounded: hostile text ("de de de ..." for
# a "de la Cruz") must not make the matcher backtrack quadratically.
_NAME_GAP = rf"(?:[^\S\n]*+{_HYPHEN_CLASS}[^\S\n]*+|[^\S\n]++)"

_EMAIL = r"(?<![\w.+\-])[\w.+\-]{1,64}@[\w\-]{1,63}(?:\.[\w\-]{1,63})+"
_URL_CHARS = r"[^\s<>\"'\[\]{}|\\^`]"
_URL = (
    rf"(?i:\b(?:https?://|ftp://|www\.){_URL_CHARS}+)"
    rf"|(?<![\w.@/\-])(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{{0,61}}[A-Za-z0-9])?\.)+"
    rf"(?:{'|'.join(sorted(_TLDS))})/{_URL_CHARS}*"
)
# Seven to fifteen digits in one chain. Between two digits: nothing, one space, dot, hyphen or
# slash, a bracket ("(555) 010", "+44 (0)29"), or a hyphen or dot with spaces; never " / ", which
# separates two numbers in a list. An opening bracket belongs to the number only when it closes
# round an area code, not round the whole number. The possessive repeat never gives digits back,
# so "12345678%" fails instead of matching a prefix.
_PHONE_GAP = r"(?:[ \t]?\(|\)[ \t\-.]?|[ \t]?[\-.][ \t]?|[ \t/])?"
_PHONE = (
    rf"(?<![\w+$€£¥.,/\-])(?:\+|\(\+?(?=\d{{1,5}}\)))?\d(?:{_PHONE_GAP}\d){{6,14}}+"
    r"(?![\w%$€£¥]|[.,]\d)"
)
_DIGITS = re.compile(r"\d+")
_YEAR = re.compile(r"(?:19|20)\d\d")
_URL_TRAILING = ".,;:!?'\")]"

_TRANSLITERATE = str.maketrans(
    {
        "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D",
        "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ı": "i", "þ": "th", "Þ": "Th",
    }
)  # fmt: skip
_GERMANIC = str.maketrans(
    {
        "ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue",
        "ø": "oe", "Ø": "Oe", "å": "aa", "Å": "Aa", "æ": "ae", "Æ": "Ae",
    }
)  # fmt: skip


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_TRANSLITERATE))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", bare)


def _spellings(text: str) -> set[str]:
    """The ways one name is typed: as is, decomposed (from PDFs), without accents, "ue" for "ü"."""
    nfc = unicodedata.normalize("NFC", text)
    return {
        nfc,
        unicodedata.normalize("NFD", nfc),
        _strip_accents(nfc),
        _strip_accents(nfc.translate(_GERMANIC)),
    }


def _literal(text: str) -> str:
    """Pattern for ``text`` that tolerates how its spaces, hyphens and apostrophes are typed."""
    out: list[str] = []
    for ch in text:
        if ch.isspace():
            if not out or out[-1] != r"\s+":
                out.append(r"\s+")
        elif ch in _HYPHENS:
            out.append(_HYPHEN_CLASS)
        elif ch in _APOSTROPHES:
            out.append(_APOSTROPHE_CLASS)
        else:
            out.append(re.escape(ch))
    return "".join(out)


def _alternation(patterns: Iterable[str]) -> str:
    """Alternatives longest first, so "Müller-Łukasiewicz" wins over "Müller" at one position."""
    unique = sorted(set(patterns), key=lambda p: (-len(p), p))
    return "|".join(unique)


def _letters(text: str) -> int:
    return sum(ch.isalpha() for ch in text)


def _name_parts(name: str) -> list[str]:
    """Given and family names, hyphenated compounds and their halves, of two letters or more."""
    parts: list[str] = []
    for token in name.split():
        token = token.strip('.,;:()[]"“”«»')
        pieces = [token, *re.split(_HYPHEN_CLASS, token)]
        for piece in list(pieces):
            # O'Sullivan, D'Angelo: the name after the apostrophe is written on its own too.
            tail = re.split(_APOSTROPHE_CLASS, piece)[-1]
            if tail != piece and _letters(tail) >= 3:
                pieces.append(tail)
        for piece in pieces:
            if _letters(piece) >= 2 and piece not in parts:
                parts.append(piece)
    return parts


def _national_forms(number: str) -> frozenset[str]:
    """Digit strings a phone number may be written as, with and without country code or 0."""
    digits = "".join(_DIGITS.findall(number.replace("(0)", "")))
    international = number.lstrip().lstrip("(").startswith("+") or digits.startswith("00")
    if digits.startswith("00"):
        digits = digits[2:]
    forms = {digits, digits.lstrip("0")}
    if international:
        forms.update(digits[k:] for k in (1, 2, 3))
    return frozenset(form for form in forms if len(form) >= 7)


def _looks_like_phone(surface: str) -> bool:
    """Whether a chain of 7–15 digits is shaped like a phone number rather than a figure."""
    groups = _DIGITS.findall(surface)
    if surface.startswith(("+", "(+")):
        return sum(map(len, groups)) >= 8
    if re.match(r"\(\d{2,5}\)", surface):
        return True
    if any(len(group) == 4 and _YEAR.fullmatch(group) for group in groups):
        return False  # dates and year ranges: 2015-2017, 12.03.2019
    if len(groups) == 1:
        return groups[0].startswith("0") and 10 <= len(groups[0]) <= 11
    if len(groups) == 4 and all(len(group) <= 3 for group in groups) and "." in surface:
        return False  # an IP address
    if len(groups[0]) <= 3 and all(len(group) == 3 for group in groups[1:]):
        return False  # a grouped amount: 1 200 000
    if len(groups) == 2 and all(group.endswith("00") for group in groups):
        return False  # a range of round figures: 5000-8000
    return all(len(group) >= 2 for group in groups[1:])


def _trim_url(surface: str) -> tuple[str, str]:
    """Split off punctuation that ends the sentence rather than the URL."""
    end = len(surface)
    while end and surface[end - 1] in _URL_TRAILING:
        if surface[end - 1] == ")" and surface.count("(", 0, end) >= surface.count(")", 0, end):
            break
        end -= 1
    return surface[:end], surface[end:]


def _walk(obj: Any, fn: Callable[[str], str]) -> Any:
    if isinstance(obj, str):
        return fn(obj)
    if isinstance(obj, dict):
        return {key: _walk(value, fn) for key, value in obj.items()}
    if isinstance(obj, list):
        return [_walk(value, fn) for value in obj]
    if isinstance(obj, tuple):
        return tuple(_walk(value, fn) for value in obj)
    return obj


# A placeholder as written or as a model may mangle it: [[ NAME ]], [NAME], [[email 1]].
_PLACEHOLDER = re.compile(r"(\[\[?)[^\S\n]*([A-Za-z]+)(?:[ _\-]*(\d+))?[^\S\n]*(\]\]?)")
_EXACT_SINGLE = re.compile(r"\[[A-Z]+(?:_\d+)?\]")


# --------------------------------------------------------------------------------------------
# The redactor
# --------------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


# Profile fields that name things rather than the person: employers, titles, schools, skills.
_ENTITY_FIELDS = {
    "work": ("name", "position", "location"),
    "volunteer": ("organization", "position"),
    "education": ("institution", "area", "studyType"),
    "skills": ("name", "keywords"),
    "projects": ("name", "entity", "keywords", "roles"),
    "certificates": ("name", "issuer"),
    "awards": ("title", "awarder"),
    "publications": ("name", "publisher"),
    "languages": ("language",),
    "interests": ("name", "keywords"),
}


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _entity_words(profile: Mapping[str, Any]) -> set[str]:
    """Lower-case words of the profile's employers, titles, schools, skills and places."""
    basics = _dict(profile.get("basics"))
    location = _dict(basics.get("location"))
    texts = [_text(basics.get(key)) for key in ("label",)]
    texts += [_text(location.get(key)) for key in ("city", "region")]
    for section, keys in _ENTITY_FIELDS.items():
        entries = profile.get(section)
        for entry in entries if isinstance(entries, list) else ():
            if not isinstance(entry, dict):
                continue
            for key in keys:
                value = entry.get(key)
                values = value if isinstance(value, list) else [value]
                texts += [_text(item) for item in values]
    return {word for text in texts for word in re.findall(r"\w+", text.lower())}


def _postcode_pattern(postcodes: list[str], places: list[str]) -> str:
    """Alphanumeric postcodes anywhere; numeric ones only beside the city or region."""
    alphanumeric = [_literal(p).replace(r"\s+", r"\s*") for p in postcodes if _letters(p)]
    numeric = [_literal(p) for p in postcodes if not _letters(p)]
    patterns: list[str] = []
    if alphanumeric:
        patterns.append(rf"(?i:(?<!\w)(?:{_alternation(alphanumeric)})(?!\w))")
    if numeric and places:
        codes, towns = _alternation(numeric), _alternation(_literal(p) for p in places)
        patterns.append(
            rf"(?i:(?<!\w)(?:(?:{towns})[ \t,]{{1,3}}(?:{codes})"
            rf"|(?:{codes})[ \t,]{{1,3}}(?:{towns}))(?!\w))"
        )
    return "|".join(patterns) or r"(?!)"


def _name_groups(
    name: str, ordinary: set[str], vocabulary: SkillVocabulary | None
) -> tuple[list[tuple[str, str]], frozenset[str]]:
    """The name alternatives (see the module docstring), and the parts only replaced in company."""
    parts = _name_parts(name)
    if not parts:
        return [], frozenset()

    def is_ordinary(part: str) -> bool:
        if {part.lower(), _strip_accents(part).lower()} & ordinary:
            return True
        return bool(vocabulary and vocabulary.find(part))

    def forms(part: str, *, capitalised_only: bool, alone: bool = False) -> set[str]:
        written: set[str] = set()
        for spelling in _spellings(part):
            written.update({spelling, spelling.title()})
            # In capitals a short name is an acronym (Ai and AI, Ada and ADA, Ed and ED):
            # alone it only counts as written, inside a run in any case.
            if not alone or _letters(spelling) > 3:
                written.add(spelling.upper())
        if capitalised_only:
            written = {w for w in written if w != w.lower()}
        return {_literal(w) for w in written}

    particles = [p for p in parts if p.lower() in _PARTICLES]
    real = [p for p in parts if p not in particles]
    ambiguous = [p for p in real if is_ordinary(p)]
    distinct = [p for p in real if p not in ambiguous]

    any_part = _alternation(f for p in parts for f in forms(p, capitalised_only=p not in particles))
    real_part = _alternation(f for p in real for f in forms(p, capitalised_only=True))
    # Two or more parts, starting with up to three particles ("de la Cruz") or with a real part
    # ("Grace Mwangi"); "de la" alone is no name. The bound keeps "de de de ..." linear.
    run = rf"(?:{real_part})(?:{_NAME_GAP}(?:{any_part}))+"
    if particles:
        particle = _alternation(f for p in particles for f in forms(p, capitalised_only=False))
        led = rf"(?:(?:{particle}){_NAME_GAP}){{1,3}}+(?:{real_part})(?:{_NAME_GAP}(?:{any_part}))*"
        run = f"{led}|{run}"
    groups: list[tuple[str, str]] = []
    if ambiguous:
        lone = _alternation(
            f for p in ambiguous for f in forms(p, capitalised_only=True, alone=True)
        )
        groups.append(("name_titled", rf"{_NAME_PREFIX}(?:{run}|{lone})(?!\w)"))
    tokens = name.split()
    if len(tokens) > 1:
        variants = {name, f"{tokens[-1]}, {' '.join(tokens[:-1])}"}
        full = _alternation(_literal(s) for v in variants for s in _spellings(v))
        groups.append(("name_full", rf"(?i:(?<!\w)(?:{full})(?!\w))"))
    if real:
        groups.append(("name_run", rf"(?<!\w)(?:{run})(?!\w)"))
    if distinct:
        lone = _alternation(
            f for p in distinct for f in forms(p, capitalised_only=True, alone=True)
        )
        groups.append(("name_part", rf"(?<!\w)(?:{lone})(?!\w)"))
    return groups, frozenset(ambiguous)


class Redactor:
    """Placeholders for one person's details, and the way back; see the module docstring.

    A redactor remembers every value it replaced, so keep one per piece of work (one
    optimization) and restore with the same instance. It is not thread-safe.
    """

    def __init__(
        self,
        *,
        name: str = "",
        emails: Iterable[str] = (),
        phones: Iterable[str] = (),
        addresses: Iterable[str] = (),
        postcodes: Iterable[str] = (),
        urls: Iterable[str] = (),
        usernames: Iterable[str] = (),
        places: Iterable[str] = (),
        ordinary_words: Iterable[str] = (),
        vocabulary: SkillVocabulary | None = None,
    ) -> None:
        """Compile the matcher for these values.

        ``places`` (city, region) let a numeric postcode be recognised beside them.
        ``ordinary_words`` (lower case) are words the person's own employers, titles and skills
        use; a name part among them is treated like an ordinary word (see the module docstring).
        ``vocabulary`` tells which name parts are also skills.
        """
        self._value_of: dict[str, str] = {}  # placeholder -> original string
        self._placeholder_of: dict[str, str] = {}  # original string -> placeholder
        self._by_number: dict[tuple[str, int], str] = {}
        self._counts: dict[str, int] = {}
        self._postcode_re = re.compile(r"(?!)")  # finds the code inside a "Munich 80331" match

        name = " ".join(unicodedata.normalize("NFC", name).split())
        emails = [e for e in (_text(v) for v in emails) if e]
        phones = [p for p in (_text(v) for v in phones) if p]
        addresses = [a for a in (_text(v) for v in addresses) if a]
        postcodes = [p for p in (_text(v) for v in postcodes) if len(p) >= 3]
        urls = [u for u in (_text(v) for v in urls) if "." in u]
        usernames = [u for u in (_text(v).lstrip("@") for v in usernames) if len(u) >= 3]
        places = [p for p in (_text(v) for v in places) if p]
        ordinary = {w.lower() for w in ordinary_words} | _ORDINARY_WORDS
        # A handle that is also a word or a skill ("golang") only goes inside its URL.
        usernames = [
            u
            for u in usernames
            if u.lower() not in ordinary and not (vocabulary and vocabulary.find(u))
        ]

        # The profile's own values first, so their numbers do not depend on what is redacted.
        if name:
            self._register(NAME, name)
        for kind, values in (
            (EMAIL, emails),
            (PHONE, phones),
            (ADDRESS, addresses),
            (POSTCODE, postcodes),
            (URL, urls),
            (USERNAME, usernames),
        ):
            for value in values:
                self._register(kind, value)

        self._phone_forms = frozenset().union(*map(_national_forms, phones))
        # A whole string that is exactly one of these is replaced: the postalCode field "80331"
        # carries no city to recognise it by.
        self._whole: dict[str, str] = {}
        for kind, values in ((POSTCODE, postcodes), (USERNAME, usernames)):
            self._whole.update((value.casefold(), kind) for value in values)

        groups: list[tuple[str, str]] = []
        if urls:
            cores = [re.sub(r"(?i)^(?:https?://)?(?:www\.)?", "", u).rstrip("/") for u in urls]
            own = _alternation(re.escape(core) for core in cores if "." in core)
            if own:
                groups.append(
                    (
                        "url_own",
                        rf"(?i:(?<![\w.@/\-])(?:https?://)?(?:www\.)?(?:{own})/?)(?![\w/\-])",
                    )
                )
        own_emails = _alternation(re.escape(e) for e in emails)
        groups.append(("email", f"(?i:{own_emails})|{_EMAIL}" if own_emails else _EMAIL))
        groups.append(("url", _URL))
        groups.append(("phone", _PHONE))
        address_patterns = [_literal(a) for a in addresses]
        for address in addresses:
            # A street line on its own ("27 Harbour Street"); lines without a number are
            # usually the city, which is no secret and matters to the job.
            for segment in re.split(r"\s*[,\n]\s*", address):
                if segment != address and re.search(r"\d", segment) and _letters(segment) >= 3:
                    address_patterns.append(_literal(segment))
        if address_patterns:
            groups.append(("address", rf"(?i:(?<!\w)(?:{_alternation(address_patterns)})(?!\w))"))
        if postcodes:
            codes = _alternation(_literal(p).replace(r"\s+", r"\s*") for p in postcodes)
            self._postcode_re = re.compile(rf"(?i:(?<!\w)(?:{codes})(?!\w))")
            groups.append(("postcode", _postcode_pattern(postcodes, places)))
        name_groups, self._ambiguous = _name_groups(name, ordinary, vocabulary)
        groups += name_groups
        own_users = _alternation(re.escape(u) for u in usernames)
        if own_users:
            groups.append(("username", rf"(?i:(?<![\w@./\-])@?(?:{own_users})(?![\w\-]))"))

        # Every alternative starts a word, so one shared look-behind rejects the middle of a word
        # before any alternative is tried: that alone makes the scan several times faster.
        alternatives = "|".join(f"(?P<{key}>{pattern})" for key, pattern in groups)
        self._pattern = re.compile(rf"(?<!\w)(?:{alternatives})")

    @classmethod
    def from_profile(
        cls,
        profile: Mapping[str, Any],
        *,
        public_text: Iterable[str] = (),
        vocabulary: SkillVocabulary | None = None,
    ) -> Redactor:
        """The redactor for the person a JSON Resume profile describes.

        ``public_text`` names things rather than the person, typically the posting's company and
        job title: a name part among its words is then not replaced on its own, so Harriet
        Fenwick-Blythe applying to "Fenwick Stores" does not turn the employer into a placeholder.
        ``vocabulary`` defaults to the shipped skills vocabulary, so that a name part which is
        also a skill ("Ruby", "Julia") is not replaced on its own either.
        """
        public_words = {w for text in public_text for w in re.findall(r"\w+", text.lower())}
        basics = _dict(profile.get("basics"))
        location = _dict(basics.get("location"))
        profiles = [_dict(p) for p in basics.get("profiles") or ()]
        return cls(
            name=_text(basics.get("name")),
            emails=[_text(basics.get("email"))],
            phones=[_text(basics.get("phone"))],
            addresses=[_text(location.get("address"))],
            postcodes=[_text(location.get("postalCode"))],
            urls=[_text(basics.get("url")), *(_text(p.get("url")) for p in profiles)],
            usernames=[_text(p.get("username")) for p in profiles],
            places=[_text(location.get("city")), _text(location.get("region"))],
            ordinary_words=_entity_words(profile) | public_words,
            vocabulary=vocabulary if vocabulary is not None else default_vocabulary(),
        )

    # -- public API ---------------------------------------------------------------------------

    @property
    def mapping(self) -> dict[str, str]:
        """Placeholder -> original string, for everything registered so far (a copy)."""
        return dict(self._value_of)

    @property
    def ambiguous_name_parts(self) -> frozenset[str]:
        """Name parts only replaced inside the full name, a run, or after a title."""
        return self._ambiguous

    def redact(self, text: str) -> str:
        """``text`` with every detail of the person, and any email, phone or URL, replaced."""
        if not text:
            return text
        kind = self._whole.get(text.strip().casefold())
        if kind:
            stripped = text.strip()
            start = text.index(stripped)
            return text[:start] + self._register(kind, stripped) + text[start + len(stripped) :]
        return self._pattern.sub(self._replace, text)

    def restore(self, text: str) -> str:
        """``text`` with this redactor's placeholders, even slightly mangled ones, put back."""
        if "[" not in text:
            return text
        return _PLACEHOLDER.sub(self._restore_one, text)

    def redact_obj(self, obj: T) -> T:
        """``redact`` applied to every string in nested dicts, lists and tuples; keys untouched."""
        return cast(T, _walk(obj, self.redact))

    def restore_obj(self, obj: T) -> T:
        """``restore`` applied to every string in nested dicts, lists and tuples."""
        return cast(T, _walk(obj, self.restore))

    # -- replacing ----------------------------------------------------------------------------

    def _register(self, kind: str, value: str) -> str:
        """The placeholder for ``value``, numbering a new one if it was not seen before."""
        existing = self._placeholder_of.get(value)
        if existing is not None:
            return existing
        number = self._counts.get(kind, 0) + 1
        self._counts[kind] = number
        label = kind if kind == NAME and number == 1 else f"{kind}_{number}"
        placeholder = f"[[{label}]]"
        self._placeholder_of[value] = placeholder
        self._value_of[placeholder] = value
        self._by_number[(kind, number)] = value
        return placeholder

    def _replace(self, match: re.Match[str]) -> str:
        group, surface = match.lastgroup, match.group()
        if group in ("url_own", "url"):
            url, trailing = _trim_url(surface)
            return self._register(URL, url) + trailing if url else surface
        if group == "email":
            return self._register(EMAIL, surface)
        if group == "phone":
            return self._phone(surface)
        if group == "address":
            return self._register(ADDRESS, surface)
        if group == "postcode":
            return self._postcode_re.sub(lambda m: self._register(POSTCODE, m.group()), surface)
        if group == "name_titled":
            prefix = _NAME_PREFIX_RE.match(surface)
            cut = prefix.end() if prefix else 0
            return surface[:cut] + self._register(NAME, surface[cut:])
        if group in ("name_full", "name_run", "name_part"):
            return self._register(NAME, surface)
        if group == "username":
            return self._register(USERNAME, surface)
        return surface

    def _is_own_phone(self, surface: str) -> bool:
        return bool(self._phone_forms & _national_forms(surface))

    def _phone(self, surface: str) -> str:
        if self._is_own_phone(surface) or _looks_like_phone(surface):
            return self._register(PHONE, surface)
        # A figure glued to the person's number ("2021 555 010 2030"): find the number inside,
        # if its last digits are there at all (checking every stretch of a long chain is slow).
        digits = "".join(_DIGITS.findall(surface))
        if any(form[-7:] in digits for form in self._phone_forms):
            spans = [m.span() for m in _DIGITS.finditer(surface)]
            for length in range(len(spans) - 1, 0, -1):
                for first in range(len(spans) - length + 1):
                    start, end = spans[first][0], spans[first + length - 1][1]
                    if self._is_own_phone(surface[start:end]):
                        placeholder = self._register(PHONE, surface[start:end])
                        return surface[:start] + placeholder + surface[end:]
        return surface

    def _restore_one(self, match: re.Match[str]) -> str:
        opening, label, number, closing = match.groups()
        kind = label.upper()
        if kind not in KINDS:
            return match.group()
        if len(opening) == 1 and len(closing) == 1 and not _EXACT_SINGLE.fullmatch(match.group()):
            # "[Name]" or "[ email ]" in single brackets is too likely to be the text's own.
            return match.group()
        if number is not None:
            value = self._by_number.get((kind, int(number)))
        elif kind == NAME or self._counts.get(kind) == 1:
            value = self._by_number.get((kind, 1))
        else:
            value = None  # [[EMAIL]] with two emails registered: ambiguous, leave it
        return value if value is not None else match.group()
