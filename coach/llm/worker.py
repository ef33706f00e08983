"""The local model's own process: loads a GGUF with llama-cpp-python and answers JSON lines on stdin.

Run as ``python -m coach.llm.worker MODEL N_CTX THREADS``. A crash in llama.cpp ends this process,
never the app. Requests, one JSON object a line:

- ``{"op": "chat", "messages": [...], "max_tokens": N, "temperature": T, "stop": [...]}`` answers
  ``{"token": "..."}`` lines, then ``{"done": true}``;
- ``{"op": "count", "text": "..."}`` answers ``{"count": N}`` (the model's own tokenizer);
- ``{"op": "reset"}`` forgets the cached prompt prefix and answers ``{"ok": true}``.

Any request may answer ``{"error": "..."}`` instead. At start it prints ``{"ready": true}`` or an error.
The process ends when its stdin closes, so it never outlives the app.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any, BinaryIO


def _send(out: BinaryIO, message: dict[str, Any]) -> None:
    out.write(json.dumps(message, ensure_ascii=False).encode("utf-8") + b"\n")
    out.flush()


def _protocol_stream() -> BinaryIO:
    """Our replies get a private copy of stdout; anything native code prints goes to stderr instead."""
    fd = os.dup(1)
    os.dup2(2, 1)
    return os.fdopen(fd, "wb", buffering=0)


def _load(path: str, n_ctx: int, threads: int) -> Any:
    from llama_cpp import Llama

    return Llama(model_path=path, n_ctx=n_ctx, n_threads=threads, seed=7, verbose=False)


def _chat(llama: Any, request: dict[str, Any], out: BinaryIO) -> None:
    parts = llama.create_chat_completion(
        messages=request["messages"],
        max_tokens=int(request.get("max_tokens", 256)),
        temperature=float(request.get("temperature", 0.3)),
        stop=request.get("stop") or None,
        stream=True,
    )
    for part in parts:
        token = part["choices"][0].get("delta", {}).get("content") or ""
        if token:
            _send(out, {"token": token})
    _send(out, {"done": True})


def _answer(llama: Any, request: dict[str, Any], out: BinaryIO) -> None:
    op = request.get("op")
    if op == "chat":
        _chat(llama, request, out)
    elif op == "count":
        text = str(request.get("text", ""))
        _send(out, {"count": len(llama.tokenize(text.encode("utf-8"), add_bos=False, special=False))})
    elif op == "reset":
        llama.reset()
        _send(out, {"ok": True})
    else:
        _send(out, {"error": f"unknown request {op!r}"})


def main(argv: list[str]) -> int:
    out = _protocol_stream()
    try:
        path, n_ctx, threads = argv[0], int(argv[1]), int(argv[2])
        llama = _load(path, n_ctx, threads)
    except Exception as exc:  # reported to the app as one line, then this process ends
        _send(out, {"error": f"{type(exc).__name__}: {exc}"})
        return 1
    _send(out, {"ready": True})
    for line in sys.stdin.buffer:
        try:
            request = json.loads(line)
            _answer(llama, request, out)
        except BrokenPipeError:
            return 0
        except Exception as exc:  # one bad request never ends the process
            _send(out, {"error": f"{type(exc).__name__}: {exc}"})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
