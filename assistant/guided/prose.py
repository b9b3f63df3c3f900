"""Values written in prose: scores ('I'd give it a -2'), severities ('that's critical', 'minor
thing'), competitor risk ('high risk'), departments ('which the web team owns'), decision
points ('if the price is higher, she'll probably go to X') and milestone triggers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from assistant.guided import lexicon, sentences

SIGNED = re.compile(r"(?<![\w+\-−–:])([+\-−–])\s?([0-2])(?![\w%.,/:]|\.\d)")
UNSIGNED = re.compile(r"(?<![\w+\-−–:])([0-2])(?![\w%/:]|[.,]\d)")
FILLER = re.compile(
    r"(?<![\w])(?:that'?s|that is|it'?s|it is|this is|which is|but|so|and|a|an|the|pretty|"
    r"very|really|quite|definitely|honestly|severity|priority|one|problem|issue|thing|pain|"
    r"point|level|to be fair|for sure|i'?d say|i would say|i think|score|risk|rather|more|"
    r"like|maybe|about|around|easily|at least|probably|too|also|though|here|there|for her|"
    r"for him|for them|overall|most of the time)(?![\w])",
    re.IGNORECASE,
)


def _rest(text: str, language: str, extra: re.Pattern[str] | None = None) -> str:
    """What is left of a remark once fillers of both English and the language are gone."""
    rest = text.casefold().replace("’", "'")
    if extra is not None:
        rest = extra.sub(" ", rest)
    rest = lexicon.words_re(language, "remark_words").sub(" ", rest)
    rest = FILLER.sub(" ", rest)
    rest = sentences.strip_trail(sentences.strip_lead(rest, language), language)
    return re.sub(r"[\s,.;:!?()…\-–—'\"]+", " ", rest).strip()


def content(text: str, language: str) -> str:
    """What a part says once fillers ('like', 'I'd say', 'the one') are gone; '' for none."""
    return _rest(text, language)


def score_of(text: str, language: str) -> tuple[int | None, str]:
    """An explicit score in the text and the text without it: '-1', 'like a +2', 'metterei 0'."""
    match = SIGNED.search(text)
    if match:
        sign = -1 if match.group(1) in "-−–" else 1
        value = sign * int(match.group(2))
        return value, _cut(text, match)
    words = lexicon.words_re(language, "score_words")
    for found in UNSIGNED.finditer(text):
        before = text[: found.start()].rstrip()
        tail = words.search(before[-25:]) if before else None
        if tail and before.endswith(tail.group(0)):
            return int(found.group(1)), _cut(text, found, tail.group(0))
    return None, text


def _cut(text: str, match: re.Match[str], lead: str = "") -> str:
    start = match.start() - (len(lead) + 1 if lead else 0)
    left = text[: max(0, start)].rstrip(" ,(–—-")
    right = text[match.end() :].lstrip(" )")
    return f"{left} {right}".strip(" ,") if right.strip(" .,") else left


@cache
def _phrases_re(language: str) -> re.Pattern[str]:
    words = [w for v in lexicon.data(language).get("score_phrases", {}).values() for w in v]
    return re.compile(rf"(?<![\w])(?:{lexicon.phrase_regex(words)})(?![\w])", re.IGNORECASE)


def worded_score(text: str, language: str) -> int | None:
    """A score said in words ('slightly negative' -1), the longest phrase winning."""
    best: tuple[int, int] | None = None
    for value, phrases in lexicon.data(language).get("score_phrases", {}).items():
        for phrase in phrases:
            pattern = rf"(?<![\w]){lexicon.phrase_regex([phrase])}(?![\w])"
            if re.search(pattern, text, re.IGNORECASE) and (best is None or len(phrase) > best[0]):
                best = (len(phrase), int(value))
    return best[1] if best else None


def severity_of(text: str, language: str) -> int | None:
    for level, pattern in lexicon.severity_levels(language):
        if pattern.search(text):
            return level
    return None


def risk_of(text: str, language: str) -> str | None:
    for level, pattern in lexicon.risk_levels(language):
        if pattern.search(text):
            return level
    return None


RISK_OF = {1: "low", 2: "medium", 3: "high"}


@dataclass
class Remark:
    """A part that only qualifies the previous item."""

    score: int | None = None
    severity: int | None = None
    risk: str | None = None
    department: str | None = None
    item: str | None = None
    """The item a department remark names ('the website, marketing runs it'), if it names one."""


def remark(text: str, language: str) -> Remark | None:
    """The part as a remark on the previous item, or None when it holds facts of its own."""
    plain = text.strip()
    if not plain:
        return None
    score, without = score_of(plain, language)
    if score is not None and not _rest(without, language):
        return Remark(score=score)
    if score is None:
        worded = worded_score(plain, language)
        if worded is not None and not _rest(plain, language, _phrases_re(language)):
            return Remark(score=worded)  # 'pretty negative overall', 'il massimo del negativo'
    risk_rest = _rest(plain, language, _levels_re(language, "risk"))
    if (
        not risk_rest
        and risk_of(plain, language)
        and lexicon.any_match(language, "risk_cue", plain)
    ):
        return Remark(risk=risk_of(plain, language))
    sev_rest = _rest(plain, language, _levels_re(language, "severity"))
    if not sev_rest and severity_of(plain, language):
        level = severity_of(plain, language)
        return Remark(severity=level, risk=RISK_OF[level or 2])
    dept, item = department_remark(plain, language)
    if dept:
        return Remark(department=dept, item=item)
    lead = lexicon.any_match(language, "severity_lead", plain)
    level = severity_of(plain, language) if lead and lead.start() == 0 else None
    if level:
        # 'that's a huge one (IT owns the portal)', 'e questo per lui è grave perché...'
        _, owner = department_in(plain, language)
        return Remark(severity=level, risk=RISK_OF[level], department=owner)
    return None


def is_pure_remark(text: str, language: str) -> bool:
    return remark(text, language) is not None


def _levels_re(language: str, key: str) -> re.Pattern[str]:
    levels = lexicon.data(language).get(key, {})
    words = [w for v in levels.values() for w in v]
    return re.compile(rf"(?<![\w])(?:{lexicon.phrase_regex(words)})(?![\w])", re.IGNORECASE)


def department_remark(text: str, language: str) -> tuple[str | None, str | None]:
    """A whole part that names who owns a touchpoint ('IT owns the portal'): the department,
    and the item it names when the pattern has an `item` group ('il sito lo gestisce X')."""
    for pattern in lexicon.patterns(language, "department_remarks"):
        found = pattern.match(text.strip(" .()"))
        if found:
            item = found.groupdict().get("item")
            item = sentences.clean(item, language) if item else None
            return found.group("dept").strip(), item or None
    return None, None


def department_in(text: str, language: str) -> tuple[str, str | None]:
    """A department said inside an item: '(marketing runs those)', 'from the product team'."""
    for pattern in lexicon.patterns(language, "department_patterns"):
        found = pattern.search(text)
        if found and found.group("dept").strip():
            body = " ".join((text[: found.start()] + " " + text[found.end() :]).split())
            body = body.strip(" ,-–—")
            dept = found.group("dept").strip()
            if body and len(dept.split()) <= 5:
                return body, dept
    return text, None


def decision(text: str, language: str) -> tuple[str, str] | None:
    """(condition, likely action) of 'if X(,) (then) Y' or 'Y if/when X'; None otherwise."""
    d = lexicon.data(language)
    ifs = lexicon.phrase_regex(d.get("if_words", []))
    thens = lexicon.phrase_regex(d.get("then_words", []))
    subjects = lexicon.phrase_regex(d.get("subjects", []))
    body = text.strip().rstrip(".")
    lead = re.match(rf"^(?:{ifs})\s+", body, re.IGNORECASE)
    if lead:
        rest = body[lead.end() :]
        split = re.search(r",\s*(?:(?:" + thens + r")\s+)?", rest, re.IGNORECASE)
        then = re.search(rf"\s(?:{thens})\s", rest, re.IGNORECASE)
        if then and (not split or then.start() < split.start()):
            return rest[: then.start()].strip(), _action(rest[then.start() :])
        if split and split.start() > 3:
            return rest[: split.start()].strip(), _action(rest[split.end() :])
        # 'if her trial lapses she forgets us': the action starts at the second subject
        for found in re.finditer(rf"\s(?=(?:{subjects})\s)", rest, re.IGNORECASE):
            if found.start() > 8:
                return rest[: found.start()].strip(), _action(rest[found.end() :])
        return None
    inner = re.search(rf"\s(?:{ifs})\s", body, re.IGNORECASE)
    if inner and inner.start() > 8:
        return body[inner.end() :].strip(), _action(body[: inner.start()])
    return None


def _action(text: str) -> str:
    return text.strip(" ,.;").strip()


def trigger(text: str, language: str) -> tuple[str, str | None]:
    """'<milestone> when/after <trigger>' -> (milestone, trigger)."""
    words = lexicon.phrase_regex(lexicon.data(language).get("trigger_words", []))
    found = re.search(rf"[\s,–—-]+(?:{words})\s+", text, re.IGNORECASE)
    if found and found.start() > 3 and len(text) - found.end() > 3:
        return text[: found.start()].strip(" ,"), text[found.end() :].strip(" .,")
    return text, None
