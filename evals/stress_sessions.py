"""50 sessions x 20 turns on 50 maps: as threads in one process, and as 10 processes."""

from __future__ import annotations

import multiprocessing
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from stress_common import answers, integrity, maps_valid

SESSIONS = 50
TURNS = 20
PROCESSES = 10


def run_session(home: str, index: int, prefix: str) -> dict[str, Any]:
    """One guided session; what it saw acknowledged, and its errors."""
    from assistant.session import open_session

    out: dict[str, Any] = {"errors": [], "locked": 0, "acked": 0, "map": ""}
    try:
        session = open_session(map=f"{prefix}{index}", home=home, model="guided")
        session.start()
        for text in answers(index, TURNS):
            session.send(text)
        out["acked"] = session.store.change_count(session.map_id)
        out["map"] = session.map.model_dump_json()
    except Exception as exc:  # noqa: BLE001 - counted and printed
        out["errors"].append(f"{type(exc).__name__}: {exc}")
        out["locked"] += "locked" in str(exc)
    return out


def _process(home: str, indexes: list[int]) -> list[dict[str, Any]]:
    return [run_session(home, i, "p") for i in indexes]


def check(home: Path, results: dict[int, dict[str, Any]], prefix: str) -> dict[str, int]:
    from assistant.store import Store

    store = Store(home / "journey.sqlite3")
    lost = cross = 0
    for index, seen in results.items():
        journey = store.load(f"{prefix}{index}")
        stored = store.change_count(journey.id)
        lost += max(0, seen["acked"] - stored)
        if seen["map"] and journey.model_dump_json() != seen["map"]:
            lost += 1
        cross += journey.context.company != f"Company {index}"
    store.close()
    return {"lost": lost, "cross_talk": cross}


def run() -> dict[str, Any]:
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        results: dict[int, dict[str, Any]] = {}
        start = time.perf_counter()

        def work(i: int) -> None:
            results[i] = run_session(tmp, i, "t")

        threads = [threading.Thread(target=work, args=(i,)) for i in range(SESSIONS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        figures["threads"] = {
            "sessions": SESSIONS,
            "turns": SESSIONS * TURNS,
            "errors": sum(len(r["errors"]) for r in results.values()),
            "locked": sum(r["locked"] for r in results.values()),
            **check(home, results, "t"),
            "seconds": round(time.perf_counter() - start, 1),
        }
        start = time.perf_counter()
        groups = [list(range(n, SESSIONS, PROCESSES)) for n in range(PROCESSES)]
        ctx = multiprocessing.get_context("spawn")
        with ctx.Pool(PROCESSES) as pool:
            done = pool.starmap(_process, [(tmp, g) for g in groups])
        presults = {
            i: r for g, rs in zip(groups, done, strict=True) for i, r in zip(g, rs, strict=True)
        }
        figures["processes"] = {
            "sessions": SESSIONS,
            "processes": PROCESSES,
            "turns": SESSIONS * TURNS,
            "errors": sum(len(r["errors"]) for r in presults.values()),
            "locked": sum(r["locked"] for r in presults.values()),
            **check(home, presults, "p"),
            "seconds": round(time.perf_counter() - start, 1),
        }
        stored, valid = maps_valid(home / "journey.sqlite3")
        figures["maps_valid"] = f"{valid}/{stored}"
        figures["integrity"] = integrity(home / "journey.sqlite3")
        for r in [*results.values(), *presults.values()]:
            for e in r["errors"][:1]:
                print("  error:", e[:200])
    return figures
