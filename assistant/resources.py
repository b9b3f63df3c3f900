"""Where the data folders are: `prompts/` and `knowledge/`.

In a source checkout (and an editable install) they sit at the repository root and are read
in place; a built wheel carries copies in `assistant/_data/` (see pyproject.toml).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _find(name: str) -> Path:
    for candidate in (_PACKAGE.parent / name, _PACKAGE / "_data" / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"Data folder '{name}' not found next to the package.")


@cache
def prompts_dir() -> Path:
    return _find("prompts")


@cache
def knowledge_dir() -> Path:
    return _find("knowledge")
