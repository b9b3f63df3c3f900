"""The core of a pain point: the customer's problem without the way it was said in a meeting.

Pain points reach the map as people type them: "Like I said, pricing pages hide the real
cost", "Credo che la consegna sia lenta, tipo", "Że księgowa nie odpisuje na maile (high)",
"importing the client list is a nightmare, honestly". Ideas are built from the core
("pricing pages hide the real cost", "la consegna sia lenta" → "la consegna è lenta" is not
attempted: the clause is kept as said), so a title never opens with a lead-in or a hedge and
never carries a remark about severity.

The cleaning is data per language (`clean:` in `prompts/ideas/<lang>.yaml`, English rules
always apply too since maps mix languages): lead-ins and hedges removed from the start (again
and again, "And honestly I think ..."), remarks removed from the end, whole remark sentences
dropped, severity notes in brackets dropped, and evaluative endings ("... is a nightmare")
cut so the problem itself remains. Hand-written on purpose: it is a few regular expressions
per language, and a parser model would be a download the offline mode cannot make.

A core that is too long for a headline is cut at a clause boundary (", because", " which",
" - "), never inside a phrase; when there is no boundary it stays whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from assistant.ideas.patterns import load

MAX_CORE_CHARS = 60
"""Above this a core is cut at its first clause boundary after 25 characters, if it has one."""
MIN_CORE_CHARS = 3


@dataclass(frozen=True)
class PainCore:
    """What an idea is built on."""

    text: str
    """The problem in the customer's terms, first letter as written (acronyms kept)."""
    original: str
    """The pain point as it is on the map."""

    @property
    def usable(self) -> bool:
        """False when nothing but lead-ins and remarks was said ("Like I said")."""
        return len(self.text) >= MIN_CORE_CHARS and bool(re.search(r"\w\w", self.text))

    @property
    def capitalised(self) -> str:
        return self.text[:1].upper() + self.text[1:]

    @property
    def lowered(self) -> str:
        return lower_first(self.text)


def lower_first(text: str) -> str:
    """Lower-case the first letter unless the first word is an acronym or a name-like token
    ("CRM import fails", "KSeF", "Excel" stays as written when its second letter is upper)."""
    if len(text) > 1 and (text[1].isupper() or not text[1].isalpha()):
        return text
    first = text.split(" ", 1)[0]
    if first[:1].isupper() and first.casefold() in _NAMES_LIKE:
        return text
    return text[:1].lower() + text[1:]


_NAMES_LIKE = {"excel", "google", "linux", "windows", "linkedin", "instagram", "facebook"}


@dataclass(frozen=True)
class _Rules:
    lead: re.Pattern[str]
    trail: re.Pattern[str]
    remark: re.Pattern[str]
    verdict: re.Pattern[str]
    boundary: re.Pattern[str]
    indicative: dict[str, str]


def _alternation(phrases: list[str]) -> str:
    ordered = sorted({p.strip() for p in phrases if p.strip()}, key=len, reverse=True)
    return "|".join(ordered) if ordered else r"(?!x)x"


@cache
def rules(language: str) -> _Rules:
    """The cleaning rules of a language plus the English ones (patterns are regex parts)."""
    parts: dict[str, list[str]] = {
        "lead": [],
        "trail": [],
        "remark": [],
        "verdict": [],
        "boundary": [],
    }
    indicative: dict[str, str] = {}
    for lang in dict.fromkeys((language, "en")):
        clean = load(lang).clean
        for key in parts:
            parts[key] += [str(p) for p in clean.get(key) or []]
        indicative.update({str(k): str(v) for k, v in (clean.get("indicative") or {}).items()})
    flags = re.IGNORECASE | re.UNICODE
    return _Rules(
        lead=re.compile(rf"^(?:{_alternation(parts['lead'])})(?:\b|(?<=\W))[\s,:;.!-]*", flags),
        trail=re.compile(rf"[\s,;:.!-]*(?:{_alternation(parts['trail'])})[\s.!?]*$", flags),
        remark=re.compile(rf"^(?:{_alternation(parts['remark'])})[\s.!?]*$", flags),
        verdict=re.compile(rf"\s+(?:{_alternation(parts['verdict'])})[\s.!?]*$", flags),
        boundary=re.compile(rf"(?:{_alternation(parts['boundary'])})", flags),
        indicative=indicative,
    )


_BRACKETS = re.compile(r"\s*[(\[][^()\[\]]{0,40}[)\]]")
_SCORE = re.compile(r"[\s,;-]*(?:[+-]\s?\d|\d\s?/\s?\d+)\s*$")
_SENTENCES = re.compile(r"(?<=[.!?])\s+(?=\S)")
_QUOTES = "\"'“”„«»‘’`"


def pain_core(text: str, language: str = "en") -> PainCore:
    """The core of a pain point (see the module docstring)."""
    r = rules(language)
    clean = " ".join(text.split())
    clean = _BRACKETS.sub("", clean)
    sentences = [s for s in _SENTENCES.split(clean) if s.strip()]
    kept = [s for s in (_strip(s, r) for s in sentences) if s and not r.remark.match(s)]
    parts = [_sentence_end(s) for s in kept[:2]]
    core = " – ".join([*parts[:1], *(lower_first(p) for p in parts[1:])])
    core = _shorten(core, r)
    return PainCore(core, text)


def _strip(sentence: str, r: _Rules) -> str:
    text = sentence.strip()
    after_che = False
    for _ in range(6):
        before = text
        text = text.strip(_QUOTES + " ").strip()
        lead = r.lead.match(text)
        if lead and lead.end():
            after_che = after_che or bool(re.search(r"\bche\W*$", lead.group(0), re.I))
            text = text[lead.end() :].strip()
        text = r.trail.sub("", text).strip()
        text = _SCORE.sub("", text).strip()
        text = text.rstrip(".!;:,-–— ").strip()
        if text == before:
            break
    if after_che and r.indicative:
        text = _indicative(text, r.indicative)
    cut = r.verdict.sub("", text).strip()
    if len(cut) >= 8:  # "X is a nightmare" -> "X"; a bare verdict stays a remark
        text = cut
    if r.remark.match(text):
        return ""
    return text.strip(_QUOTES + " ").rstrip(".!;:,-–— ")


def _indicative(text: str, table: dict[str, str]) -> str:
    """After a dropped "credo che": the first subjunctive verb back to the indicative."""
    for word in re.findall(r"\w+", text):
        if word.casefold() in table:
            return re.sub(rf"\b{word}\b", table[word.casefold()], text, count=1)
    return text


def _sentence_end(text: str) -> str:
    return text.rstrip("?.!;:, ")


def _shorten(text: str, r: _Rules) -> str:
    if len(text) <= MAX_CORE_CHARS:
        return text
    for match in r.boundary.finditer(text):
        if 25 <= match.start() <= MAX_CORE_CHARS + 20:
            return text[: match.start()].rstrip(",;:-–— ")
    return text


def key_words(text: str) -> frozenset[str]:
    """Content words of a pain point (4+ letters), for matching titles and questions."""
    words = re.findall(r"\w+", text.casefold())
    return frozenset(w for w in words if len(w) >= 4 and not w.isdigit())
