"""PNG of the map: a headless Chromium screenshot of the standalone HTML page.

We drive Debian's own `chromium` through Playwright's driver (never `playwright install`,
which downloads browsers): a real renderer draws exactly what the HTML export shows.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from assistant.schema import JourneyMap
from assistant.visual.html import map_to_html

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]


class RendererMissing(RuntimeError):
    """No Chromium to draw the PNG with; the message says how to install it."""


def chromium_path() -> str:
    """The system Chromium (JOURNEY_CHROMIUM overrides); RendererMissing when there is none."""
    for candidate in (os.environ.get("JOURNEY_CHROMIUM"), "/usr/bin/chromium", "chromium"):
        if candidate and (found := shutil.which(candidate)):
            return found
    raise RendererMissing(
        "PNG export needs Chromium. Install it with: "
        "apt-get install -y --no-install-recommends chromium"
    )


def html_to_png(html: str, width: int = 1400) -> bytes:
    """Screenshot a whole HTML page at `width` CSS pixels (2x scale for sharp text)."""
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": 800}, device_scale_factor=2)
            # The page makes no requests (CSP default-src 'none'); block any anyway.
            page.route("**/*", lambda route: route.abort())
            page.set_content(html, wait_until="load")
            return page.screenshot(full_page=True, type="png")
        finally:
            browser.close()


def map_to_png(journey: JourneyMap, path: Path | None = None) -> bytes:
    """The map as PNG bytes (also written to `path` when given). Wide maps get a wider page."""
    width = max(1200, 200 + 230 * len(journey.stages))
    data = html_to_png(map_to_html(journey), width=width)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return data
