"""`journey eval --ideas`: would a content lead put these ideas in next quarter's plan?

Each case in `evals/ideas/*.yaml` is a map typed the way teams type (pain points with
lead-ins, hedges, severity remarks, asides) and what its content lead expects of the format
mix. The guided generator proposes ideas for every pain point, and the check measures:

- `keyword_share`: titles that carry at least one key word of their pain point as it is on
  the map (a title that lost the customer's problem is generic);
- `fragment_share`: titles that open with a fragment or a hedge ("And ...", "Like I said",
  "Credo", "Że ...", a lower-case word), also right after a label such as "Poll:";
- `doubled_share`: titles with a doubled word ("the the", "problem „problem ...");
- `cut_share`: titles cut mid-phrase (an ellipsis);
- `duplicates`: pairs of ideas on one stage that say the same thing;
- `purpose_share`: ideas in the formats the case expects (the purpose or the buyer), against
  the case's own `min_share`;
- `long_share`: titles longer than 110 characters.

The opening and hedge lists below are this check's own, written apart from the cleaning rules
in `prompts/ideas/*.yaml`, so the check is not the generator grading itself.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from assistant.evals.idea_cases import IdeaCase, load_cases
from assistant.ideas import dedupe
from assistant.ideas.generate import generate

LONG_TITLE = 110

OPENERS = {
    "en": [
        "and",
        "but",
        "or",
        "also",
        "plus",
        "like",
        "so",
        "because",
        "honestly",
        "i think",
        "i guess",
        "maybe",
        "probably",
        "well",
        "yeah",
        "ok",
        "okay",
        "as i said",
        "like i said",
        "tbh",
        "um",
        "oh",
        "then",
    ],
    "pl": [
        "i",
        "a",
        "ale",
        "że",
        "bo",
        "no",
        "chyba",
        "też",
        "jak mówiłem",
        "jak mówiłam",
        "szczerze",
        "więc",
        "oraz",
        "może",
        "myślę",
        "raczej",
        "to, że",
        "jeszcze",
    ],
    "it": [
        "e",
        "ma",
        "che",
        "perché",
        "credo",
        "penso",
        "tipo",
        "come dicevo",
        "anche",
        "poi",
        "allora",
        "boh",
        "forse",
        "cioè",
        "beh",
        "insomma",
        "secondo me",
    ],
}
"""Words a headline must not open with (nor a segment after a label such as "Poll:")."""

STOP = {
    "en": {
        "that",
        "this",
        "with",
        "from",
        "when",
        "what",
        "they",
        "their",
        "there",
        "have",
        "about",
        "which",
        "would",
        "really",
        "honestly",
        "think",
        "said",
        "like",
        "also",
        "just",
        "thing",
        "because",
        "being",
        "into",
        "than",
        "them",
        "then",
        "were",
        "she's",
        "he's",
        "it's",
        "that's",
        "i'd",
        "minor",
        "critical",
        "dumb",
        "annoying",
        "some",
        "every",
        "somewhere",
        "actually",
        "huge",
        "thinks",
        "keeps",
    },
    "pl": {
        "jest",
        "się",
        "przy",
        "żeby",
        "chyba",
        "szczerze",
        "mówiąc",
        "duży",
        "problem",
        "bardzo",
        "tylko",
        "jeszcze",
        "który",
        "która",
        "które",
        "ciągle",
    },
    "it": {
        "credo",
        "tipo",
        "della",
        "delle",
        "degli",
        "sono",
        "come",
        "dicevo",
        "problema",
        "principale",
        "grosso",
        "anche",
        "sempre",
        "quando",
        "questo",
        "questa",
    },
}


@dataclass
class Title:
    stage: str
    pain: str
    format: str
    title: str
    flags: list[str] = field(default_factory=list)


@dataclass
class CaseResult:
    id: str
    language: str
    pains: int
    unclear_pains: int
    ideas: int
    keyword_share: float
    fragment_share: float
    doubled_share: float
    cut_share: float
    long_share: float
    duplicates: int
    purpose_share: float
    min_share: float
    titles: list[Title]


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


def key_words(pain: str, language: str) -> set[str]:
    """The pain point's content words: 4+ letters, not a hedge or a filler."""
    stop = STOP.get(language, set()) | STOP["en"]
    return {w for w in _words(pain) if len(w) >= 4 and w not in stop and not w.isdigit()}


def _stem(word: str) -> str:
    return word[:5] if len(word) > 6 else word


def has_key_word(title: str, pain: str, language: str) -> bool:
    """True when the title carries a key word of the pain point (same first 5 letters, so
    inflected forms count: "dokumenty"/"dokumentów")."""
    stems = {_stem(w) for w in _words(title)}
    return any(_stem(w) in stems for w in key_words(pain, language))


