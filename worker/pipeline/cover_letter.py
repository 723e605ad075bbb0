"""The offline engine's cover letter, and the word limit every cover letter is held to.

The letter is a fixed frame (salutation, opening, evidence, skills, closing, signature) filled
with the job analysis and the user's own strongest resume lines. The frame's sentences are data
per language and tone (`PHRASES`); the evidence stays in the resume's own words, so nothing is
claimed that the resume does not say.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from worker.pipeline.scoring import experience_years, parse_iso_month
from worker.pipeline.skills import SkillVocabulary, default_vocabulary
from worker.pipeline.types import JobAnalysis, MatchResult, Profile, RankedLine

MAX_WORDS = 400
EVIDENCE_LINES = {"professional": 3, "warm": 3, "confident": 3, "concise": 2}
MAX_LINES_PER_ENTRY = 2
SKILLS_NAMED = 5
MIN_YEARS_STATED = 2
"""Fewer years than this read as a boast ("1+ years") and need singular forms; left unsaid."""


@dataclass(frozen=True)
class Phrases:
    """The fixed sentences of a letter in one language; `{…}` fields are filled per letter.

    Each pair of `…` and `…_general` is used with and without a known company (or role).
    `evidence_verb*` join an English bullet that starts with a verb into the sentence
    ("At Acme, I led …"); only English has them, as the bullets are in the resume's words.
    """

    salutation: str
    salutation_general: str
    role: str
    role_general: str
    at_company: str
    at_company_general: str
    company_object: str
    company_object_general: str
    openings: dict[str, str]
    current_role: str
    previous_role: str
    years: str
    evidence_intro: str
    evidence: str
    evidence_more: str
    evidence_project: str
    skills: str
    closings: dict[str, str]
    sign_offs: dict[str, str]
    and_word: str
    evidence_verb: str = ""
    evidence_verb_more: str = ""
    evidence_verb_project: str = ""
    evidence_was_more: str = ""


PHRASES: dict[str, Phrases] = {
    "en": Phrases(
        salutation="Dear Hiring Team at {company},",
        salutation_general="Dear Hiring Team,",
        role="the {title} role",
        role_general="the advertised role",
        at_company="at {company}",
        at_company_general="",
        company_object="{company}",
        company_object_general="your team",
        openings={
            "professional": "I am writing to apply for {role} {at_company}.",
            "warm": "I was delighted to come across {role} {at_company}, and I would be glad "
            "to bring my experience to your team.",
            "confident": "I am applying for {role} {at_company}, and I believe my experience "
            "matches what you are looking for.",
            "concise": "Please accept my application for {role} {at_company}.",
        },
        current_role="I currently work as {position} at {employer}",
        previous_role="Most recently, I worked as {position} at {employer}",
        years=" and have {years}+ years of professional experience",
        evidence_intro="",
        evidence="One highlight from {employer}: {text}",
        evidence_more="Also at {employer}: {text}",
        evidence_project="From my {employer} project: {text}",
        evidence_verb="At {employer}, I {text}",
        evidence_verb_more="I also {text}",
        evidence_verb_project="On my {employer} project, I {text}",
        evidence_was_more="I was also {text}",
        skills="Your posting asks for {skills}, all of which are part of my experience.",
        closings={
            "professional": "I would welcome the opportunity to discuss how my experience "
            "could support {company}. Thank you for your time and consideration.",
            "warm": "I would love to talk about how I could help {company}, and I hope to "
            "hear from you soon. Thank you for reading my application.",
            "confident": "I am ready to bring this experience to {company} and would be glad "
            "to show you how in an interview.",
            "concise": "I look forward to hearing from you.",
        },
        sign_offs={
            "professional": "Sincerely,",
            "warm": "Warm regards,",
            "confident": "Best regards,",
            "concise": "Kind regards,",
        },
        and_word="and",
    ),
    # German letters continue in lower case after the salutation's comma.
    "de": Phrases(
        salutation="Sehr geehrtes Team von {company},",
        salutation_general="Sehr geehrte Damen und Herren,",
        role="die Position als {title}",
        role_general="die ausgeschriebene Position",
        at_company="bei {company}",
        at_company_general="",
        company_object="{company}",
        company_object_general="Ihr Team",
        openings={
            "professional": "hiermit bewerbe ich mich um {role} {at_company}.",
            "warm": "mit großer Freude bewerbe ich mich um {role} {at_company} und würde "
            "meine Erfahrung gern in Ihr Team einbringen.",
            "confident": "ich bewerbe mich um {role} {at_company} und bin überzeugt, dass "
            "meine Erfahrung zu Ihren Anforderungen passt.",
            "concise": "ich bewerbe mich um {role} {at_company}.",
        },
        current_role="Derzeit arbeite ich als {position} bei {employer}",
        previous_role="Zuletzt war ich als {position} bei {employer} tätig",
        years=" und bringe {years}+ Jahre Berufserfahrung mit",
        evidence_intro="Einige Beispiele aus meiner bisherigen Tätigkeit:",
        evidence="Bei {employer}: {text}",
        evidence_more="Ebenfalls bei {employer}: {text}",
        evidence_project="Im Projekt {employer}: {text}",
        skills="Sie suchen Erfahrung mit {skills} – all das bringe ich mit.",
        closings={
            "professional": "Über die Gelegenheit zu einem persönlichen Gespräch freue ich "
            "mich sehr. Vielen Dank für Ihre Zeit.",
            "warm": "Ich würde mich sehr freuen, von Ihnen zu hören, und danke Ihnen herzlich "
            "für Ihre Zeit.",
            "confident": "Gern zeige ich Ihnen in einem persönlichen Gespräch, was ich für "
            "{company} leisten kann.",
            "concise": "Ich freue mich auf Ihre Rückmeldung.",
        },
        sign_offs={
            "professional": "Mit freundlichen Grüßen",
            "warm": "Herzliche Grüße",
            "confident": "Beste Grüße",
            "concise": "Viele Grüße",
        },
        and_word="und",
    ),
    "fr": Phrases(
        salutation="Madame, Monsieur,",
        salutation_general="Madame, Monsieur,",
        role="le poste de {title}",
        role_general="le poste proposé",
        at_company="chez {company}",
        at_company_general="",
        company_object="{company}",
        company_object_general="votre équipe",
        openings={
            "professional": "Je vous adresse ma candidature pour {role} {at_company}.",
            "warm": "C'est avec un grand plaisir que je vous adresse ma candidature pour "
            "{role} {at_company}.",
            "confident": "Je vous propose ma candidature pour {role} {at_company}, avec la "
            "conviction que mon expérience répond à vos attentes.",
            "concise": "Veuillez trouver ici ma candidature pour {role} {at_company}.",
        },
        current_role="J'occupe actuellement le poste de {position} chez {employer}",
        previous_role="J'ai récemment occupé le poste de {position} chez {employer}",
        years=" et je compte {years} ans d'expérience professionnelle",
        evidence_intro="Quelques exemples tirés de mon parcours :",
        evidence="Chez {employer} : {text}",
        evidence_more="Toujours chez {employer} : {text}",
        evidence_project="Dans le projet {employer} : {text}",
        skills="Vous recherchez des compétences en {skills} ; toutes font partie de mon "
        "expérience.",
        closings={
            "professional": "Je me tiens à votre disposition pour un entretien et vous "
            "remercie de l'attention portée à ma candidature.",
            "warm": "Ce serait un plaisir d'échanger avec vous sur ce poste. Merci beaucoup "
            "pour votre temps et votre attention.",
            "confident": "Un entretien me permettrait de vous montrer concrètement ce que je "
            "peux apporter à {company}.",
            "concise": "Dans l'attente de votre réponse, je vous remercie de votre attention.",
        },
        sign_offs={
            "professional": "Veuillez agréer, Madame, Monsieur, l'expression de mes "
            "salutations distinguées.",
            "warm": "Bien cordialement,",
            "confident": "Cordialement,",
            "concise": "Cordialement,",
        },
        and_word="et",
    ),
    "es": Phrases(
        salutation="Estimado equipo de {company}:",
        salutation_general="Estimado equipo de selección:",
        role="puesto de {title}",
        role_general="puesto ofertado",
        at_company="en {company}",
        at_company_general="",
        company_object="{company}",
        company_object_general="su equipo",
        openings={
            "professional": "Me dirijo a ustedes para presentar mi candidatura al {role} "
            "{at_company}.",
            "warm": "Con mucha ilusión les escribo para presentar mi candidatura al {role} "
            "{at_company}.",
            "confident": "Presento mi candidatura al {role} {at_company}, con la convicción "
            "de que mi experiencia responde a lo que buscan.",
            "concise": "Les escribo para solicitar el {role} {at_company}.",
        },
        current_role="Actualmente trabajo como {position} en {employer}",
        previous_role="Mi último puesto fue {position} en {employer}",
        years=" y cuento con {years} años de experiencia profesional",
        evidence_intro="Algunos ejemplos de mi trayectoria:",
        evidence="En {employer}: {text}",
        evidence_more="También en {employer}: {text}",
        evidence_project="En el proyecto {employer}: {text}",
        skills="Buscan experiencia en {skills}, y todo ello forma parte de mi trayectoria.",
        closings={
            "professional": "Quedo a su disposición para ampliar esta información en una "
            "entrevista. Muchas gracias por su tiempo y consideración.",
            "warm": "Me encantaría conversar con ustedes sobre este puesto. Muchas gracias "
            "por su tiempo.",
            "confident": "En una entrevista podré mostrarles lo que puedo aportar a {company}.",
            "concise": "Quedo a la espera de su respuesta.",
        },
        sign_offs={
            "professional": "Atentamente,",
            "warm": "Un cordial saludo,",
            "confident": "Saludos cordiales,",
            "concise": "Atentamente,",
        },
        and_word="y",
    ),
}
DEFAULT_LANGUAGE = "en"
DEFAULT_TONE = "professional"


def phrases_for(language: str | None) -> Phrases:
    """The frame for `language`, English when there is none (the evidence is untranslated)."""
    return PHRASES.get((language or "").lower().split("-")[0], PHRASES[DEFAULT_LANGUAGE])


# --------------------------------------------------------------------------------------------
# Turning a resume bullet into a sentence
# --------------------------------------------------------------------------------------------


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


_IRREGULAR_PAST = _word_set(
    "built led ran wrote grew won drove made took brought set cut held taught sold gave began "
    "became oversaw undertook kept met rebuilt rewrote spoke shipped put sent spent"
)
_PRESENT_VERBS = _word_set("own run manage maintain oversee coordinate teach")
_NOT_VERBS = _word_set("need speed seed feed bed red shed breed hundred bred deed")
# Bullets that need a "was" to become "I …": "Promoted to team lead", "Responsible for …".
_PASSIVE = _word_set(
    "promoted selected nominated recognised recognized awarded invited elected appointed chosen "
    "named hired shortlisted responsible accountable"
)
_ORDINARY_WORD = re.compile(r"^[A-Z][a-z'’]*(?:-[a-z'’]+)*$")
_BULLET_MARK = re.compile(r"^[\s\-–—*•·▪●◦‣➢➤►]+")


def _clean(text: str) -> str:
    text = _BULLET_MARK.sub("", " ".join(str(text).split()))
    return text.rstrip(" .;,:")


def _first_word(text: str) -> str:
    return text.split(" ", 1)[0] if text else ""


def _starts_with_verb(text: str) -> bool:
    word = _first_word(text).lower().rstrip(",")
    last = word.rsplit("-", 1)[-1]  # "co-led", "re-architected"
    if last in _NOT_VERBS or not last.isalpha():
        return False
    return (
        (last.endswith("ed") and len(last) > 3)
        or last in _IRREGULAR_PAST
        or last in _PRESENT_VERBS
        or last in _PASSIVE
    )


def lower_first(text: str) -> str:
    """Lower-case an ordinary capitalised first word ("Led" → "led"), never an acronym ("AWS")
    or a name written in CamelCase ("JavaScript"), so the bullet can continue a sentence."""
    word = _first_word(text)
    if _ORDINARY_WORD.match(word):
        return text[0].lower() + text[1:]
    return text


def _end_sentence(text: str) -> str:
    return text if text.endswith(("!", "?", ".")) else text + "."


@dataclass(frozen=True)
class Cited:
    """A resume line a letter cites, with the job or project it belongs to."""

    kind: str
    """`work` or `project`."""
    entry: int
    name: str
    text: str
    path: str

    @property
    def key(self) -> tuple[str, str]:
        """Two roles at one employer count as one place, so the letter names it once."""
        return (self.kind, self.name.casefold() or f"#{self.entry}")


_CITABLE = re.compile(
    r"^(?:work\[(\d+)\]\.highlights\[\d+\]|projects\[(\d+)\]\.(?:highlights\[\d+\]|description))$"
)


def _citable(profile: Profile, line: RankedLine) -> Cited | None:
    found = _CITABLE.match(line.path)
    text = _clean(line.text)
    if not found or not text:
        return None
    kind, section, index = (
        ("work", "work", int(found[1])) if found[1] else ("project", "projects", int(found[2]))
    )
    entries = profile.get(section) or []
    entry: Any = entries[index] if index < len(entries) else {}
    if not isinstance(entry, dict):
        return None
    name = str(entry.get("name") or "")
    return Cited(kind, index, " ".join(name.split()), text, line.path)


def evidence_lines(profile: Profile, match: MatchResult, *, limit: int = 3) -> list[Cited]:
    """The strongest relevant bullets, one per employer before a second from any, grouped.

    Work bullets are preferred; projects count only when no work bullet is relevant. With no
    relevant line at all, the top-ranked work bullet still gives the letter one real example.
    """
    scored = [
        (cited, line.score)
        for line in match.ranked_lines
        if (cited := _citable(profile, line)) is not None
    ]
    pool = [c for c, score in scored if c.kind == "work" and score > 0]
    pool = pool or [c for c, score in scored if score > 0]
    pool = pool or [c for c, _ in scored if c.kind == "work"][:1]
    chosen: list[Cited] = []
    for c in pool:  # the best line of each entry first ...
        if len(chosen) < limit and all(x.key != c.key for x in chosen):
            chosen.append(c)
    for c in pool:  # ... then a second line from entries already cited
        cited_here = sum(x.key == c.key for x in chosen)
        if len(chosen) < limit and c not in chosen and cited_here < MAX_LINES_PER_ENTRY:
            chosen.append(c)
    order = {key: i for i, key in enumerate(dict.fromkeys(c.key for c in chosen))}
    return sorted(chosen, key=lambda c: order[c.key])


# --------------------------------------------------------------------------------------------
# Skills in the user's own spelling
# --------------------------------------------------------------------------------------------


def own_skill_names(profile: Profile, *, vocabulary: SkillVocabulary) -> dict[str, str]:
    """Canonical skill → the keyword the user wrote for it ("PostgreSQL" → "Postgres")."""
    names: dict[str, str] = {}
    for group in profile.get("skills") or []:
        if not isinstance(group, dict):
            continue
        for keyword in group.get("keywords") or []:
            written = " ".join(str(keyword).split())
            canonical = vocabulary.canonical(written)
            for skill in [canonical] if canonical else vocabulary.find(written):
                names.setdefault(skill, written)
    return names


def matched_skill_names(
    profile: Profile, match: MatchResult, *, vocabulary: SkillVocabulary
) -> list[str]:
    """The skills the job asks for that the profile has, in the job's order, named as the user
    names them; those the skills section lists come first, as the user claims them outright."""
    own = own_skill_names(profile, vocabulary=vocabulary)
    listed = [own[skill] for skill in match.matched_skills if skill in own]
    found = [skill for skill in match.matched_skills if skill not in own]
    return list(dict.fromkeys([*listed, *found]))


def join_words(items: list[str], and_word: str) -> str:
    """A list as a sentence says it ("A, B and C"), in the letter's language."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {and_word} " + items[-1]


