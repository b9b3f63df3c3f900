"""The one typed settings object. Read from the environment and `.env`; CLI flags override it."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

Language = Literal["en", "pl", "it"]


class Settings(BaseSettings):
    """Every setting of journey-assistant. Each maps to an environment variable (see `.env.example`)."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True
    )

    home: Path = Field(
        default=Path("journey-data"),
        validation_alias="JOURNEY_HOME",
        description="Workspace folder: the SQLite file, the Chroma index and exports live here.",
    )
    model: str = Field(
        default="guided",
        validation_alias="JOURNEY_MODEL",
        description="`guided` for the offline interviewer, or `provider:model` such as "
        "`openai:gpt-4.1-mini` for an LLM driven through tool calling.",
    )
    language: Language = Field(
        default="en",
        validation_alias="JOURNEY_LANG",
        description="Interview language: en, pl or it.",
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
        validation_alias="JOURNEY_REQUEST_TIMEOUT",
        description="Seconds before a model request times out (then retried by the client).",
    )
    max_retries: int = Field(
        default=3,
        validation_alias="JOURNEY_MAX_RETRIES",
        description="Retries with backoff on timeouts, 429 and 5xx, done by the openai client.",
    )
    max_tool_steps: int = Field(
        default=12,
        validation_alias="JOURNEY_MAX_TOOL_STEPS",
        description="Cap on model/tool round trips in one user turn.",
    )
    history_turns: int = Field(
        default=6,
        validation_alias="JOURNEY_HISTORY_TURNS",
        description="How many recent chat turns the model sees verbatim; the map is the memory.",
    )
    embeddings: str = Field(
        default="minilm",
        validation_alias="JOURNEY_EMBEDDINGS",
        description="`minilm` (offline int8 ONNX all-MiniLM-L6-v2) or `openai:MODEL` for OpenAI embeddings.",
    )
    retrieval: str = Field(
        default="hybrid",
        validation_alias="JOURNEY_RETRIEVAL",
        description="Retrieval method: `hybrid` (embeddings + BM25), `dense` or `bm25`.",
    )
    chroma_url: str | None = Field(
        default=None,
        validation_alias="JOURNEY_CHROMA_URL",
        description="URL of a Chroma server (e.g. http://127.0.0.1:8000); embedded when unset.",
    )
    max_upload_mb: float = Field(
        default=20.0,
        validation_alias="JOURNEY_MAX_UPLOAD_MB",
        description="Largest research file accepted by `journey ingest` and the web upload.",
    )
    max_answer_chars: int = Field(
        default=20000,
        validation_alias="JOURNEY_MAX_ANSWER_CHARS",
        description="Answers longer than this are cut (with a notice) before they are processed.",
    )
    host: str = Field(
        default="127.0.0.1",
        validation_alias="JOURNEY_HOST",
        description="Address the web app binds to.",
    )
    port: int = Field(default=7860, validation_alias="JOURNEY_PORT", description="Web app port.")
    auth: str | None = Field(
        default=None,
        validation_alias="JOURNEY_AUTH",
        description="`user:password` to require a login in the web app.",
    )

    @property
    def db_path(self) -> Path:
        """The SQLite file holding every map and its change log."""
        return self.home / "journey.sqlite3"

    @property
    def chroma_path(self) -> Path:
        """Folder of the embedded Chroma index."""
        return self.home / "chroma"


def get_settings(**overrides: object) -> Settings:
    """Settings from the environment, with non-None overrides (from CLI flags) applied."""
    base = Settings()
    clean = {k: v for k, v in overrides.items() if v is not None}
    return base.model_copy(update=clean) if clean else base
