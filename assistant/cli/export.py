"""`journey export`: a map as JSON, Markdown, CSV, Mermaid, HTML or PNG (`assistant.exports`)."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from assistant.cli.common import HomeOpt, console, load_map
from assistant.cli.errors import Commands, fail
from assistant.exports import FORMATS, export_bytes, export_text, file_name
from assistant.text_safety import printable

app = Commands()


def _known(fmt: str) -> str:
    """Refuse an unknown `--format` the way click refuses a bad option (usage, exit 2)."""
    if fmt not in FORMATS:
        raise typer.BadParameter(f"'{fmt}' is not one of {', '.join(FORMATS)}.")
    return fmt


@app.command()
def export(
    name: str,
    fmt: str = typer.Option(
        "md", "--format", "-f", callback=_known, help=f"Output format: {', '.join(FORMATS)}."
    ),
    output: Path | None = typer.Option(
        None, "-o", "--output", help="File to write (default stdout; PNG: NAME.png)."
    ),
    force: bool = typer.Option(False, "--force", help="Overwrite the output file if it exists."),
    home: Path | None = HomeOpt,
) -> None:
    """Export a map as JSON, Markdown, CSV, a Mermaid diagram, an HTML page or a PNG image."""
    journey = load_map(home, name)
    if output is None and not FORMATS[fmt].binary:
        sys.stdout.write(export_text(journey, fmt))
        return
    target = output or Path(file_name(journey, fmt))  # PNG never goes to the terminal
    check_output(target, force)
    try:
        data = export_bytes(journey, fmt)
    except RuntimeError as exc:  # RendererMissing: no Chromium to draw the PNG
        fail(str(exc))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    console().print(f"Wrote {printable(str(target))}", markup=False)


def check_output(output: Path, force: bool) -> None:
    """Refuse a folder, and an existing file unless --force (one sentence each)."""
    if output.is_dir():
        fail(f"{output} is a folder; give a file name, e.g. {output / 'map.md'}.")
    if output.exists() and not force:
        fail(f"{output} already exists; add --force to overwrite it.")
