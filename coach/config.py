"""Settings from defaults, <COACH_HOME>/config.toml and COACH_* environment variables, with provenance."""

from __future__ import annotations

import difflib
import re
import sys
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field, StringConstraints, TypeAdapter, ValidationError
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
# The bundled models, as in coach.retrieval.embeddings.KNOWN_DIMENSIONS (not imported: it loads LangChain).
EmbeddingModel = Literal["all-MiniLM-L6-v2"]
Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def _one_line(value: str) -> str:
    """A setting's text is one printable line: no control characters, and nothing that is not UTF-8."""
    if any(0xD800 <= ord(ch) <= 0xDFFF for ch in value):
        raise ValueError("is not valid UTF-8")
    if not value.isprintable():
        raise ValueError("must be one line of printable text")
    return value


def _http_url(value: str) -> str:
    """An http(s) URL with a host, as the LangChain clients and chromadb's HttpClient need."""
    _one_line(value)
    parts = urlsplit(value)
    try:
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        port_ok = False
    if parts.scheme not in ("http", "https") or not parts.hostname or not port_ok or " " in value:
        raise ValueError("must be an http:// or https:// URL with a host, e.g. http://127.0.0.1:11434")
    return value


def _quiet_hours(value: str) -> str:
    """Empty (never quiet), or HH:MM-HH:MM in local time; the span may run past midnight (22:00-08:00)."""
    if value and not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d", value):
        raise ValueError("must be HH:MM-HH:MM, e.g. 22:00-08:00, or empty for never")
    return value


Name = Annotated[str, StringConstraints(min_length=1, max_length=200), AfterValidator(_one_line)]
ModelName = Annotated[str, StringConstraints(min_length=1, max_length=1024), AfterValidator(_one_line)]
Url = Annotated[str, StringConstraints(max_length=2048), AfterValidator(_http_url)]
QuietHours = Annotated[str, AfterValidator(_quiet_hours)]


class Settings(BaseSettings):
    """The effective settings. Precedence: environment, then config.toml, then the defaults below."""

    model_config = SettingsConfigDict(
        env_prefix="COACH_", extra="ignore", use_attribute_docstrings=True, validate_default=True
    )

    profile: Name | None = None
    """Name of the active profile. Unset: the only profile, when there is exactly one."""

    llm_provider: Provider = "none"
    """Chat model provider: none (the guided engine), llamacpp, ollama or openai."""

    llm_model: ModelName | None = None
    """Model name for ollama or openai; for llamacpp, a path to a GGUF file (unset: the bundled SmolLM2)."""

    llm_base_url: Url | None = None
    """Base URL of an Ollama or OpenAI-compatible server."""

    llm_timeout: float = Field(default=60.0, gt=0, le=3600, allow_inf_nan=False)
    """Seconds to wait for the chat model before falling back to the guided engine."""

    llm_context: int | None = Field(default=None, ge=512, le=2**21)
    """Context window in tokens for the token budget (unset: 2048 llamacpp, 4096 ollama, 8192 openai)."""

    llm_max_tokens: int = Field(default=200, ge=16, le=4096)
    """Longest reply, in tokens, the model may write for one step."""

    llm_tracing: bool = False
    """Allow LangSmith tracing if the environment asks for it. Off: tracing stays off whatever it says."""

    local_only: bool = True
    """Refuse any LLM endpoint that is not on this machine until this is turned off."""

    chroma_url: Url | None = None
    """URL of a Chroma server (chroma run). Unset: the embedded index under the data home."""

    embedding_model: EmbeddingModel = "all-MiniLM-L6-v2"
    """Sentence-transformers model used for the retrieval index (bundled, never downloaded)."""

    safety_region: SafetyRegion = "international"
    """Where the crisis message points for help: international (findahelpline.com), us, uk or ie."""

    remind_ahead_days: int = Field(default=2, ge=0, le=60)
    """How many days ahead coach today and coach remind look for commitments and meetings coming up."""

    quiet_hours: QuietHours = "22:00-08:00"
    """When coach remind sends no desktop notification: HH:MM-HH:MM in local time (empty: never quiet)."""

    review_day: Weekday = "sunday"
    """The day the weekly review (coach weekly) is offered on Home and in the reminders."""

    keymap: dict[str, str] = Field(default_factory=dict)
    """Other keys for the app's actions, a [keymap] table of action id = key(s): "coach.goals" = "g"."""

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


_warned: set[str] = set()
"""Problems already told on stderr: each once per process, however often the settings are read."""


def load_settings() -> Settings:
    """Read the settings now (never at import time). A bad value is named on stderr and its default used."""
    settings, problems, _ = _load()
    _warn(problems)
    return settings


