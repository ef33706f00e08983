"""The real app in a real terminal (tmux): a new user's first reflection, start to finish, then the store."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from coach.store import Store

ROOT = Path(__file__).resolve().parent.parent
COACH = ROOT / ".venv" / "bin" / "coach"
EXITED = "coach exited with status "
STEP_TIMEOUT = 40.0  # generous: the first answers may wait while search warms up on a busy machine

pytestmark = [
    pytest.mark.skipif(
        shutil.which("tmux") is None, reason="tmux is not installed; the terminal tests need it"
    ),
    pytest.mark.skipif(not COACH.exists(), reason=f"{COACH} is missing: run make setup first"),
]


class Tmux:
    """One app in a tmux server of its own (own socket), so other sessions on the machine are untouched."""

    def __init__(self, home: Path, width: int = 100, height: int = 30) -> None:
        self.socket = f"coach-test-{uuid.uuid4().hex[:8]}"
        self.home = home
        self.width, self.height = width, height
        self.first_run = False
        """Offer to encrypt a brand-new home first, as a new user sees it; off: straight to Home."""

    def tmux(self, *args: str) -> str:
        out = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=10)
        return out.stdout

    def start(self) -> None:
        env = {
            "COACH_HOME": str(self.home),
            "COACH_ENCRYPT_PROMPT": "1" if self.first_run else "0",
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
            "ANONYMIZED_TELEMETRY": "False",
            "TERM": "xterm-256color",
        }
        # COLUMNS and LINES can reach the pane from a tmux started without a terminal; they would win over
        # the pane's real size, so they go
        assignments = " ".join(shlex.quote(f"{k}={v}") for k, v in env.items())
        # the shell reports the exit status itself: tmux 3.3 does not always record it for a pane
        command = f"env -u COLUMNS -u LINES {assignments} {COACH}; echo {EXITED}$?"
        self.tmux("kill-session", "-t", "app")  # a restart after a kill -9
        # the app is the session's own command: a pane respawned later starts at 80x24 whatever the window
        size = ("-x", str(self.width), "-y", str(self.height))
        self.tmux("new-session", "-d", "-s", "app", *size, "-c", str(ROOT), command)
        self.tmux("set-option", "-w", "-t", "app", "remain-on-exit", "on")  # keep that line to read

    def screen(self, history: int = 0) -> str:
        """What the terminal shows, with that many lines scrolled off above it."""
        return self.tmux("capture-pane", "-p", "-t", "app", "-S", str(-history))

    def wait_for(self, text: str, timeout: float = STEP_TIMEOUT, history: int = 0) -> str:
        """Poll the screen until the text shows; on a timeout, fail with what the screen shows."""
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen(history)
            if text in screen:
                return screen
            if time.monotonic() > deadline:
                pytest.fail(f"{text!r} did not appear within {timeout:.0f} s; the screen shows:\n{screen}")
            time.sleep(0.1)

    def type(self, text: str) -> None:
        if text:
            self.tmux("send-keys", "-t", "app", "-l", text)

    def press(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "app", *keys)

    def pid(self) -> int:
        """The app's process id (a child of the pane's shell)."""
        shell = self.tmux("display-message", "-p", "-t", "app", "#{pane_pid}").strip()
        out = subprocess.run(["pgrep", "-P", shell], capture_output=True, text=True, check=True)
        return int(out.stdout.split()[0])

    def exited(self, timeout: float = 15.0) -> int:
        """Wait for the app to quit; its exit status (128 + n when signal n ended it)."""
        screen = self.wait_for(EXITED, timeout, history=self.height)  # the line may have scrolled up
        return int(screen.split(EXITED)[1].split()[0])

    def first_steps(self, name: str = "Ana", key: str = "w", question: str = "What happened?") -> None:
        """A new user: start the app, create the profile on the home screen, open a flow."""
        self.start()
        self.wait_for("Type your name below")
        self.type(name)
        self.press("Enter")
        self.wait_for("reflection streak")
        self.press(key)
        self.wait_for(question)

    def stop(self) -> None:
        self.tmux("kill-server")


@pytest.fixture
def term(home: Path) -> Iterator[Tmux]:
    session = Tmux(home)
    try:
        yield session
    finally:
        session.stop()


def test_a_first_reflection_in_a_real_terminal(term: Tmux, home: Path) -> None:
    term.first_steps()
    # each answer is sent once the question it answers is on screen (the composer ignores Enter while busy)
    answers = [
        ("Coaching call with Dana about my promotion case and the next steps", "Why does it matter"),
        ("It shows I undersell my work [and that] should change", "What will you do"),
        ("Write my wins list by Friday", "Say yes to save"),
        ("yes", "How are you feeling"),
        ("4", "Any tags?"),
        ("growth, career", "Is this about one"),
        ("", "Saved to your history"),
    ]
    for answer, next_prompt in answers:
        term.type(answer)
        term.press("Enter")
        term.wait_for(next_prompt)
    term.wait_for("e Export to file")  # the artefact view has the focus: its keys are in the footer
    screen = term.wait_for("[and that]")  # scrolled to its top; brackets typed by the user shown as typed
    assert "Reflection:" in screen
    term.press("Escape")
    term.wait_for("reflection streak")  # the home: the commitment is under Today or Also open
    term.wait_for("Write my wins list by Friday")
    term.press("q")
    # quitting waits for the start-up warm-up (loading the model, indexing the notes) to finish
    assert term.exited(timeout=90) == 0

    with Store.open(home, readonly=True) as store:
        profile = store.profiles.by_name("Ana")
        sessions = store.sessions.list(profile.id or 0)
        assert len(sessions) == 1
        session = sessions[0]
        assert session.framework == "what-so-what" and session.ended_at is not None
        assert session.mood == 4 and session.tags == ["growth", "career"]
        said = [t.text for t in store.sessions.get(session.id or 0).turns if t.role == "user"]
        assert "It shows I undersell my work [and that] should change" in said
        assert [c.text for c in store.commitments.list(profile.id or 0)] == ["Write my wins list by Friday"]
    assert not list((home / "drafts").glob("*.txt"))  # everything typed was sent
