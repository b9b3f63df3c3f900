"""`journey share`: a map's read-only link (create, show, revoke), over
`assistant.accounts.sharing`. The CLI is the operator's, like `journey access`."""

from __future__ import annotations

from pathlib import Path

import typer

from assistant.cli.common import HomeOpt, console, load_map
from assistant.cli.errors import Commands, fail

share_app = Commands(
    help="Read-only links to one map, for people without an account.", no_args_is_help=True
)


def _links(home: Path | None):  # type: ignore[no-untyped-def]
    from assistant.accounts.sharing import ShareLinks
    from assistant.settings import get_settings

    try:
        return ShareLinks(get_settings(home=home).database)
    except RuntimeError as exc:  # SchemaOutdated, DatabaseUnavailable: one sentence each
        fail(str(exc))


@share_app.command("create")
def share_create(
    map_name: str = typer.Argument(..., metavar="MAP"),
    url: str = typer.Option(
        "", "--url", help="The app's public address, e.g. https://journey.example.com"
    ),
    home: Path | None = HomeOpt,
) -> None:
    """Make a new read-only link (the map's old link stops working). Shown once."""
    from assistant.accounts.sharing import PREFIX

    journey = load_map(home, map_name)
    token = _links(home).create(journey.id, None)
    console().print(f"{url.rstrip('/')}{PREFIX}{token}", markup=False, soft_wrap=True)
    console().print("Shown only this once: the database keeps only a hash of it.", style="dim")


@share_app.command("show")
def share_show(
    map_name: str = typer.Argument(..., metavar="MAP"), home: Path | None = HomeOpt
) -> None:
    """Whether the map has a read-only link, and who made it when."""
    journey = load_map(home, map_name)
    link = _links(home).link(journey.id)
    if link is None:
        console().print(f"'{journey.name}' has no read-only link.", markup=False)
        return
    who = link.created_by or "the CLI"
    console().print(
        f"'{journey.name}' has a read-only link, made by {who} at {link.created_at[:16]}.",
        markup=False,
    )


@share_app.command("revoke")
def share_revoke(
    map_name: str = typer.Argument(..., metavar="MAP"), home: Path | None = HomeOpt
) -> None:
    """Stop the map's read-only link."""
    journey = load_map(home, map_name)
    if _links(home).revoke(journey.id):
        console().print(f"The read-only link of '{journey.name}' no longer works.", markup=False)
    else:
        console().print(f"'{journey.name}' had no read-only link.", markup=False)


GROUPS = {"share": share_app}
