"""Pure functions that turn replies, statuses and maps into what the page shows.

No Gradio here: every function takes plain data and returns strings, lists or dicts, so the
whole look of the page is tested without a server or a browser.
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Iterable
from typing import Any

from assistant import prompts
from assistant.completeness import Status
from assistant.csv_safety import safe_row
from assistant.gap import Gap
from assistant.schema import JourneyMap
from assistant.visual import map_css, map_fragment
from assistant.visual.view import FORMAT_LABELS

Message = dict[str, str]

IDEA_COLUMNS = ["stage", "format", "title", "angle", "pain point", "status", "source", "id"]
INGEST_COLUMNS = ["file", "result", "new chunks", "already stored", "reason"]


def chat_text(text: str) -> str:
    """A chat bubble's text: HTML-escaped (so `<script>` shows as text) but still Markdown.

    The Chatbot renders Markdown and would sanitize raw HTML away; escaping instead keeps what
    the user typed visible exactly as typed. `<br>` from Markdown table cells is kept.
    """
    return html.escape(text, quote=False).replace("&lt;br&gt;", "<br>")


def user_message(text: str) -> Message:
    return {"role": "user", "content": chat_text(text)}


def assistant_message(text: str) -> Message:
    return {"role": "assistant", "content": chat_text(text)}


def history_messages(history: Iterable[dict[str, Any]]) -> list[Message]:
    """The stored transcript (Store.messages) as Chatbot messages."""
    return [
        {"role": m["role"], "content": chat_text(m["content"])}
        for m in history
        if m.get("role") in ("user", "assistant")
    ]


def map_panel(journey: JourneyMap) -> str:
    """The live map for the page: its scoped stylesheet and the swimlane fragment."""
    return f"<style>{map_css()}</style>{map_fragment(journey)}"


def _question_key(gap: str) -> str:
    return Gap.parse(gap).question_key


def gap_label(journey: JourneyMap, gap: str, language: str = "en") -> str:
    """A human label for a gap key: `stage:2:touchpoints` -> `Stage 2 'Look around': touchpoints`."""
    t = prompts.guided(language)
    g = Gap.parse(gap)
    field = str(g.field)
    if g.section == "context":
        return "Context: " + t["context_fields"].get(field, field)
    if g.section == "persona":
        return "Persona: " + t["persona_fields"].get(field, field)
    if g.section == "stage" and g.stage is not None:
        number = g.stage
        name = journey.stages[number - 1].name if 1 <= number <= len(journey.stages) else "?"
        return f"Stage {number} '{name}': " + t["stage_fields"].get(field, field)
    return "Stages of the journey" if g.section == "stages" else g.key


def purpose_html(journey: JourneyMap, gap: str | None, language: str = "en") -> str:
    """What the next question asks for and why it matters (from prompts/guided/<lang>.yaml)."""
    if not gap:
        return (
            '<div class="jw-purpose"><b>Nothing left to ask.</b> '
            "Review the map, accept or reject suggestions, and export it.</div>"
        )
    t = prompts.guided(language)
    why = t["questions"].get(_question_key(gap), {}).get("why", "")
    why = prompts.fill(why, persona=journey.persona.name or "the customer") if why else ""
    return (
        f'<div class="jw-purpose" data-gap="{html.escape(gap)}">'
        f"<b>Next: {html.escape(gap_label(journey, gap, language))}</b>"
        f"<span>{html.escape(why)}</span></div>"
    )


def progress_html(st: Status) -> str:
    """The progress meter: overall percentage and one chip per section."""
    chips = "".join(
        f'<span class="jw-sec{" done" if not s.missing else ""}" title="{html.escape(s.key)}">'
        f"{html.escape(s.label)} {s.filled}/{s.total}</span>"
        for s in st.sections
    )
    return (
        f'<div class="jw-progress" data-percent="{st.percent}">'
        f'<div class="jw-bar"><div style="width:{st.percent}%"></div></div>'
        f"<b>{st.percent}% complete</b>{chips}</div>"
    )


def idea_rows(journey: JourneyMap, fmt: str | None = None) -> list[list[str]]:
    """Content ideas per stage (stage order), optionally only one format."""
    rows = []
    for number, stage in enumerate(journey.stages, 1):
        pains = {p.id: p.text for p in stage.pain_points}
        for idea in stage.content_ideas:
            if fmt and idea.format != fmt:
                continue
            rows.append(
                [
                    f"{number}. {stage.name}",
                    FORMAT_LABELS.get(idea.format, idea.format),
                    idea.text,
                    idea.angle,
                    pains.get(idea.pain_point_id or "", ""),
                    idea.status,
                    idea.provenance.source.value,
                    idea.id,
                ]
            )
    return rows


def ideas_csv(journey: JourneyMap, fmt: str | None = None) -> str:
    """The ideas table as CSV (the same rows the Ideas tab shows)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(IDEA_COLUMNS)
    writer.writerows(safe_row(row) for row in idea_rows(journey, fmt))
    return out.getvalue()


def ingest_rows(report: Any) -> list[list[Any]]:
    """assistant.ingest's IngestReport as table rows: one line per file."""
    return [ingest_row(f) for f in getattr(report, "files", [])]


def ingest_row(result: Any) -> list[Any]:
    """One file's ingest result as a table row (the name without control characters)."""
    from assistant.text_safety import printable

    return [printable(result.path.name), result.status, result.added, result.skipped, result.reason]


def map_choices(maps: Iterable[JourneyMap]) -> list[str]:
    return [m.name for m in maps]


def concept_markdown(card: Any) -> str:
    """A knowledge card as a Learn-tab explanation with its citation."""
    return f"### {card.title}\n\n{card.body}\n\n*Source: [{card.citation}]*"
