"""The guided interviewer through the Python API: one question at a time, commands, bad input."""

from __future__ import annotations

from builders import call, new_session

from assistant.completeness import status


def answer_until(session, gap_prefix, answers):
    for text in answers:
        reply = session.send(text)
        if reply.gap and reply.gap.startswith(gap_prefix):
            return reply
    return reply


def test_opening_asks_first_gap_with_why(tmp_path):
    s = new_session(tmp_path)
    reply = s.start()
    assert reply.gap == "context:company"
    assert "Which company" in reply.text and "(" in reply.text


def test_answers_are_recorded_confirmed_and_in_users_wording(tmp_path):
    s = new_session(tmp_path)
    s.start()
    reply = s.send("  ACME   analytics ")
    assert s.map.context.company == "ACME analytics"
    assert "Noted company: ACME analytics" in reply.text
    assert reply.gap == "context:product"


def test_market_needs_a_clear_answer(tmp_path):
    s = new_session(tmp_path)
    s.start()
    s.send("Acme")
    s.send("Dashboards")
    reply = s.send("purple elephants")
    assert reply.gap == "context:market" and reply.errors
    assert s.map.context.market is None
    reply = s.send("mostly small businesses")
    assert s.map.context.market == "b2b" and reply.gap == "context:purpose"


def test_labelled_answer_fills_several_fields_of_current_stage(tmp_path):
    s = new_session(tmp_path)
    call(s, "set_stages", names=["Discover", "Decide"])
    s.start()
    s.send("touchpoints: ads (Marketing), webinar; pains: price unclear (high); goals: learn")
    stage = s.map.stages[0]
    assert [(t.text, t.department) for t in stage.touchpoints] == [
        ("ads", "Marketing"),
        ("webinar", None),
    ]
    assert stage.pain_points[0].text == "price unclear" and stage.pain_points[0].severity == 3
    # before the stage part of the interview, an unqualified 'goals' label means the persona's
    assert [g.text for g in s.map.persona.goals] == ["learn"]


def test_skip_back_undo_help_show_why(tmp_path):
    s = new_session(tmp_path)
    s.start()
    s.send("Acme")
    reply = s.send("I don't know")
    assert "Skipped" in reply.text and reply.gap == "context:market"
    reply = s.send("back")
    assert reply.gap == "context:product"
    reply = s.send("Dashboards")
    assert s.map.context.product == "Dashboards"
    reply = s.send("undo")
    assert s.map.context.product is None
    assert "Commands" in s.send("help").text
    why = s.send("why")
    assert "Why this matters" in why.text and why.citations
    assert f"[{why.citations[0]}]" in why.text
    assert "# Customer journey map" in s.send("show map").text
    assert s.send("done").done


def test_stage_corrections(tmp_path):
    s = new_session(tmp_path)
    call(s, "set_stages", names=["Discover", "Decide"])
    s.start()
    s.send("rename stage 2 to 'Compare offers'")
    s.send("add stage Renew")
    s.send("remove stage Discover")
    assert [x.name for x in s.map.stages] == ["Compare offers", "Renew"]


def test_empty_huge_offtopic_and_foreign_answers_never_corrupt(tmp_path):
    s = new_session(tmp_path)
    call(s, "set_stages", names=["Discover"])
    s.start()
    before = s.map.model_dump_json()
    reply = s.send("   ")
    assert reply.gap == "context:company" and s.map.model_dump_json() == before
    s.send("Acme")
    s.send("Dashboards")
    s.send("b2b")
    s.send("launch")
    s.send("buy")
    s.send("Owen")
    s.send("owner")
    huge = ", ".join(f"fact number {i} " + "x" * 30 for i in range(600))  # ~27,000 characters
    reply = s.send(huge)  # the persona's goals (core)
    facts = s.map.persona.goals
    assert len(facts) > 50 and all(len(f.text) <= 2000 for f in facts)
    assert "very long" in reply.text
    s.send("zwiększyć sprzedaż; crescere")  # non-English, for the challenges
    assert "zwiększyć sprzedaż" in [g.text for g in s.map.persona.challenges]
    s.send("what's the weather like today?")  # small talk: no crash
    s.send("x" * 12_000)  # one giant answer to the stage names
    assert all(len(st.name) <= 200 for st in s.map.stages)
    assert status(s.map).percent > 0


def test_emotions_are_scored_in_the_answer(tmp_path):
    s = new_session(tmp_path)
    call(s, "set_stages", names=["Discover"])
    s.start()
    s.send("emotions: frustrated, excited, neutral (1)")
    scores = {e.text: e.score for e in s.map.stages[0].emotions}
    assert scores == {"frustrated": -1, "excited": 2, "neutral": 1}


def test_resume_continues_where_it_stopped(tmp_path):
    s = new_session(tmp_path)
    s.start()
    s.send("Acme")
    again = new_session(tmp_path)
    reply = again.start()
    assert "Welcome back" in reply.text and reply.gap == "context:product"


