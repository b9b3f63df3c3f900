"""The one store over SQLAlchemy, run against a SQLite file AND a real PostgreSQL server:
maps, change log, undo, chat, and the guarantees (every acknowledged change on disk, no lost
update with two writers on one map, in threads and in processes, and after kill -9)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from assistant.schema import Item, JourneyMap
from assistant.store import MapNotFound, Store

WRITER = """
import sys
from assistant.schema import Item, JourneyMap
from assistant.store import Store
store = Store(sys.argv[1])
map_id, tag, count = sys.argv[2], sys.argv[3], int(sys.argv[4])
for n in range(count):
    with store.transaction():
        before = store.load_raw(map_id)
        after = JourneyMap.model_validate_json(before)
        after.persona.goals.append(Item(text=f"{tag}-{n}"))
        store.write_change(before, after, "add_goal", {"n": n}, "user", f"added {tag}-{n}")
    print(f"{tag}-{n}", flush=True)
"""


def _goals(journey: JourneyMap) -> list[str]:
    return [g.text for g in journey.persona.goals]


def change(store: Store, map_id: str, text: str) -> int:
    """One change the way `ToolContext.apply` makes it: read, change and write in one
    transaction."""
    with store.transaction():
        before = store.load_raw(map_id)
        after = JourneyMap.model_validate_json(before)
        after.persona.goals.append(Item(text=text))
        seq, _, _ = store.write_change(
            before, after, "add_goal", {"text": text}, "user", f"Added '{text}'."
        )
    return seq


def test_maps_round_trip_rename_delete(store: Store) -> None:
    made = store.create("Acme plan", "pl")
    assert store.load("Acme plan").id == made.id and store.load(made.id).language == "pl"
    with pytest.raises(ValueError, match="already exists"):
        store.create("Acme plan")
    with pytest.raises(ValueError, match="not a valid map name"):
        store.create("<script>")
    store.create("second")
    assert [m.name for m in store.list_maps()] == ["second", "Acme plan"]
    store.rename("Acme plan", "Acme 2027")
    assert store.exists("Acme 2027") and not store.exists("Acme plan")
    with pytest.raises(ValueError, match="already exists"):
        store.rename("Acme 2027", "second")
    store.add_message(made.id, "user", "hello", {"gap": "context:company"})
    store.delete("Acme 2027")
    assert not store.exists(made.id) and store.messages(made.id) == []
    assert store.changes(made.id) == []
    with pytest.raises(MapNotFound, match="No map named"):
        store.load("Acme 2027")


def test_changes_log_patches_undo_and_snapshot(store: Store) -> None:
    journey = store.create("m")
    first = store.snapshot("m")
    big = "x" * 1_900
    seq1 = change(store, journey.id, big)
    seq2 = change(store, journey.id, "save time")
    assert seq2 > seq1 > 0
    assert _goals(store.snapshot("m")) == [big, "save time"]
    assert first is not store.snapshot("m") and store.snapshot("m") is store.snapshot("m")
    log = store.changes(journey.id)
    assert [c.tool for c in log] == ["create_map", "add_goal", "add_goal"]
    assert log[2].args == {"text": "save time"} and store.change_count(journey.id) == 3
    with store.engine.connect() as db:  # the log keeps a patch, not two copies of the map
        sizes = db.execute(
            sa.text("SELECT length(patch), before FROM changes WHERE seq = :s"), {"s": seq2}
        ).one()
    assert sizes[0] < 500 and sizes[1] is None

    assert store.undo(journey.id, expect=seq1) is None  # not the last change: refused
    restored, summary, seq, old, new = store.undo(journey.id, expect=seq2, state='{"a": 1}')  # type: ignore[misc]
    assert (summary, seq) == ("Added 'save time'.", seq2) and _goals(restored) == [big]
    assert len(old["persona"]["goals"]) == 2 and len(new["persona"]["goals"]) == 1
    assert store.load_state(journey.id) == '{"a": 1}'
    store.undo(journey.id)
    assert _goals(store.load("m")) == [] and store.undo(journey.id) is None
    assert store.undo("no-such-map") is None


def test_a_refused_change_leaves_nothing(store: Store) -> None:
    journey = store.create("m")
    with pytest.raises(ValueError), store.transaction():
        before = store.load_raw(journey.id)
        after = JourneyMap.model_validate_json(before)
        after.persona.goals.append(Item(text="half done"))
        store.write_change(before, after, "add_goal", {}, "user", "half")
        store.save_state(journey.id, '{"half": true}')
        raise ValueError("refused after writing: all of it rolls back")
    assert _goals(store.load("m")) == [] and store.change_count(journey.id) == 1
    assert store.load_state(journey.id) is None


def test_state_is_saved_with_messages_and_replaced(store: Store) -> None:
    journey = store.create("m")
    assert store.load_state(journey.id) is None
    store.add_message(journey.id, "assistant", "Which company?", {"gap": "x"}, state='{"n": 1}')
    store.save_state(journey.id, '{"n": 2}')
    assert store.load_state(journey.id) == '{"n": 2}'
    with store.transaction():  # nested in a change's transaction, as the session does
        store.add_message(journey.id, "assistant", "Next?", None, state='{"n": 3}')
    assert store.load_state(journey.id) == '{"n": 3}'
    store.delete("m")
    assert store.load_state(journey.id) is None


def test_chat_transcript_keeps_order_and_meta(store: Store) -> None:
    journey = store.create("m")
    for n in range(5):
        store.add_message(journey.id, "user" if n % 2 == 0 else "assistant", f"line {n}", {"n": n})
    again = Store(store.url)
    shown = again.messages(journey.id, limit=3)
    again.close()
    assert [m["content"] for m in shown] == ["line 2", "line 3", "line 4"]
    assert shown[-1]["meta"] == {"n": 4}


def test_two_threads_on_one_map_lose_nothing(store: Store) -> None:
    journey = store.create("shared")
    per_thread = 40

    def work(tag: str) -> None:
        mine = Store(store.url)  # each tab / session has its own store
        try:
            for n in range(per_thread):
                change(mine, journey.id, f"{tag}-{n}")
        finally:
            mine.close()

    threads = [threading.Thread(target=work, args=(t,)) for t in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    goals = _goals(store.load("shared"))
    assert len(goals) == 2 * per_thread == len(set(goals))
    assert store.change_count(journey.id) == 2 * per_thread + 1


def _writer(url: str, map_id: str, tag: str, count: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, url, map_id, tag, str(count)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path.cwd())},
    )


def test_two_processes_on_one_map_lose_nothing(store: Store) -> None:
    journey = store.create("shared")
    procs = [_writer(store.url, journey.id, tag, 25) for tag in ("p", "q")]
    for proc in procs:
        proc.communicate(timeout=300)
        assert proc.returncode == 0
    goals = _goals(store.load("shared"))
    assert len(goals) == 50 == len(set(goals))
    assert store.change_count(journey.id) == 51


def test_every_acknowledged_change_survives_kill_9(store: Store) -> None:
    journey = store.create("crash")
    proc = _writer(store.url, journey.id, "k", 10_000)
    acknowledged: list[str] = []
    assert proc.stdout is not None
    while len(acknowledged) < 15:
        line = proc.stdout.readline()
        assert line, "the writer stopped early"
        acknowledged.append(line.strip())
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    reopened = Store(store.url)
    goals = _goals(reopened.load("crash"))
    reopened.close()
    assert set(acknowledged) <= set(goals)
    # The map and its log agree: one change-log row per goal on the map, plus the creation.
    assert store.change_count(journey.id) == len(goals) + 1
