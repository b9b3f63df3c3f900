"""The swimlane view, the standalone HTML export and the PNG export (real Chromium)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from builders import call, fill_map, new_session
from typer.testing import CliRunner

from assistant.cli import app
from assistant.visual import map_fragment, map_to_html, map_to_png, map_view
from assistant.visual.view import LANES

XSS = "<script>alert(1)</script>"
IMG = '<img src=x onerror="alert(2)">'
HAS_CHROMIUM = Path("/usr/bin/chromium").exists()


@pytest.fixture
def session(tmp_path: Path):  # type: ignore[no-untyped-def]
    s = fill_map(new_session(tmp_path / "home"), stages=3)
    call(s, "add_stage_items", stage="2", field="pain_points", items=[{"text": XSS}])
    call(s, "add_stage_items", stage="1", field="goals", items=[{"text": IMG}])
    call(
        s,
        "add_stage_items",
        stage="3",
        field="relief",
        items=[{"text": "Live chat answers in a minute"}],
        source="assistant",
        evidence=["card:moments-of-relief"],
    )
    return s


def test_view_has_every_lane_and_a_curve_point_per_stage(session) -> None:  # type: ignore[no-untyped-def]
    journey = session.map
    view = map_view(journey)
    assert [lane.key for lane in view.lanes] == list(LANES)
    assert [s.name for s in view.stages] == [s.name for s in journey.stages]
    for point, stage in zip(view.curve, journey.stages, strict=True):
        score = stage.emotion_score()
        assert point.score == score
        assert point.y == (None if score is None else 10 + (2 - score) * 20)
    xs = [p.x for p in view.curve]
    assert xs == sorted(xs) and 0 < xs[0] < xs[-1] < 100


def test_chips_are_marked_by_provenance(session) -> None:  # type: ignore[no-untyped-def]
    view = map_view(session.map)
    relief = next(lane for lane in view.lanes if lane.key == "relief")
    chip = next(c for c in relief.cells[2] if c.text.startswith("Live chat"))
    assert chip.kind == "suggestion" and chip.evidence == ["card:moments-of-relief"]
    goals = next(lane for lane in view.lanes if lane.key == "goals")
    assert all(c.kind == "fact" for c in goals.cells[0])
    call(session, "accept_suggestion", item_ids=[session.map.stages[2].relief[-1].id])
    relief = next(lane for lane in map_view(session.map).lanes if lane.key == "relief")
    assert relief.cells[2][-1].kind == "accepted"
    # A knowledge card is not research: the legend counts only research-backed items.
    assert view.counts["suggestion"] >= 1 and view.counts["research"] == 0


def test_curve_skips_stages_without_emotions(tmp_path: Path) -> None:
    s = new_session(tmp_path / "home")
    call(s, "set_stages", names=["One", "Two", "Three"])
    call(s, "add_stage_items", stage="1", field="emotions", items=[{"text": "glad", "score": 2}])
    call(s, "add_stage_items", stage="3", field="emotions", items=[{"text": "sad", "score": -2}])
    view = map_view(s.map)
    assert [p.y for p in view.curve] == [10, None, 90]
    assert view.curve_points == f"{100 / 6:.2f},10.00 {500 / 6:.2f},90.00"
    assert "no emotion yet" in map_fragment(s.map)


def test_html_export_escapes_user_text_and_needs_no_network(session) -> None:  # type: ignore[no-untyped-def]
    page = map_to_html(session.map)
    assert XSS not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img" not in page and "&lt;img src=x" in page
    assert "<script" not in page.lower()
    # No external requests: no URLs at all in attributes, and a CSP that forbids them.
    assert not re.search(r"<[^>]*\s(src|href)\s*=", page)
    assert "default-src 'none'" in page
    assert page.count("<polyline") == 1 and "@media print" in page
    for stage in session.map.stages:
        assert stage.name in page


def test_empty_map_draws_a_friendly_placeholder(tmp_path: Path) -> None:
    page = map_to_html(new_session(tmp_path / "home").map)
    assert "No stages yet" in page and "<polyline" not in page


def test_cli_exports_html_and_png(session, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    home = str(tmp_path / "home")
    out = tmp_path / "out" / "acme.html"
    result = CliRunner().invoke(
        app, ["export", "acme", "-f", "html", "-o", str(out), "--home", home]
    )
    assert result.exit_code == 0, result.output
    assert "&lt;script&gt;" in out.read_text() and "jm-grid" in out.read_text()
    if not HAS_CHROMIUM:
        pytest.skip("Debian chromium not installed (make browser)")
    png = tmp_path / "out" / "acme.png"
    result = CliRunner().invoke(
        app, ["export", "acme", "-f", "png", "-o", str(png), "--home", home]
    )
    assert result.exit_code == 0, result.output
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.browser
@pytest.mark.skipif(not HAS_CHROMIUM, reason="Debian chromium not installed (make browser)")
def test_png_is_a_full_page_screenshot(session, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = map_to_png(session.map, tmp_path / "map.png")
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(data[16:20], "big")
    height = int.from_bytes(data[20:24], "big")
    assert width == 2 * 1200  # 1200 CSS px at device scale 2
    assert height > 1600  # the whole map, not just one viewport
