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


def _env_name(loc: tuple) -> str:
    name = ".".join(map(str, loc))
    return name if name.isupper() else f"JOURNEY_{name.upper()}"


@app.callback()
def _check_settings() -> None:
    """Read the settings once up front, so a bad variable is one sentence, not a traceback."""
    from pydantic import ValidationError

    try:
        get_settings()
    except ValidationError as exc:
        problems = "; ".join(f"{_env_name(e['loc'])}: {e['msg']}" for e in exc.errors())
        fail(f"invalid setting ({problems}). See .env.example.")


def console() -> Console:
    # Piped output is read by scripts: a fixed wide width, so tables are not cut to 80 columns.
    width = None if sys.stdout.isatty() else 200
    return Console(highlight=False, soft_wrap=True, width=width)


def fail(message: str, code: int = 1) -> None:
    Console(stderr=True, highlight=False, soft_wrap=True).print(
        f"[red]Error:[/red] {message}", markup=True
    )
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
    if tty:  # build the card index while the user types, so "what is ...?" answers at once
        _warm_index(session.settings)
    opening = session.start()
    if opening.done:  # the model cannot be used (missing/wrong key): one sentence, then stop
        fail(opening.text)
    show(out, opening, tty, session.language)
    while True:
        try:
            line = input("> " if tty else "")
        except (EOFError, KeyboardInterrupt):
            from assistant import prompts

            saved = prompts.guided(session.language)["messages"]["saved"]
            out.print(
                "\n" + prompts.fill(saved, map=session.map.name, percent=session.status.percent),
                markup=False,
            )
            return
        if tty:
            reply = stream_reply(out, session, line)
        else:
            reply = session.send(line)
            show(out, reply, tty, session.language)
        if reply.done:
            return


def _warm_index(settings) -> None:  # type: ignore[no-untyped-def]
    import threading

    def work() -> None:
        from assistant.retrieval import KnowledgeBase

        try:
            KnowledgeBase(settings).ensure_index()
        except Exception:  # noqa: BLE001 - a search will build it or say what is wrong
            return

    # Not a daemon: exiting while onnxruntime embeds would abort the process; at most the
    # first exit in a fresh workspace waits for the build to finish.
    threading.Thread(target=work, daemon=False, name="journey-index").start()


def _percent_line(language: str, reply: Reply) -> str:
    """'42% complete' in the interview's language."""
    from assistant import prompts

    return prompts.fill(
        prompts.guided(language)["messages"]["percent_done"], percent=reply.status.percent
    )


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
    out.print(f"[dim]{_percent_line(session.language, final)}[/dim]", markup=True)
    return final


def show(out: Console, reply: Reply, tty: bool, language: str = "en") -> None:
    if tty:
        out.print(reply.text, markup=False)
        out.print(f"[dim]{_percent_line(language, reply)}[/dim]", markup=True)
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
                    item.id,
                    label,
                    item_label(item),
                    item.provenance.source.value,
                    " ".join(item.provenance.evidence),
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
        fail(result.text.removeprefix("Error: "))
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


@app.command()
def export(
    name: str,
    format: Format = typer.Option(Format.md, "--format", "-f", help="Output format."),
    output: Path | None = typer.Option(
        None, "-o", "--output", help="File to write (default stdout)."
    ),
    home: Path | None = HomeOpt,
) -> None:
    """Export a map as JSON, Markdown, CSV, a Mermaid diagram, an HTML page or a PNG image."""
    m = load_map(home, name)
    if format is Format.png:
        export_png(m, output)
        return
    text = render(m, format.value)
    if output is None:
        sys.stdout.write(text)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    console().print(f"Wrote {output}")


def export_png(m: JourneyMap, output: Path | None) -> None:
    """PNG goes to a file (default `<map>.png`), never to the terminal."""
    from assistant.visual import RendererMissing, map_to_png

    target = output or Path(f"{m.name}.png")
    try:
        map_to_png(m, target)
    except RendererMissing as exc:
        fail(str(exc))
    console().print(f"Wrote {target}")


@app.command()
def serve(
    host: str | None = typer.Option(None, "--host", help="Address to bind (default 127.0.0.1)."),
    port: int | None = typer.Option(None, "--port", help="Port (default 7860)."),
    auth: str | None = typer.Option(None, "--auth", help="Require a login: user:password."),
    home: Path | None = HomeOpt,
) -> None:
    """Start the web app (chat, live map, research, ideas, exports) and print its URL."""
    from assistant.web import serve as run_server
    from assistant.web.serve import parse_auth

    try:
        parse_auth(auth)
    except ValueError as exc:
        fail(str(exc))
    try:
        run_server(get_settings(home=home), host=host, port=port, auth=auth)
    except OSError as exc:
        fail(f"Could not start the server: {exc}")
    except KeyboardInterrupt:
        console().print("Stopped.")


