"""`journey users`, `journey teams`, `journey access` and `journey db`: accounts and the
database, as thin commands over `assistant.accounts` and `assistant.db`."""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.table import Table

from assistant.accounts import AccountError, Accounts, check_user_name
from assistant.cli.common import HomeOpt, console, load_map
from assistant.cli.errors import Commands, fail
from assistant.db import HEAD, current_revision, make_engine, upgrade
from assistant.settings import get_settings

users_app = Commands(help="Web app accounts: add, list and remove users.", no_args_is_help=True)
teams_app = Commands(
    help="Teams (workspaces): groups of users that share maps.", no_args_is_help=True
)
access_app = Commands(
    help="Roles on a map (owner, editor, viewer) for users and teams.", no_args_is_help=True
)
db_app = Commands(help="The workspace database (JOURNEY_DATABASE_URL).", no_args_is_help=True)


def _accounts(home: Path | None):  # type: ignore[no-untyped-def]

    try:
        return Accounts(get_settings(home=home).database)
    except RuntimeError as exc:  # SchemaOutdated, DatabaseUnavailable: one sentence each
        fail(str(exc))


def _read_password(confirm: bool = True) -> str:
    """From a hidden prompt at a terminal, else the first line of stdin. Never echoed."""
    if sys.stdin.isatty():
        return str(typer.prompt("Password", hide_input=True, confirmation_prompt=confirm))
    line = sys.stdin.readline()
    if not line:
        fail("No password given: type it at the prompt or pipe it on stdin.")
    return line.rstrip("\r\n")


@users_app.command("add")
def users_add(
    name: str,
    admin: bool = typer.Option(False, "--admin", help="May see and change every map."),
    no_password: bool = typer.Option(
        False, "--no-password", help="Signs in only through the trusted proxy header."
    ),
    home: Path | None = HomeOpt,
) -> None:
    """Add a user. The password is asked for (hidden) or read from stdin's first line."""
    accounts = _accounts(home)
    try:
        check_user_name(name)
        password = None if no_password else _read_password()
        user = accounts.add_user(name, password, admin=admin)
    except AccountError as exc:
        fail(str(exc))
    console().print(f"Added user '{user.name}'{' (admin)' if user.is_admin else ''}.", markup=False)


@users_app.command("password")
def users_password(name: str, home: Path | None = HomeOpt) -> None:
    """Set a user's password (asked for hidden, or read from stdin's first line)."""
    accounts = _accounts(home)
    try:
        accounts.set_password(name, _read_password())
    except AccountError as exc:
        fail(str(exc))
    console().print(f"Password of '{name}' changed.", markup=False)


@users_app.command("list")
def users_list(home: Path | None = HomeOpt) -> None:
    """Every user, with their teams."""
    accounts = _accounts(home)
    members: dict[str, list[str]] = {}
    for team, names in accounts.teams().items():
        for name in names:
            members.setdefault(name, []).append(team)
    found = accounts.list_users()
    if not found:
        console().print("No users yet: the web app asks nobody to sign in on 127.0.0.1.")
        return
    table = Table("User", "Admin", "Sign-in", "Teams")
    for user in found:
        table.add_row(
            user.name,
            "yes" if user.is_admin else "",
            "password" if user.has_password else "proxy header",
            ", ".join(members.get(user.name, [])),
        )
    console().print(table)


@users_app.command("remove")
def users_remove(name: str, home: Path | None = HomeOpt) -> None:
    """Remove a user and their roles (the maps stay)."""
    try:
        _accounts(home).remove_user(name)
    except AccountError as exc:
        fail(str(exc))
    console().print(f"Removed user '{name}'.", markup=False)


@teams_app.command("add")
def teams_add(name: str, home: Path | None = HomeOpt) -> None:
    """Add a team."""
    try:
        _accounts(home).add_team(name)
    except AccountError as exc:
        fail(str(exc))
    console().print(f"Added team '{name}'.", markup=False)


@teams_app.command("list")
def teams_list(home: Path | None = HomeOpt) -> None:
    """Every team and its members."""
    found = _accounts(home).teams()
    if not found:
        console().print("No teams yet.")
        return
    table = Table("Team", "Members")
    for team, names in found.items():
        table.add_row(team, ", ".join(names))
    console().print(table)


