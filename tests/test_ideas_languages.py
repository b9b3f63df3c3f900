"""Idea patterns in Polish and Italian: same structure as English, ideas in the map's language."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from assistant.cli import app
from assistant.ideas import dedupe, generate, idea_lists, phases, to_csv, to_markdown
from assistant.ideas.patterns import load
from assistant.resources import prompts_dir
from assistant.schema import JourneyMap
from assistant.session import Session, open_session
from assistant.settings import get_settings
from assistant.store import Store
from tests.ideas_fixtures import ideas_map
from tools.ideas import top_up

LOCAL: dict[str, dict[str, Any]] = {
    "pl": {
        "stages": [
            "Uświadomienie potrzeby",
            "Szukanie rozwiązań",
            "Porównanie i wybór",
            "Zakup i start",
            "Korzystanie i polecanie",
        ],
        "pains": {
            "pain-11": "Raporty powstają całymi dniami",
            "pain-12": "dane są rozrzucone po arkuszach",
            "pain-21": "Niejasny cennik",
            "pain-22": "za dużo narzędzi do porównania",
            "pain-41": "import z CRM się nie udaje",
        },
        "question": "Dlaczego cennik jest taki niejasny?",
        "phases": ["świadomość", "rozważanie", "decyzja", "wdrożenie", "lojalność"],
    },
    "it": {
        "stages": [
            "Rendersi conto del bisogno",
            "Cercare le opzioni",
            "Confrontare e decidere",
            "Acquisto e avvio",
            "Uso e passaparola",
        ],
        "pains": {
            "pain-11": "I report richiedono giorni",
            "pain-12": "dati sparsi in troppi fogli di calcolo",
            "pain-21": "Prezzi poco chiari",
            "pain-22": "troppi strumenti da confrontare",
            "pain-41": "l'importazione dal CRM non riesce",
        },
        "question": "Perché i prezzi sono così poco chiari?",
        "phases": ["consapevolezza", "valutazione", "decisione", "avvio", "fidelizzazione"],
    },
}


def local_map(language: str) -> JourneyMap:
    """The fixed idea map, with stage names, pain points and a question in `language`."""
    texts = LOCAL[language]
    journey = ideas_map(language)
    for stage, name in zip(journey.stages, texts["stages"], strict=True):
        stage.name = name
        for pain in stage.pain_points:
            pain.text = texts["pains"][pain.id]
    journey.stages[1].questions[0].text = texts["question"]
    return journey


def stored_local(home: Path, language: str) -> Session:
    store = Store(get_settings(home=home).db_path)
    created = store.create("acme", language)
    fixed = local_map(language).model_copy(update={"id": created.id})
    store.save_change(created, fixed, "seed", {}, "user", "Seeded the test map.")
    return open_session(map="acme", home=home, model="guided")


def _raw(language: str) -> dict[str, Any]:
    with (prompts_dir() / "ideas" / f"{language}.yaml").open(encoding="utf-8") as handle:
        data: dict[str, Any] = yaml.safe_load(handle)
    return data


def _template_regex(template: str) -> re.Pattern[str]:
    """A template as a regex: its literal words must appear, placeholders match anything."""
    parts = re.split(r"\{\w+\}", " ".join(template.split()))
    return re.compile(".+".join(re.escape(p) for p in parts), re.DOTALL)


# the pattern files --------------------------------------------------------------------------
@pytest.mark.parametrize("language", ["pl", "it"])
def test_local_files_have_the_structure_of_english(language: str) -> None:
    en, local = _raw("en"), _raw(language)
    assert local["language"] == language
    assert set(local) == set(en)
    for key in ("fallback", "cta", "channel", "channel_words", "format_names", "phase_names"):
        assert set(local[key]) == set(en[key]), key
    assert set(local["export"]) == set(en["export"])
    assert len(local["export"]["csv_header"]) == len(en["export"]["csv_header"])
    assert set(local["formats"]) == set(en["formats"])
    for fmt, patterns in en["formats"].items():
        ours = local["formats"][fmt]
        assert [(p.get("phases"), p.get("needs")) for p in ours] == [
            (p.get("phases"), p.get("needs")) for p in patterns
        ], fmt
        # every title is built around the customer's own words
        # every title is built around the customer's own words: the pain point, or the
        # customer's own question at that stage (those patterns need one)
        for p in ours:
            own = "{pain}" in p["title"] or "{Pain}" in p["title"]
            asked = "{Question}" in p["title"] and "question" in (p.get("needs") or [])
            assert own or asked, (fmt, p["title"])
    loaded = load(language)
    assert loaded.language == language
    assert loaded.format_names["blog_post"] == local["format_names"]["blog_post"]
    assert loaded.format_names["blog_post"] != load("en").format_names["blog_post"]


@pytest.mark.parametrize("language", ["pl", "it"])
def test_the_pain_point_is_never_inflected(language: str) -> None:
    """The pain point goes in verbatim, so it opens the title or stands in quotes."""
    for fmt, patterns in _raw(language)["formats"].items():
        for p in patterns:
            title = p["title"]
            quoted = title.replace("{lq}{pain}{rq}", "").replace("{lq}{Pain}{rq}", "")
            assert "{pain}" not in quoted, (fmt, title)
            assert "{Pain}" not in quoted or quoted.startswith("{Pain}"), (fmt, title)


# the generator ------------------------------------------------------------------------------
@pytest.mark.parametrize("language", ["pl", "it"])
def test_local_map_gets_distinct_ideas_in_its_language(language: str) -> None:
    journey = local_map(language)
    plans = generate(journey)
    local, en = _raw(language)["formats"], _raw("en")["formats"]
    counted = 0
    for plan in plans:
        fit = phases.fitting_formats(plan.phases)
        for group in plan.pains:
            pain = group.pain.text.casefold()
            assert len(group.drafts) >= 3
            assert len({d.format for d in group.drafts}) == len(group.drafts)
            for draft in group.drafts:
                assert draft.format in fit
                asked = group.pain.id == "pain-21" and draft.title.startswith(draft.question)
                assert pain in draft.title.casefold() or asked, draft.title
                ours = [p["title"] for p in local[draft.format]]
                assert any(_template_regex(t).fullmatch(draft.title) for t in ours), draft.title
                english = [p["title"] for p in en[draft.format]]
                assert not any(_template_regex(t).fullmatch(draft.title) for t in english)
                assert draft.angle in {
                    p["angle"].replace("{product}", "Acme Analytics") for p in local[draft.format]
                }
            counted += 1
    assert counted == 5
    titles = [d.title for p in plans for d in p.drafts]
    assert len(titles) == 15
    for a in titles:
        assert sum(dedupe.same(a, b) for b in titles) == 1, a


def test_polish_quotes_and_stage_question() -> None:
    plan = generate(local_map("pl"), stage=2, per_pain=6)[0]
    assert plan.phases.primary == "consideration" and plan.phases.secondary == ()
    pricing, tools = plan.pains
    assert pricing.drafts[0].question == "Dlaczego cennik jest taki niejasny?"
    assert tools.drafts[0].question == ""  # no question of the stage shares its words
    assert pricing.drafts[0].cta == "Pobierz szczegółowy przewodnik"  # no milestone: phase CTA
    quoted = [d.title for d in tools.drafts if "„" in d.title]
    assert quoted and all("„za dużo narzędzi do porównania”" in t for t in quoted)


def test_italian_onboarding_welcome_series_and_quotes() -> None:
    drafts = generate(local_map("it"), stage=4)[0].drafts
    series = [d for d in drafts if d.format == "email_series"]
    assert series and series[0].title == (
        "Da «l'importazione dal CRM non riesce» ai primi risultati: una serie di benvenuto"
    )
    assert series[0].channel == "email newsletters"  # the persona's own channel still wins
    assert all(d.cta == "First dashboard live" for d in drafts)


# idea lists and the CLI ---------------------------------------------------------------------
@pytest.mark.parametrize("language", ["pl", "it"])
def test_lists_and_cli_speak_the_maps_language(home: Path, language: str, tmp_path: Path) -> None:
    session = stored_local(home, language)
    assert len(top_up(session.tools).ids) == 15
    journey = session.map
    names = load(language).format_names
    text = to_markdown(journey, idea_lists(journey))
    texts = LOCAL[language]
    assert f"## 2. {texts['stages'][1]} ({texts['phases'][1]})" in text
    assert f"**{names['white_paper']}**" in text
    rows = list(csv.reader(io.StringIO(to_csv(journey, idea_lists(journey)))))
    assert rows[0] == _raw(language)["export"]["csv_header"]
    assert {r[2] for r in rows[1:]} <= set(names.values())
    assert {r[7] for r in rows[1:]} == {_raw(language)["export"]["statuses"]["proposed"]}
    # `journey ideas` on the stored map lists the same ideas in the same language
    result = CliRunner().invoke(app, ["ideas", "acme", "--stage", "3", "--home", str(home)])
    assert result.exit_code == 0, result.output
    assert _raw(language)["export"]["no_pain_points"] in result.stdout


def test_guided_chat_offer_is_in_polish(home: Path) -> None:
    from assistant.guided.ideas_step import make_offer

    session = stored_local(home, "pl")
    turn = make_offer(session, 4)
    assert turn is not None and turn.offer is not None and len(turn.offer.ids) == 3
    text = turn.lines[0]
    assert "Dla „import z CRM się nie udaje”:" in text
    assert "Seria e-maili: Od problemu „import z CRM się nie udaje”" in text
    assert "Blog post" not in text and "Email series" not in text
