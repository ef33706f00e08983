"""The four jobs from the shell: --answers runs, JSON artefacts with citations, search afterwards, resume."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from coach.engine.artefacts import tidy
from tests.test_cli import as_json, coach, ok


@pytest.fixture(autouse=True)
def shared_model(monkeypatch: pytest.MonkeyPatch, embedder) -> None:  # type: ignore[no-untyped-def]
    """The CLI builds its own index; give it the already-loaded model."""
    monkeypatch.setattr("coach.retrieval.index.Embedder", lambda *a, **k: embedder)


def answers(tmp_path: Path, text: str) -> str:
    path = tmp_path / "answers.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_flows_list_and_show(capsys: pytest.CaptureFixture[str]) -> None:
    flows = as_json(capsys, "flows", "list")
    assert {f["id"] for f in flows} >= {"grow", "gibbs", "what-so-what", "free", "mastermind", "sbi"}
    sbi = as_json(capsys, "flows", "show", "sbi")
    assert [s["id"] for s in sbi["stages"]][:4] == ["mentee", "situation", "behaviour", "impact"]
    assert "judgement" in ok(capsys, "flows", "show", "sbi")
    code, _, err = coach(capsys, "flows", "show", "nope")
    assert code == 2 and "no flow named 'nope'" in err


def test_reflect_then_prep_then_search(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    ok(capsys, "profile", "add", "Ana")
    reflect = answers(
        tmp_path,
        """
description: "Ran the Heron workshop for the product team; twelve came and two [senior] people left early 👋"
feelings: ["It was fine", "I felt nervous, then relieved"]
evaluation: The exercises landed, I overran by 15 minutes.
analysis: I packed too much in.
conclusion: Cut content by a third.
action: ["Trim the Heron deck to 12 slides by Friday\\nAsk Priya for feedback", "next week"]
mood: 4
tags: workshops, facilitation
""",
    )
    out = tmp_path / "entry.md"
    art = as_json(capsys, "reflect", "--answers", reflect, "--out", str(out))
    assert art["flow"] == "gibbs" and art["followups"] == [
        "Which feelings came up? Try to name at least one."
    ]
    assert art["tips"] and all(t["citation"].startswith("[note: ") for t in art["tips"])
    assert len(art["stored"]["commitments"]) == 2
    assert out.read_text() == tidy(art["markdown"]) and "[senior]" in out.read_text()  # no skipped parts
    assert "(skipped)" not in out.read_text()
    listed = as_json(capsys, "commitment", "list")
    assert [(c["text"], c["due"]) for c in listed][1][0] == "Ask Priya for feedback"

    prep = answers(
        tmp_path,
        """
group: Founders Circle
meeting_date: in 3 weeks
review: ["partial, trimmed to 15; the offsite ate Thursday", "done"]
wins: Signed the Kestrel pilot
hot_seat: Pricing the pilot-to-paid step; per-seat pricing confused two buyers
ask: Who has priced usage-based B2B software and can review my draft?
questions: "What metric first?\\nHow did you test it?\\nWhat would you cut?"
""",
    )
    art = as_json(capsys, "prep", "--answers", prep)
    assert art["stored"]["reviewed"] == [c["id"] for c in listed]
    assert any(r["citation"].startswith("[commitment ") for r in art["recalls"])
    assert "offsite" in art["markdown"] and "offsite" not in art["card"]
    assert (
        "## Questions for the group\n- What metric first?\n- How did you test it?\n- What would you cut?"
        in (art["markdown"])
    )
    hits = as_json(capsys, "search", "Heron workshop", "--kind", "history", "-k", "3")["hits"]
    assert any(h["citation"].startswith("[session ") for h in hits)
    hits = as_json(capsys, "search", "Founders Circle hot seat pricing", "--kind", "history", "-k", "3")[
        "hits"
    ]
    assert any(h["id"].startswith(("meeting:", "session:")) and "Pricing" in h["text"] for h in hits)


def test_goal_new_and_feedback_from_answers(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    ok(capsys, "profile", "add", "Mo", "--role", "mentor")
    grow = answers(
        tmp_path,
        """
goal: ["More clients and a website and a podcast", "Sign 3 new coaching clients"]
due: 31 Jan
why: Replace my salary
reality: One client so far, referred by a friend, no marketing yet.
options: Referrals, posts, workshops
obstacle: I avoid selling
plan: ["Be braver"]
will: "Post on LinkedIn by Tuesday"
""",
    )
    art = as_json(capsys, "goal", "new", "--answers", grow)
    assert art["unanswered"] == ["Put it as 'If <the obstacle shows up>, then I will <action>.'"]
    goal = as_json(capsys, "goal", "show", str(art["stored"]["goals"][0]))
    assert (
        goal["title"] == "Sign 3 new coaching clients"
        and goal["commitments"][0]["text"] == "Post on LinkedIn by Tuesday"
    )

    fb = answers(
        tmp_path,
        """
