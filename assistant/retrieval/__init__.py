"""Retrieval: knowledge cards and research documents, searchable with citations.

from assistant.retrieval import KnowledgeBase, Hit
kb = KnowledgeBase(settings)          # cheap: nothing loads until first use
kb.ensure_index(progress=True)        # embeds cards once per card set and model (shared cache)
for hit in kb.search("what is a touchpoint?", k=3):
    print(hit.cite(), hit.snippet)
"""

from assistant.retrieval.cards import Card, CardError
from assistant.retrieval.hits import Hit, IndexReport
from assistant.retrieval.knowledge_base import KnowledgeBase, warm_up

__all__ = ["Card", "CardError", "Hit", "IndexReport", "KnowledgeBase", "warm_up"]
