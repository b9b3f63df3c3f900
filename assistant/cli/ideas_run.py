"""What `journey ideas` does (generate, save, list, schedule), apart from the Typer command so it
can be called from Python.

With the guided model (the default) new ideas come from the offline idea patterns. With a
`provider:model` (the session's settings, e.g. `journey ideas NAME --model openai:gpt-4.1-mini`
or JOURNEY_MODEL) they come from the LLM generator; when the model cannot be built or fails,
the offline patterns step in and a note says so, so the command always gives its lists.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import get_args

from assistant import providers
from assistant.ideas.calendar import dates, parse_quarter, schedule, to_ics
from assistant.ideas.export import idea_lists, to_calendar_markdown, to_csv, to_markdown
from assistant.ideas.generate import generate
from assistant.ideas.llm import generate_with_llm
from assistant.schema import ContentFormat
from assistant.session import Session
from tools.ideas import Saved, propose

FORMATS: tuple[str, ...] = get_args(ContentFormat)
ALIASES = {
    "blog": "blog_post",
    "post": "blog_post",
    "emails": "email",
    "series": "email_series",
    "nurture": "email_series",
    "whitepaper": "white_paper",
    "white-paper": "white_paper",
    "download": "white_paper",
    "guide": "white_paper",
    "case": "case_study",
    "story": "case_study",
    "comparison": "comparison_page",
    "vs": "comparison_page",
    "social": "social_post",
    "help": "faq",
    "youtube": "video",
}


def parse_formats(text: str | None) -> list[str] | None:
    """`blog,email` -> ['blog_post', 'email']; ValueError names the unknown ones."""
    if not text:
        return None
    out: list[str] = []
    unknown: list[str] = []
    for raw in text.split(","):
        name = raw.strip().casefold().replace(" ", "_")
        if not name:
            continue
        fmt = name if name in FORMATS else ALIASES.get(name.replace("_", "-")) or ALIASES.get(name)
        if fmt is None:
            unknown.append(raw.strip())
        elif fmt not in out:
            out.append(fmt)
    if unknown:
        raise ValueError(
            f"Unknown format(s): {', '.join(unknown)}. Use any of: {', '.join(FORMATS)} "
            "(or blog, social, case, comparison, series, whitepaper)."
        )
    return out or None


@dataclass
class IdeasOutput:
    text: str
    """The idea lists, as Markdown or CSV."""
    added: int
    """How many new ideas were proposed and saved on the map."""
    errors: list[str]
    """Problems to show the user: tool refusals, and the note when the model was not used."""
    model: str = "guided"
    """What wrote the new ideas: `guided` (idea patterns) or the `provider:model` asked."""
    data: bytes | None = None
    """The `.ics` calendar, when one was asked for (then `text` is empty)."""
    scheduled: int = 0
    """How many accepted ideas got a date in the calendar's quarter."""


def run_ideas(
    session: Session,
    stage: str | None = None,
    formats: list[str] | None = None,
    per_pain: int = 3,
    output: Path | None = None,
    generate_missing: bool = True,
    calendar: str | None = None,
    include_rejected: bool = False,
) -> IdeasOutput:
    """Top up every pain point to `per_pain` ideas (saved as proposals), then list them.

    The output is CSV when `output` ends in .csv, Markdown otherwise. With `calendar` (a
    quarter, `Q1-2027`) the accepted ideas get dates in it: `.ics` is the calendar file, CSV
    gains a date column and Markdown becomes a table per stage. Rejected ideas are left out
    unless `include_rejected`. ValueError for a bad quarter or an `.ics` without a quarter.
    """
    journey = session.map
    if stage is not None:
        journey.find_stage(stage)  # KeyError with the list of stages
    suffix = output.suffix.casefold() if output is not None else ""
    quarter = parse_quarter(calendar) if calendar else None
    if suffix == ".ics" and quarter is None:
        raise ValueError("An .ics calendar needs a quarter: add --calendar Q1-2027.")
    saved, notes, model = (
        _top_up(session, stage, formats, per_pain) if generate_missing else (Saved(), [], "guided")
    )
    journey = session.map
    lists = idea_lists(journey, stage, formats, include_rejected)
    errors = [*notes, *saved.errors]
    if quarter is None:
        if suffix == ".csv":
            text = to_csv(journey, lists, session.language)
        else:
            text = to_markdown(journey, lists, session.language, formats)
        return IdeasOutput(text, len(saved.ids), errors, model)
    slots = schedule(lists, *quarter)
    if not slots:
        errors.append(
            "Note: no idea is accepted yet, so the calendar has no dates: accept ideas first "
            "(in the chat, the web app's Ideas tab or `journey maps accept`)."
        )
    out = IdeasOutput("", len(saved.ids), errors, model, scheduled=len(slots))
    if suffix == ".ics":
        out.data = to_ics(journey, slots, session.language)
    elif suffix == ".csv":
        out.text = to_csv(journey, lists, session.language, dates(slots))
    else:
        label = (calendar or "").strip().upper()
        out.text = to_calendar_markdown(journey, lists, label, dates(slots), session.language)
    return out


def _top_up(
    session: Session, stage: str | None, formats: list[str] | None, per_pain: int
) -> tuple[Saved, list[str], str]:
    """New ideas for the pain points short of `per_pain`, saved; notes; who wrote them."""
    journey, lang = session.map, session.language
    model = session.settings.model.strip()
    offline = "the ideas come from the offline idea patterns instead (as with --model guided)"
    notes: list[str] = []
    if model.casefold() != "guided":
        try:
            llm = providers.chat_model(session.settings)
        except providers.ProviderError as exc:
            notes.append(f"Note: the model {model} cannot be used: {exc} For now {offline}.")
        else:
            plans, problems = generate_with_llm(
                journey, llm, stage, formats, per_pain, top_up=True, language=lang
            )
            notes += [f"Note ({model}): {p}" for p in problems]
            drafts = [d for plan in plans for d in plan.drafts]
            return propose(session.tools, drafts), notes, model
    plans = generate(journey, stage, formats, per_pain, top_up=True, language=lang)
    return propose(session.tools, [d for plan in plans for d in plan.drafts]), notes, "guided"
