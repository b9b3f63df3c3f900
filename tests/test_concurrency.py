"""Two writers on one map lose nothing: every change is applied to the map as stored at that
moment, and the change log and the map agree (issue 11, item 1)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

from assistant.schema import JourneyMap
from assistant.session import Reply, open_session
from assistant.store import Store
from tests.ideas_fixtures import stored_session

ROOT = Path(__file__).resolve().parents[1]
CHANGES = 100


def _goals(journey: JourneyMap) -> list[str]:
    return [i.text for i in journey.persona.goals]


def _writer(home: Path, name: str, worker: str, results: list) -> None:
    session = open_session(map="acme", home=home, model="guided")
    for n in range(CHANGES):
        item = f"{worker} goal {n}"
        results.append(session.tools.call("add_persona_items", {"field": "goals", "items": [item]}))


def _undo_everything(store: Store, map_id: str) -> int:
    steps = 0
    while store.undo(map_id) is not None:
        steps += 1
    return steps


def test_two_threads_lose_no_change(home: Path) -> None:
    session = stored_session(home)
    seeded = session.store.change_count(session.map_id)
    results: dict[str, list] = {"a": [], "b": []}
    threads = [
        threading.Thread(target=_writer, args=(home, "acme", w, results[w])) for w in results
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    done = results["a"] + results["b"]
    assert all(r.ok and len(r.added) == 1 for r in done)
    journey = session.store.load("acme")
    goals = _goals(journey)
    assert len(goals) == 2 * CHANGES, f"{2 * CHANGES - len(goals)} acknowledged changes lost"
    assert {f"{w} goal {n}" for w in "ab" for n in range(CHANGES)} == set(goals)
    on_map = {i.id for i in journey.persona.goals}
    assert {r.added[0] for r in done} == on_map
    # The change log holds exactly the changes on the map, and undoing them all (through the
    # stored patches) returns to the seeded map.
    assert session.store.change_count(session.map_id) == seeded + 2 * CHANGES
    assert _undo_everything(session.store, session.map_id) == seeded - 1 + 2 * CHANGES
    assert session.store.load("acme").persona.goals == []


def test_two_shared_store_threads_lose_no_change(home: Path) -> None:
    """Two threads on ONE session (one SQLite connection), as two web requests may be."""
    session = stored_session(home)
    results: list = []

    def work(worker: str) -> None:
        for n in range(50):
            results.append(
                session.tools.call(
                    "add_persona_items", {"field": "goals", "items": [f"{worker} {n}"]}
                )
            )

    threads = [threading.Thread(target=work, args=(w,)) for w in "ab"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r.ok for r in results)
    assert len(_goals(session.store.load("acme"))) == 100


WRITER = """
import sys
from assistant.session import open_session
home, worker, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
session = open_session(map="acme", home=home, model="guided")
for n in range(count):
    r = session.tools.call("add_persona_items", {"field": "goals", "items": [f"{worker} goal {n}"]})
    if not r.ok:
        print(r.text, file=sys.stderr)
        sys.exit(1)
    print(r.added[0], flush=True)
"""


def test_two_processes_lose_no_change(home: Path) -> None:
    session = stored_session(home)
    seeded = session.store.change_count(session.map_id)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(home), w, str(CHANGES)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for w in "ab"
    ]
    acknowledged: list[str] = []
    for p in procs:
        out, err = p.communicate(timeout=600)
        assert p.returncode == 0, err
        acknowledged += out.split()
    assert len(acknowledged) == 2 * CHANGES
    journey = session.store.load("acme")
    assert {i.id for i in journey.persona.goals} == set(acknowledged)
    assert session.store.change_count(session.map_id) == seeded + 2 * CHANGES


def test_two_guided_chats_on_one_map_lose_no_answer(home: Path) -> None:
    """Two people answer the interview on the same map at once, turn by turn: every change a
    reply reports is on the map, and the log counts exactly those changes."""
    a = stored_session(home)
    store = a.store
    seeded = store.change_count(a.map_id)
    b = open_session(map="acme", home=home, model="guided")
    last = {"A": a.start(), "B": b.start()}
    replies: list[Reply] = list(last.values())
    for n in range(30):
        for who, session in (("A", a), ("B", b)):
            last[who] = session.send(_answer(last[who], f"{who}{n}"))
            replies.append(last[who])
    changes = [r for reply in replies for r in reply.results]
    assert len(changes) >= 50
    journey = store.load("acme")
    ids = _all_ids(journey)
    lost = [r for r in changes if any(i not in ids for i in r.added)]
    assert not lost, f"{len(lost)} acknowledged changes lost"
    assert store.change_count(a.map_id) == seeded + len(changes)


def _answer(reply: Reply, tag: str) -> str:
    if reply.gap is None:  # the core is done: take the optional fields, the interview goes on
        return "all of them"
    field = reply.gap.field
    if field == "emotions":
        return f"worried about {tag} (-1)"
    if field == "decision_points":
        return f"if the price of {tag} is too high, then they look at a competitor"
    return f"answer {tag}; another {tag}"


def _all_ids(journey: JourneyMap) -> set[str]:
    dumped = journey.model_dump()
    out: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, dict):
            if "id" in value:
                out.add(str(value["id"]))
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(dumped)
    return out
