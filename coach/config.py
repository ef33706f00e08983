"""Settings from defaults, <COACH_HOME>/config.toml and COACH_* environment variables, with provenance."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, ValidationError
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from coach.config_file import config_path, read_config
from coach.errors import ConfigError
from coach.paths import data_home, ensure_home, write_private

Provider = Literal["none", "llamacpp", "ollama", "openai"]
# The regions in prompts/safety/resources.yaml (tests/test_safety.py keeps the two lists equal).
SafetyRegion = Literal["international", "us", "uk", "ie"]


class Settings(BaseSettings):
    """The effective settings. Precedence: environment, then config.toml, then the defaults below."""

    model_config = SettingsConfigDict(
        env_prefix="COACH_", extra="ignore", use_attribute_docstrings=True, validate_default=True
    )

    profile: str | None = None
    """Name of the active profile. Unset: the only profile, when there is exactly one."""

    llm_provider: Provider = "none"
    """Chat model provider: none (the guided engine), llamacpp, ollama or openai."""

    llm_model: str | None = None
    """Model name for ollama or openai; for llamacpp, a path to a GGUF file (unset: the bundled SmolLM2)."""

    llm_base_url: str | None = None
    """Base URL of an Ollama or OpenAI-compatible server."""

    llm_timeout: float = 60.0
    """Seconds to wait for the chat model before falling back to the guided engine."""

    llm_context: int | None = None
    """Context window in tokens for the token budget (unset: 2048 llamacpp, 4096 ollama, 8192 openai)."""

    llm_max_tokens: int = Field(default=200, ge=16, le=4096)
    """Longest reply, in tokens, the model may write for one step."""

    llm_tracing: bool = False
    """Allow LangSmith tracing if the environment asks for it. Off: tracing stays off whatever it says."""

    local_only: bool = True
    """Refuse any LLM endpoint that is not on this machine until this is turned off."""

    chroma_url: str | None = None
    """URL of a Chroma server (chroma run). Unset: the embedded index under the data home."""

    embedding_model: str = "all-MiniLM-L6-v2"
    """Sentence-transformers model used for the retrieval index (bundled, never downloaded)."""

    safety_region: SafetyRegion = "international"
    """Where the crisis message points for help: international (findahelpline.com), us, uk or ie."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls, config_path()))


def load_settings() -> Settings:
    """Read the settings now (never at import time)."""
    read_config(config_path())  # a clear message for a broken file, before pydantic's
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(
            f"setting '{where}': {first['msg']} (check {config_path()} and COACH_* variables)"
        ) from exc


def describe() -> list[dict[str, Any]]:
    """Every setting with its effective value, where the value came from, and its documentation."""
    settings = load_settings()
    env_values = EnvSettingsSource(Settings)()
    file_values = read_config(config_path())
    rows: list[dict[str, Any]] = [
        {
            "name": "home",
            "value": str(data_home()),
            "source": "env COACH_HOME" if _env_home_set() else "default (platform data folder)",
            "doc": "The data home: database, index, config.toml and your own notes.",
        }
    ]
    for name, field in Settings.model_fields.items():
        if name in env_values:
            source = f"env COACH_{name.upper()}"
        elif name in file_values:
            source = str(config_path())
        else:
            source = "default"
        rows.append(
            {"name": name, "value": getattr(settings, name), "source": source, "doc": field.description or ""}
        )
    return rows


def _env_home_set() -> bool:
    import os

    return bool(os.environ.get("COACH_HOME", "").strip())


def set_value(name: str, value: Any) -> None:
    """Write one setting to config.toml, validated and typed first ("true" is a boolean); None removes it."""
    import tomli_w
    from pydantic import TypeAdapter

    field = Settings.model_fields.get(name)
    if field is None:
        raise ConfigError(f"unknown setting '{name}' (see: coach config show)")
    path = config_path(ensure_home(data_home()))
    values = read_config(path)
    if value is None:
        values.pop(name, None)
    else:
        try:
            typed = TypeAdapter(field.annotation or str).validate_python(value)
        except ValidationError as exc:
            raise ConfigError(f"setting '{name}': {exc.errors()[0]['msg']}") from exc
        if typed is None:
            values.pop(name, None)
        else:
            values[name] = typed
    write_private(path, tomli_w.dumps(values))
