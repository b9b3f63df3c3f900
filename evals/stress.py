"""`make stress`: the bigger loads, with their figures (errors, lost, integrity).

Sections: sessions (50 sessions x 20 turns, threads and processes), writers (two writers on
one map: threads, processes, two sessions like two web tabs), kill (kill -9 of a piped `chat`
and of `serve`), fuzz (1,000 fuzzed tool calls), files (hostile research files: time and peak
memory of the refusal), web (50 signed-in users x 20 turns through the web app on PostgreSQL,
old vs new queue settings: latency, memory, losses, cross-team reads).
Run all: python evals/stress.py; some: python evals/stress.py fuzz kill
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import stress_common  # noqa: E402,F401 - puts the project and tests/ on sys.path

SECTIONS = ("files", "sessions", "writers", "kill", "fuzz", "web")


def main(argv: list[str]) -> int:
    import importlib

    chosen = argv or list(SECTIONS)
    unknown = [s for s in chosen if s not in SECTIONS]
    if unknown:
        print(f"unknown section(s): {', '.join(unknown)}; choose from {', '.join(SECTIONS)}")
        return 2
    failed = False
    for name in chosen:
        start = time.perf_counter()
        print(f"== {name}", flush=True)
        figures = importlib.import_module(f"stress_{name}").run()
        print(json.dumps(figures, indent=2), flush=True)
        print(f"   ({time.perf_counter() - start:.0f} s)", flush=True)
        failed |= bad(figures)
    print("stress: " + ("PROBLEMS FOUND (see figures above)" if failed else "all figures clean"))
    return 1 if failed else 0


def bad(figures: object) -> bool:
    """True when any figure says errors, losses, tracebacks or a failed integrity check."""
    if isinstance(figures, dict):
        for key, value in figures.items():
            if (
                key
                in (
                    "errors",
                    "lost",
                    "locked",
                    "cross_talk",
                    "cross_team_reads",
                    "tracebacks",
                    "escaped",
                    "invalid",
                    "formula_cells",
                    "not_refused",
                    "not_reopened",
                    "log_disagrees",
                )
                and value
            ):
                return True
            if key == "integrity" and value != "ok":
                return True
            if key in ("undo_returns_to_start", "searchable_after") and value is not True:
                return True
            if bad(value):
                return True
    return False


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
