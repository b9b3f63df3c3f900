"""Content ideas: per pain point and stage, in chat and as exportable idea lists.

from assistant.ideas import generate, idea_lists, to_csv, to_markdown
from tools.ideas import propose, top_up
plans = generate(journey, stage=2)            # drafts, nothing written yet
saved = propose(session.tools, plans[0].drafts)  # written via add_content_ideas
print(to_markdown(journey, idea_lists(session.map)))

This package writes nothing: ideas reach the map through the tools (`tools/ideas.py`), and the
rules the one change path applies to ideas are in `assistant/ideas/rules.py`.
"""

from assistant.ideas.export import idea_lists, to_csv, to_markdown
from assistant.ideas.generate import IdeaDraft, StageIdeas, generate

__all__ = [
    "IdeaDraft",
    "StageIdeas",
    "generate",
    "idea_lists",
    "to_csv",
    "to_markdown",
]
