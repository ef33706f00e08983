"""The passphrase's key: scrypt (memory-hard) with a random salt, its cost calibrated on this machine."""

from __future__ import annotations

import hashlib
import os
import time
import unicodedata
from dataclasses import dataclass

R, P = 8, 1
MIN_LOG_N, MAX_LOG_N = 14, 20
TARGET_SECONDS = 0.5
N_ENV = "COACH_SCRYPT_LOG_N"
"""Fix the cost (log2 of N, 14..20) instead of calibrating: for tests and for a home moved to a slower
machine. The cost in use is stored in the key file, so opening never depends on it."""


@dataclass(frozen=True)
class KdfParams:
    log_n: int
    r: int
    p: int
    salt: bytes

    def to_json(self) -> dict[str, object]:
        return {"name": "scrypt", "log_n": self.log_n, "r": self.r, "p": self.p, "salt": self.salt.hex()}

    @classmethod
    def from_json(cls, data: object) -> KdfParams:
        if not isinstance(data, dict) or data.get("name") != "scrypt":
            raise ValueError("the key derivation is not scrypt")
        log_n, r, p = data.get("log_n"), data.get("r"), data.get("p")
        if not all(isinstance(v, int) for v in (log_n, r, p)):
            raise ValueError("the scrypt parameters are not numbers")
        assert isinstance(log_n, int) and isinstance(r, int) and isinstance(p, int)
        if not (10 <= log_n <= 22 and 1 <= r <= 32 and 1 <= p <= 16):
            raise ValueError("the scrypt parameters are out of range")
        salt = bytes.fromhex(str(data.get("salt", "")))
        if len(salt) < 16:
            raise ValueError("the salt is missing or short")
        return cls(log_n, r, p, salt)


def normalise(passphrase: str) -> bytes:
    """NFC, so the same passphrase typed on another keyboard or system gives the same bytes."""
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def derive(passphrase: str, params: KdfParams) -> bytes:
    """The 32-byte key-encryption key of a passphrase."""
    n = 1 << params.log_n
    maxmem = 128 * params.r * (n + params.p + 2) + (1 << 20)
    return hashlib.scrypt(
        normalise(passphrase), salt=params.salt, n=n, r=params.r, p=params.p, maxmem=maxmem, dklen=32
    )


def calibrate(target: float = TARGET_SECONDS) -> int:
    """The log2 N whose derivation takes about `target` seconds here (doubling N doubles the time)."""
    fixed = os.environ.get(N_ENV, "").strip()
    if fixed.isdigit() and MIN_LOG_N - 4 <= int(fixed) <= MAX_LOG_N:
        return int(fixed)
    log_n = MIN_LOG_N
    probe = KdfParams(log_n, R, P, os.urandom(16))
    start = time.perf_counter()
    derive("calibration", probe)
    took = max(time.perf_counter() - start, 1e-4)
    while log_n < MAX_LOG_N and took * 2 <= target * 1.4:
        log_n += 1
        took *= 2
    return log_n


def new_params(log_n: int | None = None) -> KdfParams:
    return KdfParams(log_n or calibrate(), R, P, os.urandom(16))
