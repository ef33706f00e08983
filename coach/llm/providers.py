"""Chat models by provider (LangChain), the local-only rule, tracing kept off, and a connection test."""

from __future__ import annotations

import ipaddress
import os
import time
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from coach.config import Settings
from coach.errors import LLMError, PrivacyError

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

OLLAMA_URL = "http://127.0.0.1:11434"
OPENAI_URL = "https://api.openai.com/v1"
# Context windows used for the token budget when the user sets none.
DEFAULT_CONTEXT = {"llamacpp": 2048, "ollama": 4096, "openai": 8192}
_TRACING_VARS = ("LANGCHAIN_TRACING_V2", "LANGCHAIN_TRACING", "LANGSMITH_TRACING")


def is_local_url(url: str | None) -> bool:
    """True for loopback hosts (localhost, 127.0.0.0/8, ::1) and Unix sockets."""
    if not url:
        return False
    parsed = urlparse(url if "://" in url else f"http://{url}")
    if parsed.scheme in ("unix", "http+unix"):
        return True
    host = (parsed.hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def endpoint(settings: Settings) -> str | None:
    """Where the provider's requests go: a URL, or None when the model runs in a local child process."""
    if settings.llm_provider == "ollama":
        return settings.llm_base_url or OLLAMA_URL
    if settings.llm_provider == "openai":
        return settings.llm_base_url or OPENAI_URL
    return None


def is_remote(settings: Settings) -> bool:
    url = endpoint(settings)
    return url is not None and not is_local_url(url)


def context_window(settings: Settings) -> int:
    return settings.llm_context or DEFAULT_CONTEXT.get(settings.llm_provider, 2048)


def provider_summary(settings: Settings) -> str:
    """One line naming the provider, its model and where it runs."""
    p = settings.llm_provider
    if p == "none":
        return "guided engine (no language model)"
    if p == "llamacpp":
        model = settings.llm_model or "bundled SmolLM2-135M-Instruct"
        return f"llamacpp, {model} (its own process on this machine)"
    where = "on this machine" if not is_remote(settings) else "REMOTE"
    return f"{p}, model {settings.llm_model or '(default)'} at {endpoint(settings)} ({where})"


def keep_tracing_off(settings: Settings) -> None:
    """LangSmith tracing stays off whatever the environment says, unless config asks for it."""
    if settings.llm_tracing:
        return
    for name in _TRACING_VARS:
        os.environ[name] = "false"
    os.environ.pop("LANGSMITH_API_KEY", None)
    os.environ.pop("LANGCHAIN_API_KEY", None)


def guard_privacy(settings: Settings) -> None:
    if settings.local_only and is_remote(settings):
        raise PrivacyError(
            f"local_only is on, so nothing is sent to {endpoint(settings)}. "
            "Turn it off with 'coach config set local_only false' if you mean to use a remote model"
        )


def make_chat_model(settings: Settings, *, max_tokens: int = 256) -> BaseChatModel | None:
    """The configured chat model, or None for the guided engine. Refuses remote ones under local_only."""
    keep_tracing_off(settings)
    provider = settings.llm_provider
    if provider == "none":
        return None
    guard_privacy(settings)
    timeout = settings.llm_timeout
    if provider == "llamacpp":
        from coach.llm.llamacpp import LocalLlama

        return LocalLlama.from_settings(settings, max_tokens=max_tokens)
    if provider == "ollama":
        try:
            from langchain_ollama import ChatOllama
        except ImportError:
            raise LLMError("the ollama provider needs its extra: pip install 'coach[remote]'") from None
        return ChatOllama(
            model=settings.llm_model or "llama3.2",
            base_url=endpoint(settings),
            num_predict=max_tokens,
            num_ctx=context_window(settings),
            client_kwargs={"timeout": timeout},
        )
    if provider == "openai":
        try:
            # the base class sends max_tokens, which every OpenAI-compatible server understands
            from langchain_openai.chat_models.base import BaseChatOpenAI
            from pydantic import SecretStr
        except ImportError:
            raise LLMError("the openai provider needs its extra: pip install 'coach[remote]'") from None
        key = os.environ.get("OPENAI_API_KEY") or os.environ.get("COACH_LLM_API_KEY")
        if not key and is_remote(settings):
            raise LLMError("no API key: set OPENAI_API_KEY (or COACH_LLM_API_KEY) in the environment")
        return BaseChatOpenAI(
            model=settings.llm_model or "gpt-4o-mini",
            base_url=endpoint(settings),
            api_key=SecretStr(key or "not-needed"),
            max_tokens=max_tokens,
            timeout=timeout,
            max_retries=0,
            stream_usage=False,
        )
    raise LLMError(f"unknown provider '{provider}'")


def describe_failure(exc: BaseException) -> str:
    """One line for the user, whatever the provider raised."""
    if isinstance(exc, (LLMError, PrivacyError)):
        return str(exc)
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    name = type(exc).__name__
    if "Connect" in name or "connection" in text.lower():
        return f"the model server cannot be reached ({name})"
    if "Timeout" in name or "timed out" in text.lower():
        return "the model took too long to answer"
    if "Authentication" in name or "401" in text:
        return "the model server refused the API key"
    if "NotFound" in name or "404" in text:
        return f"the model server does not know that model ({text[:120]})"
    return f"{name}: {text[:160]}" if text else name


def check_connection(settings: Settings, timeout: float = 30.0) -> str:
    """Ask the configured model for a word; a line saying how it went, or LLMError with the reason."""
    if settings.llm_provider == "none":
        return "No language model configured: the guided engine runs the conversations."
    from langchain_core.messages import HumanMessage

    started = time.perf_counter()
    try:
        model = make_chat_model(settings.model_copy(update={"llm_timeout": timeout}), max_tokens=8)
        assert model is not None
        model.invoke([HumanMessage("Reply with the word ready.")])
    except PrivacyError:
        raise
    except Exception as exc:
        raise LLMError(f"{provider_summary(settings)}: {describe_failure(exc)}") from exc
    return f"{provider_summary(settings)} answered in {time.perf_counter() - started:.1f} s."
