"""Content ideas: per pain point and stage, in chat and as exportable idea lists.

from assistant.ideas import generate, propose, top_up, idea_lists, to_csv, to_markdown
plans = generate(journey, stage=2)            # drafts, nothing written yet
saved = propose(session.tools, plans[0].drafts)  # written via add_content_idea
print(to_markdown(journey, idea_lists(session.map)))
"""

from assistant.ideas.export import idea_lists, to_csv, to_markdown
from assistant.ideas.generate import IdeaDraft, StageIdeas, generate
from assistant.ideas.save import Saved, propose, set_status, top_up

__all__ = [
    "IdeaDraft",
    "Saved",
    "StageIdeas",
    "generate",
    "idea_lists",
    "propose",
    "set_status",
    "to_csv",
    "to_markdown",
    "top_up",
]
