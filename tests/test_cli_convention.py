"""One error convention for every `journey` command: a user-facing error is one `Error:`
sentence on stderr and a non-zero exit code, nothing on stdout, no traceback; whichever
command group it comes from (maps, export, ideas, research, accounts, evals)."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from builders import new_session
from typer.testing import CliRunner, Result

from assistant.cli import app
from assistant.cli.errors import Commands, UserError, fail, guarded


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("convention")
    new_session(folder, name="acme")
    return folder


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(app, list(args), env={"NO_COLOR": "1", **(env or {})})


def one_error(result: Result, *expected: str) -> str:
    """The single `Error:` line of a failed command (on stderr), checked for `expected`."""
    assert result.exit_code != 0, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.stderr
    assert "Error" not in result.stdout, result.stdout
    for part in expected:
        assert part in errors[0], errors[0]
    return errors[0]


BAD_MAP = [
    ["maps", "show", "nope"],
    ["maps", "history", "nope"],
    ["maps", "delete", "nope", "--yes"],
    ["export", "nope", "-f", "json"],
    ["ideas", "nope"],
    ["usage", "nope"],
    ["evidence", "nope"],
    ["ingest", "notes.txt", "--map", "nope"],
    ["search", "pricing", "--research", "--map", "nope"],
    ["access", "list", "nope"],
]


@pytest.mark.parametrize("args", BAD_MAP, ids=lambda a: " ".join(a[:2]))
def test_a_bad_map_name_in_every_group(home: Path, args: list[str]) -> None:
    result = run(*args, "--home", str(home))
    one_error(result, "No map named 'nope'")
    assert result.exit_code == 1


def test_bad_files_in_every_group(home: Path, tmp_path: Path) -> None:
    ws = ["--home", str(home)]
    one_error(run("export", "acme", "-o", str(tmp_path), *ws), "is a folder")
    taken = tmp_path / "taken.md"
    taken.write_text("keep me")
    one_error(run("export", "acme", "-o", str(taken), *ws), "--force")
    assert taken.read_text() == "keep me"
    one_error(run("export", "acme", "-o", "/proc/acme.md", *ws), "/proc/acme.md")
    one_error(run("ideas", "acme", "-o", "/proc/ideas.md", "--no-generate", *ws), "/proc")
    one_error(run("eval", "answers", "--corpus", str(tmp_path / "missing.yaml")), "missing.yaml")
    afile = tmp_path / "afile"
    afile.write_text("x")
    one_error(run("maps", "list", "--home", str(afile)), "cannot be used")
    one_error(run("users", "list", "--home", str(afile)))


@pytest.mark.parametrize(
    "args",
    [
        ["maps", "list"],
        ["export", "acme"],
        ["users", "list"],
        ["search", "pricing"],
        ["eval", "answers"],
        ["research", "rebuild"],
    ],
    ids=lambda a: " ".join(a),
)
def test_a_bad_setting_in_every_group(home: Path, args: list[str]) -> None:
    result = run(*args, "--home", str(home), env={"JOURNEY_LANG": "fr"})
    one_error(result, "invalid setting", "JOURNEY_LANG")


def test_every_command_follows_the_convention() -> None:
    """Every command and group callback is registered through `Commands` (so wrapped)."""

    def walk(group: typer.Typer, path: str) -> list[str]:
        assert isinstance(group, Commands), path
        unwrapped = [
            f"{path} {info.name or getattr(info.callback, '__name__', '?')}"
            for info in group.registered_commands
            if info.callback is None or not hasattr(info.callback, "__wrapped__")
        ]
        callback = group.registered_callback.callback if group.registered_callback else None
        if callback is not None and not hasattr(callback, "__wrapped__"):
            unwrapped.append(f"{path} (callback)")
        for sub in group.registered_groups:
            assert sub.typer_instance is not None
            unwrapped += walk(sub.typer_instance, f"{path} {sub.name}")
        return unwrapped

    assert walk(app, "journey") == []
    assert len(app.registered_commands) >= 9 and len(app.registered_groups) >= 7


def test_unknown_errors_keep_their_traceback() -> None:
    """A bug is not dressed up as a user error: only UserError and known failures are."""

    @guarded
    def bug() -> None:
        raise ZeroDivisionError("a real bug")

    @guarded
    def refusal() -> None:
        fail("a sentence", code=3)

    with pytest.raises(ZeroDivisionError):
        bug()
    with pytest.raises(typer.Exit) as done:
        refusal()
    assert done.value.exit_code == 3
    assert isinstance(UserError("x"), Exception) and UserError("x").code == 1
