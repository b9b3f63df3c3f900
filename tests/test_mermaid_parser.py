"""The Mermaid export against the real Mermaid parser, run offline in Debian's chromium.

`make test` fetches mermaid.min.js from the npm registry into .cache/mermaid/ (one file)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sample_map import sample_map

from assistant.schema import Emotion, Item, JourneyMap, Stage

MERMAID = Path(__file__).resolve().parents[1] / ".cache" / "mermaid" / "mermaid.min.js"
CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]

pytestmark = pytest.mark.browser

if not (MERMAID.exists() and CHROMIUM.exists()) and not os.environ.get("CI"):
    pytest.skip("run `make mermaid browser` for the real Mermaid parser", allow_module_level=True)

PARSE = """async (text) => {
  try { await mermaid.parse(text); return 'ok'; } catch (e) { return 'error: ' + e.message; }
}"""
RENDER = """async (text) => {
  const { svg } = await mermaid.render('d' + Math.random().toString(36).slice(2), text);
  return svg;
}"""


@pytest.fixture(scope="module")
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page()
        page.set_content("<html><body></body></html>")
        page.add_script_tag(path=str(MERMAID))
        page.evaluate("() => mermaid.initialize({startOnLoad: false, securityLevel: 'strict'})")
        yield page
        browser.close()


def nasty_map() -> JourneyMap:
    stage = Stage(
        name="Step 1: compare; #pricing",
        actions=[Item(text="Reads: reviews; forums #1")],
        emotions=[Emotion(text="angry", score=-2)],
    )
    journey = JourneyMap(name="n", stages=[stage, Stage(name="Buy")])
    journey.persona.name = "Irene, the IT manager"
    return journey


def test_parser_is_real_and_strict(page):
    broken = "journey\n    title T\n    section A: x\n      task a: b: 3: me\n"
    assert page.evaluate(PARSE, broken).startswith("error")


@pytest.mark.parametrize("journey", [sample_map(), nasty_map()], ids=["sample", "nasty"])
def test_export_parses_and_renders_the_original_text(page, journey):
    text = journey.to_mermaid()
    assert page.evaluate(PARSE, text) == "ok"
    svg = page.evaluate(RENDER, text)
    assert "<svg" in svg
    for stage in journey.stages:  # the escapes come back as the original characters
        assert stage.name.replace("&", "&amp;") in svg
    if journey.persona.name and "," in journey.persona.name:  # one actor, not two
        assert journey.persona.name in svg
