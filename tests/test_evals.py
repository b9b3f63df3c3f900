"""The eval machinery: scenario format, simulated users, metrics, report and the CLI.

Everything runs the real guided engine in a tmp workspace; the LLM-played user is driven by
LangChain's fake chat model (no network)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from typer.testing import CliRunner

from assistant.cli import app
from assistant.evals import fuzzy
from assistant.evals.metrics import invented, recall
from assistant.evals.phrasing import Phrasebook
from assistant.evals.report import to_markdown
from assistant.evals.results import EvalRun, check, summarise
from assistant.evals.runner import run_all, run_scenario
from assistant.evals.scenario import ScenarioError, default_folder, load_scenario, load_scenarios
from assistant.evals.users import LLMUser, ScriptedUser
from assistant.evals.wording import gap_from_wording
from assistant.session import open_session
from assistant.settings import get_settings

SMALL = {
    "id": "small-shop",
    "language": "en",
    "style": "terse",
    "description": "one stage, a few facts",
    "context": {"company": "Acme Tea", "product": "Loose leaf tea", "market": "b2c"},
    "persona": {"name": "Tom the tea lover", "goals": ["Find rare teas", "Learn brewing"]},
    "stages": [
        {
            "name": "Discover the shop",
            "touchpoints": [{"text": "Instagram reels", "department": "Marketing"}],
            "emotions": [{"text": "curious", "score": 1}],
            "pain_points": [{"text": "Shipping cost hidden until checkout", "severity": 3}],
            "decision_points": [
                {
                    "condition": "if shipping is expensive",
                    "likely_action": "he buys at the supermarket",
                    "competitor_risk": "high",
                }
            ],
        }
    ],
}


def small(tmp_path: Path, **changes: object) -> Path:
    folder = tmp_path / "scenarios"
    folder.mkdir(exist_ok=True)
    data = {**SMALL, **changes}
    path = folder / f"{data['id']}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("JOURNEY_HOME", str(tmp_path / "home"))
    return get_settings(home=tmp_path / "home", model="guided")


# scenarios -----------------------------------------------------------------------------------
def test_shipped_scenarios_cover_the_issue() -> None:
    scenarios = load_scenarios(default_folder())
    assert len(scenarios) >= 10
    assert {s.language for s in scenarios} == {"en", "pl", "it"}
    assert sum(s.language == "pl" for s in scenarios) >= 2
    assert sum(s.language == "it" for s in scenarios) >= 2
    assert {s.style for s in scenarios} >= {
        "terse",
        "verbose",
        "rambling",
        "unsure",
        "corrects_itself",
        "off_topic",
        "multi_answer",
    }


def test_a_broken_scenario_names_the_file_and_the_field(tmp_path: Path) -> None:
    path = small(tmp_path, style="shouty")
    with pytest.raises(ScenarioError, match=r"small-shop\.yaml: style"):
        load_scenario(path)
    path.write_text("- just a list\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="mapping"):
        load_scenario(path)


def test_duplicate_ids_and_unknown_ids_are_refused(tmp_path: Path) -> None:
    first = small(tmp_path)
    (first.parent / "copy.yaml").write_text(first.read_text(), encoding="utf-8")
    with pytest.raises(ScenarioError, match="also used by"):
        load_scenarios(first.parent)
    (first.parent / "copy.yaml").unlink()
    with pytest.raises(ScenarioError, match="Unknown scenario"):
        load_scenarios(first.parent, ["nope"])


# phrasing and the scripted user ------------------------------------------------------------------
def test_brief_items_use_the_engine_grammar_in_each_language(tmp_path: Path) -> None:
    scenario = load_scenario(small(tmp_path))
    en = Phrasebook("en")
    assert en.items(scenario, "stage:1:touchpoints") == ["Instagram reels (Marketing)"]
    assert en.items(scenario, "stage:1:emotions") == ["curious (+1)"]
    assert en.items(scenario, "stage:1:pain_points") == [
        "Shipping cost hidden until checkout (high)"
    ]
    assert en.items(scenario, "stage:1:decision_points") == [
        "If shipping is expensive, then he buys at the supermarket (high)"
    ]
    assert en.items(scenario, "context:market") == ["B2C"]
    assert en.items(scenario, "persona:role") == []
    pl = Phrasebook("pl")
    assert pl.items(scenario, "stage:1:decision_points")[0].startswith(
        pl.words["if"][0].capitalize()
    )
    for lang in ("en", "pl", "it"):
        book = Phrasebook(lang)
        rename = book.command("rename_stage", ref="2", name="Compare offers")
        assert rename is not None and "Compare offers" in rename
        assert book.dont_know().casefold() == book.words["dont_know"][0].casefold()


def test_scripted_user_says_i_dont_know_for_what_the_brief_lacks(tmp_path: Path, settings) -> None:
    scenario = load_scenario(small(tmp_path))
    session = open_session(map="x", new=True, settings=settings)
    user = ScriptedUser(scenario, Phrasebook("en"))
    reply = session.start()
    assert reply.gap == "context:company"
    said = []
    for _ in range(5):
        said.append(user.answer(reply, session.map) or "")
        reply = session.send(said[-1])
    assert said == ["Acme Tea", "Loose leaf tea", "B2C", "I don't know", "I don't know"]
    assert reply.gap == "persona:name"  # purpose and destination were skipped
    assert "context:purpose" in session.map.skipped
    assert session.map.context.market == "b2c"


def test_multi_answer_fills_a_whole_section_in_one_turn(tmp_path: Path, settings) -> None:
    scenario = load_scenario(small(tmp_path, style="multi_answer"))
    session = open_session(map="x", new=True, settings=settings)
    user = ScriptedUser(scenario, Phrasebook("en"))
    message = user.answer(session.start(), session.map)
    assert message is not None and message.startswith("company: Acme Tea; product:")
    reply = session.send(message)
    journey = session.map
    assert (journey.context.company, journey.context.market) == ("Acme Tea", "b2c")
    assert reply.gap == "context:purpose"


def test_corrects_itself_renames_the_draft_stage(tmp_path: Path, settings) -> None:
    stages = [dict(SMALL["stages"][0]), {"name": "Buy the first tin"}]  # type: ignore[index]
    scenario = load_scenario(small(tmp_path, style="corrects_itself", stages=stages))
    result = run_scenario(scenario, settings=settings)
    assert result.status == "ok" and result.metrics is not None
    users = [t.user for t in result.transcript]
    assert "Discover the shop, Stage two" in users
    assert "rename stage 2 to Buy the first tin" in users
    assert result.metrics.recall_by_part["stages"] == 1.0


def test_off_topic_remark_recorded_as_an_answer_is_counted_and_undone(tmp_path: Path, settings):
    scenario = load_scenario(small(tmp_path, style="off_topic"))
    result = run_scenario(scenario, settings=settings)
    assert result.metrics is not None
    kinds = [t.kind for t in result.transcript]
    assert "aside" in kinds
    assert result.metrics.asides_recorded == sum(
        1
        for i, t in enumerate(result.transcript[:-1])
        if t.kind == "aside" and t.recorded and result.transcript[i + 1].user == "Undo"
    )
    assert result.metrics.invented == 0  # every recorded remark was undone


def test_wording_of_a_question_gives_its_gap(settings) -> None:
    session = open_session(map="x", new=True, settings=settings)
    session.tools.call("set_stages", {"names": ["Look around", "Compare offers"]})
    journey = session.map
    book = Phrasebook("en")
    engine = session.engine
    for gap in (
        "stage:2:touchpoints",
        "stage:1:pain_points",
        "context:product",
        "persona:channels",
        "stage:2:milestones",
    ):
        question = engine.question(session, gap).splitlines()[0]  # type: ignore[attr-defined]
        assert gap_from_wording(question, journey, book) == gap, question
    assert gap_from_wording("How are you today?", journey, book) is None


# metrics -------------------------------------------------------------------------------------
def test_fuzzy_token_set_similarity() -> None:
    assert fuzzy.similarity("LinkedIn ads", "Well, mostly LinkedIn ads") == 1.0
    assert fuzzy.matches("zaniepokojony", "zaniepokojona")
    assert not fuzzy.matches("Pricing hidden", "Transparent price per endpoint")
    assert fuzzy.similarity("price unclear", "price is unclear") == 1.0
    assert fuzzy.similarity("Pricing hidden", "Transparent price per endpoint", 0.8) == 0.0
    assert fuzzy.BACKEND.startswith("rapidfuzz ")


def test_recall_and_invented_on_a_known_map(tmp_path: Path, settings) -> None:
    scenario = load_scenario(small(tmp_path))
    session = open_session(map="x", new=True, settings=settings)
    tools = session.tools
    tools.call("set_context", {"company": "Acme Tea", "product": "Teapots"})
    tools.call("set_stages", {"names": ["Discover the shop"]})
    tools.call(
        "add_stage_items",
        {
            "stage": "1",
            "field": "touchpoints",
            "items": [{"text": "Instagram reels", "department": "Sales"}],
        },
    )
    tools.call(
        "add_stage_items",
        {"stage": "1", "field": "emotions", "items": [{"text": "curious", "score": 1}]},
    )
    words = ["if"]
    result = recall(scenario, session.map, words)
    # brief: company, product, market, persona name, 2 goals, 1 stage, tp, emotion, pain, decision
    assert result.total == 11
    assert result.recalled == 4  # company, stage name, touchpoint, emotion
    assert (result.detail_checked, result.detail_correct) == (2, 1)  # wrong department
    assert invented(scenario, session.map, words) == ["context:product: Teapots"]


def test_ideas_and_citations_are_measured_from_a_guided_run(tmp_path: Path, settings) -> None:
    scenario = load_scenario(small(tmp_path))
    result = run_scenario(scenario, settings=settings)
    m = result.metrics
    assert m is not None and m.completed
    journey_pains = m.pain_points
    assert journey_pains == 1
    assert m.ideas >= 1 and m.ideas_per_pain == m.ideas / journey_pains
    assert m.ideas_linked_share == 1.0
    assert 0 < m.cited_share <= 1
    assert m.recall == 1.0 and m.invented == 0 and m.errors == 0


# LLM-played user -----------------------------------------------------------------------------
def test_llm_user_plays_the_brief_through_a_chat_model(tmp_path: Path, settings) -> None:
    scenario = load_scenario(small(tmp_path))
    model = FakeListChatModel(responses=["Acme Tea", "Loose leaf tea", "B2C"])
    result = run_scenario(scenario, settings=settings, user_model=model, max_turns=3)
    assert [t.user for t in result.transcript] == ["Acme Tea", "Loose leaf tea", "B2C"]
    assert result.metrics is not None and result.metrics.recalled == 3
    assert not result.metrics.completed
    user = LLMUser(load_scenario(small(tmp_path, language="pl")), model, Phrasebook("pl"))
    system = str(user.messages[0].content)
    assert "Acme Tea" in system and "Polish" in system
    assert Phrasebook("pl").dont_know() in system


# report, thresholds, CLI -------------------------------------------------------------------------
def test_report_thresholds_and_json(tmp_path: Path, settings) -> None:
    scenario = load_scenario(small(tmp_path, id="pipe-shop", description="a | b"))
    run = run_all([scenario], settings=settings)
    assert run.summary.ran == 1
    text = to_markdown(run)
    assert "| pipe-shop | en | terse | ok | 100%" in text
    assert check(run, {"min_recall": 0.9, "scenario_max_invented": 0}) == []
    failures = check(run, {"min_recall": 1.5, "scenario_max_user_turns": 1})
    assert len(failures) == 2 and "below the minimum" in failures[0]
    with pytest.raises(ValueError, match="Bad threshold key"):
        check(run, {"recall": 1})
    again = EvalRun.model_validate_json(run.model_dump_json())
    assert again.summary == summarise(again.results, "guided", "scripted", fuzzy.BACKEND)


def test_cli_eval_prints_a_table_and_writes_reports(tmp_path: Path, settings) -> None:
    folder = small(tmp_path).parent
    out_json, out_md = tmp_path / "out" / "run.json", tmp_path / "out" / "report.md"
    result = CliRunner().invoke(
        app,
        ["eval", "--scenarios", str(folder), "--json", str(out_json), "--report", str(out_md)],
    )
    assert result.exit_code == 0, result.output
    assert "small-shop" in result.output and "recall" in result.output
    # both simulated users: the scripted regression check and the natural one
    assert "scripted user" in result.output and "natural user" in result.output
    data = json.loads(out_json.read_text())
    assert data["scripted"]["results"][0]["metrics"]["recall"] == 1.0
    assert data["natural"]["summary"]["user"] == "natural"
    assert out_md.read_text().startswith("# Journey assistant evals")
    bad = CliRunner().invoke(app, ["eval", "--scenarios", str(tmp_path / "none")])
    assert bad.exit_code == 1 and "scenario folder" in " ".join(bad.output.split())
    bad = CliRunner().invoke(app, ["eval", "--scenarios", str(folder), "--lang", "de"])
    assert bad.exit_code == 1
