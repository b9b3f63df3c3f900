"""`journey maps ...` and `journey export`: listing, changing and exporting maps."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path

import typer
from rich.markdown import Markdown
from rich.table import Table

from assistant.cli_common import HomeOpt, console, fail, load_map, plain, store_for
from assistant.schema import JourneyMap
from assistant.settings import get_settings
from assistant.store import MapNotFound
from assistant.text_safety import printable

maps_app = typer.Typer(help="List, show, rename and delete maps.", no_args_is_help=True)


@maps_app.command("list")
def maps_list(home: Path | None = HomeOpt) -> None:
    """List the maps in the workspace."""
    from assistant.completeness import status

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


@maps_app.command("show")
def maps_show(name: str, home: Path | None = HomeOpt) -> None:
    """Show a map as Markdown."""
    m = load_map(home, name)
    out = console()
    out.print(Markdown(m.to_markdown()) if sys.stdout.isatty() else m.to_markdown(), markup=False)


@maps_app.command("rename")
def maps_rename(name: str, new_name: str, home: Path | None = HomeOpt) -> None:
    """Rename a map."""
    try:
        store_for(home).rename(name, new_name)
    except (MapNotFound, ValueError) as exc:
        fail(str(exc))
    console().print(f"Renamed '{printable(name)}' to '{printable(new_name)}'.", markup=False)


@maps_app.command("delete")
def maps_delete(
    name: str,
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask."),
    home: Path | None = HomeOpt,
) -> None:
    """Delete a map and its history."""
    load_map(home, name)
    if not yes and not typer.confirm(f"Delete map '{printable(name)}' and its history?"):
        raise typer.Exit(1)
    store_for(home).delete(name)
    console().print(f"Deleted '{printable(name)}'.", markup=False)


@maps_app.command("history")
def maps_history(name: str, home: Path | None = HomeOpt) -> None:
    """The change log of a map, with provenance."""
    m = load_map(home, name)
    table = Table("#", "when", "tool", "source", "summary", "undone")
    for change in store_for(home).changes(m.id):
        table.add_row(
            str(change.seq),
            change.at[:19],
            change.tool,
            change.source,
            plain(change.summary),
            "yes" if change.undone else "",
        )
    console().print(table)


@maps_app.command("suggestions")
def maps_suggestions(name: str, home: Path | None = HomeOpt) -> None:
    """List items waiting for the team's OK (assistant, research or knowledge suggestions)."""
    from assistant.render import item_label
    from assistant.schema import PERSONA_LIST_FIELDS, STAGE_FIELDS

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
    from tools import ToolBox, ToolContext

    m = load_map(home, name)
    settings = get_settings(home=home)
    result = ToolBox(ToolContext(store_for(home), m.id, settings)).call(tool, {"item_ids": ids})
    if not result.ok:
        fail(result.refusal or result.text)
    console().print(result.text, markup=False)


@maps_app.command("accept")
def maps_accept(name: str, ids: list[str], home: Path | None = HomeOpt) -> None:
    """Accept suggestions by id (they become facts, keeping their evidence)."""
    _verdict(name, ids, home, "accept_suggestion")


@maps_app.command("reject")
def maps_reject(name: str, ids: list[str], home: Path | None = HomeOpt) -> None:
    """Reject suggestions by id (they leave the map)."""
    _verdict(name, ids, home, "reject_suggestion")


class Format(StrEnum):
    json = "json"
    md = "md"
    csv = "csv"
    mermaid = "mermaid"
    html = "html"
    png = "png"


def render(m: JourneyMap, fmt: str) -> str:
    if fmt == "json":
        return m.model_dump_json(indent=2) + "\n"
    if fmt == "md":
        return m.to_markdown()
    if fmt == "csv":
        return m.to_csv()
    if fmt == "html":
        from assistant.visual import map_to_html

        return map_to_html(m)
    return m.to_mermaid()


def export(
    name: str,
    format: Format = typer.Option(Format.md, "--format", "-f", help="Output format."),
    output: Path | None = typer.Option(
        None, "-o", "--output", help="File to write (default stdout)."
    ),
    force: bool = typer.Option(False, "--force", help="Overwrite the output file if it exists."),
    home: Path | None = HomeOpt,
) -> None:
    """Export a map as JSON, Markdown, CSV, a Mermaid diagram, an HTML page or a PNG image."""
    m = load_map(home, name)
    if format is Format.png:
        export_png(m, output, force)
        return
    text = render(m, format.value)
    if output is None:
        sys.stdout.write(text)
        return
    check_output(output, force)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    console().print(f"Wrote {printable(str(output))}", markup=False)


def check_output(output: Path, force: bool) -> None:
    """Refuse a folder, and an existing file unless --force (one sentence each)."""
    if output.is_dir():
        fail(f"{output} is a folder; give a file name, e.g. {output / 'map.md'}.")
    if output.exists() and not force:
        fail(f"{output} already exists; add --force to overwrite it.")


def export_png(m: JourneyMap, output: Path | None, force: bool = False) -> None:
    """PNG goes to a file (default `<map>.png`), never to the terminal."""
    from assistant.visual import RendererMissing, map_to_png

    target = output or Path(f"{m.name}.png")
    check_output(target, force)
    try:
        map_to_png(m, target)
    except RendererMissing as exc:
        fail(str(exc))
    console().print(f"Wrote {printable(str(target))}", markup=False)
