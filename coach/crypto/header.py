"""The key file: the data keys wrapped by the passphrase's key and sealed to the recovery key.

{"format": "coach-keys", "version": 1, "kdf": {scrypt parameters and salt},
 "passphrase": {"nonce", "ct"}, "recovery": {"public", "ephemeral", "nonce", "ct"},
 "remembered": false, "sum": sha256 of the rest}

The sum tells a damaged file (a bad copy, a sync conflict) from a wrong passphrase, which AES-GCM alone
cannot. A key file is only ever replaced whole (temp file, fsync, rename), never edited in place.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from coach.crypto import DamagedHeader, WrongPassphrase
from coach.crypto import kdf as kdf_mod
from coach.crypto import recovery as rec
from coach.paths import FILE_MODE

FORMAT, VERSION = "coach-keys", 1
AAD = b"coach-keys v1"
KEY_BYTES = 32


@dataclass(frozen=True)
class Keys:
    """The secrets: `db` keys SQLCipher (a passphrase change replaces it and re-keys the store), `files`
    seals drafts (kept across passphrase changes, so a draft being typed is never lost to one)."""

    db: bytes
    files: bytes

    @classmethod
    def new(cls) -> Keys:
        return cls(os.urandom(KEY_BYTES), os.urandom(KEY_BYTES))

    def pack(self) -> bytes:
        return self.db + self.files

    @classmethod
    def unpack(cls, raw: bytes) -> Keys:
        if len(raw) != 2 * KEY_BYTES:
            raise DamagedHeader("the key file holds keys of the wrong size")
        return cls(raw[:KEY_BYTES], raw[KEY_BYTES:])

    def sqlcipher(self) -> str:
        """The PRAGMA key value: the raw key, so SQLCipher runs no key derivation of its own."""
        return f"\"x'{self.db.hex()}'\""


@dataclass(frozen=True)
class Header:
    kdf: kdf_mod.KdfParams
    wrapped: dict[str, str]
    recovery: dict[str, str]
    remembered: bool = False

    @classmethod
    def create(cls, passphrase: str, keys: Keys, recovery_public: bytes, log_n: int | None = None) -> Header:
        params = kdf_mod.new_params(log_n)
        return cls(params, _wrap(kdf_mod.derive(passphrase, params), keys), _seal(recovery_public, keys))

    def rewrap(self, passphrase: str, keys: Keys) -> Header:
        """The same recovery key, a new salt and passphrase, these keys."""
        params = kdf_mod.new_params(self.kdf.log_n)
        public = bytes.fromhex(self.recovery["public"])
        wrapped = _wrap(kdf_mod.derive(passphrase, params), keys)
        return replace(self, kdf=params, wrapped=wrapped, recovery=_seal(public, keys))

    def open(self, passphrase: str) -> Keys:
        return self.open_kek(kdf_mod.derive(passphrase, self.kdf))

    def open_kek(self, kek: bytes) -> Keys:
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        try:
            nonce, ct = bytes.fromhex(self.wrapped["nonce"]), bytes.fromhex(self.wrapped["ct"])
            return Keys.unpack(AESGCM(kek).decrypt(nonce, ct, AAD))
        except InvalidTag:
            raise WrongPassphrase("that passphrase does not open this data home") from None

    def open_recovery(self, recovery_key: str) -> Keys:
        from cryptography.exceptions import InvalidTag

        try:
            raw = rec.parse(recovery_key)
        except ValueError as exc:
            raise WrongPassphrase(str(exc)) from None
        try:
            return Keys.unpack(rec.unseal(raw, self.recovery, AAD))
        except InvalidTag:
            raise WrongPassphrase("that recovery key does not open this data home") from None

    def body(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "kdf": self.kdf.to_json(),
            "passphrase": self.wrapped,
            "recovery": self.recovery,
            "remembered": self.remembered,
        }

    def dumps(self) -> str:
        body = self.body()
        return json.dumps(body | {"sum": _sum(body)}, indent=2) + "\n"

    @classmethod
    def loads(cls, text: str, where: Path) -> Header:
        try:
            data = json.loads(text)
            if not isinstance(data, dict) or data.get("format") != FORMAT:
                raise ValueError("not a coach key file")
            if data.get("version") != VERSION:
                raise ValueError(f"key file version {data.get('version')!r} is not one this coach reads")
            body = {k: v for k, v in data.items() if k != "sum"}
            if data.get("sum") != _sum(body):
                raise ValueError("its checksum does not match (the file was changed or cut short)")
            wrapped, recovery = data["passphrase"], data["recovery"]
            for part, names in (
                (wrapped, ("nonce", "ct")),
                (recovery, ("public", "ephemeral", "nonce", "ct")),
            ):
                if not isinstance(part, dict) or not all(isinstance(part.get(n), str) for n in names):
                    raise ValueError("a wrapped key is missing")
                for n in names:
                    bytes.fromhex(part[n])
            params = kdf_mod.KdfParams.from_json(data["kdf"])
        except (ValueError, KeyError, TypeError) as exc:
            raise DamagedHeader(
                f"the key file {where} is damaged ({exc}); nothing was changed. Put back a good copy of it "
                "(a backup writes one beside itself, as <backup>.keys); without it this home cannot be opened"
            ) from None
        return cls(params, wrapped, recovery, bool(data.get("remembered", False)))


def _sum(body: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode("utf-8")).hexdigest()


def _wrap(kek: bytes, keys: Keys) -> dict[str, str]:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(12)
    return {"nonce": nonce.hex(), "ct": AESGCM(kek).encrypt(nonce, keys.pack(), AAD).hex()}


def _seal(public: bytes, keys: Keys) -> dict[str, str]:
    return {"public": public.hex()} | rec.seal(public, keys.pack(), AAD)


def read(path: Path) -> Header:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        text = ""
    except OSError as exc:
        raise DamagedHeader(f"cannot read the key file {path}: {exc.strerror}") from None
    return Header.loads(text, path)


def write(path: Path, header: Header) -> None:
    """Replace the key file whole: temp file, fsync, rename, fsync of the folder."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, FILE_MODE)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(header.dumps())
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        sync_dir(path.parent)
    finally:
        tmp.unlink(missing_ok=True)


def sync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
