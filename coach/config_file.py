"""config.toml under the data home: where it is, reading it, and one raw value without pydantic.

The validated settings are coach.config.Settings. `configured()` answers a single text setting by the
same precedence (the environment, then the file) for the app's first paint, before pydantic has loaded.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from coach.errors import ConfigError
from coach.paths import data_home

CONFIG_NAME = "config.toml"
ENV_PREFIX = "COACH_"


def config_path(home: Path | None = None) -> Path:
    return (home or data_home()) / CONFIG_NAME


def read_config(path: Path) -> dict[str, Any]:
    """The file's table ({} when there is no file); a broken file is a ConfigError naming it."""
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from exc


def configured(name: str) -> str | None:
    """A text setting as Settings would read it: COACH_<NAME> in any case, else config.toml, else None.

    A value of another type is left to Settings, which reports it once it loads.
    """
    wanted = (ENV_PREFIX + name).lower()
    for key, value in os.environ.items():
        if key.lower() == wanted:
            return value
    found = read_config(config_path()).get(name)
    return found if isinstance(found, str) else None
