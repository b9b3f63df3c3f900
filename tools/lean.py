"""The lean tool set the LLM sees: at most eight tools over the one change path.

`update_map` takes a list of operations (set, add, edit, remove, move in any field of any
stage) and applies them as ONE change through `ToolContext.apply` (validated, persisted, one
undo). Removing or rewording what the user gave is not applied: it becomes a proposal, listed
to the user by the code. Nothing proposed in the current turn (a suggestion, an idea, a
removal) can be approved in that same turn, and a proposal is only approved when the user's
own message of this turn says yes to it (read by the engine with the one verdict parser,
`assistant/agent/proposals.py`, and handed to `begin_turn`); their "no" drops it. That is what
keeps an instruction hidden in a research document or a knowledge card, or a model that does
not listen, from deleting the map.

Text that comes from documents and cards is returned between data markers, never as
instructions. The guided engine and the CLI keep using the fine-grained tools of
`tools/toolbox.py`; both end in the same `ToolContext.apply`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import datetime
from typing import Any

from langchain_core.tools import BaseTool, StructuredTool
from pydantic import BaseModel, ValidationError

from assistant import completeness
from assistant.ideas import checks as idea_checks
from assistant.schema import JourneyMap
from assistant.state import PendingChange
from tools import lean_args as la
from tools import lean_ops, lean_read, map_args, map_tools
from tools import lean_result as lr
from tools.context import ToolContext, ToolError
from tools.evidence_tools import suggest_from_research
from tools.knowledge_tools import format_hits
from tools.lean_decide import Approvals
from tools.lean_result import LeanResult
from tools.lean_status import core_line
from tools.results import Outcome, Skip, ToolResult

__all__ = ["LeanResult", "LeanTools"]

READ_LINES = 150
CORE_AFTER = ("update_map", "skip", "decide", "undo")
"""Tools whose result ends with the core gaps still open (`tools/lean_status.py`)."""

DESCRIPTIONS = {
    "update_map": "Record facts in the map: one call with all operations from the user's message. "
    "Removing or rewording the user's items waits for their OK.",
    "skip": "Skip gaps the team cannot answer (keys or the rest of a stage).",
    "read_map": "Read items with their ids (for reviews, edits, removals).",
    "search": "Search knowledge cards; cite results by their [id].",
    "propose_ideas": "Propose content ideas, each for one pain point id of any stage.",
    "decide": "Apply the user's decision: approve or reject suggestions, ideas or proposals "
    "by id. Only for what the user has seen and answered.",
    "undo": "Undo the last change to the map.",
    "research_suggestions": "Turn the team's research on a stage into suggestions.",
}


class LeanTools:
    """The model-facing tools of one session, callable by name."""

    def __init__(
        self,
        ctx: ToolContext,
        research: bool = False,
        pending: list[PendingChange] | None = None,
    ) -> None:
        self.ctx = ctx
        self.research = research
        self.approvals = Approvals([] if pending is None else pending)
        """What waits for the user's OK (`tools/lean_decide.py`)."""
        self.chosen: list[str] = []
        """Optional fields the user chose to add (asked, so `rest_of_stage` skips them too)."""
        self._specs: dict[str, tuple[type[BaseModel], Callable[[Any], LeanResult]]] = {
            "update_map": (la.UpdateMap, self._update_map),
            "skip": (la.Skip, self._skip),
            "read_map": (la.ReadMap, self._read_map),
            "search": (la.SearchAll if research else la.Search, self._search),
            "propose_ideas": (la.ProposeIdeas, self._propose_ideas),
            "decide": (la.Decide, lambda args: self.approvals.decide(self.ctx, args)),
            "undo": (la.NoArgs, self._undo),
        }
        if research:
            self._specs["research_suggestions"] = (la.StageArg, self._research_suggestions)
        self._tools = [self._tool(name, model) for name, (model, _) in self._specs.items()]

    # the interface ---------------------------------------------------------------------------
    def begin_turn(
        self, agreed: list[str] | None = None, declined: list[str] | None = None
    ) -> None:
        """A new user message: what was proposed before it has now been seen by the user.

        `agreed` and `declined` are the proposal ids the message itself says yes and no to;
        declined proposals are dropped now (nothing is removed)."""
        self.approvals.begin_turn(agreed, declined)

    @property
    def pending(self) -> list[PendingChange]:
        """Proposed removals; the session's interview state's list, so they persist."""
        return self.approvals.pending

    @pending.setter
    def pending(self, changes: list[PendingChange]) -> None:
        self.approvals.pending = changes

    @property
    def agreed(self) -> set[str]:
        return self.approvals.agreed

    @property
    def declined(self) -> list[PendingChange]:
        return self.approvals.declined

    @property
    def turn_started(self) -> datetime:
        return self.approvals.turn_started

    def list(self) -> list[BaseTool]:
        return list(self._tools)

    def proposal(self, ref: str) -> PendingChange | None:
        return self.approvals.proposal(ref)

    @property
    def names(self) -> set[str]:
        return set(self._specs)

    def call(self, name: str, args: dict[str, Any] | None = None) -> LeanResult:
        spec = self._specs.get(name)
        if spec is None:
            known = ", ".join(self._specs)
            return lr.refused(name, f"unknown tool '{name}'. Tools: {known}.")
        model, run = spec
        try:
            parsed = model.model_validate(args or {})
        except RecursionError:
            return lr.refused(name, "arguments nested too deeply.")
        except ValidationError as exc:
            detail = "; ".join(
                f"{'.'.join(map(str, e['loc'])) or 'arguments'}: {e['msg']}"
                for e in exc.errors()[:6]
            )
            return lr.refused(name, f"invalid arguments: {detail}.")
        try:
            result = run(parsed)
        except (ToolError, KeyError, ValueError) as exc:
            return lr.refused(name, lr.message(exc))
        except Exception as exc:  # noqa: BLE001 - any failure is one sentence; the map is intact
            return lr.refused(name, f"the tool failed ({type(exc).__name__}: {exc}).")
        result.tool = name
        if result.changed and name in CORE_AFTER:
            # the prompt's state is from the start of the turn: say where the core is now
            result.text += "\n" + core_line(self.ctx.journey)
        return result

    # tools -----------------------------------------------------------------------------------
    def _update_map(self, args: la.UpdateMap) -> LeanResult:
        journey = self.ctx.journey
        lines: list[str] = []
        direct: list[tuple[int, la.Op]] = []
        refused: list[Skip] = []
        proposed = 0
        for number, given in enumerate(args.operations, 1):
            try:
                op = lean_ops.resolve(journey, given)
            except ToolError as exc:
                refused.append(Skip(f"operation {number} ({given.op})", lr.message(exc), number))
                continue
            what = lean_ops.needs_confirmation(journey, op)
            if what is None:
                direct.append((number, op))
            else:
                lines.append(self.approvals.propose(op, what))
                proposed += 1
        applied: ToolResult | None = None
        failed: list[Skip] = list(refused)
        if direct:

            def mutate(m: JourneyMap) -> Outcome:
                done = []
                failed[:] = list(refused)
                for number, op in direct:
                    kept = m.model_copy(deep=True)
                    try:
                        done.append(lean_ops.run(m, op))
                    except (ToolError, KeyError, ValueError, ValidationError) as exc:
                        _restore(m, kept)
                        failed.append(
                            Skip(f"operation {number} ({op.op})", lr.message(exc), number)
                        )
                if not done:
                    raise ToolError(" ".join(f"{f.item}: {_sentence(f.reason)}" for f in failed))
                return Outcome(" ".join(done), list(failed))

            refs = [ref for _, op in direct for ref in op.ids]
            research = lean_ops.from_research(journey, refs)
            try:
                applied = self.ctx.apply("update_map", args, mutate, source=direct[0][1].source)
                # a removed or moved research item is quoted: as data, never bare
                lines.insert(0, lr.as_data(applied.summary) if research else applied.summary)
            except ToolError as exc:
                lines.insert(0, f"Error: {_sentence(str(exc))} Nothing changed.")
                failed.clear()  # said in that line
        lines += [f"Error in {f.item}: {_sentence(f.reason)} It changed nothing." for f in failed]
        ok = applied is not None or (not direct and proposed > 0)
        # A proposal is listed to the user by the code (`assistant/agent/engine.py`), so a reply
        # written with the call is enough; only a failed part needs the model to read on.
        settled = not failed and (applied is not None or not direct)
        return lr.result("update_map", ok, "\n".join(lines), applied, settled=settled)

    def _skip(self, args: la.Skip) -> LeanResult:
        journey = self.ctx.journey
        keys = list(args.gaps)
        if args.rest_of_stage:
            stage = journey.find_stage(args.rest_of_stage)
            number = journey.stages.index(stage) + 1
            asked = {*completeness.CORE_STAGE_FIELDS, *self.chosen}
            # the rest of what is asked: the core, and the optional fields the user chose;
            # the others stay open, to be offered once the core is filled
            rest = [
                g
                for g in completeness.stage_gaps(number)
                if g.field in asked
                and not completeness.filled(journey, g)
                and not completeness.is_skipped(journey, g)
            ]
            if not rest and not keys:
                return lr.result("skip", True, f"Nothing open in stage {number}: nothing skipped.")
            keys += rest
        if not keys:
            raise ToolError("give gaps (e.g. stage:2:goals) or rest_of_stage.")
        valid = {k for k, _ in completeness.gap_order(journey)}
        unknown = [k for k in keys if k not in valid]
        if unknown:
            raise ToolError(f"unknown gap(s) {', '.join(unknown)}; keys look like stage:2:relief.")

        def mutate(m: JourneyMap) -> str:
            for key in keys:
                stored = completeness.canonical(m, key).key
                if stored not in m.skipped:
                    m.skipped.append(stored)
            return f"Skipped {', '.join(dict.fromkeys(keys))}."

        applied = self.ctx.apply("skip", args, mutate)
        return lr.result("skip", True, applied.summary, applied)

    def _read_map(self, args: la.ReadMap) -> LeanResult:
        lines = lean_read.map_lines(self.ctx.journey, args.section)
        if len(lines) > READ_LINES:
            lines = lines[:READ_LINES] + [f"... {len(lines) - READ_LINES} more: read one stage."]
        body = "\n".join(lines) or "(nothing recorded yet)"
        return lr.result("read_map", True, lr.as_data(body), settled=False)

    def _search(self, args: la.Search) -> LeanResult:
        if getattr(args, "research", False):
            map_id = self.ctx.journey.id
            hits = self.ctx.knowledge.search(args.query, k=5, kind="document", map_id=map_id)
        else:
            hits = self.ctx.knowledge.search(args.query, k=5, prefer_language=self.ctx.language)
        text = lr.as_data(format_hits(hits))
        return lr.result("search", True, text, settled=False)

    def _propose_ideas(self, args: la.ProposeIdeas) -> LeanResult:
        """Model-written ideas pass the idea checks (`assistant/ideas/checks.py`): a badly
        opening or repeated title is skipped with its reason, the rest are proposed."""
        journey = self.ctx.journey
        stage_of = {p.id: s.id for s in journey.stages for p in s.pain_points}
        checker = idea_checks.Batch(journey)
        refused: list[str] = []
        skipped: list[Skip] = []
        batch = []
        for index, idea in enumerate(args.ideas):
            stage_id = stage_of.get(idea.pain_point_id)
            title, problem = idea.title, f"no pain point {idea.pain_point_id}"
            if stage_id is not None:
                title, found = checker.check(stage_id, idea.pain_point_id, idea.title)
                problem = found or ""
            if problem:
                refused.append(f'Error: "{title}" refused: {problem}.')
                skipped.append(Skip(title, problem, index))
                continue
            batch.append(
                map_args.AddContentIdea(
                    stage=stage_id,
                    format=idea.format,
                    title=title,
                    angle=idea_checks.clip(idea.angle, "angle"),
                    pain_point_id=idea.pain_point_id,
                    cta=idea_checks.clip(idea.cta, "cta"),
                    channel=idea_checks.clip(idea.channel, "channel"),
                    card_id=idea.card_id,
                    source="assistant",
                )
            )
        applied: ToolResult | None = None
        if batch:
            added: list[str] = []

            def mutate(m: JourneyMap) -> Outcome:
                for one in batch:
                    try:
                        map_tools.add_content_idea(one)(m)
                        idea = m.find_stage(one.stage).content_ideas[-1]
                        added.append(f'{idea.id} {idea.format} "{idea.text}"')
                    except (ToolError, KeyError) as exc:
                        refused.append(f'Error: "{one.title}" refused: {lr.message(exc)}')
                        skipped.append(Skip(one.title, lr.message(exc)))
                if not added:
                    raise ToolError("no idea added.")
                return Outcome(
                    f"Proposed {len(added)} idea(s), waiting for the user's decision: "
                    + "; ".join(added),
                    skipped,
                )

            with contextlib.suppress(ToolError):  # every idea refused: listed below
                applied = self.ctx.apply("propose_ideas", args, mutate, "assistant")
        text = "\n".join(([applied.summary] if applied else []) + refused)
        result = lr.result("propose_ideas", applied is not None, text, applied, settled=not refused)
        result.skipped = list(skipped)
        return result

    def _undo(self, args: la.NoArgs) -> LeanResult:
        done = self.ctx.undo()
        if not done.ok:
            raise ToolError("nothing to undo.")
        return lr.result("undo", True, done.summary, done)

    def _research_suggestions(self, args: la.StageArg) -> LeanResult:
        written = suggest_from_research(self.ctx, args.stage)
        if not written:
            text = "No research speaks to this stage yet."
            return lr.result("research_suggestions", True, text)
        rows = [
            f"{s.item_id} {s.field}: {lean_read.cut(s.text)} [{', '.join(s.evidence)}]"
            for s in written
        ]
        body = "\n".join(rows)
        text = "Suggestions written, waiting for the user's decision:\n" + lr.as_data(body)
        result = lr.result("research_suggestions", True, text, self.ctx.last_result)
        result.added = [s.item_id for s in written]
        return result

    # helpers ---------------------------------------------------------------------------------
    def _tool(self, name: str, model: type[BaseModel]) -> BaseTool:
        def run(**kwargs: Any) -> str:
            return self.call(name, kwargs).text

        return _LeanTool.from_function(
            func=run, name=name, description=DESCRIPTIONS[name], args_schema=model
        )


class _LeanTool(StructuredTool):
    """A tool whose schema sent to the model is its argument model's own, lean schema.

    LangChain rebuilds a copy of the argument model for the request (to drop injected
    arguments, which these tools have none of) and that copy loses `_lean_schema` on the top
    level: length limits, `anyOf: null` and titles went out with every request."""

    @property
    def tool_call_schema(self) -> Any:
        return self.args_schema


def _sentence(text: str) -> str:
    """A reason as a sentence (ends with a full stop), so the next sentence reads apart."""
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def _restore(target: JourneyMap, kept: JourneyMap) -> None:
    """Put a working copy back as it was before a failed operation (no re-validation)."""
    for name in type(target).model_fields:
        object.__setattr__(target, name, getattr(kept, name))
