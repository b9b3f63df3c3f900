"""The `journey` command line: a thin layer over the Python API (Typer + rich)."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path

import typer
from rich.console import Console
from rich.markdown import Markdown
from rich.table import Table

from assistant.schema import JourneyMap
from assistant.session import Reply, open_session
from assistant.settings import get_settings
from assistant.store import MapNotFound, Store

app = typer.Typer(
    help="journey-assistant: build a customer journey map, one question at a time.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
maps_app = typer.Typer(help="List, show, rename and delete maps.", no_args_is_help=True)
app.add_typer(maps_app, name="maps")

HomeOpt = typer.Option(None, "--home", help="Workspace folder (overrides JOURNEY_HOME).")


def console() -> Console:
    return Console(highlight=False, soft_wrap=True)


def fail(message: str, code: int = 1) -> None:
    Console(stderr=True, highlight=False).print(f"[red]Error:[/red] {message}", markup=True)
    raise typer.Exit(code)


def store_for(home: Path | None) -> Store:
    return Store(get_settings(home=home).db_path)


def load_map(home: Path | None, name: str) -> JourneyMap:
    try:
        return store_for(home).load(name)
    except MapNotFound as exc:
        fail(str(exc))
        raise


@app.command()
def chat(
    map: str | None = typer.Option(None, "--map", "-m", help="Map name (created if new)."),
    new: bool = typer.Option(False, "--new", help="Start a new map (refuse an existing name)."),
    lang: str | None = typer.Option(None, "--lang", help="Interview language: en, pl or it."),
    model: str | None = typer.Option(None, "--model", help="guided or provider:model."),
    home: Path | None = HomeOpt,
) -> None:
    """Interview in the terminal. Piped stdin answers one line per question."""
    if lang is not None and lang not in ("en", "pl", "it"):
        fail("--lang must be en, pl or it.")
    try:
        session = open_session(map=map, home=home, new=new, lang=lang, model=model)
    except (ValueError, RuntimeError) as exc:
        fail(str(exc))
        raise
    tty = sys.stdin.isatty()
    out = console()
    show(out, session.start(), tty)
    while True:
        try:
            line = input("> " if tty else "")
        except (EOFError, KeyboardInterrupt):
            status = session.status
            out.print(
                f"\nSaved '{session.map.name}' ({status.percent}% complete). "
                f"Resume with: journey chat --map {session.map.name}"
            )
            return
        if tty:
            reply = stream_reply(out, session, line)
        else:
            reply = session.send(line)
            show(out, reply, tty)
        if reply.done:
            return


def stream_reply(out: Console, session, line: str) -> Reply:  # type: ignore[no-untyped-def]
    """Print text pieces as they arrive (token streaming for the LLM), then the status."""
    final: Reply | None = None
    streamed = False
    for piece in session.stream(line):
        if isinstance(piece, Reply):
            final = piece
        else:
            out.print(piece, end="", markup=False)
            streamed = True
    if streamed:
        out.print()
    assert final is not None
    out.print(f"[dim]{final.status.percent}% complete[/dim]", markup=True)
    return final


def show(out: Console, reply: Reply, tty: bool) -> None:
    if tty:
        out.print(reply.text, markup=False)
        out.print(f"[dim]{reply.status.percent}% complete[/dim]", markup=True)
    else:
        print(reply.text, flush=True)
        print(f"[{reply.status.percent}% complete; next: {reply.gap or 'nothing'}]", flush=True)


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
            m.name,
            m.context.company or "",
            m.persona.name or "",
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
    console().print(f"Renamed '{name}' to '{new_name}'.")


@maps_app.command("delete")
def maps_delete(
    name: str,
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask."),
    home: Path | None = HomeOpt,
) -> None:
    """Delete a map and its history."""
    load_map(home, name)
    if not yes and not typer.confirm(f"Delete map '{name}' and its history?"):
        raise typer.Exit(1)
    store_for(home).delete(name)
    console().print(f"Deleted '{name}'.")


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
            change.summary,
            "yes" if change.undone else "",
        )
    console().print(table)


class Format(StrEnum):
    json = "json"
    md = "md"
    csv = "csv"
    mermaid = "mermaid"


def render(m: JourneyMap, fmt: str) -> str:
    if fmt == "json":
        return m.model_dump_json(indent=2) + "\n"
    if fmt == "md":
        return m.to_markdown()
    if fmt == "csv":
        return m.to_csv()
    return m.to_mermaid()


@app.command()
def export(
    name: str,
    format: Format = typer.Option(Format.md, "--format", "-f", help="Output format."),
    output: Path | None = typer.Option(
        None, "-o", "--output", help="File to write (default stdout)."
    ),
    home: Path | None = HomeOpt,
) -> None:
    """Export a map as JSON, Markdown, CSV or a Mermaid journey diagram."""
    m = load_map(home, name)
    text = render(m, format.value)
    if output is None:
        sys.stdout.write(text)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    console().print(f"Wrote {output}")


@app.command()
def schema() -> None:
    """Print the JSON Schema of a journey map."""
    sys.stdout.write(json.dumps(JourneyMap.model_json_schema(), indent=2) + "\n")


if __name__ == "__main__":
    app()
