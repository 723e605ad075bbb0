"""Which language to write the documents in: the user's choice, else the job posting's own.

Detection runs offline with `langdetect` (profiles shipped in the package). Its sampling is
random unless seeded, and the same posting must always give the same documents, so it is seeded
once here for the whole process.
"""

from __future__ import annotations

import re

from langdetect import DetectorFactory, detect_langs
from langdetect.lang_detect_exception import LangDetectException

from worker.pipeline.types import Options

DetectorFactory.seed = 0

DEFAULT_LANGUAGE = "en"

LANGUAGE_NAMES = {
    "ar": "Arabic",
    "cs": "Czech",
    "da": "Danish",
    "de": "German",
    "el": "Greek",
    "en": "English",
    "es": "Spanish",
    "fi": "Finnish",
    "fr": "French",
    "he": "Hebrew",
    "hi": "Hindi",
    "hu": "Hungarian",
    "id": "Indonesian",
    "it": "Italian",
    "ja": "Japanese",
    "ko": "Korean",
    "nl": "Dutch",
    "no": "Norwegian",
    "pl": "Polish",
    "pt": "Portuguese",
    "ro": "Romanian",
    "ru": "Russian",
    "sk": "Slovak",
    "sv": "Swedish",
    "tr": "Turkish",
    "uk": "Ukrainian",
    "vi": "Vietnamese",
    "zh": "Chinese",
}
"""English names of ISO 639-1 codes, for telling a language model what to write in."""

# Below this many words a posting is a title or a skill list ("Python, Kubernetes, Docker"),
# which langdetect happily calls German; English is the safer guess for such scraps.
MIN_WORDS = 8
MIN_CONFIDENCE = 0.8
# The first few thousand characters decide it; the rest only costs time.
MAX_CHARS = 1000

_NOISE = re.compile(r"https?://\S+|www\.\S+|\S+@\S+")
_WORD = re.compile(r"[^\W\d_]{2,}")


def normalise_language(code: str | None) -> str | None:
    """`de-DE`, `DE` and ` de_de ` all mean `de`; None or blank means no preference."""
    if not code or not code.strip():
        return None
    primary = re.split(r"[-_]", code.strip().lower(), maxsplit=1)[0]
    return primary if primary.isalpha() and 2 <= len(primary) <= 3 else None


def detect_language(text: str) -> str:
    """The ISO 639-1 code of `text`'s language, English when the text is too short to tell."""
    sample = _NOISE.sub(" ", text[:MAX_CHARS])
    if len(_WORD.findall(sample)) < MIN_WORDS:
        return DEFAULT_LANGUAGE
    try:
        candidates = detect_langs(sample)
    except LangDetectException:
        return DEFAULT_LANGUAGE
    best = candidates[0] if candidates else None
    if best is None or best.prob < MIN_CONFIDENCE:
        return DEFAULT_LANGUAGE
    return normalise_language(best.lang) or DEFAULT_LANGUAGE


def resolve_language(options: Options, posting_text: str) -> str:
    """The user's chosen language if any, else the posting's, so a letter answers in kind."""
    return normalise_language(options.language) or detect_language(posting_text)
