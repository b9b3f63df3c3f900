"""The natural-answer corpus (`../shared/answers/*.yaml`, format in its `FORMAT.md`): loading
the cases, and reading a map as comparable items per field.

Read in place: the corpus is never copied into the project."""

from __future__ import annotations

import glob
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, Field, ValidationError

from assistant.completeness import ASKED_STAGE_FIELDS
from assistant.schema import JourneyMap

LIST_FIELDS_PERSONA = ("quantitative", "qualitative", "goals", "challenges", "channels")
STAGE_FIELDS = ASKED_STAGE_FIELDS  # the stage fields the interview asks about
NO_FACT_INTENTS = {"dont_know", "skip", "question", "off_topic"}
STAGE_COMMANDS = {"rename_stage", "add_stage", "remove_stage", "move_stage"}


class AnswerCase(BaseModel):
    """One labelled message of the corpus."""

    id: str
    lang: str
    asked: str
    persona: str | None = None
    stage: str | None = None
    stages: list[str] = Field(default_factory=list)
    previous: str | None = None
    say: str
    intent: str
    expect: dict[str, Any] = Field(default_factory=dict)
    not_expected: list[str] = Field(default_factory=list)


class CorpusError(ValueError):
    """A corpus file that cannot be read, with the reason."""


def default_corpus() -> list[Path]:
    """`../shared/answers/*-dev.yaml` next to the project (or the current folder's parent)."""
    roots = [Path(__file__).resolve().parents[2].parent, Path.cwd().parent]
    for root in roots:
        found = sorted(Path(p) for p in glob.glob(str(root / "shared/answers/*-dev.yaml")))
        if found:
            return found
    return []


def load_cases(paths: list[Path]) -> list[AnswerCase]:
    cases: list[AnswerCase] = []
    for path in paths:
        files = sorted(path.glob("*.yaml")) if path.is_dir() else [path]
        for file in files:
            try:
                raw = yaml.safe_load(file.read_text(encoding="utf-8")) or []
                cases.extend(AnswerCase.model_validate(entry) for entry in raw)
            except (OSError, yaml.YAMLError, ValidationError, TypeError) as exc:
                raise CorpusError(f"Cannot read corpus file {file}: {exc}") from exc
    if not cases:
        raise CorpusError("No corpus cases found (give --corpus PATH to a *.yaml file).")
    return cases


@dataclass(frozen=True)
class MapItem:
    """One value on the map, in a form the scorer compares."""

    field: str
    """`context.company`, `persona.goals`, `stage.pain_points`, `stages`..."""
    stage_id: str | None
    key: str
    """Identity across snapshots: the item id, or the field for single values."""
    text: str
    extra: tuple[tuple[str, Any], ...] = ()

    def get(self, name: str) -> Any:
        return dict(self.extra).get(name)


def map_items(journey: JourneyMap) -> list[MapItem]:
    """Every interview value of the map (ideas and opportunities left out)."""
    out: list[MapItem] = []
    for name in ("company", "product", "market", "purpose", "destination"):
        value = getattr(journey.context, name)
        if value:
            out.append(MapItem(f"context.{name}", None, f"context.{name}", str(value)))
    for name in ("name", "role", "tone"):
        value = getattr(journey.persona, name)
        if value:
            out.append(MapItem(f"persona.{name}", None, f"persona.{name}", str(value)))
    for name in LIST_FIELDS_PERSONA:
        for item in getattr(journey.persona, name):
            out.append(MapItem(f"persona.{name}", None, item.id, item.text))
    for stage in journey.stages:
        out.append(MapItem("stages", None, stage.id, stage.name))
        for name in STAGE_FIELDS:
            for item in getattr(stage, name):
                extra: dict[str, Any] = {}
                text = item.text
                if name == "touchpoints":
                    extra["department"] = item.department
                elif name == "emotions":
                    extra["score"] = item.score
                elif name == "pain_points":
                    extra["severity"] = item.severity
                elif name == "milestones":
                    extra["trigger"] = item.trigger
                elif name == "decision_points":
                    extra = {
                        "condition": item.condition,
                        "likely_action": item.likely_action,
                        "competitor_risk": item.competitor_risk,
                    }
                    text = f"{item.condition} -> {item.likely_action}"
                out.append(
                    MapItem(f"stage.{name}", stage.id, item.id, text, tuple(sorted(extra.items())))
                )
    return out


def changed_items(before: JourneyMap, after: JourneyMap) -> tuple[list[MapItem], list[MapItem]]:
    """(added or changed, removed) between two snapshots; stage names are not items here."""
    old = {(i.field, i.key): i for i in map_items(before) if i.field != "stages"}
    new = {(i.field, i.key): i for i in map_items(after) if i.field != "stages"}
    added = [i for k, i in new.items() if old.get(k) != i]
    removed = [i for k, i in old.items() if k not in new]
    return added, removed


def expected_items(case: AnswerCase, journey: JourneyMap) -> list[tuple[str, str | None, Any]]:
    """(field, stage id, expected value) for each expected item; `stages` is left out (it is
    compared as a whole list)."""
    out: list[tuple[str, str | None, Any]] = []
    for key, value in case.expect.items():
        if key == "stages":
            continue
        field, stage_id = key, None
        if key.startswith("stage"):
            name = case.stage
            if key.startswith("stage["):
                name, _, rest = key[len("stage[") :].partition("]")
                field = "stage" + rest
            stage_id = _stage_id(journey, name)
        values = value if isinstance(value, list) else [value]
        out.extend((field, stage_id, v) for v in values)
    return out


def _stage_id(journey: JourneyMap, name: str | None) -> str | None:
    for stage in journey.stages:
        if name is not None and stage.name.casefold() == name.casefold():
            return stage.id
    return None
