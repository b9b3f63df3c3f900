"""Idea lists: the map's content ideas per stage, grouped by pain point, as Markdown or as a
CSV content calendar (stage, pain point, format, title, angle, CTA, channel, status, and a
date column when the accepted ideas were spread over a quarter, see `calendar.py`), and the
calendar as a Markdown table per stage.

Rejected ideas stay on the map (so they are never proposed again) but are left out of the
lists unless asked for. An accepted idea whose pain point was edited or removed since shows
that in its status ("accepted (its pain point was edited ...)"). Every CSV row goes through
`write_row`, the one place that turns cells into CSV.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from typing import Any

from assistant.csv_safety import safe_row
from assistant.ideas import phases
from assistant.ideas.core import pain_core
from assistant.ideas.generate import confirmed_pains
from assistant.ideas.patterns import PatternSet, load
from assistant.prompts import fill
from assistant.render import md_text
from assistant.schema import ContentIdea, JourneyMap, PainPoint, Stage


@dataclass
class Group:
    """The ideas answering one pain point (pain None: ideas linked to no pain point)."""

    pain: PainPoint | None
    ideas: list[ContentIdea]


@dataclass
class StageList:
    number: int
    stage: Stage
    phase: str
    groups: list[Group]


def idea_lists(
    journey: JourneyMap,
    stage: str | int | None = None,
    formats: list[str] | None = None,
    include_rejected: bool = False,
) -> list[StageList]:
    """The map's ideas per stage, grouped by pain point (most severe first)."""
    stages = [journey.find_stage(stage)] if stage is not None else journey.stages
    out = []
    for st in stages:
        number = journey.stages.index(st) + 1
        phase = phases.stage_phases(st.name, number - 1, len(journey.stages)).primary
        ideas = [
            i
            for i in st.content_ideas
            if (include_rejected or i.status != "rejected") and (not formats or i.format in formats)
        ]
        pains = confirmed_pains(st)
        pain_ids = {p.id for p in st.pain_points}
        groups = [Group(p, [i for i in ideas if i.pain_point_id == p.id]) for p in pains]
        other = [i for i in ideas if i.pain_point_id not in pain_ids]
        if other:
            groups.append(Group(None, other))
        out.append(StageList(number, st, phase, groups))
    return out


def write_row(writer: Any, cells: list[str]) -> None:
    """Write one CSV row (the header too): every cell of the idea CSV passes here, and is
    neutralised against spreadsheet formulas (`csv_safety.safe_row`)."""
    writer.writerow(safe_row(cells))


def status_text(idea: ContentIdea, texts: PatternSet) -> str:
    """The idea's status in the list's language, with the pain-point flag when it has one."""
    ex = texts.export
    status = ex["statuses"].get(idea.status, idea.status)
    if idea.pain_change is not None:
        status += f" ({ex['flags'][idea.pain_change.kind]})"
    return status


def _pain_text(group: Group, idea: ContentIdea) -> str:
    if group.pain is not None:
        return group.pain.text
    return idea.pain_change.was if idea.pain_change else ""


def to_csv(
    journey: JourneyMap,
    lists: list[StageList],
    language: str | None = None,
    dates: dict[str, date] | None = None,
) -> str:
    """A content calendar: one row per idea; with `dates` (idea id -> day) a date column
    comes first (empty for ideas not yet accepted)."""
    texts = load(language or journey.language)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    header = list(texts.export["csv_header"])
    write_row(writer, [texts.export["date"], *header] if dates is not None else header)
    for sl in lists:
        for group in sl.groups:
            for idea in group.ideas:
                row = [
                    sl.stage.name,
                    _pain_text(group, idea),
                    texts.format_names.get(idea.format, idea.format),
                    idea.text,
                    idea.angle,
                    idea.cta,
                    idea.channel,
                    status_text(idea, texts),
                ]
                if dates is not None:
                    day = dates.get(idea.id)
                    row.insert(0, day.isoformat() if day else "")
                write_row(writer, row)
    return buffer.getvalue()


