"""`journey maps ...`: list, show, rename and delete maps; their history and suggestions."""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.markdown import Markdown
from rich.table import Table

from assistant.cli.common import HomeOpt, console, load_map, plain, store_for
from assistant.cli.errors import Commands, fail
from assistant.completeness import status
from assistant.render import item_label, map_to_markdown
from assistant.retrieval.research import delete_map_research
from assistant.schema import PERSONA_LIST_FIELDS, STAGE_FIELDS
from assistant.settings import get_settings
from assistant.store import MapNotFound
from assistant.text_safety import printable
from tools import ToolBox, ToolContext

app = Commands(help="List, show, rename and delete maps.", no_args_is_help=True)


@app.command("list")
def maps_list(home: Path | None = HomeOpt) -> None:
    """List the maps in the workspace."""
    maps = store_for(home).list_maps()
    if not maps:
        console().print("No maps yet. Start one with: journey chat --map NAME")
        return
    table = Table("name", "company", "persona", "stages", "complete", "updated")
    for m in maps:
        table.add_row(
            plain(m.name),
            plain(m.context.company or ""),
            plain(m.persona.name or ""),
            str(len(m.stages)),
            f"{status(m).percent}%",
            m.updated_at.strftime("%Y-%m-%d %H:%M"),
        )
    console().print(table)


@app.command("show")
def maps_show(name: str, home: Path | None = HomeOpt) -> None:
    """Show a map as Markdown."""
    m = load_map(home, name)
    out = console()
    text = map_to_markdown(m)
    out.print(Markdown(text) if sys.stdout.isatty() else text, markup=False)


@app.command("rename")
def maps_rename(name: str, new_name: str, home: Path | None = HomeOpt) -> None:
    """Rename a map."""
    try:
        store_for(home).rename(name, new_name)
    except (MapNotFound, ValueError) as exc:
        fail(str(exc))
    console().print(f"Renamed '{printable(name)}' to '{printable(new_name)}'.", markup=False)


@app.command("delete")
def maps_delete(
    name: str,
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask."),
    home: Path | None = HomeOpt,
) -> None:
    """Delete a map and its history."""
    journey = load_map(home, name)
    if not yes and not typer.confirm(f"Delete map '{printable(name)}' and its history?"):
        raise typer.Exit(1)
    store_for(home).delete(name)

    delete_map_research(get_settings(home=home), journey.id)
    console().print(f"Deleted '{printable(name)}'.", markup=False)


@app.command("history")
def maps_history(name: str, home: Path | None = HomeOpt) -> None:
    """The change log of a map, with provenance (who: the signed-in web user, if any)."""
    m = load_map(home, name)
    table = Table("#", "when", "who", "tool", "source", "summary", "undone")
    for change in store_for(home).changes(m.id):
        table.add_row(
            str(change.seq),
            change.at[:19],
            change.author or "",
            change.tool,
            change.source,
            plain(change.summary),
            "yes" if change.undone else "",
        )
    console().print(table)


@app.command("suggestions")
def maps_suggestions(name: str, home: Path | None = HomeOpt) -> None:
    """List items waiting for the team's OK (assistant, research or knowledge suggestions)."""
    m = load_map(home, name)
    table = Table("id", "where", "suggestion", "source", "evidence")
    where = [(f"persona {f}", getattr(m.persona, f)) for f in PERSONA_LIST_FIELDS]
    where += [(f"{s.name} / {f}", getattr(s, f)) for s in m.stages for f in STAGE_FIELDS]
    for label, items in where:
        for item in items:
            if item.provenance.is_suggestion:
                table.add_row(
                    plain(item.id),
                    plain(label),
                    plain(item_label(item)),
                    item.provenance.source.value,
                    plain(" ".join(item.provenance.evidence)),
                )
    if not table.rows:
        console().print("No suggestions waiting.")
        return
    console().print(table)


def _verdict(name: str, ids: list[str], home: Path | None, tool: str) -> None:
    m = load_map(home, name)
    settings = get_settings(home=home)
    result = ToolBox(ToolContext(store_for(home), m.id, settings)).call(tool, {"item_ids": ids})
    if not result.ok:
        fail(result.refusal or result.text)
    console().print(result.text, markup=False)


@app.command("accept")
def maps_accept(name: str, ids: list[str], home: Path | None = HomeOpt) -> None:
    """Accept suggestions by id (they become facts, keeping their evidence)."""
    _verdict(name, ids, home, "accept_suggestion")


@app.command("reject")
def maps_reject(name: str, ids: list[str], home: Path | None = HomeOpt) -> None:
    """Reject suggestions by id (they leave the map)."""
    _verdict(name, ids, home, "reject_suggestion")
