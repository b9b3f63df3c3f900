"""Conversation-level check: a marketer's whole conversation, replayed message by message.

A case (`evals/conversations/*.yaml`) is a brief the marketer knows, the messages they typed
(naturally: hedges, several facts per message, a correction, questions back, commands in
words) and the limits the conversation must stay within. Replaying sends every message in
order to a fresh guided session and measures: messages to a complete map, garbage items
(user facts that match no brief item of their own stage and field: hedges, half-sentences,
commands recorded as facts, facts in the wrong field), clean share and recall of the brief.

    python -m assistant.evals.conversations [--dir evals/conversations] [--write]

`--write` saves each transcript (`transcripts/<id>.md`) and the counts (`results.json`) beside
the cases."""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, Field

from assistant.evals import metrics as m
from assistant.evals.phrasing import Phrasebook
from assistant.evals.scenario import Scenario
from assistant.language import Language
from assistant.session import open_session
from assistant.settings import Settings, get_settings


class Limits(BaseModel):
    max_messages: int = 35
    max_garbage: int = 2
    min_recall: float = 0.0


class Case(BaseModel):
    """One replayable conversation."""

    id: str
    language: Language
    description: str = ""
    limits: Limits = Field(default_factory=Limits)
    brief: dict[str, Any]
    """context, persona, stages: the scenario format without id and style."""
    messages: list[str]

    def scenario(self) -> Scenario:
        return Scenario.model_validate(
            {"id": self.id, "language": self.language, "style": "natural", **self.brief}
        )


class Exchange(BaseModel):
    user: str
    assistant: str
    complete: bool


class Outcome(BaseModel):
    """What one replay measured."""

    id: str
    language: str
    messages: int
    """Messages sent (all of the case's, unless the conversation ended earlier)."""
    complete_at: int | None
    """Messages after which the map was first complete (None: never)."""
    complete: bool
    garbage: list[str]
    clean_share: float
    recall: float
    recalled: int
    brief_items: int
    missed: list[str]
    transcript: list[Exchange]

    def failures(self, limits: Limits) -> list[str]:
        """Every limit the replay misses, as sentences ([] when it passes)."""
        out = []
        if self.complete_at is None:
            out.append(f"{self.id}: the map never became complete")
        elif self.complete_at > limits.max_messages:
            out.append(f"{self.id}: complete after {self.complete_at} messages")
        if len(self.garbage) > limits.max_garbage:
            out.append(f"{self.id}: {len(self.garbage)} garbage items: {self.garbage}")
        if self.recall < limits.min_recall:
            out.append(f"{self.id}: recall {self.recall:.2f} < {limits.min_recall}")
        return out


def load(folder: Path) -> list[Case]:
    return [
        Case.model_validate(yaml.safe_load(p.read_text(encoding="utf-8")))
        for p in sorted(folder.glob("*.yaml"))
    ]


def replay(case: Case, settings: Settings | None = None) -> Outcome:
    """Send the case's messages to a fresh guided session and measure the final map."""
    settings = settings or get_settings()
    scenario = case.scenario()
    with tempfile.TemporaryDirectory(prefix=f"journey-conv-{case.id}-") as home:
        session = open_session(
            map=case.id, home=home, new=True, lang=case.language, model="guided", settings=settings
        )
        session.start()
        transcript: list[Exchange] = []
        complete_at = None
        for message in case.messages:
            reply = session.send(message)
            complete = reply.status.complete
            transcript.append(Exchange(user=message, assistant=reply.text, complete=complete))
            if complete and complete_at is None:
                complete_at = len(transcript)
            if reply.done:
                break
        journey = session.map
    if_words = list(Phrasebook(case.language).words["if"])
    placed = m.placement(scenario, journey, if_words)
    rec = m.recall(scenario, journey, if_words)
    return Outcome(
        id=case.id,
        language=case.language,
        messages=len(transcript),
        complete_at=complete_at,
        complete=bool(transcript) and transcript[-1].complete,
        garbage=placed.garbage,
        clean_share=placed.clean / placed.total if placed.total else 0.0,
        recall=rec.recalled / rec.total if rec.total else 0.0,
        recalled=rec.recalled,
        brief_items=rec.total,
        missed=rec.missed,
        transcript=transcript,
    )


def as_markdown(outcome: Outcome) -> str:
    lines = [
        f"# Conversation {outcome.id} ({outcome.language})",
        "",
        f"{outcome.messages} messages; map complete after {outcome.complete_at}; "
        f"{len(outcome.garbage)} garbage items; clean {outcome.clean_share:.0%}; recall "
        f"{outcome.recalled}/{outcome.brief_items} = {outcome.recall:.0%}.",
        "",
    ]
    for n, turn in enumerate(outcome.transcript, 1):
        lines += [
            f"**{n}. Marketer:** {turn.user}",
            "",
            "> " + turn.assistant.replace("\n", "\n> "),
        ]
        lines.append("")
    lines += ["## Garbage", ""] + [f"- {g}" for g in outcome.garbage or ["(none)"]]
    lines += ["", "## Missed", ""] + [f"- {x}" for x in outcome.missed or ["(none)"]]
    return "\n".join(lines) + "\n"


def default_folder() -> Path:
    return Path(__file__).resolve().parents[2] / "evals" / "conversations"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", type=Path, default=default_folder())
    parser.add_argument("--write", action="store_true", help="save transcripts and counts")
    args = parser.parse_args(argv)
    cases = load(args.dir)
    outcomes = [replay(c) for c in cases]
    failed = []
    for case, outcome in zip(cases, outcomes, strict=True):
        print(
            f"{outcome.id} ({outcome.language}): {outcome.messages} messages, complete after "
            f"{outcome.complete_at}, {len(outcome.garbage)} garbage, clean "
            f"{outcome.clean_share:.0%}, recall {outcome.recall:.0%}"
        )
        for item in outcome.garbage:
            print(f"  garbage: {item}")
        failed += outcome.failures(case.limits)
    if args.write:
        (args.dir / "transcripts").mkdir(exist_ok=True)
        for outcome in outcomes:
            (args.dir / "transcripts" / f"{outcome.id}.md").write_text(
                as_markdown(outcome), encoding="utf-8"
            )
        counts = [o.model_dump(exclude={"transcript", "missed"}) for o in outcomes]
        (args.dir / "results.json").write_text(json.dumps(counts, indent=2) + "\n", "utf-8")
    for line in failed:
        print(f"FAIL {line}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
