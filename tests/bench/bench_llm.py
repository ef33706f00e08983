"""LLM benchmark: time to first token and tokens/s through the coach, against a bare llama-cpp call.

Both arms load the same GGUF (the bundled SmolLM2) with the same settings, and get the same messages (the
ones the coach builds for a Gibbs step with a tip and a recall) and the same limits. The coach runs the
model in its own process; the bare arm calls llama-cpp-python in this one. Only one arm works at a time.
llama.cpp reuses a matching prompt prefix between calls, so both models are reset before every run; runs
alternate, medians are reported. The coach's overhead is everything between "answer given" and the first
token that the bare call does not do: building and budgeting the messages (counted by the model process),
the pipe to the model process, LangChain's streaming, and saving the turn.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from tests.bench.bench_retrieval import Row, offline

OVERHEAD_TARGET = 0.10  # of the bare time to first token, at most; tokens/s may fall by as much


def bare_run(llama: Any, messages: list[dict[str, str]], max_tokens: int) -> tuple[float, int, float]:
    llama.reset()
    start = time.perf_counter()
    first: float | None = None
    tokens = 0
    for part in llama.create_chat_completion(
        messages=messages, max_tokens=max_tokens, temperature=0.3, stream=True
    ):
        if part["choices"][0].get("delta", {}).get("content"):
            first = first if first is not None else time.perf_counter() - start
            tokens += 1
    return first or 0.0, tokens, time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--max-tokens", type=int, default=48)
    args = parser.parse_args(argv)
    offline()
    try:
        import llama_cpp  # noqa: F401
    except ImportError:
        print("bench_llm: llama-cpp-python is not installed (pip install '.[local]'); skipped")
        return 0
    from coach.config import Settings
    from coach.engine.engine import Engine
    from coach.engine.flows import get_flow
    from coach.llm.voice import Voice
    from coach.store import Store
    from tests.llm_fakes import FixedRetriever

    home = Path(tempfile.mkdtemp(prefix="coach-bench-llm-"))
    store = Store.open(home)
    pid = store.profiles.add("Bench").id or 0
    from llama_cpp import Llama

    from coach.bundled import chat_model_file
    from coach.llm.llamacpp import THREADS, LocalLlama

    started = time.perf_counter()
    voice = Voice.from_settings(Settings(llm_provider="llamacpp"), max_tokens=args.max_tokens)
    assert voice is not None and isinstance(voice.model, LocalLlama)
    model = voice.model
    model.reset()  # starts the model process and waits for it to load
    load_s = time.perf_counter() - started
    llama = Llama(
        model_path=str(chat_model_file()), n_ctx=model.n_ctx, n_threads=THREADS, seed=7, verbose=False
    )
    retriever = FixedRetriever(recall_text="On 7 Nov you wrote: I froze when asked for a quote.")
    ours_first, ours_rate, bare_first, bare_rate = [], [], [], []
    for run in range(2 * args.runs):
        engine, _ = Engine.start(store, get_flow("gibbs"), pid, retriever, today=date(2026, 11, 21))
        prompt = engine.answer("I froze when the client asked for a quote, then undercharged the job.")
        llama.reset()
        model.reset()
        if run % 2 == (run // 2) % 2:  # arms alternate, and so does which one goes first
            messages, _ = voice.stage_messages(engine, prompt)
            as_dicts = [{"role": {"human": "user"}.get(m.type, m.type), "content": m.text} for m in messages]
            first, tokens, total = bare_run(llama, as_dicts, args.max_tokens)
            bare_first.append(first)
            bare_rate.append(tokens / max(total - first, 1e-9))
            continue
        stamps: list[float] = []
        t0 = time.perf_counter()
        reply = voice.speak(engine, prompt, lambda _t, s=stamps: s.append(time.perf_counter()))
        total = time.perf_counter() - t0
        assert not reply.fallback and stamps, reply.notice
        first = stamps[0] - t0  # from the answer given: building the messages included
        ours_first.append(first)
        ours_rate.append(len(stamps) / max(total - first, 1e-9))
    store.close()
    of, bf = statistics.median(ours_first), statistics.median(bare_first)
    overhead = (of - bf) / bf
    rate = statistics.median(ours_rate) / statistics.median(bare_rate)
    rows = [
        Row("model process start and load (SmolLM2-135M)", f"{load_s:.2f} s"),
        Row("time to first token, median", f"{of * 1000:.0f} ms", f"{bf * 1000:.0f} ms", f"{of / bf:.2f}"),
        Row(
            "coach overhead / bare first token",
            f"{(of - bf) * 1000:+.0f} ms",
            "",
            f"{overhead:+.1%}",
            f"≤ {OVERHEAD_TARGET:.0%}",
            "ok" if overhead <= OVERHEAD_TARGET else "MISSED",
        ),
        Row(
            "tokens/s after the first, median",
            f"{statistics.median(ours_rate):.1f}",
            f"{statistics.median(bare_rate):.1f}",
            f"{rate:.2f}",
            f"≥ {1 - OVERHEAD_TARGET:.2f}",
            "ok" if rate >= 1 - OVERHEAD_TARGET else "MISSED",
        ),
    ]
    print(f"LLM benchmark, {args.runs} alternating runs, {args.max_tokens} tokens max, 2 threads")
    print(f"{'metric':38} {'coach':>10} {'bare':>10} {'ratio':>8} {'target':>8} status")
    for r in rows:
        print(f"{r.metric:38} {r.ours:>10} {r.raw:>10} {r.ratio:>8} {r.target:>8} {r.status}")
    return 0 if overhead <= OVERHEAD_TARGET and rate >= 1 - OVERHEAD_TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
