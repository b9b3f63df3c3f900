"""Map exports for downloads: JSON, Markdown, CSV, Mermaid, standalone HTML and PNG."""

from __future__ import annotations

import re
from pathlib import Path

from assistant.schema import JourneyMap

EXPORT_FORMATS: dict[str, str] = {
    "json": "json",
    "md": "md",
    "csv": "csv",
    "mermaid": "mmd",
    "html": "html",
    "png": "png",
}
"""Format name -> file extension."""

EXPORT_LABELS = {
    "json": "JSON",
    "md": "Markdown",
    "csv": "CSV",
    "mermaid": "Mermaid",
    "html": "HTML page",
    "png": "PNG image",
}


def export_text(journey: JourneyMap, fmt: str) -> str:
    """A text export (every format but PNG)."""
    if fmt == "json":
        return journey.model_dump_json(indent=2) + "\n"
    if fmt == "md":
        return journey.to_markdown()
    if fmt == "csv":
        return journey.to_csv()
    if fmt == "mermaid":
        return journey.to_mermaid()
    if fmt == "html":
        from assistant.visual import map_to_html

        return map_to_html(journey)
    raise ValueError(f"'{fmt}' is not a text export.")


def file_stem(name: str) -> str:
    """A map name made safe as a file name (no folders, no dot files)."""
    return re.sub(r"[^\w.-]+", "-", name).strip(".-") or "map"


def write_export(journey: JourneyMap, fmt: str, folder: Path) -> Path:
    """Write `journey` as `fmt` into `folder` as `<map name>.<ext>`; returns the file."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{file_stem(journey.name)}.{EXPORT_FORMATS[fmt]}"
    if fmt == "png":
        from assistant.visual import map_to_png

        map_to_png(journey, path)
    else:
        path.write_text(export_text(journey, fmt), encoding="utf-8")
    return path
