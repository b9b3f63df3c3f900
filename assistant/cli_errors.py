"""The one sentence a `journey` command prints instead of a traceback.

File-system errors (an unwritable output, an unusable `--home`), a damaged or foreign SQLite
file and rich markup errors are turned into `Error: ...` lines by `describe`; the CLI's entry
point (`assistant.cli.app`) catches them around every command.
"""

from __future__ import annotations

import errno
import sqlite3

from assistant.text_safety import printable

READ_ONLY = "attempt to write a readonly database"


def describe(exc: BaseException) -> str | None:
    """One sentence for a known kind of failure, or None for a real bug (keep the traceback)."""
    from rich.errors import MarkupError
    from sqlalchemy.exc import DBAPIError

    from assistant.db import DatabaseUnavailable, SchemaOutdated

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
