"""What waits for the user's OK, and `decide`, the one lean tool that approves it.

Removing or rewording what the user gave becomes a `PendingChange` (stored with the
conversation's state). Suggestions, ideas and such proposals are approved only when the user
has seen them (not proposed in the current turn) and, for proposals, when the user's own
message of this turn says yes (`agreed`, read by `assistant/agent/proposals.py`); their "no"
(`declined`) drops a proposal and removes nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from assistant.schema import ContentIdea, JourneyMap, now
from assistant.state import PendingChange
from tools import lean_args as la
from tools import lean_ops, map_args, map_tools
from tools.context import ToolContext, ToolError
from tools.lean_result import LeanResult, as_data, message, result
from tools.results import ToolResult


@dataclass
class Approvals:
    """The proposals waiting for the user's OK and what this turn's message said of them."""

    pending: list[PendingChange] = field(default_factory=list)
    """Proposed removals and rewordings; the interview state's list, so they persist."""
    turn_started: datetime = field(default_factory=now)
    agreed: set[str] = field(default_factory=set)
    """Proposals the user's message of this turn says yes to (only these may be approved)."""
    declined: list[PendingChange] = field(default_factory=list)
    """Proposals the user's message of this turn said no to (dropped at its start)."""

    def begin_turn(self, agreed: list[str] | None, declined: list[str] | None) -> None:
        self.turn_started = now()
        self.agreed = set(agreed or [])
        no = set(declined or [])
        self.declined = [p for p in self.pending if p.id in no]
        self.pending[:] = [p for p in self.pending if p.id not in no]

    def proposal(self, ref: str) -> PendingChange | None:
        return next((p for p in self.pending if p.id == ref), None)

    def propose(self, op: la.Op, what: str) -> str:
        """Keep an operation for the user's OK; the line that tells the model so."""
        change = PendingChange(
            id=f"proposal-{uuid.uuid4().hex[:6]}",
            operation=op.model_dump(exclude_defaults=True),
            what=what,
            created=now(),
        )
        self.pending.append(change)
        return (
            f"Not changed yet, waiting for the user's OK [{change.id}]: {what}. "
            "Ask the user; apply it with decide only after they agree."
        )

    def decide(self, ctx: ToolContext, args: la.Decide) -> LeanResult:
        """Approve or reject suggestions, ideas and proposals by id, as one change."""
        if not args.approve and not args.reject:
            raise ToolError("give approve and/or reject ids.")
        journey = ctx.journey
        lines: list[str] = []
        problems: list[str] = []
        approve_items: list[str] = []
        reject_items: list[str] = []
        run_ops: list[PendingChange] = []
        for ref in args.approve:
            proposal = self.proposal(ref)
            if proposal is not None:
                if proposal.created >= self.turn_started:
                    problems.append(f"{ref} was proposed in this turn: ask the user first.")
                elif ref not in self.agreed:
                    problems.append(
                        f"the user's message does not say yes to {ref}: nothing removed. "
                        "Ask them; approve only after they answer yes."
                    )
                else:
                    run_ops.append(proposal)
                continue
            if any(p.id == ref for p in self.declined):
                problems.append(f"the user said no to {ref}: it is dropped, nothing removed.")
                continue
            try:
                _, item = journey.find_item(ref)
            except KeyError as exc:
                problems.append(message(exc))
                continue
            waiting = item.provenance.is_suggestion or (
                isinstance(item, ContentIdea) and item.status == "proposed"
            )
            if not waiting:
                lines.append(f"{ref} is not waiting for a decision.")
            elif item.provenance.added_at >= self.turn_started:
                problems.append(f"{ref} was proposed in this turn: ask the user first.")
            else:
                approve_items.append(ref)
        for ref in args.reject:
            proposal = self.proposal(ref)
            if proposal is not None:
                self.pending.remove(proposal)
                lines.append(f"Dropped {ref}: nothing removed.")
            elif any(p.id == ref for p in self.declined):
                lines.append(f"Dropped {ref}: nothing removed.")
            else:
                reject_items.append(ref)
        applied: ToolResult | None = None
        if approve_items or reject_items or run_ops:

            def mutate(m: JourneyMap) -> str:
                said = []
                if approve_items:
                    ids = map_args.ItemIds(item_ids=approve_items)
                    said.append(str(map_tools.accept_suggestion(ids)(m)))
                if reject_items:
                    ids = map_args.ItemIds(item_ids=reject_items)
                    said.append(str(map_tools.reject_suggestion(ids)(m)))
                for change in run_ops:
                    said.append(lean_ops.run(m, la.Op.model_validate(change.operation)))
                return " ".join(said)

            research = lean_ops.from_research(journey, [*approve_items, *reject_items])
            applied = ctx.apply("decide", args, mutate)
            # the summary quotes the items: research text goes back as data, never bare
            lines.insert(0, as_data(applied.summary) if research else applied.summary)
            for change in run_ops:
                self.pending.remove(change)
        lines += [f"Error: {p}" for p in problems]
        return result("decide", not problems, "\n".join(lines), applied)
