"""The read-only page a share link opens: `/share/<token>`, no account needed.

It shows that one map (name, progress, the swimlane map without edit targets) and keeps it
live: a small script asks `/share/<token>/live` every few seconds and redraws when the map
changed. Nothing else is reachable with the token: not the chat, comments, history, other
maps, exports or the Gradio API (those all stay behind sign-in). The page sends no referrer
(the token is in its URL), is never cached, and runs only its own inline script (a
per-response nonce; styles may be inline, as the map's are).
"""

from __future__ import annotations

import html
import json
import secrets
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from assistant.accounts.sharing import PREFIX, ShareLinks
from assistant.completeness import status
from assistant.settings import Settings
from assistant.store import MapNotFound, Store
from assistant.visual.labels import labels
from assistant.web import views
from assistant.web.style import APP_CSS

POLL_MS = 3000

PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><meta name="robots" content="noindex">
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 0; padding: 16px 20px; color: #1f2544; }}
header {{ display: flex; gap: 16px; align-items: baseline; flex-wrap: wrap; }}
header h1 {{ margin: 0; font-size: 24px; }} header span {{ color: #5f6787; font-size: 13px; }}
{css}
</style></head>
<body><header><h1 id="jw-name">{title}</h1><span>{note}</span></header>
<div id="jw-progress">{progress}</div>
<div id="jw-map">{map}</div>
<script nonce="{nonce}">
(() => {{
  let seen = {version};
  async function poll() {{
    try {{
      const r = await fetch(location.pathname.replace(/\\/$/, '') + '/live?v=' + encodeURIComponent(seen), {{cache: 'no-store'}});
      if (r.ok) {{
        const d = await r.json();
        if (d.v !== seen && d.map !== undefined) {{
          seen = d.v;
          document.getElementById('jw-map').innerHTML = d.map;
          document.getElementById('jw-progress').innerHTML = d.progress;
          document.getElementById('jw-name').textContent = d.name;
          document.title = d.name;
        }}
      }}
    }} catch (e) {{}}
    setTimeout(poll, {poll_ms});
  }}
  setTimeout(poll, {poll_ms});
}})();
</script></body></html>
"""

HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex",
    "X-Content-Type-Options": "nosniff",
}


class SharePages:
    """The routes of share links for one workspace database."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._store: Store | None = None
        self._links: ShareLinks | None = None

    def _open(self) -> tuple[Store, ShareLinks]:
        if self._store is None or self._links is None:
            self._store = Store(self.settings.database)
            self._links = ShareLinks(self.settings.database)
        return self._store, self._links

    def routes(self) -> list[Route]:
        return [
            Route(PREFIX + "{token}", self.page, methods=["GET"]),
            Route(PREFIX + "{token}/live", self.live, methods=["GET"]),
        ]

    def _map(self, token: str) -> Any:
        store, links = self._open()
        map_id = links.map_for(token)
        if map_id is None:
            return None
        try:
            return store.snapshot(map_id)
        except MapNotFound:
            return None

    def page(self, request: Request) -> Response:
        journey = self._map(request.path_params["token"])
        if journey is None:
            return _gone(self.settings.language)
        nonce = secrets.token_urlsafe(16)
        language = journey.language
        body = PAGE.format(
            lang=html.escape(language),
            title=html.escape(journey.name),
            note=html.escape(labels(language)["workshop"]["shared_view"]),
            nonce=nonce,
            css=APP_CSS,
            progress=views.progress_html(status(journey), language),
            map=views.map_panel(journey, editable=False),
            version=json.dumps(journey.updated_at.isoformat()),
            poll_ms=POLL_MS,
        )
        policy = (
            "default-src 'none'; img-src data:; connect-src 'self'; base-uri 'none'; "
            "form-action 'none'; frame-ancestors 'none'; style-src 'unsafe-inline'; "
            f"script-src 'nonce-{nonce}'"
        )
        return HTMLResponse(body, headers={**HEADERS, "Content-Security-Policy": policy})

    def live(self, request: Request) -> Response:
        journey = self._map(request.path_params["token"])
        if journey is None:
            return JSONResponse({"gone": True}, status_code=404, headers=HEADERS)
        version = journey.updated_at.isoformat()
        if request.query_params.get("v") == version:
            return JSONResponse({"v": version}, headers=HEADERS)
        return JSONResponse(
            {
                "v": version,
                "name": journey.name,
                "map": views.map_panel(journey, editable=False),
                "progress": views.progress_html(status(journey), journey.language),
            },
            headers=HEADERS,
        )


def _gone(language: str) -> Response:
    text = html.escape(labels(language)["workshop"]["share_gone"])
    body = f'<!doctype html><html><head><meta charset="utf-8"><meta name="referrer" content="no-referrer"><title>404</title></head><body><p>{text}</p></body></html>'
    return HTMLResponse(body, status_code=404, headers=HEADERS)
