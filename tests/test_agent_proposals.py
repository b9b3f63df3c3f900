"""Removals the model proposes: approved only by the user's own yes, in the user's language.

A scripted model that approves whatever waits stands in for a model that does not listen; the
code must stop it unless the user's message of that turn says yes (issue 11 item 5).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from langchain_core.messages import AIMessage, BaseMessage, ToolMessage

from assistant.agent import AgentEngine, proposals
from assistant.agent.prompt import texts
from assistant.agent.scripted import ScriptedChatModel, call, say
from assistant.guided.parse import Verdict
from assistant.session import Session, open_session
from assistant.settings import get_settings

STAGE_NAMES = {"en": ["Notice", "Compare", "Buy"], "pl": ["Zauważa", "Porównuje", "Kupuje"]}
STAGE_NAMES["it"] = ["Scopre", "Confronta", "Compra"]


def agent_session(home: Path, script: list, lang: str = "en") -> Session:
    config = get_settings(home=home, model="openai:gpt-4.1-mini", openai_api_key="sk-test")
    session = open_session(map="acme", settings=config, lang=lang)
    session.engine = AgentEngine(config, model=ScriptedChatModel(script=script))
    engine = session.engine
    names = STAGE_NAMES[lang]
    pains = [{"text": f"{n}: problem", "severity": 2} for n in names]
    ops = [{"op": "add", "field": "stages", "items": [{"text": n} for n in names]}] + [
        {"op": "add", "field": "pain_points", "stage": str(i), "items": [pains[i - 1]]}
        for i in (1, 2, 3)
    ]
    assert engine.lean_tools(session).call("update_map", {"operations": ops}).ok
    return session


def tool_results(messages: list[BaseMessage]) -> list[str]:
    return [m.text for m in messages if isinstance(m, ToolMessage)]


def waiting(messages: list[BaseMessage]) -> list[str]:
    """Proposal ids the system prompt lists (what a model that approves everything sends)."""
    return re.findall(r"proposal-[0-9a-f]{6}", messages[0].text)


def propose(ops_of) -> list:  # noqa: ANN001 - a function of the map's read-out
    """Script: read the map, send `update_map` with ops built from the read-out, say a line."""

    def send(messages: list[BaseMessage]) -> AIMessage:
        return say("", call("update_map", operations=ops_of(tool_results(messages)[-1])))

    return [say("", call("read_map")), send, say("Shall I?")]


def remove_stage(number: int):  # noqa: ANN201
    def ops(read: str) -> list[dict]:
        found = re.search(rf"stage {number} \[(stage-[0-9a-f]{{8}})\]", read)
        assert found, read
        return [{"op": "remove", "ids": [found.group(1)]}]

    return ops


def approve_all(messages: list[BaseMessage]) -> AIMessage:
    return say("Done.", call("decide", approve=waiting(messages)))


SORRY = say("Sorry, I could not.")
"""What the model says after its approval was refused."""


def names(session: Session) -> list[str]:
    return [s.name for s in session.map.stages]


# the verdict ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("en", "yes", True),
        ("en", "Yes, remove it", True),
        ("en", "yes remove the Compare stage", True),
        ("en", "Sure, go ahead!", True),
        ("en", "No problem, remove it.", True),
        ("en", "please delete it", True),
        ("en", "no", False),
        ("en", "No, keep it", False),
        ("en", "keep it", False),
        ("en", "Nope. Leave it as is.", False),
        ("en", "Yes, but keep it", None),
        ("en", "yes, don't remove it", None),
        ("en", "What do you mean?", None),
        ("en", "We also use webinars", None),
        ("pl", "Tak, usuń", True),
        ("pl", "tak usuń ten etap", True),
        ("pl", "No, usuń", True),  # Polish "no" is "yeah"
        ("pl", "Nie, zostaw", False),
        ("pl", "Jednak nie. Zostaw to.", False),
        ("pl", "nie usuwaj", False),
        ("pl", "No", None),
        ("pl", "Tak, ale zostaw", None),
        ("it", "Sì, toglila", True),
        ("it", "si eliminala pure", True),
        ("it", "Non c'è problema, toglila", True),
        ("it", "No, lasciala", False),
        ("it", "Meglio di no", False),
        ("it", "non toglierla", False),
        ("it", "Sì, ma tienila", None),
    ],
)
def test_the_users_yes_and_no_to_one_proposal(lang: str, text: str, expected: bool | None) -> None:
    found = proposals.verdict(text, lang, 1)
    if expected is None:
        assert found is None
    else:
        assert found == (Verdict([1], [], []) if expected else Verdict([], [1], []))


def test_numbered_answers_to_several_proposals() -> None:
    assert proposals.verdict("yes 1", "en", 2) == Verdict([1], [2], [])
    assert proposals.verdict("keep 2", "en", 2) == Verdict([], [2], [])
    assert proposals.verdict("usuń 1 i 2", "pl", 3) == Verdict([1, 2], [3], [])
    assert proposals.verdict("togli 2", "it", 2) == Verdict([2], [1], [])
    assert proposals.verdict("yes 5", "en", 2) is None, "a number not listed decides nothing"
    assert proposals.verdict("yes", "en", 0) is None, "nothing is waiting"


# approvals through the engine -----------------------------------------------------------------
def test_approving_after_the_users_no_is_refused_and_the_stage_stays(home: Path) -> None:
    session = agent_session(home, [*propose(remove_stage(2)), approve_all, SORRY])
    session.send("Remove the Compare stage")
    assert names(session) == ["Notice", "Compare", "Buy"]
    assert len(session.state.pending) == 1
    reply = session.send("No, keep it")
    assert names(session) == ["Notice", "Compare", "Buy"], "the model's approval was refused"
    assert not session.state.pending, "the user's no drops the proposal"
    assert any("said no" in e for e in reply.errors), reply.errors
    again = open_session(map="acme", settings=session.settings)
    assert not again.state.pending and len(again.map.stages) == 3


def test_approving_without_a_yes_in_the_message_is_refused(home: Path) -> None:
    session = agent_session(home, [*propose(remove_stage(2)), approve_all, SORRY])
    session.send("Remove the Compare stage")
    reply = session.send("What do you mean by stage two?")
    assert names(session) == ["Notice", "Compare", "Buy"]
    assert len(session.state.pending) == 1, "still waiting for an answer"
    error = next(e for e in reply.errors if "does not say yes" in e)
    assert error.startswith("Error:") and "nothing removed" in error


def test_approving_after_yes_removes_and_one_undo_restores(home: Path) -> None:
    script = [*propose(remove_stage(2)), approve_all, say("Undone.", call("undo"))]
    session = agent_session(home, script)
    session.send("Remove the Compare stage")
    reply = session.send("yes, remove it")
    assert names(session) == ["Notice", "Buy"]
    assert not session.state.pending and not reply.errors
    session.send("undo that")
    assert names(session) == ["Notice", "Compare", "Buy"]
    assert session.map.stages[1].pain_points[0].text == "Compare: problem"


def test_a_yes_approves_only_what_it_answers(home: Path) -> None:
    """'yes 1' with two proposals waiting: the first goes, the second is dropped."""

    def two(read: str) -> list[dict]:
        ids = re.findall(r"\[(stage-[0-9a-f]{8})\]", read)
        return [{"op": "remove", "ids": [ids[0]]}, {"op": "remove", "ids": [ids[2]]}]

    session = agent_session(home, [*propose(two), approve_all, SORRY])
    reply = session.send("Remove the first and last stage")
    assert (
        "(1) remove the stage 'Notice'" in reply.text and "(2) remove the stage 'Buy'" in reply.text
    )
    reply = session.send("yes 1")
    assert names(session) == ["Compare", "Buy"]
    assert not session.state.pending
    assert any("said no" in e for e in reply.errors), "the second was not approved"


@pytest.mark.parametrize(
    ("lang", "no", "yes"),
    [("pl", "Nie, zostaw", "Tak, usuń"), ("it", "No, lasciala", "Sì, toglila")],
)
def test_polish_and_italian_yes_and_no(home: Path, lang: str, no: str, yes: str) -> None:
    script = [*propose(remove_stage(2)), approve_all, SORRY, *propose(remove_stage(2)), approve_all]
    session = agent_session(home, script, lang=lang)
    stages = STAGE_NAMES[lang]
    session.send("(remove stage 2)")
    session.send(no)
    assert names(session) == stages and not session.state.pending
    session.send("(remove stage 2)")
    session.send(yes)
    assert names(session) == [stages[0], stages[2]]


# the code's own text in the user's language ---------------------------------------------------
ENGLISH = re.compile(
    r"\b(?:nothing|removed?|waiting|answer|stage|everything|keep|reword|recorded|added|set|"
    r"context|pain|points?|yes|go ahead)\b",
    re.IGNORECASE,
)


@pytest.mark.parametrize("lang", ["pl", "it"])
def test_polish_and_italian_sessions_get_no_english_from_the_code(home: Path, lang: str) -> None:
    def reword_pain(read: str) -> list[dict]:
        pain = re.search(r"(item-[0-9a-f]{8}) pain_points", read)
        assert pain, read
        return [{"op": "edit", "ids": [pain.group(1)], "items": [{"text": "Nowy tekst"}]}]

    def remove_pain(read: str) -> list[dict]:
        pains = re.findall(r"(item-[0-9a-f]{8}) pain_points", read)
        return [{"op": "remove", "ids": [pains[-1]]}]

    def silent(read: str) -> list[dict]:
        return [{"op": "set", "field": "context.company", "value": "Acme"}]

    script = [
        *propose(remove_stage(2)),
        *propose(reword_pain),
        *propose(remove_pain),
        say("", call("update_map", operations=silent(""))),
        say(""),
        say(""),
    ]
    session = agent_session(home, script, lang=lang)
    stages = STAGE_NAMES[lang]
    notices = [session.send("...").text.split("Shall I?")[1] for _ in range(3)]
    notices.append(session.send("Acme").text)  # the model falls silent: the code's fallback
    table = texts("messages.yaml")[lang]
    assert table["pending"].split("{what}")[0].strip() in notices[0]
    assert stages[1] in notices[0]
    assert f"{stages[0]}: problem" in notices[1] and "Nowy tekst" in notices[1]
    field = {"pl": "problemy", "it": "problemi"}[lang]
    assert field in notices[2] or field in notices[1], notices
    assert "(1)" in notices[2] and "(3)" in notices[2], "several waiting: numbered"
    assert table["pending_many"].split("{what}")[1].split("(")[0].strip(". ") in notices[2]
    for text in notices:
        assert not ENGLISH.search(text), text


def test_every_language_has_every_code_text() -> None:
    messages = texts("messages.yaml")
    table = texts("proposals.yaml")
    for lang in ("pl", "it"):
        assert set(messages["en"]) <= set(messages[lang])
        assert set(table["en"]) <= set(table[lang])
        assert set(table["en"]["words"]) <= set(table[lang]["words"])
        for key in (
            "pending",
            "pending_many",
            "recorded",
            "empty",
            "step_cap",
            "truncated",
            "done",
        ):
            assert messages[lang][key] != messages["en"][key]
