"""Settings: precedence, provenance, reading the environment when asked, clear errors."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from coach import config
from coach.errors import ConfigError


def _row(name: str) -> dict:
    return next(r for r in config.describe() if r["name"] == name)


def test_defaults_and_their_source(home: Path) -> None:
    assert _row("llm_provider") == {**_row("llm_provider"), "value": "none", "source": "default"}
    assert _row("home")["value"] == str(home) and _row("home")["source"] == "env COACH_HOME"
    assert all(r["doc"] for r in config.describe())


def test_file_then_environment_precedence(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config.set_value("llm_provider", "ollama")
    config.set_value("local_only", "false")
    assert stat.S_IMODE((home / "config.toml").stat().st_mode) == 0o600
    assert config.load_settings().local_only is False
    assert _row("llm_provider")["source"] == str(home / "config.toml")
    monkeypatch.setenv("COACH_LLM_PROVIDER", "openai")
    assert config.load_settings().llm_provider == "openai"
    assert _row("llm_provider")["source"] == "env COACH_LLM_PROVIDER"


def test_data_home_is_read_when_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COACH_HOME", str(tmp_path / "other"))
    config.set_value("llm_model", "qwen")  # (a profile must exist first: see test_hostile_cli)
    assert (tmp_path / "other" / "config.toml").exists()
    assert config.load_settings().llm_model == "qwen"


def test_bad_values_are_refused_with_the_setting_named(home: Path) -> None:
    with pytest.raises(ConfigError, match="llm_provider"):
        config.set_value("llm_provider", "skynet")
    with pytest.raises(ConfigError, match="unknown setting"):
        config.set_value("colour", "red")
    assert not (home / "config.toml").exists()


def test_broken_config_file_names_the_file(home: Path) -> None:
    home.mkdir()
    (home / "config.toml").write_text("llm_provider = [unclosed")
    with pytest.raises(ConfigError, match=r"config\.toml is not valid TOML"):
        config.load_settings()


def test_a_bad_value_in_the_file_is_named_and_its_default_used(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home.mkdir()
    (home / "config.toml").write_text('llm_provider = "nope"\nllm_model = "qwen"')
    loaded = config.load_settings()
    assert loaded.llm_provider == "none" and loaded.llm_model == "qwen"
    err = capsys.readouterr().err
    assert f"{home / 'config.toml'}: llm_provider:" in err and "using the default ('none')" in err
    config.load_settings()
    assert capsys.readouterr().err == ""  # told once per process
    assert config.problems() and "llm_provider" in config.problems()[0]


def test_removing_a_setting(home: Path) -> None:
    config.set_value("chroma_url", "http://127.0.0.1:8000")
    config.set_value("chroma_url", None)
    assert config.load_settings().chroma_url is None
