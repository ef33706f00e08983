"""Loading the retrieval stack without long pauses for other threads (the app's event loop above all).

Two things hold the interpreter lock for a long time while torch, sentence-transformers and chromadb load:

- Python's import maps and relocates an extension's shared libraries with the lock held; for torch that is
  over 400 MB of code and about 170 ms. `preload_native()` asks the dynamic loader for those libraries
  first, through a foreign call that runs without the lock, so the import later finds them in memory.
- The garbage collector's full passes walk every object alive, and these imports create millions of them,
  so each pass grows longer (up to about 200 ms). `gc_paused()` holds collections off during the load and
  can then freeze what was loaded, which later passes skip: the pauses stay short for the rest of the run.
"""

from __future__ import annotations

import ctypes
import gc
import importlib.util
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# Extension modules by their package, as glob patterns inside it. torch's _C pulls in libtorch_cpu and
# the rest of torch/lib through its own dependencies; torch's test libraries are never loaded.
NATIVE = (
    ("torch", "_C.*.so"),
    ("tokenizers", "tokenizers*.so"),
    ("safetensors", "_safetensors_rust*.so"),
    ("chromadb_rust_bindings", "chromadb_rust_bindings*.so"),
)

_pause_lock = threading.Lock()
_pause = {"depth": 0, "was_enabled": True, "freeze": True}


def _package_dir(name: str) -> Path | None:
    try:
        spec = importlib.util.find_spec(name)  # a top-level package: found, not imported
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def native_libraries() -> list[Path]:
    """The installed extension files named in NATIVE (missing packages are left out)."""
    found: list[Path] = []
    for package, pattern in NATIVE:
        folder = _package_dir(package)
        if folder is not None:
            found.extend(sorted(folder.glob(pattern)))
    return found


def preload_native() -> list[Path]:
    """Map the libraries of NATIVE without holding the interpreter lock; returns those now loaded.

    Only where the C library exposes dlopen (Linux); elsewhere nothing is done and imports load as usual.
    The flags are the ones Python's import uses, so the later import gets the very same handle.
    """
    if not sys.platform.startswith("linux"):
        return []
    try:
        dlopen = ctypes.CDLL(None).dlopen  # a CDLL call releases the lock for its duration
    except (AttributeError, OSError):
        return []
    dlopen.restype = ctypes.c_void_p
    dlopen.argtypes = [ctypes.c_char_p, ctypes.c_int]
    flags = sys.getdlopenflags()
    return [path for path in native_libraries() if dlopen(os.fsencode(path), flags)]


@contextmanager
def gc_paused(*, freeze: bool = True) -> Iterator[None]:
    """No garbage collection inside; collections resume when the outermost pause ends (thread-safe).

    With `freeze` (the outermost pause's choice), what survived is then frozen: later full passes skip it,
    so they stay short for the rest of the run, at the price of coming more often (the collector paces
    them by what survived its last full pass). The app wants that; a command that loads the model, answers
    and exits does not. Only for bounded work such as loading a model: garbage made meanwhile waits.
    """
    with _pause_lock:
        _pause["depth"] += 1
        if _pause["depth"] == 1:
            _pause["was_enabled"] = gc.isenabled()
            _pause["freeze"] = freeze
            gc.disable()
    try:
        yield
    finally:
        with _pause_lock:
            _pause["depth"] -= 1
            if _pause["depth"] == 0:
                if _pause["freeze"]:
                    gc.freeze()
                if _pause["was_enabled"]:
                    gc.enable()
