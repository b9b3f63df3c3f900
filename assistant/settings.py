"""The one typed settings object. Read from the environment and `.env`; CLI flags and front
ends override it through `with_overrides`, which validates overrides exactly like the
environment (a bad value is refused with one sentence)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from assistant.language import HELP, LANGUAGES, Language

__all__ = ["LANGUAGES", "Language", "Settings", "SettingsError", "get_settings"]


class SettingsError(ValueError):
    """Invalid settings or overrides; the message is one sentence naming each bad value."""

    def __init__(self, problems: list[str], unknown: bool = False) -> None:
        self.problems = problems
        head = "Unknown setting(s)" if unknown else "Invalid setting(s)"
        super().__init__(f"{head}: {'; '.join(problems)}.")


class Settings(BaseSettings):
    """Every setting of journey-assistant. Each maps to an environment variable (see `.env.example`)."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        env_ignore_empty=True,
        # Every field is JOURNEY_<NAME> in the environment (JOURNEY_HOME, JOURNEY_LANG...)
        # and its plain name in code: Settings(home=...). Only the OpenAI variables keep their
        # standard names through aliases.
        env_prefix="JOURNEY_",
        validate_by_name=True,
        validate_by_alias=True,
    )

    home: Path = Field(
        default=Path("journey-data"),
        description="Workspace folder: the SQLite file, the Chroma index and exports live here.",
    )
    model: str = Field(
        default="guided",
        description="`guided` for the offline interviewer, or `provider:model` such as "
        "`openai:gpt-4.1-mini` for an LLM driven through tool calling.",
    )
    lang: Language = Field(
        default="en",
        description=f"Interview language: {HELP}.",
    )
    openai_api_key: str | None = Field(
        default=None,
        validation_alias="OPENAI_API_KEY",
        description="API key for OpenAI or any OpenAI-compatible server (local servers accept any).",
    )
    openai_base_url: str | None = Field(
        default=None,
        validation_alias="OPENAI_BASE_URL",
        description="Base URL of an OpenAI-compatible server, e.g. http://127.0.0.1:11434/v1 for Ollama.",
    )
    request_timeout: float = Field(
        default=60.0,
        gt=0,
        le=3600,
        description="Seconds before a model request times out (then retried by the client).",
    )
    max_retries: int = Field(
        default=3,
        ge=0,
        le=20,
        description="Retries with backoff on timeouts, 429 and 5xx, done by the openai client.",
    )
    max_tool_steps: int = Field(
        default=12,
        ge=1,
        le=100,
        description="Cap on model/tool round trips in one user turn.",
    )
    history_turns: int = Field(
        default=6,
        ge=0,
        le=200,
        description="How many recent chat turns the model sees verbatim; the map is the memory.",
    )
    embeddings: str = Field(
        default="minilm",
        description="`minilm` (offline int8 ONNX all-MiniLM-L6-v2) or `openai:MODEL` for OpenAI embeddings.",
    )
    retrieval: str = Field(
        default="hybrid",
        description="Retrieval method: `hybrid` (BM25 words + character n-grams + embeddings), `dense` or `bm25`.",
    )
    cache_dir: Path | None = Field(
        default=None,
        description="Folder for caches every workspace shares (the card index); default: "
        "$XDG_CACHE_HOME/journey-assistant or ~/.cache/journey-assistant.",
    )
    chroma_url: str | None = Field(
        default=None,
        description="URL of a Chroma server (e.g. http://127.0.0.1:8000); embedded when unset.",
    )
    max_upload_mb: float = Field(
        default=20.0,
        gt=0,
        le=2048,
        description="Largest research file accepted by `journey ingest` and the web upload.",
    )
    max_answer_chars: int = Field(
        default=20000,
        ge=100,
        le=10_000_000,
        description="Answers longer than this are cut (with a notice) before they are processed.",
    )
    host: str = Field(
        default="127.0.0.1",
        description="Address the web app binds to.",
    )
    port: int = Field(default=7860, ge=1, le=65535, description="Web app port.")
    auth: str | None = Field(
        default=None,
        description="`user:password` to require a login in the web app.",
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the database holding maps and accounts: the SQLite file "
        "in JOURNEY_HOME when unset; `postgresql+psycopg://user:pw@host/db` for a team server.",
    )
    trusted_user_header: str | None = Field(
        default=None,
        description="Header set by a reverse proxy that has signed the user in (e.g. "
        "`X-Forwarded-User` from oauth2-proxy). Only set this when every request comes "
        "through that proxy: the app then trusts the header instead of asking for a password.",
    )
    allow_public: bool = Field(
        default=False,
        description="Allow binding a non-loopback address without any authentication.",
    )
    concurrency: int = Field(
        default=32,
        ge=1,
        le=256,
        description="Web events one app process runs at once (each browser tab's turns run "
        "in order): enough for every person of a big workshop to wait on an LLM at once.",
    )
    queue_size: int = Field(
        default=200,
        ge=1,
        le=100_000,
        description="Web events that may wait; beyond it a request is refused at once "
        "('too busy') rather than left waiting for minutes.",
    )

    def with_overrides(self, **overrides: Any) -> Settings:
        """A copy with the non-None overrides applied, validated like the environment:
        SettingsError (one sentence) for an unknown name or a bad value."""
        clean = {k: v for k, v in overrides.items() if v is not None}
        if not clean:
            return self
        unknown = sorted(k for k in clean if k not in type(self).model_fields)
        if unknown:
            raise SettingsError(unknown, unknown=True)
        values = {k: getattr(self, k) for k in type(self).model_fields} | clean
        try:
            return type(self).model_validate(values)
        except ValidationError as exc:
            raise SettingsError(describe(exc)) from exc

    @property
    def language(self) -> Language:
        """The interview language (the `lang` setting, JOURNEY_LANG)."""
        return self.lang

    @property
    def db_path(self) -> Path:
        """The SQLite file holding every map and its change log."""
        return self.home / "journey.sqlite3"

    @property
    def database(self) -> str:
        """SQLAlchemy URL of the workspace database (JOURNEY_DATABASE_URL, else the SQLite file)."""
        return self.database_url or f"sqlite:///{self.db_path}"

    @property
    def chroma_path(self) -> Path:
        """Folder of the embedded Chroma index."""
        return self.home / "chroma"


def get_settings(**overrides: Any) -> Settings:
    """Settings from the environment, with non-None overrides (from CLI flags) applied and
    validated: SettingsError (one sentence) for a bad environment variable or override."""
    try:
        base = Settings()
    except ValidationError as exc:
        raise SettingsError(describe(exc, env=True)) from exc
    return base.with_overrides(**overrides)


def describe(exc: ValidationError, env: bool = False) -> list[str]:
    """Every problem as `name: message` (`JOURNEY_NAME: ...` for the environment)."""
    problems = []
    for error in exc.errors():
        name = ".".join(str(p) for p in error["loc"]) or "settings"
        if env:
            name = env_name(name)
        problems.append(f"{name}: {error['msg']}")
    return problems


def env_name(field: str) -> str:
    """The environment variable of a setting (`lang` -> `JOURNEY_LANG`)."""
    info = Settings.model_fields.get(field)
    alias = info.validation_alias if info is not None else None
    if isinstance(alias, str):
        return alias
    if field.isupper():
        return field
    return f"JOURNEY_{field.upper()}"
