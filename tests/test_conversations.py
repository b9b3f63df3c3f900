"""Conversation-level check: whole conversations of a marketer who types naturally (not the
shipped simulated user), replayed from evals/conversations/*.yaml, finish a complete map
within each case's limits (the issue's: 35 messages, 2 garbage items)."""

from __future__ import annotations

import pytest

from assistant.evals import conversations as conv
from assistant.settings import get_settings

CASES = conv.load(conv.default_folder())


def test_the_cases_are_five_stage_briefs_in_two_languages():
    assert {c.language for c in CASES} >= {"en", "it"}
    assert all(len(c.scenario().stages) == 5 for c in CASES)
    english = next(c for c in CASES if c.language == "en")
    assert (english.limits.max_messages, english.limits.max_garbage) == (35, 2)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_a_replayed_conversation_stays_within_its_limits(case, tmp_path):
    outcome = conv.replay(case, get_settings(home=tmp_path, model="guided"))
    assert outcome.complete_at is not None and outcome.complete
    assert outcome.failures(case.limits) == [], conv.as_markdown(outcome)
    # the last message declined the optional fields: the conversation ended there
    assert outcome.messages == len(case.messages)
    assert "Want to add more?" not in outcome.transcript[-1].assistant
