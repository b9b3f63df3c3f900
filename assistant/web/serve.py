"""Start the web app: `journey serve` and the tests both come through `launch_app`."""

from __future__ import annotations

import os
from typing import Any

from assistant.accounts.web import SignIn, check_bind
from assistant.db import is_sqlite
from assistant.settings import Settings, get_settings
from assistant.store import Store

# Gradio phones home for analytics and version checks; the app must work offline and quietly.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")


def parse_auth(text: str | None) -> tuple[str, str] | None:
    """`user:password` -> (user, password); ValueError with a clear message otherwise."""
    if not text:
        return None
    user, sep, password = text.partition(":")
    if not sep or not user or not password:
        raise ValueError("--auth must look like user:password.")
    return user, password


def check_database(settings: Settings) -> None:
    """Open the workspace database and run SQLite's quick check, so `serve` refuses a damaged
    or foreign file at start (sqlite3.DatabaseError) instead of failing every click later."""
    import sqlite3

    Store(settings.database).close()  # creates a fresh workspace; raises on a garbage file
    if not is_sqlite(settings.database):
        return  # a database server checks itself; Store raised if it cannot be reached
    with sqlite3.connect(settings.db_path) as db:
        result = db.execute("PRAGMA quick_check").fetchone()
        if not result or result[0] != "ok":
            raise sqlite3.DatabaseError(f"quick check: {result[0] if result else 'no answer'}")
        for (data,) in db.execute("SELECT data FROM maps"):
            if not isinstance(data, str) or not data.startswith("{"):
                raise sqlite3.DatabaseError("a stored map is not JSON")
    db.close()


def launch_app(
    settings: Settings | None = None,
    *,
    host: str | None = None,
    port: int | None = None,
    auth: str | None = None,
    quiet: bool = True,
) -> tuple[Any, str]:
    """Build and start the app without blocking; returns (the Blocks, its local URL)."""
    # Gradio comes with these: imported when an app starts, not by every `journey` command.
    from starlette.middleware import Middleware

    from assistant.web.app import create_app
    from assistant.web.downloads import DownloadScope
    from assistant.web.edit_panel import CLICK_JS
    from assistant.web.share_page import SharePages
    from assistant.web.style import APP_CSS

    settings = settings or get_settings()
    credentials = parse_auth(auth if auth is not None else settings.auth)
    check_database(settings)
    sign_in = SignIn.for_settings(settings, credentials)
    check_bind(host or settings.host, sign_in.authenticated, settings.allow_public)
    exports = settings.home / "exports"
    exports.mkdir(parents=True, exist_ok=True)
    demo = create_app(settings, sign_in.scope())
    launch = sign_in.launch_kwargs()
    app_kwargs = launch.setdefault("app_kwargs", {})
    app_kwargs["routes"] = SharePages(settings).routes()  # /share/<token>: no sign-in
    if sign_in.scoped and sign_in.accounts is not None:
        downloads = demo.journey_handlers.downloads  # type: ignore[attr-defined]
        app_kwargs.setdefault("middleware", []).append(
            Middleware(DownloadScope, downloads=downloads, accounts=sign_in.accounts)
        )
    # Each tab has its own session and database connection, so tabs run side by side: up to
    # `concurrency` events at once, in threads (Gradio's pool, 40 by default, must hold them
    # and the unqueued events such as the live-map poll).
    demo.queue(default_concurrency_limit=settings.concurrency, max_size=settings.queue_size)
    # Uploads get double the ingest limit here so an oversized file still reaches ingest and
    # comes back as a per-file "over the limit" result rather than a bare transport error.
    upload_cap = f"{max(1, int(settings.max_upload_mb * 2))}mb"
    _, url, _ = demo.launch(
        server_name=host or settings.host,
        server_port=port or settings.port,
        **launch,
        prevent_thread_lock=True,
        max_threads=max(40, settings.concurrency + 16),
        quiet=quiet,
        share=False,
        css=APP_CSS,
        head=CLICK_JS,
        allowed_paths=[str(exports.resolve())],
        max_file_size=upload_cap,
        ssr_mode=False,
        footer_links=["api"],
    )
    demo.journey_handlers.warm_up()  # type: ignore[attr-defined]
    return demo, str(url)


def serve(
    settings: Settings | None = None,
    host: str | None = None,
    port: int | None = None,
    auth: str | None = None,
) -> None:
    """Start the app, print its URL, and serve until interrupted."""
    demo, url = launch_app(settings, host=host, port=port, auth=auth)
    print(f"Journey assistant is running at {url}  (Ctrl+C to stop)", flush=True)
    try:
        demo.block_thread()
    finally:
        demo.close()
