"""The web app's API through gradio_client against a real server on 127.0.0.1: a whole guided
interview, maps, uploads, ideas, exports, and two clients on two maps at once."""

from __future__ import annotations

import csv
import json
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from builders import call, fill_map, new_session
from gradio_client import Client, handle_file

from assistant.gap import Gap
from assistant.settings import Settings
from assistant.web.serve import launch_app

pytestmark = pytest.mark.server
RESEARCH = Path(__file__).parent / "fixtures" / "research"

# Answers by gap key (then by field), as a team would type them.
ANSWERS = {
    "context:company": "Acme <b>Analytics</b>",
    "context:product": "Shop dashboards",
    "context:market": "b2b",
    "context:purpose": "content ideation",
    "context:destination": "Book a demo",
    "persona:name": "Owen the owner",
    "persona:role": "Owner of a small web shop",
    "persona:quantitative": "10-50 employees",
    "persona:qualitative": "Hates long setups",
    "persona:goals": "Grow online sales",
    "persona:challenges": "No time for reports",
    "persona:channels": "LinkedIn, email",
    "persona:tone": "Friendly and simple",
    "stages": "Discover, Buy",
    "stage:1:emotions": "curious",
    "stage:2:emotions": "anxious",
    "stage:1:pain_points": "<script>alert(1)</script> (high)",
    "goals": "Understand the numbers",
    "actions": "Reads blog posts",
    "touchpoints": "Blog (Marketing), demo call (Sales)",
    "questions": "How much does it cost?",
    "thoughts": "Is this worth it?",
    "pain_points": "Setup takes too long",
    "relief": "A clear checklist",
    "milestones": "Books a demo -> sales calls within a day",
    "decision_points": "if pricing is hidden then they leave for a rival",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def hub_offline() -> Iterator[None]:
    """gradio_client builds Hugging Face headers, which fetch an 'agent registry' from
    huggingface.co and send telemetry unless the hub is offline."""
    import huggingface_hub.constants as hub

    saved = hub.HF_HUB_OFFLINE, hub.HF_HUB_DISABLE_TELEMETRY
    hub.HF_HUB_OFFLINE, hub.HF_HUB_DISABLE_TELEMETRY = True, True
    yield
    hub.HF_HUB_OFFLINE, hub.HF_HUB_DISABLE_TELEMETRY = saved


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, hub_offline: None
) -> Iterator[tuple[str, Path]]:
    home = tmp_path_factory.mktemp("web") / "home"
    settings = Settings().model_copy(
        update={"home": home, "model": "guided", "chroma_url": None, "max_upload_mb": 1.0}
    )
    demo, url = launch_app(settings, host="127.0.0.1", port=free_port())
    yield url, home
    close(demo)


def close(demo) -> None:  # type: ignore[no-untyped-def]
    """Stop the server. Gradio sets an asyncio event from this thread while the server's loop
    may be adding waiters to it ("deque mutated during iteration", seen once in a full run);
    the server is going away either way, so a second try finishes the job."""
    try:
        demo.close()
    except RuntimeError:
        demo.close()


def client(url: str) -> Client:
    return Client(url, verbose=False, download_files=True)


def gap_of(purpose_html: str) -> str | None:
    found = re.search(r'data-gap="([^"]+)"', purpose_html)
    return found.group(1) if found else None


def offer_of(purpose_html: str) -> str | None:
    """The kind of offer awaiting a verdict, as the page carries it (data, not reply text)."""
    found = re.search(r'data-offer="([^"]+)"', purpose_html)
    return found.group(1) if found else None


def last_text(messages: list[dict]) -> str:
    content = messages[-1]["content"]
    return content if isinstance(content, str) else " ".join(p.get("text", "") for p in content)


def interview(c: Client, purpose: str, limit: int = 80) -> tuple:
    """Answer every question the page asks until nothing is left; returns the last outputs."""
    out: tuple = ()
    for _ in range(limit):
        gap = gap_of(purpose)
        if gap is None or 'data-optional="true"' in purpose:  # the rest is optional
            return out
        if offer_of(purpose) == "ideas":
            answer = "accept 1"  # the engine offers content ideas after pain points
        else:
            answer = ANSWERS.get(gap) or ANSWERS[str(Gap.parse(gap).field)]
        out = c.predict(answer, [], api_name="/send")
        purpose = out[4]
    raise AssertionError(f"interview did not finish; last gap {gap_of(purpose)}")


