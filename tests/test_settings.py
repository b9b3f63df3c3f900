"""The typed settings object: environment names, code names, and no leaks from unrelated variables."""

from __future__ import annotations

from pathlib import Path

from assistant.settings import Settings, get_settings


def test_code_names_are_honoured(tmp_path):
    s = Settings(home=tmp_path, lang="pl", retrieval="bm25", openai_api_key="k")
    assert s.db_path == tmp_path / "journey.sqlite3"
    assert (s.language, s.retrieval, s.openai_api_key) == ("pl", "bm25", "k")


def test_environment_names(monkeypatch, tmp_path):
    monkeypatch.setenv("JOURNEY_HOME", str(tmp_path))
    monkeypatch.setenv("JOURNEY_LANG", "it")
    monkeypatch.setenv("JOURNEY_MODEL", "openai:gpt-4.1-mini")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:11434/v1")
    monkeypatch.setenv("JOURNEY_PORT", "9000")
    s = Settings()
    assert (s.home, s.lang, s.model, s.openai_base_url, s.port) == (
        tmp_path,
        "it",
        "openai:gpt-4.1-mini",
        "http://127.0.0.1:11434/v1",
        9000,
    )


def test_unrelated_variables_do_not_leak(monkeypatch):
    for name in ("JOURNEY_HOME", "JOURNEY_LANG", "JOURNEY_MODEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", "/somewhere/else")
    monkeypatch.setenv("LANGUAGE", "de_DE:de")
    monkeypatch.setenv("MODEL", "x")
    s = Settings(_env_file=None)
    assert (s.home, s.lang, s.model) == (Path("journey-data"), "en", "guided")


def test_cli_overrides_skip_none(tmp_path):
    s = get_settings(home=tmp_path, model=None)
    assert s.home == tmp_path and s.model == Settings(_env_file=None).model


def test_env_example_lists_every_setting():
    text = (Path(__file__).resolve().parents[1] / ".env.example").read_text()
    for name, field in Settings.model_fields.items():
        env = (
            field.validation_alias
            if isinstance(field.validation_alias, str)
            else (f"JOURNEY_{name.upper()}")
        )
        assert f"{env}=" in text, env


def test_a_bad_setting_is_one_sentence_not_a_traceback(tmp_path):
    from typer.testing import CliRunner

    from assistant.cli import app

    for env, needle in (
        ({"JOURNEY_MAX_TOOL_STEPS": "abc"}, "JOURNEY_MAX_TOOL_STEPS"),
        ({"JOURNEY_LANG": "fr"}, "JOURNEY_LANG"),
        ({"JOURNEY_MAX_ANSWER_CHARS": "-5"}, "JOURNEY_MAX_ANSWER_CHARS"),
    ):
        result = CliRunner().invoke(app, ["maps", "list", "--home", str(tmp_path)], env=env)
        assert result.exit_code == 1
        assert "invalid setting" in result.output and needle in result.output
        assert "Traceback" not in result.output
