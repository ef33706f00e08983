"""Freed memory wiped, so no buffer a library writes to disk carries old plaintext.

A library may write a buffer to disk that it allocated but never filled: the vector index (hnswlib,
inside chromadb) saves its element block whole. Memory from malloc holds whatever was freed there
before, and in an unlocked home that can be a decrypted page or a string of what the person wrote. With
glibc's M_PERTURB set, every block malloc hands out is filled with a fixed byte and every block freed is
overwritten, so such a buffer holds that byte, never text. It costs a memset per allocation; it is set
once, when a key opens an encrypted store.
"""

from __future__ import annotations

import ctypes
import sys

M_PERTURB = -6
"""glibc's mallopt parameter (malloc.h)."""
FILL = 0x5A
"""Freed blocks are set to this byte; blocks handed out to its complement."""

_set = False


def wipe_freed_memory() -> bool:
    """Turn the wiping on for this process (glibc on Linux); False where the C library has no mallopt."""
    global _set
    if _set:
        return True
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt  # the process's own C library
    except (OSError, AttributeError):  # another C library (musl has no mallopt)
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    _set = bool(mallopt(M_PERTURB, FILL))
    return _set
