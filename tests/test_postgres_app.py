"""The whole app on PostgreSQL (JOURNEY_DATABASE_URL): guided interview, resume in a new
process, undo, and two sessions on one map through the tools, against a real server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from assistant.db import upgrade
from assistant.session import open_session

ROOT = Path(__file__).resolve().parents[1]

RESUME = """
import json, sys
from assistant.session import open_session
session = open_session(map="acme", home=sys.argv[1], model="guided")
reply = session.send(sys.argv[2])
print(json.dumps({"gap": str(reply.gap), "company": session.map.context.company,
                  "product": session.map.context.product}))
"""


@pytest.fixture
def pg_home(pg_url: str, home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    upgrade(pg_url)
    monkeypatch.setenv("JOURNEY_DATABASE_URL", pg_url)
    return home


def test_interview_resume_and_undo_on_postgresql(pg_home: Path) -> None:
    session = open_session(map="acme", home=pg_home, model="guided")
    session.start()
    first = session.send("Acme Analytics")
    assert session.map.context.company == "Acme Analytics" and first.gap is not None
    assert not (pg_home / "journey.sqlite3").exists()  # nothing went to the SQLite default

    done = subprocess.run(
        [sys.executable, "-c", RESUME, str(pg_home), "Shop dashboards"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=300,
        check=True,
    )
    resumed = json.loads(done.stdout.strip().splitlines()[-1])
    # The new process answered the question this one had asked, on the same stored map.
    assert resumed["company"] == "Acme Analytics" and resumed["product"] == "Shop dashboards"
    assert session.map.context.product == "Shop dashboards"

    again = open_session(map="acme", home=pg_home, model="guided")
    assert again.tools.call("undo_last_change").ok
    assert again.map.context.product is None and again.map.context.company == "Acme Analytics"
    texts = [m["content"] for m in again.history()]
    assert "Acme Analytics" in texts and "Shop dashboards" in texts


def test_two_sessions_on_one_map_lose_nothing_on_postgresql(pg_home: Path) -> None:
    open_session(map="shared", home=pg_home, model="guided")
    per_writer = 25
    results: dict[str, list[bool]] = {"a": [], "b": []}

    def work(tag: str) -> None:
        session = open_session(map="shared", home=pg_home, model="guided")
        for n in range(per_writer):
            result = session.tools.call(
                "add_persona_items", {"field": "goals", "items": [f"{tag} goal {n}"]}
            )
            results[tag].append(result.ok)

    threads = [threading.Thread(target=work, args=(tag,)) for tag in results]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(results["a"]) and all(results["b"])
    goals = [g.text for g in open_session(map="shared", home=pg_home).map.persona.goals]
    assert sorted(goals) == sorted(f"{t} goal {n}" for t in "ab" for n in range(per_writer))


def test_token_usage_rows_are_kept_in_postgresql(pg_home: Path, pg_url: str) -> None:
    from test_agent import agent_session, put, say, update

    from assistant.agent.usage import UsageLog

    session = agent_session(
        pg_home,
        [say("Hi! Company?"), say("", update(put("context.company", "Acme"))), say("Next?")],
    )
    session.start()
    session.send("Acme")
    assert not (pg_home / "journey.sqlite3").exists()  # no per-replica SQLite file
    # What another replica (its own engine and home) reads from the shared database.
    log = UsageLog(pg_url)
    assert [t.calls for t in log.turns(session.map_id)] == [1, 2]
    assert log.totals(session.map_id).calls == 3
    cost = log.total_cost(session.map_id)
    assert cost is not None and cost > 0
