"""Memory freed in a process that opened an encrypted store is wiped, so a buffer a library saves without
filling it (hnswlib's element block, inside chromadb) never carries old plaintext to disk."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path


def test_a_block_handed_out_after_the_switch_holds_the_fill_byte_not_what_was_freed() -> None:
    # in a child process, so this test's own interpreter keeps its allocator as it is
    script = textwrap.dedent(
        """
        import ctypes
        from coach.crypto.memory import FILL, wipe_freed_memory

        libc = ctypes.CDLL(None)
        libc.malloc.restype = ctypes.c_void_p
        libc.malloc.argtypes = (ctypes.c_size_t,)
        libc.free.argtypes = (ctypes.c_void_p,)

        def reused(size):
            first = libc.malloc(size)
            ctypes.memmove(first, b"zanthrope orchard " * (size // 18), size // 18 * 18)
            libc.free(first)
            again = libc.malloc(size)
            data = ctypes.string_at(again, size // 2)
            libc.free(again)
            return data

        before = reused(4000)
        assert wipe_freed_memory() and wipe_freed_memory()  # once, and again without harm
        after = reused(4000)
        print(b"zanthrope" in before, b"zanthrope" in after, set(after[16:]) == {FILL ^ 0xFF})
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    stale_before, stale_after, filled = done.stdout.split()
    assert stale_before == "True"  # without it, a block handed out again still holds what was freed
    assert stale_after == "False" and filled == "True"


def test_setting_up_an_encrypted_home_turns_it_on(tmp_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        from pathlib import Path
        from coach.crypto import memory
        from coach.crypto.actions import encrypt_new

        assert not memory._set
        encrypt_new(Path({str(tmp_path / "home")!r}), "correct horse battery")
        print(memory._set)
        """
    )
    env = {**os.environ, "COACH_HOME": str(tmp_path / "home"), "COACH_SCRYPT_LOG_N": "10"}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True"
