"""The app on an encrypted home: the unlock screen (wrong passphrase, recovery key), the first-run choice,
and Home and a reflection over the unlocked store, with nothing readable left on disk."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from coach.crypto import header_path, is_encrypted
from coach.crypto.actions import encrypt_new
from coach.crypto.keys import forget_in_process, unlocked
from coach.store import Store
from tui.unlock import FirstRunApp, UnlockApp

PASS, NEW = "a long correct passphrase", "a brand new passphrase"


@pytest.fixture(autouse=True)
def cheap_kdf(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("COACH_SCRYPT_LOG_N", "12")
    yield
    forget_in_process()


def encrypted(home: Path) -> str:
    recovery = encrypt_new(home, PASS)
    with Store.open(home) as store:
        store.profiles.add("Ana")
    forget_in_process()
    return recovery


async def type_in(pilot: Any, selector: str, text: str) -> None:
    field = pilot.app.query_one(selector, Input)
    field.focus()
    field.value = text
    await pilot.press("enter")


async def test_a_wrong_passphrase_is_said_then_the_right_one_unlocks(home: Path) -> None:
    encrypted(home)
    app = UnlockApp(home)
    async with app.run_test(size=(80, 24)) as pilot:
        start = time.perf_counter()
        await type_in(pilot, "#passphrase", "not the passphrase")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert time.perf_counter() - start >= 1.0
        message = str(app.query_one("#message").render())
        assert "does not open this data home" in message and "recovery key" in message
        assert app.is_running and unlocked(home) is None
        assert app.query_one("#passphrase", Input).value == ""
        await type_in(pilot, "#passphrase", PASS)
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert app.return_value is True and unlocked(home) is not None


async def test_the_recovery_key_on_the_unlock_screen_sets_a_new_passphrase(home: Path) -> None:
    recovery = encrypted(home)
    app = UnlockApp(home)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert app.query_one("#new").display and not app.query_one("#remember").display
        app.query_one("#passphrase", Input).value = recovery
        app.query_one("#new", Input).value = NEW
        await type_in(pilot, "#again", NEW)
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert app.return_value is True
    forget_in_process()
    from coach.crypto import header as hdr

    hdr.read(header_path(home)).open(NEW)  # the new passphrase opens it now


async def test_a_new_home_can_be_encrypted_at_first_run(home: Path) -> None:
    app = FirstRunApp(home)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.click("#encrypt")
        await pilot.pause()
        app.query_one("#new", Input).value = PASS
        await type_in(pilot, "#again", "not the same")
        await pilot.pause()
        assert "differ" in str(app.query_one("#message").render()) and not is_encrypted(home)
        app.query_one("#new", Input).value = PASS
        await type_in(pilot, "#again", PASS)
        await app.workers.wait_for_complete()
        await pilot.pause()
        shown = str(app.query_one("#recovery-key").render())
        assert len(shown.strip()) == 39 and "shown only now" in str(app.query_one("#message").render())
        await pilot.click("#done")
        await pilot.pause()
    assert app.return_value is True and is_encrypted(home)


async def test_a_new_home_can_stay_plain(home: Path) -> None:
    app = FirstRunApp(home)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.click("#plain")
        await pilot.pause()
    assert app.return_value is True and not is_encrypted(home)


async def test_encrypt_pressed_by_mistake_goes_back_to_the_choice(home: Path) -> None:
    app = FirstRunApp(home)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")  # Encrypt has the focus: a new user pressing Enter lands in the fields
        await pilot.pause()
        assert app.query_one("#new").display
        await pilot.press(*"Maya", "escape")
        await pilot.pause()
        assert not app.query_one("#new").display and app.query_one("#choice").display
        assert app.focused is app.query_one("#plain")
        await pilot.press("enter")
        await pilot.pause()
    assert app.return_value is True and not is_encrypted(home)


async def test_home_and_a_reflection_on_an_encrypted_home(home: Path, embedder: Any, tmp_path: Path) -> None:
    """Unlock, then the app as `coach` runs it: Home paints from the encrypted store, a reflection is
    stored and indexed; afterwards no file under the home holds its words."""
    from coach.config import load_settings
    from coach.services import Coach
    from tui.app import CoachApp
    from tui.conversation import ConversationScreen
    from tui.widgets import Composer

    encrypted(home)
    unlock = UnlockApp(home)
    async with unlock.run_test(size=(80, 24)) as pilot:
        await type_in(pilot, "#passphrase", PASS)
        await unlock.workers.wait_for_complete()
        await pilot.pause()
    store = Store.open(home)
    assert store.encrypted
    coach = Coach(store, load_settings(), embedder)
    app = CoachApp(coach, warm=True)
    words = "Ravelsong quarry"
    async with app.run_test(size=(110, 36)) as pilot:
        await app.workers.wait_for_complete()
        assert "Ana" in str(app.screen.query_one("#who").render())
        await pilot.press("w")
        screen = app.screen
        assert isinstance(screen, ConversationScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()

        async def say(text: str) -> None:
            screen.query_one(Composer).text = text
            await pilot.press("enter")
            await app.workers.wait_for_complete()
            await pilot.pause()

        await say(f"Walked past the {words} and talked about the move")
        await say("It shows I decide better outdoors")
        await say("Walk before the next big decision by Friday")
        await say("yes")
        await say("4")
        await say("")
        await say("")
        assert screen.prompt is not None and screen.prompt.done
        app.draft("gibbs").save(f"still thinking about the {words}")
        hits = coach.search(words, kind="history")
        assert hits and words in hits[0].snippet
    store.close()
    forget_in_process()
    for path in home.rglob("*"):
        if path.is_file():
            data = path.read_bytes().lower()
            assert b"ravelsong" not in data, path


def test_a_passphrase_file_skips_the_unlock_screen_and_a_bad_key_file_is_named(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from coach.crypto import DamagedHeader
    from tui.unlock import before_home

    encrypted(home)
    secret = tmp_path / "pass"
    secret.write_text(PASS + "\n", encoding="utf-8")
    monkeypatch.setenv("COACH_PASSPHRASE_FILE", str(secret))
    assert before_home() is None and unlocked(home) is not None
    forget_in_process()
    header_path(home).write_text("{}", encoding="utf-8")
    with pytest.raises(DamagedHeader, match="damaged"):
        before_home()
