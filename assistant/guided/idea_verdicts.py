"""Verdicts on offered content ideas in natural words ('I like 1 and 3', 'keep all three',
'none of these'), and idea numbers said when nothing is on offer."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from assistant.guided import ideas_step, intents, lexicon, parse
from assistant.guided import sentences as S

if TYPE_CHECKING:
    from assistant.conversation import Conversation
    from assistant.state import Offer

Done = tuple[list[str], list[Any], list[str]]
"""(lines to show, tool results, errors)."""


def idea_verdict(text: str, language: str, count: int) -> parse.Verdict | None:
    """Accepted and rejected idea numbers in natural words; None when it is not a verdict."""
    d = lexicon.data(language).get("ideas", {})
    low = text.casefold().replace("’", "'")

    def has(key: str, part: str = low) -> bool:
        return any(re.search(p, part, re.IGNORECASE) for p in d.get(key, []))

    everything = list(range(1, count + 1))
    first_n = re.search(d.get("first_n", r"(?!x)x"), low)
    if has("except"):
        after = re.split("|".join(d.get("except", [])), low, maxsplit=1)[-1]
        dropped = [n for n in intents.numbers(after, language) if 1 <= n <= count]
        if dropped:
            return parse.Verdict([n for n in everything if n not in dropped], dropped, [])
    if first_n:
        n = intents.numbers(first_n.group("n"), language) or [2]
        keep = list(range(1, min(count, n[0]) + 1))
        return parse.Verdict(keep, [n for n in everything if n not in keep], [])
    if has("all") and intents.numbers(low, language) == [count]:
        return parse.Verdict(everything, [], [])  # 'keep all three' says how many, not which
    accept: list[int] = []
    reject: list[int] = []
    for sentence in S.sentences(text):
        part = S.restore(sentence).casefold()
        found = [n for n in intents.numbers(part, language) if 1 <= n <= count]
        if not found:
            continue
        if has("negative", part) and not has("positive", part):
            reject.extend(found)
        elif has("positive", part) or re.fullmatch(r"[\d\s,&.+]+", part.strip()):
            accept.extend(found)
    if accept:
        return parse.Verdict(sorted(set(accept)), [n for n in everything if n not in accept], [])
    if reject:
        return parse.Verdict([], sorted(set(reject)), [])
    if has("none"):
        return parse.Verdict([], everything, [])
    if has("all"):
        return parse.Verdict(everything, [], [])
    return None


def verdict_without_offer(text: str, language: str) -> bool:
    """'I like 1 and 3' or 'accept 2' while no ideas are on offer: a reply to an offer, not an
    answer. Only short messages made of idea numbers and verdict words count."""
    low = S.restore(text).casefold().replace("’", "'")
    if len(low.split()) > 10 or re.search(r"[+\-−–]\s?\d", low):
        return False
    if not intents.NUMBER.search(low) or idea_verdict(text, language, 9) is None:
        return False
    d = lexicon.data(language).get("ideas", {})
    rest = intents.NUMBER.sub(" ", low)
    for key in ("positive", "negative", "all", "none", "except"):
        for pattern in d.get(key, []):
            rest = re.sub(pattern, " ", rest, flags=re.IGNORECASE)
    if rest == intents.NUMBER.sub(" ", low):
        return False  # a bare number is an answer ('2')
    # 'like 2' may be a score: one number needs a word about ideas or a verdict verb
    scored = lexicon.words_re(language, "score_words").sub(" ", intents.NUMBER.sub(" ", low))
    ideas = lexicon.words_re(language, "idea_words")
    if len(set(intents.NUMBER.findall(low))) < 2 and not ideas.search(low) and scored == rest:
        return False
    rest = lexicon.words_re(language, "list_joiners").sub(" ", rest)
    rest = ideas.sub(" ", rest)
    return len(re.findall(r"\w+", rest)) <= 3


def decide_ideas(session: Conversation, offer: Offer, verdict: parse.Verdict) -> Done:
    turn = ideas_step.decide(
        session,
        offer,
        [offer.ids[n - 1] for n in verdict.accept],
        [offer.ids[n - 1] for n in verdict.reject],
    )
    return turn.lines, turn.results, turn.errors
