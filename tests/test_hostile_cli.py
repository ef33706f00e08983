"""Hostile input and faults (issue 18): bytes that are not UTF-8, ids past 64 bits, settings that would break
later commands, a lock file that kept the last command line, and files others could read."""

from __future__ import annotations

import fcntl
import json
import math
import os
import socket
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coach import config
from coach.cli import app
from coach.cli.common import MAX_ID
from coach.doctor import run_checks
from coach.errors import LockedError
from coach.store import Store
from tests.test_cli import coach, ok

SURROGATE = "caf\udce9"
"""What Python hands over for the bytes b'caf\\xe9' (Latin-1, not UTF-8) in an argument."""
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def one_line_refusal(code: int, err: str) -> bool:
    return code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def snapshot(home: Path) -> tuple[list[str], str | None]:
    """Every row of the store of record and the config file, to show a refusal changed nothing."""
    db = sqlite3.connect(f"file:{home / 'coach.db'}?mode=ro", uri=True)
    try:
        tables = [
            r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        ]
        rows = [f"{t}: {row!r}" for t in tables for row in db.execute(f'SELECT * FROM "{t}"')]
    finally:
        db.close()
    cfg = home / "config.toml"
    return rows, cfg.read_text() if cfg.exists() else None


@pytest.fixture
def filled(capsys: pytest.CaptureFixture[str], home: Path) -> Path:
    """A home with a profile, a goal and a commitment: something a bad command could damage."""
    ok(capsys, "profile", "add", "Ana")
    ok(capsys, "goal", "add", "Land 3 clients")
    ok(capsys, "commitment", "add", "Send 10 emails", "--goal", "1")
    return home


# --- arguments that are not UTF-8 ---------------------------------------------------------------------


def _leaves(cmd: Any, path: list[str]) -> Iterator[tuple[list[str], Any]]:
    """Every command under a group (typer carries its own click, so its classes are not click's)."""
    if hasattr(cmd, "commands"):
        for name, sub in sorted(cmd.commands.items()):
            yield from _leaves(sub, [*path, name])
    else:
        yield path, cmd


def _surrogate_cases() -> list[list[str]]:
    """Every text-taking parameter of every command, found in the command tree (so new ones are covered)."""
    cases = [["-p", SURROGATE, "goal", "list"], [f"--profile={SURROGATE}"]]
    for path, cmd in _leaves(typer.main.get_command(app), []):
        arguments = [p for p in cmd.params if p.param_type_name == "argument"]
        filler = ["1"] * len(arguments)
        for param in cmd.params:
            if param.param_type_name == "argument":
                cases.append([*path, *(SURROGATE if a is param else "1" for a in arguments)])
            elif not param.is_flag:
                cases.append([*path, *filler, param.opts[0], SURROGATE])
    return cases


SURROGATE_CASES = _surrogate_cases()


def test_the_cases_cover_the_text_commands() -> None:
    covered = {" ".join(a for a in case if a != SURROGATE and a != "1")[:30] for case in SURROGATE_CASES}
    for expected in ("goal add", "commitment add", "search", "ask", "config set", "profile add"):
        assert any(c.startswith(expected) for c in covered), expected
    assert len(SURROGATE_CASES) > 40


@pytest.mark.parametrize(
    "args", SURROGATE_CASES, ids=[" ".join(c).replace(SURROGATE, "~") for c in SURROGATE_CASES]
)
def test_an_argument_that_is_not_utf8_is_refused_and_nothing_stored(
    capsys: pytest.CaptureFixture[str], filled: Path, args: list[str]
) -> None:
    before = snapshot(filled)
    code, out, err = coach(capsys, *args)
    assert one_line_refusal(code, err), err
    n = args.index(next(a for a in args if SURROGATE in a)) + 1
    assert f"argument {n} is not valid UTF-8 (byte 0xe9)" in err
    assert out == ""
    assert snapshot(filled) == before


@FUZZ
@given(
    st.tuples(st.text(max_size=20), st.integers(0xD800, 0xDFFF).map(chr), st.text(max_size=20)).map("".join),
    st.sampled_from(
        [["goal", "add", "{}"], ["commitment", "add", "ok", "--due", "{}"], ["search", "{}"], ["ask", "{}"]]
    ),
)
def test_fuzz_any_lone_surrogate_anywhere_is_refused(
    capsys: pytest.CaptureFixture[str], filled: Path, text: str, template: list[str]
) -> None:
    before = snapshot(filled)
    code, _, err = coach(capsys, *(text if a == "{}" else a for a in template))
    assert one_line_refusal(code, err) and "is not valid UTF-8" in err, err
    assert snapshot(filled) == before


