"""The web app on PostgreSQL under load: 50 signed-in users x 20 guided turns through
gradio_client, 10 of them on one shared map, against `journey serve` on a throwaway cluster.

Run twice in one go on fresh databases, with the queue settings of old (one event at a time)
and the current defaults, so the ratio holds however loaded the machine is. Prints p50/p95 turn
latency, the server's memory, errors, lost changes (acknowledged answers missing from the
stored transcript), cross-talk (another user's company on a map) and cross-team reads (a user
opening another team's map through the API).
"""

from __future__ import annotations

import multiprocessing
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

from stress_common import ROOT, answers

USERS = 50
TURNS = 20
TEAMS = 5  # 10 users each; team 0 shares one map, the others each have their own
SHARED = "workshop"
PASSWORD = "stress-pass-1"
PROCESSES = 5  # client processes (10 gradio_client threads each)
THINK = (1.0, 3.0)
"""Seconds a person takes to read a question and type the answer (uniform in this range): 50
people answering every 2 s on average is a busier workshop than any real one."""
# (label, JOURNEY_CONCURRENCY or None for the default, think time or None for back to back,
# app replicas: each user stays on one, as sticky sessions keep a browser on one)
Run = tuple[str, int | None, tuple[float, float] | None, int]
RUNS: tuple[Run, ...] = (
    ("old: one event at a time, people typing", 1, THINK, 1),
    ("new: current defaults, people typing", None, THINK, 1),
    ("new: current defaults, people typing, two replicas", None, THINK, 2),
    ("new: current defaults, back to back", None, None, 1),
)


def user_name(i: int) -> str:
    return f"u{i:02d}"


def team_of(i: int) -> int:
    return i // (USERS // TEAMS)


def map_of(i: int) -> str:
    return SHARED if team_of(i) == 0 else f"map-{i:02d}"


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare(url: str) -> None:
    """Users, teams, and the shared map (owned by team 0 as editors)."""
    from assistant.accounts import Accounts
    from assistant.db import upgrade
    from assistant.store import Store

    upgrade(url)
    accounts = Accounts(url)
    for t in range(TEAMS):
        accounts.add_team(f"team{t}")
    for i in range(USERS):
        accounts.add_user(user_name(i), PASSWORD)
        accounts.join(f"team{team_of(i)}", user_name(i))
    store = Store(url)
    journey = store.create(SHARED)
    store.close()
    accounts.grant(journey.id, "editor", team="team0")
    accounts.close()


def other_team_map(i: int) -> str:
    """A map of the next team, for the cross-team read check."""
    size = USERS // TEAMS
    return map_of((team_of(i) + 1) % TEAMS * size + i % size)


def client_process(
    jobs: list[tuple[int, str, str, int, str]],
    think: tuple[float, float] | None,
    ready: Any,
    go: Any,
    out: Any,
) -> None:
    """Sign in and open a map per user (one after another), wait for the start, then send
    every user's turns at once, one thread per user."""
    import huggingface_hub.constants as hub
    from gradio_client import Client

    hub.HF_HUB_OFFLINE = hub.HF_HUB_DISABLE_TELEMETRY = True  # gradio_client must not call out
    clients: dict[int, Any] = {}
    results: dict[int, dict[str, Any]] = {}
    for i, own, _, _, url in jobs:
        results[i] = {"i": i, "latencies": [], "acked": [], "errors": [], "cross": 0}
        try:
            client = Client(
                url,
                auth=(user_name(i), PASSWORD),
                verbose=False,
                max_workers=2,
                analytics_enabled=False,
                httpx_kwargs={"timeout": 600},
            )
            client.predict(own, api_name="/open_map" if own == SHARED else "/create_map")
            clients[i] = client
        except Exception as exc:  # noqa: BLE001 - counted and printed
            results[i]["errors"].append(f"set-up: {type(exc).__name__}: {exc}")
        ready.put(i)

    def one(i: int, own: str, other: str, turns: int, _url: str) -> None:
        result = results[i]
        client = clients.get(i)
        if client is None:
            return
        go.wait()
        lines = answers(i, turns)
        if own == SHARED:  # ten people on one interview: each line names its sender
            lines = [f"{line} ({user_name(i)}/{n})" for n, line in enumerate(lines)]
        pause = random.Random(i)
        for text in lines:
            if think:
                time.sleep(pause.uniform(*think))
            start = time.perf_counter()
            try:
                client.predict(text, [], api_name="/send")
            except Exception as exc:  # noqa: BLE001
                result["errors"].append(f"{type(exc).__name__}: {exc}")
                continue
            result["latencies"].append(time.perf_counter() - start)
            result["acked"].append(text)
        # Another team's map, by name, through the API: must be refused.
        try:
            client.predict(other, api_name="/open_map")
            result["cross"] += 1
        except Exception:  # noqa: BLE001 - refused, as it must be
            pass

    threads = [threading.Thread(target=one, args=job) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for result in results.values():
        out.put(result)


def start_server(url: str, home: Path, concurrency: int | None) -> subprocess.Popen:
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "JOURNEY_HOME": str(home),
        "JOURNEY_DATABASE_URL": url,
        "JOURNEY_MODEL": "guided",
        "GRADIO_ANALYTICS_ENABLED": "False",
        "HF_HUB_OFFLINE": "1",
    }
    if concurrency is not None:
        env["JOURNEY_CONCURRENCY"] = str(concurrency)
    journey = Path(sys.executable).with_name("journey")
    log = (home / "serve.log").open("w")
    proc = subprocess.Popen(
        [str(journey), "serve", "--port", str(port)], env=env, stdout=log, stderr=log
    )
    proc.url = f"http://127.0.0.1:{port}/"  # type: ignore[attr-defined]
    deadline = time.monotonic() + 180
    while True:
        try:
            with urllib.request.urlopen(proc.url, timeout=2):  # type: ignore[attr-defined]
                return proc
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((home / "serve.log").read_text()[-2000:]) from None
            time.sleep(0.3)


