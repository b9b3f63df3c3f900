"""CI eval: `journey eval --ideas` on the shipped idea cases must stay within the thresholds
in `evals/thresholds.yaml` (`ideas:`), and on the natural-answer corpus (pain-point answers as
typed, text this check was not written for) no title may open with a fragment or a hedge."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from assistant.cli import app
from assistant.evals import idea_cases as cases_mod
from assistant.evals import idea_quality as q

ROOT = Path(__file__).resolve().parents[1]
THRESHOLDS = ROOT / "evals" / "thresholds.yaml"
ANSWERS = ROOT.parent / "shared" / "answers"


@pytest.fixture(scope="module")
def results() -> list[q.CaseResult]:
    return q.run()


def test_shipped_cases_cover_b2b_b2c_and_two_other_languages(results: list[q.CaseResult]) -> None:
    cases = {c.id: c for c in cases_mod.load_cases()}
    markets = {c.journey.context.market for c in cases.values()}
    assert markets == {"b2b", "b2c"}
    assert {r.language for r in results} >= {"en", "pl", "it"}
    assert all(r.ideas >= 3 * (r.pains - r.unclear_pains) for r in results)


def test_idea_quality_stays_within_thresholds(results: list[q.CaseResult]) -> None:
    thresholds = yaml.safe_load(THRESHOLDS.read_text(encoding="utf-8"))["ideas"]
    assert thresholds, "no ideas thresholds in evals/thresholds.yaml"
    failures = q.check(results, thresholds)
    flagged = [f"{t.format}: {t.title} {t.flags}" for r in results for t in r.titles if t.flags]
    assert failures == [], "\n".join(failures + flagged)


def test_the_check_catches_what_it_measures() -> None:
    assert q.opens_badly("Like I said: a live session", "en")
    assert q.opens_badly("Webinar: credo che sia lento", "it")
    assert q.opens_badly("Że księgowa nie odpisuje? Jedna rzecz", "pl")
    assert q.opens_badly("and dented cans? A 90-second explainer", "en")
    assert not q.opens_badly("Poll: is “dented cans” holding you back too?", "en")
    assert q.doubled("Problem „problem z fakturą”")
    assert not q.has_key_word("Three quick fixes in one post", "Reports take days", "en")
    assert q.has_key_word("Dokumenty giną przy zmianie biura", "zgubią się dokumentów", "pl")


@pytest.mark.skipif(not ANSWERS.is_dir(), reason="../shared/answers is not here")
def test_on_the_natural_answer_corpus_titles_open_cleanly() -> None:
    cases = cases_mod.answer_cases(sorted(ANSWERS.glob("*-dev.yaml")))
    assert cases
    results = [q.check_case(c) for c in cases]
    s = q.summary(results)
    assert s["fragment_share"] == 0.0 and s["doubled_share"] == 0.0 and s["cut_share"] == 0.0
    assert s["keyword_share"] >= 0.95 and s["duplicates"] == 0


def test_cli_eval_ideas(tmp_path: Path) -> None:
    out = tmp_path / "ideas.json"
    result = CliRunner().invoke(app, ["eval", "--ideas", "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert "b2c-fresh-dog-food" in result.output and "Overall:" in result.output
    assert out.is_file() and '"keyword_share"' in out.read_text(encoding="utf-8")
    empty = CliRunner().invoke(app, ["eval", "--ideas", "--scenarios", str(tmp_path)])
    assert empty.exit_code == 1 and "No idea cases" in empty.output
