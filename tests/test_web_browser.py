"""A real browser (Debian chromium through Playwright) uses the page like a marketer would:
types answers, reaches every lane of a complete map at 1280x720 and 1440x900, edits cards,
sees another tab's changes, and injected HTML stays inert.

One server and one browser for the whole module; screenshots go to test-output/browser/.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from builders import call, fill_map, new_session

from assistant.settings import Settings
from assistant.web.serve import launch_app

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parent.parent / "test-output" / "browser"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian chromium not installed (make browser)"
    ),
]
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
XSS = "<script>window.__pwned = 1</script>"
IMG = '<img src=x onerror="window.__pwned = 2">'
SIZES = [(1280, 720), (1440, 900)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    home = tmp_path_factory.mktemp("browser") / "home"
    settings = Settings().model_copy(update={"home": home, "model": "guided", "chroma_url": None})
    # A complete five-stage map with suggested content ideas (through the real tools), a
    # map for two tabs at once, and a Polish map.
    from tools.ideas import top_up

    full = fill_map(new_session(home, "full"), stages=5)
    assert top_up(full.tools).ids
    fill_map(new_session(home, "shared"), stages=3)
    polish = new_session(home, "polska", lang="pl")
    call(polish, "set_stages", names=["Odkrycie", "Porównanie", "Zakup"])
    call(polish, "add_stage_items", stage="1", field="pain_points", items=["Brak cen"])
    demo, url = launch_app(settings, host="127.0.0.1", port=free_port())
    yield url, home
    try:  # see tests/test_web_app.py close(): a Gradio shutdown race
        demo.close()
    except RuntimeError:
        demo.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


def new_page(browser: Any, url: str, width: int = 1280, height: int = 720) -> Any:
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    # Only the app itself may be reached: anything else fails the request.
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(url) else r.abort())
    return page


def open_map(page: Any, url: str, name: str, stages: int) -> None:
    from playwright.sync_api import expect

    page.goto(f"{url}?map={name}")
    expect(page.locator("#jw-map .jm-stage")).to_have_count(stages, timeout=30_000)


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_every_lane_of_every_stage_can_be_scrolled_into_view(
    server: tuple[str, Path], browser: Any, width: int, height: int
) -> None:
    from playwright.sync_api import expect

    url, _ = server
    page = new_page(browser, url, width, height)
    open_map(page, url, "full", 5)
    the_map = page.locator("#jw-map")
    page.screenshot(path=str(SHOTS / f"map-top-{width}x{height}.png"))
    lanes = the_map.locator(".jm-label")
    assert lanes.count() >= 11  # ten lanes and the emotion curve
    for field in ("goals", "touchpoints", "emotions", "pain_points", "milestones"):
        for stage in range(5):
            cell = the_map.locator(f".jm-cell[data-field={field}]").nth(stage)
            cell.scroll_into_view_if_needed()
            expect(cell).to_be_in_viewport()
    curve = the_map.locator(".jm-curve")
    curve.scroll_into_view_if_needed()
    expect(curve).to_be_in_viewport()
    last_pain = the_map.locator(".jm-cell[data-field=pain_points]").nth(4).locator(".chip").first
    last_pain.scroll_into_view_if_needed()
    expect(last_pain).to_be_in_viewport()
    expect(last_pain).to_contain_text("pain 5")
    # The lane label stays in view beside the last stage (sticky), so a card is never orphaned.
    label = the_map.locator(".jm-label.lane-pain_points")
    expect(label).to_be_in_viewport()
    ideas = the_map.locator(".jm-cell[data-field=content_ideas]").nth(4)
    ideas.scroll_into_view_if_needed()
    expect(ideas).to_be_in_viewport()
    page.screenshot(path=str(SHOTS / f"map-last-stage-{width}x{height}.png"))
    page.context.close()


def test_a_card_edited_in_the_browser_reaches_the_markdown_export(
    server: tuple[str, Path], browser: Any
) -> None:
    from playwright.sync_api import expect

    url, _ = server
    page = new_page(browser, url)
    open_map(page, url, "full", 5)
    the_map = page.locator("#jw-map")
    card = the_map.locator(".jm-cell[data-field=pain_points]").nth(4).locator(".chip").first
    card.scroll_into_view_if_needed()
    card.click()
    panel = page.locator("#jw-edit")
    expect(panel).to_be_visible(timeout=10_000)
    expect(panel.locator("#jw-e-text textarea")).to_have_value("pain 5")
    page.screenshot(path=str(SHOTS / "edit-panel-1280x720.png"))
    panel.locator("#jw-e-text textarea").fill("Renewal price is a surprise")
    panel.locator("#jw-e-save").click()
    expect(the_map).to_contain_text("Renewal price is a surprise", timeout=10_000)
    # The edit shows in the chat at once.
    expect(page.locator("#jw-chat")).to_contain_text("Renewal price is a surprise")

    # Add a card in an empty cell (stage 2 has no actions yet).
    the_map.locator(".jm-cell[data-field=actions]").nth(1).locator(".jm-add").click()
    expect(panel.locator("#jw-e-add")).to_be_visible(timeout=10_000)
    panel.locator("#jw-e-text textarea").fill("Asks a colleague for advice")
    panel.locator("#jw-e-add").click()
    cell = the_map.locator(".jm-cell[data-field=actions]").nth(1)
    expect(cell).to_contain_text("Asks a colleague for advice", timeout=10_000)

    # Accept a suggested content idea on its card.
    idea = the_map.locator(".jm-cell[data-field=content_ideas] .chip.suggestion").first
    title = idea.locator(".t").inner_text()
    idea.scroll_into_view_if_needed()
    idea.click()
    expect(panel.locator("#jw-e-accept")).to_be_visible(timeout=10_000)
    panel.locator("#jw-e-accept").click()
    accepted = the_map.locator(".jm-cell[data-field=content_ideas] .chip.accepted")
    expect(accepted.filter(has_text=title)).to_have_count(1, timeout=10_000)

    page.get_by_role("tab", name="Export").click()
    page.get_by_role("radio", name="Markdown").check()
    page.locator("#jw-export").click()
    link = page.locator("#jw-file a").first
    expect(link).to_be_visible(timeout=30_000)
    with page.expect_download() as info:
        link.click()
    saved = SHOTS / "full.md"
    info.value.save_as(saved)
    markdown = saved.read_text(encoding="utf-8")
    assert "Renewal price is a surprise" in markdown and "pain 5" not in markdown
    assert "Asks a colleague for advice" in markdown
    page.context.close()


def test_two_tabs_on_one_map_see_each_others_changes(
    server: tuple[str, Path], browser: Any
) -> None:
    from playwright.sync_api import expect

    url, home = server
    first, second = new_page(browser, url), new_page(browser, url)
    open_map(first, url, "shared", 3)
    open_map(second, url, "shared", 3)
    first.locator("#jw-map .jm-cell[data-field=thoughts]").nth(0).locator(".jm-add").click()
    first.locator("#jw-e-text textarea").fill("Is this for a shop my size?")
    first.locator("#jw-e-add").click()
    expect(first.locator("#jw-map")).to_contain_text("Is this for a shop my size?")
    started = time.monotonic()
    expect(second.locator("#jw-map")).to_contain_text("Is this for a shop my size?", timeout=5_000)
    seen_after = time.monotonic() - started
    # ... and the other way round, also for a change made outside the browser (the CLI).
    cli = new_session(home, "shared")
    call(cli, "add_stage_items", stage="2", field="thoughts", items=["Can I cancel any time?"])
    expect(first.locator("#jw-map")).to_contain_text("Can I cancel any time?", timeout=5_000)
    expect(second.locator("#jw-map")).to_contain_text("Can I cancel any time?", timeout=5_000)
    second.locator("#jw-map").get_by_text("Can I cancel any time?").scroll_into_view_if_needed()
    second.screenshot(path=str(SHOTS / "second-tab-1280x720.png"))
    print(f"second tab saw the first tab's change after {seen_after:.1f} s")
    first.context.close()
    second.context.close()


def test_an_empty_message_is_ignored_quietly(server: tuple[str, Path], browser: Any) -> None:
    from playwright.sync_api import expect

    url, _ = server
    page = new_page(browser, url)
    open_map(page, url, "shared", 3)
    chat = page.locator("#jw-chat")
    before = chat.inner_text()
    box = page.locator("#jw-input textarea")
    box.fill("   ")
    box.press("Enter")
    page.locator("#jw-send").click()
    page.wait_for_timeout(1_500)
    assert page.locator(".toast-body.error, .toast-wrap .error").count() == 0
    assert page.get_by_text("Error", exact=True).count() == 0
    assert chat.inner_text() == before
    expect(page.locator("#jw-map .jm-stage")).to_have_count(3)
    page.context.close()


def test_a_polish_map_shows_polish_labels(server: tuple[str, Path], browser: Any) -> None:
    from playwright.sync_api import expect

    url, _ = server
    page = new_page(browser, url)
    open_map(page, url, "polska", 3)
    expect(page.get_by_role("tab", name="Wywiad")).to_be_visible()
    expect(page.get_by_role("tab", name="Eksport")).to_be_visible()
    expect(page.locator("#jw-send")).to_have_text("Wyślij")
    the_map = page.locator("#jw-map")
    expect(the_map.locator(".jm-label.lane-pain_points")).to_contain_text("Problemy")
    expect(the_map.locator(".jm-legend")).to_contain_text("Legenda")
    expect(page.locator("#jw-progress")).to_contain_text("gotowe")
    the_map.locator(".jm-cell[data-field=pain_points] .chip").first.click()
    expect(page.locator("#jw-edit")).to_contain_text("Edycja: Problemy w etapie Odkrycie")
    page.screenshot(path=str(SHOTS / "polish-1280x720.png"), full_page=True)
    page.get_by_role("tab", name="Eksport").click()
    expect(page.get_by_label("Strona HTML")).to_be_visible()
    page.get_by_role("tab", name="Nauka").click()
    expect(page.get_by_text("Pierwszy raz z mapą ścieżki klienta?")).to_be_visible()
    page.context.close()


def test_a_marketer_fills_the_map_in_a_browser(server: tuple[str, Path], browser: Any) -> None:
    from playwright.sync_api import expect

    url, _ = server
    page = new_page(browser, url, 1440, 900)
    page.context.set_default_timeout(20_000)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    open_map(page, url, "shared", 3)
    page.get_by_role("tab", name="Maps").click()
    page.locator("#jw-new-name").get_by_role("textbox").fill("browser-interview")
    page.locator("#jw-create").click()
    chat, box = page.locator("#jw-chat"), page.locator("#jw-input textarea")
    map_panel = page.locator("#jw-map")
    page.get_by_role("tab", name="Interview").click()
    expect(chat).to_contain_text("Which company is this map for?", timeout=30_000)
    expect(map_panel).to_contain_text("No stages yet")

    def answer(text: str, wait_for: str) -> None:
        box.fill(text)
        box.press("Enter")
        expect(page.locator("#jw-purpose")).to_contain_text(wait_for, timeout=20_000)

    answer(IMG, "Context: product")
    expect(map_panel).to_contain_text('<img src=x onerror="window.__pwned = 2">')
    for text, nxt in [
        ("Dashboards for shops", "Context: market"),
        ("b2b", "Context: purpose"),
        ("content ideation", "Context: destination"),
        ("Book a demo", "Persona: name"),
        ("Owen", "Persona: role"),
        ("Shop owner", "Persona: goals"),
        ("Sell more", "Persona: challenges"),
        ("No time", "Stages of the journey"),
    ]:
        answer(text, nxt)
    expect(chat).not_to_contain_text("[card:")  # tips cite the card's title, not its id
    answer("Discover, Compare, Buy", "Stage 1 'Discover'")
    expect(map_panel.locator(".jm-stage")).to_have_count(3)
    # The core of a stage: goals, touchpoints, emotions, pain points (README, "The interview")
    answer("Understand the numbers", "touchpoints")
    answer("skip", "emotions")
    answer("curious", "pain points")
    box.fill(XSS)
    box.press("Enter")
    expect(map_panel.locator(".lane-pain_points .chip")).to_have_count(1, timeout=20_000)
    expect(map_panel).to_contain_text(XSS)
    expect(map_panel.locator(".jm-dot")).to_have_count(1)
    page.screenshot(path=str(SHOTS / "interview-1440x900.png"), full_page=True)

    # Injected markup stayed text: nothing ran, no element was created from it.
    assert page.evaluate("window.__pwned") is None
    assert dialogs == []
    assert map_panel.locator("script, img").count() == 0
    assert chat.locator("img[src='x']").count() == 0

    # Download the standalone HTML export.
    page.get_by_role("tab", name="Export").click()
    page.get_by_label("HTML page").check()
    page.locator("#jw-export").click()
    link = page.locator("#jw-file a").first
    expect(link).to_be_visible(timeout=30_000)
    with page.expect_download() as info:
        link.click()
    saved = SHOTS / "export.html"
    info.value.save_as(saved)
    html = saved.read_text()
    assert "Discover" in html and "&lt;script&gt;window.__pwned" in html
    assert "<script>window" not in html and 'data-item="' not in html

    # The Learn tab shows the sample map (not editable).
    page.get_by_role("tab", name="Learn").click()
    expect(page.get_by_text("Harbor & Pine Coffee: Maya")).to_be_visible()
    page.screenshot(path=str(SHOTS / "learn-1440x900.png"), full_page=True)

    # A refresh resumes the same map with its chat.
    page.goto(f"{url}?map=browser-interview")
    expect(page.locator("#jw-chat")).to_contain_text("Welcome back", timeout=30_000)
    expect(page.locator("#jw-map .jm-stage")).to_have_count(3)
    page.context.close()