def check(url: str, results: list[dict[str, Any]]) -> dict[str, int]:
    """Acknowledged answers missing from the stored transcripts; another user's company."""
    import sqlalchemy as sa

    from assistant.db.tables import chat
    from assistant.store import Store

    store = Store(url)
    lost = cross = 0
    try:
        by_name = {m.name: m for m in store.list_maps()}
        stored: dict[str, set[str]] = {}
        with store.engine.connect() as conn:
            for map_id, text in conn.execute(
                sa.select(chat.c.map_id, chat.c.content).where(chat.c.role == "user")
            ):
                stored.setdefault(map_id, set()).add(text)
        for r in results:
            journey = by_name.get(map_of(r["i"]))
            seen = stored.get(journey.id, set()) if journey else set()
            lost += sum(text not in seen for text in r["acked"])
            if journey is not None and map_of(r["i"]) != SHARED:
                company = store.load(journey.id).context.company or ""
                cross += company != f"Company {r['i']}"
    finally:
        store.close()
    return {"lost": lost, "cross_talk": cross}


def one_run(
    cluster: Any, concurrency: int | None, think: tuple[float, float] | None, replicas: int = 1
) -> dict[str, Any]:
    import psutil

    from assistant.settings import Settings

    url = cluster.new_database()
    prepare(url)
    with tempfile.TemporaryDirectory(prefix="stress-web-") as tmp:
        servers = []
        for n in range(replicas):
            (Path(tmp) / f"app-{n}").mkdir()
            servers.append(start_server(url, Path(tmp) / f"app-{n}", concurrency))
        try:
            ps = [psutil.Process(server.pid) for server in servers]
            ctx = multiprocessing.get_context("spawn")
            ready, out, go = ctx.Queue(), ctx.Queue(), ctx.Event()
            jobs = [
                (i, map_of(i), other_team_map(i), TURNS, servers[i % replicas].url)  # type: ignore[attr-defined]
                for i in range(USERS)
            ]
            groups = [jobs[n::PROCESSES] for n in range(PROCESSES)]
            procs = [
                ctx.Process(target=client_process, args=(g, think, ready, go, out)) for g in groups
            ]
            for p in procs:
                p.start()
            for _ in range(USERS):
                ready.get(timeout=600)
            idle = sum(p.memory_info().rss for p in ps)
            peak = [idle]
            done = threading.Event()

            def sample() -> None:
                while not done.wait(0.25):
                    peak[0] = max(peak[0], sum(p.memory_info().rss for p in ps))

            sampler = threading.Thread(target=sample)
            sampler.start()
            load_before = os.getloadavg()[0]
            cpu_before = sum(sum(p.cpu_times()[:2]) for p in ps)
            start = time.perf_counter()
            go.set()
            results = [out.get(timeout=1800) for _ in range(USERS)]
            seconds = time.perf_counter() - start
            cpu = sum(sum(p.cpu_times()[:2]) for p in ps) - cpu_before
            done.set()
            sampler.join()
            for p in procs:
                p.join(timeout=60)
        finally:
            for server in servers:
                server.terminate()
                try:
                    server.wait(30)
                except subprocess.TimeoutExpired:
                    server.kill()
    latencies = sorted(x for r in results for x in r["latencies"])
    errors = [e for r in results for e in r["errors"]]
    for e in errors[:3]:
        print("  error:", e[:200], flush=True)
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    return {
        "concurrency": concurrency or Settings().concurrency,
        "think_s": list(think) if think else 0,
        "replicas": replicas,
        "turns": len(latencies),
        "errors": len(errors),
        **check(url, results),
        "cross_team_reads": sum(r["cross"] for r in results),
        "p50_ms": round(q[49] * 1000),
        "p95_ms": round(q[94] * 1000),
        "turns_per_s": round(len(latencies) / seconds, 1),
        # Server CPU per turn: what a turn costs whatever else runs on the machine.
        "server_cpu_ms_per_turn": round(cpu * 1000 / max(1, len(latencies)), 1),
        "servers_rss_mb": {"signed_in": round(idle / 2**20), "peak": round(peak[0] / 2**20)},
        "load_avg_1min": {"before": round(load_before, 2), "after": round(os.getloadavg()[0], 2)},
    }


def run() -> dict[str, Any]:
    from pgcluster import Cluster, find_bindir

    bindir = find_bindir()
    if bindir is None:
        return {"skipped": "PostgreSQL server binaries not found (make postgres installs them)"}
    cluster = Cluster(bindir).start()
    figures: dict[str, Any] = {"users": USERS, "turns_each": TURNS, "on_one_map": USERS // TEAMS}
    try:
        for label, concurrency, think, replicas in RUNS:
            print(f"   {label} ...", flush=True)
            figures[label] = one_run(cluster, concurrency, think, replicas)
            print(f"   {figures[label]}", flush=True)
    finally:
        cluster.stop()
    if len(RUNS) >= 2:
        old, new = (figures[label] for label, *_ in RUNS[:2])
        if new["p95_ms"]:
            figures["p95_old_over_new"] = round(old["p95_ms"] / new["p95_ms"], 1)
    return figures


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2))