mentee: Sam
situation: In Tuesday's client call with Acme
behaviour: ["You were rude and always interrupt", "You spoke over Li twice while she presented the budget"]
impact: Li stopped, so the client never heard the cost options and we had to email them
intent: What was going on for you at that point?
""",
    )
    art = as_json(capsys, "feedback", "--answers", fb)
    assert (
        "You spoke over Li twice" in art["markdown"] and "rude" not in art["markdown"].split("## Checks")[0]
    )
    assert len(art["followups"]) == 1
    text = ok(capsys, "feedback", "--answers", fb)
    assert "Reflective questions to ask Sam" in text
    code, _, err = coach(capsys, "feedback", "--flow", "grow", "--answers", fb)
    assert code == 2 and "is for goal" in err
    code, _, err = coach(capsys, "reflect", "--answers", str(tmp_path / "missing.yaml"))
    assert code == 2 and "cannot read the answers file" in err


def wait_for_an_answer(home: Path) -> None:
    """Poll the store until the first answer is saved."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with sqlite3.connect(home / "coach.db") as db:
                if db.execute("SELECT COUNT(*) FROM turns WHERE role = 'user'").fetchone()[0]:
                    return
        except sqlite3.Error:
            pass
        time.sleep(0.2)
    raise AssertionError("the answer was never saved")


CLI = [sys.executable, "-m", "coach"]


def answer_in_a_process(home: Path, flow: str, first_answer: str) -> subprocess.Popen[str]:
    """Start `coach reflect` on piped input, give one answer, and return once it is saved."""
    env = {**os.environ, "COACH_HOME": str(home)}
    subprocess.run([*CLI, "profile", "add", "Ana"], env=env, check=True, capture_output=True)
    proc = subprocess.Popen(
        [*CLI, "reflect", "--flow", flow, "--new"],
        env=env,
        text=True,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdin is not None
    proc.stdin.write(first_answer + "\n")
    proc.stdin.flush()
    wait_for_an_answer(home)
    return proc


def test_a_killed_session_resumes_with_its_answers(home: Path, tmp_path: Path) -> None:
    proc = answer_in_a_process(home, "what-so-what", "We ran the Osprey retro with the whole team today.")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    env = {**os.environ, "COACH_HOME": str(home)}
    rest = tmp_path / "rest.yaml"
    rest.write_text(
        "so_what: It showed we skip the planning step.\nnow_what: Book planning for Monday\nmood: 3\n"
    )
    result = subprocess.run(
        [*CLI, "reflect", "--flow", "what-so-what", "--resume", "--answers", str(rest), "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    art = json.loads(result.stdout)
    assert art["answers"]["what"] == "We ran the Osprey retro with the whole team today."
    assert art["answers"]["so_what"].startswith("It showed")


def test_ctrl_c_keeps_the_answers(home: Path) -> None:
    proc = answer_in_a_process(home, "free", "A quiet day of deep work on the Falcon report.")
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "saved" in out
    with sqlite3.connect(home / "coach.db") as db:
        texts = [r[0] for r in db.execute("SELECT text FROM turns WHERE role = 'user'")]
    assert texts == ["A quiet day of deep work on the Falcon report."]


def test_a_remote_model_is_refused_under_local_only_and_the_guided_coach_runs(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    ok(capsys, "profile", "add", "Ana")
    ok(capsys, "config", "set", "llm_base_url", "https://llm.example.com/v1")
    file = answers(tmp_path, "what: We shipped the release after a long week of bug fixes.\nmood: 3\n")
    out = ok(capsys, "reflect", "--flow", "what-so-what", "--llm", "openai", "--answers", file)
    assert "local_only is on, so nothing is sent to https://llm.example.com/v1" in out
    assert "The guided coach runs instead." in out and "We shipped the release" in out
    code, _, err = coach(capsys, "reflect", "--flow", "what-so-what", "--llm", "gpt", "--answers", file)
    assert code == 2 and "unknown --llm 'gpt'" in err


def test_ask_from_the_shell_without_a_model(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    ok(capsys, "profile", "add", "Ana")
    file = answers(tmp_path, "what: I froze when the client asked me for a quote on pricing.\nmood: 2\n")
    ok(capsys, "reflect", "--flow", "what-so-what", "--answers", file)
    found = as_json(capsys, "ask", "what happened with pricing?")
    assert isinstance(found, dict) and found["found"] and found["sources"][0]["kind"] == "history"
    assert "froze when the client" in ok(capsys, "ask", "what happened with pricing?")
    assert "found nothing about that" in ok(capsys, "ask", "scuba diving holidays in Egypt")