def _warn(problems: list[str]) -> None:
    for problem in problems:
        if problem not in _warned:
            _warned.add(problem)
            print(f"coach: warning: {problem}", file=sys.stderr)


def problems() -> list[str]:
    """What load_settings ignores, one line each (for coach doctor); [] when every setting is good."""
    return _load()[1]


def _load() -> tuple[Settings, list[str], set[str]]:
    """(settings, the problems, the names whose bad value was replaced by its default).

    A value that would break later commands (a timeout of nan, a URL that is not one) is left in the file
    for the person to fix, but never used: every default is the safe choice (no model, local only).
    """
    path = config_path()
    file_values = read_config(path)  # a clear message for a broken file, before pydantic's
    found = [
        f"{path}: unknown setting '{_shown(key)}'{_did_you_mean(key)}; ignored"
        for key in file_values
        if key not in Settings.model_fields
    ]
    try:
        return Settings(), found, set()
    except ValidationError as exc:
        bad: dict[str, str] = {}
        for err in exc.errors():
            if not err["loc"] or err["loc"][0] not in Settings.model_fields:
                raise ConfigError(f"settings: {_reason(err)} (check {path} and COACH_* variables)") from exc
            bad.setdefault(str(err["loc"][0]), _reason(err))
    env_values = EnvSettingsSource(Settings)()
    for name, reason in bad.items():
        where = f"COACH_{name.upper()}" if name in env_values else str(path)
        default = Settings.model_fields[name].get_default()
        found.append(f"{where}: {name}: {reason}; using the default ({default!r})")
    try:
        settings = Settings(**{name: Settings.model_fields[name].get_default() for name in bad})
    except ValidationError as exc:  # not expected: the defaults are valid (validate_default)
        raise ConfigError(f"settings: {_reason(exc.errors()[0])} (check {path})") from exc
    return settings, found, set(bad)


def _reason(err: Any) -> str:
    """pydantic's message for one error, without its 'Value error, ' prefix."""
    message = str(err.get("ctx", {}).get("error") or err["msg"])
    return message[:1].lower() + message[1:]


def _shown(text: str, limit: int = 40) -> str:
    """A name as it may be printed: short, and with anything unprintable escaped."""
    text = text if len(text) <= limit else f"{text[:limit]}..."
    return text if text.isprintable() else text.encode("unicode_escape", "backslashreplace").decode("ascii")


def _did_you_mean(name: str) -> str:
    close = difflib.get_close_matches(name, list(Settings.model_fields), n=1) if len(name) < 100 else []
    return f" (did you mean {close[0]}?)" if close else ""


def describe() -> list[dict[str, Any]]:
    """Every setting with its effective value, where the value came from, and its documentation."""
    settings, problems, ignored = _load()
    _warn(problems)
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
        if name in ignored:
            source = "default (the value set is not valid: see the warning)"
        elif name in env_values:
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


def validate_value(name: str, value: Any) -> Any:
    """The value typed and checked as the setting would be read ("true" is a boolean), or ConfigError."""
    field = Settings.model_fields.get(name)
    if field is None:
        raise ConfigError(f"unknown setting '{_shown(name)}'{_did_you_mean(name)} (see: coach config show)")
    # the field's own constraints (ranges, lengths, URL checks) travel in its metadata
    typ: Any = Annotated[(field.annotation, *field.metadata)] if field.metadata else field.annotation
    adapter: TypeAdapter[Any] = TypeAdapter(typ)
    try:
        typed = adapter.validate_python(value)
    except ValidationError as exc:
        raise ConfigError(f"setting '{name}': {_reason(exc.errors()[0])}") from exc
    if name == "profile" and typed is not None:
        _profile_exists(typed)
    return typed


def _profile_exists(name: str) -> None:
    """A profile setting must name a profile in the store (read only: the app may hold the lock)."""
    from coach.errors import NotFoundError
    from coach.store import Store
    from coach.store.db import DB_NAME

    if not (data_home() / DB_NAME).exists():
        raise ConfigError(f"setting 'profile': there are no profiles yet (coach profile add {_shown(name)})")
    with Store.open(readonly=True) as store:
        try:
            store.profiles.by_name(name)
        except NotFoundError as exc:
            raise ConfigError(f"setting 'profile': {exc} (see: coach profile list)") from exc


def set_value(name: str, value: Any) -> None:
    """Write one setting to config.toml, validated and typed first; None removes it.

    Nothing is written when the value is refused, so a bad value never reaches the next command.
    """
    import tomli_w

    typed = None if value is None else validate_value(name, value)
    path = config_path(ensure_home(data_home()))
    values = read_config(path)
    if typed is None:
        values.pop(name, None)
    else:
        values[name] = typed
    write_private(path, tomli_w.dumps(values))
