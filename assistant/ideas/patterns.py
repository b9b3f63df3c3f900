"""Idea patterns: per language, per content format, title and angle templates.

They live in `prompts/ideas/<language>.yaml`; a language without its own file (or a format
missing from it) falls back to English, so every map gets ideas.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import yaml

from assistant.prompts import fill
from assistant.resources import prompts_dir


@dataclass(frozen=True)
class Pattern:
    """One way to turn a pain point into an idea of one format."""

    format: str
    title: str
    angle: str
    rank: int
    """Position among the format's patterns (0 = the strongest)."""
    phases: tuple[str, ...] = ()
    """Phases the pattern is limited to (empty: any phase the format fits)."""
    needs: tuple[str, ...] = ()
    """Map facts the pattern needs (e.g. `product`)."""


@dataclass(frozen=True)
class PatternSet:
    """Everything one language's pattern file holds."""

    language: str
    quote: tuple[str, str]
    fallback: dict[str, str]
    cta: dict[str, str]
    channel: dict[str, str]
    channel_words: dict[str, tuple[str, ...]]
    patterns: dict[str, tuple[Pattern, ...]]
    format_names: dict[str, str]
    phase_names: dict[str, str]
    export: dict[str, Any]
    """Headings and sentences of the idea lists."""
    clean: dict[str, Any]
    """Rules that cut a pain point to its core (see `core.py`)."""


def _read(language: str) -> dict[str, Any] | None:
    path = prompts_dir() / "ideas" / f"{language}.yaml"
    if not path.is_file():
        return None
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict) or not isinstance(data.get("formats"), dict):
        raise ValueError(f"{path}: expected a mapping with a 'formats' section.")
    return data


def _patterns(data: dict[str, Any]) -> dict[str, tuple[Pattern, ...]]:
    out: dict[str, tuple[Pattern, ...]] = {}
    for fmt, entries in data["formats"].items():
        out[fmt] = tuple(
            Pattern(
                format=fmt,
                title=str(e["title"]),
                angle=str(e.get("angle", "")),
                rank=i,
                phases=tuple(e.get("phases") or ()),
                needs=tuple(e.get("needs") or ()),
            )
            for i, e in enumerate(entries or [])
        )
    return out


@cache
def load(language: str) -> PatternSet:
    """The patterns of a language, completed from English where that language has gaps."""
    base = _read("en")
    if base is None:
        raise FileNotFoundError("prompts/ideas/en.yaml is missing.")
    local = _read(language) if language != "en" else None
    data = base if local is None else {**base, **local}
    patterns = _patterns(base)
    if local is not None:
        patterns.update(_patterns(local))

    def merged(key: str) -> dict[str, Any]:
        return {**base.get(key, {}), **((local or {}).get(key) or {})}

    quote = data.get("quote") or ["“", "”"]
    return PatternSet(
        language=language if local is not None else "en",
        quote=(str(quote[0]), str(quote[1])),
        fallback={k: str(v) for k, v in merged("fallback").items()},
        cta={k: str(v) for k, v in merged("cta").items()},
        channel={k: str(v) for k, v in merged("channel").items()},
        channel_words={k: tuple(map(str, v)) for k, v in merged("channel_words").items()},
        patterns=patterns,
        format_names={k: str(v) for k, v in merged("format_names").items()},
        phase_names={k: str(v) for k, v in merged("phase_names").items()},
        export=merged("export"),
        clean=dict(data.get("clean") or {}),
    )


def render(template: str, values: dict[str, str]) -> str:
    """Fill a pattern's placeholders and tidy the spacing."""
    return " ".join(fill(template, **values).split())


@cache
def generic_ctas(language: str) -> frozenset[str]:
    """The phases' default calls to action in this language and English (what ideas carry
    until their stage's milestone is known; an empty CTA counts too). Both pattern sets are
    already loaded by then: generating the ideas read them."""
    ctas: set[str] = {""}
    for lang in dict.fromkeys((language, "en")):
        ctas.update(load(lang).cta.values())
    return frozenset(ctas)
