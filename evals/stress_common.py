"""Shared by the `make stress` sections (evals/stress.py): answers, integrity checks."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for extra in (ROOT, ROOT / "tests"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))


def answers(index: int, turns: int) -> list[str]:
    """`turns` interview answers; the company name carries the session's index, so a map
    holding another session's company is cross-talk."""
    from test_cli_chat import script

    lines = script("en")
    lines[0] = f"Company {index}"
    while len(lines) < turns:
        lines.append(f"note {index}-{len(lines)}")
    return lines[:turns]


def integrity(db_path: Path) -> str:
    """SQLite's integrity check of the workspace database ('ok' when sound)."""
    with sqlite3.connect(db_path) as db:
        row = db.execute("PRAGMA integrity_check").fetchone()
    db.close()
    return str(row[0]) if row else "no answer"


def maps_valid(db_path: Path) -> tuple[int, int]:
    """(maps stored, maps that validate against the schema)."""
    from assistant.schema import JourneyMap

    with sqlite3.connect(db_path) as db:
        rows = db.execute("SELECT data FROM maps").fetchall()
    db.close()
    good = 0
    for (data,) in rows:
        try:
            JourneyMap.model_validate_json(data)
            good += 1
        except ValueError:
            pass
    return len(rows), good
