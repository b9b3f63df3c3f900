"""Where the core of a map stands: the open and skipped gaps per section, and the line a
change's result ends with so the model knows what is still missing without reading the map.

The system prompt shows the state at the start of a turn (`assistant/agent/prompt.py`); after
`update_map` or `skip` in the same turn the model would otherwise ask from a stale picture
(ask again for what was just given, or miss that the core is complete). Both read the core
from `assistant/completeness.py`, the one definition.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant import completeness
from assistant.schema import JourneyMap

NAME_CHARS = 40


@dataclass
class CoreGaps:
    """The core gaps of a map, by section key (`context`, `persona`, `stages`, `stage:2`)."""

    open_by: dict[str, list[str]] = field(default_factory=dict)
    skipped_by: dict[str, list[str]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    percent: int = 0

    @property
    def current(self) -> str | None:
        """The first section with an open gap: the one being interviewed."""
        return next(iter(self.open_by), None)


def core_gaps(journey: JourneyMap) -> CoreGaps:
    st = completeness.status(journey)
    gaps = CoreGaps(labels={s.key: s.label for s in st.sections}, percent=st.percent)
    for section in st.sections:
        for gap in section.missing:
            skipped = completeness.is_skipped(journey, gap)
            target = gaps.skipped_by if skipped else gaps.open_by
            target.setdefault(section.key, []).append(gap)
    return gaps


def section_label(journey: JourneyMap, key: str | None, labels: dict[str, str]) -> str:
    """'stage 2 "Compare"', 'persona', 'context' or 'stages'."""
    if key is None:
        return ""
    number = completeness.stage_of(f"{key}:goals") if key.startswith("stage:") else None
    if number is not None and number <= len(journey.stages):
        name = " ".join(journey.stages[number - 1].name.split())
        if len(name) > NAME_CHARS:
            name = name[: NAME_CHARS - 1] + "…"
        return f'stage {number} "{name}"'
    return labels.get(key, key).lower()


def core_line(journey: JourneyMap) -> str:
    """One line for a change's result: the core gaps still open where the interview is now,
    or that nothing core is left to ask."""
    gaps = core_gaps(journey)
    current = gaps.current
    if current is None:
        return (
            f"Map {gaps.percent}% complete: nothing core left to ask (every core gap is "
            "filled or skipped)."
        )
    where = section_label(journey, current, gaps.labels)
    later = len(gaps.open_by) - 1
    more = f"; {later} more section(s) after it" if later else ""
    return (
        f"Map {gaps.percent}% complete. Core still open in {where}: "
        f"{', '.join(gaps.open_by[current])}{more}."
    )
