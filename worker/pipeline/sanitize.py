"""Clean a pasted job posting before anyone analyses it.

Postings arrive pasted from web pages. Some carry text a human never saw (white-on-white or
zero-size HTML, zero-width characters) and some carry instructions aimed at an LLM ("ignore
previous instructions"). Both are removed here, and each removal becomes a warning the user sees.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from worker.pipeline.errors import InvalidInput

MIN_WORDS = 8
MAX_CHARS = 50_000

_INJECTION = re.compile(
    r"\b(ignore|disregard|forget|override)\s+(all\s+|any\s+|the\s+|your\s+|of\s+)*"
    r"(previous|prior|above|earlier|preceding|system|these|those)\s+"
    r"(instructions?|prompts?|rules|directions|guidelines)"
    r"|\b(ignore|disregard)\s+(all|any)\s+(instructions?|prompts?)"
    r"|\b(ignore|disregard)\s+(the\s+)?(rules|instructions|prompt)\s+(above|before)"
    r"|\b(system prompt|you are (now )?(an?|the) (ai|assistant|language model|llm|chatbot))\b"
    r"|\b(as an ai|rate this (candidate|resume) (as )?(highly|10|100))"
    r"|\b(give|assign) (this|the) (candidate|resume|applicant) (a )?(perfect|full|maximum|100)"
    r"|\bnote to (the )?(ai|llm|chatgpt|gpt|model|assistant|bot|screener|ats)\b"
    r"|^\W*(chatgpt|gpt-?\d*|claude|gemini|llm|ai|assistant|system|model)\s*:"
    r"|\b(rank|rate|score|mark) (this|the|my) (resume|candidate|applicant|cv) "
    r"(first|highest|highly|as (a )?(perfect|top|strong))"
    r"|\boutput (a )?(score|rating) (of )?\d+",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=\S)")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_HIDDEN_STYLE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*[0-2](\.\d+)?(px|pt)?\b"
    r"|(?<![-\w])color\s*:\s*(#f[a-f0-9]f[a-f0-9]f[a-f0-9]\b|#f[a-f0-9]{1}f[a-f0-9]{1}f[a-f0-9]{1}\b"
    r"|#f[a-f][a-f0-9]f[a-f][a-f0-9]f[a-f][a-f0-9]\b|white\b|snow\b|ivory\b"
    r"|rgba?\(\s*2[45]\d\s*,\s*2[45]\d\s*,\s*2[45]\d)"
    r"|opacity\s*:\s*0(\.0\d*)?(?![.\d])"
    r"|(left|top|text-indent)\s*:\s*-\d{3,}",
    re.IGNORECASE,
)
_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^>]{0,500}>")
_VOID = {"br", "hr", "img", "input", "meta", "link", "area", "base", "col", "source", "wbr"}
_BLOCK = {"p", "div", "li", "ul", "ol", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "br", "section"}


class JobDescriptionTooShort(InvalidInput):
    code = "job_description_too_short"


class JobDescriptionTooLong(InvalidInput):
    code = "job_description_too_long"


@dataclass
class CleanPosting:
    text: str
    warnings: list[str] = field(default_factory=list)


class _VisibleText(HTMLParser):
    """Collects the text a reader would see, skipping hidden elements, scripts and styles."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden_depth = 0
        self.stack: list[bool] = []
        self.dropped = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            if tag == "br":
                self.parts.append("\n")
            return
        style = " ".join(value or "" for name, value in attrs if name in {"style", "hidden"})
        hidden = (
            tag in {"script", "style", "template", "noscript"}
            or any(name == "hidden" or name == "aria-hidden" for name, _ in attrs)
            or bool(_HIDDEN_STYLE.search(style))
        )
        self.stack.append(hidden)
        if hidden:
            self.hidden_depth += 1
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID or not self.stack:
            return
        if self.stack.pop():
            self.hidden_depth -= 1
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self.hidden_depth:
            if data.strip():
                self.dropped += 1
            return
        self.parts.append(data)


def clean_field(text: str) -> tuple[str, list[str]]:
    """A title or company name: emptied (with a warning) when it is addressed to an AI."""
    text = _INVISIBLE.sub("", _TAG.sub("", text)).strip()
    if _INJECTION.search(text):
        return "", [f"ignored a title or company addressed to an AI: {text[:80]!r}"]
    return text, []


def clean_posting(text: str) -> CleanPosting:
    """Visible, instruction-free text of a posting, with a warning for everything removed."""
    if len(text) > MAX_CHARS:
        raise JobDescriptionTooLong(
            f"The job description is longer than {MAX_CHARS:,} characters; paste the posting only."
        )
    warnings: list[str] = []
    if _TAG.search(text):
        parser = _VisibleText()
        parser.feed(text)
        parser.close()
        text = "".join(parser.parts)
        if parser.dropped:
            warnings.append(
                f"removed {parser.dropped} piece(s) of hidden text (invisible in the posting)"
            )
    if _INVISIBLE.search(text):
        text = _INVISIBLE.sub("", text)
        warnings.append("removed invisible zero-width characters")
    kept: list[str] = []
    for line in text.splitlines():
        # Judge sentence by sentence: one-paragraph pastes hold real requirements too.
        sentences = _SENTENCE.split(line)
        flagged = [sentence for sentence in sentences if _INJECTION.search(sentence)]
        warnings.extend(
            f"ignored text addressed to an AI rather than a person: {sentence[:80]!r}"
            for sentence in flagged
        )
        kept.append(" ".join(part for part in sentences if part not in flagged).rstrip())
    cleaned = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()
    if len(re.findall(r"\w+", cleaned)) < MIN_WORDS:
        raise JobDescriptionTooShort(
            f"The job description needs at least {MIN_WORDS} words to be analysed; "
            "paste the full posting."
        )
    return CleanPosting(text=cleaned, warnings=warnings)