@app.command()
def ideas(
    name: str,
    stage: str | None = typer.Option(
        None, "--stage", "-s", help="Only this stage (number or name)."
    ),
    formats: str | None = typer.Option(
        None, "--format", "-f", help="Only these formats, comma-separated (e.g. blog,email)."
    ),
    per_pain: int = typer.Option(
        3, "--per-pain", "-n", min=1, max=10, help="Ideas per pain point."
    ),
    output: Path | None = typer.Option(
        None, "-o", "--output", help="Write to FILE.csv (content calendar) or FILE.md."
    ),
    no_generate: bool = typer.Option(
        False, "--no-generate", help="Only list the ideas already on the map."
    ),
    model: str | None = typer.Option(
        None, "--model", help="guided (offline idea patterns) or provider:model for LLM ideas."
    ),
    home: Path | None = HomeOpt,
) -> None:
    """Content ideas per stage, grouped by pain point; missing ones are proposed and saved."""
    from assistant.ideas.command import parse_formats, run_ideas

    load_map(home, name)
    try:
        chosen = parse_formats(formats)
        session = open_session(map=name, home=home, model=model)
        result = run_ideas(session, stage, chosen, per_pain, output, not no_generate)
    except (KeyError, ValueError) as exc:
        fail(str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc))
        raise
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    for problem in result.errors:
        err.print(problem, markup=False)
    if result.added:
        by = "" if result.model == "guided" else f" with {result.model}"
        err.print(f"Proposed {result.added} new idea(s){by} on '{name}' (status: proposed).")
    if output is None:
        sys.stdout.write(result.text)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(result.text, encoding="utf-8")
    console().print(f"Wrote {output}")


@app.command()
def usage(name: str, home: Path | None = HomeOpt) -> None:
    """Token usage and estimated cost of the LLM agent, per turn and for the whole map."""
    from assistant.agent.usage import UsageLog

    m = load_map(home, name)
    log = UsageLog(get_settings(home=home).db_path)
    turns, total, cost = log.turns(m.id), log.totals(m.id), log.total_cost(m.id)
    log.close()
    if not turns:
        console().print(f"No model usage recorded for '{name}' (the guided mode uses no model).")
        return
    table = Table("turn", "when", "model", "calls", "prompt", "input", "output", "cost (USD)")
    for t in turns:
        usd = f"{t.cost:.4f}" if t.cost is not None else "?"
        table.add_row(
            str(t.turn),
            t.at[:19],
            t.model,
            str(t.calls),
            str(t.first_prompt_tokens),
            str(t.input_tokens),
            str(t.output_tokens),
            usd + ("*" if t.estimated else ""),
        )
    out = console()
    out.print(table)
    usd = f"${cost:.4f}" if cost is not None else "unknown (no price for this model)"
    out.print(
        f"Map '{name}': {len(turns)} turns, {total.calls} model calls, "
        f"{total.input_tokens} input + {total.output_tokens} output tokens, estimated cost {usd}."
    )
    if total.estimated:
        out.print("* the server reported no usage for some turns: tokens counted locally.")


@app.command()
def schema() -> None:
    """Print the JSON Schema of a journey map."""
    sys.stdout.write(json.dumps(JourneyMap.model_json_schema(), indent=2) + "\n")


@app.command("eval")
def eval_command(
    scenarios: Path | None = typer.Option(
        None, "--scenarios", help="Folder of scenario YAML files (default: the shipped ones)."
    ),
    model: str | None = typer.Option(
        None, "--model", help="Assistant under test: guided (default) or provider:model."
    ),
    user_model: str | None = typer.Option(
        None, "--user-model", help="provider:model to play the user (default: scripted user)."
    ),
    lang: list[str] | None = typer.Option(None, "--lang", help="Only scenarios in en, pl or it."),
    scenario: list[str] | None = typer.Option(None, "--scenario", help="Only these scenario ids."),
    json_out: Path | None = typer.Option(None, "--json", help="Write every figure as JSON."),
    report: Path | None = typer.Option(None, "--report", help="Write a Markdown report."),
) -> None:
    """Run the simulated-user evals: how much of each brief reaches the map, in how many turns."""
    from assistant.evals.command import run_eval
    from assistant.evals.scenario import ScenarioError

    if lang and any(code not in ("en", "pl", "it") for code in lang):
        fail("--lang must be en, pl or it.")
    try:
        run_eval(
            scenarios=scenarios,
            model=model or "guided",
            user_model=user_model,
            languages=lang,
            only=scenario,
            json_path=json_out,
            report_path=report,
            console=console(),
        )
    except (ScenarioError, ValueError) as exc:
        fail(str(exc))


def _mount_commands() -> None:
    """Commands that live beside their feature: ingest, search, evidence (retrieval)."""
    from assistant.retrieval.cli_commands import app as retrieval_app

    app.registered_commands.extend(retrieval_app.registered_commands)


_mount_commands()

if __name__ == "__main__":
    app()