# --------------------------------------------------------------------------------------------
# The letter
# --------------------------------------------------------------------------------------------


def _tidy(text: str) -> str:
    """Collapse the gaps an empty field leaves ("the role ." → "the role.")."""
    return re.sub(r"\s+([.,])", r"\1", " ".join(text.split()))


def latest_job(profile: Profile) -> dict[str, Any] | None:
    """The job a reader takes as the current one: an ongoing one, else the last to end."""
    jobs = [job for job in profile.get("work") or [] if isinstance(job, dict)]

    def recency(pair: tuple[int, dict[str, Any]]) -> tuple[bool, int, int]:
        index, job = pair
        ended = bool(job.get("endDate"))
        when = parse_iso_month(job.get("endDate") if ended else job.get("startDate"))
        return (ended, -when.toordinal() if when else 1, index)

    return min(enumerate(jobs), key=recency)[1] if jobs else None


def _background(profile: Profile, phrases: Phrases, years: int) -> str:
    job = latest_job(profile)
    if job is None:
        return ""
    position = " ".join(str(job.get("position") or "").split())
    employer = " ".join(str(job.get("name") or "").split())
    if not position or not employer:
        return ""
    frame = phrases.previous_role if job.get("endDate") else phrases.current_role
    sentence = frame.format(position=position, employer=employer)
    if years >= MIN_YEARS_STATED:
        sentence += phrases.years.format(years=years)
    return sentence + "."


