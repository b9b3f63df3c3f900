"""Bounded recovery from a misbehaving model or a failing model service.

The model service: the openai client has already retried with backoff when an exception gets
here; we turn it into one clear sentence in the user's language. Nothing was written by the
failed call, so the map is intact and the user can simply send again.

The model: malformed JSON arguments become an error result the model can correct; a tool call
written as text, an empty reply, or a reply claiming "noted!" when no tool changed the map gets
one corrective nudge per turn and then a plain fallback; unknown tools and invalid arguments are answered by the ToolBox with "Error: ...".
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

from langchain_core.messages import AIMessage, ToolMessage

from assistant.agent.prompt import message, texts

_TEXT_CALL = re.compile(r"^\s*(?:```(?:json)?\s*)?(?:<tool_call>\s*)?[\[{]", re.IGNORECASE)


def fault_message(exc: Exception, language: str, model: str) -> str | None:
    """The sentence for a model-service failure, or None if `exc` is not one."""
    import openai

    if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
        return message(language, "auth", model=model)
    if isinstance(exc, openai.RateLimitError):
        return message(language, "rate_limit")
    if isinstance(exc, openai.APITimeoutError):
        return message(language, "timeout")
    if isinstance(exc, openai.BadRequestError | openai.NotFoundError):
        return message(language, "bad_request", detail=_detail(exc))
    if isinstance(exc, openai.APIError):
        return message(language, "unavailable", detail=_detail(exc))
    return None


def is_auth_failure(exc: Exception) -> bool:
    import openai

    return isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError)


def _detail(exc: Exception) -> str:
    status = getattr(exc, "status_code", None)
    name = type(exc).__name__
    return f"{name} {status}" if status else name


def looks_like_text_tool_call(text: str) -> bool:
    """True when a reply is a tool call written as text (JSON, a fenced block, <tool_call>)."""
    if not _TEXT_CALL.match(text):
        return False
    body = re.sub(r"^\s*```(?:json)?|```\s*$|</?tool_call>", "", text.strip()).strip()
    try:
        data = json.loads(body)
    except ValueError:
        return bool(re.search(r'"(?:name|function|tool|arguments)"\s*:', body))
    entries = data if isinstance(data, list) else [data]
    return any(
        isinstance(e, dict)
        and ({"name", "arguments"} <= e.keys() or "function" in e or "tool" in e)
        for e in entries
    )


def claims_a_change(text: str) -> bool:
    """True when a reply says it recorded something (checked when no tool changed the map)."""
    pattern = str(texts("recovery.yaml")["claim_pattern"]).strip()
    return re.search(pattern, text, re.IGNORECASE | re.MULTILINE) is not None


def with_ids(ai: AIMessage, step: int) -> AIMessage:
    """Give every (valid or invalid) tool call an id: some servers and models omit them, and
    each call must be answered by a ToolMessage with the same id."""
    calls = [
        dict(c, id=c.get("id") or f"call_{step}_{uuid.uuid4().hex[:8]}") for c in ai.tool_calls
    ]
    bad = [
        dict(c, id=c.get("id") or f"call_{step}_{uuid.uuid4().hex[:8]}")
        for c in ai.invalid_tool_calls
    ]
    return ai.model_copy(update={"tool_calls": calls, "invalid_tool_calls": bad})


def invalid_call_results(ai: AIMessage) -> list[ToolMessage]:
    """Error results for calls whose arguments were not valid JSON (nothing was run)."""
    template = texts("recovery.yaml")["bad_json"]
    results = []
    for call in ai.invalid_tool_calls:
        name = call.get("name") or "the tool"
        error = _short(call.get("error") or "unparsable arguments")
        results.append(
            ToolMessage(
                template.format(name=name, error=error),
                tool_call_id=call["id"],
                name=call.get("name") or "unknown",
                status="error",
            )
        )
    return results


def nudge(kind: str) -> str:
    """The correction sent to the model: `empty`, `text_tool_call` or `unrecorded_claim`."""
    return str(texts("recovery.yaml")[kind])


def _short(value: Any, limit: int = 160) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
