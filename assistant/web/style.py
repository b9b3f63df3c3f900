"""Page-level CSS for the web app (the map's own CSS is assistant/templates/map.css)."""

APP_CSS = """
.jw-top { align-items: center; }
#jw-title h2 { margin: 4px 0; }
.jw-progress { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; font-size: 13px; }
.jw-progress .jw-bar { flex: 1 1 100%; height: 10px; border-radius: 5px; background: #e6e8f2; overflow: hidden; }
.jw-progress .jw-bar div { height: 100%; background: linear-gradient(90deg, #4f5bd5, #2f9e55); }
.jw-progress b { margin-right: 6px; }
.jw-sec { font-size: 11.5px; padding: 1px 8px; border-radius: 999px; background: #fff3dc; color: #7a4d00; }
.jw-sec.done { background: #dff4e5; color: #1d6b36; }
.jw-purpose { border-left: 4px solid #4f5bd5; background: #f3f4fc; color: #1f2544; padding: 8px 12px;
  border-radius: 6px; display: flex; flex-direction: column; gap: 2px; }
.jw-purpose span { color: #5f6787; font-size: 13px; }
/* The map grows with its content and the page scrolls to it; its stage grid is its own
   scroll box (both ways) with sticky stage headers and lane labels. The scroll box is our own
   element inside the HTML, so Gradio's inline `overflow: visible` on the panel cannot clip it. */
#jw-map, #jw-map > div { max-height: none !important; height: auto !important; }
#jw-map .jm-scroll { max-height: calc(100vh - 32px); overflow: auto; overscroll-behavior: contain;
  border-radius: 10px; }
#jw-map .jm-stage { position: sticky; top: 0; z-index: 2; }
#jw-map .jm-corner { top: 0; z-index: 4; }
#jw-map .jmap button.jm-add { all: unset; box-sizing: border-box; align-self: flex-start; cursor: pointer;
  border: 1px dashed #c5cade; border-radius: 6px; color: #8a92b2; font-size: 13px; line-height: 1;
  padding: 2px 8px; opacity: .5; background: transparent; }
#jw-map .jmap .jm-cell:hover button.jm-add, #jw-map .jmap button.jm-add:focus { opacity: 1; color: var(--lane);
  border-color: var(--lane); }
#jw-map-hint p { margin: 6px 0 0; color: #5f6787; font-size: 13px; }
/* The card editor floats over the map's corner so it stays next to the clicked card. */
#jw-edit { position: fixed; right: 16px; bottom: 16px; width: min(400px, calc(100vw - 32px));
  max-height: calc(100vh - 32px); overflow: auto; z-index: 1000; background: var(--background-fill-primary, #fff);
  border: 1px solid #d5d9e6; border-radius: 12px; box-shadow: 0 10px 30px rgba(31,37,68,.25); padding: 10px 12px; }
body.jw-dock-left #jw-edit { right: auto; left: 16px; }
#jw-edit-head p { margin: 0; }
.jw-offscreen { position: absolute !important; left: -10000px !important; width: 1px !important;
  height: 1px !important; overflow: hidden !important; }
"""
