"""`journey eval answers`: the scorer on cases of our own, and the engine on the shared dev
corpus (../shared/answers, read in place) above the thresholds in evals/thresholds.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from assistant.cli import app
from assistant.evals.answer_cases import MapItem, default_corpus, load_cases
from assistant.evals.answer_run import run_corpus
from assistant.evals.answer_score import leaks, match_items, summarise

THRESHOLDS = Path(__file__).resolve().parents[1] / "evals" / "thresholds.yaml"

OWN_CASES = [
    {
        "id": "t-1",
        "lang": "en",
        "asked": "stage.pain_points",
        "persona": "Cyclist Cara",
        "stage": "Compare bikes",
        "stages": ["Notice", "Compare bikes", "Buy"],
        "previous": None,
        "say": "The sizing charts confuse her (high). Also delivery takes two weeks.",
        "intent": "answer",
        "expect": {
            "stage.pain_points": [
                {"text": "sizing charts confuse her", "severity": 3},
                {"text": "delivery takes two weeks"},
            ]
        },
        "not_expected": ["Also"],
    },
    {
        "id": "t-2",
        "lang": "en",
        "asked": "persona.quantitative",
        "persona": "Cyclist Cara",
        "stage": None,
        "stages": [],
        "previous": None,
        "say": "skip",
        "intent": "skip",
        "expect": {},
        "not_expected": [],
    },
]


def _item(field: str, text: str, **extra: object) -> MapItem:
    return MapItem(field, None, text, text, tuple(sorted(extra.items())))


def test_matching_follows_the_format_rules() -> None:
    added = [
        _item("stage.pain_points", "Honestly the sizing charts confuse her", severity=3),
        _item("stage.pain_points", "That's a high one", severity=2),
    ]
    expected = [("stage.pain_points", None, {"text": "sizing charts confuse her", "severity": 3})]
    found, clean, garbage, missed = match_items(expected, added)
    assert (found, clean, missed) == (1, 0, [])  # found (token set) but not clean (hedge kept)
    assert [g.text for g in garbage] == ["That's a high one"]
    wrong_score = [
        ("stage.pain_points", None, {"text": "sizing charts confuse her", "severity": 1})
    ]
    assert match_items(wrong_score, added)[0] == 0
    assert leaks(["honestly", "sizing"], added) == ["honestly", "sizing"]
    assert leaks(["honest"], added) == []  # whole words only


def test_own_cases_run_through_the_engine(tmp_path: Path) -> None:
    corpus = tmp_path / "own.yaml"
    corpus.write_text(yaml.safe_dump(OWN_CASES), encoding="utf-8")
    results = run_corpus(load_cases([corpus]))
    answer, skip = results
    assert answer.error == "" and answer.expected == 2 and answer.found == 2 and answer.garbage == 0
    assert skip.intent_ok and skip.added == 0
    row = summarise(results)["languages"]["en"]
    assert row["cases"] == 2 and row["recall"] == answer.found / 2
    out = CliRunner().invoke(app, ["eval", "answers", "--corpus", str(corpus), "--verbose"])
    assert out.exit_code == 0, out.output
    assert "per language" in out.output and "en" in out.output
    bad = CliRunner().invoke(app, ["eval", "answers", "--corpus", str(tmp_path / "none.yaml")])
    assert bad.exit_code != 0 and "Cannot read corpus" in bad.output


ANSWER_THRESHOLDS = yaml.safe_load(THRESHOLDS.read_text(encoding="utf-8"))["answers"]
SPREAD_OVER_WORKERS = True  # conftest: the corpus languages may run on different workers


@pytest.mark.skipif(not default_corpus(), reason="../shared/answers is not present")
@pytest.mark.parametrize("lang", sorted(ANSWER_THRESHOLDS))
def test_dev_corpus_stays_above_thresholds(lang: str) -> None:
    # One language per test: each language's figures come from its own cases only
    # (summarise), so the split checks the same thresholds and lets them run in parallel.
    cases = [case for case in load_cases(default_corpus()) if case.lang == lang]
    assert cases, f"no {lang} cases in the dev corpus"
    summary = summarise(run_corpus(cases))["languages"]
    failures = []
    for key, minimum in ANSWER_THRESHOLDS[lang].items():
        measured = summary[lang][key.removeprefix("min_").replace("clean", "clean")]
        if measured < minimum:
            failures.append(f"{lang} {key}: {measured} < {minimum}")
    assert failures == [], failures
