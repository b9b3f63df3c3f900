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

# The live-workshop pieces (assistant/web/workshop.py).
APP_CSS += """
.jw-recent { font-size: 13px; color: #1f2544; background: #f7f8fc; border: 1px solid #e3e6f0;
  border-radius: 8px; padding: 6px 10px; }
.jw-recent ul { list-style: none; margin: 4px 0 0; padding: 0; display: flex; flex-direction: column; gap: 2px; }
.jw-recent li { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.jw-recent .jw-who { color: #4f5bd5; }
.jw-recent time { color: #8a92b2; font-size: 12px; margin-left: 4px; }
.jw-history table { width: 100%; border-collapse: collapse; font-size: 13px; border: 1px solid #e3e6f0; }
.jw-history th, .jw-history td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #e3e6f0;
  vertical-align: top; }
.jw-history td:first-child, .jw-history td:nth-child(2) { white-space: nowrap; color: #5f6787; }
.jw-history tr.jw-current { background: #eef6f0; }
.jw-history tr.jw-undone td { color: #9aa0b8; }
.jw-comments ul { list-style: none; padding: 0; margin: 4px 0; font-size: 13px; }
.jw-comments li { padding: 3px 0; border-bottom: 1px dashed #e3e6f0; overflow-wrap: anywhere; }
.jw-comments li.jw-resolved { color: #9aa0b8; }
#jw-facilitator .jw-fac-head { display: flex; gap: 24px; align-items: center; }
#jw-facilitator .jw-fac-head h1 { font-size: 30px; margin: 0; white-space: nowrap; }
#jw-facilitator .jw-fac-head .jw-progress { flex: 1; font-size: 15px; }
#jw-facilitator .jw-fac-row { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr);
  gap: 12px; margin: 10px 0; }
#jw-facilitator .jw-fac-q { font-size: 19px; background: #f3f4fc; border-radius: 8px; padding: 8px 12px;
  max-height: 40vh; overflow: auto; }
#jw-facilitator .jw-fac-q .jw-purpose { font-size: 15px; }
#jw-facilitator .jw-fac-q p { margin: 4px 0 8px; }
#jw-facilitator .jw-recent { font-size: 15px; max-height: 40vh; overflow: hidden; }
#jw-facilitator .jw-fac-map .jmap { font-size: 16px; }
"""
