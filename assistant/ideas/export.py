"""Idea lists: the map's content ideas per stage, grouped by pain point, as Markdown or as a
CSV content calendar (stage, pain point, format, title, angle, CTA, channel, status, source).

Rejected ideas stay on the map (so they are never proposed again) but are left out of the
lists unless asked for.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from assistant.csv_safety import safe_row
from assistant.ideas import phases
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


def to_csv(journey: JourneyMap, lists: list[StageList], language: str | None = None) -> str:
    """A content calendar: one row per idea."""
    texts = load(language or journey.language)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(texts.export["csv_header"])
    for sl in lists:
        for group in sl.groups:
            for idea in group.ideas:
                writer.writerow(
                    safe_row(
                        [
                            sl.stage.name,
                            group.pain.text if group.pain else "",
                            texts.format_names.get(idea.format, idea.format),
                            idea.text,
                            idea.angle,
                            idea.cta,
                            idea.channel,
                            texts.export["statuses"].get(idea.status, idea.status),
                            idea.provenance.source.value,
                        ]
                    )
                )
    return buffer.getvalue()


def to_markdown(
    journey: JourneyMap,
    lists: list[StageList],
    language: str | None = None,
    formats: list[str] | None = None,
) -> str:
    """The idea lists as Markdown; every user string is escaped."""
    texts = load(language or journey.language)
    ex = texts.export
    lines = [f"# {md_text(fill(ex['title'], map=journey.name))}", ""]
    if journey.persona.name:
        lines += [md_text(fill(ex["persona"], persona=journey.persona.name)), ""]
    for sl in lists:
        heading = fill(
            ex["stage"], n=sl.number, stage=sl.stage.name, phase=texts.phase_names[sl.phase]
        )
        lines += [f"## {md_text(heading)}", ""]
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
            lines += _group(group, texts)
    return "\n".join(lines).rstrip() + "\n"


def _fits(journey: JourneyMap, sl: StageList, formats: list[str]) -> bool:
    found = phases.stage_phases(sl.stage.name, sl.number - 1, len(journey.stages))
    return bool(set(phases.fitting_formats(found)) & set(formats))


def _group(group: Group, texts: PatternSet) -> list[str]:
    ex = texts.export
    if group.pain is None:
        title = ex["other"]
    else:
        title = fill(ex["pain"], pain=group.pain.text, severity=group.pain.severity)
    lines = [f"### {md_text(title)}", ""]
    if not group.ideas:
        return [*lines, f"_{ex['no_ideas']}_", ""]
    for n, idea in enumerate(group.ideas, 1):
        fmt = texts.format_names.get(idea.format, idea.format)
        lines.append(f"{n}. **{md_text(fmt)}**: {md_text(idea.text)}")
        status = ex["statuses"].get(idea.status, idea.status)
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