def test_every_question_can_carry_a_cited_tip_in_every_language(tmp_path):
    from assistant import completeness, tips
    from assistant.tips import _cards

    known = {c.citation for c in _cards()}
    for lang in ("en", "pl", "it"):
        s = new_session(tmp_path, name=f"tips-{lang}", lang=lang)
        call(s, "set_stages", names=["A", "B", "C"])
        for gap, _ in completeness.gap_order(s.map):
            tip = tips.tip_for_gap(gap, s.language, s.map.context.market)
            assert tip is not None, gap
            text, cite = tip
            assert cite in known and 20 < len(text) <= tips.TIP_CHARS


def test_tips_are_not_repeated_back_to_back(tmp_path):
    s = new_session(tmp_path)
    replies = [s.start()] + [s.send(a) for a in ("Acme", "Dashboards", "b2b", "launch")]
    cited = [r.citations[0] for r in replies if r.citations]
    assert cited and all(a != b for a, b in zip(cited, cited[1:], strict=False))
    # Each cited card shows as a footnote with its title, never as a raw id.
    from assistant.tips import _cards

    titles = {c.citation: c.title for c in _cards()}
    assert all(f"Source: {titles[c]})" in r.text for r in replies for c in r.citations)
    assert not any("[card:" in r.text for r in replies)


def test_what_is_question_is_answered_from_the_cards_with_a_citation(tmp_path):
    from assistant import open_session
    from assistant.settings import Settings

    # BM25 keeps this test quick; dense and hybrid retrieval have their own tests.
    s = open_session(map="w", settings=Settings(home=tmp_path, retrieval="bm25"))
    s.start()
    # small talk: nothing recorded, the same question again
    reply = s.send("sorry, my cat just walked over the keyboard")
    assert s.map.context.company is None and reply.gap == "context:company"
    s.send("Acme")
    reply = s.send("What is a touchpoint?")
    assert "card:touchpoints" in reply.citations
    # Cited by the card's title in a footnote, never by its raw id.
    assert "(Source: Touchpoints and who owns them)" in reply.text and "[card:" not in reply.text
    assert reply.gap == "context:product" and s.map.context.product is None


def test_undo_reverts_the_whole_last_answer_including_offered_ideas(tmp_path):
    s = new_session(tmp_path)
    call(s, "set_stages", names=["Discover", "Decide"])
    s.start()
    reply = s.send("pains: price unclear (high), no reviews")
    stage = s.map.stages[0]
    assert len(stage.pain_points) == 2 and stage.content_ideas  # labelled pains -> ideas offer
    assert "1." in reply.text
    s.send("undo")
    stage = s.map.stages[0]
    assert stage.pain_points == [] and stage.content_ideas == []


def test_stage_prefix_targets_a_stage_and_refuses_a_missing_one(tmp_path):
    s = new_session(tmp_path)
    call(s, "set_stages", names=["Discover", "Decide"])
    s.start()
    reply = s.send("stage 9 touchpoints: ads")
    assert "no stage 9" in reply.text.lower()
    assert all(not getattr(st, f) for st in s.map.stages for f in ("touchpoints", "actions"))
    s.send("stage 2: goals: find a tool")
    assert [g.text for g in s.map.stages[1].goals] == ["find a tool"]
    assert s.map.stages[0].questions == [] and s.map.stages[0].goals == []


def test_move_and_reorder_stages_and_refuse_malformed_commands(tmp_path):
    s = new_session(tmp_path)
    call(s, "set_stages", names=["A", "B", "C"])
    s.start()
    s.send("move stage 3 to 1")
    assert [x.name for x in s.map.stages] == ["C", "A", "B"]
    s.send("reorder stages 2, 3, 1")
    assert [x.name for x in s.map.stages] == ["A", "B", "C"]
    reply = s.send("remove stage 2")
    assert "'B'" in reply.text and [x.name for x in s.map.stages] == ["A", "C"]
    before = s.map.model_dump_json()
    reply = s.send("rename stage 1 to ")
    assert "couldn't read that stage command" in reply.text
    assert s.map.model_dump_json() == before


def test_back_after_undo_goes_back_not_forward(tmp_path):
    s = new_session(tmp_path)
    s.start()
    for answer in ("Acme", "Dashboards", "b2b"):
        s.send(answer)
    assert s.send("skip").gap == "context:destination"
    assert s.send("undo").gap == "context:purpose"
    assert s.send("back").gap == "context:market"


def test_polish_session_says_unknown_stages_in_polish(tmp_path):
    s = new_session(tmp_path, lang="pl")
    call(s, "set_stages", names=["A", "B"])
    s.start()
    before = s.map.model_dump_json()
    for command in ("przenieś etap 9 na 1", "usuń etap 7", "etap 5 cele: x"):
        reply = s.send(command)
        assert "Nie ma etapu" in reply.text and "No stage" not in reply.text
    assert s.map.model_dump_json() == before
