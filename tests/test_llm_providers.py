"""Providers: local-only refusal, tracing kept off, clear messages for missing extras and dead servers."""

from __future__ import annotations

import os
import socket
import sys
import time

import pytest

from coach.config import Settings
from coach.errors import LLMError, PrivacyError
from coach.llm.providers import check_connection, is_local_url, make_chat_model, provider_summary


@pytest.mark.parametrize(
    ("url", "local"),
    [
        ("http://127.0.0.1:8080/v1", True),
        ("http://127.9.9.9", True),
        ("http://localhost:11434", True),
        ("http://[::1]:8000/v1", True),
        ("127.0.0.1:8080", True),
        ("https://api.example.com/v1", False),
        ("http://192.168.1.20:11434", False),
        ("http://localhost.example.com", False),
        (None, False),
    ],
)
def test_what_counts_as_this_machine(url: str | None, local: bool) -> None:
    assert is_local_url(url) is local


def test_none_is_the_guided_engine() -> None:
    settings = Settings()
    assert settings.llm_provider == "none" and settings.local_only
    assert make_chat_model(settings) is None
    assert "guided engine" in check_connection(settings)


@pytest.mark.parametrize(
    "settings",
    [
        Settings(llm_provider="openai"),  # no base URL: the hosted API
        Settings(llm_provider="openai", llm_base_url="https://llm.example.com/v1"),
        Settings(llm_provider="ollama", llm_base_url="http://10.0.0.5:11434"),
    ],
)
def test_remote_models_are_refused_while_local_only_is_on(settings: Settings) -> None:
    with pytest.raises(PrivacyError, match="local_only is on") as caught:
        make_chat_model(settings)
    assert "\n" not in str(caught.value)
    assert "REMOTE" in provider_summary(settings)


def test_tracing_stays_off_whatever_the_environment_says(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANGCHAIN_TRACING_V2", "true")
    monkeypatch.setenv("LANGSMITH_TRACING", "true")
    monkeypatch.setenv("LANGSMITH_API_KEY", "secret")
    make_chat_model(Settings())
    assert os.environ["LANGCHAIN_TRACING_V2"] == "false" and os.environ["LANGSMITH_TRACING"] == "false"
    assert "LANGSMITH_API_KEY" not in os.environ
    monkeypatch.setenv("LANGSMITH_TRACING", "true")
    make_chat_model(Settings(llm_tracing=True))  # the user asked for it in config
    assert os.environ["LANGSMITH_TRACING"] == "true"


def test_llamacpp_without_its_extra_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "llama_cpp", None)  # as if llama-cpp-python were not installed
    model = make_chat_model(Settings(llm_provider="llamacpp", llm_model=__file__))
    assert model is not None
    with pytest.raises(LLMError, match=r"pip install 'coach\[local\]'"):
        model.invoke("hi")


def test_a_missing_model_file_is_one_clear_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("llama_cpp")
    model = make_chat_model(Settings(llm_provider="llamacpp", llm_model=str(tmp_path / "nope.gguf")))
    assert model is not None
    with pytest.raises(LLMError, match="no model file at"):
        model.invoke("hi")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_connection_test_to_a_dead_server_fails_fast_with_one_line() -> None:
    pytest.importorskip("langchain_openai")
    settings = Settings(llm_provider="openai", llm_base_url=f"http://127.0.0.1:{free_port()}/v1")
    started = time.perf_counter()
    with pytest.raises(LLMError) as caught:
        check_connection(settings, timeout=5)
    assert time.perf_counter() - started < 5
    assert "cannot be reached" in str(caught.value) and "\n" not in str(caught.value)


def test_a_file_that_is_not_a_model_fails_once_in_one_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("llama_cpp")
    bad = tmp_path / "notes.gguf"
    bad.write_bytes(b"this is not a GGUF file" * 100)
    model = make_chat_model(Settings(llm_provider="llamacpp", llm_model=str(bad)))
    assert model is not None
    with pytest.raises(LLMError, match=r"^notes\.gguf could not be loaded: [^\n]+$"):
        model.invoke("hi")
    process = model.process  # type: ignore[attr-defined]
    starts = process.starts
    with pytest.raises(LLMError, match="could not be loaded"):
        model.invoke("hi again")
    assert process.starts == starts and process.pid is None  # the same file is not loaded twice
