"""The coach command: listings as JSON, bad input as one line and exit code 2, nothing changed."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from coach.cli import main
from tests.texts import AWKWARD


def coach(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def ok(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code, out, err = coach(capsys, *args)
    assert code == 0, err
    return out


def as_json(capsys: pytest.CaptureFixture[str], *args: str) -> object:
    return json.loads(ok(capsys, *args, "--json"))


def test_profiles(capsys: pytest.CaptureFixture[str]) -> None:
    assert as_json(capsys, "profile", "list") == []
    ok(capsys, "profile", "add", "Ana")
    assert [p["active"] for p in as_json(capsys, "profile", "list")] == [True]
    ok(capsys, "profile", "add", "Mo", "--role", "mentor")
    listed = as_json(capsys, "profile", "list")
    assert [(p["name"], p["role"], p["active"]) for p in listed] == [
        ("Ana", "member", False),
        ("Mo", "mentor", False),
    ]
    ok(capsys, "profile", "use", "Mo")
    assert [p["active"] for p in as_json(capsys, "profile", "list")] == [False, True]
    code, _, err = coach(capsys, "goal", "list")
    assert code == 0
    code, _, err = coach(capsys, "profile", "add", "Zed", "--role", "boss")
    assert code == 2 and "unknown role" in err


def test_goal_and_commitment_lifecycle(capsys: pytest.CaptureFixture[str]) -> None:
    ok(capsys, "profile", "add", "Ana")
    due = (date.today() + timedelta(days=10)).isoformat()
    goal = as_json(
        capsys, "goal", "add", "Land 3 clients", "--why", "income", "--measure", "signed", "--due", due
    )
    assert goal["due"] == due and goal["status"] == "active"
    com = as_json(
        capsys, "commitment", "add", "Send 10 emails", "--due", "tomorrow", "--goal", str(goal["id"])
    )
    ok(capsys, "commitment", "set-status", str(com["id"]), "partial", "--note", "cold [sick]")
    shown = as_json(capsys, "goal", "show", str(goal["id"]))
    assert shown["commitments"][0]["status"] == "partial"
    assert shown["commitments"][0]["obstacle"] == "cold [sick]"
    ok(capsys, "goal", "milestone", str(goal["id"]), "First client")
    ok(capsys, "goal", "set-status", str(goal["id"]), "at-risk")
    assert as_json(capsys, "goal", "list", "--status", "at-risk")[0]["title"] == "Land 3 clients"
    text = ok(capsys, "goal", "show", str(goal["id"]))
    assert "First client" in text and "income" in text


@pytest.mark.parametrize("text", AWKWARD[:3])
def test_awkward_text_round_trips_through_the_cli(capsys: pytest.CaptureFixture[str], text: str) -> None:
    ok(capsys, "profile", "add", "Ana")
    title = text.splitlines()[0]
    ok(capsys, "goal", "add", title, "--why", text)
    got = as_json(capsys, "goal", "list")[0]
    assert got["title"] == title and got["why"] == text
    assert title in ok(capsys, "goal", "list")  # the table shows brackets literally


BAD = [
    (["goal", "add", ""], "must not be empty"),
    (["goal", "add", "   "], "must not be empty"),
    (["goal", "add", "x" * 1_000_000], "too long"),
    (["goal", "add", "ok", "--why", "w" * 1_000_000], "too long"),
    (["goal", "add", "a\x00b"], "NUL"),
    (["goal", "add", "ok", "--due", "someday"], "cannot understand the date"),
    (["goal", "add", "ok", "--due", "2020-01-01"], "in the past"),
    (["goal", "add", "ok", "--due", "2026-02-30"], "not a real date"),
    (["goal", "show", "999"], "no goal with id 999"),
    (["goal", "set-status", "1", "finished"], "unknown goal status"),
    (["commitment", "set-status", "999", "done"], "no commitment with id 999"),
    (["commitment", "add", "x", "--goal", "999"], "no goal with id 999"),
    (["--profile", "Nobody", "goal", "list"], "no profile named 'Nobody'"),
    (["profile", "use", "Nobody"], "no profile named 'Nobody'"),
    (["profile", "add", "Ana"], "already exists"),
    (["config", "set", "llm_provider", "skynet"], "llm_provider"),
]


@pytest.mark.parametrize(("args", "message"), BAD, ids=[" ".join(a)[:40] for a, _ in BAD])
def test_bad_input_is_one_line_exit_2_and_changes_nothing(
    capsys: pytest.CaptureFixture[str], home: Path, args: list[str], message: str
) -> None:
    ok(capsys, "profile", "add", "Ana")
    ok(capsys, "goal", "add", "keep me")
    before = (home / "coach.db").read_bytes(), as_json(capsys, "goal", "list")
    code, _, err = coach(capsys, *args)
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert as_json(capsys, "goal", "list") == before[1]
    assert [p["name"] for p in as_json(capsys, "profile", "list")] == ["Ana"]


def test_no_profile_yet_says_what_to_do(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = coach(capsys, "goal", "list")
    assert code == 2 and "coach profile add NAME" in err


def test_config_show_reports_sources(
    capsys: pytest.CaptureFixture[str], home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ok(capsys, "config", "set", "llm_model", "qwen")
    monkeypatch.setenv("COACH_LOCAL_ONLY", "false")
    rows = {r["name"]: r for r in as_json(capsys, "config", "show")}
    assert rows["llm_model"]["value"] == "qwen" and rows["llm_model"]["source"].endswith("config.toml")
    assert rows["local_only"]["value"] is False and rows["local_only"]["source"] == "env COACH_LOCAL_ONLY"
    assert rows["llm_provider"]["source"] == "default"
    assert "setting" in ok(capsys, "config", "show")


def test_doctor(capsys: pytest.CaptureFixture[str], home: Path) -> None:
    ok(capsys, "profile", "add", "Ana")
    checks = {c["name"]: c for c in as_json(capsys, "doctor")}
    assert checks["database"]["level"] == "ok" and "schema v" in checks["database"]["detail"]
    assert checks["data home"]["level"] == "ok"
    assert checks["embedding model"]["level"] == "ok"
    assert checks["knowledge"]["level"] == "ok"
    (home / "coach.db").chmod(0o644)
    code, out, _ = coach(capsys, "doctor", "--json")
    checks = {c["name"]: c for c in json.loads(out)}
    assert code == 1  # a file others can read is a failure, named by its path
    assert checks["permissions"]["level"] == "fail" and "0o644 coach.db" in checks["permissions"]["detail"]


def test_doctor_fails_on_a_corrupt_database(capsys: pytest.CaptureFixture[str], home: Path) -> None:
    home.mkdir(mode=0o700)
    (home / "coach.db").write_bytes(b"this is not a database" * 100)
    code, out, _ = coach(capsys, "doctor", "--json")
    assert code == 1
    assert {c["name"]: c["level"] for c in json.loads(out)}["database"] == "fail"
    code, _, err = coach(capsys, "goal", "list")
    assert code == 2 and "coach.db" in err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], (True, None)),
        (["--profile", "Ana"], (True, "Ana")),
        (["-p", "Ana [x]"], (True, "Ana [x]")),
        (["--profile=Mo"], (True, "Mo")),
        (["--profile"], (False, None)),
        (["-p", "--version"], (False, None)),
        (["search", "x"], (False, None)),
        (["--version"], (False, None)),
    ],
)
def test_the_entry_point_opens_the_app_only_for_bare_or_profile_arguments(
    args: list[str], expected: tuple[bool, str | None]
) -> None:
    from coach.entry import _tui_args

    assert _tui_args(args) == expected
