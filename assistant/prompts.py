"""Prompts and interview texts, loaded by name from `prompts/` (never written in Python)."""

from __future__ import annotations

from functools import cache
from typing import Any

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from assistant.language import LANGUAGES
from assistant.resources import prompts_dir


@cache
def guided(language: str) -> dict[str, Any]:
    """The guided interview texts of one language (falls back to English for missing keys)."""
    base = _load_yaml("guided/en.yaml")
    if language == "en":
        return base
    if language not in LANGUAGES:
        raise ValueError(
            f"Unsupported language '{language}'. Choose one of: {', '.join(LANGUAGES)}."
        )
    local = _load_yaml(f"guided/{language}.yaml")
    return _merge(base, local)


def _load_yaml(name: str) -> dict[str, Any]:
    path = prompts_dir() / name
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict):
        raise ValueError(f"Prompt file {path} is not a mapping.")
    return data


def _merge(base: dict[str, Any], local: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in local.items():
        if (
            isinstance(value, dict)
            and isinstance(base.get(key), dict)
            and key not in {"labels", "emotions"}
        ):
            merged[key] = _merge(base[key], value)
        else:
            merged[key] = value
    return merged


@cache
def _env() -> Environment:
    return Environment(
        loader=FileSystemLoader(str(prompts_dir())),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
    )


def render(name: str, **values: Any) -> str:
    """Render a Jinja prompt template such as `agent/system.md.j2`."""
    return _env().get_template(name).render(**values)


def fill(template: str, **values: Any) -> str:
    """Fill `{placeholders}` in an interview text; unknown ones stay visible rather than fail."""

    class _Keep(dict):
        def __missing__(self, key: str) -> str:
            return "{" + key + "}"

    return template.format_map(_Keep(values))
