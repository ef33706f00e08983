"""Unsent composer text kept on disk per profile and flow, so a crash or a kill loses nothing typed."""

from __future__ import annotations

import threading
from pathlib import Path
from urllib.parse import quote

from coach.crypto import is_encrypted
from coach.paths import ensure_home, write_private

DRAFTS = "drafts"
MAGIC = b"COACHSEAL1\n"
"""The start of a sealed draft (coach.crypto.sealed.MAGIC), checked without importing cryptography."""
SAVE_EVERY = 2.0
"""Seconds between draft saves while the user types (the screen also saves when it is left)."""


def draft_path(home: Path, profile: str, flow: str) -> Path:
    """<home>/drafts/<profile>-<flow>.txt; names are percent-encoded (a profile's "-" too), so any profile
    name gives one safe file and the first "-" always ends it."""
    name = quote(profile, safe="").replace("-", "%2D")
    return home / DRAFTS / f"{name}-{quote(flow, safe='')}.txt"


class Draft:
    """The draft of one profile's conversation in one flow.

    Saves may run in a worker thread while the screen clears the draft on send: `epoch` changes on every
    clear, and a save that was asked for before the clear is dropped, so sent text never comes back.
    """

    def __init__(self, home: Path, profile: str, flow: str) -> None:
        self.home = home
        self.path = draft_path(home, profile, flow)
        self.epoch = 0
        self._saved = ""
        self._lock = threading.Lock()

    def load(self) -> str | None:
        """The unsent text, or None when there is none (or it cannot be read)."""
        try:
            blob = self.path.read_bytes()
            text = self._open(blob) if blob.startswith(MAGIC) else blob.decode("utf-8")
        except (OSError, UnicodeDecodeError, ValueError):
            return None
        with self._lock:
            self._saved = text
        return text if text.strip() else None

    def dirty(self, text: str) -> bool:
        """True when the text differs from what is on disk (so a save would write)."""
        return text != self._saved

    def save(self, text: str, epoch: int | None = None) -> bool:
        """Write the text (empty text removes the draft); False when unchanged or asked before a clear."""
        with self._lock:
            if (epoch is not None and epoch != self.epoch) or text == self._saved:
                return False
            if text:
                ensure_home(self.path.parent)
                self._write(text)
            else:
                self.path.unlink(missing_ok=True)
            self._saved = text
            return True

    def _file_key(self) -> bytes | None:
        """The home's file key when it is encrypted (unlocked before any draft is written)."""
        if not is_encrypted(self.home):
            return None
        from coach.crypto.keys import key_for

        return key_for(self.home).files

    def _write(self, text: str) -> None:
        key = self._file_key()
        if key is None:
            write_private(self.path, text)
            return
        from coach.crypto import sealed

        sealed.write_bytes(self.path, sealed.seal(key, text.encode("utf-8"), self.path.name.encode()))

    def _open(self, blob: bytes) -> str:
        from cryptography.exceptions import InvalidTag

        from coach.crypto import sealed

        key = self._file_key()
        if key is None:
            raise ValueError("a sealed draft in a plain home")
        try:
            return sealed.unseal(key, blob, self.path.name.encode()).decode("utf-8")
        except InvalidTag:
            raise ValueError("a sealed draft this home's key does not open") from None

    def clear(self) -> None:
        """The text was sent: forget it, and void any save still in flight."""
        with self._lock:
            self.epoch += 1
            self._saved = ""
            self.path.unlink(missing_ok=True)
