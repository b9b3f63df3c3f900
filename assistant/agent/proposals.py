"""Removals and rewordings the model proposed, as the user sees them and answers them.

The user's answer is read by the project's one verdict parser (`assistant.guided.parse.verdict`,
which also reads answers to offers of ideas and research suggestions), with the removal's own
words per language (`prompts/agent/proposals.yaml`): "keep" is a yes to an offer of ideas but a
no to a removal, so the ideas' words cannot serve here. A message is read clause by clause, and
a clause may start with a verdict phrase ("Yes, remove it", "yes remove the Compare stage",
"Nie, zostaw"). Clauses that disagree ("yes, but keep it") are no answer; no answer never
approves (`tools/lean.py` refuses the approval), and a "no" drops the proposal.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from assistant import prompts
from assistant.agent.prompt import texts
from assistant.guided import parse
from assistant.schema import JourneyMap, Source, Stage
from assistant.state import PendingChange
from tools import lean_ops

CLAUSE = re.compile(r"[,.;:!?\n…()\"“”„«»]+|\s[-–—]+\s")
LEAD_WORDS = 6
"""A verdict phrase is at most this many words."""


@cache
def _language(language: str) -> dict[str, Any]:
    table = texts("proposals.yaml")
    return dict(table.get(language) or table["en"])


def verdict(text: str, language: str, count: int) -> parse.Verdict | None:
    """The user's verdict on `count` listed proposals (numbered from 1), or None."""
    if count < 1:
        return None
    words = _language(language)["words"]
    found: list[parse.Verdict] = []
    for clause in CLAUSE.split(text):
        found += _clause(clause.split(), words, count)
    if not found or any(v != found[0] for v in found) or found[0].wrong:
        return None
    return found[0]


def _clause(tokens: list[str], words: dict[str, Any], count: int) -> list[parse.Verdict]:
    """The verdict phrases a clause starts with ('yes' + 'remove it' + ...)."""
    out: list[parse.Verdict] = []
    while tokens:
        while tokens and parse.is_word(tokens[0], words["joiners"]):
            tokens = tokens[1:]
        for n in range(min(len(tokens), LEAD_WORDS), 0, -1):
            decided = parse.verdict(" ".join(tokens[:n]), words, count)
            if decided is not None:
                out.append(decided)
                tokens = tokens[n:]
                break
        else:
            break  # the rest of the clause is not an answer to the proposals
    return out


def answer(text: str, language: str, pending: list[PendingChange]) -> tuple[list[str], list[str]]:
    """(ids the user agreed to, ids the user said no to) in this message."""
    decided = verdict(text, language, len(pending))
    if decided is None:
        return [], []
    return [pending[n - 1].id for n in decided.accept], [pending[n - 1].id for n in decided.reject]


def describe(journey: JourneyMap, change: PendingChange, language: str) -> str:
    """What the proposal would do, in the interview language, for the user."""
    t = _language(language)
    labels = prompts.guided(language)
    op = change.operation
    items = op.get("items") or [{}]
    new = str(items[0].get("text") or "")
    refs = list(op.get("ids") or [])
    parts = []
    for ref in refs[:1] if op.get("op") == "edit" else refs:
        found = lean_ops.locate(journey, ref)
        if found is None:
            continue
        stage, field, target = found
        if isinstance(target, Stage):
            key = "rename_stage" if op.get("op") == "edit" else "remove_stage"
            parts.append(prompts.fill(t[key], name=target.name, new=new))
            continue
        if target.provenance.source is Source.document:
            text = prompts.fill(t["research_item"], id=target.id)
        else:
            text = target.text
        if stage is None:
            name = field.split(".", 1)[1]
            label = labels.get("persona_fields", {}).get(name, name)
            where = t["persona"]
        else:
            label = labels.get("stage_fields", {}).get(field, field)
            where = stage.name
        key = "reword_item" if op.get("op") == "edit" else "remove_item"
        parts.append(prompts.fill(t[key], text=text, new=new, field=label, stage=where))
    return "; ".join(parts) or change.what


def listed(journey: JourneyMap, pending: list[PendingChange], language: str) -> str:
    """Every pending proposal for the user, numbered when there are several (so 'yes 1' works)."""
    said = [describe(journey, p, language) for p in pending]
    if len(said) == 1:
        return said[0]
    return "; ".join(f"({n}) {s}" for n, s in enumerate(said, 1))
