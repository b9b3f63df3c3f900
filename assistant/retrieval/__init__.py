"""Retrieval: knowledge cards and research documents in Chroma, searchable with citations.

from assistant.retrieval import KnowledgeBase, Hit
kb = KnowledgeBase(settings)          # cheap: nothing loads until first use
kb.ensure_index(progress=True)        # embeds cards once; again only when cards change
for hit in kb.search("what is a touchpoint?", k=3):
    print(hit.cite(), hit.snippet)
"""

from assistant.retrieval.cards import Card, CardError
from assistant.retrieval.knowledge_base import Hit, IndexReport, KnowledgeBase

__all__ = ["Card", "CardError", "Hit", "IndexReport", "KnowledgeBase"]
