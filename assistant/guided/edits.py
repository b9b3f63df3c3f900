"""Changes asked for in natural words: stage commands ('call this stage Commit instead'),
item edits ('drop the SSO one', 'change X to Y'), corrections of the last answer ('no wait,
her name is just Anna'), and fixes of the numbered echo ('remove 2', '2 is a pain point'). Verdicts on offered ideas
are in `idea_verdicts.py`."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from rapidfuzz import fuzz

from assistant import prompts
from assistant.completeness import ASKED_STAGE_FIELDS
from assistant.gap import gap_parts
from assistant.guided import intents, lexicon, prose, reading, record, values
from assistant.guided import sentences as S
from assistant.guided.answers import AnswerWriter
from assistant.guided.facts import Fact
from assistant.guided.idea_verdicts import Done

if TYPE_CHECKING:
    from assistant.conversation import Conversation
    from assistant.guided.engine import GuidedEngine


# stages ----------------------------------------------------------------------------------------
def stage_command(session: Conversation, intent: intents.Intent, current: int | None) -> Done:

    t = prompts.guided(session.language)
    writer = AnswerWriter(session, t)
    stages = session.map.stages
    refs = intent.stages or ([current] if current else [])
    if intent.kind == "rename_stage" and refs and intent.names:
        writer._stage_command("rename_stage", {"ref": str(refs[0]), "name": intent.names[0]})
    elif intent.kind == "add_stage" and intent.names:
        position = None
        if intent.position == "start":
            position = 1
        elif intent.position in ("after", "before") and intent.stages:
            anchor = intent.stages[0]
            position = anchor + 1 if intent.position == "after" else anchor
        groups: dict[str, Any] = {
            "name": intent.names[0],
            "pos": str(position) if position else None,
        }
        writer._stage_command("add_stage", groups)
    elif intent.kind == "remove_stage" and refs:
        writer._stage_command("remove_stage", {"ref": str(refs[0])})
    elif intent.kind == "move_stage" and len(refs) >= 2:
        mover, anchor = refs[0], refs[1]
        order = [s.id for s in stages]
        moving = order.pop(mover - 1)
        target = order.index(stages[anchor - 1].id)
        if intent.position == "before":
            order.insert(target, moving)
        elif intent.position == "after" or mover < anchor:
            order.insert(target + 1, moving)
        else:
            order.insert(target, moving)
        name = stages[mover - 1].name
        writer._call(
            "reorder_stages", {"order": order}, lambda _: writer._stage_sentence("move_stage", name)
        )
    else:
        writer._error(t["messages"]["bad_command"])
    return writer.sentences, writer.results, writer.errors


# items -----------------------------------------------------------------------------------------
def _all_items(session: Conversation) -> list[tuple[str, str, int | None, Any]]:
    """(section, field, stage number, item) for every list item on the map."""
    journey = session.map
    out: list[tuple[str, str, int | None, Any]] = []
    for field in reading.LIST_PERSONA:
        out += [("persona", field, None, i) for i in getattr(journey.persona, field)]
    for n, stage in enumerate(journey.stages, 1):
        for field in ASKED_STAGE_FIELDS:
            out += [("stage", field, n, i) for i in getattr(stage, field)]
    return out


def _item_text(item: Any) -> str:
    if hasattr(item, "condition"):
        return f"{item.condition} {item.likely_action}"
    return str(item.text)


def _find_item(
    session: Conversation, reference: str, prefer: list[str]
) -> tuple[Any, str, str, int | None] | None:
    """The item a reference names: quoted words, or the distinctive words of 'the SSO one'."""
    ref = reference.casefold()
    best: tuple[float, Any] | None = None
    for section, field, number, item in _all_items(session):
        text = _item_text(item).casefold()
        words = {w for w in re.findall(r"\w{3,}", text)}
        said = {w for w in re.findall(r"\w{3,}", ref)}
        shared = {w for w in words for s in said if w[:5] == s[:5]}
        score = (
            fuzz.partial_ratio(text, ref)
            if len(text) <= len(ref)
            else fuzz.partial_ratio(ref, text)
        )
        score = max(score * 0.9, 100.0 * len(shared) / max(1, min(len(words), 4)))
        if item.id in prefer:
            score += 10
        if best is None or score > best[0]:
            best = (score, (item, section, field, number))
    if best is None or best[0] < 60:
        return None
    return best[1]


def edit_item(engine: GuidedEngine, session: Conversation, text: str) -> Done | None:
    """Remove or change one item named in natural words."""

    language = session.language
    t = prompts.guided(language)
    writer = AnswerWriter(session, t)
    quoted = intents.quotes(text)
    low = text.casefold()
    prefer = [r.item_id for r in session.state.recorded if r.item_id]
    changing = lexicon.any_match(language, "change", low) is not None
    deleting = lexicon.any_match(language, "delete_item", low) is not None
    new_text = None
    reference = text
    if changing and quoted:
        new_text = quoted[-1]
        reference = quoted[0] if len(quoted) > 1 else text.replace(quoted[-1], " ")
    elif quoted:
        reference = quoted[0]
    found = _find_item(session, reference, prefer)
    if found is None:
        return None
    item, section, field, number = found
    shown = record.shorten(_item_text(item), 60)
    level = None
    if field == "pain_points" and not new_text:
        level = prose.severity_of(_without_item(low, _item_text(item)), language)
    if new_text:
        writer._call(
            "update_item",
            {"item_id": item.id, "text": new_text},
            lambda _: _said(t, "changed", shown, new_text),
        )
    elif level:
        writer._call(
            "update_item",
            {"item_id": item.id, "severity": level},
            lambda _: _said(t, "changed", shown, str(level)),
        )
    elif deleting or not changing:
        writer._call("remove_item", {"item_ids": [item.id]}, lambda _: _said(t, "removed", shown))
    else:
        return None
    return writer.sentences, writer.results, writer.errors


def _without_item(text: str, item: str) -> str:
    for word in re.findall(r"\w{3,}", item.casefold()):
        text = text.replace(word, " ")
    return text


def _said(t: dict[str, Any], key: str, item: str, new: str = "") -> str:
    words = lexicon.data(t.get("language", "en")).get("say", {})
    template = words.get(key, "Changed: {item} -> {new}" if key == "changed" else "Removed: {item}")
    return prompts.fill(template, item=item, new=new)


def fix_numbered(engine: GuidedEngine, session: Conversation, text: str) -> Done | None:
    """'remove 2' / '2 is a pain point' about the numbered list shown after the last answer."""
    refs = session.state.recorded
    if not refs:
        return None
    language = session.language
    t = prompts.guided(language)
    low = text.casefold().strip(" .!")
    removing = lexicon.any_match(language, "fix_remove", low)
    moving = lexicon.any_match(language, "fix_move", low)
    found = removing or moving
    if not found:
        return None
    numbers = [n for n in intents.numbers(found.group("n"), language) if 1 <= n <= len(refs)]
    if not numbers:
        return None

    writer = AnswerWriter(session, t)
    target = _field_named(found.group("f"), language) if moving else None
    if removing:
        ids = [refs[n - 1].item_id for n in numbers if refs[n - 1].item_id]
        if not ids:
            return None
        writer._call(
            "remove_item",
            {"item_ids": ids},
            lambda _: _said(t, "removed", ", ".join(map(str, numbers))),
        )
        return writer.sentences, writer.results, writer.errors
    if target:
        moved = []
        for n in numbers:
            ref = refs[n - 1]
            if not ref.item_id or ref.section != "stage" or not ref.stage:
                continue
            item = next((i for *_, i in _all_items(session) if i.id == ref.item_id), None)
            if item is None:
                continue
            writer._call("remove_item", {"item_ids": [ref.item_id]}, lambda _: "")
            value = {"text": _item_text(item)}
            facts = [Fact("stage", target, value)]
            moved += record.write_facts(writer, facts, ref.stage)
        writer.sentences = [s for s in writer.sentences if s]
        if moved:
            writer.sentences.append(record.echo(moved, t))
        return writer.sentences, writer.results, writer.errors
    return None


def _field_named(text: str, language: str) -> str | None:
    """The stage field a fix names ('that's a pain point, not a goal' -> pain_points)."""
    names = lexicon.data(language).get("field_names", {})
    cut = re.split(lexicon.data(language).get("not_word", r"\bnot\b"), text, maxsplit=1)[0]
    best: tuple[int, str] | None = None
    for field, words in names.items():
        for word in words:
            hit = re.search(rf"(?<!\w){re.escape(str(word))}", cut)
            if hit and (best is None or hit.start() < best[0]):
                best = (hit.start(), field)
    return best[1] if best else None


# corrections -----------------------------------------------------------------------------------
def correct(engine: GuidedEngine, session: Conversation, text: str, gap: str | None) -> Done | None:
    """Replace what the last answer recorded with the corrected values."""
    language = session.language
    t = prompts.guided(language)
    target = session.state.answered or _previous(session) or gap
    if not target:
        return None
    section, field, number = gap_parts(target)
    refs = [r for r in session.state.recorded if r.field == field]
    negated = _negated(text, language)
    body = _correction_body(text, language, negated)
    writer = AnswerWriter(session, t)
    if section == "context" and field == "market":
        literal = re.findall(r"\bb2([bc])\b", body, re.IGNORECASE)
        market = f"b2{literal[-1].casefold()}" if literal else values.market_of(body, language)
        if market:
            writer._call(
                "set_context",
                {"market": market},
                lambda _: writer._value_sentence(t["context_fields"]["market"], market.upper()),
            )
        return writer.sentences, writer.results, writer.errors
    if field in reading.SINGLE:
        value = _single_value(body, section, field, language)
        if not value:
            return None
        tool = "set_context" if section == "context" else "set_persona"
        label = t[f"{section}_fields"][field]
        writer._call(tool, {field: value}, lambda _: writer._value_sentence(label, value))
        return writer.sentences, writer.results, writer.errors
    items = {r.item_id: r for r in refs if r.item_id}
    journey_items = {i.id: i for *_, i in _all_items(session)}
    drop = [
        i for i in items if i in journey_items and _negates(negated, _item_text(journey_items[i]))
    ]
    if not drop:
        drop = [i for i in items if i in journey_items]
    if drop:
        writer._call("remove_item", {"item_ids": drop}, lambda _: "")
    facts = reading.read(body, section, field, language) if body.strip() else []
    refs_new = record.write_facts(writer, facts, number) if facts else []
    if number and refs_new:
        for ref in refs_new:
            if ref.field == field and field in ("emotions", "pain_points"):
                pass
    session.state.recorded = list(refs_new)
    writer.sentences = [s for s in writer.sentences if s]
    writer.sentences.append(
        record.echo(refs_new, t)
        or lexicon.data(t.get("language", "en")).get("say", {}).get("corrected", "Corrected.")
    )
    return writer.sentences, writer.results, writer.errors


def _previous(session: Conversation) -> str | None:
    history = session.state.history
    return history[-2] if len(history) >= 2 else None


def _negated(text: str, language: str) -> list[str]:
    out = []
    for pattern in lexicon.patterns(language, "negation_patterns"):
        for found in pattern.finditer(text):
            out.append(found.group("frag").strip())
    return out


def _negates(fragments: list[str], item: str) -> bool:
    low = item.casefold()
    return any(fuzz.partial_ratio(f.casefold(), low) >= 80 for f in fragments if len(f) >= 2)


def _correction_body(text: str, language: str, negated: list[str]) -> str:
    """The corrected content: without the correction's lead-in and the negated fragments."""
    out = []
    for sentence in S.sentences(text):
        plain = S.restore(sentence)
        for pattern in lexicon.patterns(language, "correction_lead"):
            plain = pattern.sub("", plain, count=1)
        for pattern in lexicon.patterns(language, "negation_patterns"):
            plain = pattern.sub("", plain)
        parts = [S.clean(p, language) for p in S.comma_parts(S.protect(plain), language)]
        parts = [S.restore(p) for p in parts if p]
        parts = [p for p in parts if not lexicon.any_match(language, "correction_reasons", p)]
        plain = ", ".join(parts)
        if plain and not S.is_remark(plain, language):
            out.append(plain)
    return ". ".join(out)


def _single_value(body: str, section: str, field: str, language: str) -> str | None:
    quoted = intents.quotes(body)
    if quoted:
        return quoted[-1]
    for pattern in lexicon.patterns(language, "value_patterns"):
        found = pattern.search(body)
        if found:
            return S.clean(found.group("v"), language).strip("'\"“”«»„")
    facts = reading.read(body, section, field, language)
    value = next((f.value for f in facts if f.field == field and isinstance(f.value, str)), None)
    if value:
        return re.split(r",", value)[0].strip()
    return None
