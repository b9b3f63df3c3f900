"""Hostile research files through `journey ingest` (a fresh process each): how long the
refusal takes and the process's peak memory; then the workspace must still be searchable.
Also: formula cells in the CSV exports of a hostile map (must be 0)."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from stress_common import ROOT

from assistant import render

CLI = [sys.executable, "-c", "from assistant.cli import app; app()"]
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
GOOD = ROOT / "tests" / "fixtures" / "research" / "sales-call.txt"


def timed(args: list[str]) -> tuple[float, float, int, str]:
    """(seconds, peak RSS in MB, exit code, output) of one `journey` run.

    The peak is the child's own VmHWM, polled from /proc: Linux's ru_maxrss of a child also
    counts the parent's memory at fork time, which would report this big process instead."""
    import threading

    start = time.perf_counter()
    proc = subprocess.Popen(
        [*CLI, *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=ENV, text=True
    )
    peak = [0.0]

    def watch() -> None:
        status = Path(f"/proc/{proc.pid}/status")
        while proc.poll() is None:
            try:
                for line in status.read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peak[0] = max(peak[0], int(line.split()[1]) / 1024)
            except (OSError, ValueError):
                pass
            time.sleep(0.02)

    watcher = threading.Thread(target=watch)
    watcher.start()
    assert proc.stdout is not None
    output = proc.stdout.read()
    proc.wait()
    watcher.join()
    return time.perf_counter() - start, peak[0], proc.returncode, output


def run() -> dict[str, Any]:
    from hostile import docx_with_text, wide_csv

    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        home = folder / "home"
        seconds, rss, code, out = timed(["ingest", str(GOOD), "--map", "acme", "--home", str(home)])
        figures["good_file"] = {"seconds": round(seconds, 1), "peak_rss_mb": round(rss)}
        files = {
            "docx_10mb_text": docx_with_text(folder / "ten-mb.docx", 10_000_000),
            "docx_1gb_text": docx_with_text(folder / "one-gb.docx", 1_000_000_000),
            "csv_8000_columns": wide_csv(folder / "wide.csv", 8000),
        }
        seconds, rss, code, out = timed(["maps", "list", "--home", str(home)])
        figures["cli_start_only"] = {"seconds": round(seconds, 1), "peak_rss_mb": round(rss)}
        not_refused = 0
        for label, path in files.items():
            seconds, rss, code, out = timed(
                ["ingest", str(path), "--map", "acme", "--home", str(home)]
            )
            refused = code == 1 and "✗" in out and "Traceback" not in out
            not_refused += not refused
            figures[label] = {
                "size_on_disk_kb": round(path.stat().st_size / 1024),
                "seconds": round(seconds, 1),
                "peak_rss_mb": round(rss),
                "work_seconds_in_process": round(in_process(home, path), 2),
                "result": " ".join(out.split()[-12:])[:160],
            }
        figures["not_refused"] = not_refused
        seconds, rss, code, out = timed(
            ["search", "--research", "enterprise plan price", "--home", str(home), "--json"]
        )
        figures["searchable_after"] = code == 0 and "sales-call.txt" in out
    figures["formula_cells"] = formula_cells()
    return figures


def in_process(home: Path, path: Path) -> float:
    """Seconds `ingest_paths` spends on the file in this process (no interpreter start-up)."""
    from assistant.ingest import ingest_paths
    from assistant.retrieval import KnowledgeBase
    from assistant.settings import get_settings

    kb = KnowledgeBase(get_settings(home=home))
    start = time.perf_counter()
    report = ingest_paths(kb, [path], map_name="acme")
    assert not report.ok
    return time.perf_counter() - start


def formula_cells() -> int:
    """Cells a spreadsheet would run, across the three CSV exports of a hostile map."""
    from test_hostile_values import hostile_map

    from assistant.csv_safety import is_formula
    from assistant.ideas.export import idea_lists, to_csv
    from assistant.web.views import ideas_csv

    journey = hostile_map()
    texts = [render.map_to_csv(journey), to_csv(journey, idea_lists(journey)), ideas_csv(journey)]
    return sum(
        is_formula(cell)
        for text in texts
        for row in csv.reader(io.StringIO(text, newline=""))
        for cell in row
    )
