"""What the brief says about one gap, written in the guided engine's answer grammar.

Touchpoints become `text (Department)`, emotions `text (+1)`, pain points `text (high)`,
decision points `if CONDITION, then ACTION (high)` with the language's own words, read from
`prompts/guided/<lang>.yaml` so the simulated user speaks the interview's language.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import yaml

from assistant import prompts
from assistant.completeness import ASKED_STAGE_FIELDS
from assistant.evals.scenario import BriefDecision, Scenario, ScenarioStage
from assistant.gap import Gap
from assistant.resources import prompts_dir

SINGLE = {"company", "product", "market", "purpose", "destination", "name", "role", "tone"}
SECTION_FIELDS = {
    "context": ["company", "product", "market", "purpose", "destination"],
    "persona": [
        "name",
        "role",
        "quantitative",
        "qualitative",
        "goals",
        "challenges",
        "channels",
        "tone",
    ],
    "stage": list(ASKED_STAGE_FIELDS),
}


@cache
def style_phrases(language: str) -> dict[str, Any]:
    """The style phrases of one language from `prompts/evals/styles.yaml`."""
    data = yaml.safe_load((prompts_dir() / "evals" / "styles.yaml").read_text(encoding="utf-8"))
    return dict(data.get(language) or data["en"])


class Phrasebook:
    """The interview words of one language and the formatting of brief items."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.texts: dict[str, Any] = prompts.guided(language)
        self.words: dict[str, Any] = self.texts["words"]
        self.medium_risk: str = style_phrases(language).get("medium_risk", "")

    def word(self, key: str, index: int = 0) -> str:
        """One command word (e.g. `undo`, `skip`), capitalised like a person would type it."""
        options = self.words[key]
        text = str(options[index % len(options)])
        return text[:1].upper() + text[1:]

    def dont_know(self, index: int = 0) -> str:
        return self.word("dont_know", index)

    def label(self, target: str) -> str | None:
        """The first label the engine understands for a field key (`stage.touchpoints`)."""
        for name, where in self.texts.get("labels", {}).items():
            if where == target:
                return str(name)
        return None

    def command(self, kind: str, **values: str) -> str | None:
        """A sentence matching the language's command regex (e.g. `rename_stage`), or None.

        The template is derived from the regex itself, so a translated pattern needs no
        separate template; the result is checked against the regex before it is used."""
        pattern = self.words.get(kind)
        if not pattern:
            return None
        text = re.sub(r"\(\?:[^()]*\(\?P<\w+>[^()]*\)[^()]*\)\?", "", pattern)  # optional parts
        text = re.sub(r"\(\?P<(\w+)>[^()]*\)", r"{\1}", text)
        text = re.sub(r"\(\?:([^|()]*)(?:\|[^()]*)?\)", r"\1", text)
        text = text.strip("^$").replace("\\", "")
        try:
            sentence = text.format(**values)
        except (KeyError, IndexError, ValueError):
            return None
        return sentence if re.match(pattern, sentence, re.IGNORECASE) else None

    # brief items in the engine's grammar -------------------------------------------------------
    def items(self, scenario: Scenario, gap: str) -> list[str]:
        """The brief's answer to a gap as a list of items ([] when the brief lacks it)."""
        g = Gap.parse(gap)
        field = str(g.field)
        if g.section == "context":
            value = getattr(scenario.context, field, None)
            return [value.upper() if field == "market" else value] if value else []
        if g.section == "persona":
            value = getattr(scenario.persona, field, None)
            if isinstance(value, list):
                return list(value)
            return [value] if value else []
        if g.section == "stages":
            return [s.name for s in scenario.stages]
        if g.section == "stage" and g.stage is not None:
            number = g.stage
            if not 1 <= number <= len(scenario.stages):
                return []
            return self.stage_items(scenario.stages[number - 1], field)
        return []

    def stage_items(self, stage: ScenarioStage, field: str) -> list[str]:
        raw = getattr(stage, field, None) or []
        if field == "touchpoints":
            return [f"{t.text} ({t.department})" if t.department else t.text for t in raw]
        if field == "emotions":
            return [f"{e.text} ({e.score:+d})" for e in raw]
        if field == "pain_points":
            return [self._pain(p.text, p.severity) for p in raw]
        if field == "decision_points":
            return [self.decision(d) for d in raw]
        return [str(x) for x in raw]

    def _pain(self, text: str, severity: int) -> str:
        if severity == 3:
            return f"{text} ({self.words['severity_high'][0]})"
        if severity == 1:
            return f"{text} ({self.words['severity_low'][0]})"
        return text

    def decision(self, point: BriefDecision) -> str:
        condition = strip_if(point.condition, self.words["if"])
        text = f"{self.words['if'][0]} {condition}, {self.words['then'][0]} {point.likely_action}"
        if point.competitor_risk == "high":
            text += f" ({self.words['risk_high'][0]})"
        elif point.competitor_risk == "low":
            text += f" ({self.words['risk_low'][0]})"
        elif self.medium_risk:
            text += f" ({self.medium_risk})"
        return text[:1].upper() + text[1:]

    def join(self, field: str, items: list[str]) -> str:
        """Items as one answer: questions keep their '?', decision points their commas."""
        if field == "questions":
            return " ".join(i if i.rstrip().endswith("?") else i + "?" for i in items)
        if field == "decision_points":
            return "; ".join(items)
        return ", ".join(items)


def strip_if(condition: str, if_words: list[str]) -> str:
    """'if pricing is hidden' -> 'pricing is hidden' (any of the language's if-words)."""
    for word in sorted(if_words, key=len, reverse=True):
        if condition.casefold().startswith(word.casefold() + " "):
            return condition[len(word) + 1 :].strip()
    return condition.strip()


def field_of(gap: str) -> str:
    """The field name of a gap key (`stage:2:touchpoints` -> `touchpoints`)."""
    g = Gap.parse(gap)
    return g.field or g.section
