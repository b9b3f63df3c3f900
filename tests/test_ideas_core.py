"""Ideas built from the pain point's core, the purpose's format mix, ideas following their pain
point, and the content calendar (.ics through icalendar, dated CSV and Markdown)."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from icalendar import Calendar
from typer.testing import CliRunner

from assistant.cli import app
from assistant.ideas import generate, idea_lists
from assistant.ideas.calendar import parse_quarter, schedule, to_ics
from assistant.ideas.core import pain_core
from assistant.ideas.mix import format_mix, purpose_formats
from tests.ideas_fixtures import ideas_map, stored_session
from tools.ideas import top_up


# the core -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "language, typed, core",
    [
        ("en", "Like I said, pricing pages hide the real cost", "pricing pages hide the real cost"),
        ("en", "And dented cans?", "dented cans"),
        (
            "en",
            "Honestly the big one is returns - nobody explains them. That's a high one.",
            "returns - nobody explains them",
        ),
        ("en", "Uploading the logo is a nightmare (high).", "Uploading the logo"),
        (
            "en",
            "the invoice PDF confuses people too, but that's minor",
            "the invoice PDF confuses people",
        ),
        (
            "en",
            "I think the onboarding call comes too late, which is dumb",
            "the onboarding call comes too late",
        ),
        ("pl", "Że kurier nie dzwoni przed dostawą (wysoki)", "kurier nie dzwoni przed dostawą"),
        ("pl", "Chyba to, że regulamin jest za długi", "regulamin jest za długi"),
        ("pl", "No i formularz gubi dane, to jest duży problem", "formularz gubi dane"),
        ("it", "Credo che il checkout sia lento, tipo", "il checkout è lento"),
        (
            "it",
            "Come dicevo, la fattura arriva in ritardo. Un incubo.",
            "la fattura arriva in ritardo",
        ),
        (
            "it",
            "E poi le spese di spedizione nascoste, è un problema grosso",
            "le spese di spedizione nascoste",
        ),
    ],
)
def test_pain_core_strips_lead_ins_hedges_and_remarks(language: str, typed: str, core: str) -> None:
    assert pain_core(typed, language).text == core


@pytest.mark.parametrize("typed", ["Like I said", "Credo", "Honestly. That's a big one."])
def test_a_pain_point_with_no_core_gets_no_ideas_and_a_note(typed: str) -> None:
    journey = ideas_map()
    journey.stages[0].pain_points[0].text = typed
    language = "it" if typed == "Credo" else "en"
    journey.language = language  # type: ignore[assignment]
    group = generate(journey, stage=1)[0].pains[0]
    assert group.drafts == [] and group.note == "unclear"


def test_a_long_core_is_cut_at_a_clause_boundary_never_mid_phrase() -> None:
    text = (
        "Too many vendors claiming zero-touch patching, hard to tell who is real "
        "and who is just marketing"
    )
    assert pain_core(text).text == "Too many vendors claiming zero-touch patching"
    unbroken = "x" * 30 + " " + "y" * 60
    assert pain_core(unbroken).text == unbroken  # no boundary: whole, never cut


def test_titles_never_open_with_a_lead_in_nor_double_a_word() -> None:
    journey = ideas_map()
    journey.stages[0].pain_points[0].text = "Like I said, the the export fails"
    journey.stages[0].pain_points[1].text = "And honestly I think reports are slow"
    for draft in generate(journey, stage=1)[0].drafts:
        assert not draft.title.casefold().startswith(("like i said", "and", "honestly", "i think"))
        assert "the the" not in draft.title.casefold()
        assert draft.title[:1].isupper()


def test_the_customer_question_leads_a_title_and_belongs_to_its_pain_point() -> None:
    plan = generate(ideas_map(), stage=2, per_pain=6)[0]
    pricing, tools = plan.pains
    asked = "Why is pricing so unclear for BI tools?"
    assert {d.question for d in pricing.drafts} == {asked}
    assert any(d.title.startswith(asked) for d in pricing.drafts)
    # "tools" is in that question too, but the question is about pricing
    assert all(d.question == "" and not d.title.startswith(asked) for d in tools.drafts)


# the format mix -----------------------------------------------------------------------------
def test_purpose_names_the_formats_in_any_language() -> None:
    assert purpose_formats("ideas for the blog and the email newsletter") == ("blog_post", "email")
    assert purpose_formats("treści na bloga i do newslettera") == ("blog_post", "email")
    assert purpose_formats("webinar e white paper per i CIO") == ("webinar", "white_paper")
    assert purpose_formats("a guided ideation session") == ()


def test_blog_and_newsletter_purpose_gives_mostly_blog_posts_and_emails() -> None:
    journey = ideas_map()
    journey.context.purpose = "ideas for the blog and the email newsletter"
    drafts = [d for plan in generate(journey) for d in plan.drafts]
    share = sum(d.format in ("blog_post", "email") for d in drafts) / len(drafts)
    assert share >= 2 / 3
    # without the purpose the same map gets far fewer
    plain = [d for plan in generate(ideas_map()) for d in plan.drafts]
    assert sum(d.format in ("blog_post", "email") for d in plain) / len(plain) < share - 0.3


def test_a_b2b_it_buyer_gets_white_papers_and_webinars_first() -> None:
    journey = ideas_map()  # B2B, an IT decision maker
    assert format_mix(journey).bonus["white_paper"] >= 2
    consideration = generate(journey, stage=2)[0]
    firsts = {group.drafts[0].format for group in consideration.pains}
    assert firsts <= {"white_paper", "webinar"}
    journey.context.market = "b2c"
    journey.persona.role = "first-time dog owner"
    consumer = generate(journey, stage=2)[0]
    assert all(d.format != "white_paper" for d in consumer.drafts)


# ideas follow their pain point ----------------------------------------------------------------
def _ideas_of(session, pain_id: str):  # type: ignore[no-untyped-def]
    return [i for s in session.map.stages for i in s.content_ideas if i.pain_point_id == pain_id]


def test_editing_a_pain_point_regenerates_proposals_and_flags_accepted(home: Path) -> None:
    session = stored_session(home)
    top_up(session.tools, stage=2)
    ideas = _ideas_of(session, "pain-21")
    assert len(ideas) == 3
    session.tools.call("set_idea_status", {"item_ids": [ideas[0].id], "status": "accepted"})
    old_proposed = {i.id for i in ideas[1:]}
    result = session.tools.call(
        "update_item", {"item_id": "pain-21", "text": "Setup fees are hidden until the contract"}
    )
    assert result.ok
    after = _ideas_of(session, "pain-21")
    accepted = [i for i in after if i.status == "accepted"]
    proposed = [i for i in after if i.status == "proposed"]
    assert [i.id for i in accepted] == [ideas[0].id]
    assert accepted[0].pain_change is not None
    assert accepted[0].pain_change.kind == "edited"
    assert accepted[0].pain_change.was == "Pricing is unclear"
    assert len(proposed) == 2 and not {i.id for i in proposed} & old_proposed
    # the change's typed result reports the withdrawn and the new ideas as data
    assert set(result.removed) >= old_proposed and set(result.added) >= {i.id for i in proposed}
    assert all("setup fees are hidden" in i.text.casefold() for i in proposed)
    # a severity change leaves the ideas alone
    session.tools.call("update_item", {"item_id": "pain-21", "severity": 1})
    assert {i.id for i in _ideas_of(session, "pain-21")} == {i.id for i in after}
    # undo reverts the severity, then the edit: old wording and old proposals come back together
    assert session.tools.call("undo_last_change", {}).ok
    assert session.tools.call("undo_last_change", {}).ok
    assert {i.id for i in _ideas_of(session, "pain-21")} == {i.id for i in ideas}
    assert session.map.find_item("pain-21")[1].text == "Pricing is unclear"


def test_removing_a_pain_point_withdraws_its_proposals_and_keeps_accepted(home: Path) -> None:
    session = stored_session(home)
    top_up(session.tools, stage=1)
    ideas = _ideas_of(session, "pain-11")
    session.tools.call("set_idea_status", {"item_ids": [ideas[0].id], "status": "accepted"})
    session.tools.call("set_idea_status", {"item_ids": [ideas[1].id], "status": "rejected"})
    assert session.tools.call("remove_item", {"item_ids": ["pain-11"]}).ok
    left = _ideas_of(session, "pain-11")
    assert [i.id for i in left] == [ideas[0].id]
    assert left[0].pain_change is not None and left[0].pain_change.kind == "removed"
    # the calendar still says which pain point the accepted idea answered, and flags it
    text = (
        CliRunner()
        .invoke(
            app, ["ideas", "acme", "--no-generate", "--calendar", "Q3-2027", "--home", str(home)]
        )
        .stdout
    )
    assert "Reports take days to build" in text and "was removed since it was accepted" in text


# the calendar ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, start, end",
    [
        ("Q1-2027", date(2027, 1, 1), date(2027, 3, 31)),
        ("2027-q4", date(2027, 10, 1), date(2027, 12, 31)),
        ("q2 2028", date(2028, 4, 1), date(2028, 6, 30)),
    ],
)
def test_parse_quarter(text: str, start: date, end: date) -> None:
    assert parse_quarter(text) == (start, end)


@pytest.mark.parametrize("text", ["Q5-2027", "2027", "next quarter", ""])
def test_parse_quarter_refuses_with_the_form(text: str) -> None:
    with pytest.raises(ValueError, match="Q1-2027"):
        parse_quarter(text)


def test_ics_spreads_accepted_ideas_over_the_quarter(home: Path, tmp_path: Path) -> None:
    session = stored_session(home)
    saved = top_up(session.tools)
    session.tools.call("set_idea_status", {"item_ids": saved.ids[:8], "status": "accepted"})
    session.tools.call("set_idea_status", {"item_ids": saved.ids[8:9], "status": "rejected"})
    out = tmp_path / "plan.ics"
    result = CliRunner().invoke(
        app, ["ideas", "acme", "--calendar", "Q1-2027", "-o", str(out), "--home", str(home)]
    )
    assert result.exit_code == 0, result.output
    assert "8 accepted idea(s) dated" in result.output
    cal = Calendar.from_ical(out.read_bytes())
    events = list(cal.walk("VEVENT"))
    assert len(events) == 8
    days = [e.decoded("dtstart") for e in events]
    assert all(date(2027, 1, 1) <= d <= date(2027, 3, 31) and d.weekday() < 5 for d in days)
    assert days == sorted(days) and len(set(days)) == 8
    assert (days[-1] - days[0]).days > 60  # spread over the quarter, not bunched
    journey = session.map
    by_id = {i.id: (s, i) for s in journey.stages for i in s.content_ideas}
    for event in events:
        stage, idea = by_id[str(event["uid"]).split("@")[0]]
        assert str(event["summary"]).endswith(idea.text)
        description = str(event["description"])
        assert f"Stage: {stage.name}" in description
        pain = next(p for p in stage.pain_points if p.id == idea.pain_point_id)
        assert f"Pain point: {pain.text}" in description


def test_dated_csv_and_markdown_calendar(home: Path, tmp_path: Path) -> None:
    session = stored_session(home)
    saved = top_up(session.tools, stage=2)
    session.tools.call("set_idea_status", {"item_ids": saved.ids[:2], "status": "accepted"})
    session.tools.call("set_idea_status", {"item_ids": saved.ids[2:3], "status": "rejected"})
    out = tmp_path / "plan.csv"
    runner = CliRunner()
    args = [
        "ideas",
        "acme",
        "-s",
        "2",
        "--no-generate",
        "--calendar",
        "Q2-2027",
        "--home",
        str(home),
    ]
    assert runner.invoke(app, [*args, "-o", str(out)]).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert list(rows[0])[0] == "date" and len(rows) == 5  # the rejected idea left out
    assert sum(bool(r["date"]) for r in rows) == 2
    with_rejected = runner.invoke(app, [*args, "-o", str(out), "--rejected"])
    assert with_rejected.exit_code == 0
    assert len(list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))) == 6
    table = runner.invoke(app, args).stdout
    assert "# Content calendar: acme (Q2-2027)" in table
    assert "| Date | Pain point | Format | Title | Angle | CTA | Channel | Status |" in table
    assert table.count("| 2027-0") == 2


def test_no_accepted_idea_means_an_empty_calendar_and_a_note(home: Path, tmp_path: Path) -> None:
    session = stored_session(home)
    lists = idea_lists(session.map)
    assert schedule(lists, *parse_quarter("Q1-2027")) == []
    cal = Calendar.from_ical(to_ics(session.map, []))
    assert list(cal.walk("VEVENT")) == []
    out = tmp_path / "plan.ics"
    result = CliRunner().invoke(
        app, ["ideas", "acme", "--calendar", "Q1-2027", "-o", str(out), "--home", str(home)]
    )
    assert result.exit_code == 0 and "no idea is accepted yet" in result.output
    missing = CliRunner().invoke(app, ["ideas", "acme", "-o", str(out), "--home", str(home)])
    assert missing.exit_code == 1 and "--calendar Q1-2027" in missing.output


def test_the_chat_offer_asks_to_rephrase_a_pain_point_with_no_core(home: Path) -> None:
    from assistant.guided.ideas_step import make_offer

    session = stored_session(home)
    session.tools.call(
        "add_stage_items", {"stage": "2", "field": "pain_points", "items": ["Like I said"]}
    )
    turn = make_offer(session, 2)
    assert turn is not None and turn.offer is not None and len(turn.offer.ids) == 6
    assert "“Like I said” does not say a problem yet" in turn.lines[0]
    unclear = next(p for p in session.map.stages[1].pain_points if p.text == "Like I said")
    assert not [i for i in session.map.stages[1].content_ideas if i.pain_point_id == unclear.id]


def test_long_map_text_never_makes_an_idea_invalid(home: Path) -> None:
    session = stored_session(home)
    long_milestone = "Signs the order form. " * 30  # 660 characters
    session.tools.call(
        "add_stage_items", {"stage": "2", "field": "milestones", "items": [long_milestone]}
    )
    saved = top_up(session.tools, stage=2)
    assert len(saved.ids) == 6 and saved.errors == []
    ideas = session.map.stages[1].content_ideas
    assert all(len(i.cta) <= 500 and i.cta.endswith(".") for i in ideas)
