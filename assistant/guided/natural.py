"""Natural answers in the guided interview: the message's intent first (a command in natural
words, a question to the assistant, 'don't know', small talk, a correction), then the answer
read into facts and recorded with a numbered echo.

The exact command words and labelled answers of the original grammar keep working: such a
message is left to the engine's own path (`before` returns None)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from rapidfuzz import fuzz

from assistant import completeness, prompts
from assistant.gap import Gap, gap_parts
from assistant.guided import edits, idea_verdicts, intents, lexicon, parse, reading, record, values
from assistant.guided import sentences as S
from assistant.guided.answers import AnswerWriter
from assistant.guided.facts import Fact

if TYPE_CHECKING:
    from assistant.conversation import Conversation, Reply
    from assistant.guided.engine import GuidedEngine

LEGACY_WORDS = ("help", "why", "done", "show", "undo", "back", "skip", "dont_know")
ENGINE_WORDS = {"help": "help", "show": "show", "done": "done", "undo": "undo", "back": "back"}


def _legacy(answer: str, t: dict[str, Any]) -> bool:
    """The original grammar: exact command words, labels, 'stage 2 ...', stage commands."""
    words = t["words"]
    if any(parse.is_word(answer, words[w]) for w in LEGACY_WORDS if w in words):
        return True
    if parse.is_word(answer, t["evidence"]["words"]):
        return True
    if parse.find_labels(answer, t["labels"])[1]:
        return True
    if re.match(words["stage_prefix"], answer, re.IGNORECASE):
        return True
    text = answer.strip().rstrip(".")
    for kind in ("rename_stage", "add_stage", "remove_stage", "move_stage", "reorder_stages"):
        if re.match(words[kind], text, re.IGNORECASE):
            return True
    return False


def before(
    engine: GuidedEngine, session: Conversation, answer: str, gap: str | None
) -> Reply | None:
    """Handle a message whose intent is not a plain answer; None lets the engine go on."""
    t = prompts.guided(session.language)
    language = session.language
    state = session.state
    fix = edits.fix_numbered(engine, session, answer)  # 'remove 2' about the numbered echo
    if fix is not None:
        return engine._finish(session, *fix, ask_again=True)
    if state.offer is not None and state.offer.kind == "ideas":
        idea_words = t["ideas"]["words"]
        if any(parse.is_word(answer, idea_words[w]) for w in ("later", "more")):
            return None
        count = len(state.offer.ids)
        verdict = idea_verdicts.idea_verdict(answer, language, count)
        if parse.verdict(answer, idea_words, count) is not None:
            return None
        if verdict is not None:
            offer, state.offer = state.offer, None
            lines, results, errors = idea_verdicts.decide_ideas(session, offer, verdict)
            return engine._finish(session, lines, results, errors, ask_again=True)
    # Only when nothing at all is on offer: a research offer takes its verdicts further on.
    if state.offer is None and idea_verdicts.verdict_without_offer(answer, language):
        line = lexicon.data(language).get("say", {}).get("no_offer", "")
        return engine._finish(session, [line], [], [], ask_again=True)
    if _legacy(answer, t):
        return None
    section, field, number = gap_parts(gap)
    names = [s.name for s in session.map.stages]
    intent = intents.classify(answer, language, field, names)
    kind = intent.kind
    if kind in ENGINE_WORDS:
        return engine._respond(session, t["words"][ENGINE_WORDS[kind]][0])
    if kind in ("skip", "dont_know") and gap:
        writer = AnswerWriter(session, t)
        writer.skip(gap)
        state.asked = None
        return engine._finish(session, writer.sentences, writer.results, writer.errors)
    if kind == "question":
        return _answer_question(engine, session, answer, gap)
    if kind == "off_topic":
        line = (
            lexicon.data(t.get("language", "en"))
            .get("say", {})
            .get("off_topic", "No problem, take your time.")
        )
        return engine._finish(session, [line], [], [], ask_again=True)
    if kind in ("rename_stage", "add_stage", "remove_stage", "move_stage"):
        lines, results, errors = edits.stage_command(session, intent, number)
        return engine._finish(session, lines, results, errors, ask_again=True)
    if kind == "edit_item":
        done = edits.edit_item(engine, session, answer)
        if done is not None:
            return engine._finish(session, *done, ask_again=True)
    if kind == "correction":
        done = edits.correct(engine, session, answer, gap)
        if done is not None:
            return engine._finish(session, *done, ask_again=True)
    return None


def _answer_question(
    engine: GuidedEngine, session: Conversation, answer: str, gap: str | None
) -> Reply:
    """Answer from the knowledge cards (cited) and ask the same question again."""
    t = prompts.guided(session.language)
    topic = _topic(answer, session.language)
    found = engine.explainer(session, topic) if engine.explainer and topic else None
    cited: list[str] = []
    if found is not None:
        text, cited = found[0], list(found[1])
    else:
        tip = engine.tipper(session, gap) if engine.tipper and gap else None
        if tip is not None:
            # the tip names its card in words; the id travels in the citations, not the text
            text, cited = tip[0], [tip[1]]
            session.state.last_tip = tip[1]
        else:
            text = t["messages"]["help"]
    lead = lexicon.data(t.get("language", "en")).get("say", {}).get("question_lead", "")
    reply = engine._finish(session, [f"{lead} {text}".strip()], [], [], ask_again=True)
    reply.citations = cited + [c for c in reply.citations if c not in cited]
    return reply


def _topic(answer: str, language: str) -> str | None:
    """The method word the question is about ('milestone'), else the whole question."""
    names = lexicon.data(language).get("field_names", {})
    low = answer.casefold()
    for field in (
        "milestones",
        "touchpoints",
        "decision_points",
        "pain_points",
        "relief",
        "emotions",
        "thoughts",
        "goals",
        "actions",
        "questions",
        "channels",
    ):
        for word in sorted(names.get(field, []), key=len, reverse=True):
            if re.search(rf"(?<!\w){re.escape(str(word))}", low):
                return str(names[field][0])
    for word in lexicon.data(language).get("topic_words", []):
        if str(word).casefold() in low:
            return str(word)
    return None


def write(writer: AnswerWriter, gap: str, answer: str) -> list[record.Ref]:  # noqa: C901
    """Read a plain answer for `gap` and record it; the numbered echo replaces the writer's
    sentences. Returns what was recorded."""
    section, field, number = gap_parts(gap)
    language = writer.session.language
    if section == "stages":
        if parse.is_word(answer, writer.t["words"]["accept"]):
            writer.write(gap, answer)
            return []
        names = values.stage_names(answer, language)
        if names:
            writer.write(gap, "\n".join(names))
        return []
    if is_open(writer.session, gap):
        facts = reading.read_open(answer, language)
    else:
        facts = reading.read(answer, section, field, language)
    facts = [f for f in facts if not _noise(f, language)]
    if not facts and field == "market":
        writer._error(writer.t["messages"]["market_unclear"])
        return []
    if not facts:
        writer.advanced = False
        return []
    if section == "context" and field == "market" and not any(f.field == "market" for f in facts):
        writer._error(writer.t["messages"]["market_unclear"])
        return []
    refs = record.write_facts(writer, facts, number)
    writer.session.state.recorded = list(refs)
    writer.session.state.answered = Gap.parse(gap)
    if refs and all(r.item_id is None for r in refs):
        writer.sentences += [writer._value_sentence(r.label, r.shown) for r in refs]
        return refs
    text = record.echo(refs, writer.t)
    if text:
        writer.sentences.append(text)
    return refs


OPEN_FIELDS = ("goals", "touchpoints", "emotions", "pain_points")


def is_open(session: Conversation, gap: str | None) -> bool:
    """The first question of a stage is open: its goals are asked while the stage is empty."""
    section, field, number = gap_parts(gap)
    if section != "stage" or field != "goals" or not number:
        return False
    stages = session.map.stages
    if number > len(stages):
        return False
    stage = stages[number - 1]
    return not any(getattr(stage, name) for name in OPEN_FIELDS)


def open_question(session: Conversation, gap: str) -> dict[str, str] | None:
    """The open question's texts ('ask', 'why') when `gap` opens a stage, else None."""
    if not is_open(session, gap):
        return None
    entry = lexicon.data(session.language).get("open_question")
    return dict(entry) if isinstance(entry, dict) else None


def _noise(fact: Fact, language: str) -> bool:
    text = str(fact.value.get("text", "") if isinstance(fact.value, dict) else fact.value)
    if not text.strip():
        return not (isinstance(fact.value, dict) and fact.value.get("condition"))
    low = text.casefold()
    return bool(lexicon.any_match(language, "dont_know", low)) and len(low.split()) <= 8


def similar(a: str, b: str) -> float:
    return float(fuzz.token_set_ratio(S.clean(a, "en").casefold(), b.casefold()))


def stage_number(gap: str | None) -> int | None:
    return completeness.stage_of(gap)
