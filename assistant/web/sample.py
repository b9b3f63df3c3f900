"""The Learn tab's sample map: a fictional coffee-subscription company, built through the same
map tools the interview uses (so it is always valid against the current schema)."""

from __future__ import annotations

import tempfile
from functools import cache
from pathlib import Path
from typing import Any

from assistant.schema import JourneyMap
from assistant.settings import get_settings
from assistant.store import Store
from tools import ToolBox, ToolContext

STAGES = [
    "Notice the need",
    "Look for options",
    "Compare and decide",
    "First delivery",
    "Enjoy and share",
]

# (tool, args) in the order a team would give them; suggestions carry their evidence.
_CALLS: list[tuple[str, dict[str, Any]]] = [
    (
        "set_context",
        {
            "company": "Harbor & Pine Coffee",
            "product": "Fresh-roast coffee subscription",
            "market": "b2c",
            "purpose": "content ideation",
            "destination": "Start a monthly subscription",
        },
    ),
    (
        "set_persona",
        {
            "name": "Maya the home barista",
            "role": "Coffee lover, 28-40, works from home",
            "tone": "Warm, curious, no snobbery",
        },
    ),
    (
        "add_persona_items",
        {"field": "goals", "items": ["Great coffee every morning without effort"]},
    ),
    (
        "add_persona_items",
        {
            "field": "challenges",
            "items": ["Supermarket beans taste stale", "Too many choices online"],
        },
    ),
    ("add_persona_items", {"field": "channels", "items": ["Instagram", "YouTube", "Email"]}),
    (
        "add_persona_items",
        {
            "field": "quantitative",
            "items": ["62% order on a phone", "Most sign-ups on Sunday evenings"],
        },
    ),
    (
        "add_persona_items",
        {"field": "qualitative", "items": ["Reviews praise the tasting notes card"]},
    ),
    ("set_stages", {"names": STAGES}),
]


def _stage(n: int, field: str, *items: Any, source: str = "user", evidence: list | None = None):
    texts = [i if isinstance(i, dict) else {"text": i} for i in items]
    return (
        "add_stage_items",
        {
            "stage": str(n),
            "field": field,
            "items": texts,
            "source": source,
            "evidence": evidence or [],
        },
    )


