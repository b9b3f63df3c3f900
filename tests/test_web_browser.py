"""A real browser (Debian chromium through Playwright) uses the page like a marketer would:
types answers, watches the map change, downloads an export, and injected HTML stays inert."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.settings import Settings
from assistant.web.serve import launch_app

CHROMIUM = Path("/usr/bin/chromium")
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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def url(tmp_path: Path) -> Iterator[str]:
    settings = Settings().model_copy(update={"home": tmp_path / "home", "model": "guided"})
    demo, address = launch_app(settings, host="127.0.0.1", port=free_port())
    yield address
    demo.close()


def test_a_marketer_fills_the_map_in_a_browser(url: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    shots = tmp_path / "screenshots"
    shots.mkdir()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1600, "height": 1000}, accept_downloads=True)
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        # Only the app itself may be reached: anything else fails the request.
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(url) else r.abort())
        page.goto(url)
        chat, box = page.locator("#jw-chat"), page.locator("#jw-input textarea")
        map_panel = page.locator("#jw-map")
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
        ]:
            answer(text, nxt)
        for text, nxt in [
            ("Owen", "Persona: role"),
            ("Shop owner", "Persona: numbers"),
            ("10-50 staff", "Persona: customer stories"),
            ("Hates setup", "Persona: goals"),
            ("Sell more", "Persona: challenges"),
            ("No time", "Persona: channels"),
            ("LinkedIn", "Persona: tone"),
            ("Plain", "Stages of the journey"),
        ]:
            answer(text, nxt)
        answer("Discover, Compare, Buy", "Stage 1 'Discover'")
        expect(map_panel.locator(".jm-stage")).to_have_count(3)
        answer("Understand the numbers", "actions")
        answer("skip", "touchpoints")
        answer("Blog (Marketing)", "questions")
        answer("Is it worth it?", "thoughts")
        answer("skip", "emotions")
        answer("curious", "pain points")
        box.fill(XSS)
        box.press("Enter")
        expect(map_panel.locator(".lane-pain_points .chip")).to_have_count(1, timeout=20_000)
        expect(map_panel).to_contain_text(XSS)
        expect(map_panel.locator(".jm-dot")).to_have_count(1)
        page.screenshot(path=str(shots / "interview.png"), full_page=True)

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
        saved = shots / "export.html"
        info.value.save_as(saved)
        html = saved.read_text()
        assert "Discover" in html and "&lt;script&gt;window.__pwned" in html
        assert "<script>window" not in html

        # The Learn tab shows the sample map and explains concepts with a citation.
        page.get_by_role("tab", name="Learn").click()
        expect(page.get_by_text("Harbor & Pine Coffee: Maya")).to_be_visible()
        page.screenshot(path=str(shots / "learn.png"), full_page=True)

        # A refresh resumes the same map with its chat.
        page.reload()
        expect(page.locator("#jw-chat")).to_contain_text("Welcome back", timeout=30_000)
        expect(page.locator("#jw-map .jm-stage")).to_have_count(3)
        browser.close()
    print(f"screenshots in {shots}")
