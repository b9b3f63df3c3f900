"""Two writers on one map: every acknowledged change must be on the stored map.

Patterns: 2 threads x 100 changes, 2 processes x 100 changes (each with its own session and
SQLite connection, as two CLI or web users have), and 2 guided sessions x 30 answers on the
same map (what two web tabs on one map do). Lost = acknowledged item texts missing from the
stored map at the end; the change log must agree with the map (log rows vs. acknowledged).
"""

from __future__ import annotations

import multiprocessing
import tempfile
import threading
from pathlib import Path
from typing import Any

from stress_common import integrity

CHANGES = 100
ANSWERS = 30


def _prepare(home: str, name: str) -> None:
    from builders import fill_front

    from assistant.session import open_session

    session = open_session(map=name, home=home, model="guided")
    fill_front(session)
    result = session.tools.call("set_stages", {"names": ["Discover", "Compare", "Buy"]})
    assert result.ok, result.text


def tool_writer(home: str, name: str, tag: str) -> list[str]:
    """CHANGES single-item additions; returns the texts that were acknowledged."""
    from assistant.session import open_session

    session = open_session(map=name, home=home, model="guided")
    acked = []
    for n in range(CHANGES):
        text = f"{tag} thought {n}"
        result = session.tools.call(
            "add_stage_items", {"stage": "1", "field": "thoughts", "items": [text]}
        )
        if result.ok:
            acked.append(text)
    return acked


def chat_writer(home: str, name: str, tag: str) -> list[str]:
    """ANSWERS guided answers; an answer is acknowledged when the session's own map holds it
    after the reply."""
    from assistant.session import open_session

    session = open_session(map=name, home=home, model="guided")
    session.start()
    acked = []
    for n in range(ANSWERS):
        text = f"{tag} remark {n}"
        session.send(text)
        if text in session.map.model_dump_json():
            acked.append(text)
    return acked


def _lost(home: Path, name: str, acked: list[str], tool: str = "") -> dict[str, int]:
    from assistant.store import Store

    store = Store(home / "journey.sqlite3")
    journey = store.load(name)
    stored = journey.model_dump_json()
    rows = [c for c in store.changes(journey.id, limit=100_000) if c.tool == tool]
    store.close()
    figures = {"acknowledged": len(acked), "lost": sum(text not in stored for text in acked)}
    if tool:  # one change-log row per acknowledged change, no more, no less
        figures["log_rows"] = len(rows)
        figures["log_disagrees"] = int(len(rows) != len(acked))
    return figures


def _threads(home: str, name: str, writer: Any) -> list[str]:
    acked: list[list[str]] = [[], []]

    def work(k: int) -> None:
        acked[k] = writer(home, name, "AB"[k])

    threads = [threading.Thread(target=work, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return acked[0] + acked[1]


def run() -> dict[str, Any]:
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        _prepare(tmp, "threads")
        figures["threads_2x100"] = _lost(
            home, "threads", _threads(tmp, "threads", tool_writer), "add_stage_items"
        )
        _prepare(tmp, "processes")
        ctx = multiprocessing.get_context("spawn")
        with ctx.Pool(2) as pool:
            parts = pool.starmap(tool_writer, [(tmp, "processes", "A"), (tmp, "processes", "B")])
        figures["processes_2x100"] = _lost(
            home, "processes", parts[0] + parts[1], "add_stage_items"
        )
        _prepare(tmp, "tabs")
        figures["two_sessions_2x30"] = _lost(home, "tabs", _threads(tmp, "tabs", chat_writer))
        figures["integrity"] = integrity(home / "journey.sqlite3")
    return figures
