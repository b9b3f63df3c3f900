"""The web chat's transcript: every reply is stored (also when the stream is cut), a reload
shows the whole conversation as it was shown, and a message sent before the page finished
loading is answered (issue 10)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from gradio_client import Client

from assistant.settings import Settings
from assistant.store import Store
from assistant.web.handlers import Handlers
from assistant.web.serve import launch_app

pytestmark = pytest.mark.server
CHROMIUM = Path("/usr/bin/chromium")
ANSWERS = ["Acme Analytics", "Shop dashboards", "b2b", "content ideation", "Book a demo"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _settings(home: Path) -> Settings:
    return Settings().model_copy(update={"home": home, "model": "guided", "chroma_url": None})


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    import huggingface_hub.constants as hub

    saved = hub.HF_HUB_OFFLINE, hub.HF_HUB_DISABLE_TELEMETRY
    hub.HF_HUB_OFFLINE, hub.HF_HUB_DISABLE_TELEMETRY = True, True
    home = tmp_path / "home"
    demo, url = launch_app(_settings(home), host="127.0.0.1", port=free_port())
    yield url, home
    demo.close()
    hub.HF_HUB_OFFLINE, hub.HF_HUB_DISABLE_TELEMETRY = saved


def _text(message: dict) -> str:
    content = message["content"]
    return content if isinstance(content, str) else " ".join(p.get("text", "") for p in content)


def _rows(home: Path) -> list[dict]:
    store = Store(home / "journey.sqlite3")
    try:
        return store.messages(store.list_maps()[0].id, limit=1000)
    finally:
        store.close()


def test_a_reload_shows_every_reply(server: tuple[str, Path]) -> None:
    url, home = server
    first = Client(url, verbose=False)
    first.predict("acme", api_name="/create_map")
    replies = []
    for answer in ANSWERS:
        out = first.predict(answer, [], api_name="/send")
        replies.append(_text(out[1][-1]))
    # A reload is a new browser session on the same map.
    again = Client(url, verbose=False)
    chat = again.predict("acme", api_name="/open_map")[1]
    roles = [m["role"] for m in chat]
    # question, answer, question, answer... then the "welcome back" of this reload
    assert roles[:-1] == ["assistant", "user"] * len(ANSWERS) + ["assistant"], roles
    shown = [_text(m) for m in chat]
    for answer, reply in zip(ANSWERS, replies, strict=True):
        assert answer in shown
        assert reply in shown
    rows = _rows(home)
    users = [r for r in rows if r["role"] == "user"]
    assistants = [r for r in rows if r["role"] == "assistant"]
    assert len(users) == len(ANSWERS) and len(assistants) == len(ANSWERS) + 2  # + 2 openings


def test_a_message_before_the_page_loaded_is_answered(server: tuple[str, Path]) -> None:
    url, home = server
    # No page load has opened a map for this session: the send opens it itself.
    out = Client(url, verbose=False).predict("Acme Analytics", [], api_name="/send")
    reply = _text(out[1][-1])
    assert "Open or create a map first" not in reply
    assert "Acme Analytics" in reply and "product" in reply.casefold()
    assert [r["role"] for r in _rows(home)] == ["user", "assistant"]


def test_a_stream_cut_short_still_stores_the_reply(tmp_path: Path) -> None:
    handlers = Handlers(_settings(tmp_path / "home"))
    session, _ = handlers.resume(None, None)
    chat = handlers.chat(session, "Acme Analytics", [])
    shown, _final = next(chat)  # the browser goes away after the first piece
    chat.close()
    rows = session.history()
    assert rows[-2]["role"] == "user" and rows[-2]["content"] == "Acme Analytics"
    assert rows[-1]["role"] == "assistant" and rows[-1]["content"] == _text(shown[-1])
    assert session.map.context.company == "Acme Analytics"


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium not installed")
def test_in_a_browser_first_message_and_reload(server: tuple[str, Path]) -> None:
    from playwright.sync_api import expect, sync_playwright

    url, _home = server
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(url) else r.abort())
        page.goto(url, wait_until="load")
        box = page.locator("#jw-input textarea")
        box.wait_for(state="visible", timeout=30_000)
        page.wait_for_timeout(100)
        box.fill("Acme Analytics")
        box.press("Enter")
        chat = page.locator("#jw-chat")
        expect(chat).to_contain_text("Which product", timeout=30_000)
        for answer, question in (("Shop dashboards", "market"), ("b2b", "purpose")):
            box.fill(answer)
            box.press("Enter")
            expect(page.locator("#jw-purpose")).to_contain_text(question, timeout=30_000)
        expect(chat).not_to_contain_text("Open or create a map first")
        page.reload()
        chat = page.locator("#jw-chat")
        expect(chat).to_contain_text("Welcome back", timeout=30_000)
        for text in ("Acme Analytics", "Shop dashboards", "Which product"):
            expect(chat).to_contain_text(text)
        users = chat.locator('[data-testid="user"]')
        bots = chat.locator('[data-testid="bot"]')
        expect(users).to_have_count(3)
        assert bots.count() >= 4  # openings and the three replies, each its own bubble
        browser.close()


def test_the_page_carries_an_open_offer_as_data(tmp_path: Path) -> None:
    from tests.ideas_fixtures import stored_session

    home = tmp_path / "home"
    session = stored_session(home)
    for gap in ("stage:3:goals", "stage:3:touchpoints", "stage:3:questions", "stage:3:emotions"):
        session.tools.call("skip_gap", {"gap": gap})
    handlers = Handlers(_settings(home))
    assert 'data-offer="' not in handlers.panels(session)[2]
    session.send("stage 3 pains: hidden fees in the quote")
    purpose = handlers.panels(session)[2]
    assert 'data-offer="ideas"' in purpose and 'data-offer-items="3"' in purpose
    session.send("accept 1")
    assert 'data-offer="' not in handlers.panels(session)[2]
