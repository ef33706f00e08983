"""coach init --encrypt, encrypt, decrypt, passphrase and unlock (--recovery, --remember, --forget)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from coach.cli.common import say
from coach.crypto import CryptoError, LockedHome, header_path, is_encrypted
from coach.crypto.actions import MIN_LENGTH, RECOVERY_NOTE, encrypt_new, set_passphrase, set_remembered
from coach.errors import InputError
from coach.paths import data_home, ensure_home

NEW_ENV = "COACH_NEW_PASSPHRASE_FILE"
RECOVERY_ENV = "COACH_RECOVERY_KEY_FILE"


def _first_line(env: str) -> str | None:
    name = os.environ.get(env, "").strip()
    if not name:
        return None
    try:
        lines = Path(name).expanduser().read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the file named by {env} ({name}): {exc}") from None
    return lines[0] if lines else ""


def new_passphrase(*, fallback_env: str | None = None) -> str:
    """A new passphrase: from COACH_NEW_PASSPHRASE_FILE (or the fallback), else typed twice without echo."""
    given = _first_line(NEW_ENV)
    if given is None and fallback_env:
        given = _first_line(fallback_env)
    if given is None:
        from coach.crypto.keys import prompt

        given = prompt("New passphrase: ", NEW_ENV)
        if prompt("The same again: ", NEW_ENV) != given:
            raise InputError("the two passphrases differ; nothing was changed")
    if len(given) < MIN_LENGTH:
        raise InputError(f"a passphrase needs at least {MIN_LENGTH} characters (a few words is better)")
    return given


def _show_recovery(recovery_key: str) -> None:
    say(RECOVERY_NOTE)
    typer.echo(f"\n    {recovery_key}\n")


def _held(home: Path):
    from coach.lock import HomeLock

    lock = HomeLock(home)
    lock.acquire()
    return lock


def init(
    encrypt: Annotated[
        bool,
        typer.Option("--encrypt", help="Encrypt the new data home with a passphrase and a recovery key."),
    ] = False,
) -> None:
    """Create the data home (COACH_HOME, or the platform's data folder), optionally encrypted."""
    from coach.store import Store

    home = ensure_home(data_home())
    if not encrypt:
        Store.open(home).close()
        say(f"Data home ready at {home} (not encrypted; coach encrypt encrypts it later).")
        return
    if is_encrypted(home):
        raise InputError(f"{home} is already encrypted")
    if (home / "coach.db").exists():
        raise InputError(f"{home} already holds a store; encrypt it in place with: coach encrypt")
    _encrypt(home, "Encrypted the new data home")


def encrypt() -> None:
    """Encrypt this data home in place: an encrypted copy is written, checked, then swapped in."""
    home = ensure_home(data_home())
    if is_encrypted(home):
        raise InputError(f"{home} is already encrypted")
    _encrypt(home, "Encrypted")


def _encrypt(home: Path, done: str) -> None:
    recovery_key = encrypt_new(home, new_passphrase(fallback_env="COACH_PASSPHRASE_FILE"))
    say(f"{done}: {home}. The search index is rebuilt on first use; your records are in the store.")
    _show_recovery(recovery_key)


def decrypt(
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Decrypt this data home in place: afterwards anyone with the files can read it."""
    from coach.crypto.convert import decrypt_home
    from coach.crypto.keys import key_for

    home = data_home()
    if not is_encrypted(home):
        raise InputError(f"{home} is not encrypted")
    if not yes and sys.stdin.isatty() and not typer.confirm("Store everything in clear on this disk?"):
        raise typer.Abort()
    lock = _held(home)
    try:
        keys = key_for(home)
        decrypt_home(home, keys)
    finally:
        lock.release()
    from coach.crypto import keyring_store

    keyring_store.delete(home)
    say(f"Decrypted {home}: its files are now readable by anyone who can read this folder.")


def passphrase() -> None:
    """Change the passphrase: the store is re-keyed; the recovery key stays the same."""
    from coach.crypto.keys import key_for

    home = data_home()
    if not is_encrypted(home):
        raise InputError(f"{home} is not encrypted (coach encrypt sets a passphrase)")
    key_for(home)
    remembered = _remembered(home)
    set_passphrase(home, new_passphrase())
    say("Passphrase changed; the store was re-keyed. The recovery key is unchanged.")
    if remembered:
        say("The keyring no longer remembers the old passphrase; coach unlock --remember stores the new one.")


def _remembered(home: Path) -> bool:
    from coach.crypto import header as hdr

    return hdr.read(header_path(home)).remembered


def unlock(
    recovery: Annotated[
        bool, typer.Option("--recovery", help="Open with the recovery key and set a new passphrase.")
    ] = False,
    remember: Annotated[
        bool, typer.Option("--remember", help="Remember the passphrase in the system keyring (see --help).")
    ] = False,
    forget: Annotated[bool, typer.Option("--forget", help="Remove the passphrase from the keyring.")] = False,
) -> None:
    """Check the passphrase; --recovery sets a new one with the recovery key; --remember keeps it in the
    system keyring: anyone using your logged-in account can then open the home without typing it."""
    from coach.crypto import header as hdr
    from coach.crypto import keyring_store
    from coach.crypto.keys import open_with, passphrase_from_file, prompt, remember_in_process, wrong_pause

    home = data_home()
    if not is_encrypted(home):
        raise InputError(f"{home} is not encrypted; there is nothing to unlock")
    if forget:
        keyring_store.delete(home)
        set_remembered(home, False)
        say("The keyring no longer holds this home's passphrase.")
        return
    head = hdr.read(header_path(home))
    if recovery:
        typed = _first_line(RECOVERY_ENV)
        try:
            keys = head.open_recovery(typed if typed is not None else prompt("Recovery key: ", RECOVERY_ENV))
        except CryptoError:
            wrong_pause()
            raise
        remember_in_process(home, keys)
        set_passphrase(home, new_passphrase())
        say("Unlocked with the recovery key and set a new passphrase; the recovery key still works.")
        return
    given = passphrase_from_file()
    typed = given if given is not None else prompt()
    open_with(home, typed, header=head)
    if remember:
        from coach.crypto.actions import remember as keep

        say(keyring_store.MEANING)
        keep(home, typed)
        say("Remembered in the keyring.")
    else:
        say("The passphrase opens this data home.")


def register(app: typer.Typer) -> None:
    for name, command in (
        ("init", init),
        ("encrypt", encrypt),
        ("decrypt", decrypt),
        ("passphrase", passphrase),
        ("unlock", unlock),
    ):
        app.command(name)(command)


__all__ = ["LockedHome", "register"]
