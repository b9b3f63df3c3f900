"""What the natural-answer reader produces: a `Fact` (one thing to record, as data), and how
a remark said after an item (a score, a severity, a risk, a department) is put on the fact
it belongs to."""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

from assistant.guided import lexicon, prose


@dataclass
class Fact:
    """One thing to record: `section` context|persona|stage|stages, its field and value."""

    section: str
    field: str
    value: Any
    """A string for single values and stage names; a dict (text, score...) for list items."""
    extra: dict[str, Any] = dc_field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.section}.{self.field}" if self.section != "stages" else "stages"


def strip_subject(text: str, language: str, target: str) -> str:
    pattern = lexicon.data(language).get("subject_prefix", {}).get(target)
    if pattern:
        stripped = re.sub(pattern, "", text, count=1, flags=re.IGNORECASE).strip()
        if stripped:
            return stripped
    return text


def text_of(fact: Fact) -> str:
    if isinstance(fact.value, dict):
        return str(fact.value.get("text") or fact.value.get("condition") or "")
    return str(fact.value or "")


def attach(note: prose.Remark, facts: list[Fact], in_stage: bool, language: str) -> None:
    """Put a remark's score, severity, risk or department on the item it follows."""
    if not facts:
        return
    last = facts[-1]
    if not isinstance(last.value, dict):
        return
    if note.score is not None:
        if last.field == "emotions" or not in_stage:
            last.value["score"] = note.score
        else:
            text = strip_subject(str(last.value.get("text", "")), language, "emotions")
            last.field, last.value = "emotions", {"text": text, "score": note.score}
        return
    if last.field == "decision_points" and (note.risk or note.severity):
        last.extra["risk"] = note.risk
        return
    if note.severity is not None and in_stage:
        if last.field != "pain_points":
            last.field = "pain_points"
            last.value = {"text": last.value.get("text", "")}
        last.value["severity"] = note.severity
        return
    if note.department and in_stage and note.item:
        named = _named(note.item, facts)
        if named is not None and named.field == "touchpoints":
            named.value["department"] = note.department
        else:
            value = {"text": note.item, "department": note.department}
            facts.append(Fact("stage", "touchpoints", value))
        return
    if note.department and in_stage:
        if last.field == "touchpoints":
            last.value["department"] = note.department
        else:
            facts.append(
                Fact(
                    "stage",
                    "touchpoints",
                    {"text": last.value.get("text", ""), "department": note.department},
                )
            )


def _named(item: str, facts: list[Fact]) -> Fact | None:
    """The fact a remark names by one of its words ('the site' names 'our new site')."""
    words = [w[:5] for w in re.findall(r"\w{4,}", item.casefold())]
    for fact in reversed(facts):
        text = str(text_of(fact)).casefold()
        if isinstance(fact.value, dict) and any(
            re.search(rf"\b{re.escape(w)}", text) for w in words
        ):
            return fact
    return None
