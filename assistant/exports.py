"""Map exports for every front end: the formats, their file names and their bytes.

The CLI (`journey export`) and the web app's Export tab both call `export_bytes` and
`file_name`, so the same map gives the same file whichever front end wrote it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from assistant import render
from assistant.schema import JourneyMap
from assistant.visual import map_to_html, map_to_png


@dataclass(frozen=True)
class ExportFormat:
    name: str
    """What a person types or picks: `journey export -f NAME`, the web app's format list."""
    extension: str
    label: str
    """The English name (the web app shows its own translation of it)."""
    binary: bool = False
    """Bytes that a terminal cannot show (PNG): always written to a file."""


FORMATS: dict[str, ExportFormat] = {
    f.name: f
    for f in (
        ExportFormat("json", "json", "JSON"),
        ExportFormat("md", "md", "Markdown"),
        ExportFormat("csv", "csv", "CSV"),
        ExportFormat("mermaid", "mmd", "Mermaid"),
        ExportFormat("html", "html", "HTML page"),
        ExportFormat("png", "png", "PNG image", binary=True),
    )
}


def export_format(fmt: str) -> ExportFormat:
    """The format called `fmt`; ValueError lists the known ones."""
    try:
        return FORMATS[fmt]
    except KeyError:
        raise ValueError(f"Unknown format '{fmt}'. Choose one of: {', '.join(FORMATS)}.") from None


def export_text(journey: JourneyMap, fmt: str) -> str:
    """A text export (every format but PNG)."""
    if export_format(fmt).binary:
        raise ValueError(f"'{fmt}' is not a text export.")
    if fmt == "json":
        return journey.model_dump_json(indent=2) + "\n"
    if fmt == "md":
        return render.map_to_markdown(journey)
    if fmt == "csv":
        return render.map_to_csv(journey)
    if fmt == "mermaid":
        return render.map_to_mermaid(journey)

    return map_to_html(journey)


def export_bytes(journey: JourneyMap, fmt: str) -> bytes:
    """The export's file content (text formats as UTF-8). PNG raises `RendererMissing`
    (a RuntimeError that says how to install Chromium) when there is no browser to draw it."""
    if export_format(fmt).binary:
        return map_to_png(journey)
    return export_text(journey, fmt).encode("utf-8")


def file_stem(name: str) -> str:
    """A map name made safe as a file name (no folders, no dot files)."""
    return re.sub(r"[^\w.-]+", "-", name).strip(".-") or "map"


def file_name(journey: JourneyMap, fmt: str) -> str:
    """`<map name>.<extension>`, safe as a file name."""
    return f"{file_stem(journey.name)}.{export_format(fmt).extension}"


def write_export(journey: JourneyMap, fmt: str, folder: Path) -> Path:
    """Write `journey` as `fmt` into `folder` as `file_name(...)`; returns the file."""
    data = export_bytes(journey, fmt)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / file_name(journey, fmt)
    path.write_bytes(data)
    return path
