"""Helpers that build maps for tests through the real tools (the one change path)."""

from __future__ import annotations

from pathlib import Path

from assistant import prompts
from assistant.session import Session, open_session


def new_session(home: Path, name: str = "acme", lang: str | None = None) -> Session:
    return open_session(map=name, home=home, lang=lang, model="guided")


def call(session: Session, tool: str, **args: object) -> str:
    result = session.tools.call(tool, dict(args))
    assert result.ok, result.text
    return result.text


def fill_front(session: Session) -> Session:
    """Context and persona filled, so the interview is at the stages."""
    call(
        session,
        "set_context",
        company="Acme Analytics",
        product="Shop dashboards",
        market="b2b",
        purpose="content ideation",
        destination="Book a demo",
    )
    call(
        session,
        "set_persona",
        name="Owen the owner",
        role="Owner of a small web shop",
        tone="Friendly and simple",
    )
    for field, items in {
        "quantitative": ["10-50 employees"],
        "qualitative": ["hates long setups"],
        "goals": ["grow sales"],
        "challenges": ["no time"],
        "channels": ["search", "email"],
    }.items():
        call(session, "add_persona_items", field=field, items=items)
    return session


def fill_map(session: Session, stages: int = 5) -> Session:
    """A complete map: every required slot filled, through the tools."""
    fill_front(session)
    names = [*prompts.guided("en")["default_stages"], "Renew"][:stages]
    call(session, "set_stages", names=names)
    for n in range(1, stages + 1):
        s = str(n)
        call(session, "add_stage_items", stage=s, field="goals", items=[f"goal {n}"])
        call(
            session,
            "add_stage_items",
            stage=s,
            field="touchpoints",
            items=[{"text": f"webinar {n}", "department": "Marketing"}],
        )
        call(session, "add_stage_items", stage=s, field="questions", items=[f"question {n}?"])
        call(
            session,
            "add_stage_items",
            stage=s,
            field="emotions",
            items=[{"text": f"feeling {n}", "score": (n % 5) - 2}],
        )
        call(
            session,
            "add_stage_items",
            stage=s,
            field="pain_points",
            items=[{"text": f"pain {n}", "severity": 3}],
        )
        call(session, "add_stage_items", stage=s, field="relief", items=[f"relief {n}"])
        call(
            session,
            "add_stage_items",
            stage=s,
            field="milestones",
            items=[{"text": f"milestone {n}", "trigger": "sales call"}],
        )
        call(
            session,
            "add_decision_point",
            stage=s,
            condition=f"price {n} is high",
            likely_action="they compare competitors",
            competitor_risk="high",
        )
    return session
