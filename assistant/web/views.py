"""Pure functions that turn replies, statuses and maps into what the page shows.

No Gradio here: every function takes plain data and returns strings, lists or dicts, so the
whole look of the page is tested without a server or a browser.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any

from assistant import prompts
from assistant.completeness import Status
from assistant.gap import Gap
from assistant.ideas import idea_lists, to_csv
from assistant.schema import JourneyMap
from assistant.text_safety import printable
from assistant.visual import map_css, map_fragment
from assistant.visual.labels import fill, labels
from assistant.visual.view import format_labels

Message = dict[str, str]

IDEA_COLUMNS: list[str] = labels("en")["ideas"]["columns"]
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


def map_panel(journey: JourneyMap, editable: bool = True) -> str:
    """The live map for the page: its scoped stylesheet and the swimlane fragment, labelled
    in the map's language; `editable` adds the click targets of the edit panel."""
    return f"<style>{map_css()}</style>{map_fragment(journey, editable=editable)}"


def _question_key(gap: str) -> str:
    return Gap.parse(gap).question_key


def gap_label(journey: JourneyMap, gap: str, language: str = "en") -> str:
    """A human label for a gap key: `stage:2:touchpoints` -> `Stage 2 'Look around': touchpoints`."""
    t = prompts.guided(language)
    labelled = labels(language)["app"]["gaps"]
    g = Gap.parse(gap)
    field = str(g.field)
    if g.section == "context":
        return f"{labelled['context']}: " + t["context_fields"].get(field, field)
    if g.section == "persona":
        return f"{labelled['persona']}: " + t["persona_fields"].get(field, field)
    if g.section == "stage" and g.stage is not None:
        number = g.stage
        name = journey.stages[number - 1].name if 1 <= number <= len(journey.stages) else "?"
        head = fill(labelled["stage"], number=number, name=name)
        return f"{head}: " + t["stage_fields"].get(field, field)
    return str(labelled["stages"]) if g.section == "stages" else g.key


def section_label(key: str, label: str, language: str) -> str:
    """A progress chip's label in the language (stage chips keep the stage's name)."""
    names = labels(language)["app"]["gaps"]
    return str(names[key]) if key in ("context", "persona", "stages") else label


def purpose_html(
    journey: JourneyMap, gap: str | None, language: str = "en", complete: bool = False
) -> str:
    """What the next question asks for and why it matters (from prompts/guided/<lang>.yaml).
    On a complete map the next gap is optional, and the banner says so."""
    app = labels(language)["app"]
    if not gap:
        return (
            f'<div class="jw-purpose"><b>{html.escape(app["done_title"])}</b> '
            f"<span>{html.escape(app['done_text'])}</span></div>"
        )
    t = prompts.guided(language)
    why = t["questions"].get(_question_key(gap), {}).get("why", "")
    why = prompts.fill(why, persona=journey.persona.name or "the customer") if why else ""
    return (
        f'<div class="jw-purpose" data-gap="{html.escape(gap)}">'
        f"<b>{html.escape(app['next_optional' if complete else 'next'])} "
        f"{html.escape(gap_label(journey, gap, language))}</b>"
        f"<span>{html.escape(why)}</span></div>"
    )


def progress_html(st: Status, language: str = "en") -> str:
    """The progress meter: overall percentage and one chip per section."""
    chips = "".join(
        f'<span class="jw-sec{" done" if not s.missing else ""}" title="{html.escape(s.key)}">'
        f"{html.escape(section_label(s.key, s.label, language))} {s.filled}/{s.total}</span>"
        for s in st.sections
    )
    return (
        f'<div class="jw-progress" data-percent="{st.percent}">'
        f'<div class="jw-bar"><div style="width:{st.percent}%"></div></div>'
        f"<b>{html.escape(fill(labels(language)['app']['progress'], percent=st.percent))}</b>"
        f"{chips}</div>"
    )


def idea_rows(
    journey: JourneyMap,
    fmt: str | None = None,
    stage: str | None = None,
    status: str | None = None,
) -> list[list[str]]:
    """Content ideas per stage (stage order), optionally one format, stage (id) or status.
    An accepted idea whose pain point was edited or removed since says so in its status, and
    keeps the pain point's earlier wording when it left the map."""
    names = format_labels(journey.language)
    texts = labels(journey.language)
    statuses, flags = texts["map"]["statuses"], texts["ideas"]["pain_change"]
    rows = []
    for number, st in enumerate(journey.stages, 1):
        if stage and st.id != stage:
            continue
        pains = {p.id: p.text for p in st.pain_points}
        for idea in st.content_ideas:
            if (fmt and idea.format != fmt) or (status and idea.status != status):
                continue
            shown = statuses.get(idea.status, idea.status)
            pain = pains.get(idea.pain_point_id or "", "")
            if idea.pain_change is not None:
                shown += f" ({flags[idea.pain_change.kind]})"
                pain = pain or idea.pain_change.was
            rows.append(
                [
                    f"{number}. {st.name}",
                    names.get(idea.format, idea.format),
                    idea.text,
                    idea.angle,
                    pain,
                    idea.cta,
                    idea.channel,
                    shown,
                    idea.provenance.source.value,
                    idea.id,
                ]
            )
    return rows


def idea_targets(journey: JourneyMap) -> list[tuple[str, str]]:
    """(label, value) choices for "generate ideas for": the whole map, each stage, and each
    confirmed pain point (`stage:<id>`, `pain:<stage id>|<pain id>`)."""
    t = labels(journey.language)["ideas"]
    out = [(t["whole_map"], "")]
    for number, st in enumerate(journey.stages, 1):
        out.append((f"{number}. {st.name}", f"stage:{st.id}"))
        for pain in st.pain_points:
            if not pain.provenance.is_suggestion:
                label = f"{number}. {st.name} · {t['pain_prefix']}: {pain.text}"
                out.append((label[:120], f"pain:{st.id}|{pain.id}"))
    return out


def ideas_csv(journey: JourneyMap, include_rejected: bool = False) -> str:
    """The content calendar (assistant.ideas' CSV): stage, pain point, format, title, angle,
    CTA, channel, status; rejected ideas only when asked."""
    return to_csv(journey, idea_lists(journey, include_rejected=include_rejected))


def ingest_row(result: Any) -> list[Any]:
    """One file's ingest result as a table row (the name without control characters)."""
    return [printable(result.path.name), result.status, result.added, result.skipped, result.reason]


def map_choices(maps: Iterable[JourneyMap]) -> list[str]:
    return [m.name for m in maps]


def map_options(maps: Iterable[JourneyMap]) -> list[tuple[str, str]]:
    """(label, value) per map: the name; a name two of them share is told apart by the
    map's short id and picked by its id."""
    maps = list(maps)
    names = [m.name for m in maps]
    return [
        (m.name, m.name) if names.count(m.name) == 1 else (f"{m.name} · {m.id[:6]}", m.id)
        for m in maps
    ]


def concept_markdown(card: Any, language: str = "en") -> str:
    """A knowledge card as a Learn-tab explanation with its citation."""
    source = fill(labels(language)["learn"]["source"], title=card.title)
    return f"### {card.title}\n\n{card.body}\n\n*{source}*"