def to_calendar_markdown(
    journey: JourneyMap,
    lists: list[StageList],
    quarter: str,
    dates: dict[str, date],
    language: str | None = None,
) -> str:
    """The calendar as Markdown: a table per stage (date, pain point, format, title, angle,
    CTA, channel, status), dated ideas first; every user string is escaped."""
    texts = load(language or journey.language)
    ex = texts.export
    lines = _heading(journey, fill(ex["calendar_title"], map=journey.name, quarter=quarter), texts)
    for sl in lists:
        lines += _stage_heading(sl, texts)
        rows = [(group, idea) for group in sl.groups for idea in group.ideas]
        if not rows:
            lines += [f"_{ex['no_ideas']}_", ""]
            continue
        rows.sort(key=lambda r: dates.get(r[1].id) or date.max)
        lines += ["| " + " | ".join(ex["table_header"]) + " |"]
        lines += ["|" + "---|" * len(ex["table_header"])]
        for group, idea in rows:
            day = dates.get(idea.id)
            cells = [
                day.isoformat() if day else "",
                _pain_text(group, idea),
                texts.format_names.get(idea.format, idea.format),
                idea.text,
                idea.angle,
                idea.cta,
                idea.channel,
                status_text(idea, texts),
            ]
            lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _heading(journey: JourneyMap, title: str, texts: PatternSet) -> list[str]:
    """The document's title line and, when the map names one, its persona line."""
    lines = [f"# {md_text(title)}", ""]
    if journey.persona.name:
        lines += [md_text(fill(texts.export["persona"], persona=journey.persona.name)), ""]
    return lines


def _stage_heading(sl: StageList, texts: PatternSet) -> list[str]:
    heading = fill(
        texts.export["stage"], n=sl.number, stage=sl.stage.name, phase=texts.phase_names[sl.phase]
    )
    return [f"## {md_text(heading)}", ""]


def _cell(text: str) -> str:
    """A table cell: escaped like the map's Markdown tables, on one line."""
    return md_text(" ".join(text.split())).replace("\\", "\\\\").replace("|", "\\|")


def to_markdown(
    journey: JourneyMap,
    lists: list[StageList],
    language: str | None = None,
    formats: list[str] | None = None,
) -> str:
    """The idea lists as Markdown; every user string is escaped."""
    texts = load(language or journey.language)
    ex = texts.export
    lines = _heading(journey, fill(ex["title"], map=journey.name), texts)
    for sl in lists:
        lines += _stage_heading(sl, texts)
        if not confirmed_pains(sl.stage):
            lines += [f"_{ex['no_pain_points']}_", ""]
        elif formats and not _fits(journey, sl, formats):
            fit = phases.fitting_formats(
                phases.stage_phases(sl.stage.name, sl.number - 1, len(journey.stages))
            )
            names = ", ".join(texts.format_names.get(f, f) for f in sorted(fit))
            note = fill(ex["no_formats"], phase=texts.phase_names[sl.phase], formats=names)
            lines += [f"_{note}_", ""]
        for group in sl.groups:
            lines += _group(group, texts, journey.language)
    return "\n".join(lines).rstrip() + "\n"


def _fits(journey: JourneyMap, sl: StageList, formats: list[str]) -> bool:
    found = phases.stage_phases(sl.stage.name, sl.number - 1, len(journey.stages))
    return bool(set(phases.fitting_formats(found)) & set(formats))


def _group(group: Group, texts: PatternSet, language: str) -> list[str]:
    ex = texts.export
    if group.pain is None:
        title = ex["other"]
    else:
        title = fill(ex["pain"], pain=group.pain.text, severity=group.pain.severity)
    lines = [f"### {md_text(title)}", ""]
    if not group.ideas:
        unclear = group.pain is not None and not pain_core(group.pain.text, language).usable
        return [*lines, f"_{ex['unclear'] if unclear else ex['no_ideas']}_", ""]
    for n, idea in enumerate(group.ideas, 1):
        fmt = texts.format_names.get(idea.format, idea.format)
        lines.append(f"{n}. **{md_text(fmt)}**: {md_text(idea.text)}")
        status = status_text(idea, texts)
        details = [
            (ex["angle"], idea.angle),
            (ex["question"], idea.question),
            (ex["cta"], idea.cta),
            (ex["channel"], idea.channel),
            (ex["status"], f"{status} ({idea.provenance.source.value})"),
            (ex["card"], f"card:{idea.card_id}" if idea.card_id else ""),
        ]
        lines += [f"   - {label}: {md_text(value)}" for label, value in details if value]
    return [*lines, ""]
