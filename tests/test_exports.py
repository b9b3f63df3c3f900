"""One export module for both front ends: `journey export` and the web app's Export tab give
the same file name and the same bytes for the same map (assistant/exports.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from builders import call, fill_map, new_session
from typer.testing import CliRunner

from assistant.cli import app
from assistant.exports import FORMATS, export_bytes, export_format, export_text, file_name
from assistant.session import Session
from assistant.settings import get_settings
from assistant.web.handlers import Handlers

HAS_CHROMIUM = Path("/usr/bin/chromium").exists()


class _FixedClock(datetime):
    """The HTML page's footer says when it was exported: one minute for both front ends."""

    @classmethod
    def now(cls, tz=None):  # type: ignore[no-untyped-def, override]
        return datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Session]:
    home = tmp_path_factory.mktemp("exports")
    session = fill_map(new_session(home, name="Acme Q1"), stages=3)
    call(session, "add_stage_items", stage="1", field="pain_points", items=[{"text": "ząb <b>"}])
    return home, session


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("assistant.visual.html.datetime", _FixedClock)


def cli_export(home: Path, fmt: str, *args: str) -> bytes:
    result = CliRunner().invoke(app, ["export", "Acme Q1", "-f", fmt, "--home", str(home), *args])
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


def web_export(home: Path, session: Session, fmt: str) -> Path:
    return Path(Handlers(get_settings(home=home)).export(session, fmt))


@pytest.mark.parametrize("fmt", [f for f in FORMATS if not FORMATS[f].binary])
def test_cli_and_web_give_the_same_bytes(
    made: tuple[Path, Session], tmp_path: Path, fmt: str
) -> None:
    home, session = made
    web = web_export(home, session, fmt)
    assert web.name == file_name(session.map, fmt) == f"Acme-Q1.{FORMATS[fmt].extension}"
    cli_file = tmp_path / web.name
    cli_export(home, fmt, "-o", str(cli_file))
    assert cli_file.read_bytes() == web.read_bytes() == export_bytes(session.map, fmt)
    assert cli_export(home, fmt) == web.read_bytes()  # stdout too
    if fmt != "mermaid":  # the diagram shows stages and touchpoints, not pain points
        assert "ząb" in web.read_text(encoding="utf-8")


@pytest.mark.skipif(not HAS_CHROMIUM, reason="Debian chromium not installed (make browser)")
def test_png_is_named_and_drawn_the_same(
    made: tuple[Path, Session], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home, session = made
    web = web_export(home, session, "png")
    monkeypatch.chdir(tmp_path)
    cli_export(home, "png")  # no -o: a PNG never goes to the terminal, it goes to its file name
    cli_file = tmp_path / web.name
    assert web.name == "Acme-Q1.png" and cli_file.exists()
    assert web.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # The same page drawn by the same Chromium at the same width: the same image, byte for byte.
    assert cli_file.read_bytes() == web.read_bytes()


def test_formats_and_file_names_in_one_place() -> None:
    assert list(FORMATS) == ["json", "md", "csv", "mermaid", "html", "png"]
    with pytest.raises(ValueError, match="Choose one of: json, md"):
        export_format("docx")
    with pytest.raises(ValueError, match="not a text export"):
        export_text(None, "png")  # type: ignore[arg-type]
    unknown = CliRunner().invoke(app, ["export", "x", "-f", "docx"])
    assert unknown.exit_code == 2 and "'docx' is not one of json" in unknown.output
