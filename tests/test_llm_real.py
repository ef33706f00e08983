"""The real bundled SmolLM2: in the coach's own model process, and behind a real OpenAI-compatible server."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from coach.config import Settings
from coach.engine.engine import Engine
from coach.engine.flows import get_flow
from coach.engine.results import Prompt
from coach.llm.ask import ask
from coach.llm.llamacpp import LocalLlama, ModelProcess
from coach.llm.voice import Voice
from coach.services import Coach
from coach.store import Store
from tests.llm_fakes import FixedRetriever
from tests.test_cli import ok
from tests.test_llm_providers import free_port
from tests.test_retrieval import reflect

pytest.importorskip("llama_cpp")  # on CI a skip fails the run (.ci/run)
pytestmark = pytest.mark.slow
TODAY = date(2026, 11, 21)


@pytest.fixture
def kill_mid_reply(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """SIGKILL the model process once it has sent its first token of the first reply; the pids killed."""
    killed: list[int] = []
    real = ModelProcess.stream

    def stream(self: ModelProcess, request: dict, timeout: float) -> Iterator[str]:  # type: ignore[type-arg]
        for token in real(self, request, timeout):
            if not killed and self.pid is not None:
                killed.append(self.pid)
                os.kill(self.pid, signal.SIGKILL)
            yield token

    monkeypatch.setattr(ModelProcess, "stream", stream)
    return killed


def gibbs_step(store: Store, pid: int) -> tuple[Engine, Prompt]:
    engine, _ = Engine.start(store, get_flow("gibbs"), pid, FixedRetriever(), today=TODAY)
    return engine, engine.answer("I froze when the client asked for a quote, then undercharged the job.")


def test_the_bundled_model_loads_from_its_package_and_streams(store: Store, profile_id: int) -> None:
    from coach.bundled import chat_model_file

    assert chat_model_file().suffix == ".gguf"
    voice = Voice.from_settings(Settings(llm_provider="llamacpp"), max_tokens=48)
    assert voice is not None and voice.count("hello there") < 6  # the model's own tokenizer
    engine, prompt = gibbs_step(store, profile_id)
    tokens: list[str] = []
    reply = voice.speak(engine, prompt, tokens.append)
    assert not reply.fallback and len(tokens) > 3 and reply.first_token_s is not None
    assert "".join(tokens).strip() == reply.raw
    assert reply.text.strip()
    assert any(t.role == "coach" and t.text == reply.text for t in store.sessions.turns(engine.session_id))
    model = voice.model
    assert isinstance(model, LocalLlama) and model.process.pid not in (None, os.getpid())


def test_a_model_process_killed_mid_reply_falls_back_and_restarts(
    store: Store, profile_id: int, kill_mid_reply: list[int]
) -> None:
    voice = Voice.from_settings(Settings(llm_provider="llamacpp"), max_tokens=48)
    assert voice is not None
    engine, prompt = gibbs_step(store, profile_id)
    reply = voice.speak(engine, prompt)
    assert kill_mid_reply and reply.fallback and reply.text == prompt.text
    assert "the local model process ended by SIGKILL" in reply.notice and "\n" not in reply.notice
    turns = store.sessions.turns(engine.session_id)
    assert any(t.role == "user" and t.text.startswith("I froze when the client") for t in turns)
    again = voice.speak(engine, engine.answer("Anxious, then annoyed with myself."))
    model = voice.model
    assert isinstance(model, LocalLlama)
    assert not again.fallback and again.text.strip() and model.process.pid not in (None, kill_mid_reply[0])


def test_coach_reflect_with_llamacpp_streams_and_saves(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, embedder
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("coach.retrieval.index.Embedder", lambda *a, **k: embedder)
    monkeypatch.setenv("COACH_LLM_MAX_TOKENS", "32")  # behaviour, not eloquence: short replies
    ok(capsys, "profile", "add", "Ana")
    answers = tmp_path / "a.yaml"
    answers.write_text(
        "what: I ran the retro and the quiet people spoke first, which changed the tone.\n"
        "so_what: Giving space works better than pushing.\nnow_what: Send notes by Friday\n"
        "mood: 4\n",
        encoding="utf-8",
    )
    out = ok(
        capsys,
        "reflect",
        "--flow",
        "what-so-what",
        "--llm",
        "llamacpp",
        "--show-context",
        "--answers",
        str(answers),
    )
    assert "In short:" in out and "Send notes" in out
    assert "── what will be sent to the local model process ──" in out and "[system]" in out
    free = tmp_path / "free.yaml"
    free.write_text("entry: A quiet week; I finished the grant draft.\nmood: 4\n", encoding="utf-8")
    data = json.loads(
        ok(capsys, "reflect", "--flow", "free", "--llm", "llamacpp", "--answers", str(free), "--json")
    )
    assert data["voice"] and all(not v["fallback"] for v in data["voice"])


def test_coach_reflect_carries_on_when_the_model_process_is_killed(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    embedder,
    home: Path,
    kill_mid_reply: list[int],
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("coach.retrieval.index.Embedder", lambda *a, **k: embedder)
    monkeypatch.setenv("COACH_LLM_MAX_TOKENS", "24")
    ok(capsys, "profile", "add", "Ana")
    answers = tmp_path / "a.yaml"
    answers.write_text(
        "what: The retro ran long and [two] people left early.\nso_what: I packed the agenda too full.\n"
        "now_what: Cut the agenda to three items by Friday\nmood: 3\n",
        encoding="utf-8",
    )
    out = ok(capsys, "reflect", "--flow", "what-so-what", "--llm", "llamacpp", "--answers", str(answers))
    assert kill_mid_reply
    assert "The model is unavailable (the local model process ended by SIGKILL" in out.replace("\n", " ")
    with Store.open(home) as store:
        session = store.sessions.list(store.profiles.list()[0].id or 0)[0]
        said = [t.text for t in store.sessions.turns(session.id or 0) if t.role == "user"]
    assert said[:3] == [
        "The retro ran long and [two] people left early.",
        "I packed the agenda too full.",
        "Cut the agenda to three items by Friday",
    ]


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """llama-cpp-python's OpenAI-compatible server on 127.0.0.1, serving the same bundled GGUF."""
    from coach.bundled import chat_model_file

    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "llama_cpp.server",
            "--model",
            str(chat_model_file()),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--n_ctx",
            "2048",
            "--n_threads",
            "2",
            "--model_alias",
            "smollm2",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/v1"
    try:
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"{url}/models", timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail("llama_cpp.server exited at start")
                time.sleep(0.5)
        else:
            pytest.fail("llama_cpp.server did not come up in 60 s")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def openai_settings(url: str) -> Settings:
    return Settings(llm_provider="openai", llm_base_url=url, llm_model="smollm2", llm_timeout=60)