def _evidence_sentence(cited: Cited, phrases: Phrases, *, continues: bool) -> str:
    """One cited bullet as a sentence; `continues` when the previous one named its employer."""
    if not cited.name:
        return _end_sentence(cited.text)
    project = cited.kind == "project"
    if not (phrases.evidence_verb and _starts_with_verb(cited.text)):
        frame = phrases.evidence_project if project else phrases.evidence
        frame = phrases.evidence_more if continues else frame
        return _end_sentence(frame.format(employer=cited.name, text=cited.text))
    text = lower_first(cited.text)
    passive = _first_word(cited.text).lower() in _PASSIVE
    if continues:
        frame = phrases.evidence_was_more if passive else phrases.evidence_verb_more
    else:
        frame = phrases.evidence_verb_project if project else phrases.evidence_verb
        text = f"was {text}" if passive else text
    return _end_sentence(frame.format(employer=cited.name, text=text))


def _evidence_paragraph(cited: list[Cited], phrases: Phrases) -> str:
    sentences = [phrases.evidence_intro] if phrases.evidence_intro and cited else []
    previous: tuple[str, str] | None = None
    for line in cited:
        sentences.append(_evidence_sentence(line, phrases, continues=line.key == previous))
        previous = line.key
    return " ".join(sentences)


