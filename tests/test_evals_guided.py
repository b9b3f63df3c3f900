"""CI eval: the guided engine interviews every shipped scenario's simulated user and must stay
above the thresholds in `evals/thresholds.yaml` (real engine, real store, tmp workspaces)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.evals.report import to_markdown
from assistant.evals.results import EvalRun, check, load_thresholds
from assistant.evals.runner import run_all
from assistant.evals.scenario import default_folder, load_scenarios
from assistant.settings import get_settings

THRESHOLDS = Path(__file__).resolve().parents[1] / "evals" / "thresholds.yaml"


@pytest.fixture(scope="module")
def guided_run(tmp_path_factory: pytest.TempPathFactory) -> EvalRun:
    home = tmp_path_factory.mktemp("eval-home")
    settings = get_settings(home=home, model="guided")
    return run_all(load_scenarios(default_folder()), settings=settings)


def test_every_shipped_scenario_runs(guided_run: EvalRun) -> None:
    problems = [f"{r.id}: {r.status} {r.reason}" for r in guided_run.results if r.status != "ok"]
    assert problems == []
    assert guided_run.summary.ran == len(guided_run.results) >= 10


def test_guided_evals_stay_above_thresholds(guided_run: EvalRun) -> None:
    thresholds = load_thresholds(THRESHOLDS, "guided")
    assert thresholds, "no guided thresholds in evals/thresholds.yaml"
    failures = check(guided_run, thresholds)
    report = to_markdown(guided_run, details=3)
    assert failures == [], "\n".join(failures) + "\n\n" + report


@pytest.fixture(scope="module")
def natural_run(tmp_path_factory: pytest.TempPathFactory) -> EvalRun:
    home = tmp_path_factory.mktemp("eval-home-natural")
    settings = get_settings(home=home, model="guided")
    return run_all(load_scenarios(default_folder()), settings=settings, user="natural")


def test_natural_user_evals_stay_above_thresholds(natural_run: EvalRun) -> None:
    assert natural_run.summary.user == "natural" and natural_run.summary.ran >= 10
    thresholds = load_thresholds(THRESHOLDS, "natural")
    assert thresholds, "no natural thresholds in evals/thresholds.yaml"
    failures = check(natural_run, thresholds)
    report = to_markdown(natural_run, details=3)
    assert failures == [], "\n".join(failures) + "\n\n" + report
