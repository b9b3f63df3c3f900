"""`journey chat` (the terminal interview) and `journey schema`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.console import Console

from assistant import prompts
from assistant.cli.common import HomeOpt, console
from assistant.cli.errors import Commands, fail
from assistant.cli.printing import WordWrap, asks_for_map, print_map, print_reply
from assistant.language import HELP as LANGUAGE_HELP
from assistant.retrieval import warm_up
from assistant.schema import JourneyMap
from assistant.session import Reply, open_session

app = Commands()


@app.command()
def chat(
    map: str | None = typer.Option(None, "--map", "-m", help="Map name (created if new)."),
    new: bool = typer.Option(False, "--new", help="Start a new map (refuse an existing name)."),
    lang: str | None = typer.Option(None, "--lang", help=f"Interview language: {LANGUAGE_HELP}."),
    model: str | None = typer.Option(None, "--model", help="guided or provider:model."),
    home: Path | None = HomeOpt,
) -> None:
    """Interview in the terminal. Piped stdin answers one line per question."""
    try:
        session = open_session(map=map, home=home, new=new, lang=lang, model=model)
    except (ValueError, RuntimeError) as exc:  # SettingsError (a bad --lang) is a ValueError
        fail(str(exc))
    tty = sys.stdin.isatty()
    out = console()
    if tty:  # build the card index while the user types, so "what is ...?" answers at once
        _warm_index(session.settings, session.language)
    opening = session.start()
    if opening.done:  # the model cannot be used (missing/wrong key): one sentence, then stop
        fail(opening.text)
    show(out, opening, tty, session.language)
    while True:
        try:
            line = input("> " if tty else "")
        except (EOFError, KeyboardInterrupt):
            saved = prompts.guided(session.language)["messages"]["saved"]
            out.print(
                "\n" + prompts.fill(saved, map=session.map.name, percent=session.status.percent),
                markup=False,
            )
            return
        if tty and asks_for_map(line, session.language):
            reply = session.send(line)
            print_map(out, reply.text)
            out.print(f"[dim]{_percent_line(session.language, reply)}[/dim]", markup=True)
        elif tty:
            reply = stream_reply(out, session, line)
        else:
            reply = session.send(line)
            show(out, reply, tty, session.language)
        if reply.done:
            return


def _warm_index(settings, language: str) -> None:  # type: ignore[no-untyped-def]

    warm_up(settings, language)


def _percent_line(language: str, reply: Reply) -> str:
    """'42% complete' in the interview's language."""
    return prompts.fill(
        prompts.guided(language)["messages"]["percent_done"], percent=reply.status.percent
    )


def stream_reply(out: Console, session, line: str) -> Reply:  # type: ignore[no-untyped-def]
    """Print text pieces as they arrive (token streaming for the LLM), then the status."""
    final: Reply | None = None
    wrap = WordWrap(out)
    for piece in session.stream(line):
        if isinstance(piece, Reply):
            final = piece
        else:
            wrap.feed(piece)
    wrap.close()
    assert final is not None
    out.print(f"[dim]{_percent_line(session.language, final)}[/dim]", markup=True)
    return final


def show(out: Console, reply: Reply, tty: bool, language: str = "en") -> None:
    if tty:
        print_reply(out, reply.text)
        out.print(f"[dim]{_percent_line(language, reply)}[/dim]", markup=True)
    else:
        print(reply.text, flush=True)
        print(f"[{reply.status.percent}% complete; next: {reply.gap or 'nothing'}]", flush=True)


@app.command()
def schema() -> None:
    """Print the JSON Schema of a journey map."""
    sys.stdout.write(json.dumps(JourneyMap.model_json_schema(), indent=2) + "\n")
