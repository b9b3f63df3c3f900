"""Text renderings of a map: Markdown, CSV and a Mermaid `journey` diagram.

`map_to_markdown`, `map_to_csv` and `map_to_mermaid` take a `JourneyMap` (the schema knows
nothing of its renderings).
"""

from __future__ import annotations

import csv
import io
import re
from typing import TYPE_CHECKING, Any

from assistant import prompts
from assistant.csv_safety import safe_row
from assistant.schema import PERSONA_LIST_FIELDS, STAGE_FIELDS, ContentIdea, DecisionPoint, Item

if TYPE_CHECKING:
    from assistant.schema import JourneyMap

FIELD_TITLES = {
    "goals": "Goals",
    "actions": "Actions",
    "touchpoints": "Touchpoints",
    "questions": "Questions",
    "thoughts": "Thoughts",
    "emotions": "Emotions",
    "pain_points": "Pain points",
    "relief": "Moments of relief",
    "milestones": "Milestones / triggers",
    "decision_points": "Decision points",
    "opportunities": "Opportunities",
    "content_ideas": "Content ideas",
}


DETAIL_SHOWN = {"severity": "severity {}", "competitor_risk": "competitor risk {}"}
"""How `item_label` words an item detail (others show as their value)."""


def item_label(item: Item) -> str:
    """An item as one line of text, with its details (department, score, severity...)."""
    text = item.text
    extra = []
    details = item.details()
    if details:
        extra.append(", ".join(DETAIL_SHOWN.get(k, "{}").format(v) for k, v in details.items()))
    if item.provenance.is_suggestion:
        extra.append(f"suggested by {item.provenance.source.value}")
    return f"{text} ({'; '.join(extra)})" if extra else text


def md_text(text: str) -> str:
    """User text made inert in Markdown: renderers pass raw HTML through, so escape < and >."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cell(text: str) -> str:
    clean = md_text(text).replace("\\", "\\\\").replace("|", "\\|")
    return clean.replace("\n", " ").replace("\r", " ")


def _headings(language: str) -> dict[str, str]:
    """Markdown headings in the map's language (English built in; others from prompts/)."""
    english = {
        "title": "Customer journey map",
        "context": "Context",
        "persona": "Persona",
        "stage": "Stage",
        "field": "Field",
        "items": "Items",
        "emotion": "emotion",
        "company": "Company",
        "product": "Product",
        "market": "Market",
        "purpose": "Purpose",
        "destination": "Destination",
        "role": "Role",
        "tone": "Tone",
        **{f: f.replace("_", " ").capitalize() for f in PERSONA_LIST_FIELDS},
        **FIELD_TITLES,
    }
    if language == "en":
        return english
    t = prompts.guided(language)
    local = {
        k: v[:1].upper() + v[1:]
        for group in ("context_fields", "persona_fields")
        for k, v in t[group].items()
    }
    local.update({k: v[:1].upper() + v[1:] for k, v in t["stage_fields"].items()})
    return {**english, **local, **t.get("export", {})}


def map_to_markdown(m: JourneyMap) -> str:
    c, p = m.context, m.persona
    h = _headings(m.language)
    lines = [f"# {h['title']}: {md_text(m.name)}", "", f"## {h['context']}", ""]
    for key, value in (
        ("company", c.company),
        ("product", c.product),
        ("market", c.market.upper() if c.market else None),
        ("purpose", c.purpose),
        ("destination", c.destination),
    ):
        lines.append(f"- **{h[key]}:** {md_text(value) if value else '—'}")
    lines += [
        "",
        f"## {h['persona']}: {md_text(p.name or '—')}",
        "",
        f"- **{h['role']}:** {md_text(p.role or '—')}",
        f"- **{h['tone']}:** {md_text(p.tone or '—')}",
    ]
    for field in PERSONA_LIST_FIELDS:
        items = getattr(p, field)
        if items:
            lines.append(f"- **{h[field]}:** " + "; ".join(md_text(item_label(i)) for i in items))
    for number, stage in enumerate(m.stages, 1):
        score = stage.emotion_score()
        mood = f" ({h['emotion']} {score:+.1f})" if score is not None else ""
        lines += [
            "",
            f"## {h['stage']} {number}: {md_text(stage.name)}{mood}",
            "",
            f"| {h['field']} | {h['items']} |",
            "| --- | --- |",
        ]
        for field in STAGE_FIELDS:
            items = getattr(stage, field)
            cell = "<br>".join(_cell(item_label(i)) for i in items) if items else "—"
            lines.append(f"| {h[field]} | {cell} |")
    return "\n".join(lines) + "\n"


CSV_COLUMNS = [
    "stage_number",
    "stage",
    "field",
    "item_id",
    "text",
    "score",
    "severity",
    "department",
    "detail",
    "source",
    "accepted",
    "added_at",
]


