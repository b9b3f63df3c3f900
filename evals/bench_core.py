"""Benchmark of the core loop: guided-engine turn latency and the time of one persisted change.

Target: under 20 ms p95 per guided turn on a 2-core machine. Run: python evals/bench_core.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from test_cli_chat import script  # noqa: E402

from assistant import open_session  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    turns: list[float] = []
    changes: list[float] = []
    with tempfile.TemporaryDirectory() as home:
        for run in range(5):
            session = open_session(map=f"bench-{run}", home=home, model="guided")
            session.start()
            for answer in script("en"):
                start = time.perf_counter()
                session.send(answer)
                turns.append((time.perf_counter() - start) * 1000)
            for n in range(50):
                start = time.perf_counter()
                result = session.tools.call(
                    "add_stage_items",
                    {"stage": "1", "field": "thoughts", "items": [f"thought {run}-{n}"]},
                )
                changes.append((time.perf_counter() - start) * 1000)
                assert result.ok
    print(
        f"guided turn latency: n={len(turns)} p50={statistics.median(turns):.1f} ms "
        f"p95={percentile(turns, 0.95):.1f} ms max={max(turns):.1f} ms (target p95 < 20 ms)"
    )
    print(
        f"one persisted change (tool call, validate, SQLite commit): n={len(changes)} "
        f"p50={statistics.median(changes):.1f} ms p95={percentile(changes, 0.95):.1f} ms"
    )


if __name__ == "__main__":
    main()