def opens_badly(title: str, language: str) -> bool:
    """A fragment or hedge at the start of the title or right after a short label ("Poll:",
    "Webinar:"); a title that starts with a lower-case letter is a fragment too."""
    openers = OPENERS.get(language, []) + OPENERS["en"]
    if title[:1].isalpha() and title[:1].islower():
        return True
    label = re.match(r"^\w+(?:[ &-]\w+){0,2}:\s+(.+)$", title)
    for segment in [title] + ([label.group(1)] if label else []):
        text = segment.strip(" \"'“”„«»").casefold()
        for opener in openers:
            if re.match(rf"{re.escape(opener)}(?:\W|$)", text):
                return True
    return False


def doubled(title: str) -> bool:
    words = _words(title)
    return any(a == b for a, b in zip(words, words[1:], strict=False))


def check_case(case: IdeaCase, per_pain: int = 3) -> CaseResult:
    """Generate the case's ideas with the guided generator and measure them."""
    journey = case.journey
    lang = journey.language
    plans = generate(journey, per_pain=per_pain)
    titles: list[Title] = []
    pains = unclear = dupes = 0
    for plan in plans:
        stage_titles: list[str] = []
        for group in plan.pains:
            pains += 1
            if group.note == "unclear":
                unclear += 1
            for draft in group.drafts:
                t = Title(plan.stage.name, group.pain.text, draft.format, draft.title)
                if not has_key_word(draft.title, group.pain.text, lang):
                    t.flags.append("no_key_word")
                if opens_badly(draft.title, lang):
                    t.flags.append("fragment")
                if doubled(draft.title):
                    t.flags.append("doubled")
                if "…" in draft.title or "..." in draft.title:
                    t.flags.append("cut")
                if len(draft.title) > LONG_TITLE:
                    t.flags.append("long")
                if any(dedupe.same(draft.title, other) for other in stage_titles):
                    dupes += 1
                    t.flags.append("duplicate")
                stage_titles.append(draft.title)
                titles.append(t)
    n = len(titles) or 1

    def share(flag: str) -> float:
        return round(sum(flag in t.flags for t in titles) / n, 3)

    in_mix = sum(t.format in case.formats for t in titles) if case.formats else len(titles)
    return CaseResult(
        id=case.id,
        language=lang,
        pains=pains,
        unclear_pains=unclear,
        ideas=len(titles),
        keyword_share=round(1 - share("no_key_word"), 3),
        fragment_share=share("fragment"),
        doubled_share=share("doubled"),
        cut_share=share("cut"),
        long_share=share("long"),
        duplicates=dupes,
        purpose_share=round(in_mix / n, 3),
        min_share=case.min_share,
        titles=titles,
    )


def run(folder: Path | None = None, per_pain: int = 3) -> list[CaseResult]:
    return [check_case(c, per_pain) for c in load_cases(folder)]


def summary(results: list[CaseResult]) -> dict[str, float]:
    """Overall figures: shares over all ideas, duplicates summed, the lowest purpose margin."""
    ideas = sum(r.ideas for r in results) or 1

    def weighted(name: str) -> float:
        return round(sum(getattr(r, name) * r.ideas for r in results) / ideas, 3)

    return {
        "ideas": float(sum(r.ideas for r in results)),
        "keyword_share": weighted("keyword_share"),
        "fragment_share": weighted("fragment_share"),
        "doubled_share": weighted("doubled_share"),
        "cut_share": weighted("cut_share"),
        "long_share": weighted("long_share"),
        "duplicates": float(sum(r.duplicates for r in results)),
        "min_purpose_margin": round(min(r.purpose_share - r.min_share for r in results), 3),
    }


def as_dict(results: list[CaseResult]) -> dict[str, Any]:
    return {"summary": summary(results), "cases": [asdict(r) for r in results]}


def check(results: list[CaseResult], thresholds: dict[str, float]) -> list[str]:
    """Failures against `ideas:` in evals/thresholds.yaml (`min_<figure>` / `max_<figure>` on
    the summary); every case must also reach its own `min_share` of expected formats."""
    figures = summary(results)
    failures = []
    for key, limit in thresholds.items():
        kind, _, name = key.partition("_")
        value = figures.get(name)
        if value is None:
            failures.append(f"{key}: no figure named '{name}'")
        elif (kind == "min" and value < limit) or (kind == "max" and value > limit):
            failures.append(f"{name} = {value} ({kind} {limit})")
    for r in results:
        if r.purpose_share < r.min_share:
            failures.append(f"{r.id}: {r.purpose_share:.2f} of ideas in the expected formats")
    return failures
