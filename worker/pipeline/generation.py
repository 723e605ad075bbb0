"""Stage 3 — document generation: the tailored resume and cover letter, by the chosen provider.

Two strategies share one entry point: the offline engine (`offline.py`, provider `local`) and a
language model (`providers.py`) proposing edits that `edits.py` applies. A provider that fails
hands over to the next one in the fallback chain; the result records who wrote what and why.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from worker.pipeline import cover_letter, edits, offline
from worker.pipeline.errors import StageFailed
from worker.pipeline.language import LANGUAGE_NAMES, resolve_language
from worker.pipeline.llm import Caller, CallFailed, MemoryStore, Store
from worker.pipeline.providers import CLOUD, LOCAL, CompletionRequest, LLMSettings, provider_for
from worker.pipeline.redact import Redactor
from worker.pipeline.skills import SkillVocabulary, default_vocabulary
from worker.pipeline.types import AICall, JobAnalysis, MatchResult, Options, Profile, Tailored

PROMPT_VERSION = "tailor.v1"
PROMPTS = Path(__file__).with_name("prompts")
MAX_LETTER_WORDS = cover_letter.MAX_WORDS

BULLET_RULES = {
    "light": "Keep every bullet's text exactly as written; only choose and order them.",
    "balanced": "Rephrase a bullet toward the job's vocabulary where the facts allow it.",
    "full": "Rephrase a bullet toward the job's vocabulary where the facts allow it.",
}
SKILL_RULES = {
    "light": "List them as they are.",
    "balanced": "List them as they are.",
    "full": "Choose and order them for this job; add none.",
}
SUMMARY_RULES = {
    "light": "null, unless RESUME_DATA has no summary: then two sentences from its own facts.",
    "balanced": "null, unless RESUME_DATA has no summary: then two sentences from its own facts.",
    "full": "a new two- or three-sentence summary aimed at this job, from RESUME_DATA's facts.",
}


class GenerationFailed(StageFailed):
    """Every provider in the chain failed; carries the calls made so they are still accounted."""

    status = 502

    def __init__(self, detail: str, *, code: str, calls: list[AICall]) -> None:
        super().__init__(detail, code=code)
        self.calls = calls


@dataclass
class LLMRuntime:
    """Settings and shared state for model calls; the worker gives Redis, the CLI memory."""

    settings: LLMSettings = field(default_factory=LLMSettings)
    store: Store = field(default_factory=MemoryStore)
    sleep: Callable[[float], None] = time.sleep


@cache
def _prompts() -> Environment:
    return Environment(
        loader=FileSystemLoader(PROMPTS),
        undefined=StrictUndefined,
        autoescape=False,  # plain-text prompts; data goes in as escaped JSON
        keep_trailing_newline=True,
    )


def generate(
    profile: Profile,
    analysis: JobAnalysis,
    match: MatchResult,
    *,
    options: Options,
    posting_text: str = "",
    runtime: LLMRuntime | None = None,
    vocabulary: SkillVocabulary | None = None,
) -> Tailored:
    """Tailor with `options.provider`, falling back along the configured chain."""
    runtime = runtime or LLMRuntime()
    vocabulary = vocabulary or default_vocabulary()
    language = resolve_language(options, posting_text)
    calls: list[AICall] = []
    fallbacks: list[dict[str, str]] = []
    chain = runtime.settings.chain(options.provider or runtime.settings.default)
    for name in chain:
        if name == LOCAL:
            tailored = offline.tailor_offline(
                profile,
                analysis,
                match,
                options=_with_language(options, language),
                vocabulary=vocabulary,
            )
        else:
            caller = Caller(runtime.settings, runtime.store, PROMPT_VERSION, sleep=runtime.sleep)
            try:
                tailored = _with_model(
                    name, profile, analysis, match, options, language, caller, vocabulary
                )
            except CallFailed as failure:
                calls += caller.calls
                fallbacks.append({"provider": name, "code": failure.code, "detail": failure.detail})
                continue
            calls += caller.calls
        tailored.calls = calls + tailored.calls
        tailored.fallbacks = fallbacks
        return tailored
    last = fallbacks[-1]
    raise GenerationFailed(
        f"No provider could write the documents: {last['detail']}", code=last["code"], calls=calls
    )


def _with_language(options: Options, language: str) -> Options:
    return Options(**{**options.__dict__, "language": language})


def _with_model(
    name: str,
    profile: Profile,
    analysis: JobAnalysis,
    match: MatchResult,
    options: Options,
    language: str,
    caller: Caller,
    vocabulary: SkillVocabulary,
) -> Tailored:
    settings = caller.settings.get(name)
    provider = provider_for(settings)
    redact = options.redact_pii if options.redact_pii is not None else name in CLOUD
    redactor = (
        # The employer and role being applied to are public: never mistake them for the person.
        Redactor.from_profile(profile, public_text=[analysis.company, analysis.title])
        if redact
        else None
    )
    data = {
        "job_json": edits.render_data(edits.job_payload(analysis)),
        "resume_json": edits.render_data(edits.resume_payload(profile)),
        "evidence_json": edits.render_data(edits.evidence_payload(match)),
    }
    if redactor is not None:
        data = redactor.redact_obj(data)
    caps = edits.MAX_BULLETS[2 if options.length_pages >= 2 else 1]
    letter_rule = (
        f"paragraphs of a cover letter to {analysis.company or 'the company'} for the "
        f"{analysis.title or 'role'} role, at most {MAX_LETTER_WORDS - 20} words in all, citing "
        "the strongest evidence; begin with a salutation and end with a sign-off such as "
        "'Kind regards,' as its own paragraph; do not write the candidate's name."
        if options.cover_letter
        else "an empty list."
    )
    system = (
        _prompts()
        .get_template(f"{PROMPT_VERSION}.system.txt")
        .render(
            bullet_rule=BULLET_RULES[options.strength],
            skills_rule=SKILL_RULES[options.strength],
            summary_rule=SUMMARY_RULES[options.strength],
            cover_letter_rule=letter_rule,
            language_name=LANGUAGE_NAMES.get(language, language),
            tone=options.tone,
            length_pages=options.length_pages,
            max_bullets=caps[0],
        )
    )
    user = _prompts().get_template(f"{PROMPT_VERSION}.user.txt").render(**data)
    reply = caller.structured(
        provider,
        CompletionRequest(
            system=system,
            user=user,
            schema=edits.EDITS_SCHEMA,
            schema_name=edits.SCHEMA_NAME,
            max_tokens=caller.settings.max_output_tokens,
        ),
        validate=edits.check_ids(profile),
    )
    if redactor is not None:
        reply = redactor.restore_obj(reply)
    tailored_profile, notes = edits.apply_edits(
        profile, reply, match=match, options=options, vocabulary=vocabulary
    )
    letter: list[str] = []
    if options.cover_letter:
        letter, letter_notes = edits.guard_letter(
            [str(p) for p in reply.get("cover_letter") or []],
            profile,
            analysis,
            vocabulary=vocabulary,
        )
        notes += letter_notes
        if not letter:
            notes.append("the model's cover letter was unusable; wrote one offline instead")
            letter = cover_letter.write_cover_letter(
                profile,
                analysis,
                match,
                tone=options.tone,
                language=language,
                vocabulary=vocabulary,
            )
        else:
            name_line = str((profile.get("basics") or {}).get("name") or "")
            letter = cover_letter.limit_words(letter, MAX_LETTER_WORDS - len(name_line.split()))
            if name_line:
                letter.append(name_line)
    return Tailored(
        profile=tailored_profile,
        cover_letter=letter,
        provider=name,
        model=caller.calls[-1].model if caller.calls else settings.model,
        prompt_version=PROMPT_VERSION,
        language=language,
        notes=notes,
    )
