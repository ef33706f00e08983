"""Loading the retrieval stack quietly: shared libraries mapped ahead of import, collector paused."""

from __future__ import annotations

import gc
import subprocess
import sys
import textwrap

from coach.retrieval.native import gc_paused, native_libraries


def test_gc_pause_nests_then_resumes_and_freezes_what_was_loaded() -> None:
    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    try:
        with gc_paused():
            assert not gc.isenabled()
            with gc_paused():
                assert not gc.isenabled()
            assert not gc.isenabled()  # the outer pause still holds
            kept = [[] for _ in range(1000)]  # lists are tracked by the collector
        assert gc.isenabled()
        assert gc.get_freeze_count() >= frozen + len(kept)
    finally:
        gc.unfreeze()


def test_the_outermost_pause_decides_whether_to_freeze() -> None:
    gc.unfreeze()
    with gc_paused(freeze=False), gc_paused():  # a command loading the model; the inner pause does not decide
        kept = [[] for _ in range(1000)]
    assert gc.isenabled() and gc.get_freeze_count() == 0
    with gc_paused(), gc_paused(freeze=False):
        pass
    assert gc.get_freeze_count() >= len(kept)
    gc.unfreeze()


def test_gc_pause_resumes_after_an_error_and_respects_a_disabled_collector() -> None:
    try:
        with gc_paused():
            raise ValueError("boom")
    except ValueError:
        pass
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()  # it was off before: the pause leaves it off
    finally:
        gc.enable()
        gc.unfreeze()


def test_preloaded_libraries_are_the_ones_the_imports_then_use() -> None:
    names = {path.name.split(".")[0] for path in native_libraries()}
    assert {"_C", "tokenizers", "chromadb_rust_bindings"} <= names
    script = textwrap.dedent(
        """
        import sys
        from coach.retrieval.native import preload_native
        loaded = preload_native()
        assert "torch" not in sys.modules  # found on disk, not imported
        import torch, tokenizers
        maps = open("/proc/self/maps").read()
        assert str(loaded[0]) == torch._C.__file__, (loaded[0], torch._C.__file__)
        assert maps.count("libtorch_cpu.so") > 0
        print(len(loaded))
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) == len(native_libraries())
