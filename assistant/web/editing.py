"""Editing the map from the page: what the edit panel shows for a clicked card or an empty
cell, and the changes its buttons make.

Every change goes through the session's tools (validated, one undoable change each, source
`user`), exactly as a chat answer would. The page's click handler only sends a *pick*:
`item:<id>` for a card or `add:<stage id>|<field>` for a "+" in a cell.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from assistant.schema import (
    STAGE_FIELDS,
    ContentIdea,
    DecisionPoint,
    Emotion,
    Item,
    JourneyMap,
    Milestone,
    PainPoint,
    Stage,
    Touchpoint,
)
from assistant.visual.labels import fill, labels

if TYPE_CHECKING:
    from assistant.session import Session

DETAILS = ("department", "score", "severity", "trigger", "then", "risk", "format")
"""The detail inputs of the panel; which ones show depends on the card's field."""
FIELD_DETAILS = {
    "touchpoints": ("department",),
    "emotions": ("score",),
    "pain_points": ("severity",),
    "milestones": ("trigger",),
    "decision_points": ("then", "risk"),
    "content_ideas": ("format",),
}


class EditError(Exception):
    """A change the panel cannot make; the message is for the user."""


@dataclass
class CardForm:
    """What the edit panel shows."""

    mode: str
    """`none` (nothing picked), `edit` (a card) or `add` (a new card in a cell)."""
    heading: str
    item_id: str = ""
    stage_id: str = ""
    field: str = ""
    text: str = ""
    values: dict[str, Any] = dataclasses.field(default_factory=dict)
    """Current detail values by DETAILS key."""
    details: tuple[str, ...] = ()
    """Which DETAILS inputs apply."""
    suggestion: bool = False
    """A pending suggestion (or proposed idea): Accept and Reject apply."""


@dataclass
class Edited:
    """A change made from the panel: the note for the chat and the form to show next."""

    note: str
    form: CardForm


def parse_pick(pick: str) -> tuple[str, str, str]:
    """`item:<id>` -> ("item", id, ""); `add:<stage>|<field>` -> ("add", stage, field)."""
    kind, _, rest = (pick or "").partition(":")
    if kind == "item" and rest:
        return "item", rest, ""
    if kind == "add":
        stage, _, name = rest.partition("|")
        if stage and name in STAGE_FIELDS:
            return "add", stage, name
    return "", "", ""


def locate(journey: JourneyMap, item_id: str) -> tuple[Stage, str, Item] | None:
    """The stage, field and item of an item id on a stage (None when it is gone)."""
    for stage in journey.stages:
        for name in STAGE_FIELDS:
            for item in getattr(stage, name):
                if item.id == item_id:
                    return stage, name, item
    return None


def form_for(journey: JourneyMap, pick: str, language: str) -> CardForm:
    """The panel for a pick; a card that is no longer on the map gives an explanation."""
    t = labels(language)
    kind, ref, name = parse_pick(pick)
    lanes = t["map"]["lanes"]
    if kind == "add":
        try:
            stage = journey.find_stage(ref)
        except KeyError:
            return CardForm("none", t["edit"]["gone"])
        values = {"score": 0, "severity": 2, "risk": "medium", "format": "blog_post"}
        return CardForm(
            "add",
            fill(t["edit"]["adding"], field=lanes[name], stage=stage.name),
            stage_id=stage.id,
            field=name,
            values=values,
            details=FIELD_DETAILS.get(name, ()),
        )
    found = locate(journey, ref) if kind == "item" else None
    if found is None:
        return CardForm("none", t["edit"]["gone"] if kind else t["edit"]["empty"])
    stage, name, item = found
    values = _values(item)
    text = item.condition if isinstance(item, DecisionPoint) else item.text
    pending = item.provenance.is_suggestion or (
        isinstance(item, ContentIdea) and item.status == "proposed"
    )
    return CardForm(
        "edit",
        fill(t["edit"]["editing"], field=lanes[name], stage=stage.name),
        item_id=item.id,
        stage_id=stage.id,
        field=name,
        text=text,
        values=values,
        details=FIELD_DETAILS.get(name, ()),
        suggestion=pending,
    )


def _values(item: Item) -> dict[str, Any]:
    if isinstance(item, Touchpoint):
        return {"department": item.department or ""}
    if isinstance(item, Emotion):
        return {"score": item.score}
    if isinstance(item, PainPoint):
        return {"severity": item.severity}
    if isinstance(item, Milestone):
        return {"trigger": item.trigger or ""}
    if isinstance(item, DecisionPoint):
        return {"then": item.likely_action, "risk": item.competitor_risk}
    if isinstance(item, ContentIdea):
        return {"format": item.format}
    return {}


