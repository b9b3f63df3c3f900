"""The map tools as LangChain `StructuredTool`s, and `ToolBox`, which calls them by name.

Every tool validates its arguments against its pydantic `args_schema`; invalid arguments and
refused changes come back as a clear `Error: ...` text (for the model to correct itself) and
leave the map unchanged. Map tools use `response_format="content_and_artifact"`: the model
reads the sentence, Python callers get the `ToolResult` (ids added/updated/removed, skipped
items, refusal, new status) from `ToolBox.call`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from langchain_core.messages import ToolMessage
from langchain_core.tools import BaseTool, StructuredTool, ToolException
from pydantic import BaseModel, ValidationError

from assistant.completeness import status
from tools import map_args as a
from tools import map_tools as m
from tools.context import ToolContext, ToolError
from tools.results import ToolResult

# name -> (args model, mutation factory, description)
MAP_TOOLS: dict[str, tuple[type[BaseModel], Callable[[Any], m.Mutation], str]] = {
    "set_context": (
        a.SetContext,
        m.set_context,
        "Set the map's context: company, product, b2b/b2c market, purpose, destination.",
    ),
    "set_persona": (a.SetPersona, m.set_persona, "Set the persona's name, role/segment or tone."),
    "add_persona_items": (
        a.AddPersonaItems,
        m.add_persona_items,
        "Add items to a persona list: "
        "quantitative, qualitative, goals, challenges, channels, evidence_sources.",
    ),
    "set_stages": (
        a.SetStages,
        m.set_stages,
        "Set all stages in order (accept or replace the "
        "defaults). Stages keeping their name keep their content.",
    ),
    "add_stage": (a.AddStage, m.add_stage, "Add one stage, optionally at a position."),
    "rename_stage": (a.RenameStage, m.rename_stage, "Rename a stage."),
    "reorder_stages": (a.ReorderStages, m.reorder_stages, "Put all stages in a new order."),
    "remove_stage": (a.StageRef, m.remove_stage, "Remove a stage and everything on it."),
    "add_stage_items": (
        a.AddStageItems,
        m.add_stage_items,
        "Add items to a stage field: goals, "
        "actions, touchpoints (with department), questions, thoughts, emotions "
        "(with score -2..2), pain_points (with severity 1..3), relief, milestones "
        "(with trigger), opportunities.",
    ),
    "update_item": (a.UpdateItem, m.update_item, "Change an item's text or details by id."),
    "remove_item": (a.ItemIds, m.remove_item, "Remove items by id."),
    "accept_suggestion": (
        a.ItemIds,
        m.accept_suggestion,
        "Mark suggested items as accepted by the user (only when the user agreed).",
    ),
    "reject_suggestion": (a.ItemIds, m.reject_suggestion, "Reject suggested items."),
    "add_decision_point": (
        a.AddDecisionPoint,
        m.add_decision_point,
        "Add an if/then decision point to a stage, with the risk of leaving for a competitor.",
    ),
    "add_content_idea": (
        a.AddContentIdea,
        m.add_content_idea,
        "Add a content idea to a stage, linked to one of its pain points.",
    ),
    "add_content_ideas": (
        a.AddContentIdeas,
        m.add_content_ideas,
        "Add several content ideas at once (one change); refused ones are skipped and reported.",
    ),
    "set_idea_status": (a.SetIdeaStatus, m.set_idea_status, "Accept or reject content ideas."),
    "skip_gap": (a.SkipGap, m.skip_gap, "Mark a gap as skipped when the team does not know."),
}


def _map_tool(
    ctx: ToolContext,
    name: str,
    model: type[BaseModel],
    factory: Callable[[Any], m.Mutation],
    description: str,
) -> StructuredTool:
    def run(**kwargs: Any) -> tuple[str, ToolResult]:
        args = model.model_validate(kwargs)
        source = getattr(args, "source", "user")
        try:
            result = ctx.apply(name, args, factory(args), source=source)
        except ToolError as exc:
            raise ToolException(str(exc)) from exc
        return result.text, result

    return StructuredTool.from_function(
        func=run,
        name=name,
        description=description,
        args_schema=model,
        response_format="content_and_artifact",
        handle_tool_error=_on_error(ctx),
        handle_validation_error=_on_error(ctx),
    )


def _on_error(ctx: ToolContext) -> Callable[[Exception], str]:
    def handle(exc: Exception) -> str:
        ctx.last_ok = False
        if isinstance(exc, ValidationError):
            detail = "; ".join(
                f"{'.'.join(map(str, e['loc'])) or 'arguments'}: {e['msg']}" for e in exc.errors()
            )
            ctx.last_error = f"invalid arguments: {detail}."
        else:
            ctx.last_error = str(exc)
        return f"Error: {ctx.last_error} The map is unchanged."

    return handle


def make_map_tools(ctx: ToolContext) -> list[BaseTool]:
    """Every map-editing tool, plus get_map_status and undo_last_change, bound to `ctx`."""
    tools: list[BaseTool] = [
        _map_tool(ctx, name, model, factory, desc)
        for name, (model, factory, desc) in MAP_TOOLS.items()
    ]

    def get_map_status() -> str:
        journey = ctx.journey
        st = status(journey)
        lines = [st.line()]
        lines += [
            f"- {s.label}: {s.filled}/{s.total}"
            + (f" missing {', '.join(s.missing)}" if s.missing else "")
            for s in st.sections
        ]
        return "\n".join(lines)

    def undo_last_change() -> tuple[str, ToolResult]:
        result = ctx.undo()
        if not result.ok:
            ctx.last_ok = False
            ctx.last_error = result.refusal
        return result.text, result

    tools.append(
        StructuredTool.from_function(
            func=get_map_status,
            name="get_map_status",
            description="Completeness of the map and what is missing.",
            args_schema=a.NoArgs,
        )
    )
    tools.append(
        StructuredTool.from_function(
            func=undo_last_change,
            name="undo_last_change",
            description="Undo the last change to the map.",
            args_schema=a.NoArgs,
            response_format="content_and_artifact",
        )
    )
    return tools


class ToolBox:
    """All tools of one session, callable by name. Used by the guided engine and the agent."""

    def __init__(self, ctx: ToolContext, extra: list[BaseTool] | None = None) -> None:
        self.ctx = ctx
        self.tools: dict[str, BaseTool] = {t.name: t for t in make_map_tools(ctx) + (extra or [])}

    def call(self, name: str, args: dict[str, Any] | None = None) -> ToolResult:
        """Run one tool; never raises: any failure is a refused `ToolResult`."""
        tool = self.tools.get(name)
        if tool is None:
            result = ToolResult.refused(
                name, f"unknown tool '{name}'. Tools: " + ", ".join(sorted(self.tools))
            )
            result.text = result.text.removesuffix(" The map is unchanged.")
            return result
        self.ctx.last_ok = True
        self.ctx.last_error = None
        try:
            if args is not None and not isinstance(args, dict):
                raise TypeError(f"arguments must be an object, not {type(args).__name__}.")
            message = tool.invoke(
                {"name": name, "args": args or {}, "id": "call", "type": "tool_call"}
            )
        except RecursionError:
            return ToolResult.refused(name, "invalid arguments: nested too deeply.")
        except Exception as exc:  # noqa: BLE001 - any failure is a refusal, never a traceback
            # LangChain handles validation and refusals itself; anything left is still a clear
            # error (a tool that failed, arguments LangChain could not even parse).
            return ToolResult.refused(name, _describe(exc))
        artifact = getattr(message, "artifact", None)
        if isinstance(artifact, ToolResult):
            return artifact
        text = str(message.content) if isinstance(message, ToolMessage) else str(message)
        failed = not self.ctx.last_ok or getattr(message, "status", "success") == "error"
        if failed:
            reason = self.ctx.last_error or text
            return ToolResult(ok=False, text=text, tool=name, summary=reason, refusal=reason)
        return ToolResult.answer(name, text)

    def list(self) -> list[BaseTool]:
        return list(self.tools.values())


def _describe(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if text.endswith(".") else text + "."
