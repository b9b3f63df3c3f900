"""Helpers that build maps for tests through the real tools (the one change path).

`fill_map` fills a complete map through ~50 tool calls, each validated and committed to
SQLite. Most tests need a complete map, not those writes: the first call per stage count
builds it through the tools in a scratch workspace, and every later call copies that map
into the test's own map in one logged change (same content, the test's map id and name).
Pass `through_tools=True` where the tool calls themselves are under test.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

from assistant import prompts
from assistant.schema import JourneyMap, now
from assistant.session import Session, open_session

_FILLED: dict[int, str] = {}
"""A complete map per stage count, as JSON, built once per test process through the tools."""


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


def fill_map(session: Session, stages: int = 5, *, through_tools: bool = False) -> Session:
    """A complete map: every required slot filled. An empty map gets a copy of the map the
    tools built for this stage count (one write); a map with content, or `through_tools`,
    gets the tool calls themselves."""
    current = session.map
    empty = JourneyMap(id=current.id, name=current.name, language=current.language)
    fresh = current.model_dump(exclude={"created_at", "updated_at"}) == empty.model_dump(
        exclude={"created_at", "updated_at"}
    )
    if through_tools or not fresh:
        return _fill_through_tools(session, stages)
    if stages not in _FILLED:
        scratch = Path(tempfile.mkdtemp(prefix="journey-filled-"))
        atexit.register(shutil.rmtree, scratch, True)
        _FILLED[stages] = _fill_through_tools(new_session(scratch), stages).map.model_dump_json()
    filled = JourneyMap.model_validate_json(_FILLED[stages]).model_copy(
        update={
            "id": current.id,
            "name": current.name,
            "language": current.language,
            "created_at": current.created_at,
            "updated_at": now(),
        }
    )
    session.store.save_change(
        current, filled, "fill_map", {"stages": stages}, "user", f"test map, {stages} stages"
    )
    return session


def _fill_through_tools(session: Session, stages: int) -> Session:
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
