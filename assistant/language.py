"""The interview languages: one type, written once."""

from __future__ import annotations

from typing import Literal, get_args

Language = Literal["en", "pl", "it"]
"""An interview language (prompts, knowledge cards, answer grammar exist for each)."""
LANGUAGES: tuple[Language, ...] = get_args(Language)


NAMES: dict[Language, str] = {"en": "English", "pl": "Polish", "it": "Italian"}
"""Each language's English name (for prompts that tell a model which language to write)."""
HELP = ", ".join(LANGUAGES[:-1]) + " or " + LANGUAGES[-1]
"""`en, pl or it`, for help texts."""
