"""Answers files are checked whole before anything is stored: unknown stages, values that are not text and
answers the flow refuses are each named, with exit 2, and the store is left as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from coach.store import Store
from tests.test_cli import coach, ok

GOOD = {
    "what": "The retro ran long.",
    "so_what": "We lose focus.",
    "now_what": "Send notes by Friday",
    "mood": "3",
}


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "a.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def counts(home: Path) -> tuple[int, int]:
    with Store.open(home) as store:
        pid = store.profiles.list()[0].id or 0
        return len(store.sessions.list(pid)), len(store.commitments.list(pid))


@pytest.fixture
def ana(capsys: pytest.CaptureFixture[str]) -> None:
    ok(capsys, "profile", "add", "Ana")


@pytest.mark.parametrize(
    ("line", "named"),
    [
        ("mood: banana", "mood: "),
        ("mood: 99", "mood: "),
        ("mood: -1", "mood: "),
        ("now_what: Send the notes by 31 Feb", "now_what: "),
        ("now_what: Send the notes by 2020-01-01", "now_what: "),
        ('what: "nul \\0 inside"', "what: That answer could not be saved"),
        ("tags: {a: 1}", "tags: an answer must be text, not a dict"),
        ("wat: typo", "'wat' is not a stage of what-so-what"),
    ],
)
def test_a_bad_value_is_named_and_nothing_is_stored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], home: Path, ana: None, line: str, named: str
) -> None:
    key = line.split(":")[0]
    rest = "\n".join(f"{k}: {v}" for k, v in GOOD.items() if k != key)
    code, _, err = coach(
        capsys, "reflect", "--flow", "what-so-what", "--answers", str(write(tmp_path, f"{rest}\n{line}\n"))
    )
    assert code == 2 and named in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert counts(home) == (0, 0)


def test_a_huge_answer_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], home: Path, ana: None
) -> None:
    huge = "x" * 1_100_000
    code, _, err = coach(
        capsys, "reflect", "--flow", "free", "--answers", str(write(tmp_path, f"entry: {huge}\n"))
    )
    assert code == 2 and "entry:" in err and counts(home) == (0, 0)


def test_a_meeting_on_31_feb_is_not_saved_as_today(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], home: Path, ana: None
) -> None:
    code, _, err = coach(
        capsys, "prep", "--answers", str(write(tmp_path, "group: Circle\nmeeting_date: 31 Feb\n"))
    )
    assert code == 2 and "meeting_date: '31 Feb' is not a real date" in err
    code, _, err = coach(
        capsys, "goal", "new", "--answers", str(write(tmp_path, "goal: Sign 3 clients\ndue: 31 Feb\n"))
    )
    assert code == 2 and "due: " in err and counts(home) == (0, 0)


def test_good_answers_still_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], home: Path, ana: None
) -> None:
    text = "\n".join(f"{k}: {v}" for k, v in GOOD.items())
    ok(capsys, "reflect", "--flow", "what-so-what", "--answers", str(write(tmp_path, text)))
    assert counts(home) == (1, 1)