def test_whole_guided_interview_fills_the_live_map(server) -> None:  # type: ignore[no-untyped-def]
    url, home = server
    c = client(url)
    opened = c.predict("acme", api_name="/create_map")
    saved, chat, map_html, progress, purpose = opened[:5]
    assert saved == "acme" and "No stages yet" in map_html
    assert 'data-percent="0"' in progress and gap_of(purpose) == "context:company"

    out = c.predict("Acme <b>Analytics</b>", [], api_name="/send")
    assert out[0] == ""  # the textbox is cleared
    assert "&lt;b&gt;Analytics&lt;/b&gt;" in out[2] and "<b>Analytics</b>" not in out[2]
    assert "&lt;b&gt;" in last_text(out[1])
    out = interview(c, out[4])
    map_html, progress, purpose = out[2], out[3], out[4]
    assert 'data-percent="100"' in progress
    assert gap_of(purpose) is None or 'data-optional="true"' in purpose
    assert "Discover" in map_html and "Buy" in map_html and "<polyline" in map_html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in map_html and "<script>" not in map_html
    assert out[5]  # the ideas table has the accepted content idea
    # A second visit (a new client on the same map) resumes where the team left off.
    again = client(url).predict("acme", api_name="/open_map")
    assert 'data-percent="100"' in again[3] and "Welcome back" in last_text(again[1])


def test_maps_create_rename_delete(server) -> None:  # type: ignore[no-untyped-def]
    url, _ = server
    c = client(url)
    c.predict("draft", api_name="/create_map")
    with pytest.raises(Exception, match="already exists"):
        c.predict("draft", api_name="/create_map")
    renamed = c.predict("draft-2", api_name="/rename_map")
    names = [choice[0] for choice in renamed[2]["choices"]]
    assert renamed[0] == "draft-2" and "draft-2" in names and "draft" not in names
    with pytest.raises(Exception, match="Tick"):
        c.predict(False, api_name="/delete_map")
    after = c.predict(True, api_name="/delete_map")
    assert after[0] != "draft-2" and "Deleted 'draft-2'." in after
    with pytest.raises(Exception, match="No map named"):
        c.predict("draft-2", api_name="/open_map")


def test_upload_reports_each_file_then_suggests_per_stage(server) -> None:  # type: ignore[no-untyped-def]
    url, home = server
    c = client(url)
    c.predict("research-map", api_name="/create_map")
    files = [handle_file(str(RESEARCH / n)) for n in ("interview-notes.md", "empty.txt")]
    table, next_step = c.predict(files, api_name="/ingest")
    rows = {r[0]: r for r in table["data"]}
    assert rows["interview-notes.md"][1] == "added" and int(rows["interview-notes.md"][2]) > 0
    assert rows["empty.txt"][1] == "failed" and "empty" in rows["empty.txt"][4]
    assert "Suggest from research" in str(next_step)  # the upload says what to do next
    again, _ = c.predict([handle_file(str(RESEARCH / "interview-notes.md"))], api_name="/ingest")
    assert again["data"][0][1] == "unchanged"
    with pytest.raises(Exception, match="stages"):  # suggestions are per stage
        c.predict(api_name="/suggest_research")
    s = new_session(home, name="research-map")
    call(s, "set_stages", names=["Get started", "Daily use"])
    call(s, "add_stage_items", stage="1", field="goals", items=["Import the drivers"])
    more = [handle_file(str(RESEARCH / n)) for n in ("reviews.csv", "sales-call.txt")]
    c.predict(more, api_name="/ingest")
    note, map_html, *_ = c.predict(api_name="/suggest_research")
    written = [
        i
        for stage in s.map.stages
        for lane in ("pain_points", "questions", "emotions")
        for i in getattr(stage, lane)
    ]
    assert written and all(i.provenance.is_suggestion for i in written)
    assert f"{len(written)} suggestion(s)" in note
    # The legend counts the research-backed cards (and only those).
    assert f"backed by your research ({len(written)})" in map_html


