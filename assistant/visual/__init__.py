"""Visual exports of a map: the swimlane HTML (fragment and standalone page) and a PNG."""

from assistant.visual.html import map_css, map_fragment, map_to_html
from assistant.visual.png import RendererMissing, map_to_png
from assistant.visual.view import map_view

__all__ = ["RendererMissing", "map_css", "map_fragment", "map_to_html", "map_to_png", "map_view"]
