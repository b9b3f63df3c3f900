"""What `journey ideas` does, kept out of the CLI module so it can be called from Python."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import get_args

from assistant.ideas.export import idea_lists, to_csv, to_markdown
from assistant.ideas.save import top_up
from assistant.schema import ContentFormat
from assistant.session import Session

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


def run_ideas(
    session: Session,
    stage: str | None = None,
    formats: list[str] | None = None,
    per_pain: int = 3,
    output: Path | None = None,
    generate_missing: bool = True,
) -> IdeasOutput:
    """Top up every pain point to `per_pain` ideas (saved as proposals), then list them.

    The output is CSV when `output` ends in .csv, Markdown otherwise.
    """
    journey = session.map
    if stage is not None:
        journey.find_stage(stage)  # KeyError with the list of stages
    saved = (
        top_up(session.tools, stage, formats, per_pain, language=session.language)
        if generate_missing
        else None
    )
    journey = session.map
    lists = idea_lists(journey, stage, formats)
    if output is not None and output.suffix.casefold() == ".csv":
        text = to_csv(journey, lists, session.language)
    else:
        text = to_markdown(journey, lists, session.language, formats)
    return IdeasOutput(text, len(saved.ids) if saved else 0, saved.errors if saved else [])
