"""Turning free-text answers into items: lists, labels, commands, emotion scores.

Hand-written because no library parses this small, multilingual interview grammar; kept
deliberately forgiving: when in doubt, the user's wording is kept as one item.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Any

BULLET = re.compile(r"^\s*(?:[-*•·‣◦]|\d{1,2}[.)])\s+")
MAX_ITEM = 2000


def normalise(text: str) -> str:
    """Lower-case, trimmed, without trailing punctuation: for matching command words."""
    clean = unicodedata.normalize("NFKC", text).strip().casefold()
    clean = clean.replace("\u2019", "'")
    return re.sub(r"[\s.!]+$", "", clean).strip()


def is_word(text: str, words: list[str]) -> bool:
    return normalise(text) in {normalise(w) for w in words}


def split_list(text: str, commas: bool = True) -> list[str]:
    """Split a list answer on new lines, bullets, semicolons and (optionally) commas."""
    parts: list[str] = []
    for line in re.split(r"[\r\n]+|;", text):
        line = BULLET.sub("", line).strip()
        if not line:
            continue
        pieces = _split_commas(line) if commas else [line]
        parts.extend(p.strip(" \t-–—•*") for p in pieces)
    seen: set[str] = set()
    unique = []
    for part in parts:
        if part and part.casefold() not in seen:
            seen.add(part.casefold())
            unique.append(part)
    return unique


def _split_commas(line: str) -> list[str]:
    """Split on commas outside brackets, so 'webinar (Sales, Marketing)' stays one item."""
    out: list[str] = []
    current: list[str] = []
    depth = 0
    for ch in line:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth = max(0, depth - 1)
        if ch == "," and depth == 0:
            out.append("".join(current))
            current = []
        else:
            current.append(ch)
    out.append("".join(current))
    return out


def split_questions(text: str) -> list[str]:
    """Questions may contain commas; split on '?', new lines, semicolons and bullets instead."""
    items = []
    for part in split_list(text, commas=False):
        pieces = [p.strip() for p in re.split(r"(?<=\?)\s+", part) if p.strip()]
        items.extend(pieces)
    if len(items) == 1 and "?" not in items[0] and "," in items[0]:
        return split_list(text)
    return items


CONJUNCTIONS = {"że", "ze", "che", "that"}


@cache
def _filler_pattern(fillers: tuple[str, ...]) -> re.Pattern[str]:
    # Longest first, so 'so based on our notes' wins over 'so'; inside a phrase, spaces and
    # commas are flexible ('z tego, co widzimy' = 'z tego co widzimy').
    # A phrase ending in a conjunction ('wydaje mi się, że', 'direi che') leads into the answer
    # itself, so a plain space may follow it.
    phrases = sorted({f.strip() for f in fillers if f.strip()}, key=len, reverse=True)

    def words(phrase: str) -> str:
        return r"[\s,]+".join(re.escape(w) for w in phrase.split())

    open_ = [p for p in phrases if p.split()[-1].casefold() in CONJUNCTIONS]
    closed = [p for p in phrases if p not in open_]
    parts = [rf"(?:{'|'.join(words(p) for p in closed)})(?:[ \t]*[,.:;!?…–—-]+[ \t]*|[ \t]*$)"]
    if open_:
        parts.insert(0, rf"(?:{'|'.join(words(p) for p in open_)})[ \t]+")
    return re.compile(rf"^[ \t]*(?:{'|'.join(parts)})", re.IGNORECASE | re.M)


def strip_fillers(text: str, fillers: list[str]) -> str:
    """Drop conversational fillers at the start of the answer or of a line, when punctuation
    (or the line's end) follows them: 'Good question. From what we have seen, ads' -> 'ads'.
    A filler followed by a plain space is kept ('Well Known Brands' stays a name)."""
    if not fillers:
        return text
    pattern = _filler_pattern(tuple(fillers))
    previous = None
    while previous != text:
        previous, text = text, pattern.sub("", text)
    return text.strip()


def cut(text: str) -> tuple[str, bool]:
    if len(text) <= MAX_ITEM:
        return text, False
    return text[: MAX_ITEM - 1].rstrip() + "…", True


@dataclass
class Labelled:
    """A labelled segment, e.g. 'pains: price unclear'."""

    target: str
    """A field key such as `stage.pain_points`, `persona.goals` or `*.goals`."""
    text: str


def find_labels(text: str, labels: dict[str, str]) -> tuple[str, list[Labelled]]:
    """Split 'intro. touchpoints: ads, webinar; pains: price' into the unlabelled intro and
    labelled segments. A label only counts at the start of the text, a line or after ';'/'.'."""
    names = sorted(labels, key=len, reverse=True)
    pattern = re.compile(
        r"(?:^|(?<=[\n;.]))\s*(" + "|".join(re.escape(n) for n in names) + r")\s*:", re.IGNORECASE
    )
    matches = list(pattern.finditer(text))
    if not matches:
        return text, []
    intro = text[: matches[0].start()].strip(" ;.\n")
    found = []
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        body = text[match.end() : end].strip(" ;\n")
        if body:
            found.append(Labelled(labels[match.group(1).casefold()], body))
    return intro, found


SCORE_AT_END = re.compile(
    r"(?<![\w-])([-+\u2212\u2013]?[0-2])\s*\)?\s*$|\(([-+\u2212\u2013]?[0-2])\)"
)
"""An explicit score at the end, '(-1)' or '+2' (the dash is first in the class: a '+-x'
range would take every letter)."""


def emotion_score(
    text: str, lexicon: dict[Any, list[str]], negations: list[str]
) -> tuple[int, bool]:
    """Score an emotion -2..+2: an explicit number wins, then the lexicon; (score, matched).

    A negation flips only the emotion word it stands right before ('not confident'), so
    'unsure what to pick, but curious' keeps its positive word.
    """
    explicit = SCORE_AT_END.search(text)
    if explicit:
        raw = (explicit.group(1) or explicit.group(2)).replace("\u2212", "-").replace("\u2013", "-")
        return int(raw), True
    words = re.findall(r"[\w']+", text.casefold())
    negators = {n.casefold() for n in negations}
    best: int | None = None
    for index, word in enumerate(words):
        for score_key, stems in lexicon.items():
            if not any(word.startswith(stem.casefold()) for stem in stems):
                continue
            score = int(score_key)
            if negators & set(words[max(0, index - 2) : index]):
                score = -score if score else -1
            if best is None or abs(score) > abs(best):
                best = score
            break
    if best is None:
        return 0, False
    return best, True


def strip_score(text: str) -> str:
    """The emotion's wording without a trailing explicit score like '(-1)' or ' +2'."""
    match = SCORE_AT_END.search(text)
    return (text[: match.start()].strip() or text) if match else text


def bracket_detail(text: str) -> tuple[str, str | None]:
    """'webinar (Marketing)' -> ('webinar', 'Marketing'); also 'webinar - Marketing' and '@'."""
    match = re.match(r"^(.*?)\s*\(([^()]+)\)\s*$", text)
    if match and match.group(1).strip():
        return match.group(1).strip(), match.group(2).strip()
    match = re.match(r"^(.*?)\s+(?:@|–|—|-)\s+(.+)$", text)
    if match:
        return match.group(1).strip(), match.group(2).strip()
    return text, None


def _has_phrase(text: str, phrases: list[str]) -> bool:
    """Whether one of the phrases occurs as whole words ('likely' is not in 'unlikely')."""

    def words(value: str) -> str:
        return " " + " ".join(re.findall(r"[\w!]+", value.casefold())) + " "

    folded = words(text)
    return any(words(p) in folded for p in phrases if p.strip())


def severity(text: str, words: dict[str, Any]) -> tuple[str, int | None]:
    """'price unclear (high)' -> ('price unclear', 3), with the language's severity words."""
    body, detail = bracket_detail(text)
    if detail is not None:
        if detail.strip() in {"1", "2", "3"}:
            return body, int(detail)
        for key, value in (("severity_low", 1), ("severity_medium", 2), ("severity_high", 3)):
            if is_word(detail, words.get(key, [])):
                return body, value
    if text.endswith("!!!"):
        return text.rstrip("! "), 3
    return text, None


def milestone(text: str) -> tuple[str, str | None]:
    """'demo booked -> sales calls within a day' -> (milestone, trigger)."""
    parts = re.split(r"\s*(?:->|→|=>)\s*", text, maxsplit=1)
    if len(parts) == 2 and parts[0] and parts[1]:
        return parts[0], parts[1]
    return text, None


def _risk(detail: str, words: dict[str, Any]) -> str | None:
    # Low first: its phrases ('unlikely', 'low risk') contain the high ones' words.
    for key, value in (("risk_low", "low"), ("risk_medium", "medium"), ("risk_high", "high")):
        if _has_phrase(detail, words.get(key, [])):
            return value
    return None


def decision(text: str, words: dict[str, Any]) -> tuple[str, str, str]:
    """'If the trial is slow, then they try a competitor (high)' -> condition, action, risk."""
    risk: str | None = None
    body, detail = bracket_detail(text)
    if detail is not None:
        risk = _risk(detail, words)
        if risk is not None:
            text = body
    ifs = "|".join(re.escape(w) for w in words["if"])
    thens = "|".join(re.escape(w) for w in words["then"])
    match = re.match(
        rf"^\s*(?:{ifs})\s+(.+?)(?:,?\s+(?:{thens})\s+|,\s*|\s*->\s*)(.+)$", text, re.IGNORECASE
    )
    if not match:
        match = re.match(r"^(.+?)\s*(?:->|→|=>)\s*(.+)$", text)
    if match:
        condition, action = match.group(1).strip(), match.group(2).strip()
    else:
        condition, action = text.strip(), words.get("not_stated", "not stated yet")
    if risk is None:
        # Leaving for a competitor, said in the action, is a high risk.
        risk = "high" if _has_phrase(action, words.get("competitor", [])) else "medium"
    return condition, action, risk


@dataclass
class Verdict:
    """The user's answer to a numbered list of proposals (ideas, research suggestions)."""

    accept: list[int]
    """1-based numbers to keep."""
    reject: list[int]
    """1-based numbers to drop."""
    wrong: list[int]
    """Numbers outside the list (nothing is decided then)."""


def verdict(answer: str, words: dict[str, Any], count: int) -> Verdict | None:
    """'yes'/'no' (all), 'accept 1,3' (the others are dropped) or 'reject 2', with the
    language's words; None when the answer is not a verdict."""
    everything = list(range(1, count + 1))
    if is_word(answer, words["accept_all"]):
        return Verdict(everything, [], [])
    if is_word(answer, words["reject_all"]):
        return Verdict([], everything, [])
    for kind in ("accept", "reject"):
        match = re.match(words[kind], normalise(answer), re.IGNORECASE)
        if not match:
            continue
        numbers = list(dict.fromkeys(int(n) for n in re.findall(r"\d+", match.group("numbers"))))
        wrong = [n for n in numbers if not 1 <= n <= count]
        if wrong:
            return Verdict([], [], wrong)
        if kind == "accept":
            return Verdict(numbers, [n for n in everything if n not in numbers], [])
        return Verdict([], numbers, [])
    return None
