"""`journey eval` (simulated-user evals, idea quality) and `journey eval answers`."""

from __future__ import annotations

from pathlib import Path

import typer

from assistant.cli.answers import answers_command
from assistant.cli.common import console
from assistant.cli.errors import Commands, fail
from assistant.language import HELP as LANGUAGE_HELP
from assistant.language import LANGUAGES

app = Commands(invoke_without_command=True, no_args_is_help=False)


@app.callback()
def eval_command(
    ctx: typer.Context,
    scenarios: Path | None = typer.Option(
        None, "--scenarios", help="Folder of scenario YAML files (default: the shipped ones)."
    ),
    model: str | None = typer.Option(
        None, "--model", help="Assistant under test: guided (default) or provider:model."
    ),
    user_model: str | None = typer.Option(
        None, "--user-model", help="provider:model to play the user (default: scripted user)."
    ),
    lang: list[str] | None = typer.Option(
        None, "--lang", help=f"Only scenarios in {LANGUAGE_HELP}."
    ),
    scenario: list[str] | None = typer.Option(None, "--scenario", help="Only these scenario ids."),
    json_out: Path | None = typer.Option(None, "--json", help="Write every figure as JSON."),
    report: Path | None = typer.Option(None, "--report", help="Write a Markdown report."),
    ideas: bool = typer.Option(
        False, "--ideas", help="Check content-idea quality on evals/ideas (or --scenarios DIR)."
    ),
) -> None:
    """Run the simulated-user evals: how much of each brief reaches the map, in how many turns.
    `journey eval answers` scores the natural-answer corpus instead."""
    if ctx.invoked_subcommand:
        return
    # The eval runner is loaded by this command only (start-up time of every other command).
    from assistant.cli.eval_run import run_eval, run_idea_quality
    from assistant.evals.scenario import ScenarioError

    if ideas:
        try:
            run_idea_quality(scenarios, json_out, console())
        except ValueError as exc:
            fail(str(exc))
        return

    if lang and any(code not in LANGUAGES for code in lang):
        fail(f"--lang must be one of: {', '.join(LANGUAGES)}.")
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


app.command("answers")(answers_command)
