"""The terminal interview end to end, through piped stdin, in every language; killed and resumed.

The language cases run the `journey` entry point in this process (tests/inprocess.py); the
kill -9 case runs a real subprocess, as only a process can be killed mid-answer."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from inprocess import journey as run_journey

from assistant import completeness, prompts
from assistant.completeness import status
from assistant.schema import JourneyMap, Stage
from assistant.store import Store

FEELINGS = {
    "en": ("frustrated", "delighted"),
    "pl": ("sfrustrowany", "zadowolony"),
    "it": ("frustrato", "felice"),
}


def script(lang: str) -> list[str]:
    """Answers for a complete interview, in the order the guided engine asks: the core, then
    the content ideas of the last stage kept, every optional field chosen and answered."""
    t = prompts.guided(lang)
    accept = t["words"]["accept"][0]
    sad, happy = FEELINGS[lang]
    if_word, then_word = t["words"]["if"][0], t["words"]["then"][0]
    lines = [
        "Acme Analytics",
        "Shop dashboards",
        "B2B",
        "content ideation",
        "Book a demo",
        "Owen",
        "Shop owner",
        "grow sales; save time",
        "no time",
        accept,
    ]
    for n in range(1, 6):  # the core of each stage
        lines += [
            f"goal {n}a, goal {n}b",
            f"ads {n} (Marketing), demo {n} (Sales)",
            f"{sad}, {happy}" if n % 2 else sad,
            f"pain {n} (high)",
        ]
    lines += [accept, t["optional"]["all"][0]]  # keep the last ideas; add every optional field
    lines += ["10-50 employees, 2% conversion", "hates long setups", "search, email", "friendly"]
    for n in range(1, 6):
        lines += [
            f"action {n}",
            f"question {n}?",
            f"thought {n}",
            f"relief {n}",
            f"milestone {n} -> call {n}",
            f"{if_word} price {n} {then_word} competitor {n}",
        ]
    return lines


def fill_stages(journey: JourneyMap) -> JourneyMap:
    """A copy with five stages, to list every gap the interview will ask."""
    copy = journey.model_copy(deep=True)
    copy.stages = [Stage(name=f"s{n}") for n in range(5)]
    return copy


def run_chat(home: Path, lang: str, lines: list[str]) -> subprocess.CompletedProcess:
    return run_journey(
        "chat",
        "--map",
        "m",
        "--lang",
        lang,
        stdin="\n".join(lines) + "\n",
        env={"JOURNEY_HOME": str(home)},
    )


@pytest.mark.parametrize("lang", ["en", "pl", "it"])
def test_complete_five_stage_interview_through_piped_stdin(tmp_path, lang):
    done = prompts.guided(lang)["words"]["done"][0]
    proc = run_chat(tmp_path, lang, [*script(lang), done])
    assert proc.returncode == 0, proc.stderr
    journey = Store(tmp_path / "journey.sqlite3").load("m")
    st = status(journey)
    assert st.complete and st.percent == 100, st.sections
    assert [s.name for s in journey.stages] == prompts.guided(lang)["default_stages"]
    stage = journey.stages[0]
    assert [(t.text, t.department) for t in stage.touchpoints] == [
        ("ads 1", "Marketing"),
        ("demo 1", "Sales"),
    ]
    assert [e.score for e in stage.emotions] == [-1, 2]
    assert journey.stages[1].emotions[0].score == -1
    assert stage.pain_points[0].severity == 3
    assert stage.milestones[0].trigger == "call 1"
    point = stage.decision_points[0]
    assert (point.condition, point.likely_action) == ("price 1", "competitor 1")
    assert "100% complete" in proc.stdout
    assert "Traceback" not in proc.stderr


def test_end_of_input_saves_and_says_how_to_resume(tmp_path):
    proc = run_chat(tmp_path, "en", ["Acme"])
    assert proc.returncode == 0
    assert "journey chat --map m" in proc.stdout
    assert Store(tmp_path / "journey.sqlite3").load("m").context.company == "Acme"


def test_sigkill_mid_interview_loses_no_accepted_change(tmp_path):
    env = {**os.environ, "JOURNEY_HOME": str(tmp_path)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant.cli", "chat", "--map", "k"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stdin and proc.stdout
    answers = script("en")
    confirmed = 0

    def wait_for_progress() -> None:
        for line in proc.stdout:  # type: ignore[union-attr]
            if line.startswith("[") and "% complete" in line:
                return
        raise AssertionError("chat ended early")

    wait_for_progress()  # the opening question
    for answer in answers[:20]:
        proc.stdin.write(answer + "\n")
        proc.stdin.flush()
        wait_for_progress()
        confirmed += 1
    proc.stdin.write(answers[20] + "\n")  # killed while (maybe) handling this one
    proc.stdin.flush()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    journey = Store(tmp_path / "journey.sqlite3").load("k")
    assert journey.context.company == "Acme Analytics"
    assert [g.text for g in journey.persona.goals] == ["grow sales", "save time"]
    assert [g.text for g in journey.stages[0].goals] == ["goal 1a", "goal 1b"]
    assert journey.stages[1].pain_points[0].text == "pain 2"  # answer 18 of 20
    # answer 21 may or may not have landed: resume from the core gap the map says is next
    gaps = [k for k, _ in completeness.gap_order(fill_stages(journey), include_optional=False)]
    start = gaps.index(status(journey).next_gap)
    assert start in (confirmed, confirmed + 1)
    proc2 = run_journey(  # resumed from what is on disk, in this process
        "chat", "--map", "k", stdin="\n".join(answers[start:]) + "\ndone\n", env=env
    )
    assert proc2.returncode == 0, proc2.stderr
    assert "Welcome back" in proc2.stdout
    journey = Store(tmp_path / "journey.sqlite3").load("k")
    assert status(journey).complete, status(journey).sections
