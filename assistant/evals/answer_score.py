"""Scoring one corpus case as `FORMAT.md`'s scoring section says, and adding cases up.

An expected item is found when an added (or changed) item in the same field and stage has
rapidfuzz `token_set_ratio` >= 85 on case-folded text without punctuation, and an equal
score/severity where one is expected; a department matches with `partial_ratio` >= 85; a
decision point matches on its condition and its likely action. "Clean" is stricter: the
whole item is similar (`ratio` >= 85), so an item that still carries a hedge does not count.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from pydantic import BaseModel, Field
from rapidfuzz import fuzz

from assistant.evals.answer_cases import MapItem

MATCH = 85.0


def norm(text: str) -> str:
    clean = unicodedata.normalize("NFKC", str(text)).casefold()
    return " ".join(re.findall(r"\w+", clean))


def same(a: str, b: str) -> bool:
    return fuzz.token_set_ratio(norm(a), norm(b)) >= MATCH


def clean_same(a: str, b: str) -> bool:
    return fuzz.ratio(norm(a), norm(b)) >= MATCH


def _matches(expected: Any, item: MapItem) -> tuple[bool, bool]:
    """(found, clean) for one expected value against one map item of the same field."""
    if isinstance(expected, dict) and "condition" in expected:
        cond, action = str(item.get("condition") or ""), str(item.get("likely_action") or "")
        found = same(expected["condition"], cond) and same(expected["likely_action"], action)
        risk = expected.get("competitor_risk")
        if risk and risk != item.get("competitor_risk"):
            found = False
        clean = clean_same(
            f"{expected['condition']} {expected['likely_action']}", f"{cond} {action}"
        )
        return found, found and clean
    if not isinstance(expected, dict):
        expected = {"text": expected}
    text = str(expected.get("text", ""))
    found = same(text, item.text)
    for key in ("score", "severity"):
        if key in expected and expected[key] != item.get(key):
            found = False
    dept = expected.get("department")
    if found and dept:
        have = item.get("department") or ""
        found = bool(have) and fuzz.partial_ratio(norm(dept), norm(have)) >= MATCH
    return found, found and clean_same(text, item.text)


def match_items(
    expected: list[tuple[str, str | None, Any]], added: list[MapItem]
) -> tuple[int, int, list[MapItem], list[Any]]:
    """(found, clean, garbage items, missed expected values): one item matches one value."""
    used: set[int] = set()
    found = clean = 0
    missed: list[Any] = []
    for field, stage_id, value in expected:
        best: tuple[int, bool] | None = None
        for index, item in enumerate(added):
            if index in used or item.field != field:
                continue
            if stage_id is not None and item.stage_id != stage_id:
                continue
            ok, is_clean = _matches(value, item)
            if ok and (best is None or (is_clean and not best[1])):
                best = (index, is_clean)
        if best is None:
            missed.append(value)
            continue
        used.add(best[0])
        found += 1
        clean += int(best[1])
    garbage = [item for i, item in enumerate(added) if i not in used]
    return found, clean, garbage, missed


def leaks(fragments: list[str], items: list[MapItem]) -> list[str]:
    """`not_expected` fragments still on the map: inside an item as whole words."""
    out = []
    for fragment in fragments:
        needle = norm(fragment)
        if not needle:
            continue
        for item in items:
            if f" {needle} " in f" {norm(item.text)} ":
                out.append(fragment)
                break
    return out


class CaseResult(BaseModel):
    id: str
    lang: str
    intent: str
    asked: str
    expected: int = 0
    found: int = 0
    clean: int = 0
    added: int = 0
    garbage: int = 0
    intent_ok: bool = False
    fields: dict[str, dict[str, int]] = Field(default_factory=dict)
    """Per field: expected, found, clean, added, garbage."""
    leaked: list[str] = Field(default_factory=list)
    missed: list[str] = Field(default_factory=list)
    garbage_items: list[str] = Field(default_factory=list)
    say: str = ""
    reply: str = ""
    error: str = ""


class Figures(BaseModel):
    cases: int = 0
    expected: int = 0
    found: int = 0
    clean: int = 0
    added: int = 0
    garbage: int = 0
    intent_cases: int = 0
    intent_ok: int = 0

    def add(self, r: CaseResult | dict[str, int], intent_ok: bool | None = None) -> None:
        data = r.model_dump() if isinstance(r, CaseResult) else r
        for key in ("expected", "found", "clean", "added", "garbage"):
            setattr(self, key, getattr(self, key) + int(data.get(key, 0)))
        if intent_ok is not None:
            self.cases += 1
            self.intent_cases += 1
            self.intent_ok += int(intent_ok)

    @property
    def precision(self) -> float:
        return (self.added - self.garbage) / self.added if self.added else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 1.0

    @property
    def clean_share(self) -> float:
        return self.clean / self.expected if self.expected else 1.0

    @property
    def garbage_rate(self) -> float:
        return self.garbage / self.added if self.added else 0.0

    @property
    def intent_accuracy(self) -> float:
        return self.intent_ok / self.intent_cases if self.intent_cases else 1.0

    def row(self) -> dict[str, float | int]:
        return {
            "cases": self.cases,
            "precision": round(self.precision, 3),
            "recall": round(self.recall, 3),
            "clean": round(self.clean_share, 3),
            "garbage_rate": round(self.garbage_rate, 3),
            "garbage": self.garbage,
            "intent_accuracy": round(self.intent_accuracy, 3),
        }


def summarise(results: list[CaseResult]) -> dict[str, dict[str, dict[str, float | int]]]:
    """Figures per language ('all' too), per language and field, per language and intent."""
    langs: dict[str, Figures] = {"all": Figures()}
    fields: dict[str, Figures] = {}
    intents: dict[str, Figures] = {}
    for r in results:
        for lang in ("all", r.lang):
            langs.setdefault(lang, Figures()).add(r, r.intent_ok)
            intents.setdefault(f"{lang}/{r.intent}", Figures()).add(r, r.intent_ok)
            for field, counts in r.fields.items():
                fields.setdefault(f"{lang}/{field}", Figures()).add(counts, None)
                fields[f"{lang}/{field}"].cases += 1
    return {
        "languages": {k: v.row() for k, v in sorted(langs.items())},
        "fields": {k: v.row() for k, v in sorted(fields.items())},
        "intents": {k: v.row() for k, v in sorted(intents.items())},
    }
