"""A gap: one slot of the map the interview can ask about, as a value with ONE key format.

    context:<field>        persona:<field>        stages        stage:<N or stage id>:<field>

`Gap` is a `str` (its key), so it stores, compares and serialises as the key everywhere,
while code reads `gap.section`, `gap.stage`, `gap.stage_id` and `gap.field` instead of
splitting the key. `Gap.parse` is the one parser; no other module splits gap keys.
Stages are numbered from 1; `JourneyMap.skipped` names a stage by its id (`stage_id`), so a
skip survives reordering the stages.
"""

from __future__ import annotations

from typing import Any, Literal, cast

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema

Section = Literal["context", "persona", "stages", "stage"]
SECTIONS: tuple[str, ...] = ("context", "persona", "stages", "stage")


# Parsed gaps by key: a gap is a value (nothing changes it after parsing), and a guided turn
# parses the same few hundred keys thousands of times (the completeness checks walk every
# slot). Bounded, as keys may come from user input.
_PARSED: dict[str, Gap] = {}
_PARSED_MAX = 20_000


class Gap(str):
    """A gap key with its parts parsed. Build with `Gap.parse(key)` or the constructors."""

    section: Section
    field: str | None
    stage: int | None
    """1-based stage number (None for other sections, or when the stage is given by id)."""
    stage_id: str | None
    """The stage's id when the key names the stage by id (as `JourneyMap.skipped` does)."""

    def __new__(cls, key: str) -> Gap:
        if isinstance(key, Gap):
            return key
        known = _PARSED.get(key)
        if known is not None:
            return known
        parts = str(key).strip().split(":")
        section = parts[0]
        if section not in SECTIONS:
            raise ValueError(f"Unknown gap '{key}'.")
        field: str | None = None
        stage: int | None = None
        stage_id: str | None = None
        if section in ("context", "persona"):
            if len(parts) != 2 or not parts[1]:
                raise ValueError(f"Unknown gap '{key}': expected {section}:<field>.")
            field = parts[1]
        elif section == "stages":
            if len(parts) != 1:
                raise ValueError(f"Unknown gap '{key}': expected 'stages'.")
        else:
            if len(parts) != 3 or not parts[1] or not parts[2]:
                raise ValueError(f"Unknown gap '{key}': expected stage:<number>:<field>.")
            if parts[1].isdigit():
                stage = int(parts[1])  # from 1; 0 means "no stage" to some callers
            else:
                stage_id = parts[1]
            field = parts[2]
        text = ":".join(p for p in (section, _stage_part(stage, stage_id), field) if p)
        gap = super().__new__(cls, text)
        gap.section = cast(Section, section)
        gap.field = field
        gap.stage = stage
        gap.stage_id = stage_id
        if len(_PARSED) < _PARSED_MAX:
            _PARSED[key] = gap
        return gap

    @classmethod
    def parse(cls, key: str) -> Gap:
        """The one parser of gap keys; ValueError for a key that names no slot."""
        return cls(key)

    @classmethod
    def maybe(cls, key: str | None) -> Gap | None:
        """`parse`, with None (or an empty key) passing through."""
        return cls(key) if key else None

    @classmethod
    def context(cls, field: str) -> Gap:
        return cls(f"context:{field}")

    @classmethod
    def persona(cls, field: str) -> Gap:
        return cls(f"persona:{field}")

    @classmethod
    def stages(cls) -> Gap:
        return cls("stages")

    @classmethod
    def of_stage(cls, stage: int | str, field: str) -> Gap:
        """`stage` is a 1-based number or a stage id."""
        return cls(f"stage:{stage}:{field}")

    @property
    def key(self) -> str:
        return str.__str__(self)

    @property
    def question_key(self) -> str:
        """The key of the question text in the prompt files: `context.company`, `stage.goals`."""
        if self.section == "stages":
            return "stages"
        return f"{self.section}.{self.field}"

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(
            cls,
            core_schema.str_schema(),
            serialization=core_schema.plain_serializer_function_ser_schema(str),
        )

    def __reduce__(self) -> tuple[type[Gap], tuple[str]]:
        return (Gap, (self.key,))


def _stage_part(stage: int | None, stage_id: str | None) -> str | None:
    if stage is not None:
        return str(stage)
    return stage_id


def gap_parts(gap: str | None) -> tuple[str, str, int | None]:
    """(section, field, stage number) of a gap key; empty parts for no gap."""
    if not gap:
        return "", "", None
    parsed = Gap.parse(gap)
    if parsed.section == "stages":
        return "stages", "stages", None
    return parsed.section, str(parsed.field or ""), parsed.stage
