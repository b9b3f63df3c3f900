"""`journey serve`: the web app."""

from __future__ import annotations

from pathlib import Path

import typer

from assistant.cli.common import HomeOpt, console
from assistant.cli.errors import Commands, fail
from assistant.settings import get_settings
from assistant.web import serve as run_server
from assistant.web.serve import check_database, parse_auth

app = Commands()


@app.command()
def serve(
    host: str | None = typer.Option(None, "--host", help="Address to bind (default 127.0.0.1)."),
    port: int | None = typer.Option(None, "--port", help="Port (default 7860)."),
    auth: str | None = typer.Option(None, "--auth", help="Require a login: user:password."),
    allow_public: bool = typer.Option(
        False, "--allow-public", help="Allow a non-loopback --host without any sign-in."
    ),
    home: Path | None = HomeOpt,
) -> None:
    """Start the web app (chat, live map, research, ideas, exports) and print its URL."""
    try:
        parse_auth(auth)
    except ValueError as exc:
        fail(str(exc))
    settings = get_settings(home=home, allow_public=allow_public or None)
    check_database(settings)  # a damaged database is one sentence now, not errors per click
    try:
        run_server(settings, host=host, port=port, auth=auth)
    except (ValueError, RuntimeError) as exc:  # a public bind without sign-in, --auth beside
        fail(str(exc))  # user accounts, a database server unreachable or behind its schema
    except OSError as exc:
        fail(f"Could not start the server: {exc}")
    except KeyboardInterrupt:
        console().print("Stopped.")