@teams_app.command("remove")
def teams_remove(name: str, home: Path | None = HomeOpt) -> None:
    """Remove a team and the roles it held."""
    try:
        _accounts(home).remove_team(name)
    except AccountError as exc:
        fail(str(exc))
    console().print(f"Removed team '{name}'.", markup=False)


@teams_app.command("join")
def teams_join(team: str, user: str, home: Path | None = HomeOpt) -> None:
    """Add USER to TEAM."""
    try:
        _accounts(home).join(team, user)
    except AccountError as exc:
        fail(str(exc))
    console().print(f"'{user}' is in team '{team}'.", markup=False)


@teams_app.command("leave")
def teams_leave(team: str, user: str, home: Path | None = HomeOpt) -> None:
    """Take USER out of TEAM."""
    try:
        _accounts(home).leave(team, user)
    except AccountError as exc:
        fail(str(exc))
    console().print(f"'{user}' left team '{team}'.", markup=False)


def _map_id(home: Path | None, name: str) -> str:
    return load_map(home, name).id


@access_app.command("grant")
def access_grant(
    map_name: str = typer.Argument(..., metavar="MAP"),
    role: str = typer.Argument(..., help="owner, editor or viewer"),
    user: str | None = typer.Option(None, "--user", "-u"),
    team: str | None = typer.Option(None, "--team", "-t"),
    home: Path | None = HomeOpt,
) -> None:
    """Give a user or a team a role on a map."""
    map_id = _map_id(home, map_name)
    try:
        _accounts(home).grant(map_id, role, user=user, team=team)
    except (AccountError, ValueError) as exc:
        fail(str(exc))
    who = f"user '{user}'" if user else f"team '{team}'"
    console().print(f"{who} is {role.strip().casefold()} of '{map_name}'.", markup=False)


@access_app.command("revoke")
def access_revoke(
    map_name: str = typer.Argument(..., metavar="MAP"),
    user: str | None = typer.Option(None, "--user", "-u"),
    team: str | None = typer.Option(None, "--team", "-t"),
    home: Path | None = HomeOpt,
) -> None:
    """Take a user's or a team's role on a map away."""
    map_id = _map_id(home, map_name)
    try:
        _accounts(home).revoke(map_id, user=user, team=team)
    except AccountError as exc:
        fail(str(exc))
    console().print(f"Revoked on '{map_name}'.", markup=False)


@access_app.command("list")
def access_list(
    map_name: str = typer.Argument(..., metavar="MAP"), home: Path | None = HomeOpt
) -> None:
    """Who holds which role on a map."""
    grants = _accounts(home).grants(_map_id(home, map_name))
    if not grants:
        console().print(f"Nobody holds a role on '{map_name}' (only admins can open it).")
        return
    table = Table("Kind", "Name", "Role")
    for kind, name, role in grants:
        table.add_row(kind, name, role.value)
    console().print(table)


@db_app.command("upgrade")
def db_upgrade(home: Path | None = HomeOpt) -> None:
    """Bring the database schema to this version (run once after installing an update)."""
    from sqlalchemy.engine import make_url

    url = get_settings(home=home).database
    try:
        revision = upgrade(url)
    except Exception as exc:  # noqa: BLE001 - unreachable server, bad URL: one sentence
        fail(
            f"Could not upgrade the database: {exc.__class__.__name__}: {str(exc).splitlines()[0]}"
        )
    shown = make_url(url).render_as_string(hide_password=True)
    console().print(f"{shown} is at schema {revision}.", markup=False)


@db_app.command("current")
def db_current(home: Path | None = HomeOpt) -> None:
    """Print the schema revision the database is at, and the one this version needs."""
    engine = make_engine(get_settings(home=home).database)
    try:
        with engine.connect() as conn:
            revision = current_revision(conn)
    except Exception as exc:  # noqa: BLE001
        fail(f"Could not read the database: {exc.__class__.__name__}: {str(exc).splitlines()[0]}")
    finally:
        engine.dispose()
    state = "up to date" if revision == HEAD else "run `journey db upgrade`"
    console().print(f"schema {revision or 'none'}; this version needs {HEAD} ({state}).")


GROUPS = {"users": users_app, "teams": teams_app, "access": access_app, "db": db_app}
"""The groups, by the name they have under `journey`."""