@FUZZ
@given(st.text(max_size=300))
def test_fuzz_any_valid_text_is_stored_or_refused_in_one_line(
    capsys: pytest.CaptureFixture[str], filled: Path, text: str
) -> None:
    code, _, err = coach(capsys, "goal", "add", "--json", "--", text)
    assert code == 0 or one_line_refusal(code, err), err


@pytest.mark.parametrize(
    "argv",
    [
        [b"goal", b"add", b"caf\xe9 \xff"],
        [b"commitment", b"add", b"ok", b"--due", b"\xff"],
        [b"search", b"caf\xe9"],
        [b"-p", b"\xff"],  # would open the app: refused before it does
    ],
)
def test_real_bytes_from_the_shell_are_refused_by_the_command(home: Path, argv: list[bytes]) -> None:
    env = {**os.environ, "COACH_HOME": str(home), "LC_ALL": "C.UTF-8"}
    result = subprocess.run(
        [sys.executable, "-m", "coach", *argv], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "is not valid UTF-8" in result.stderr, result.stderr
    assert not (home / "coach.db").exists()


# --- ids ----------------------------------------------------------------------------------------------

ID_COMMANDS = [
    ["goal", "show", "{}"],
    ["goal", "set-status", "{}", "done"],
    ["goal", "milestone", "{}", "First client"],
    ["commitment", "set-status", "{}", "done"],
    ["commitment", "add", "ok", "--goal", "{}"],
]
BAD_IDS = [
    "99999999999999999999",
    str(2**63),
    "0",
    "-1",
    "-99999999999999999999",
    "1.5",
    "x",
    "",
    "１",
    "²",
    "1e3",
]


@pytest.mark.parametrize("template", ID_COMMANDS, ids=lambda t: " ".join(t[:2]))
@pytest.mark.parametrize("bad", BAD_IDS)
def test_an_id_outside_1_to_2_63_is_one_line_exit_2(
    capsys: pytest.CaptureFixture[str], filled: Path, template: list[str], bad: str
) -> None:
    before = snapshot(filled)
    args = [bad if a == "{}" else a for a in template]
    code, _, err = coach(capsys, *args)
    assert one_line_refusal(code, err), err
    if not bad.startswith("-") or "--goal" in template:  # '-1' as an argument is read as an unknown option
        assert "is not an id" in err
    assert snapshot(filled) == before


@pytest.mark.parametrize("template", ID_COMMANDS[:4], ids=lambda t: " ".join(t[:2]))
def test_after_a_double_dash_a_negative_id_is_refused_as_an_id(
    capsys: pytest.CaptureFixture[str], filled: Path, template: list[str]
) -> None:
    args = [*template[:2], "--", *("-1" if a == "{}" else a for a in template[2:])]
    code, _, err = coach(capsys, *args)
    assert one_line_refusal(code, err) and "'-1' is not an id" in err, err


def test_the_largest_id_is_accepted_and_simply_not_found(
    capsys: pytest.CaptureFixture[str], filled: Path
) -> None:
    code, _, err = coach(capsys, "goal", "show", str(MAX_ID))
    assert one_line_refusal(code, err) and f"no goal with id {MAX_ID}" in err


@FUZZ
@given(st.integers().filter(lambda n: not 1 <= n <= MAX_ID), st.sampled_from(ID_COMMANDS))
def test_fuzz_out_of_range_ids(
    capsys: pytest.CaptureFixture[str], filled: Path, number: int, template: list[str]
) -> None:
    args = [str(number) if a == "{}" else a for a in template]
    code, _, err = coach(capsys, *(args if "--goal" in args else [*args[:2], "--", *args[2:]]))
    assert one_line_refusal(code, err) and "is not an id" in err, err


def test_a_usage_error_is_one_line_too(capsys: pytest.CaptureFixture[str], filled: Path) -> None:
    for args in (
        ["goal", "show"],
        ["goal", "add", "x", "--nope"],
        ["goal", "sideways"],
        ["search", "x", "-k", "y"],
    ):
        code, _, err = coach(capsys, *args)
        assert one_line_refusal(code, err), err
        assert "--help" in err
    code, _, err = coach(capsys, "goal")  # a group alone still shows its help
    assert code == 2 and "set-status" in err


# --- settings -----------------------------------------------------------------------------------------

BAD_SETTINGS = [
    ("llm_max_tokens", "999999"),
    ("llm_max_tokens", "0"),
    ("chroma_url", "[bold]"),
    ("chroma_url", "localhost"),
    ("chroma_url", "ftp://127.0.0.1:8000"),
    ("llm_base_url", "not a url"),
    ("llm_base_url", "http://"),
    ("llm_base_url", "http://127.0.0.1:99999"),
    ("llm_base_url", "http://x/\n"),
    ("llm_timeout", "-5"),
    ("llm_timeout", "0"),
    ("llm_timeout", "nan"),
    ("llm_timeout", "inf"),
    ("llm_timeout", "soon"),
    ("llm_context", "-1"),
    ("llm_context", "0"),
    ("llm_context", "99999999999999999999"),
    ("profile", "Nobody"),
    ("profile", "x" * 100_000),
    ("llm_model", "m" * 100_000),
    ("llm_model", "two\nlines"),
    ("llm_provider", "skynet"),
    ("safety_region", "mars"),
    ("embedding_model", "some-other-model"),
    ("local_only", "perhaps"),
]


@pytest.mark.parametrize(("name", "value"), BAD_SETTINGS, ids=[f"{n}={v[:12]!r}" for n, v in BAD_SETTINGS])
def test_config_set_refuses_a_value_that_would_break_later(
    capsys: pytest.CaptureFixture[str], filled: Path, name: str, value: str
) -> None:
    before = snapshot(filled)
    code, _, err = coach(capsys, "config", "set", "--", name, value)
    assert one_line_refusal(code, err), err
    assert f"setting '{name}'" in err and len(err) < 300
    assert snapshot(filled) == before
    ok(capsys, "goal", "list")


def test_config_set_accepts_good_values(capsys: pytest.CaptureFixture[str], filled: Path) -> None:
    for name, value in [
        ("llm_max_tokens", "512"),
        ("chroma_url", "http://127.0.0.1:8000"),
        ("llm_base_url", "https://llm.example.com/v1"),
        ("llm_timeout", "2.5"),
        ("llm_context", "4096"),
        ("profile", "Ana"),
        ("llm_model", "qwen2.5:0.5b"),
        ("local_only", "no"),
    ]:
        ok(capsys, "config", "set", name, value)
    settings_now = config.load_settings()
    assert settings_now.llm_timeout == 2.5 and settings_now.local_only is False
    ok(capsys, "config", "set", "chroma_url", "")  # removing it
    assert config.load_settings().chroma_url is None


def test_an_unknown_setting_suggests_the_nearest(capsys: pytest.CaptureFixture[str], home: Path) -> None:
    code, _, err = coach(capsys, "config", "set", "llm_modle", "x")
    assert one_line_refusal(code, err) and "did you mean llm_model?" in err
    code, _, err = coach(capsys, "config", "set", "n" * 100_000, "x")
    assert one_line_refusal(code, err) and len(err) < 300


PLANTED = [
    ("llm_max_tokens", "999999"),
    ("chroma_url", '"[bold]"'),
    ("llm_timeout", "nan"),
    ("llm_timeout", "-5.0"),
    ("llm_context", "-1"),
    ("profile", f'"{"x" * 100_000}"'),
    ("llm_base_url", '"not a url"'),
    ("llm_provider", '"skynet"'),
    ("local_only", '"maybe"'),
    ("llm_model", "[1, 2]"),
]


@pytest.mark.parametrize(("name", "raw"), PLANTED, ids=[f"{n}={r[:12]}" for n, r in PLANTED])
def test_a_bad_value_in_config_toml_is_named_once_and_ignored(
    capsys: pytest.CaptureFixture[str], filled: Path, name: str, raw: str
) -> None:
    (filled / "config.toml").write_text(f'safety_region = "uk"\n{name} = {raw}\n')
    code, out, err = coach(capsys, "goal", "list", "--json")
    assert code == 0, err
    assert json.loads(out)[0]["title"] == "Land 3 clients"
    warnings = [line for line in err.splitlines() if name in line]
    assert len(warnings) == 1 and "config.toml" in warnings[0] and "using the default" in warnings[0]
    assert len(err) < 500  # a 100 KB value is never echoed
    loaded = config.load_settings()
    assert getattr(loaded, name) == config.Settings.model_fields[name].get_default()
    assert loaded.safety_region == "uk"  # the good values in the file still count
    rows = {r["name"]: r for r in config.describe()}
    assert rows[name]["source"].startswith("default")
    checks = {c.name: c for c in run_checks(filled)}
    assert checks["settings"].level == "warn" and name in checks["settings"].detail


def test_a_bad_environment_value_is_named_by_its_variable(
    capsys: pytest.CaptureFixture[str], filled: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COACH_LLM_TIMEOUT", "nan")
    code, _, err = coach(capsys, "goal", "list")
    assert code == 0 and "COACH_LLM_TIMEOUT: llm_timeout" in err
    assert math.isclose(config.load_settings().llm_timeout, 60.0)


def test_an_unknown_key_in_config_toml_is_a_warning(capsys: pytest.CaptureFixture[str], filled: Path) -> None:
    (filled / "config.toml").write_text('llm_modle = "qwen"\n')
    code, _, err = coach(capsys, "goal", "list")
    assert code == 0 and "unknown setting 'llm_modle' (did you mean llm_model?)" in err


# --- the lock -----------------------------------------------------------------------------------------


def test_the_lock_never_holds_the_command_line(capsys: pytest.CaptureFixture[str], home: Path) -> None:
    ok(capsys, "profile", "add", "Ana")
    ok(capsys, "commitment", "add", "tell nobody about the xylophone-secret")
    assert "xylophone" not in (home / "coach.lock").read_text()
    store = Store.open(home)
    try:
        holder = json.loads((home / "coach.lock").read_text())
        assert set(holder) == {"pid", "host", "since"}
        assert holder["pid"] == os.getpid() and holder["host"] == socket.gethostname()
        with pytest.raises(LockedError) as refused:
            Store.open(home)
        assert f"pid {os.getpid()} on {socket.gethostname()}, since " in str(refused.value)
    finally:
        store.close()
    assert (home / "coach.lock").read_text() == ""  # a free lock names no one


def test_a_lock_left_by_an_older_coach_is_not_repeated(home: Path) -> None:
    Store.open(home).close()
    lock = home / "coach.lock"
    lock.write_text(
        json.dumps({"pid": 4242, "command": "coach commitment add 'private words'", "since": 1e9})
    )
    fd = os.open(lock, os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    try:
        with pytest.raises(LockedError) as refused:
            Store.open(home)
        assert "pid 4242" in str(refused.value) and "private" not in str(refused.value)
        lock.write_text('{"pid": "x", "host": "a\\nb", "since": "never"}')
        with pytest.raises(LockedError, match=r"pid \?\)"):
            Store.open(home)
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


# --- permissions --------------------------------------------------------------------------------------


@pytest.fixture
def loose_umask() -> Iterator[None]:
    """The umask most people have (022), as if nothing in the process had tightened it yet."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def test_the_built_index_and_everything_else_is_owner_only(
    capsys: pytest.CaptureFixture[str],
    home: Path,
    embedder: Any,
    monkeypatch: pytest.MonkeyPatch,
    loose_umask: None,
) -> None:
    monkeypatch.setattr("coach.retrieval.index.Embedder", lambda *a, **k: embedder)
    ok(capsys, "profile", "add", "Ana")
    ok(capsys, "goal", "add", "Land 3 clients")
    ok(capsys, "search", "clients")
    paths = [home, *home.rglob("*")]
    assert any(p.suffix == ".bin" for p in paths) and (home / "index" / "chroma" / "chroma.sqlite3").exists()
    loose = [f"{oct(p.stat().st_mode & 0o777)} {p}" for p in paths if p.stat().st_mode & 0o077]
    assert loose == []
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o700 for p in paths if p.is_dir())
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in paths if p.is_file())
    checks = {c["name"]: c for c in json.loads(ok(capsys, "doctor", "--json"))}
    assert checks["permissions"]["level"] == "ok"


def test_doctor_names_a_loose_path_anywhere_in_the_home_and_fix_repairs_it(
    capsys: pytest.CaptureFixture[str], filled: Path
) -> None:
    deep = filled / "index" / "chroma" / "segment"
    deep.mkdir(parents=True)
    (deep / "data.bin").write_bytes(b"x")
    (deep / "data.bin").chmod(0o644)
    deep.chmod(0o755)
    code, out, _ = coach(capsys, "doctor", "--json")
    assert code == 1
    check = {c["name"]: c for c in json.loads(out)}["permissions"]
    assert check["level"] == "fail"
    assert (
        "index/chroma/segment/data.bin" in check["detail"] and "0o755 index/chroma/segment" in check["detail"]
    )
    assert "coach doctor --fix" in check["detail"]
    code, out, _ = coach(capsys, "doctor", "--fix")
    assert code == 0 and "Made 2 paths owner-only" in out
    assert stat.S_IMODE((deep / "data.bin").stat().st_mode) == 0o600
    assert stat.S_IMODE(deep.stat().st_mode) == 0o700


def test_doctor_fails_on_a_readable_data_home(capsys: pytest.CaptureFixture[str], filled: Path) -> None:
    filled.chmod(0o755)
    code, out, _ = coach(capsys, "doctor", "--json")
    assert code == 1
    assert str(filled) in {c["name"]: c for c in json.loads(out)}["permissions"]["detail"]
