"""What a whole message means before any of it is recorded: a command in natural words, a
question to the assistant, 'don't know', 'skip', small talk, a correction, or an answer.

Returns data (`Intent`); `natural.py` carries it out."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from assistant.guided import lexicon
from assistant.guided import sentences as S

QUOTES = re.compile(r"(?:^|(?<=[\s(:]))['\"“„«‘]([^'\"“”„«»‘’]{2,}?)['\"”»’“](?=[\s.,;:!?)…]|$)")
NUMBER = re.compile(r"(?<![\w+\-])(\d{1,2})(?![\w%])")


@dataclass
class Intent:
    kind: str
    """answer, dont_know, skip, question, off_topic, help, show, done, back, undo, correction,
    rename_stage, add_stage, remove_stage, move_stage, edit_item."""
    stages: list[int] = field(default_factory=list)
    """Stage numbers the message refers to, in the order it names them."""
    names: list[str] = field(default_factory=list)
    """Quoted texts that are not stage names (a new stage name, an item's new wording)."""
    position: str | None = None
    """'end', 'start', 'before' or 'after' (relative to `stages[-1]`)."""


def quotes(text: str) -> list[str]:
    return [m.group(1).strip() for m in QUOTES.finditer(text)]


def short(text: str, words: int = 30) -> bool:
    return len(text.split()) <= words


def stage_mentions(text: str, names: list[str]) -> list[tuple[int, int]]:
    """(position in text, stage number) of every stage the text names, quoted or not, allowing
    inflection ('Prezentację' names 'Prezentacja') and distinctive words ('the rollout')."""
    low = text.casefold()
    found: dict[int, int] = {}
    for number, name in enumerate(names, 1):
        target = name.casefold()
        if len(target) < 3:
            continue
        whole = re.search(rf"(?<!\w){re.escape(target)}(?!\w)", low)  # 'Orders' not in 'Reorders'
        if whole:
            found[number] = whole.start()
            continue
        if len(target) >= 5:
            align = fuzz.partial_ratio_alignment(target, low)
            if align is not None and align.score >= 86:
                found[number] = align.dest_start
                continue
        others = " ".join(n.casefold() for i, n in enumerate(names, 1) if i != number)
        for word in re.findall(r"\w{5,}", target):
            stem = word[: max(5, len(word) - 3)]
            if stem in others:
                continue
            hit = re.search(rf"(?<!\w){re.escape(stem)}\w*", low)
            if hit:
                found[number] = hit.start()
                break
    return sorted((pos, n) for n, pos in found.items())


def classify(text: str, language: str, asked_field: str | None, stage_names: list[str]) -> Intent:
    """The intent of one message (the interview is asking for `asked_field`)."""
    body = S.strip_lead(text.strip(), language)
    low = body.casefold().replace("’", "'")
    first = S.sentences(body)[0] if S.sentences(body) else body
    first_low = S.restore(first).casefold().replace("’", "'")
    listed = bool(re.search(r"[;\n]|^\s*[-*•]\s", text.strip())) or text.count(",") >= 3
    if short(text, 25) and not listed:
        for kind in ("undo", "back", "show", "help", "done"):
            if lexicon.any_match(language, kind, low):
                return Intent(kind)
    command = stage_command(body, language, stage_names)
    if command is not None:
        return command
    raw_first = S.restore((S.sentences(text) or [text])[0]).casefold().replace("’", "'")
    if lexicon.any_match(language, "correction", first_low) or lexicon.any_match(
        language, "correction", raw_first
    ):
        return Intent("correction")
    if listed:
        return Intent("answer")
    if lexicon.any_match(language, "edit_start", first_low):
        return Intent("edit_item", names=quotes(body))
    if "?" in body and _to_assistant(body, language, asked_field):
        return Intent("question")
    for sentence in S.sentences(body)[:3]:
        plain = S.restore(sentence).casefold()
        if short(plain, 14) and lexicon.any_match(language, "skip", plain):
            return Intent("skip")
    unknown = short(text, 30) and lexicon.any_match(language, "dont_know", first_low)
    if unknown and not lexicon.any_match(language, "but_content", low):
        return Intent("dont_know")
    if short(text, 25) and lexicon.any_match(language, "off_topic", low):
        return Intent("off_topic")
    return Intent("answer")


def _to_assistant(text: str, language: str, asked_field: str | None) -> bool:
    asked_sentences = [S.restore(s) for s in S.sentences(text) if "?" in S.restore(s)]
    key = "question_meta" if asked_field in ("questions", "thoughts") else "question_to_assistant"
    return any(lexicon.any_match(language, key, s.casefold()) for s in asked_sentences)


def stage_command(text: str, language: str, names: list[str]) -> Intent | None:
    """Rename, add, remove or move a stage, said in natural words; None if it is not one."""
    if not names:
        return None
    low = text.casefold()
    quoted = quotes(text)
    existing = {n.casefold() for n in names}
    # a quoted name that is an existing one inflected ('Prezentację') is no new name
    new = [
        q
        for q in quoted
        if q.casefold() not in existing
        and not any(fuzz.ratio(q.casefold(), n) >= 80 for n in existing)
    ]
    mentions = stage_mentions(_without(text, new), names)
    stages = [n for _, n in mentions]
    has_word = bool(re.search(lexicon.data(language).get("stage_word", r"(?!x)x"), low))

    def said(key: str) -> bool:
        return lexicon.any_match(language, key, low) is not None

    if said("rename") and new and (stages or has_word):
        return Intent("rename_stage", stages=stages[:1], names=new[-1:])
    if said("add") and new and (has_word or stages or said("at_end")):
        return Intent("add_stage", stages=stages, names=new[:1], position=_position(low, language))
    if said("move") and len(stages) >= 2:
        return Intent("move_stage", stages=stages, position=_position(low, language))
    if said("remove") and len(stages) > 1:
        # 'drop Onboarding, it is part of Setup': the stage in the verb's own clause
        stages = _in_verb_clause(text, language, "remove", mentions)
    if (
        said("remove")
        and len(stages) == 1
        and (has_word or quoted or _capitalised(text, names, stages[0]))
    ):
        return Intent("remove_stage", stages=stages)
    return None


def _in_verb_clause(
    text: str, language: str, key: str, mentions: list[tuple[int, int]]
) -> list[int]:
    """The stages named in the same clause as the command verb of `key`."""
    verb = lexicon.any_match(language, key, text.casefold())
    if verb is None:
        return []
    bounds = [0, *(m.end() for m in re.finditer(r"[,;.:!?–—]", text)), len(text) + 1]
    for start, end in zip(bounds, bounds[1:], strict=False):
        if start <= verb.start() < end:
            return [n for pos, n in mentions if start <= pos < end]
    return []


def _capitalised(text: str, names: list[str], number: int) -> bool:
    name = names[number - 1]
    return name[:1].isupper() and name[:4] in text


def _without(text: str, parts: list[str]) -> str:
    for part in parts:
        text = text.replace(part, " " * len(part))
    return text


def _position(low: str, language: str) -> str | None:
    for key, value in (
        ("at_end", "end"),
        ("at_start", "start"),
        ("before", "before"),
        ("after", "after"),
    ):
        if lexicon.any_match(language, key, low):
            return value
    return None


def numbers(text: str, language: str) -> list[int]:
    """Idea numbers in a reply: digits and the language's number words."""
    ordinals = lexicon.data(language).get("ideas", {}).get("ordinals", {})
    found: list[tuple[int, int]] = [(m.start(), int(m.group(1))) for m in NUMBER.finditer(text)]
    for word, value in ordinals.items():
        for m in re.finditer(rf"(?<!\w){re.escape(str(word))}\w{{0,2}}(?!\w)", text, re.IGNORECASE):
            found.append((m.start(), int(value)))
    return list(dict.fromkeys(n for _, n in sorted(found)))
