"""The content calendar: accepted ideas spread over a quarter, as an `.ics` file (and the dates
for the CSV and Markdown calendars).

Dates: the quarter's working days (Monday to Friday), the accepted ideas in stage order (a
stage's pain points most severe first, as in the idea lists), each idea on the working day at
its even share of the quarter, so a quarter of 64 working days and 16 ideas gives one idea
every fourth working day, starting on the first. The `.ics` is written with `icalendar` (a
kept library: escaping, line folding and the RFC 5545 details are its job, not ours); each
idea is an all-day event with the stage, the pain point, angle, CTA, channel and the customer
question in its description, and a stable UID (the idea's id), so importing the file again
updates the events instead of doubling them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from icalendar import Calendar, Event

from assistant.ideas.export import StageList
from assistant.ideas.patterns import load
from assistant.prompts import fill
from assistant.schema import ContentIdea, JourneyMap, PainPoint, Stage

_QUARTER = re.compile(r"^\s*(?:q([1-4])\W*(\d{4})|(\d{4})\W*q([1-4]))\s*$", re.IGNORECASE)


def parse_quarter(text: str) -> tuple[date, date]:
    """`Q1-2027`, `2027-Q1`, `q1 2027` -> (first day, last day); ValueError says the form."""
    match = _QUARTER.match(text or "")
    if not match:
        raise ValueError(f"'{text}' is not a quarter: write it as Q1-2027 (Q1 to Q4, a year).")
    quarter = int(match.group(1) or match.group(4))
    year = int(match.group(2) or match.group(3))
    if not 1900 <= year <= 2999:
        raise ValueError(f"'{text}': the year must be between 1900 and 2999.")
    start = date(year, 3 * quarter - 2, 1)
    after = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return start, after - timedelta(days=1)


def working_days(start: date, end: date) -> list[date]:
    days = []
    day = start
    while day <= end:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


@dataclass
class Slot:
    """One accepted idea on the calendar."""

    day: date
    stage: Stage
    pain: PainPoint | None
    idea: ContentIdea


def schedule(lists: list[StageList], start: date, end: date) -> list[Slot]:
    """The accepted ideas of the lists, each with its date in the quarter."""
    accepted = [
        (sl.stage, group.pain, idea)
        for sl in lists
        for group in sl.groups
        for idea in group.ideas
        if idea.status == "accepted"
    ]
    days = working_days(start, end)
    if not accepted or not days:
        return []
    step = len(days) / len(accepted)
    return [
        Slot(days[min(len(days) - 1, int(n * step))], stage, pain, idea)
        for n, (stage, pain, idea) in enumerate(accepted)
    ]


def dates(slots: list[Slot]) -> dict[str, date]:
    """Idea id -> its date (for the CSV and Markdown calendars)."""
    return {s.idea.id: s.day for s in slots}


def to_ics(journey: JourneyMap, slots: list[Slot], language: str | None = None) -> bytes:
    """The calendar as an iCalendar file (bytes, UTF-8, CRLF line ends)."""
    texts = load(language or journey.language)
    ex = texts.export
    cal = Calendar()
    cal.add("prodid", "-//journey-assistant//content calendar//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", fill(ex["title"], map=journey.name))
    for slot in slots:
        idea = slot.idea
        fmt = texts.format_names.get(idea.format, idea.format)
        event = Event()
        event.add("uid", f"{idea.id}@{journey.id}.journey-assistant")
        event.add("dtstamp", journey.updated_at)
        event.add("dtstart", slot.day)
        event.add("dtend", slot.day + timedelta(days=1))
        event.add("summary", f"{fmt}: {idea.text}")
        event.add("categories", [fmt])
        event.add("description", _description(slot, ex))
        cal.add_component(event)
    return cal.to_ical()


def _description(slot: Slot, ex: dict) -> str:
    idea = slot.idea
    pain = slot.pain.text if slot.pain else (idea.pain_change.was if idea.pain_change else "")
    lines = [
        (ex["stage_label"], slot.stage.name),
        (ex["pain_label"], pain),
        (ex["angle"], idea.angle),
        (ex["question"], idea.question),
        (ex["cta"], idea.cta),
        (ex["channel"], idea.channel),
        (ex["review"], ex["flags"][idea.pain_change.kind] if idea.pain_change else ""),
    ]
    return "\n".join(f"{label}: {value}" for label, value in lines if value)
