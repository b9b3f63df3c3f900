"""Exports: JSON, Markdown, CSV and Mermaid goldens; Mermaid escaping; the CLI commands."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest
from builders import fill_map, new_session
from sample_map import sample_map
from typer.testing import CliRunner

from assistant.cli import app
from assistant.render import mermaid_escape, mermaid_score
from assistant.schema import JourneyMap

GOLDENS = Path(__file__).parent / "goldens"
RENDERERS = {
    "map.md": lambda m: m.to_markdown(),
    "map.csv": lambda m: m.to_csv(),
    "map.mmd": lambda m: m.to_mermaid(),
    "map.json": lambda m: m.model_dump_json(indent=2) + "\n",
}


@pytest.mark.parametrize("name", sorted(RENDERERS))
def test_golden(name):
    text = RENDERERS[name](sample_map())
    path = GOLDENS / name
    if os.environ.get("UPDATE_GOLDENS"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def test_mermaid_escapes_every_breaking_character():
    assert mermaid_escape("a: b; c #d") == "a#58; b#59; c #35;d"
    assert mermaid_escape("line\nbreak") == "line break"
    diagram = sample_map().to_mermaid()
    for line in diagram.splitlines()[2:]:
        body = line.strip()
        if body.startswith("section"):
            assert ":" not in body and ";" not in body.replace("#58;", "").replace(
                "#59;", ""
            ).replace("#35;", "")
        else:
            task, score, actor = body.split(": ")
            assert 1 <= int(score) <= 5 and actor == "Irene#58; IT lead"


def test_mermaid_score_maps_emotions_to_one_to_five():
    assert [mermaid_score(s) for s in (-2, -1, 0, 1, 2, None)] == [1, 2, 3, 4, 5, 3]


def test_csv_has_one_row_per_item_with_provenance():
    rows = list(csv.DictReader(io.StringIO(sample_map().to_csv())))
    pain = next(r for r in rows if r["field"] == "pain_points")
    assert pain["text"] == "<script>alert(1)</script>" and pain["severity"] == "3"
    channel = next(r for r in rows if r["field"] == "persona.channels")
    assert channel["source"] == "assistant" and channel["accepted"] == "false"
    assert {r["field"] for r in rows} >= {"goals", "touchpoints", "emotions", "decision_points"}


def test_json_export_round_trips_through_cli(tmp_path):
    fill_map(new_session(tmp_path, name="full"))
    runner = CliRunner()
    out = tmp_path / "out" / "full.json"
    result = runner.invoke(
        app, ["export", "full", "--format", "json", "-o", str(out), "--home", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    again = JourneyMap.model_validate_json(out.read_text())
    assert len(again.stages) == 5
    for fmt, needle in (
        ("md", "| Touchpoints |"),
        ("csv", "stage_number,stage,field"),
        ("mermaid", "journey\n"),
    ):
        result = runner.invoke(app, ["export", "full", "-f", fmt, "--home", str(tmp_path)])
        assert result.exit_code == 0 and needle in result.output


def test_maps_commands(tmp_path):
    new_session(tmp_path, name="one")
    new_session(tmp_path, name="two")
    runner = CliRunner()
    home = ["--home", str(tmp_path)]
    listing = runner.invoke(app, ["maps", "list", *home])
    assert "one" in listing.output and "two" in listing.output
    assert runner.invoke(app, ["maps", "rename", "one", "uno", *home]).exit_code == 0
    clash = runner.invoke(app, ["maps", "rename", "uno", "two", *home])
    assert clash.exit_code == 1 and "already exists" in clash.output
    assert "Customer journey map: uno" in runner.invoke(app, ["maps", "show", "uno", *home]).output
    assert "rename_map" in runner.invoke(app, ["maps", "history", "uno", *home]).output
    assert runner.invoke(app, ["maps", "delete", "uno", "--yes", *home]).exit_code == 0
    missing = runner.invoke(app, ["export", "uno", *home])
    assert missing.exit_code == 1 and "No map named 'uno'" in missing.output


def test_schema_command_prints_json_schema():
    proc = CliRunner().invoke(app, ["schema"])
    assert proc.exit_code == 0, proc.output
    schema = json.loads(proc.stdout)
    assert schema["title"] == "JourneyMap" and "stages" in schema["properties"]


def test_markdown_keeps_injected_html_inert():
    text = sample_map().to_markdown()
    assert "<script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    evil = "<img src=x onerror=alert(1)>"
    journey = sample_map()
    journey.context.company = evil  # (map names cannot hold markup at all: see test_tools)
    journey.persona.name = journey.persona.role = journey.persona.tone = evil
    journey.persona.goals[0].text = evil
    journey.stages[0].name = evil
    text = journey.to_markdown()
    assert "<img" not in text and text.count("&lt;img src=x onerror=alert(1)&gt;") >= 6


def test_markdown_headings_follow_the_map_language():
    journey = sample_map()
    journey.language = "it"
    text = journey.to_markdown()
    assert text.startswith("# Mappa del percorso del cliente: sample")
    assert "| Campo | Voci |" in text and "## Fase 1:" in text
