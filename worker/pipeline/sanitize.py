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
    r"|\b(give|assign) (this|the) (candidate|resume|applicant) (a )?(perfect|full|maximum|100)",
    re.IGNORECASE,
)
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_HIDDEN_STYLE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0(?![.\d])"
    r"|color\s*:\s*(#fff(fff)?\b|white\b|rgb\(\s*255\s*,\s*255\s*,\s*255\s*\))"
    r"|opacity\s*:\s*0(?![.\d])",
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
        if _INJECTION.search(line):
            warnings.append(
                f"ignored a line addressed to an AI rather than a person: {line[:80]!r}"
            )
            continue
        kept.append(line.rstrip())
    cleaned = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()
    if len(re.findall(r"\w+", cleaned)) < MIN_WORDS:
        raise JobDescriptionTooShort(
            f"The job description needs at least {MIN_WORDS} words to be analysed; "
            "paste the full posting."
        )
    return CleanPosting(text=cleaned, warnings=warnings)
