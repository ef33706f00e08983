"""A flow's --out: never over the store or any file without --force, never in the data home, always 0600,
and checked before the conversation starts, so a refused path leaves nothing behind."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from coach.store import Store
from tests.test_cli import coach, ok


@pytest.fixture
def answers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    ok(capsys, "profile", "add", "Ana")
    path = tmp_path / "a.yaml"
    path.write_text("what: The retro ran long.\nso_what: We lose focus.\nnow_what: ''\nmood: 3\n")
    return path


def run(capsys: pytest.CaptureFixture[str], answers: Path, *extra: str) -> tuple[int, str, str]:
    return coach(capsys, "reflect", "--flow", "what-so-what", "--answers", str(answers), *extra)


def test_out_refuses_the_store_and_leaves_it_whole(
    capsys: pytest.CaptureFixture[str], answers: Path, home: Path
) -> None:
    store = home / "coach.db"
    before = store.read_bytes()
    code, _, err = run(capsys, answers, "--out", str(store))
    assert code == 2 and "inside the data home" in err and "\n" not in err.strip()
    assert store.read_bytes()[:16] == b"SQLite format 3\x00" and len(store.read_bytes()) >= len(before) // 2
    code, _, err = run(capsys, answers, "--out", str(home / "notes.md"), "--force")
    assert code == 2 and "inside the data home" in err
    assert ok(capsys, "goal", "list") is not None  # the store still opens


def test_out_never_replaces_a_file_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], answers: Path
) -> None:
    target = tmp_path / "entry.md"
    target.write_text("my own notes")
    code, _, err = run(capsys, answers, "--out", str(target))
    assert code == 2 and "already exists; add --force" in err and target.read_text() == "my own notes"
    run(capsys, answers, "--out", str(target), "--force", "--new")
    assert target.read_text().startswith("# ") and stat.S_IMODE(target.stat().st_mode) == 0o600


@pytest.mark.parametrize("where", ["folder", "missing/entry.md"])
def test_out_to_a_folder_or_a_missing_one_is_refused_before_anything_is_stored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], answers: Path, where: str, home: Path
) -> None:
    (tmp_path / "folder").mkdir()
    code, _, err = run(capsys, answers, "--out", str(tmp_path / where))
    assert code == 2 and ("is a folder" in err or "does not exist" in err) and "Traceback" not in err
    with Store.open(home) as store:
        assert store.sessions.list(store.profiles.list()[0].id or 0) == []


def test_out_writes_0600(tmp_path: Path, capsys: pytest.CaptureFixture[str], answers: Path) -> None:
    target = tmp_path / "entry.md"
    code, out, _ = run(capsys, answers, "--out", str(target))
    assert code == 0 and f"Saved to {target}" in out.replace("\n", "")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
