"""HTML of the live-workshop pieces: who changed what (the recent-changes strip), the version
history, comments on a card, and the facilitator's shared screen. Every user string is
escaped here; labels come from `prompts/web/<lang>.yaml` (section `workshop`)."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

from assistant.completeness import Status
from assistant.schema import JourneyMap
from assistant.store.comments import Comment
from assistant.visual.labels import fill, labels
from assistant.web import views
from tools.versions import Version

RECENT = 5
"""How many changes the strip shows."""
ID_TAG = re.compile(r"\s*\[ids?: [\w, -]*\]")
"""The item ids a tool's summary ends with, for the model: noise to people, so not shown."""


def said(summary: str) -> str:
    """A change's summary as people read it (without the ids meant for the model)."""
    return ID_TAG.sub("", summary)


def ago(at: str, language: str, moment: datetime | None = None) -> str:
    """'12 s ago' for an ISO timestamp, in the language."""
    w = labels(language)["workshop"]
    try:
        then = datetime.fromisoformat(at)
    except ValueError:
        return ""
    if then.tzinfo is None:
        then = then.replace(tzinfo=UTC)
    seconds = max(0, int(((moment or datetime.now(UTC)) - then).total_seconds()))
    for limit, unit, key in ((60, 1, "ago_s"), (3600, 60, "ago_m"), (86400, 3600, "ago_h")):
        if seconds < limit:
            return fill(w[key], n=seconds // unit)
    return fill(w["ago_d"], n=seconds // 86400)


def _who(author: str | None, language: str) -> str:
    return html.escape(author or labels(language)["workshop"]["someone"])


def _clock(at: str) -> str:
    try:
        return datetime.fromisoformat(at).strftime("%Y-%m-%d %H:%M:%S UTC")
    except ValueError:
        return html.escape(at)


def recent_html(history: list[Version], language: str, moment: datetime | None = None) -> str:
    """The strip above the map: the last few changes, each with its author and age."""
    w = labels(language)["workshop"]
    shown = [v for v in history if v.tool != "create_map"][:RECENT]
    if not shown:
        return f'<div class="jw-recent"><b>{html.escape(w["recent"])}</b> {w["nobody_yet"]}</div>'
    rows = "".join(
        f'<li data-seq="{v.seq}"><b class="jw-who">{_who(v.author, language)}</b> '
        f'<span class="jw-what">{html.escape(said(v.summary))}</span> '
        f'<time datetime="{html.escape(v.at)}" title="{_clock(v.at)}">'
        f"{html.escape(ago(v.at, language, moment))}</time></li>"
        for v in shown
    )
    return f'<div class="jw-recent"><b>{html.escape(w["recent"])}</b><ul>{rows}</ul></div>'


def history_html(history: list[Version], language: str) -> str:
    """The History tab's table: one row per version, newest first."""
    w = labels(language)["workshop"]
    head = "".join(f"<th>{html.escape(w[k])}</th>" for k in ("version", "when", "who", "what"))
    rows = []
    for n, v in enumerate(history):
        notes = []
        if v.undone:
            notes.append(w["undone"])
        if not v.restorable:
            notes.append(w["not_restorable"])
        note = f" <i>{html.escape(' '.join(notes))}</i>" if notes else ""
        css = ' class="jw-current"' if n == 0 else (' class="jw-undone"' if v.undone else "")
        rows.append(
            f'<tr{css} data-seq="{v.seq}"><td>#{v.seq}</td><td>{_clock(v.at)}</td>'
            f"<td>{_who(v.author, language)}</td><td>{html.escape(said(v.summary))}{note}</td></tr>"
        )
    return (
        f'<div class="jw-history"><p>{html.escape(w["history_intro"])}</p>'
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def restore_choices(history: list[Version], language: str) -> list[tuple[str, int]]:
    """Versions one may restore: every rebuildable one but the current (newest)."""
    return [
        (f"#{v.seq} · {_clock(v.at)[:16]} · {v.author or labels(language)['workshop']['someone']}"
         f" · {said(v.summary)[:60]}", v.seq)
        for v in history[1:]
        if v.restorable
    ]  # fmt: skip


def comments_html(found: list[Comment], language: str) -> str:
    w = labels(language)["workshop"]
    if not found:
        return f'<div class="jw-comments"><i>{html.escape(w["no_comments"])}</i></div>'
    items = []
    for c in found:
        state = (
            f" <i>{html.escape(fill(w['resolved'], who=c.resolved_by or w['someone']))}</i>"
            if c.resolved
            else ""
        )
        css = ' class="jw-resolved"' if c.resolved else ""
        items.append(
            f'<li{css} data-comment="{c.id}"><b>{_who(c.author, language)}</b> '
            f'<span class="jw-c-body">{html.escape(c.body)}</span>{state}</li>'
        )
    return (
        f'<div class="jw-comments"><b>{html.escape(w["comments"])}</b>'
        f"<ul>{''.join(items)}</ul></div>"
    )


def comment_choices(found: list[Comment]) -> list[tuple[str, int]]:
    return [(f"{c.author or '?'}: {c.body[:50]}", c.id) for c in found if not c.resolved]


def facilitator_html(
    journey: JourneyMap, st: Status, question: str, history: list[Version], language: str
) -> str:
    """The shared screen: title, progress per stage, the current question, who changed what,
    and the map, large and read-only."""
    w = labels(language)["workshop"]
    asked = html.escape(question.strip()[:600]).replace("\n", "<br>")
    return (
        f'<div class="jw-fac" data-map="{html.escape(journey.id)}">'
        f'<div class="jw-fac-head"><h1>{html.escape(journey.name)}</h1>'
        f"{views.progress_html(st, language)}</div>"
        f'<div class="jw-fac-row"><div class="jw-fac-q"><b>{html.escape(w["question"])}</b>'
        f"<p>{asked}</p></div>"
        f"{recent_html(history, language)}</div>"
        f'<div class="jw-fac-map">{views.map_panel(journey, editable=False)}</div></div>'
    )
