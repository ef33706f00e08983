"""Unlocking: the keys of each unlocked home, held in this process only, and where a passphrase comes from.

Order: keys already unlocked in this process (the app's unlock screen), a passphrase file named by
COACH_PASSPHRASE_FILE, the OS keyring if the person chose to be remembered, then a prompt without echo
when there is a terminal. Nothing is written to disk but the key file itself.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

from coach.crypto import LockedHome, WrongPassphrase, header_path, is_encrypted
from coach.crypto.header import Header, Keys, read

PASSPHRASE_ENV = "COACH_PASSPHRASE_FILE"
WRONG_DELAY = 1.0
"""Seconds a wrong passphrase waits before saying so: slows guessing at the prompt, never locks out."""
KEYRING_SERVICE = "coach"

_unlocked: dict[Path, Keys] = {}
_guard = threading.Lock()


def _name(home: Path) -> Path:
    return home.expanduser().resolve()


def remember_in_process(home: Path, keys: Keys) -> None:
    with _guard:
        _unlocked[_name(home)] = keys


def forget_in_process(home: Path | None = None) -> None:
    with _guard:
        if home is None:
            _unlocked.clear()
        else:
            _unlocked.pop(_name(home), None)


def unlocked(home: Path) -> Keys | None:
    with _guard:
        return _unlocked.get(_name(home))


def wrong_pause() -> None:
    time.sleep(WRONG_DELAY)


def open_with(home: Path, passphrase: str, *, header: Header | None = None) -> Keys:
    """Unlock with a passphrase (a wrong one waits WRONG_DELAY, then raises WrongPassphrase)."""
    head = header or read(header_path(home))
    try:
        keys = head.open(passphrase)
    except WrongPassphrase:
        wrong_pause()
        raise
    remember_in_process(home, keys)
    return keys


def passphrase_from_file() -> str | None:
    """The passphrase in the file named by COACH_PASSPHRASE_FILE (its first line), for scripts and tests."""
    name = os.environ.get(PASSPHRASE_ENV, "").strip()
    if not name:
        return None
    try:
        text = Path(name).expanduser().read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LockedHome(
            f"cannot read the passphrase file named by {PASSPHRASE_ENV} ({name}): {exc}"
        ) from None
    lines = text.splitlines()
    return lines[0] if lines else ""


def prompt(label: str = "Passphrase: ", env: str = PASSPHRASE_ENV) -> str:
    """Typed without echo; raises LockedHome when there is no terminal to type it in."""
    if not sys.stdin.isatty():
        what = label.rstrip(": ").lower()
        raise LockedHome(
            f"this data home is encrypted and this needs the {what}: run the command in a terminal to "
            f"type it, or name a file holding it in {env}"
        )
    import getpass

    return getpass.getpass(label)


def from_keyring(home: Path) -> str | None:
    from coach.crypto import keyring_store

    return keyring_store.get(home)


def unlocked_without_asking(home: Path) -> bool:
    """Unlock from this process, the passphrase file or the keyring (if chosen), never a prompt; False
    when only a prompt would do. A wrong passphrase from the file raises, as it does in the CLI."""
    if unlocked(home) is not None:
        return True
    head = read(header_path(home))
    given = passphrase_from_file()
    if given is not None:
        open_with(home, given, header=head)
        return True
    if head.remembered:
        remembered = from_keyring(home)
        if remembered is not None:
            try:
                open_with(home, remembered, header=head)
                return True
            except WrongPassphrase:
                return False
    return False


def key_for(home: Path) -> Keys:
    """The keys of an encrypted home, asking only as the order above says."""
    keys = unlocked(home)
    if keys is not None:
        return keys
    head = read(header_path(home))
    given = passphrase_from_file()
    if given is not None:
        return open_with(home, given, header=head)
    if head.remembered:
        remembered = from_keyring(home)
        if remembered is not None:
            try:
                return open_with(home, remembered, header=head)
            except WrongPassphrase:
                pass  # changed since: ask
    for attempt in range(3):
        try:
            return open_with(home, prompt(), header=head)
        except WrongPassphrase:
            if attempt == 2:
                raise
            print("That passphrase does not open this data home; try again.", file=sys.stderr)
    raise AssertionError("unreachable")


def keys_if_encrypted(home: Path) -> Keys | None:
    return key_for(home) if is_encrypted(home) else None


def adopt(home: Path, other: Path) -> None:
    """Let `other` (a scratch copy of an encrypted home's store) open with the home's keys and key file."""
    keys = unlocked(home)
    if keys is None:
        return
    import shutil

    shutil.copyfile(header_path(home), header_path(other))
    remember_in_process(other, keys)
