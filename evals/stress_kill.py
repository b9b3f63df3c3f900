"""kill -9 in the middle of work: a piped `journey chat`, and `journey serve` mid-request.

After each kill: every answer whose reply was printed (acknowledged) is in the stored chat and
its change on the map (the stored map is at least as complete as the last reply said), the
database passes SQLite's integrity check, and the map opens again and takes an answer.
"""

from __future__ import annotations

import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from stress_common import ROOT, answers, integrity

CHAT_KILLS = 14
SERVE_KILLS = 6
STATUS = re.compile(r"^\[(\d+)% complete; next: .*\]$")
CLI = [sys.executable, "-c", "from assistant.cli import app; app()"]
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}


def _read_reply(proc: subprocess.Popen[str]) -> int | None:
    """Read one reply up to its status line; its percent, or None if the output ended."""
    assert proc.stdout is not None
    while True:
        line = proc.stdout.readline()
        if not line:
            return None
        found = STATUS.match(line.strip())
        if found:
            return int(found.group(1))


def _stored(home: Path, name: str) -> tuple[int, int]:
    """(user answers in the stored chat, completeness of the stored map)."""
    from assistant.completeness import status
    from assistant.store import Store

    store = Store(home / "journey.sqlite3")
    try:
        journey = store.load(name)
        users = sum(m["role"] == "user" for m in store.messages(journey.id, limit=10_000))
        return users, status(journey).percent
    finally:
        store.close()


def chat_round(home: Path, number: int, rng: random.Random) -> dict[str, Any]:
    name = f"kill-chat-{number}"
    proc = subprocess.Popen(
        [*CLI, "chat", "--map", name, "--home", str(home)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=ENV,
    )
    assert proc.stdin is not None
    _read_reply(proc)  # the opening question
    target = rng.randint(1, 18)
    acked, percent = 0, 0
    for text in answers(number, 25):
        proc.stdin.write(text + "\n")
        proc.stdin.flush()
        if acked == target:  # kill while this answer is being processed
            time.sleep(rng.uniform(0, 0.03))
            break
        got = _read_reply(proc)
        if got is None:
            break
        acked, percent = acked + 1, got
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    users, stored_percent = _stored(home, name)
    again = subprocess.run(
        [*CLI, "chat", "--map", name, "--home", str(home)],
        input="one more note\n",
        capture_output=True,
        text=True,
        env=ENV,
        timeout=120,
    )
    return {
        "acked": acked,
        "lost": int(users < acked or stored_percent < percent),
        "reopened": again.returncode == 0 and "Traceback" not in again.stderr,
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve_round(home: Path, number: int, rng: random.Random) -> dict[str, Any]:
    import huggingface_hub.constants as hub
    from gradio_client import Client

    hub.HF_HUB_OFFLINE, hub.HF_HUB_DISABLE_TELEMETRY = True, True
    port = _free_port()
    proc = subprocess.Popen(
        [*CLI, "serve", "--port", str(port), "--home", str(home)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=ENV,
    )
    name = f"kill-serve-{number}"
    acked = percent = 0
    try:
        client = _connect(f"http://127.0.0.1:{port}/", Client)
        client.predict(name, api_name="/create_map")
        target = rng.randint(1, 12)
        for text in answers(number, 20):
            if acked == target:
                job = client.submit(text, [], api_name="/send")
                time.sleep(rng.uniform(0, 0.05))
                del job
                break
            out = client.predict(text, [], api_name="/send")
            acked += 1
            shown = re.search(r"(\d+)%", str(out[3]))
            percent = int(shown.group(1)) if shown else percent
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    users, stored_percent = _stored(home, name)
    return {"acked": acked, "lost": int(users < acked or stored_percent < percent)}


def _connect(url: str, client_class: Any) -> Any:
    deadline = time.monotonic() + 120
    while True:
        try:
            return client_class(url, verbose=False)
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def run() -> dict[str, Any]:
    rng = random.Random(11)
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        rounds = [chat_round(home, n, rng) for n in range(CHAT_KILLS)]
        figures["chat"] = {
            "kills": len(rounds),
            "acknowledged_answers": sum(r["acked"] for r in rounds),
            "lost": sum(r["lost"] for r in rounds),
            "not_reopened": sum(not r["reopened"] for r in rounds),
        }
        served: list[dict[str, Any]] = []
        problem = ""
        for n in range(SERVE_KILLS):
            try:
                served.append(serve_round(home, n, rng))
            except Exception as exc:  # noqa: BLE001 - reported with the figures
                problem = f"{type(exc).__name__}: {' '.join(str(exc).split())[:200]}"
                break
        figures["serve"] = {
            "kills": len(served),
            "acknowledged_answers": sum(r["acked"] for r in served),
            "lost": sum(r["lost"] for r in served),
            **({"errors": problem} if problem else {}),
        }
        figures["integrity"] = integrity(home / "journey.sqlite3")
    return figures
