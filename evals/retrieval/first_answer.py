"""A new workspace's first answer: how long "what is a touchpoint?" takes in a fresh workspace
of a fresh process, once the installation's card index is cached (any earlier workspace, or
the warm-up of `journey serve`/`journey chat`, built it).

    .venv/bin/python -m evals.retrieval.first_answer

Each case runs in its own interpreter: imports are timed apart, then the clock runs from
`open_session` on a new workspace to the reply to the question (the guided engine answers it
from the best card, with its citation).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
QUESTIONS = {
    "en": "what is a touchpoint?",
    "pl": "co to jest punkt styku?",
    "it": "cos'è un punto di contatto?",
}

_CASE = """
import json, sys, time
t0 = time.perf_counter()
from assistant.session import open_session
t1 = time.perf_counter()
session = open_session(map="first", home=sys.argv[1], lang=sys.argv[2], model="guided")
session.start()
t2 = time.perf_counter()
reply = session.send(sys.argv[3])
t3 = time.perf_counter()
print(json.dumps({"imports": t1 - t0, "open": t2 - t1, "answer": t3 - t2,
                  "cited": bool(reply.citations), "text": reply.text[:80]}))
"""

_WARM = """
import sys
from assistant.retrieval import KnowledgeBase
from assistant.settings import Settings
kb = KnowledgeBase(Settings(home=sys.argv[1]))
kb.ensure_index()
kb.index.lemma_tables(None)
"""


def run(code: str, *args: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


def main() -> None:
    """Print the first-answer time per language in a new workspace (warm installation cache)."""
    import os

    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "JOURNEY_CACHE_DIR": str(Path(tmp) / "cache"),
            "PYTHONPATH": str(ROOT),
            "JOURNEY_MODEL": "guided",
        }
        run(_WARM, str(Path(tmp) / "earlier-workspace"), env=env)
        print("First answer in a new workspace (fresh process, card index already cached):")
        for language, question in QUESTIONS.items():
            home = str(Path(tmp) / f"new-{language}")
            m = json.loads(run(_CASE, home, language, question, env=env))
            print(
                f"  {language}: open_session + opening {m['open'] * 1000:.0f} ms, "
                f"answer to {question!r} {m['answer'] * 1000:.0f} ms "
                f"(cited: {m['cited']}); imports before it {m['imports']:.1f} s"
            )


if __name__ == "__main__":
    main()
