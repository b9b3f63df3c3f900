"""The LLM idea generator with scripted chat models (no network)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from assistant.ideas import phases
from assistant.ideas.llm import generate_with_llm
from tests.ideas_fixtures import ideas_map


class ToolCallingFake(GenericFakeChatModel):
    """Replies with scripted messages and accepts `bind_tools`, so structured output works."""

    prompts: list[str] = []

    def bind_tools(self, tools: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        return self

    def _generate(self, messages: Any, *args: Any, **kwargs: Any) -> Any:
        self.prompts.append(str(messages[-1].content))
        return super()._generate(messages, *args, **kwargs)


def _tool_answer(ideas: list[dict[str, Any]]) -> AIMessage:
    return AIMessage(
        content="", tool_calls=[{"name": "LLMIdeas", "args": {"ideas": ideas}, "id": "call-1"}]
    )


def _script(*messages: AIMessage) -> Iterator[AIMessage]:
    return iter(messages)


def test_structured_ideas_are_checked_and_topped_up() -> None:
    good = [
        {"format": "white_paper", "title": "The true cost of unclear BI pricing", "angle": "Data."},
        {"format": "white_paper", "title": "The TRUE cost of unclear BI pricing!", "angle": "dup"},
        {"format": "faq", "title": "Pricing FAQ", "angle": "FAQ does not fit consideration"},
        {"format": "webinar", "title": "Live: decoding BI price lists", "channel": "LinkedIn"},
    ]
    second = [
        {"format": "comparison_page", "title": "Ten BI tools compared on what matters"},
        {"format": "blog_post", "title": "How to shortlist BI tools in one afternoon"},
        {"format": "video", "title": "Three questions that cut a tool list in half"},
    ]
    model = ToolCallingFake(messages=_script(_tool_answer(good), _tool_answer(second)))
    plans, problems = generate_with_llm(ideas_map(), model, stage=2)
    plan = plans[0]
    fit = phases.fitting_formats(plan.phases)
    pricing, tools = plan.pains
    titles = [d.title for d in pricing.drafts]
    assert titles[:2] == ["The true cost of unclear BI pricing", "Live: decoding BI price lists"]
    assert len(titles) == 3 and "pricing is unclear" in titles[2].casefold()  # from patterns
    assert [d.title for d in tools.drafts] == [x["title"] for x in second]
    assert all(d.format in fit for d in plan.drafts)
    assert pricing.drafts[1].channel == "LinkedIn"
    assert pricing.drafts[0].card_id == "format-white-paper"
    assert len(problems) == 1 and "2 usable idea(s) of 3" in problems[0]
    prompt = model.prompts[0]
    assert "Pricing is unclear" in prompt and "Irene the IT manager" in prompt
    assert "- white_paper:" in prompt and "- faq:" not in prompt  # only fitting format cards


def test_garbage_answers_fall_back_to_patterns() -> None:
    garbage = [AIMessage(content="I am sorry, I cannot help with that."), AIMessage(content="{")]
    model = ToolCallingFake(messages=_script(*garbage))
    plans, problems = generate_with_llm(ideas_map(), model, stage=2)
    assert [len(g.drafts) for g in plans[0].pains] == [3, 3]
    assert all("pricing is unclear" in d.title.casefold() for d in plans[0].pains[0].drafts)
    assert len(problems) == 2 and all("patterns" in p for p in problems)


def test_model_without_tool_calling_answers_in_json() -> None:
    text = json.dumps(
        {
            "ideas": [
                {"format": "email", "title": "When the CRM import fails: what to check"},
                {"format": "poster", "title": "Not a format"},
            ]
        }
    )
    model = GenericFakeChatModel(messages=iter([AIMessage(content=f"Sure!\n{text}")]))
    plans, problems = generate_with_llm(ideas_map(), model, stage=4)
    drafts = plans[0].drafts
    assert drafts[0].title == "When the CRM import fails: what to check"
    assert drafts[0].cta == "First dashboard live"
    assert len(drafts) == 3 and problems


def test_a_failing_model_is_reported_not_raised() -> None:
    model = GenericFakeChatModel(messages=iter([]))  # raises when asked
    plans, problems = generate_with_llm(ideas_map(), model, stage=4)
    assert len(plans[0].drafts) == 3
    assert "the model failed" in problems[0]


def test_model_ideas_get_the_same_headline_checks_and_purpose_mix() -> None:
    journey = ideas_map()
    journey.context.purpose = "ideas for the blog and the email newsletter"
    journey.stages[1].pain_points[0].text = "Like I said, pricing is unclear (high)"
    first = [
        {"format": "white_paper", "title": "Like I said: the pricing guide"},  # a lead-in
        {"format": "webinar", "title": "pricing, live"},  # a lower-case fragment
        {"format": "white_paper", "title": "The  BI  pricing guide guide"},  # tidied
        {"format": "webinar", "title": "Live: decoding BI price lists"},
        {"format": "case_study", "title": "How Acme priced BI for a 200-seat team"},
    ]
    second = [
        {"format": "blog_post", "title": "How to shortlist BI tools in one afternoon"},
        {"format": "email", "title": "Your BI shortlist in three emails"},
        {"format": "webinar", "title": "Shortlisting BI tools, live"},
    ]
    model = ToolCallingFake(messages=_script(_tool_answer(first), _tool_answer(second)))
    plans, _ = generate_with_llm(journey, model, stage=2)
    pricing, tools = plans[0].pains
    titles = [d.title for d in pricing.drafts]
    assert not any(t.startswith(("Like I said", "pricing")) for t in titles)
    assert "The BI pricing guide" in titles  # doubled word and spaces tidied
    # two of three ideas in the purpose's formats (blog, email), topped up from the patterns
    assert sum(d.format in ("blog_post", "email") for d in pricing.drafts) >= 2
    assert sum(d.format in ("blog_post", "email") for d in tools.drafts) >= 2
    assert [d.title for d in tools.drafts][:2] == [second[0]["title"], second[1]["title"]]
    prompt = model.prompts[0]
    assert "<core>pricing is unclear</core>" in prompt
    assert "blog_post, email" in prompt and "two thirds" in prompt
    assert "Why is pricing so unclear for BI tools?" in prompt
