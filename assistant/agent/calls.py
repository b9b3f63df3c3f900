"""One call of the chat model: streamed text as it comes (a reply that opens like JSON held
back until it is known not to be a tool call written as text), and the call's token usage
(reported by the server, else counted)."""

from __future__ import annotations

from collections.abc import Generator, Iterator
from typing import Any

from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage

from assistant.agent import recovery, tokens
from assistant.agent.usage import TurnUsage


class ModelCalls:
    """Calls one engine's model; remembers what it learnt about the server and the tools."""

    def __init__(self) -> None:
        self._schema_count: tuple[tuple[int, ...], int] | None = None
        self._stream_usage = True
        """Ask for usage in streams (dropped if the server refuses stream_options)."""

    def call(
        self,
        model: Any,
        messages: list[BaseMessage],
        tools: list,
        usage: TurnUsage,
        stream: bool,
        spoke: bool,
    ) -> Generator[str, None, AIMessage]:
        """One model call. Streams text as it comes, except a reply that opens like JSON,
        which is held back until we know it is not a tool call written as text."""
        if not stream:
            ai = model.invoke(messages)
        else:
            acc: AIMessageChunk | None = None
            held, live, first = "", False, True
            for chunk in self._chunks(model, messages):
                acc = chunk if acc is None else acc + chunk
                piece = chunk.text
                if not piece:
                    continue
                if live:
                    yield piece
                    continue
                held += piece
                if held.strip() and not held.lstrip().startswith(("{", "[", "`", "<")):
                    live = True
                    yield ("\n\n" if spoke and first else "") + held
                    first, held = False, ""
            ai = as_message(acc)
            if held.strip() and not recovery.looks_like_text_tool_call(held):
                yield ("\n\n" if spoke else "") + held
        meta = ai.usage_metadata
        if meta:
            usage.add(meta.get("input_tokens", 0), meta.get("output_tokens", 0))
        else:
            prompt_tokens = tokens.count_messages(messages) + self._schema_tokens(tools)
            usage.add(prompt_tokens, tokens.count(ai.text), estimated=True)
        return ai

    def _chunks(self, model: Any, messages: list[BaseMessage]) -> Iterator[AIMessageChunk]:
        """The streamed reply, asking for token usage (`stream_options.include_usage`); a
        server that refuses the option is asked again without it, once per engine."""
        import openai

        if not self._stream_usage:
            yield from model.stream(messages)
            return
        started = False
        try:
            for chunk in model.stream(messages, stream_usage=True):
                started = True
                yield chunk
        except openai.BadRequestError:
            if started:
                raise
            self._stream_usage = False
            yield from model.stream(messages)

    def _schema_tokens(self, tools: list) -> int:
        """Tokens of the tool schemas (counted once per tool set: they do not change)."""
        key = tuple(id(t) for t in tools)
        if self._schema_count is None or self._schema_count[0] != key:
            self._schema_count = (key, tokens.count_messages([], tools) - 3)
        return self._schema_count[1]


def as_message(chunk: AIMessageChunk | None) -> AIMessage:
    """An aggregated stream as a plain AIMessage (tool-call chunks parsed, bad JSON kept aside)."""
    if chunk is None:
        return AIMessage("")
    return AIMessage(
        content=chunk.content,
        tool_calls=chunk.tool_calls,
        invalid_tool_calls=chunk.invalid_tool_calls,
        usage_metadata=chunk.usage_metadata,
        response_metadata=chunk.response_metadata,
        id=chunk.id,
    )
