"""Remembering the passphrase in the OS keyring: off unless asked; a clear message when there is none."""

from __future__ import annotations

from pathlib import Path

from coach.crypto import CryptoError

SERVICE = "coach"
MEANING = (
    "Remembering the passphrase stores it in your system's keyring: anyone who can use your logged-in "
    "account can then open this data home without typing it, and the app no longer asks for it."
)


def _backend() -> object:
    try:
        import keyring
        from keyring.backends import fail
    except Exception as exc:  # keyring's backends import optional modules that can fail on their own
        raise CryptoError(f"the keyring cannot be used here ({type(exc).__name__})") from None
    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring) or "fail" in type(backend).__module__:
        raise CryptoError(
            "no keyring is available on this system (no Secret Service, Keychain or Credential Locker); "
            "the passphrase is not remembered and will be asked for each time"
        )
    return keyring


def _user(home: Path) -> str:
    return str(home.expanduser().resolve())


def set(home: Path, passphrase: str) -> None:
    kr = _backend()
    try:
        kr.set_password(SERVICE, _user(home), passphrase)  # type: ignore[attr-defined]
    except Exception as exc:
        raise CryptoError(f"the keyring refused to store the passphrase: {exc}") from None


def get(home: Path) -> str | None:
    try:
        kr = _backend()
        return kr.get_password(SERVICE, _user(home))  # type: ignore[attr-defined]
    except Exception:
        return None


def delete(home: Path) -> None:
    try:
        kr = _backend()
        kr.delete_password(SERVICE, _user(home))  # type: ignore[attr-defined]
    except Exception:
        pass
