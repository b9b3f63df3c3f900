"""The cases of `journey eval --ideas`: maps typed the way teams type, and what their content
lead expects of the format mix (`evals/ideas/*.yaml`), or a natural-answer corpus read in place.

A case file holds `id`, `expect: {formats: [...], min_share: 0.6}` and a compact `map:` block
(context, persona with channels, stages with goals, questions, milestones and pain points as
plain strings or `{text, severity}`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from assistant.schema import Context, Item, JourneyMap, Milestone, PainPoint, Persona, Stage


@dataclass
class IdeaCase:
    """One map of the idea check and what its content lead expects."""

    id: str
    journey: JourneyMap
    formats: list[str]
    min_share: float


def default_folder() -> Path:
    """The shipped idea cases: `evals/ideas` in a source checkout."""
    return Path(__file__).resolve().parents[2] / "evals" / "ideas"


def _items(values: list[Any] | None) -> list[Item]:
    return [Item(text=str(v)) for v in values or []]


def build_map(data: dict[str, Any]) -> JourneyMap:
    """A JourneyMap from a case's compact `map:` block (lists of plain strings)."""
    persona = dict(data.get("persona") or {})
    stages = []
    for st in data.get("stages") or []:
        pains = []
        for p in st.get("pain_points") or []:
            entry = p if isinstance(p, dict) else {"text": p}
            pains.append(PainPoint(text=entry["text"], severity=entry.get("severity", 2)))
        stages.append(
            Stage(
                name=st["name"],
                goals=_items(st.get("goals")),
                questions=_items(st.get("questions")),
                milestones=[Milestone(text=str(m)) for m in st.get("milestones") or []],
                pain_points=pains,
            )
        )
    return JourneyMap(
        name=data["name"],
        language=data.get("language", "en"),
        context=Context(**(data.get("context") or {})),
        persona=Persona(
            name=persona.get("name"),
            role=persona.get("role"),
            channels=_items(persona.get("channels")),
        ),
        stages=stages,
    )


def load_cases(folder: Path | None = None) -> list[IdeaCase]:
    """The cases of a folder (`evals/ideas` by default; a natural-answer corpus folder works
    too: its files are lists, read by `answer_cases`); ValueError names a broken file."""
    folder = folder or default_folder()
    cases = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            if isinstance(data, list):
                cases += answer_cases([path])
                continue
            expect = data.get("expect") or {}
            cases.append(
                IdeaCase(
                    id=str(data.get("id") or path.stem),
                    journey=build_map(data["map"]),
                    formats=list(expect.get("formats") or []),
                    min_share=float(expect.get("min_share", 0.0)),
                )
            )
        except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"{path}: not a valid idea case ({exc}).") from exc
    if not cases:
        raise ValueError(f"No idea cases (*.yaml) in {folder}.")
    return cases


def answer_cases(paths: list[Path]) -> list[IdeaCase]:
    """Idea cases from a natural-answer corpus (`../shared/answers/*.yaml`, FORMAT.md there):
    every message typed in answer to a pain-point question becomes a pain point as it was
    typed, on a stage of that name, one map per file. Text this check was not written for."""
    cases = []
    for path in paths:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        stages: dict[str, list[str]] = {}
        language = "en"
        for case in data:
            if case.get("asked") != "stage.pain_points" or case.get("intent") != "answer":
                continue
            language = case.get("lang", language)
            stages.setdefault(case.get("stage") or "Stage", []).append(str(case["say"]))
        if not stages:
            continue
        block = {
            "name": path.stem,
            "language": language,
            "stages": [{"name": n, "pain_points": p} for n, p in stages.items()],
        }
        cases.append(IdeaCase(f"answers:{path.stem}", build_map(block), [], 0.0))
    return cases
