"""`journey ingest`, `journey search` and `journey evidence`: Typer commands on `app`.

Mount them into the main CLI with `app.registered_commands.extend(...)` or `add_typer`.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from assistant.settings import Settings, get_settings

app = typer.Typer(help="Knowledge search and research ingest.", no_args_is_help=True)
console = Console(highlight=False, soft_wrap=True)  # no hard wraps: output is grepped
HOME = typer.Option(None, "--home", help="Workspace folder (overrides JOURNEY_HOME).")


def _map_id(settings: Settings, map_name: str | None) -> str | None:
    """The id of the map named `map_name` (research is filed by map id); exits 1 with a
    clear message when there is no such map."""
    if not map_name:
        return None
    from assistant.store import MapNotFound, Store
    from assistant.text_safety import printable

    try:
        return Store(settings.database).load(map_name).id
    except MapNotFound as exc:
        console.print(
            f"[red]No map named '{escape(printable(map_name))}' in this workspace.[/red] "
            "Create it first "
            f"with `journey chat --map {escape(printable(map_name))}`, then add its research."
        )
        raise typer.Exit(1) from exc


@app.command("ingest")
def ingest_command(
    paths: list[Path] = typer.Argument(
        ..., help="Research files or folders (md, txt, pdf, docx, html, csv)."
    ),
    map_name: str | None = typer.Option(
        None, "--map", help="The map this research belongs to (it must exist)."
    ),
    text_column: str | None = typer.Option(
        None, "--text-column", help="CSV column holding the text (else detected)."
    ),
    home: Path | None = HOME,
) -> None:
    """Add research files to the workspace; exits 1 if any file could not be ingested."""
    from assistant.ingest import ingest_paths
    from assistant.retrieval import KnowledgeBase
    from assistant.text_safety import printable

    settings = get_settings(home=home)
    map_id = _map_id(settings, map_name)
    kb = KnowledgeBase(settings)
    report = ingest_paths(
        kb, paths, map_id=map_id, text_column=text_column, progress=console.is_terminal
    )
    for result in report.files:
        name = escape(printable(str(result.path)))
        if result.status == "failed":
            console.print(f"[red]✗[/red] {name}: {escape(printable(result.reason))}")
        elif result.status == "unchanged":
            console.print(f"[dim]=[/dim] {name}: already ingested ({result.skipped} chunks)")
        else:
            console.print(f"[green]✓[/green] {name}: {result.added} chunks added")
    scope = f" for map '{escape(printable(map_name))}'" if map_name else ""
    console.print(f"{report.added} chunks added{scope}; {len(report.failed)} file(s) failed.")
    if not report.ok:
        raise typer.Exit(1)


@app.command("search")
def search_command(
    query: str = typer.Argument(..., help="What to look up."),
    k: int = typer.Option(5, "-k", min=1, max=50, help="How many results."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    research: bool = typer.Option(
        False, "--research", help="Search ingested research, not the knowledge cards."
    ),
    map_name: str | None = typer.Option(None, "--map", help="With --research: only this map's."),
    home: Path | None = HOME,
) -> None:
    """Search the knowledge cards (or research) and print snippets with citation ids."""
    from assistant.retrieval import KnowledgeBase

    settings = get_settings(home=home)
    map_id = _map_id(settings, map_name) if research else None
    kb = KnowledgeBase(settings)
    if not research:
        kb.ensure_index(progress=console.is_terminal and not as_json)
    try:
        hits = kb.search(query, k=k, kind="document" if research else "knowledge", map_id=map_id)
    except ValueError as exc:
        console.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(2) from exc
    except Exception as exc:  # noqa: BLE001 - a broken vector store is one sentence
        from assistant.research_archive import index_failure

        console.print(f"[red]Error:[/red] {escape(index_failure(exc))}")
        raise typer.Exit(1) from exc
    if as_json:
        typer.echo(
            json.dumps(
                [{**hit.__dict__, "citation": hit.cite()} for hit in hits],
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    if not hits:
        console.print("No results.")
        return
    table = Table("citation", "title", "snippet", "score", show_lines=True)
    for hit in hits:
        table.add_row(
            escape(hit.cite()), escape(hit.title), escape(hit.snippet), f"{hit.score:.3f}"
        )
    console.print(table)


@app.command("evidence")
def evidence_command(
    name: str = typer.Argument(..., help="The map."),
    stage: str | None = typer.Option(None, "--stage", help="One stage (number or name)."),
    k: int = typer.Option(6, "-k", min=1, max=30, help="Snippets per stage."),
    suggest: bool = typer.Option(
        False,
        "--suggest",
        help="Also add them to the map as "
        "suggestions (accept with `journey maps accept NAME ID...`).",
    ),
    home: Path | None = HOME,
) -> None:
    """Show research snippets for each stage as suggested pain points, questions, emotions."""
    from assistant.evidence import suggest_for_stage
    from assistant.retrieval import KnowledgeBase
    from assistant.store import MapNotFound, Store

    settings = get_settings(home=home)
    try:
        journey = Store(settings.database).load(name)
    except MapNotFound as exc:
        console.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(1) from exc
    kb = KnowledgeBase(settings)
    if kb.research_count(journey.id) == 0:
        console.print(
            f"No research for map '{escape(journey.name)}' yet: add some with "
            f"`journey ingest PATH --map {escape(journey.name)}`."
        )
        return
    try:
        stages = [journey.find_stage(stage)] if stage else journey.stages
    except KeyError as exc:
        console.print(f"[red]{escape(str(exc.args[0]))}[/red]")
        raise typer.Exit(1) from exc
    for current in stages:
        console.rule(escape(current.name))
        found = suggest_for_stage(kb, journey, current.id, k=k)
        if not found:
            console.print("[dim]No research speaks to this stage.[/dim]")
        for s in found:
            score = f" ({s.score:+d})" if s.score is not None else ""
            console.print(
                f"[bold]{s.field}[/bold]{score}: {escape(s.text)} "
                f"[dim]{escape(' '.join(f'[{e}]' for e in s.evidence))}[/dim]"
            )
        if suggest and found:
            from tools.context import ToolContext, ToolError
            from tools.evidence_tools import suggest_from_research

            ctx = ToolContext(Store(settings.database), journey.id, settings, kb)
            try:
                written = suggest_from_research(ctx, current.id, k)
            except ToolError as exc:
                console.print(f"[red]{escape(str(exc))}[/red]")
                raise typer.Exit(1) from exc
            ids = " ".join(w.item_id for w in written)
            console.print(f"Added {len(written)} suggestion(s): {escape(ids)}")
