"""One test per reading rule of natural answers, on sentences and businesses of our own (not the
corpus): each asserts what a careful note-taker would put on the map."""

from __future__ import annotations

from pathlib import Path

from builders import call, new_session

from assistant.guided import idea_verdicts, intents, reading


def _facts(text: str, field: str, lang: str = "en", section: str = "stage") -> list:
    return [(f.field, f.value) for f in reading.read(text, section, field, lang)]


def _persona(text: str, lang: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for fact in reading.read(text, "persona", "name", lang):
        value = fact.value if isinstance(fact.value, str) else fact.value["text"]
        out.setdefault(fact.field, []).append(value)
    return out


def test_a_lead_in_before_a_signed_score_keeps_the_sign() -> None:
    it = _facts("Un po' preoccupata per la consegna, tipo -1.", "emotions", "it")
    assert it == [("emotions", {"text": "preoccupata per la consegna", "score": -1})]
    en = _facts("Relieved when the van shows up, like, +2", "emotions")
    assert [v["score"] for _, v in en] == [2]


def test_the_first_description_after_a_name_is_the_role() -> None:
    en = _persona("Baker Bea, 40ish, runs a bakery with two ovens, loves sourdough.", "en")
    assert en["name"] == ["Baker Bea"]
    assert en["role"] == ["runs a bakery with two ovens"]
    assert en["quantitative"] == ["40ish"]
    assert en["qualitative"] == ["loves sourdough"]
    # a clause about her is no role
    clause = _persona("Gardener Gil - he's 70 and plants tulips every spring.", "en")
    assert "role" not in clause
    it = _persona("La chiamerei Lucia, farmacista di paese. Sui 45 anni.", "it")
    assert it["role"] == ["farmacista di paese"] and it["quantitative"] == ["Sui 45 anni"]
    # a sentence right after a name said on its own is the role, whole
    pl = _persona("Marta. Księgowa w małej firmie, dojeżdża rowerem.", "pl")
    assert pl["role"] == ["Księgowa w małej firmie, dojeżdża rowerem"]


def test_why_the_persona_got_its_name_is_not_a_fact() -> None:
    assert _persona("Chiamiamola Giulia, come la nostra fioraia.", "it") == {"name": ["Giulia"]}
    assert _persona("Kasia. Po prostu Kasia.", "pl") == {"name": ["Kasia"]}
    assert _persona("Call her Rita, after our very first customer.", "en") == {"name": ["Rita"]}


def test_idea_numbers_with_no_offer_record_nothing(tmp_path: Path) -> None:
    assert idea_verdicts.verdict_without_offer("we'd keep ideas 2 and 4", "en")
    assert idea_verdicts.verdict_without_offer("Prendo la 2 e la 5", "it")
    assert not idea_verdicts.verdict_without_offer("3", "en")  # a bare number answers a question
    assert not idea_verdicts.verdict_without_offer("Calm, like 1", "en")  # a score
    s = new_session(tmp_path)
    call(s, "set_persona", name="Florist Flo")
    call(s, "set_stages", names=["Notice", "Order"])
    s.start()
    s.state.asked = "stage:2:emotions"
    reply = s.send("I like 2 and 4")
    assert "no content ideas are on offer" in reply.text
    assert s.map.stages[1].emotions == []
    assert str(s.state.asked) == "stage:2:emotions"


def test_a_short_lead_before_a_colon_is_dropped_or_rates_what_follows() -> None:
    en = _facts("From the survey: the parking is hard to find, the menu is tiny.", "pain_points")
    assert [v["text"] for _, v in en] == ["the parking is hard to find", "the menu is tiny"]
    pl = _facts("Mała rzecz, ale męczy: etykiety są za drobne.", "pain_points", "pl")
    assert pl == [("pain_points", {"text": "etykiety są za drobne", "severity": 1})]


def test_a_rating_clause_after_an_item_is_its_severity_not_an_item() -> None:
    en = _facts("The booking form forgets her dates, that's a big one (IT owns it).", "pain_points")
    assert en[0] == ("pain_points", {"text": "The booking form forgets her dates", "severity": 3})
    assert len(en) == 1
    it = _facts("Il parcheggio è lontano, ma è una cosa minore.", "pain_points", "it")
    assert it == [("pain_points", {"text": "Il parcheggio è lontano", "severity": 1})]
    pl = _facts("Menu jest tylko po angielsku, a to poważna sprawa.", "pain_points", "pl")
    assert pl == [("pain_points", {"text": "Menu jest tylko po angielsku", "severity": 3})]


def test_remove_a_stage_named_with_another_stage_in_the_reason() -> None:
    stages = ["Hears of us", "Tastes samples", "Orders", "Reorders"]
    said = intents.classify(
        "Drop the Reorders stage, for us that is just part of Orders.", "en", "goals", stages
    )
    assert said.kind == "remove_stage" and said.stages == [4]
    pl = ["Szuka", "Próbuje", "Degustacja", "Kupuje"]
    inflected = intents.classify("Usuń „Degustację”, to część etapu Próbuje.", "pl", "goals", pl)
    assert inflected.kind == "remove_stage" and inflected.stages == [3]


def test_no_idea_and_none_of_them_in_polish() -> None:
    stages = ["Szuka", "Kupuje"]
    said = intents.classify("Hmm, nic mi teraz nie przychodzi do głowy.", "pl", "goals", stages)
    assert said.kind == "dont_know"
    verdict = idea_verdicts.idea_verdict("Żaden nie jest dobry, wszystkie za długie.", "pl", 4)
    assert verdict is not None and verdict.accept == [] and verdict.reject == [1, 2, 3, 4]


def test_departments_said_in_prose_go_on_the_touchpoint_they_name() -> None:
    en = _facts(
        "the tasting menu, the booking page (that's the web crew) and the reminder text "
        "the front desk team sends a day before",
        "touchpoints",
    )
    assert ("touchpoints", {"text": "the booking page", "department": "web crew"}) in en
    assert (
        "touchpoints",
        {"text": "the reminder text a day before", "department": "front desk team"},
    ) in en
    it = _facts(
        "La vetrina, il catalogo di carta, che prepara la grafica. Il sito invece lo cura "
        "l'agenzia esterna.",
        "touchpoints",
        "it",
    )
    assert ("touchpoints", {"text": "il catalogo di carta", "department": "grafica"}) in it
    assert ("touchpoints", {"text": "Il sito", "department": "agenzia esterna"}) in it
    named = _facts("La newsletter e il sito. Il sito lo segue il marketing.", "touchpoints", "it")
    assert ("touchpoints", {"text": "il sito", "department": "marketing"}) in named
    assert len(named) == 2
    pl = _facts(
        "Ulotka w paczce, a instrukcję obsługi przygotowuje dział techniczny.", "touchpoints", "pl"
    )
    assert ("touchpoints", {"text": "instrukcję obsługi", "department": "dział techniczny"}) in pl


def test_scores_said_in_words_rate_the_feeling_before_or_after() -> None:
    en = _facts("Impatient while the dough proves - slightly negative overall.", "emotions")
    assert en == [("emotions", {"text": "Impatient while the dough proves", "score": -1})]
    it = _facts("Entusiasta del nuovo gusto, molto positivo.", "emotions", "it")
    assert it == [("emotions", {"text": "Entusiasta del nuovo gusto", "score": 2})]
    pl = _facts("Raczej pozytywnie. Jest zaciekawiona nowym smakiem.", "emotions", "pl")
    assert [v["score"] for _, v in pl] == [1] and len(pl) == 1


def test_polish_dash_explains_the_item_before_it() -> None:
    pl = _facts("Parking, potem ceny – wszystko drożeje co roku. Kolejki w soboty.", "goals", "pl")
    assert [v["text"] for _, v in pl] == ["Parking", "ceny", "Kolejki w soboty"]
    # a remark after the dash still rates the item
    rated = _facts("Brak cennika online – to duży problem, przez to dzwonią.", "pain_points", "pl")
    assert rated == [("pain_points", {"text": "Brak cennika online", "severity": 3})]
    # a question keeps its dash
    asked = _facts("czy dowiozą na czas i kto płaci – my czy oni", "questions", "pl")
    assert asked[-1][1]["text"].endswith("my czy oni")


def test_consequence_and_hearsay_remarks_are_not_items() -> None:
    it = _facts(
        "Il menu solo in inglese, critico. Lì perdiamo i turisti tedeschi.", "pain_points", "it"
    )
    assert it == [("pain_points", {"text": "Il menu solo in inglese", "severity": 3})]
    en = _facts("The parking is a mess. That's where people give up.", "pain_points")
    assert en == [("pain_points", {"text": "The parking is a mess"})]
    pl = _facts("Myśli, że się spóźni. Tak mówią wszyscy nowi klienci.", "thoughts", "pl")
    assert len(pl) == 1
    risk = _facts(
        "Jeśli dostawa się spóźni, to zamówi u konkurencji. Ryzyko jest spore.",
        "decision_points",
        "pl",
    )
    assert len(risk) == 1 and risk[0][1]["likely_action"] == "zamówi u konkurencji"
    said = "Jeśli dostawa się spóźni, to zamówi u konkurencji. Ryzyko jest spore."
    assert reading.read(said, "stage", "decision_points", "pl")[0].extra["risk"] == "high"


def test_polish_and_italian_sessions_say_the_missing_key_in_their_language(
    tmp_path: Path,
) -> None:
    from assistant.session import open_session
    from assistant.settings import get_settings

    for lang, words in (("pl", "Brak klucza API"), ("it", "Manca la chiave API")):
        config = get_settings(home=tmp_path / lang, model="openai:gpt-4.1-mini")
        reply = open_session(map="sklep", settings=config, lang=lang).start()
        assert reply.done and words in reply.text and "--model guided" in reply.text
        assert "No API key" not in reply.text and "set OPENAI" not in reply.text


def test_a_tip_given_for_a_question_shows_no_card_id(tmp_path: Path) -> None:
    s = new_session(tmp_path, lang="pl")
    call(s, "set_persona", name="Zosia")
    s.start()
    s.state.asked = "persona:tone"
    reply = s.send("A co dokładnie znaczy ton, chodzi o to, jak do niej piszemy?")
    assert reply.citations and "[card:" not in reply.text and "card:" not in reply.text


def _context(text: str, lang: str, field: str = "company") -> dict[str, str]:
    return {f.field: f.value for f in reading.read(text, "context", field, lang)}


def test_a_company_answer_also_gives_the_product_and_the_market() -> None:
    en = _context(
        "We're Loomly. Weaving courses for beginners, and we only sell to consumers.", "en"
    )
    assert en == {"company": "Loomly", "product": "Weaving courses for beginners", "market": "b2c"}
    it = _context(
        "Siamo Cartaria Rossi. Produciamo imballaggi su misura e vendiamo solo alle aziende.", "it"
    )
    assert it["company"] == "Cartaria Rossi" and it["market"] == "b2b"
    assert it["product"] == "imballaggi su misura"
    pl = _context(
        "Ogrodnik z Poznania. Robimy systemy nawadniania i sprzedajemy wyłącznie firmom.", "pl"
    )
    assert pl == {"company": "Ogrodnik", "product": "systemy nawadniania", "market": "b2b"}
    # a second sentence without a product cue is not the product
    assert _context("Nazywamy się Kwiaciarnia Róża. Wiem, nazwa jak każda.", "pl") == {
        "company": "Kwiaciarnia Róża"
    }


def test_all_with_the_number_on_offer_keeps_every_idea() -> None:
    """'All three' says how many ideas, not which one: every idea on offer is kept."""
    for text, language in (
        ("Sure, we'll keep all three of those", "en"),
        ("ok, biorę wszystkie trzy", "pl"),
        ("mi piacciono, le tengo tutte e tre", "it"),
    ):
        verdict = idea_verdicts.idea_verdict(text, language, 3)
        assert verdict is not None and verdict.accept == [1, 2, 3] and verdict.reject == [], text
    # A number that is not the whole offer still picks that idea.
    four = idea_verdicts.idea_verdict("keep 3, drop the rest", "en", 4)
    assert four is not None and four.accept == [3]