class CardEditor:
    """The panel's buttons, over one session's tools."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.t = labels(session.map.language)

    def _call(self, tool: str, args: dict[str, Any]) -> list[str]:
        """Run a tool; returns the ids it added (EditError with the refusal otherwise)."""
        result = self.session.tools.call(tool, args)
        if not result.ok:
            raise EditError(result.refusal or result.text)
        return list(result.added)

    def _noted(self, key: str, item_id: str, fallback: tuple[Stage, str, Item]) -> Edited:
        """The chat note for a change (the item as it is now, else as it was) and the panel."""
        journey = self.session.map
        stage, name, item = locate(journey, item_id) or fallback
        note = fill(
            self.t["edit"]["noted"][key],
            field=self.t["map"]["lanes"][name],
            text=item.text,
            stage=stage.name,
        )
        self.session.store.add_message(self.session.map_id, "assistant", note, {"kind": "edit"})
        pick = f"item:{item_id}" if locate(journey, item_id) else ""
        return Edited(note, form_for(journey, pick, journey.language))

    def _current(self, item_id: str) -> tuple[Stage, str, Item]:
        found = locate(self.session.map, item_id)
        if found is None:
            raise EditError(self.t["edit"]["gone"])
        return found

    def save(self, item_id: str, text: str, values: dict[str, Any]) -> Edited:
        """Change a card's text and details (only what differs from the map)."""
        before = self._current(item_id)
        _, name, item = before
        text = (text or "").strip()
        if not text:
            raise EditError(self.t["edit"]["need_text"])
        changes = _changes(item, name, text, values)
        if changes:
            self._call("update_item", {"item_id": item_id, **changes})
        return self._noted("updated", item_id, before)

    def add(self, stage_id: str, name: str, text: str, values: dict[str, Any]) -> Edited:
        """A new card (source user) in one cell."""
        text = (text or "").strip()
        if not text:
            raise EditError(self.t["edit"]["need_text"])
        journey = self.session.map
        if name == "decision_points":
            added = self._call(
                "add_decision_point",
                {
                    "stage": stage_id,
                    "condition": text,
                    "likely_action": (values.get("then") or "").strip() or "?",
                    "competitor_risk": values.get("risk") or "medium",
                },
            )
        elif name == "content_ideas":
            args = {"stage": stage_id, "title": text, "format": values.get("format") or "blog_post"}
            added = self._call("add_content_idea", args)
        else:
            entry: dict[str, Any] = {"text": text}
            for key, value in _details(name, values).items():
                entry[key] = value
            args = {"stage": stage_id, "field": name, "items": [entry]}
            added = self._call("add_stage_items", args)
        found = locate(self.session.map, added[0]) if added else None
        if found is None:  # the same text was already there: nothing added
            return Edited(
                "", form_for(self.session.map, f"add:{stage_id}|{name}", journey.language)
            )
        return self._noted("added", added[0], found)

    def delete(self, item_id: str) -> Edited:
        before = self._current(item_id)
        self._call("remove_item", {"item_ids": [item_id]})
        return self._noted("removed", item_id, before)

    def move(self, item_id: str, stage_id: str, name: str, score: Any = None) -> Edited:
        before = self._current(item_id)
        if before[0].id == stage_id and before[1] == name:
            raise EditError(self.t["edit"]["same_place"])
        args: dict[str, Any] = {"item_id": item_id, "stage": stage_id, "field": name}
        if name == "emotions" and score not in (None, ""):
            args["score"] = int(score)
        self._call("move_item", args)
        return self._noted("moved", item_id, before)

    def accept(self, item_id: str) -> Edited:
        before = self._current(item_id)
        self._call("accept_suggestion", {"item_ids": [item_id]})
        return self._noted("accepted", item_id, before)

    def reject(self, item_id: str) -> Edited:
        before = self._current(item_id)
        self._call("reject_suggestion", {"item_ids": [item_id]})
        return self._noted("rejected", item_id, before)

    def undo(self) -> Edited:
        self._call("undo_last_change", {})
        note = self.t["edit"]["noted"]["undone"]
        self.session.store.add_message(self.session.map_id, "assistant", note, {"kind": "edit"})
        return Edited(note, form_for(self.session.map, "", self.session.map.language))


def _details(name: str, values: dict[str, Any]) -> dict[str, Any]:
    """The tool arguments for a field's detail inputs (empty inputs left out)."""
    out: dict[str, Any] = {}
    for key in FIELD_DETAILS.get(name, ()):
        value = values.get(key)
        if value in (None, ""):
            continue
        if key in ("score", "severity"):
            out[key] = int(value)
        elif key == "department" or key == "trigger":
            out[key] = str(value).strip()
    return {k: v for k, v in out.items() if v != ""}


def _changes(item: Item, name: str, text: str, values: dict[str, Any]) -> dict[str, Any]:
    """update_item arguments for what the panel changed."""
    changes: dict[str, Any] = {}
    if isinstance(item, DecisionPoint):
        if text != item.condition:
            changes["condition"] = text
        then = (values.get("then") or "").strip()
        if then and then != item.likely_action:
            changes["likely_action"] = then
        if values.get("risk") and values["risk"] != item.competitor_risk:
            changes["competitor_risk"] = values["risk"]
        return changes
    if text != item.text:
        changes["text"] = text
    current = _values(item)
    for key, value in _details(name, values).items():
        if value != current.get(key):
            changes[key] = value
    return changes