def test_ideas_filter_accept_reject_and_csv(server) -> None:  # type: ignore[no-untyped-def]
    url, home = server
    s = fill_map(new_session(home, name="ideas-map"), stages=2)
    pain = s.map.stages[0].pain_points[0].id
    for fmt, title in (("webinar", "Live Q&A"), ("faq", "Pricing FAQ")):
        call(s, "add_content_idea", stage="1", format=fmt, title=title, pain_point_id=pain)
    ids = [i.id for i in s.map.stages[0].content_ideas]
    c = client(url)
    c.predict("ideas-map", api_name="/open_map")
    table, *_ = c.predict("faq", "", "", api_name="/ideas")
    assert [r[2] for r in table["data"]] == ["Pricing FAQ"]
    table, *_, note, map_html = c.predict([ids[1]], "", "", "", api_name="/accept_ideas")
    assert "accepted" in note and [r[7] for r in table["data"]] == ["proposed", "accepted"]
    table, *_ = c.predict([ids[0]], "", "", "", api_name="/reject_ideas")
    assert [r[7] for r in table["data"]] == ["rejected", "accepted"]
    assert s.map.stages[0].content_ideas[0].status == "rejected"  # on disk
    table, *_ = c.predict("", "", "rejected", api_name="/ideas")
    assert [r[2] for r in table["data"]] == ["Live Q&A"]
    # The content calendar leaves the rejected idea out unless asked.
    path = c.predict(False, api_name="/ideas_csv")
    rows = list(csv.reader(Path(path).read_text(encoding="utf-8").splitlines()))
    assert [r[3] for r in rows[1:]] == ["Pricing FAQ"] and "CTA" in rows[0]
    path = c.predict(True, api_name="/ideas_csv")
    rows = list(csv.reader(Path(path).read_text(encoding="utf-8").splitlines()))
    assert sorted(r[3] for r in rows[1:]) == ["Live Q&A", "Pricing FAQ"]
    # Generate ideas for one pain point: they arrive as suggestions linked to it.
    note, *_ = c.predict(f"pain:{s.map.stages[0].id}|{pain}", api_name="/generate_ideas")
    fresh = [i for i in s.map.stages[0].content_ideas if i.id not in ids]
    assert fresh and all(i.pain_point_id == pain and i.status == "proposed" for i in fresh)
    assert f"{len(fresh)} new idea(s)" in note


def test_every_export_downloads(server) -> None:  # type: ignore[no-untyped-def]
    url, home = server
    s = fill_map(new_session(home, name="export-map"), stages=2)
    call(
        s, "add_stage_items", stage="1", field="pain_points", items=[{"text": "<script>x</script>"}]
    )
    c = client(url)
    c.predict("export-map", api_name="/open_map")
    got = {
        fmt: Path(c.predict(fmt, api_name="/export"))
        for fmt in ("json", "md", "csv", "mermaid", "html")
    }
    assert json.loads(got["json"].read_text())["name"] == "export-map"
    assert got["md"].read_text().startswith("# Customer journey map: export-map")
    assert got["csv"].read_text().startswith("stage_number,")
    assert got["mermaid"].read_text().startswith("journey")
    assert (
        "&lt;script&gt;x" in got["html"].read_text() and "<script>x" not in got["html"].read_text()
    )
    if Path("/usr/bin/chromium").exists():
        assert Path(c.predict("png", api_name="/export")).read_bytes()[:4] == b"\x89PNG"


def test_two_clients_on_two_maps_do_not_cross_talk(server) -> None:  # type: ignore[no-untyped-def]
    url, home = server
    results: dict[str, tuple] = {}
    errors: list[BaseException] = []

    def work(name: str, company: str) -> None:
        try:
            c = client(url)
            c.predict(name, api_name="/create_map")
            out: tuple = ()
            for answer in (company, f"{company} product", "b2c", "launch", "Buy it"):
                out = c.predict(answer, [], api_name="/send")
            results[name] = out
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [
        threading.Thread(target=work, args=a) for a in (("alpha", "Alphaco"), ("beta", "Betaco"))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    assert "Alphaco" in results["alpha"][2] and "Betaco" not in results["alpha"][2]
    assert "Betaco" in results["beta"][2] and "Alphaco" not in results["beta"][2]
    alpha = new_session(home, name="alpha").map
    beta = new_session(home, name="beta").map
    assert (alpha.context.company, beta.context.company) == ("Alphaco", "Betaco")
    assert alpha.context.destination == beta.context.destination == "Buy it"


def test_journey_serve_prints_its_url_and_answers(tmp_path: Path) -> None:
    port = free_port()
    env = {"JOURNEY_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant.cli", "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert f"http://127.0.0.1:{port}/" in line, line
        deadline = time.time() + 30
        while time.time() < deadline:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                if response.status == 200:
                    break
        assert response.status == 200
    finally:
        proc.terminate()
        proc.wait(20)


def test_normal_use_leaves_no_traceback_in_the_log(server, capfd) -> None:  # type: ignore[no-untyped-def]
    url, home = server
    s = fill_map(new_session(home, name="quiet-map"), stages=2)
    c = client(url)
    c.predict("quiet-map", api_name="/open_map")
    out = c.predict("   ", [], api_name="/send")  # an empty message is ignored quietly
    assert out[0] == ""
    c.predict(f"item:{s.map.stages[1].pain_points[0].id}", api_name="/pick_card")
    with pytest.raises(Exception, match="text first"):  # a user error: a toast, no crash
        c.predict([], "", "", None, None, "", "", None, None, None, None, api_name="/save_card")
    done = c.predict("done", [], api_name="/send")
    assert "Export tab" in last_text(done[1]) and "journey export" not in last_text(done[1])
    captured = capfd.readouterr()
    assert "Traceback" not in captured.err + captured.out