_CALLS += [
    _stage(1, "goals", "Stop wasting money on bad beans"),
    _stage(
        1,
        "touchpoints",
        {"text": "Instagram reels", "department": "Marketing"},
        {"text": "Friend's recommendation", "department": "Word of mouth"},
    ),
    _stage(1, "questions", "Why does my coffee taste flat?"),
    _stage(1, "emotions", {"text": "mildly annoyed", "score": -1}),
    _stage(1, "pain_points", {"text": "Does not know what 'fresh roast' means", "severity": 2}),
    _stage(1, "relief", "A reel explains roast dates in 30 seconds"),
    _stage(
        1, "milestones", {"text": "Follows the account", "trigger": "Welcome DM with a brew guide"}
    ),
    _stage(2, "goals", "Find a roaster that fits her taste"),
    _stage(2, "actions", "Searches 'best coffee subscription'", "Reads reviews"),
    _stage(
        2,
        "touchpoints",
        {"text": "Search results", "department": "Marketing"},
        {"text": "Review sites", "department": "Support"},
    ),
    _stage(2, "questions", "Which beans suit a moka pot?", "Can I pause anytime?"),
    _stage(2, "emotions", {"text": "curious", "score": 1}),
    _stage(2, "pain_points", {"text": "Every shop claims to be the best", "severity": 2}),
    _stage(2, "relief", "Taste quiz recommends three coffees"),
    _stage(2, "milestones", {"text": "Takes the taste quiz", "trigger": "Email with her matches"}),
    _stage(
        2,
        "thoughts",
        "Is this worth more than the supermarket?",
        source="assistant",
        evidence=["card:customer-thoughts"],
    ),
    _stage(3, "goals", "Pick a plan without regret"),
    _stage(
        3,
        "touchpoints",
        {"text": "Pricing page", "department": "Marketing"},
        {"text": "Live chat", "department": "Support"},
    ),
    _stage(3, "questions", "What if I don't like the first bag?"),
    _stage(
        3,
        "emotions",
        {"text": "hesitant about the price", "score": -1},
        {"text": "anxious about commitment", "score": -2},
    ),
    _stage(
        3,
        "pain_points",
        {"text": "Shipping cost only shown at checkout", "severity": 3},
        {"text": "Cancel policy hard to find", "severity": 2},
    ),
    _stage(3, "relief", "Free swap if she dislikes a coffee"),
    _stage(3, "milestones", {"text": "Starts checkout", "trigger": "Cart reminder after 2 hours"}),
    _stage(4, "goals", "Brew a great first cup"),
    _stage(
        4,
        "touchpoints",
        {"text": "Delivery box", "department": "Logistics"},
        {"text": "Brew guide card", "department": "Product"},
    ),
    _stage(4, "questions", "How long do the beans stay fresh?"),
    _stage(4, "emotions", {"text": "excited when the box arrives", "score": 2}),
    _stage(4, "pain_points", {"text": "Box does not fit the letterbox", "severity": 1}),
    _stage(4, "relief", "Tasting card tells her what to expect"),
    _stage(4, "milestones", {"text": "Rates the first coffee", "trigger": "Day-3 feedback email"}),
    _stage(5, "goals", "Keep discovering new coffees"),
    _stage(
        5,
        "touchpoints",
        {"text": "Monthly newsletter", "department": "Marketing"},
        {"text": "Referral link", "department": "Marketing"},
    ),
    _stage(5, "questions", "Can I gift a subscription?"),
    _stage(5, "emotions", {"text": "proud to share her find", "score": 1}),
    _stage(5, "pain_points", {"text": "Same origin two months in a row", "severity": 2}),
    _stage(5, "relief", "Discount when a friend joins"),
    _stage(
        5, "milestones", {"text": "Refers a friend", "trigger": "Thank-you bag after 1st referral"}
    ),
    _stage(
        5,
        "opportunities",
        "Subscriber-only tasting live stream",
        source="assistant",
        evidence=["card:opportunities"],
    ),
    (
        "add_decision_point",
        {
            "stage": "3",
            "condition": "shipping cost surprises her at checkout",
            "likely_action": "she buys beans at a rival with free shipping",
            "competitor_risk": "high",
        },
    ),
    (
        "add_decision_point",
        {
            "stage": "2",
            "condition": "the quiz asks for an email first",
            "likely_action": "she leaves for a review site",
            "competitor_risk": "medium",
            "source": "assistant",
            "evidence": ["card:decision-trees"],
        },
    ),
]

_IDEAS: list[tuple[int, str, str, str, str]] = [
    (1, "social_post", "What a roast date tells you", "30-second reel", "Does not know what"),
    (
        2,
        "comparison_page",
        "Subscription vs supermarket: cost per cup",
        "honest maths",
        "Every shop",
    ),
    (3, "faq", "Shipping, pausing and cancelling in one page", "no surprises", "Shipping cost"),
    (3, "email_series", "Three emails for first-bag nerves", "the free swap", "Cancel policy"),
    (5, "blog_post", "Six origins in six months", "a tasting passport", "Same origin"),
]


@cache
def sample_map() -> JourneyMap:
    """The sample map, built once per process in a throwaway store."""
    with tempfile.TemporaryDirectory(prefix="journey-sample-") as tmp:
        store = Store(Path(tmp) / "sample.sqlite3")
        try:
            journey = store.create("harbor-and-pine")
            box = ToolBox(ToolContext(store, journey.id, get_settings(home=Path(tmp))))
            for tool, args in _CALLS:
                _must(box.call(tool, args))
            built = store.load(journey.id)
            for n, fmt, title, angle, pain in _IDEAS:
                stage = built.stages[n - 1]
                pain_id = next(p.id for p in stage.pain_points if p.text.startswith(pain))
                _must(
                    box.call(
                        "add_content_idea",
                        {
                            "stage": str(n),
                            "format": fmt,
                            "title": title,
                            "angle": angle,
                            "pain_point_id": pain_id,
                            "source": "assistant",
                            "card_id": f"format-{fmt.replace('_', '-')}",
                            "evidence": [f"card:format-{fmt.replace('_', '-')}"],
                        },
                    )
                )
            ideas = [i.id for s in store.load(journey.id).stages for i in s.content_ideas]
            _must(box.call("set_idea_status", {"item_ids": ideas[:2], "status": "accepted"}))
            return store.load(journey.id)
        finally:
            store.close()


def _must(result: Any) -> None:
    if not result.ok:
        raise RuntimeError(f"sample map: {result.tool} failed: {result.text}")
