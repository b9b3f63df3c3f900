"""What every `journey` command shares: the console, the `--home` option, the workspace's
store and its maps (errors: `assistant.cli.errors`)."""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.console import Console

from assistant.cli.errors import database_sentence, fail, os_sentence
from assistant.schema import JourneyMap
from assistant.settings import get_settings
from assistant.store import MapNotFound, Store, open_read_only
from assistant.text_safety import printable

HomeOpt = typer.Option(None, "--home", help="Workspace folder (overrides JOURNEY_HOME).")


def console() -> Console:
    # Piped output is read by scripts: a fixed wide width, so tables are not cut to 80 columns.
    width = None if sys.stdout.isatty() else 200
    return Console(highlight=False, soft_wrap=True, width=width)


def plain(text: str) -> str:
    """User text for a rich table or markup string: markup escaped, control characters gone."""
    from rich.markup import escape

    return escape(printable(text))


def store_for(home: Path | None) -> Store:
    """The workspace's store; read-only when a SQLite database cannot be written, and one
    sentence (not a traceback) when the folder or the database cannot be used."""
    import sqlite3

    settings = get_settings(home=home)
    path = settings.db_path
    first: sqlite3.OperationalError | PermissionError
    try:
        return Store(settings.database)
    except (sqlite3.OperationalError, PermissionError) as exc:
        first = exc
    except sqlite3.DatabaseError as exc:
        fail(database_sentence(exc, path))
    except OSError as exc:
        fail(f"the workspace folder {path.parent} cannot be used: {os_sentence(exc)}")
    except RuntimeError as exc:  # a database server unreachable, or needing `journey db upgrade`
        fail(str(exc))
    if settings.database_url:
        fail(database_sentence(first) if isinstance(first, sqlite3.Error) else os_sentence(first))
    try:
        return open_read_only(path)
    except (sqlite3.Error, OSError):
        if isinstance(first, sqlite3.OperationalError):
            fail(database_sentence(first, path))
        fail(f"the workspace folder {path.parent} cannot be used: {os_sentence(first)}")


def load_map(home: Path | None, name: str) -> JourneyMap:
    store = store_for(home)
    try:
        return store.load(name)
    except MapNotFound as exc:
        fail(str(exc))


def map_id(home: Path | None, name: str | None) -> str | None:
    """The id of the map called `name` (None for no name); a missing map is an error."""
    return load_map(home, name).id if name else None
