"""Content ideas: the deterministic generator, the idea lists (goldens) and `journey ideas`."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.cli.ideas_run import parse_formats
from assistant.ideas import (
    dedupe,
    generate,
    idea_lists,
    phases,
    to_csv,
    to_markdown,
)
from tests.ideas_fixtures import ideas_map, stored_session
from tools.ideas import propose, top_up

GOLDENS = Path(__file__).parent / "goldens"
UPDATE = os.environ.get("UPDATE_GOLDENS") == "1"


def _golden(name: str, text: str) -> None:
    path = GOLDENS / name
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


# phases ------------------------------------------------------------------------------------
def test_default_stages_map_to_phases() -> None:
    names = [s.name for s in ideas_map().stages]
    found = [phases.stage_phases(n, i, len(names)) for i, n in enumerate(names)]
    assert [f.primary for f in found] == [
        "awareness",
        "consideration",
        "decision",
        "onboarding",
        "loyalty",
    ]
    assert "consideration" in found[2].secondary  # "Compare and decide"
    assert "purchase" in found[3].secondary  # "Buy and get started"


def test_position_decides_when_the_name_says_nothing() -> None:
    assert phases.stage_phases("Step A", 0, 3).primary == "awareness"
    assert phases.stage_phases("Step B", 1, 3).primary == "decision"
    assert phases.stage_phases("Step C", 2, 3).primary == "loyalty"
    assert phases.stage_phases("Porównanie ofert", 1, 5).primary == "consideration"
    assert phases.stage_phases("Acquisto", 3, 5).primary == "purchase"


def test_every_format_has_a_card_with_fitting_phases() -> None:
    cards = phases.format_cards()
    assert set(cards) == set(parse_formats(",".join(cards)) or [])
    assert len(cards) == 11
    assert all(c.fits and c.card_id.startswith("format-") for c in cards.values())


# generator ---------------------------------------------------------------------------------
def test_every_pain_point_gets_three_distinct_fitting_ideas() -> None:
    journey = ideas_map()
    plans = generate(journey)
    pains = {p.id for s in journey.stages for p in s.pain_points}
    counted = 0
    for plan in plans:
        fit = phases.fitting_formats(plan.phases)
        if not plan.stage.pain_points:
            assert plan.note == "no_pain_points" and plan.drafts == []
            continue
        for group in plan.pains:
            assert len(group.drafts) == 3
            assert len({d.format for d in group.drafts}) == 3  # distinct formats first
            counted += 1
        for draft in plan.drafts:
            assert draft.format in fit, (plan.stage.name, draft.format)
            assert draft.pain_point_id in {p.id for p in plan.stage.pain_points}
            assert draft.card_id == phases.format_cards()[draft.format].card_id
            assert f"card:{draft.card_id}" in draft.evidence
    assert counted == len(pains) == 5
    titles = [d.title for p in plans for d in p.drafts]
    assert len(titles) == len(set(titles))
    for a in titles:
        assert sum(dedupe.same(a, b) for b in titles) == 1


def test_ideas_use_the_pain_points_wording_and_the_map() -> None:
    plan = generate(ideas_map(), stage=2)[0]
    pricing = plan.pains[0]
    assert pricing.pain.id == "pain-21"  # most severe first
    assert all("pricing is unclear" in d.title.casefold() for d in pricing.drafts)
    # the stage's own question wins over the generic one when it shares words
    assert pricing.drafts[0].question == "Why is pricing so unclear for BI tools?"
    email = generate(ideas_map(), stage=4)[0].drafts
    assert all(d.cta == "First dashboard live" for d in email)  # the stage's milestone
    series = [d for d in email if d.format == "email_series"]
    assert series and series[0].channel == "email newsletters"  # the persona's own channel
    assert "welcome series" in series[0].title  # the onboarding pattern outranks the generic


def test_format_filter_and_stage_without_fitting_formats() -> None:
    plans = generate(ideas_map(), formats=["blog_post"])
    by_stage = {p.number: p for p in plans}
    assert by_stage[1].note is None
    assert {d.format for d in by_stage[1].drafts} == {"blog_post"}
    assert all(len(g.drafts) == 3 for g in by_stage[1].pains)  # three blog angles
    assert by_stage[4].note == "no_formats"  # onboarding: no blog posts


def test_saved_ideas_are_not_proposed_again_and_top_up_fills_gaps(home: Path) -> None:
    session = stored_session(home)
    first = [d.title for d in generate(session.map, stage=2)[0].drafts]
    saved = propose(session.tools, generate(session.map, stage=2)[0].drafts)
    assert len(saved.ids) == 6 and not saved.errors
    stage = session.map.stages[1]
    assert all(
        i.status == "proposed" and i.provenance.source.value == "assistant"
        for i in stage.content_ideas
    )
    again = [d.title for d in generate(session.map, stage=2)[0].drafts]
    assert again and not set(again) & set(first)
    assert generate(session.map, stage=2, top_up=True)[0].drafts == []
    session.tools.call("set_idea_status", {"item_ids": saved.ids[:1], "status": "rejected"})
    refill = generate(session.map, stage=2, top_up=True)[0].drafts
    assert len(refill) == 1 and refill[0].title not in first
    assert refill[0].pain_point_id == session.map.find_item(saved.ids[0])[1].pain_point_id  # type: ignore[attr-defined]
    assert len(propose(session.tools, refill).ids) == 1
    assert len(top_up(session.tools).ids) == 9  # stage 1 (2 pains) and stage 4 (1 pain)


def test_a_bad_link_is_refused_by_the_tool_and_reported(home: Path) -> None:
    session = stored_session(home)
    draft = generate(session.map, stage=2)[0].drafts[0]
    draft.pain_point_id = "pain-11"  # a pain point of another stage
    saved = propose(session.tools, [draft])
    assert saved.ids == [] and "not on stage" in saved.errors[0]
    assert session.map.stages[1].content_ideas == []


# idea lists --------------------------------------------------------------------------------
def _filled(home: Path):  # type: ignore[no-untyped-def]
    session = stored_session(home)
    saved = top_up(session.tools)
    assert len(saved.ids) == 15
    session.tools.call("set_idea_status", {"item_ids": saved.ids[:1], "status": "accepted"})
    session.tools.call("set_idea_status", {"item_ids": saved.ids[1:2], "status": "rejected"})
    return session


def test_markdown_and_csv_goldens(home: Path) -> None:
    session = _filled(home)
    journey = session.map
    lists = idea_lists(journey)
    _golden("ideas.md", to_markdown(journey, lists))
    text = to_csv(journey, lists)
    _golden("ideas.csv", text)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == [
        "stage",
        "pain point",
        "format",
        "title",
        "angle",
        "CTA",
        "channel",
        "status",
    ]
    assert len(rows) == 14  # the rejected idea is left out
    assert {r["status"] for r in rows} == {"accepted", "proposed"}


def test_markdown_escapes_user_text(home: Path) -> None:
    session = stored_session(home)
    session.tools.call(
        "add_stage_items",
        {"stage": "3", "field": "pain_points", "items": ["<script>alert(1)</script> pricing"]},
    )
    top_up(session.tools, stage=3)
    text = to_markdown(session.map, idea_lists(session.map, stage=3))
    assert "<script>" not in text and "&lt;script&gt;" in text


# CLI ---------------------------------------------------------------------------------------
def test_cli_ideas_end_to_end(home: Path, tmp_path: Path) -> None:
    stored_session(home)
    runner = CliRunner()
    out = tmp_path / "calendar.csv"
    result = runner.invoke(app, ["ideas", "acme", "-o", str(out), "--home", str(home)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    assert len(rows) == 15
    per_pain: dict[str, int] = {}
    for row in rows:
        per_pain[row["pain point"]] = per_pain.get(row["pain point"], 0) + 1
    assert set(per_pain.values()) == {3}
    # a second run adds nothing and prints the same list as Markdown on stdout
    again = runner.invoke(app, ["ideas", "acme", "--stage", "2", "--home", str(home)])
    assert again.exit_code == 0
    assert "## 2. Look for options (consideration)" in again.stdout
    assert "Proposed" not in again.output
    assert again.stdout.count("### Pain point:") == 2
    blog = runner.invoke(
        app, ["ideas", "acme", "-s", "4", "--format", "blog,email", "-n", "4", "--home", str(home)]
    )
    assert blog.exit_code == 0
    assert "**Blog post**" not in blog.stdout and "**Email**" in blog.stdout


def test_cli_ideas_stage_without_pain_points_says_so(home: Path) -> None:
    stored_session(home)
    result = CliRunner().invoke(app, ["ideas", "acme", "--stage", "3", "--home", str(home)])
    assert result.exit_code == 0
    assert "No pain points recorded for this stage yet" in result.stdout
    assert "1." not in result.stdout.split("## 3.")[1]


@pytest.mark.parametrize(
    "args, message",
    [
        (["ideas", "nope"], "No map named 'nope'"),
        (["ideas", "acme", "--stage", "9"], "No stage '9'"),
        (["ideas", "acme", "--format", "blog,poster"], "Unknown format(s): poster"),
    ],
)
def test_cli_ideas_bad_input(home: Path, args: list[str], message: str) -> None:
    stored_session(home)
    result = CliRunner().invoke(app, [*args, "--home", str(home)])
    assert result.exit_code == 1
    assert message in result.output
    assert Path(home / "nope").exists() is False


def test_parse_formats_aliases() -> None:
    assert parse_formats("blog, email,white paper") == ["blog_post", "email", "white_paper"]
    assert parse_formats("") is None
