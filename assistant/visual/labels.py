"""Interface labels of the web app and the swimlane map, per language, from
`prompts/web/<lang>.yaml` (English fills any key a translation lacks)."""

from __future__ import annotations

from functools import cache
from typing import Any

import yaml

from assistant.prompts import LANGUAGES
from assistant.resources import prompts_dir


def _load(language: str) -> dict[str, Any]:
    path = prompts_dir() / "web" / f"{language}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"Label file {path} is not a mapping.")
    return data


def _merge(base: dict[str, Any], local: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in local.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            merged[key] = _merge(base[key], value)
        else:
            merged[key] = value
    return merged


@cache
def labels(language: str = "en") -> dict[str, Any]:
    """All labels of one language; an unknown language gets English."""
    base = _load("en")
    if language == "en" or language not in LANGUAGES:
        return base
    return _merge(base, _load(language))


def fill(template: str, **values: Any) -> str:
    """Fill `{placeholders}`; a missing one stays visible rather than failing."""

    class _Keep(dict):
        def __missing__(self, key: str) -> str:
            return "{" + key + "}"

    return template.format_map(_Keep(values))
