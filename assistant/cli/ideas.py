"""`journey ideas` (content ideas per stage, lists and calendar files) and `journey usage`
(the LLM agent's token usage and cost)."""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from assistant.cli.common import HomeOpt, console, load_map, plain
from assistant.cli.errors import Commands, fail
from assistant.session import open_session
from assistant.settings import get_settings

app = Commands()


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
        None, "-o", "--output", help="Write to FILE.csv, FILE.md or (with --calendar) FILE.ics."
    ),
    calendar: str | None = typer.Option(
        None, "--calendar", help="Spread the accepted ideas over a quarter, e.g. Q1-2027."
    ),
    rejected: bool = typer.Option(False, "--rejected", help="Also list rejected ideas."),
    no_generate: bool = typer.Option(
        False, "--no-generate", help="Only list the ideas already on the map."
    ),
    model: str | None = typer.Option(
        None, "--model", help="guided (offline idea patterns) or provider:model for LLM ideas."
    ),
    home: Path | None = HomeOpt,
) -> None:
    """Content ideas per stage, grouped by pain point; missing ones are proposed and saved."""
    # The LLM idea generator is loaded when used (start-up time of every other command).
    from assistant.cli.ideas_run import parse_formats, run_ideas

    load_map(home, name)
    try:
        chosen = parse_formats(formats)
        session = open_session(map=name, home=home, model=model)
        result = run_ideas(
            session, stage, chosen, per_pain, output, not no_generate, calendar, rejected
        )
    except (KeyError, ValueError) as exc:
        fail(str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc))
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    for problem in result.errors:
        err.print(problem, markup=False)
    if result.added:
        by = "" if result.model == "guided" else f" with {result.model}"
        err.print(
            f"Proposed {result.added} new idea(s){by} on '{name}' (status: proposed).", markup=False
        )
    if output is None:
        sys.stdout.write(result.text)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    if result.data is not None:
        output.write_bytes(result.data)
    else:
        output.write_text(result.text, encoding="utf-8")
    dated = f" ({result.scheduled} accepted idea(s) dated)" if calendar else ""
    console().print(f"Wrote {output}{dated}", markup=False)


@app.command()
def usage(name: str, home: Path | None = HomeOpt) -> None:
    """Token usage and estimated cost of the LLM agent, per turn and for the whole map."""
    from assistant.agent.usage import UsageLog  # the agent package, as above

    m = load_map(home, name)
    log = UsageLog(get_settings(home=home).database)
    turns, total, cost = log.turns(m.id), log.totals(m.id), log.total_cost(m.id)
    log.close()
    if not turns:
        console().print(
            f"No model usage recorded for '{name}' (the guided mode uses no model).", markup=False
        )
        return
    # One model for every turn (the usual case): named once below, so the table fits 80 columns.
    models = list(dict.fromkeys(t.model for t in turns))
    many = len(models) > 1
    heads = ["turn", "when (UTC)", *(["model"] if many else []), "calls", "prompt", "input"]
    table = Table(*heads, "output", "cost (USD)")
    for t in turns:
        usd = f"{t.cost:.4f}" if t.cost is not None else "?"
        table.add_row(
            str(t.turn),
            t.at[:16].replace("T", " "),
            *([plain(t.model)] if many else []),
            str(t.calls),
            str(t.first_prompt_tokens),
            str(t.input_tokens),
            str(t.output_tokens),
            usd + ("*" if t.estimated else ""),
        )
    out = console()
    out.print(table)
    usd = f"${cost:.4f}" if cost is not None else "unknown (no price for this model)"
    model = "" if many else f" ({plain(models[0])})"
    out.print(
        f"Map '{plain(name)}'{model}: {len(turns)} turns, {total.calls} model calls, "
        f"{total.input_tokens} input + {total.output_tokens} output tokens, estimated cost {usd}."
    )
    if total.estimated:
        out.print("* the server reported no usage for some turns: tokens counted locally.")
