"""Downloads scoped to the map they were made from.

Gradio serves a handed-out file (an export, the content calendar) from its cache to any
signed-in user who asks for its URL; with accounts that would let one team read another's
export. So every file this app hands out is registered here with its map, and
`DownloadScope` (ASGI middleware) answers a request for such a file, or for anything in the
exports folder, only when the signed-in user may view that map; otherwise 404, the same as
a file that does not exist.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from assistant.accounts.access import Action
from assistant.accounts.store import Accounts

FILE_ROUTE = "/file="


class Downloads:
    """Which map each handed-out file belongs to (in memory, per app process)."""

    def __init__(self, exports: Path) -> None:
        self.exports = exports.resolve()
        self._maps: dict[tuple[str, str], set[str]] = {}
        self._lock = threading.Lock()

    def register(self, path: str | Path, map_id: str) -> None:
        """Remember a file handed out for `map_id`, and the copy Gradio will serve of it
        (its cache names a copy by the file's content hash and its cleaned name)."""
        from gradio import processing_utils
        from gradio_client import utils as client_utils

        path = Path(path).resolve()
        cached = (
            processing_utils.hash_file(path),
            client_utils.strip_invalid_filename_characters(path.name),
        )
        with self._lock:
            for key in (("path", str(path)), cached):
                self._maps.setdefault(key, set()).add(map_id)

    def maps_of(self, requested: str) -> set[str] | None:
        """The maps a requested file was handed out for; None for a file that is not a
        download of this app. A file in the exports folder never handed out: empty set."""
        path = Path(requested)
        try:
            resolved = path.resolve()
        except (OSError, ValueError):
            return set()
        with self._lock:
            found = self._maps.get(("path", str(resolved))) or self._maps.get(
                (path.parent.name, path.name)
            )
        if found is not None:
            return set(found)
        if resolved == self.exports or self.exports in resolved.parents:
            return set()
        return None


class DownloadScope:
    """ASGI middleware: a download is answered only to a user who may view its map."""

    def __init__(self, app: Any, downloads: Downloads, accounts: Accounts) -> None:
        self.app = app
        self.downloads = downloads
        self.accounts = accounts

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        path = str(scope.get("path", ""))
        if scope.get("type") == "http" and FILE_ROUTE in path:
            requested = unquote(path.split(FILE_ROUTE, 1)[1])
            maps = self.downloads.maps_of(requested)
            if maps is not None and not await self._allowed(scope, maps):
                await _not_found(send)
                return
        await self.app(scope, receive, send)

    async def _allowed(self, scope: dict, maps: set[str]) -> bool:
        import asyncio

        user = await _signed_in(scope)
        if user is None or not maps:
            return False
        for map_id in maps:
            if await asyncio.to_thread(self.accounts.can, user, map_id, Action.VIEW):
                return True
        return False


async def _signed_in(scope: dict) -> str | None:
    """The user Gradio signed in for this request (its login cookie or the proxy header)."""
    import inspect

    from starlette.requests import Request

    app = scope.get("app")
    if app is None:
        return None
    request = Request(scope)
    dependency = getattr(app, "auth_dependency", None)
    if dependency is not None:
        user = dependency(request)
        if inspect.isawaitable(user):
            user = await user
        return str(user) if user else None
    cookie_id = getattr(app, "cookie_id", "")
    token = request.cookies.get(f"access-token-{cookie_id}") or request.cookies.get(
        f"access-token-unsecure-{cookie_id}"
    )
    found = getattr(app, "tokens", {}).get(token)
    return str(found) if found else None


async def _not_found(send: Any) -> None:
    body = b"File not found."
    await send(
        {
            "type": "http.response.start",
            "status": 404,
            "headers": [(b"content-type", b"text/plain"), (b"content-length", b"%d" % len(body))],
        }
    )
    await send({"type": "http.response.body", "body": body})
