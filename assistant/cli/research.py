"""`journey ingest`, `journey search`, `journey evidence` and `journey research rebuild`:
research files in, knowledge and research out, and the research index repaired."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from assistant.cli.common import HomeOpt, console, load_map, store_for
from assistant.cli.errors import Commands, fail
from assistant.evidence import suggest_for_stage
from assistant.ingest import ingest_paths
from assistant.retrieval import KnowledgeBase
from assistant.retrieval.archive import index_failure, rebuild
from assistant.settings import get_settings
from assistant.store import MapNotFound
from assistant.text_safety import printable
from tools.context import ToolContext, ToolError
from tools.evidence_tools import suggest_from_research

app = Commands()
maintenance = Commands(help="Maintain the workspace's research index.", no_args_is_help=True)


def _map_id(home: Path | None, map_name: str | None) -> str | None:
    """The id of the map named `map_name` (research is filed by map id)."""
    if not map_name:
        return None
    try:
        return store_for(home).load(map_name).id
    except MapNotFound:
        fail(
            f"No map named '{map_name}' in this workspace. Create it first with "
            f"`journey chat --map {map_name}`, then add its research."
        )


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
    home: Path | None = HomeOpt,
) -> None:
    """Add research files to the workspace; exits 1 if any file could not be ingested."""
    map_id = _map_id(home, map_name)
    kb = KnowledgeBase(get_settings(home=home))
    out = console()
    report = ingest_paths(
        kb, paths, map_id=map_id, text_column=text_column, progress=out.is_terminal
    )
    for result in report.files:
        name = escape(printable(str(result.path)))
        if result.status == "failed":
            out.print(f"[red]✗[/red] {name}: {escape(printable(result.reason))}")
        elif result.status == "unchanged":
            out.print(f"[dim]=[/dim] {name}: already ingested ({result.skipped} chunks)")
        else:
            out.print(f"[green]✓[/green] {name}: {result.added} chunks added")
    scope = f" for map '{escape(printable(map_name))}'" if map_name else ""
    out.print(f"{report.added} chunks added{scope}; {len(report.failed)} file(s) failed.")
    if not report.ok:  # the failures are listed above, one line each
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
    home: Path | None = HomeOpt,
) -> None:
    """Search the knowledge cards (or research) and print snippets with citation ids."""
    map_id = _map_id(home, map_name) if research else None
    kb = KnowledgeBase(get_settings(home=home))
    out = console()
    if not research:
        kb.ensure_index(progress=out.is_terminal and not as_json)
    try:
        hits = kb.search(query, k=k, kind="document" if research else "knowledge", map_id=map_id)
    except ValueError as exc:  # an empty query
        fail(str(exc), code=2)
    except Exception as exc:  # noqa: BLE001 - a broken vector store is one sentence
        fail(index_failure(exc))
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
        out.print("No results.")
        return
    table = Table("citation", "title", "snippet", "score", show_lines=True)
    for hit in hits:
        table.add_row(
            escape(hit.cite()), escape(hit.title), escape(hit.snippet), f"{hit.score:.3f}"
        )
    out.print(table)


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
    home: Path | None = HomeOpt,
) -> None:
    """Show research snippets for each stage as suggested pain points, questions, emotions."""
    journey = load_map(home, name)
    settings = get_settings(home=home)
    kb = KnowledgeBase(settings)
    out = console()
    if kb.research_count(journey.id) == 0:
        out.print(
            f"No research for map '{escape(journey.name)}' yet: add some with "
            f"`journey ingest PATH --map {escape(journey.name)}`."
        )
        return
    try:
        stages = [journey.find_stage(stage)] if stage else journey.stages
    except KeyError as exc:
        fail(str(exc.args[0]))
    for current in stages:
        out.rule(escape(current.name))
        found = suggest_for_stage(kb, journey, current.id, k=k)
        if not found:
            out.print("[dim]No research speaks to this stage.[/dim]")
        for s in found:
            score = f" ({s.score:+d})" if s.score is not None else ""
            out.print(
                f"[bold]{s.field}[/bold]{score}: {escape(s.text)} "
                f"[dim]{escape(' '.join(f'[{e}]' for e in s.evidence))}[/dim]"
            )
        if suggest and found:
            ctx = ToolContext(store_for(home), journey.id, settings, kb)
            try:
                written = suggest_from_research(ctx, current.id, k)
            except ToolError as exc:
                fail(str(exc))
            ids = " ".join(w.item_id for w in written)
            out.print(f"Added {len(written)} suggestion(s): {escape(ids)}")


@maintenance.command("rebuild")
def research_rebuild(home: Path | None = HomeOpt) -> None:
    """Drop the research index and store every ingested file's chunks again (no re-reading).

    Use it when `journey search --research` or an ingest says the research index failed."""
    kb = KnowledgeBase(get_settings(home=home))
    try:
        report = rebuild(kb)
    except Exception as exc:  # noqa: BLE001 - Chroma's errors are many; the user needs one line
        fail(f"the rebuild failed ({type(exc).__name__}: {' '.join(str(exc).split())[:200]}).")
    out = console()
    for problem in report.problems:
        out.print(f"Skipped an unreadable archive file: {problem}", markup=False)
    salvaged = f" ({report.salvaged} read back from the old index)" if report.salvaged else ""
    out.print(
        f"Rebuilt the research index: {report.chunks} chunks from {report.files} file(s)"
        f"{salvaged}.",
        markup=False,
    )
