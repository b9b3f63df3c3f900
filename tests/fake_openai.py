"""A local OpenAI-compatible chat-completions server for tests, on 127.0.0.1.

Replies are scripted: each request takes the next entry of the queue. An entry is a reply
(`text`, `tool_calls` as (name, raw-arguments-string) pairs) sent as JSON or as SSE chunks
depending on the request's `stream`, or a fault: an HTTP status (429, 500, 401...) or a delay
longer than the client's timeout. Every request body and its headers are kept for asserts.

    with FakeOpenAI() as server:
        server.queue(reply(tool_calls=[("set_context", '{"company": "Acme"}')]), reply("Done."))
        settings = ...(openai_base_url=server.url, openai_api_key="sk-test")
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Entry:
    text: str = ""
    tool_calls: list[tuple[str, str]] = field(default_factory=list)
    status: int = 200
    delay: float = 0.0
    usage: tuple[int, int] | None = (120, 12)
    """(prompt_tokens, completion_tokens) to report, or None to report no usage."""


def reply(text: str = "", tool_calls: list[tuple[str, str]] | None = None, **kw: Any) -> Entry:
    return Entry(text=text, tool_calls=tool_calls or [], **kw)


def fault(status: int, delay: float = 0.0) -> Entry:
    return Entry(status=status, delay=delay)


def slow(delay: float) -> Entry:
    """A reply that comes after `delay` seconds (longer than the client's timeout)."""
    return Entry(text="too late", delay=delay)


class FakeOpenAI:
    """The server; use as a context manager. `url` is the base URL to give the client."""

    def __init__(self) -> None:
        self.entries: list[Entry] = []
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def queue(self, *entries: Entry) -> None:
        with self._lock:
            self.entries.extend(entries)

    def next_entry(self, body: dict[str, Any], headers: dict[str, str]) -> Entry | None:
        with self._lock:
            self.requests.append(body)
            self.headers.append(headers)
            return self.entries.pop(0) if self.entries else None

    def __enter__(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def _handler(server: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # quiet test output
            return

        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            length = int(self.headers.get("Content-Length", 0))
            body = json.loads(self.rfile.read(length) or b"{}")
            entry = server.next_entry(body, {k.lower(): v for k, v in self.headers.items()})
            if entry is None:
                return self._json(400, _error("fake server: no scripted reply left"))
            if entry.delay:
                time.sleep(entry.delay)
            if entry.status != 200:
                return self._json(entry.status, _error(f"scripted status {entry.status}"))
            if body.get("stream"):
                return self._sse(entry, body)
            return self._json(200, _completion(entry, body))

        def _json(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            # Tells the openai client how long to back off, keeping retry tests fast.
            self.send_header("retry-after-ms", "20")
            self.end_headers()
            self.wfile.write(data)

        def _sse(self, entry: Entry, body: dict[str, Any]) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Connection", "close")
            self.end_headers()
            for chunk in _chunks(entry, body):
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                self.wfile.flush()
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()
            self.close_connection = True

    return Handler


def _error(message: str) -> dict[str, Any]:
    return {"error": {"message": message, "type": "fake", "code": None}}


def _base(body: dict[str, Any], kind: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": kind,
        "created": int(time.time()),
        "model": body.get("model", "fake"),
    }


def _usage(entry: Entry) -> dict[str, int] | None:
    if entry.usage is None:
        return None
    prompt, completion = entry.usage
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }


def _completion(entry: Entry, body: dict[str, Any]) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": entry.text or None}
    if entry.tool_calls:
        message["tool_calls"] = [
            {"id": f"call_{i}", "type": "function", "function": {"name": n, "arguments": a}}
            for i, (n, a) in enumerate(entry.tool_calls)
        ]
    finish = "tool_calls" if entry.tool_calls else "stop"
    payload = _base(body, "chat.completion") | {
        "choices": [{"index": 0, "message": message, "finish_reason": finish}]
    }
    if (usage := _usage(entry)) is not None:
        payload["usage"] = usage
    return payload


def _chunks(entry: Entry, body: dict[str, Any]) -> list[dict[str, Any]]:
    """The reply as OpenAI streams it: role, text pieces, tool calls with split arguments."""

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return _base(body, "chat.completion.chunk") | {
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]
        }

    out = [chunk({"role": "assistant", "content": ""})]
    words = entry.text.split(" ")
    out += [
        chunk({"content": w + (" " if i < len(words) - 1 else "")})
        for i, w in enumerate(words)
        if w
    ]
    for i, (name, args) in enumerate(entry.tool_calls):
        head = {"index": i, "id": f"call_{i}", "type": "function"}
        out.append(chunk({"tool_calls": [head | {"function": {"name": name, "arguments": ""}}]}))
        half = len(args) // 2
        for part in (args[:half], args[half:]):
            out.append(chunk({"tool_calls": [{"index": i, "function": {"arguments": part}}]}))
    out.append(chunk({}, "tool_calls" if entry.tool_calls else "stop"))
    include = (body.get("stream_options") or {}).get("include_usage")
    if include and (usage := _usage(entry)) is not None:
        out.append(_base(body, "chat.completion.chunk") | {"choices": [], "usage": usage})
    return out
