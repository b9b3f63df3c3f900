"""Web app start-up and memory: `journey serve` to the first HTTP 200 against a bare Gradio
app started the same way in the same run, and the server's RSS with 20 open sessions.

Run: .venv/bin/python evals/bench_web.py   (prints figures; the target is < 1.5x bare Gradio)
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
BARE = """
import gradio as gr
with gr.Blocks() as demo:
    gr.Chatbot()
    gr.Textbox()
demo.launch(server_name="127.0.0.1", server_port={port}, quiet=True, ssr_mode=False)
"""
SESSIONS = 20


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_200(url: str, proc: subprocess.Popen, timeout: float = 120) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return time.perf_counter() - start
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.05)
    raise TimeoutError(url)


def start(cmd: list[str], env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def time_to_200(cmd: list[str], port: int, env: dict[str, str]) -> tuple[float, subprocess.Popen]:
    t0 = time.perf_counter()
    proc = start(cmd, env)
    wait_200(f"http://127.0.0.1:{port}/", proc)
    return time.perf_counter() - t0, proc


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()


def main() -> None:
    env = {
        **os.environ,
        "GRADIO_ANALYTICS_ENABLED": "False",
        "HF_HUB_OFFLINE": "1",
        "HF_HUB_DISABLE_TELEMETRY": "1",
        "JOURNEY_MODEL": "guided",
    }
    journey = [str(ROOT / ".venv" / "bin" / "journey"), "serve", "--port"]
    with tempfile.TemporaryDirectory(prefix="bench-web-") as tmp:
        env["JOURNEY_HOME"] = str(Path(tmp) / "home")
        bare_times, app_times = [], []
        # Warm the OS file cache once so neither side pays for the first cold import.
        port = free_port()
        _, proc = time_to_200([sys.executable, "-c", BARE.format(port=port)], port, env)
        stop(proc)
        for round_ in range(2):  # best of two; the last journey server stays up for memory
            port = free_port()
            seconds, proc = time_to_200([sys.executable, "-c", BARE.format(port=port)], port, env)
            bare_times.append(seconds)
            stop(proc)
            port = free_port()
            seconds, proc = time_to_200(journey + [str(port)], port, env)
            app_times.append(seconds)
            if round_ == 0:
                stop(proc)
        bare, app = min(bare_times), min(app_times)
        print(f"bare Gradio app, start to first HTTP 200: {bare:.2f} s")
        print(f"journey serve,   start to first HTTP 200: {app:.2f} s")
        print(f"ratio: {app / bare:.2f}x (target < 1.5x)")
        try:
            rss = memory_with_sessions(port, proc)
        finally:
            stop(proc)
        print(
            f"server RSS idle: {rss[0] / 2**20:.0f} MB; with {SESSIONS} open sessions: "
            f"{rss[1] / 2**20:.0f} MB ({(rss[1] - rss[0]) / SESSIONS / 2**20:.1f} MB per session)"
        )


def memory_with_sessions(port: int, proc: subprocess.Popen) -> tuple[int, int]:
    import huggingface_hub.constants as hub
    from gradio_client import Client

    hub.HF_HUB_OFFLINE = hub.HF_HUB_DISABLE_TELEMETRY = True  # gradio_client must not call out
    server = psutil.Process(proc.pid)
    url = f"http://127.0.0.1:{port}/"
    Client(url, verbose=False).predict("warm-up", api_name="/create_map")
    idle = server.memory_info().rss
    clients = []
    for n in range(SESSIONS):
        c = Client(url, verbose=False)
        c.predict(f"bench-{n}", api_name="/create_map")
        c.predict(f"Company {n}", [], api_name="/send")
        clients.append(c)
    return idle, server.memory_info().rss


if __name__ == "__main__":
    main()
