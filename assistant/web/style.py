"""Page-level CSS for the web app (the map's own CSS is assistant/templates/map.css) and the
Learn tab's introduction."""

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
#jw-map { max-height: 680px; overflow: auto; }
"""

INTRO = """
### New to customer journey maps?
Below is a finished sample map for **Harbor & Pine Coffee**, a fictional coffee-subscription
company, drawn exactly like your own map will be. Read it stage by stage from left to right:
what the customer wants, does, asks, thinks and feels, where it hurts, what helps, and what the
team does to move them on. The pink line is the **emotion curve**; dips show where content and
service help most. *Suggested* items came from the assistant and wait for the team's OK; items
with **§** cite the knowledge card or research behind them.
"""
