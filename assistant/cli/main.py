"""The `journey` app: the settings check every command runs first, and the command groups."""

from __future__ import annotations

from assistant.cli import accounts, chat, evals, export, ideas, maps, research, serve, share
from assistant.cli.errors import Commands, fail
from assistant.settings import SettingsError, get_settings

app = Commands(
    help="journey-assistant: build a customer journey map, one question at a time.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@app.callback()
def _check_settings() -> None:
    """Read the settings once up front, so a bad variable is one sentence, not a traceback."""
    try:
        get_settings()
    except SettingsError as exc:
        fail(f"invalid setting ({'; '.join(exc.problems)}). See .env.example.")


# Top-level commands come from their modules' groups (chat, schema, export, serve, ideas, usage,
# ingest, search, evidence); the sub-groups keep their name (maps, research, eval, users...).
for group in (chat.app, export.app, serve.app, ideas.app, research.app):
    app.registered_commands.extend(group.registered_commands)
app.add_typer(maps.app, name="maps")
app.add_typer(research.maintenance, name="research")
app.add_typer(evals.app, name="eval")
for name, group in {**accounts.GROUPS, **share.GROUPS}.items():
    app.add_typer(group, name=name)
