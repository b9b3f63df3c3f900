"""What every `journey` command shares: the console, errors, the workspace and its maps."""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.console import Console

from assistant.schema import JourneyMap
from assistant.settings import get_settings
from assistant.store import MapNotFound, Store

HomeOpt = typer.Option(None, "--home", help="Workspace folder (overrides JOURNEY_HOME).")


def _env_name(loc: tuple) -> str:
    name = ".".join(map(str, loc))
    return name if name.isupper() else f"JOURNEY_{name.upper()}"


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
    try:
        return Store(get_settings(home=home).database)
    except RuntimeError as exc:  # the database is unreachable or needs `journey db upgrade`
        fail(str(exc))
        raise


def load_map(home: Path | None, name: str) -> JourneyMap:
    store = store_for(home)
    try:
        return store.load(name)
    except MapNotFound as exc:
        fail(str(exc))
        raise
