"""The skills vocabulary: canonical names, their aliases, and a fast matcher over free text."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

# Skill names contain + # . / & so word boundaries are spelled out by hand.
_BEFORE = r"(?<![\w+#/.&-])"
_AFTER = r"(?![\w+#/&-]|\.\w)"


def _alternation(names: Iterable[str]) -> str:
    # Longest first so "Machine Learning" wins over any shorter alias inside it.
    return "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))


@dataclass(frozen=True)
class SkillVocabulary:
    """Maps every alias (lower-cased) to its canonical skill name."""

    aliases: dict[str, str]
    patterns: tuple[re.Pattern[str], ...]

    @classmethod
    def from_lines(cls, lines: Iterable[str]) -> SkillVocabulary:
        aliases: dict[str, str] = {}
        exact: set[str] = set()
        for raw in lines:
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            names = [name.strip() for name in line.split("|") if name.strip()]
            canonical = names[0].lstrip("=")
            for name in names:
                if name.startswith("="):
                    # Everyday words (Go, R, Swift) count only when written as a skill is.
                    exact.add(name[1:])
                    name = name[1:]
                else:
                    aliases.setdefault(name.lower(), canonical)
                aliases.setdefault(name.lower(), canonical)
        loose = [alias for alias in aliases if alias not in {e.lower() for e in exact}]
        patterns = [re.compile(rf"{_BEFORE}(?:{_alternation(loose)}){_AFTER}", re.IGNORECASE)]
        if exact:
            patterns.append(re.compile(rf"{_BEFORE}(?:{_alternation(exact)}){_AFTER}"))
        return cls(aliases=aliases, patterns=tuple(patterns))

    def canonical(self, name: str) -> str | None:
        return self.aliases.get(name.strip().lower())

    def find(self, text: str) -> list[str]:
        """Canonical skills mentioned in `text`, in order of first mention, without repeats."""
        hits: list[tuple[int, str]] = []
        for pattern in self.patterns:
            hits.extend(
                (m.start(), self.aliases[m.group(0).lower()]) for m in pattern.finditer(text)
            )
        found: dict[str, None] = {}
        for _, skill in sorted(hits):
            found.setdefault(skill, None)
        return list(found)


@cache
def default_vocabulary() -> SkillVocabulary:
    """Load the shipped vocabulary once per process."""
    text = resources.files("worker.pipeline").joinpath("data/skills.txt").read_text("utf-8")
    return SkillVocabulary.from_lines(text.splitlines())
