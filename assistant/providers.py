"""Model names as `provider:model`, resolved in this one place into a LangChain chat model.

Every supported provider speaks the OpenAI chat-completions protocol, so one client
(`langchain-openai`'s `ChatOpenAI`) covers OpenAI, Ollama, vLLM, LM Studio and llama.cpp's
server; we build it directly rather than through `init_chat_model` because we also need the
key check below and the `ollama:` shortcut. Retries with exponential backoff on timeouts,
429 and 5xx are the openai client's own (`max_retries`, `timeout`), honouring `Retry-After`.

    openai:gpt-4.1-mini   OPENAI_API_KEY required (OPENAI_BASE_URL optional)
    ollama:llama3.1       no key; OPENAI_BASE_URL or http://127.0.0.1:11434/v1
"""

from __future__ import annotations

from dataclasses import dataclass

from langchain_core.language_models import BaseChatModel

from assistant.settings import Settings

OLLAMA_URL = "http://127.0.0.1:11434/v1"
PROVIDERS = ("openai", "ollama")
GUIDED_HINT = "or run `journey chat --model guided` for the offline interview"


class ProviderError(ValueError):
    """The model setting cannot be used; the message says how to fix it."""


@dataclass(frozen=True)
class ModelSpec:
    provider: str
    name: str

    def __str__(self) -> str:
        return f"{self.provider}:{self.name}"


def parse_model(model: str) -> ModelSpec:
    """`openai:gpt-4.1-mini` -> ModelSpec('openai', 'gpt-4.1-mini'); a bare name means openai."""
    text = model.strip()
    provider, sep, name = text.partition(":")
    if not sep:
        provider, name = "openai", text
    provider, name = provider.strip().casefold(), name.strip()
    if provider not in PROVIDERS or not name:
        raise ProviderError(
            f"Unknown model '{model}': use `provider:model` with provider "
            f"{' or '.join(PROVIDERS)} (e.g. openai:gpt-4.1-mini), {GUIDED_HINT}."
        )
    return ModelSpec(provider, name)


def missing_key(settings: Settings) -> str | None:
    """The model (`provider:name`) when it needs an API key and none is set, else None."""
    try:
        spec = parse_model(settings.model)
    except ProviderError:
        return None
    if spec.provider == "openai" and not settings.openai_api_key and not settings.openai_base_url:
        return str(spec)
    return None


def problem(settings: Settings) -> str | None:
    """One sentence on why the configured model cannot work, or None if it may."""
    try:
        spec = parse_model(settings.model)
    except ProviderError as exc:
        return str(exc)
    if spec.provider == "openai" and not settings.openai_api_key and not settings.openai_base_url:
        return (
            f"No API key for {spec}: set OPENAI_API_KEY (or OPENAI_BASE_URL for a local "
            f"OpenAI-compatible server), {GUIDED_HINT}."
        )
    return None


def chat_model(settings: Settings) -> BaseChatModel:
    """The chat model for `settings.model`; raises ProviderError with a fix when it cannot."""
    from langchain_openai import ChatOpenAI

    reason = problem(settings)
    if reason:
        raise ProviderError(reason)
    spec = parse_model(settings.model)
    base_url = settings.openai_base_url or (OLLAMA_URL if spec.provider == "ollama" else None)
    # Local servers ignore the key, but the openai client refuses to start without one.
    key = settings.openai_api_key or "not-needed"
    return ChatOpenAI(
        model=spec.name,
        api_key=key,  # type: ignore[arg-type]
        base_url=base_url,
        timeout=settings.request_timeout,
        max_retries=settings.max_retries,
        # Ask for token usage in streams from OpenAI itself; other servers may reject it.
        stream_usage=True if base_url is None else None,
    )
