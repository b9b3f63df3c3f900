"""Bad input on the command line is one `Error:` sentence, never a traceback (the real
`journey` entry point, run in this process by tests/inprocess.py: a cold interpreter per
call cost about 2 s of imports)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from inprocess import journey as run_journey


def journey(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return run_journey(*args, stdin=stdin, env={"NO_COLOR": "1", "COLUMNS": "200"})


def one_sentence(result: subprocess.CompletedProcess[str], *expected: str) -> str:
    text = result.stdout + result.stderr
    assert result.returncode != 0, text
    assert "Traceback" not in text, text
    errors = [line for line in text.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, text
    for part in expected:
        assert part in errors[0], text
    return errors[0]


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("ws") / "home"
    done = journey("chat", "--map", "demo", "--home", str(folder), stdin="Acme\nIrene\n")
    assert done.returncode == 0, done.stderr
    return folder


def test_export_to_unwritable_places(home: Path, tmp_path: Path) -> None:
    one_sentence(journey("export", "demo", "-o", "/proc/x.md", "--home", str(home)), "/proc/x.md")
    one_sentence(journey("export", "demo", "-o", str(tmp_path), "--home", str(home)), "is a folder")


def test_export_does_not_overwrite_without_force(home: Path, tmp_path: Path) -> None:
    out = tmp_path / "map.md"
    out.write_text("keep me")
    one_sentence(
        journey("export", "demo", "-o", str(out), "--home", str(home)), "--force", "exists"
    )
    assert out.read_text() == "keep me"
    done = journey("export", "demo", "-o", str(out), "--force", "--home", str(home))
    assert done.returncode == 0 and out.read_text().startswith("# Customer journey map")


@pytest.mark.parametrize("name", ["[/x]", "[bold]x", "x\x1b[31m"])
def test_markup_and_escapes_in_map_names(home: Path, name: str) -> None:
    for args in (["export", name], ["chat", "--map", name], ["maps", "show", name]):
        line = one_sentence(journey(*args, "--home", str(home)))
        assert "\x1b" not in line


def test_unusable_home(tmp_path: Path) -> None:
    afile = tmp_path / "afile"
    afile.write_text("x")
    one_sentence(journey("maps", "list", "--home", str(afile)), "cannot be used")
    one_sentence(journey("maps", "list", "--home", "/proc/nowhere"), "cannot be used")
    one_sentence(journey("chat", "--map", "x", "--home", str(afile)))


def _garbage(folder: Path) -> Path:
    folder.mkdir()
    (folder / "journey.sqlite3").write_bytes(os.urandom(50_000))
    return folder


def _truncated(source: Path, folder: Path) -> Path:
    shutil.copytree(source, folder)
    db = folder / "journey.sqlite3"
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    for extra in ("-wal", "-shm"):
        (folder / f"journey.sqlite3{extra}").unlink(missing_ok=True)
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 2])
    return folder


@pytest.mark.parametrize("kind", ["garbage", "truncated"])
def test_damaged_database(home: Path, tmp_path: Path, kind: str) -> None:
    folder = _garbage(tmp_path / "g") if kind == "garbage" else _truncated(home, tmp_path / "t")
    ws = str(folder)
    for args in (
        ["maps", "list"],
        ["export", "demo"],
        ["chat", "--map", "demo"],
        ["serve", "--port", "0"],
        ["evidence", "demo"],
    ):
        one_sentence(journey(*args, "--home", ws), "damaged or not a journey database")


def test_read_only_workspace_is_listed_and_exported(home: Path, tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    shutil.copytree(home, folder)
    db = folder / "journey.sqlite3"
    if os.geteuid() == 0:  # root ignores permissions: the immutable flag binds root too
        if shutil.which("chattr") is None:
            pytest.skip("no chattr to make a folder read-only for root")
        made = subprocess.run(["chattr", "+i", str(db), str(folder)], capture_output=True)
        if made.returncode != 0:
            pytest.skip("this file system has no immutable flag")
        undo = ["chattr", "-i", str(db), str(folder)]
    else:
        db.chmod(0o444)
        folder.chmod(0o555)
        undo = ["chmod", "-R", "u+w", str(folder)]
    try:
        listed = journey("maps", "list", "--home", str(folder))
        assert listed.returncode == 0 and "demo" in listed.stdout, listed.stderr
        exported = journey("export", "demo", "-f", "csv", "--home", str(folder))
        assert exported.returncode == 0 and "context.company" in exported.stdout
        one_sentence(journey("maps", "rename", "demo", "other", "--home", str(folder)), "read-only")
        one_sentence(journey("chat", "--map", "demo", "--home", str(folder), stdin="hi\n"))
    finally:
        subprocess.run(undo, check=True)