def write_cover_letter(
    profile: Profile,
    analysis: JobAnalysis,
    match: MatchResult,
    *,
    tone: str = DEFAULT_TONE,
    language: str = DEFAULT_LANGUAGE,
    vocabulary: SkillVocabulary | None = None,
    today: date | None = None,
) -> list[str]:
    """Paragraphs of a short letter to the company, citing the user's strongest lines.

    Salutation first, then opening, evidence, skills and closing, the sign-off and the user's
    name last; at most `MAX_WORDS` words in all.
    """
    vocabulary = vocabulary or default_vocabulary()
    phrases = phrases_for(language)
    tone = tone if tone in phrases.openings else DEFAULT_TONE
    company = " ".join(analysis.company.split())
    title = " ".join(analysis.title.split())
    fields = {
        "company": company if company else "",
        "role": phrases.role.format(title=title) if title else phrases.role_general,
        "at_company": phrases.at_company.format(company=company)
        if company
        else phrases.at_company_general,
    }
    company_object = (
        phrases.company_object.format(company=company)
        if company
        else phrases.company_object_general
    )
    salutation = (
        phrases.salutation.format(company=company) if company else phrases.salutation_general
    )
    years = int(experience_years(profile, today=today))
    opening = _tidy(
        phrases.openings[tone].format(**fields) + " " + _background(profile, phrases, years)
    )
    evidence = _evidence_paragraph(
        evidence_lines(profile, match, limit=EVIDENCE_LINES[tone]), phrases
    )
    skills = matched_skill_names(profile, match, vocabulary=vocabulary)[:SKILLS_NAMED]
    skills_sentence = (
        phrases.skills.format(skills=join_words(skills, phrases.and_word)) if skills else ""
    )
    closing = _tidy(phrases.closings[tone].format(company=company_object))
    name = " ".join(str((profile.get("basics") or {}).get("name") or "").split())
    paragraphs = [
        salutation,
        opening,
        evidence,
        skills_sentence,
        closing,
        phrases.sign_offs[tone],
        name,
    ]
    # The closing, sign-off and name end the letter; a letter without a name has two.
    return limit_words([p for p in paragraphs if p], MAX_WORDS, keep_last=3 if name else 2)


