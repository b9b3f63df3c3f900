"""A live workshop in two real browsers (Debian chromium through Playwright): two signed-in
people on one map; what one adds appears in the other's browser with her name; comments on a
card; the facilitator's shared screen follows along; the History tab lists who did what.
Screenshots of the facilitator view and the History tab at 1280x720 and 1440x900 go to
test-output/browser/."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from builders import call, fill_map
from test_web_browser import ARGS, CHROMIUM, SHOTS, SIZES, free_port

from assistant.accounts import Accounts
from assistant.session import open_session
from assistant.settings import Settings
from assistant.store import Store
from assistant.web.serve import launch_app

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium not installed"),
]
PASSWORD = "a long password"
MAP = "Spring workshop"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    home = tmp_path_factory.mktemp("workshop") / "home"
    settings = Settings().model_copy(update={"home": home, "model": "guided", "chroma_url": None})
    accounts = Accounts(settings.database)
    for name in ("anna", "ben"):
        accounts.add_user(name, PASSWORD)
    store = Store(settings.database)
    journey = store.create(MAP, namespace="user:1")
    session = open_session(map=journey.id, home=home, model="guided")
    session.store.author = "anna"
    fill_map(session, stages=3, through_tools=True)  # a real history, one row per change
    call(session, "add_stage_items", stage="2", field="pain_points", items=["Hidden fees"])
    accounts.grant(journey.id, "owner", user="anna")
    accounts.grant(journey.id, "editor", user="ben")
    demo, url = launch_app(settings, host="127.0.0.1", port=free_port())
    yield url.rstrip("/"), home
    try:
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


def signed_in(browser: Any, url: str, user: str, width: int = 1280, height: int = 720) -> Any:
    context = browser.new_context(viewport={"width": width, "height": height})
    login = context.request.post(f"{url}/login", form={"username": user, "password": PASSWORD})
    assert login.ok, login.status
    page = context.new_page()
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(url) else r.abort())
    return page


def open_map(page: Any, url: str, extra: str = "") -> None:
    from playwright.sync_api import expect

    page.goto(f"{url}/?map={MAP.replace(' ', '+')}{extra}")
    where = "#jw-facilitator" if "facilitator" in extra else "#jw-map"
    expect(page.locator(f"{where} .jm-stage")).to_have_count(3, timeout=60_000)


def test_two_people_one_map_see_who_changed_what(server: tuple[str, Path], browser: Any) -> None:
    from playwright.sync_api import expect

    url, _ = server
    anna, ben = signed_in(browser, url, "anna"), signed_in(browser, url, "ben")
    open_map(anna, url)
    open_map(ben, url)
    screens = []
    for width, height in SIZES:
        screen = signed_in(browser, url, "anna", width, height)
        open_map(screen, url, "&view=facilitator")
        expect(screen.locator("#jw-facilitator")).to_contain_text("Hidden fees")
        expect(screen.locator("#jw-chat")).to_be_hidden()
        screens.append((screen, width, height))

    # Anna adds a card from her browser ...
    anna.locator("#jw-map .jm-cell[data-field=pain_points]").nth(0).locator(".jm-add").click()
    anna.locator("#jw-e-text textarea").fill("Compares prices on three sites")
    anna.locator("#jw-e-add").click()
    expect(anna.locator("#jw-map")).to_contain_text("Compares prices on three sites")
    started = time.monotonic()
    # ... and Ben's browser shows it, with her name on the change, within a few seconds.
    expect(ben.locator("#jw-map")).to_contain_text("Compares prices on three sites", timeout=8_000)
    seen_after = time.monotonic() - started
    latest = ben.locator("#jw-recent li").first
    expect(latest).to_contain_text("anna")
    expect(latest).to_contain_text("s ago")
    for screen, _, _ in screens:  # the shared screen follows too
        expect(screen.locator("#jw-facilitator")).to_contain_text(
            "Compares prices on three sites", timeout=8_000
        )
        expect(screen.locator("#jw-facilitator .jw-recent")).to_contain_text("anna")

    # Ben comments on her card; his comment is escaped text, not markup.
    card = ben.locator("#jw-map .chip", has_text="Compares prices on three sites").first
    card.scroll_into_view_if_needed()
    card.click()
    expect(ben.locator("#jw-edit")).to_be_visible(timeout=10_000)
    ben.locator("#jw-comment-text textarea").fill("<b>Which</b> three sites?")
    ben.locator("#jw-comment-add").click()
    comments = ben.locator("#jw-comments")
    expect(comments).to_contain_text("<b>Which</b> three sites?", timeout=10_000)
    expect(comments).to_contain_text("ben")
    ben.screenshot(path=str(SHOTS / "workshop-comment-1280x720.png"))

    # Ben changes a card too: Anna sees his name.
    ben.locator("#jw-e-close").click()
    ben.locator("#jw-map .jm-cell[data-field=goals]").nth(1).locator(".jm-add").click()
    expect(ben.locator("#jw-e-add")).to_be_visible(timeout=10_000)
    ben.locator("#jw-e-text textarea").fill("Is there a catch?")
    ben.locator("#jw-e-add").click()
    expect(anna.locator("#jw-recent li").first).to_contain_text("ben", timeout=8_000)
    expect(anna.locator("#jw-recent li").first).to_contain_text("Is there a catch?")

    for screen, width, height in screens:
        expect(screen.locator("#jw-facilitator")).to_contain_text(
            "Is there a catch?", timeout=8_000
        )
        screen.screenshot(path=str(SHOTS / f"facilitator-{width}x{height}.png"))
        screen.context.close()
    for width, height in SIZES:
        page = (
            anna if (width, height) == SIZES[0] else signed_in(browser, url, "anna", width, height)
        )
        if page is not anna:
            open_map(page, url)
        page.get_by_role("tab", name="History").click()
        rows = page.locator("#jw-history tbody tr")
        expect(rows.first).to_contain_text("ben", timeout=10_000)
        assert rows.count() >= 10
        page.screenshot(path=str(SHOTS / f"history-{width}x{height}.png"))
        if page is not anna:
            page.context.close()
    print(f"ben's browser showed anna's change after {seen_after:.1f} s")
    anna.context.close()
    ben.context.close()
