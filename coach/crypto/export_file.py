"""An encrypted export (coach export --encrypt): the JSON export sealed with a passphrase of its own, so it
can travel (mail, a USB stick) and be imported into another home with `coach import coach`.

Format: MAGIC, one JSON line with the scrypt salt and cost, then a 12-byte nonce and AES-256-GCM of the
export's UTF-8 text (the JSON line is authenticated with it)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from coach.crypto import WrongPassphrase
from coach.crypto import kdf as kdf_mod

MAGIC = b"COACH-SEALED-EXPORT 1\n"
PASSPHRASE_ENV = "COACH_EXPORT_PASSPHRASE_FILE"
"""A file whose first line is the export's passphrase (scripts); otherwise it is typed without echo."""


def seal(text: str, passphrase: str) -> bytes:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    params = kdf_mod.new_params()
    head = json.dumps({"kdf": params.to_json()}).encode("utf-8") + b"\n"
    nonce = os.urandom(12)
    body = AESGCM(kdf_mod.derive(passphrase, params)).encrypt(nonce, text.encode("utf-8"), MAGIC + head)
    return MAGIC + head + nonce + body


def is_sealed(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(len(MAGIC)) == MAGIC
    except OSError:
        return False


def open_text(blob: bytes, passphrase: str, where: str) -> str:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from coach.errors import InputError

    rest = blob[len(MAGIC) :]
    line, _, sealed = rest.partition(b"\n")
    try:
        params = kdf_mod.KdfParams.from_json(json.loads(line)["kdf"])
    except (ValueError, KeyError, TypeError):
        raise InputError(f"{where} is an encrypted coach export with a damaged header") from None
    try:
        data = AESGCM(kdf_mod.derive(passphrase, params)).decrypt(
            sealed[:12], sealed[12:], MAGIC + line + b"\n"
        )
    except InvalidTag:
        from coach.crypto.keys import wrong_pause

        wrong_pause()
        raise WrongPassphrase(f"that passphrase does not open {where} (or the file was changed)") from None
    return data.decode("utf-8")


def passphrase(*, new: bool) -> str:
    """The export's passphrase: from COACH_EXPORT_PASSPHRASE_FILE, else typed (twice when new)."""
    from coach.crypto.actions import MIN_LENGTH
    from coach.crypto.keys import prompt
    from coach.errors import InputError

    name = os.environ.get(PASSPHRASE_ENV, "").strip()
    if name:
        try:
            lines = Path(name).expanduser().read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read the file named by {PASSPHRASE_ENV} ({name}): {exc}") from None
        given = lines[0] if lines else ""
    else:
        given = prompt("Export passphrase: ", PASSPHRASE_ENV)
        if new and prompt("The same again: ", PASSPHRASE_ENV) != given:
            raise InputError("the two passphrases differ; nothing was written")
    if new and len(given) < MIN_LENGTH:
        raise InputError(f"a passphrase needs at least {MIN_LENGTH} characters (a few words is better)")
    return given