# --------------------------------------------------------------------------------------------
# The word limit
# --------------------------------------------------------------------------------------------

_SENTENCE_END = re.compile(
    r"(?<=[.!?])(?<!e\.g\.)(?<!i\.e\.)(?<!etc\.)(?<!Inc\.)(?<!Ltd\.)(?<!Co\.)(?<!vs\.)"
    r"(?<!Dr\.)(?<!Mr\.)(?<!Ms\.)(?<!St\.)\s+(?=[A-ZÀ-ÖØ-Þ0-9¿¡\"“„«(])"
)


def word_count(paragraphs: list[str]) -> int:
    """Words as a reader (and a word processor) counts them: runs between spaces."""
    return sum(len(paragraph.split()) for paragraph in paragraphs)


def _sentences(paragraph: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(" ".join(paragraph.split())) if s]


def limit_words(
    paragraphs: list[str],
    max_words: int = MAX_WORDS,
    *,
    keep_first: int = 2,
    keep_last: int = 1,
) -> list[str]:
    """`paragraphs` cut to at most `max_words` words, losing as little as possible.

    The first `keep_first` paragraphs (salutation, opening) and the last `keep_last` (closing,
    and any sign-off and name) are the letter's frame and stay. Whole sentences go first, the
    last of the longest body paragraph each time, as evidence is strongest first; then the
    later sentences of the frame's paragraphs; only a letter with nothing else left to give
    is cut mid-sentence.
    """
    letter = [" ".join(p.split()) for p in paragraphs if p and p.strip()]
    middle = set(range(keep_first, len(letter) - keep_last))
    while word_count(letter) > max_words:
        body = [i for i in middle if letter[i]]
        if not body:
            break
        longest = max(body, key=lambda i: (len(letter[i].split()), i))
        letter[longest] = " ".join(_sentences(letter[longest])[:-1])
    letter = [p for p in letter if p]
    while word_count(letter) > max_words:
        trimmable = [i for i, p in enumerate(letter) if len(_sentences(p)) > 1]
        if not trimmable:
            break
        longest = max(trimmable, key=lambda i: (len(letter[i].split()), i))
        letter[longest] = " ".join(_sentences(letter[longest])[:-1])
    while letter and word_count(letter) > max_words:
        excess = word_count(letter) - max_words
        longest = max(range(len(letter)), key=lambda i: (len(letter[i].split()), -i))
        words = letter[longest].split()
        if len(words) <= 1:
            letter.pop()
            continue
        keep = max(1, len(words) - excess)
        letter[longest] = " ".join(words[:keep]).rstrip(",;:") + "…"
    return letter
