"""The scenario format: a hidden brief the simulated user knows and the assistant does not.

Scenarios live in `evals/scenarios/*.yaml`; any directory of files in this format can be
evaluated. Loading validates each file and names the file and field of any problem.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from assistant.language import Language

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]

Style = Literal[
    "terse",
    "verbose",
    "rambling",
    "unsure",
    "corrects_itself",
    "off_topic",
    "multi_answer",
    "natural",
]
"""How the simulated user talks (see `assistant/evals/styles.py`)."""


class Brief(BaseModel):
    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)


class ScenarioContext(Brief):
    """What the map is about. A missing field is one the user does not know."""

    company: Text | None = None
    product: Text | None = None
    market: Literal["b2b", "b2c"] | None = None
    purpose: Text | None = None
    destination: Text | None = None


class ScenarioPersona(Brief):
    """The one customer type the user knows."""

    name: Text | None = None
    role: Text | None = None
    quantitative: list[Text] = Field(default_factory=list)
    qualitative: list[Text] = Field(default_factory=list)
    goals: list[Text] = Field(default_factory=list)
    challenges: list[Text] = Field(default_factory=list)
    channels: list[Text] = Field(default_factory=list)
    tone: Text | None = None


class BriefTouchpoint(Brief):
    text: Text
    department: Text | None = None
    """The department owning the touchpoint."""


class BriefEmotion(Brief):
    text: Text
    score: int = Field(ge=-2, le=2)
    """-2 .. +2, as on the map."""


class BriefPain(Brief):
    text: Text
    severity: int = Field(default=2, ge=1, le=3)
    """1 low, 2 medium, 3 high."""


class BriefDecision(Brief):
    condition: Text
    """The 'if' part; may start with the language's if-word."""
    likely_action: Text
    competitor_risk: Literal["low", "medium", "high"] = "medium"


class ScenarioStage(Brief):
    """One stage as the user knows it. A missing or empty field is one the user cannot answer."""

    name: Text
    goals: list[Text] = Field(default_factory=list)
    actions: list[Text] = Field(default_factory=list)
    touchpoints: list[BriefTouchpoint] = Field(default_factory=list)
    questions: list[Text] = Field(default_factory=list)
    thoughts: list[Text] = Field(default_factory=list)
    emotions: list[BriefEmotion] = Field(default_factory=list)
    pain_points: list[BriefPain] = Field(default_factory=list)
    relief: list[Text] = Field(default_factory=list)
    milestones: list[Text] = Field(default_factory=list)
    decision_points: list[BriefDecision] = Field(default_factory=list)


class Scenario(Brief):
    """One simulated user's hidden brief."""

    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,79}$")]
    """Unique id, also the map name in the eval workspace."""
    language: Language
    style: Style
    description: str = ""
    """What the scenario tests, for the report."""
    context: ScenarioContext
    persona: ScenarioPersona
    stages: list[ScenarioStage] = Field(min_length=1, max_length=15)
    source: str = Field(default="", exclude=True)
    """The file it was loaded from (set by the loader)."""


class ScenarioError(ValueError):
    """A scenario file that cannot be used, with the file and the field in the message."""


def load_scenario(path: Path) -> Scenario:
    """Read and validate one scenario file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ScenarioError(f"{path}: cannot read the scenario: {exc}") from exc
    if not isinstance(data, dict):
        raise ScenarioError(f"{path}: a scenario must be a YAML mapping.")
    try:
        scenario = Scenario.model_validate({**data, "source": str(path)})
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise ScenarioError(f"{path}: {problems}") from exc
    return scenario


def load_scenarios(folder: Path, only: list[str] | None = None) -> list[Scenario]:
    """Every `*.yaml`/`*.yml` scenario of a folder, sorted by id; duplicate ids are refused."""
    if not folder.is_dir():
        raise ScenarioError(f"{folder}: no such scenario folder.")
    files = sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])
    scenarios = [load_scenario(f) for f in files]
    seen: dict[str, str] = {}
    for s in scenarios:
        if s.id in seen:
            raise ScenarioError(f"{s.source}: id '{s.id}' is also used by {seen[s.id]}.")
        seen[s.id] = s.source
    if only:
        unknown = sorted(set(only) - set(seen))
        if unknown:
            raise ScenarioError(f"Unknown scenario id(s): {', '.join(unknown)}.")
        scenarios = [s for s in scenarios if s.id in only]
    if not scenarios:
        raise ScenarioError(f"{folder}: no scenario files (*.yaml).")
    return sorted(scenarios, key=lambda s: s.id)


def default_folder() -> Path:
    """The shipped scenarios: `evals/scenarios` in a source checkout."""
    return Path(__file__).resolve().parents[2] / "evals" / "scenarios"
