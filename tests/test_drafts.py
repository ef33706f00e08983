"""Drafts of unsent text: one private file per profile and flow, cleared on send, never resurrected."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from coach.drafts import SAVE_EVERY, Draft, draft_path
from tests.test_tui_tmux import COACH, Tmux


def test_a_draft_is_saved_privately_and_read_back(home: Path) -> None:
    draft = Draft(home, "Ana", "what-so-what")
    assert draft.load() is None
    assert draft.save("It went [well], mostly\nsecond line")
    assert draft.path == home / "drafts" / "Ana-what-so-what.txt"
    assert draft.path.stat().st_mode & 0o777 == 0o600
    assert draft.path.parent.stat().st_mode & 0o777 == 0o700
    again = Draft(home, "Ana", "what-so-what")
    assert again.load() == "It went [well], mostly\nsecond line"
    assert not again.dirty("It went [well], mostly\nsecond line")


def test_unchanged_text_is_not_written_again(home: Path) -> None:
    draft = Draft(home, "Ana", "grow")
    assert draft.save("one")
    before = draft.path.stat().st_mtime_ns
    assert not draft.save("one")
    assert draft.path.stat().st_mtime_ns == before
    assert draft.dirty("one more")


def test_empty_text_and_clear_remove_the_draft(home: Path) -> None:
    draft = Draft(home, "Ana", "grow")
    draft.save("typed")
    draft.save("")
    assert not draft.path.exists() and draft.load() is None
    draft.save("typed again")
    draft.clear()
    assert not draft.path.exists()
    draft.clear()  # clearing twice is harmless


def test_a_save_asked_for_before_the_send_is_dropped(home: Path) -> None:
    draft = Draft(home, "Ana", "gibbs")
    epoch = draft.epoch  # the timer read the composer ...
    draft.clear()  # ... then the user pressed Enter before the worker wrote
    assert not draft.save("the sent answer", epoch)
    assert not draft.path.exists()
    assert draft.save("the next answer", draft.epoch)


def test_whitespace_only_draft_is_not_offered(home: Path) -> None:
    draft = Draft(home, "Ana", "free")
    draft.save("  \n")
    assert Draft(home, "Ana", "free").load() is None


def test_profiles_and_flows_keep_separate_drafts_whatever_their_names(home: Path) -> None:
    names = ["Ana", "ana", "../etc", "Zoë [bold]", "a-b", "a"]
    paths = {draft_path(home, n, f) for n in names for f in ("b-c", "c", "grow")}
    assert len(paths) == len(names) * 3
    assert all(p.parent == home / "drafts" for p in paths)
    Draft(home, "../etc", "grow").save("x")
    assert [p.name for p in (home / "drafts").iterdir()] == ["..%2Fetc-grow.txt"]


def test_an_unreadable_draft_is_treated_as_none(home: Path) -> None:
    path = draft_path(home, "Ana", "grow")
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\xff\xfe not utf-8")
    assert Draft(home, "Ana", "grow").load() is None


def test_importing_drafts_does_not_import_textual() -> None:
    code = "import sys, coach.drafts; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.skipif(
    shutil.which("tmux") is None, reason="tmux is not installed; this test drives the real app"
)
@pytest.mark.skipif(not COACH.exists(), reason=f"{COACH} is missing: run make setup first")
def test_a_draft_survives_kill_9_of_the_real_app(home: Path) -> None:
    """Type without sending, wait past the save interval, kill -9, start again: the text is offered back."""
    term = Tmux(home)
    typed = "Half an answer with [brackets] and 🙂, not sent yet"
    try:
        term.first_steps()
        term.type(typed)
        term.wait_for("not sent yet")
        typed_at = time.monotonic()
        draft = Draft(home, "Ana", "what-so-what")
        while draft.load() != typed:
            assert time.monotonic() - typed_at < SAVE_EVERY + 10, "the draft was not saved in time"
            time.sleep(0.1)
        os.kill(term.pid(), signal.SIGKILL)
        term.exited()

        term.start()
        term.wait_for("reflection streak")
        term.press("w")
        screen = term.wait_for("Restored your unsent draft")
        assert "Half an answer with [brackets]" in screen
        term.press("Enter")  # sent: the draft is gone
        term.wait_for("Why does it matter")
        deadline = time.monotonic() + 5
        while draft.path.exists():
            assert time.monotonic() < deadline, "the draft outlived the answer it held"
            time.sleep(0.1)
    finally:
        term.stop()
