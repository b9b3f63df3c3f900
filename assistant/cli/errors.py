"""The one way a `journey` command reports a user-facing error.

A command (or a helper it calls) raises `UserError` (or calls `fail`, which raises it). Every
command is registered on a `Commands` group, which wraps its function so that a `UserError`,
and a known kind of failure from below (file system, damaged or busy database, rich markup),
prints one `Error: <sentence>` line to stderr and exits with a non-zero code: no traceback.
An unknown exception is a bug and keeps its traceback.
"""

from __future__ import annotations

import errno
import functools
import sqlite3
from collections.abc import Callable
from typing import Any, NoReturn

import typer
from rich.console import Console

from assistant.db import DatabaseUnavailable, SchemaOutdated
from assistant.text_safety import printable

READ_ONLY = "attempt to write a readonly database"


class UserError(Exception):
    """A sentence for the person at the terminal and the exit code (1 unless said)."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def fail(message: str, code: int = 1) -> NoReturn:
    """Stop the command with `Error: message` (plain text: no markup, no control characters)."""
    raise UserError(message, code)


def report(error: UserError) -> NoReturn:
    """Print the error to stderr and exit with its code (the only place that prints one)."""
    from rich.markup import escape

    Console(stderr=True, highlight=False, soft_wrap=True).print(
        f"[red]Error:[/red] {escape(printable(error.message))}", markup=True
    )
    raise typer.Exit(error.code)


def guarded(function: Callable[..., Any]) -> Callable[..., Any]:
    """`function` with the error convention applied (Typer reads the wrapped signature)."""

    @functools.wraps(function)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except UserError as error:
            report(error)
        except Exception as exc:
            sentence = describe(exc)
            if sentence is None:
                raise
            report(UserError(sentence))

    return run


class Commands(typer.Typer):
    """A Typer group whose commands and callback all follow the error convention."""

    def command(self, *args: Any, **kwargs: Any) -> Callable[[Callable[..., Any]], Any]:
        register = super().command(*args, **kwargs)

        def decorator(function: Callable[..., Any]) -> Callable[..., Any]:
            register(guarded(function))
            return function

        return decorator

    def callback(self, *args: Any, **kwargs: Any) -> Callable[[Callable[..., Any]], Any]:
        register = super().callback(*args, **kwargs)

        def decorator(function: Callable[..., Any]) -> Callable[..., Any]:
            register(guarded(function))
            return function

        return decorator


def describe(exc: BaseException) -> str | None:
    """One sentence for a known kind of failure, or None for a real bug (keep the traceback)."""
    from rich.errors import MarkupError
    from sqlalchemy.exc import DBAPIError

    if isinstance(exc, DBAPIError) and isinstance(exc.orig, sqlite3.DatabaseError):
        exc = exc.orig  # the store runs on SQLAlchemy: its SQLite errors arrive wrapped
    if isinstance(exc, DatabaseUnavailable | SchemaOutdated):
        return str(exc)
    if isinstance(exc, sqlite3.DatabaseError):
        return database_sentence(exc)
    if isinstance(exc, OSError):
        return os_sentence(exc)
    if isinstance(exc, MarkupError):
        return f"text could not be printed ({printable(str(exc))})."
    return None


def database_sentence(exc: sqlite3.DatabaseError, path: object = None) -> str:
    where = f" {path}" if path else ""
    text = " ".join(str(exc).split())
    if READ_ONLY in text or "readonly" in text:
        return f"the workspace{where} is read-only: it can be listed and exported, not changed."
    if isinstance(exc, sqlite3.OperationalError) and "unable to open" in text:
        return (
            f"the workspace database{where} cannot be opened for writing ({text}); a read-only "
            "workspace can still be listed and exported."
        )
    if isinstance(exc, sqlite3.OperationalError) and "locked" in text:
        return f"the workspace database{where} is busy ({text}); try again."
    return (
        f"the workspace database{where} is damaged or not a journey database ({text}). "
        "Restore it from a backup, or move it aside to start an empty workspace."
    )


def os_sentence(exc: OSError) -> str:
    name = printable(str(exc.filename)) if exc.filename else ""
    reason = exc.strerror or type(exc).__name__
    if exc.errno == errno.EISDIR:
        return f"{name} is a folder; give a file name."
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"{name} cannot be written ({reason})."
    return f"{reason}: {name}." if name else f"{reason}."
