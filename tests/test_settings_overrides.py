"""Overrides are validated like the environment, through one `with_overrides`."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.language import LANGUAGES
from assistant.schema import JourneyMap
from assistant.session import open_session
from assistant.settings import Settings, SettingsError, get_settings


def test_invalid_overrides_are_refused_with_one_sentence() -> None:
    with pytest.raises(SettingsError) as caught:
        get_settings(lang="fr", port=-5, max_tool_steps=0)
    message = str(caught.value)
    assert message.count(".") >= 1 and "\n" not in message
    for name in ("lang", "port", "max_tool_steps"):
        assert f"{name}:" in message
    assert len(caught.value.problems) == 3
    with pytest.raises(SettingsError, match="Unknown setting"):
        get_settings(colour="blue")


def test_valid_overrides_are_typed_and_none_is_no_override(tmp_path: Path) -> None:
    settings = get_settings(home=str(tmp_path), lang="pl", port="8123", max_tool_steps=None)
    assert settings.home == tmp_path and settings.lang == "pl" and settings.port == 8123
    assert settings.max_tool_steps == Settings().max_tool_steps
    assert settings.with_overrides() is settings


def test_open_session_refuses_a_bad_language(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="lang"):
        open_session(map="acme", home=tmp_path, lang="fr")


def test_one_language_type() -> None:
    assert LANGUAGES == ("en", "pl", "it")
    assert (
        JourneyMap.model_fields["language"].annotation == Settings.model_fields["lang"].annotation
    )
