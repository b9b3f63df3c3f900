"""The Mermaid export against the real Mermaid parser, run offline in Debian's chromium.

`make test` fetches mermaid.min.js from the npm registry into .cache/mermaid/ (one file)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sample_map import sample_map

from assistant import render
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
    text = render.map_to_mermaid(journey)
    assert page.evaluate(PARSE, text) == "ok"
    svg = page.evaluate(RENDER, text)
    assert "<svg" in svg
    for stage in journey.stages:  # the escapes come back as the original characters
        assert stage.name.replace("&", "&amp;") in svg
    if journey.persona.name and "," in journey.persona.name:  # one actor, not two
        assert journey.persona.name in svg


TITLE = """async (text) => {
  const el = document.createElement('div');
  document.body.appendChild(el);
  const { svg } = await mermaid.render('d' + Math.random().toString(36).slice(2), text);
  el.innerHTML = svg;
  const texts = [...el.querySelectorAll('text')].map((t) => t.textContent);
  const title = el.querySelector('text[font-weight="bold"]');
  el.remove();
  return { title: title ? title.textContent : null, texts };
}"""

HOSTILE_NAMES = [
    "%%{init: {'theme': 'dark'}}%%",
    "%%{init}%%",
    "journey",
    "Journey planning",
    "title of the page",
    "section two",
    "accDescr {",
    "accTitle: x",
    "accDescr: y",
    "100% sure; #1: really",
    "%% a comment",
]


def hostile_map() -> JourneyMap:
    stages = [
        Stage(name=name, actions=[Item(text=name)], emotions=[Emotion(text="ok", score=1)])
        for name in HOSTILE_NAMES
    ]
    journey = JourneyMap(name="hostile", stages=stages)
    journey.persona.name = "journey"
    return journey


def test_keywords_and_percent_stay_text(page):
    journey = hostile_map()
    text = render.map_to_mermaid(journey)
    assert "%%" not in text  # no directive or comment reaches the parser
    assert page.evaluate(PARSE, text) == "ok"
    shown = page.evaluate(TITLE, text)
    for name in HOSTILE_NAMES:  # every stage and task comes back as typed (section + task)
        assert shown["texts"].count(name) >= 2, name
    assert shown["title"] == "hostile: journey journey"


@pytest.mark.parametrize(
    "company",
    [
        "Pacific Northwest Outfitters: Trail & Tide Northwest.",
        "Acme: 100% <b>bold</b> claims, 2024",
        "Fun; #1 shop %% ever",
    ],
)
def test_title_reads_exactly_as_the_map_says(page, company):
    from assistant.render import mermaid_title_text

    journey = JourneyMap(name="t", stages=[Stage(name="Buy")])
    journey.context.company = company
    journey.persona.name = "Weekend Wendy"
    shown = page.evaluate(TITLE, render.map_to_mermaid(journey))
    expected = mermaid_title_text(journey)
    if "#" in company or ";" in company or "%%" in company:  # drawn as full-width look-alikes
        expected = expected.replace("#", "\uff03").replace(";", "\uff1b").replace("%%", "\uff05%")
    assert shown["title"] == expected