def map_to_csv(m: JourneyMap) -> str:
    """The map as CSV rows; every cell neutralised against spreadsheet formulas."""
    out = io.StringIO()
    writer = SafeWriter(csv.writer(out, lineterminator="\n"))
    writer.writerow(CSV_COLUMNS)
    for key in ("company", "product", "market", "purpose", "destination"):
        value = getattr(m.context, key)
        if value:
            writer.writerow(["", "", f"context.{key}", "", value, "", "", "", "", "user", "", ""])
    for key in ("name", "role", "tone"):
        value = getattr(m.persona, key)
        if value:
            writer.writerow(["", "", f"persona.{key}", "", value, "", "", "", "", "user", "", ""])
    for field in PERSONA_LIST_FIELDS:
        for item in getattr(m.persona, field):
            writer.writerow(_row("", "", f"persona.{field}", item))
    for number, stage in enumerate(m.stages, 1):
        for field in STAGE_FIELDS:
            for item in getattr(stage, field):
                writer.writerow(_row(str(number), stage.name, field, item))
    return out.getvalue()


class SafeWriter:
    """A csv writer whose rows go through `csv_safety.safe_row`."""

    def __init__(self, writer: Any) -> None:
        self.writer = writer

    def writerow(self, row: list[str]) -> None:
        self.writer.writerow(safe_row(row))


def _row(number: str, stage: str, field: str, item: Item) -> list[str]:
    detail = ""
    if isinstance(item, DecisionPoint):
        detail = f"if {item.condition} then {item.likely_action}; risk {item.competitor_risk}"
    elif isinstance(item, ContentIdea):
        detail = f"{item.format}; {item.status}; pain {item.pain_point_id or ''}"
    elif getattr(item, "trigger", None):
        detail = str(item.trigger)  # type: ignore[attr-defined]
    prov = item.provenance
    return [
        number,
        stage,
        field,
        item.id,
        item.text,
        str(getattr(item, "score", "")),
        str(getattr(item, "severity", "")),
        getattr(item, "department", None) or "",
        detail,
        prov.source.value,
        "" if prov.accepted is None else str(prov.accepted).lower(),
        prov.added_at.isoformat(),
    ]


_MERMAID_CODES = {"#": "#35;", ":": "#58;", ";": "#59;", "%": "#37;"}
_MERMAID_SPECIAL = re.compile("[#:;%]")
# Words Mermaid's journey lexer reads as a statement when a task text starts with them.
_MERMAID_KEYWORD = re.compile(r"(journey\b|title\s|section\s|acc(title|descr))", re.IGNORECASE)
# A title is read up to the first '#', ';' or newline, and Mermaid does not decode entity codes
# in it: those two characters become their full-width look-alikes, and so does a '%' followed
# by another (`%%{init}%%` would be read as a directive). The colon needs nothing.
_TITLE_CODES = str.maketrans({"#": "\uff03", ";": "\uff1b"})


def mermaid_escape(text: str) -> str:
    """Mermaid's journey grammar breaks on ':' ';' '#', and '%%' starts a directive: write them
    as entity codes, in one pass so the codes' own '#' and ';' are not escaped again. A task
    that starts with a keyword (`journey`, `title`, `section`, `accDescr`...) gets its first
    letter as an entity code, so it stays a task."""
    clean = " ".join(text.split()) or "-"
    escaped = _MERMAID_SPECIAL.sub(lambda m: _MERMAID_CODES[m.group(0)], clean)
    if _MERMAID_KEYWORD.match(escaped):
        escaped = f"#{ord(escaped[0])};{escaped[1:]}"
    return escaped


def mermaid_title(text: str) -> str:
    """A diagram title: one line, '#', ';' and '%%' as look-alikes (see `_TITLE_CODES`)."""
    return re.sub("%(?=%)", "\uff05", " ".join(text.split()).translate(_TITLE_CODES))


def mermaid_score(stage_score: float | None) -> int:
    """-2..+2 to Mermaid's 1..5 (no emotion recorded counts as neutral, 3)."""
    if stage_score is None:
        return 3
    return max(1, min(5, round(stage_score) + 3))


def mermaid_title_text(m: JourneyMap) -> str:
    """The diagram's title as it should read: '<company or map>: <persona> journey'."""
    return f"{m.context.company or m.name}: {m.persona.name or 'customer'} journey"


def map_to_mermaid(m: JourneyMap) -> str:
    # A comma separates actors in a journey task, so the persona's own commas are escaped too.
    actor = mermaid_escape(m.persona.name or "Customer").replace(",", "#44;")
    title = mermaid_title(mermaid_title_text(m))
    lines = ["journey", f"    title {title}"]
    for stage in m.stages:
        lines.append(f"    section {mermaid_escape(stage.name)}")
        score = mermaid_score(stage.emotion_score())
        tasks = [i.text for i in stage.actions] + [i.text for i in stage.touchpoints]
        for task in tasks or [stage.name]:
            lines.append(f"      {mermaid_escape(task)}: {score}: {actor}")
    return "\n".join(lines) + "\n"
