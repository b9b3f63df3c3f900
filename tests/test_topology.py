"""The team deployment of deploy/docker-compose.yml as plain processes (containers cannot run
here): a throwaway PostgreSQL cluster, `chroma run`, and two `journey serve` replicas on the
same database and Chroma server. A change made through one replica appears in a real browser
(Debian chromium) connected to the other; a login throttled on one is throttled on both;
research added through one is stored in the workspace's collection on the Chroma server."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.accounts import Accounts
from assistant.db import upgrade
from assistant.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
PASSWORD = "a long password"
SHOTS = ROOT / "test-output" / "topology"

pytestmark = [pytest.mark.server, pytest.mark.browser]


class Replica:
    """One `journey serve` process of the deployment."""

    def __init__(self, name: str, tmp: Path, env: dict[str, str]) -> None:
        from pgcluster import free_port

        self.home = tmp / name
        self.home.mkdir()
        self.url = f"http://127.0.0.1:{free_port()}/"
        self.log = self.home / "serve.log"
        with self.log.open("w") as log:
            self.proc = subprocess.Popen(
                [
                    str(Path(sys.executable).with_name("journey")),
                    "serve",
                    "--port",
                    self.url.rsplit(":", 1)[1].strip("/"),
                ],
                env={**env, "JOURNEY_HOME": str(self.home)},
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def wait_up(self, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(self.url, timeout=5):
                    return
            except urllib.error.HTTPError:
                return  # answering (the login page or a redirect to it)
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"replica did not start: {self.log.read_text()}") from None
                time.sleep(0.3)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def deployment(
    tmp_path: Path, pg_url: str, chroma_url: str
) -> Iterator[tuple[Replica, Replica, Settings]]:
    upgrade(pg_url)  # the operator's `journey db upgrade` (the `migrate` service)
    accounts = Accounts(pg_url)
    for name in ("ana", "ben", "eve"):
        accounts.add_user(name, PASSWORD)
    accounts.add_team("marketing")
    for name in ("ana", "ben"):
        accounts.join("marketing", name)
    accounts.close()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "JOURNEY_DATABASE_URL": pg_url,
        "JOURNEY_CHROMA_URL": chroma_url,
        "JOURNEY_MODEL": "guided",
        "JOURNEY_EMBEDDINGS": "minilm",
        "GRADIO_ANALYTICS_ENABLED": "False",
        "HF_HUB_OFFLINE": "1",
    }
    replicas = [Replica("app-1", tmp_path, env), Replica("app-2", tmp_path, env)]
    try:
        for replica in replicas:
            replica.wait_up()
        settings = Settings().model_copy(
            update={
                "home": tmp_path / "operator",
                "database_url": pg_url,
                "chroma_url": chroma_url,
                "embeddings": "minilm",
            }
        )
        yield replicas[0], replicas[1], settings
    finally:
        for replica in replicas:
            replica.stop()


def _client(url: str, user: str) -> Any:
    import huggingface_hub.constants as hub
    from gradio_client import Client

    hub.HF_HUB_OFFLINE = hub.HF_HUB_DISABLE_TELEMETRY = True  # gradio_client must not call out
    return Client(
        url,
        auth=(user, PASSWORD),
        verbose=False,
        analytics_enabled=False,
        httpx_kwargs={"timeout": 180},
    )


def _post_login(url: str, name: str, password: str) -> int:
    data = urllib.parse.urlencode({"username": name, "password": password}).encode()
    try:
        with urllib.request.urlopen(f"{url}login", data=data, timeout=60) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium not installed (make browser)")
def test_two_replicas_one_database_one_chroma_server(
    deployment: tuple[Replica, Replica, Settings], tmp_path: Path
) -> None:
    from playwright.sync_api import expect, sync_playwright

    from assistant.retrieval import KnowledgeBase
    from assistant.session import open_session
    from assistant.store import Store
    from assistant.web.views import gap_label

    app1, app2, settings = deployment
    # Ana creates the team's map through replica 1 and shares it with her team.
    ana = _client(app1.url, "ana")
    ana.predict("Q3 launch", api_name="/create_map")
    store = Store(settings.database)
    map_id = store.load("Q3 launch").id
    accounts = Accounts(settings.database)
    accounts.grant(map_id, "editor", team="marketing")

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
            origin = app2.url.rstrip("/")
            page.route(
                "**/*", lambda r: r.continue_() if r.request.url.startswith(origin) else r.abort()
            )
            # Ben signs in on replica 2 and opens the team's map.
            page.goto(app2.url)
            page.get_by_label("username").fill("ben")
            page.get_by_label("password").fill(PASSWORD)
            page.get_by_role("button", name="Login").click()
            expect(page.locator("#jw-map")).to_be_visible(timeout=60_000)
            page.goto(f"{app2.url}?map=Q3%20launch")
            purpose = page.locator("#jw-purpose .jw-purpose")
            expect(purpose).to_have_attribute("data-gap", "context:company", timeout=60_000)

            # Ana answers through replica 1; Ben's browser on replica 2 moves on with her: the
            # next question it shows is the one after the company.
            ana.predict("Acme Analytics", [], api_name="/send")
            started = time.monotonic()
            assert store.load(map_id).context.company == "Acme Analytics"
            now = open_session(map="Q3 launch", settings=settings)
            gap = str(now.status.next_gap)
            assert gap != "context:company"
            expect(purpose).to_have_attribute("data-gap", gap, timeout=10_000)
            expect(purpose).to_contain_text(gap_label(now.map, gap))
            seen_after = time.monotonic() - started
            page.screenshot(path=str(SHOTS / "replica-2-sees-replica-1-1280x720.png"))
            print(f"replica 2's browser showed replica 1's change after {seen_after:.1f} s")
        finally:
            browser.close()

    # Research ingested through replica 1 lands in the workspace's collection on the Chroma
    # server, where every process of the deployment searches it for the map.
    notes = tmp_path / "interviews.md"
    notes.write_text("Shop owners told us onboarding took two weeks and felt endless.\n")
    from gradio_client import handle_file

    ana.predict([handle_file(str(notes))], api_name="/ingest")
    kb = KnowledgeBase(settings)
    assert kb.collection().name.endswith(kb.research.workspace or "?")
    hits = kb.search("slow onboarding", kind="document", map_id=map_id)
    assert hits and "onboarding took two weeks" in hits[0].snippet

    # Eve is in no team: the map is not hers on either replica.
    eve = _client(app2.url, "eve")
    with pytest.raises(Exception, match="No map named"):
        eve.predict("Q3 launch", api_name="/open_map")

    # Guessing Eve's password on replica 1 locks her name on replica 2 as well.
    assert [_post_login(app1.url, "eve", f"wrong {n}") for n in range(5)] == [400] * 5
    assert _post_login(app2.url, "eve", PASSWORD) == 400
    store.close()
    accounts.close()