def test_openai_provider_streams_from_a_real_server(server: str, store: Store, profile_id: int) -> None:
    from coach.llm.providers import check_connection

    assert "answered in" in check_connection(openai_settings(server))
    voice = Voice.from_settings(openai_settings(server), max_tokens=48)
    assert voice is not None and not voice.remote
    engine, prompt = gibbs_step(store, profile_id)
    tokens: list[str] = []
    reply = voice.speak(engine, prompt, tokens.append)
    assert not reply.fallback and len(tokens) > 3
    assert {s.id for s in reply.cited} <= {s.id for s in reply.sources}


def test_ask_through_the_server_sends_only_this_profiles_entries(server: str, coach: Coach) -> None:
    ana = coach.store.profiles.add("Ana").id or 0
    ben = coach.store.profiles.add("Ben").id or 0
    reflect(coach.store, ana, "Stuck on pricing again: I froze when asked for a quote.", "2026-10-02")
    reflect(coach.store, ben, "Ben's pricing secret: charge 900 per day to the bank.", "2026-10-03")
    voice = Voice.from_settings(openai_settings(server), max_tokens=64)
    assert voice is not None
    result = ask(coach, "What did I get stuck on with pricing?", ana, voice)
    assert result.found and not result.fallback and result.text
    sent = " ".join(m.text for m in voice.last_messages)
    assert "froze when asked" in sent and "900 per day" not in sent
    assert {s.id for s in result.cited} <= {s.id for s in result.sources}


def test_a_server_that_goes_away_falls_back_mid_session(store: Store, profile_id: int) -> None:
    port = free_port()
    voice = Voice.from_settings(openai_settings(f"http://127.0.0.1:{port}/v1"), max_tokens=32)
    assert voice is not None
    engine, prompt = gibbs_step(store, profile_id)
    reply = voice.speak(engine, prompt)
    assert reply.fallback and reply.text == prompt.text and "cannot be reached" in reply.notice


def local_model_app(coach: Coach):  # type: ignore[no-untyped-def]
    """The app on the bundled model, with short replies."""
    from tui.app import CoachApp

    coach.store.profiles.add("Ana")
    coach.settings = coach.settings.model_copy(update={"llm_provider": "llamacpp", "llm_max_tokens": 32})
    return CoachApp(coach, warm=False)


async def start_quick_reflection(app, pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("w")
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_the_app_streams_from_the_bundled_model(coach: Coach) -> None:
    from tui.conversation import ConversationScreen
    from tui.widgets import Bubble

    app = local_model_app(coach)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_quick_reflection(app, pilot)
        screen = app.screen
        assert isinstance(screen, ConversationScreen) and app._voice is not None
        said = [b.plain for b in screen.query(Bubble) if b.who == "coach"]
        assert said and said[-1].strip() and said[-1] != "…"
        assert any(
            t.role == "coach" and t.text == said[-1]
            for t in coach.store.sessions.turns(screen.prompt.session_id)
        )


async def test_the_app_carries_on_when_the_model_process_is_killed(
    coach: Coach, kill_mid_reply: list[int]
) -> None:
    from tui.conversation import ConversationScreen
    from tui.widgets import Bubble

    app = local_model_app(coach)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_quick_reflection(app, pilot)
        screen = app.screen
        assert kill_mid_reply and isinstance(screen, ConversationScreen) and app.is_running
        said = [b.plain for b in screen.query(Bubble) if b.who == "coach"]
        assert said[-1] == screen.prompt.text  # the guided coach asked the step itself
        shown = " ".join(str(n.message) for n in app._notifications)
        assert "the local model process ended by SIGKILL" in shown
        await pilot.press(*"It went better than I feared.")
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        turns = coach.store.sessions.turns(screen.prompt.session_id)
        assert any(t.role == "user" and t.text == "It went better than I feared." for t in turns)
        said = [b.plain for b in screen.query(Bubble) if b.who == "coach"]
        assert said[-1].strip() and said[-1] != "…"  # the next reply comes from a fresh model process
