"""A scripted chat model: replays prepared replies, including tool calls, with no network.

The test double for agent logic and the benchmark (LangChain's own fake chat models cannot
bind tools). Each script entry is an AIMessage, a function of the request's messages that
returns one, or an exception to raise. Streaming splits the text into word pieces and sends
tool calls as argument-string chunks, as OpenAI does, so LangChain's chunk aggregation (and
its handling of malformed JSON) is exercised for real.

    model = ScriptedChatModel(script=[say("", call("set_context", company="Acme")), say("Done!")])
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.messages.tool import tool_call_chunk
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import Field

Entry = AIMessage | Callable[[list[BaseMessage]], AIMessage] | BaseException


def call(tool: str, /, **args: Any) -> dict[str, Any]:
    """A tool call for `say` (`tool` is positional-only, so `name=` can be an argument)."""
    return {"name": tool, "args": args, "id": f"call_{uuid.uuid4().hex[:8]}", "type": "tool_call"}


def bad_call(name: str, raw_args: str) -> dict[str, Any]:
    """A tool call whose arguments are not valid JSON (as a confused model sends them)."""
    return {"name": name, "args": raw_args, "id": f"call_{uuid.uuid4().hex[:8]}", "error": None}


def say(text: str = "", *calls: dict[str, Any]) -> AIMessage:
    """A model reply: text and/or tool calls (valid ones and `bad_call`s)."""
    good = [c for c in calls if "error" not in c]
    bad = [dict(c, type="invalid_tool_call") for c in calls if "error" in c]
    return AIMessage(content=text, tool_calls=good, invalid_tool_calls=bad)


class ScriptedChatModel(BaseChatModel):
    """Replays `script` one entry per call; records every request in `requests`."""

    script: list[Any] = Field(default_factory=list)
    requests: list[list[BaseMessage]] = Field(default_factory=list)
    bound_tools: list[str] = Field(default_factory=list)
    report_usage: bool = True
    """Attach usage metadata (tokens ~ chars/4), as OpenAI does; False to mimic servers that
    report none."""

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> ScriptedChatModel:  # type: ignore[override]
        self.bound_tools = [getattr(t, "name", str(t)) for t in tools]
        return self

    def _next(self, messages: list[BaseMessage]) -> AIMessage:
        self.requests.append(list(messages))
        if not self.script:
            raise AssertionError("ScriptedChatModel: the script has no reply left")
        entry = self.script.pop(0)
        if isinstance(entry, BaseException):
            raise entry
        reply = entry(messages) if callable(entry) else entry
        if self.report_usage:
            prompt = sum(len(m.text) for m in messages) // 4
            out = len(reply.text) // 4
            reply = reply.model_copy(
                update={
                    "usage_metadata": {
                        "input_tokens": prompt,
                        "output_tokens": out,
                        "total_tokens": prompt + out,
                    }
                }
            )
        return reply

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=self._next(messages))])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        reply = self._next(messages)
        for piece in re.findall(r"\S+\s*|\s+", reply.text):
            yield ChatGenerationChunk(message=AIMessageChunk(content=piece))
        chunks = [
            tool_call_chunk(name=c["name"], args=json.dumps(c["args"]), id=c["id"], index=i)
            for i, c in enumerate(reply.tool_calls)
        ]
        offset = len(chunks)
        chunks += [
            tool_call_chunk(name=c["name"], args=c["args"], id=c["id"], index=offset + i)
            for i, c in enumerate(reply.invalid_tool_calls)
        ]
        yield ChatGenerationChunk(
            message=AIMessageChunk(
                content="", tool_call_chunks=chunks, usage_metadata=reply.usage_metadata
            )
        )
