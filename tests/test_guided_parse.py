"""The answer grammar of the guided interview."""

from __future__ import annotations

from assistant import prompts
from assistant.guided import parse

EN = prompts.guided("en")


def test_split_list_on_commas_semicolons_lines_and_bullets():
    text = "ads, webinar; blog\n- podcast\n* trade show\n1. demo call\n• newsletter"
    assert parse.split_list(text) == [
        "ads",
        "webinar",
        "blog",
        "podcast",
        "trade show",
        "demo call",
        "newsletter",
    ]


def test_commas_inside_brackets_stay():
    assert parse.split_list("webinar (Sales, Marketing), blog") == [
        "webinar (Sales, Marketing)",
        "blog",
    ]


def test_questions_keep_their_commas():
    assert parse.split_questions("How much, really? Is there a trial?") == [
        "How much, really?",
        "Is there a trial?",
    ]


def test_labels_fill_several_fields():
    intro, found = parse.find_labels(
        "some intro. touchpoints: ads, webinar; pains: price unclear", EN["labels"]
    )
    assert intro == "some intro"
    assert [(f.target, f.text) for f in found] == [
        ("stage.touchpoints", "ads, webinar"),
        ("stage.pain_points", "price unclear"),
    ]


def test_label_words_inside_a_sentence_are_not_labels():
    intro, found = parse.find_labels("our goals are simple: grow", EN["labels"])
    assert found == [] and intro == "our goals are simple: grow"


def test_emotion_scores_from_lexicon_numbers_and_negation():
    lex, neg = EN["emotions"], EN["negations"]
    assert parse.emotion_score("frustrated", lex, neg) == (-1, True)
    assert parse.emotion_score("absolutely furious", lex, neg) == (-2, True)
    assert parse.emotion_score("excited", lex, neg) == (2, True)
    assert parse.emotion_score("not confident", lex, neg) == (-1, True)
    assert parse.emotion_score("meh (-2)", lex, neg) == (-2, True)
    assert parse.emotion_score("curious +1", lex, neg) == (1, True)
    assert parse.emotion_score("purple", lex, neg) == (0, False)


def test_details_severity_milestones_and_decisions():
    w = EN["words"]
    assert parse.bracket_detail("webinar (Sales)") == ("webinar", "Sales")
    assert parse.bracket_detail("demo call - Sales") == ("demo call", "Sales")
    assert parse.severity("price unclear (high)", w) == ("price unclear", 3)
    assert parse.severity("slow site (moderate)", w) == ("slow site", 2)
    assert parse.severity("typo (low)", w) == ("typo", 1)
    assert parse.milestone("demo booked -> call within a day") == (
        "demo booked",
        "call within a day",
    )
    assert parse.decision("if the trial is slow, then they try a competitor (high)", w) == (
        "the trial is slow",
        "they try a competitor",
        "high",
    )
    assert parse.decision("price too high -> leave", w) == ("price too high", "leave", "medium")


def test_unlikely_is_low_risk_not_high():
    w = EN["words"]
    assert parse.decision("if price is high then they leave (unlikely)", w)[2] == "low"
    assert parse.decision("if price is high then they leave (likely)", w)[2] == "high"
    assert parse.decision("if price is high then they go to a competitor", w)[2] == "high"


def test_risk_and_severity_words_in_polish_and_italian():
    pl, it = prompts.guided("pl")["words"], prompts.guided("it")["words"]
    assert parse.severity("brak wsparcia (średnia)", pl) == ("brak wsparcia", 2)
    assert parse.decision("jeśli cena jest niejasna to szuka u konkurencji", pl)[2] == "high"
    assert parse.decision("se il prezzo è alto allora va altrove (improbabile)", it)[2] == "low"


def test_letters_before_a_digit_are_not_a_score():
    lex, neg = EN["emotions"], EN["negations"]
    assert parse.emotion_score("annoyed x2", lex, neg) == (-1, True)
    assert parse.strip_score("annoyed x2") == "annoyed x2"
    assert parse.strip_score("meh (-1)") == "meh"


def test_a_negation_flips_only_the_word_it_precedes():
    lex, neg = EN["emotions"], EN["negations"]
    assert parse.emotion_score("not sure what to pick, but curious", lex, neg) == (1, True)
    pl = prompts.guided("pl")
    assert (
        parse.emotion_score(
            "nie wie co wybrać, ale jest zaciekawiony", pl["emotions"], pl["negations"]
        )[0]
        > 0
    )


def test_commands_are_matched_loosely():
    assert parse.is_word("  Skip. ", EN["words"]["skip"])
    assert parse.is_word("I don’t know", EN["words"]["dont_know"])
    assert not parse.is_word("skip the intro video", EN["words"]["skip"])


def test_fillers_are_dropped_only_where_they_lead_in():
    en, pl, it = (prompts.guided(lang)["fillers"] for lang in ("en", "pl", "it"))
    assert (
        parse.strip_fillers("Good question. From what we have seen, ads, blog", en) == "ads, blog"
    )
    assert parse.strip_fillers("so based on our notes, hates setups", en) == "hates setups"
    assert parse.strip_fillers("Well Known Brands", en) == "Well Known Brands"
    assert parse.strip_fillers("ads\nHmm, let me think. webinars", en) == "ads\nwebinars"
    assert parse.strip_fillers("hmm", en) == ""
    assert parse.strip_fillers("Dobre pytanie. Z tego, co widzimy, reklamy", pl) == "reklamy"
    assert parse.strip_fillers("Wydaje mi się, że cena", pl) == "cena"
    assert parse.strip_fillers("Direi che il prezzo", it) == "il prezzo"
    assert parse.strip_fillers("se il prezzo è alto allora va via", it) == (
        "se il prezzo è alto allora va via"
    )


def test_verdict_on_a_numbered_list():
    words = prompts.guided("en")["ideas"]["words"]
    assert parse.verdict("yes", words, 3) == parse.Verdict([1, 2, 3], [], [])
    assert parse.verdict("no", words, 2) == parse.Verdict([], [1, 2], [])
    assert parse.verdict("accept 1,3", words, 3) == parse.Verdict([1, 3], [2], [])
    assert parse.verdict("reject 2", words, 3) == parse.Verdict([], [2], [])
    assert parse.verdict("accept 1, 7", words, 3) == parse.Verdict([], [], [7])
    assert parse.verdict("webinars and ads", words, 3) is None
    pl = prompts.guided("pl")["ideas"]["words"]
    assert parse.verdict("akceptuję 2", pl, 3) == parse.Verdict([2], [1, 3], [])
