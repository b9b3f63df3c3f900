"""The swimlane map as HTML: a fragment for the web page and a standalone printable page.

Jinja2 with autoescaping on for every template: user strings (a pain point written as
`<script>...`) always arrive in the page as text, never as markup.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from assistant.schema import JourneyMap
from assistant.visual.labels import fill
from assistant.visual.view import map_view

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@cache
def environment() -> Environment:
    """The Jinja environment of assistant/templates (autoescape on for .j2 and .html)."""
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(enabled_extensions=("html", "j2", "css"), default=True),
        trim_blocks=False,
        lstrip_blocks=False,
    )


def map_css() -> str:
    """The map's stylesheet (scoped to `.jmap`)."""
    return (TEMPLATES / "map.css").read_text(encoding="utf-8")


def map_fragment(
    journey: JourneyMap, *, editable: bool = False, language: str | None = None
) -> str:
    """The swimlane map as an HTML fragment (`<div class="jmap">`), without its CSS.

    `editable` (the web page) marks each card with its item id and puts a "+" in every cell,
    for the page's click handler; exports leave them out."""
    return (
        environment()
        .get_template("map_fragment.html.j2")
        .render(v=map_view(journey, language), editable=editable)
    )


def map_to_html(journey: JourneyMap) -> str:
    """A standalone HTML page of the map: inline CSS and SVG, printable, no external requests."""
    fragment = Markup(map_fragment(journey))  # already escaped by its own template
    view = map_view(journey)
    footer = fill(
        view.t["footer"],
        name=journey.name,
        when=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    )
    return (
        environment()
        .get_template("map_page.html.j2")
        .render(v=view, fragment=fragment, language=journey.language, footer=footer)
    )
