"""A new user at 80x24 in a real terminal (tmux): a profile, a goal, a reflection, meeting prep, feedback and
a search, the screen checked at each step, then what the store holds."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from coach.store import Store
from tests.test_tui_tmux import Tmux, pytestmark  # noqa: F401 - the same skips: tmux and the app installed


@pytest.fixture
def term(home: Path) -> Iterator[Tmux]:
    session = Tmux(home, width=80, height=24)
    session.first_run = True
    try:
        yield session
    finally:
        session.stop()


def talk(term: Tmux, steps: list[tuple[str, str]]) -> None:
    """Each answer once the question it answers is on screen; a "\\n" in it is a new line (Ctrl+J)."""
    for answer, next_prompt in steps:
        for i, line in enumerate(answer.split("\\n")):
            if i:
                term.press("C-j")
            term.type(line)
        term.press("Enter")
        term.wait_for(next_prompt)


def finished(term: Tmux) -> str:
    """A finished flow: its artefact's keys in the footer, nothing to type, nothing to go back to."""
    screen = term.wait_for("e Export to file")
    assert "saved to your history" in screen
    assert "Back a stage" not in screen and "Skip" not in screen
    time.sleep(1.6)  # keys typed on as the artefact appears are taken as type-ahead, not as its commands
    return screen


def test_a_new_user_through_every_job_at_80x24(term: Tmux, home: Path) -> None:
    term.start()
    term.wait_for("A new data home")
    term.press("Tab")  # from "Encrypt this data home" to "Keep it plain"
    term.press("Enter")
    term.wait_for("Type your name below")
    term.type("Maya")
    term.press("Enter")
    term.wait_for("g New goal")
    screen = term.wait_for("Today")
    assert "reflection streak" in screen and "No goals yet" in screen

    term.press("g")
    term.wait_for("What do you want to achieve?")
    talk(
        term,
        [
            ("Run a half marathon in under two hours", "By when?"),
            ("in 12 weeks", "matter to you"),
            ("I want to prove to myself I can stick with a plan", "Where are you now"),
            ("I run 10k twice a week, slowly", "else is true today"),
            ("My long run is 14k at 6:10 per km; I skipped two runs last month", "what could you do?"),
            ("Follow a 12-week plan, join a running club, add a tempo run", "most likely to get in"),
            ("Work trips break my routine", "if-then plan"),
            ("If a work trip comes up, then I will run 30 minutes on the hotel treadmill", "What milestones"),
            ("Run 15k in 4 weeks; Run 18k in 8 weeks", "first steps"),
            ("Download the 12-week plan in 10 days", "Say yes to save"),
            ("yes", "saved to your history"),
        ],
    )
    finished(term)
    term.press("Escape")
    screen = term.wait_for("reflection streak")
    assert "Run a half marathon in under two hours" in screen and "Download the 12-week plan" in screen

    term.press("w")
    term.wait_for("What happened?")
    talk(
        term,
        [
            ("Coaching call with Dana about my [promotion] case", "Why does it matter"),
            ("It shows I undersell my work", "What will you do"),
            ("Write my wins list in 9 days", "Say yes to save"),
            ("yes", "How are you feeling"),
            ("4", "Any tags?"),
            ("growth, career", "Is this about one"),
            ("", "saved to your history"),
        ],
    )
    finished(term)
    term.press("Escape")
    assert "Write my wins list" in term.wait_for("reflection streak")

    term.press("p")
    term.wait_for("Which group")
    talk(
        term,
        [
            ("Thursday founders circle", "When is"),
            ("tomorrow", "what went well"),
            ("Signed two new clients [finally]", "hot seat"),
            ("Pricing my coaching packages", "context for"),
            ("I charge by the hour and undercut myself", "a deeper question"),
            ("Fear that clients will walk away if I raise prices", "want from the group"),
            ("Feedback on a three-tier price list", "three questions"),
            (
                "Would you pay 900?\\nWhich tier would you drop?\\nWhat makes the top tier worth it?",
                "Anything private",
            ),
            ("Mention the holiday gap", "saved to your history"),
        ],
    )
    assert "k Copy card" in finished(term)  # meeting prep has a share-safe card
    term.press("Escape")
    term.wait_for("reflection streak")
    term.wait_for("Next meeting")  # Today names the meeting just prepared

    term.press("f")
    term.wait_for("Who is the feedback for?")
    talk(
        term,
        [
            ("Priya", "When and where"),
            ("Tuesday's design review with the client", "as a camera would"),
            ("You interrupted the client twice while they explained the budget", "Impact. What did"),
            ("The client stopped sharing details and the meeting ended early", "open question for"),
            ("What was on your mind when the budget came up?", "Next time"),
            ("Let clients finish before answering", "saved to your history"),
        ],
    )
    finished(term)
    term.press("Escape")
    term.wait_for("reflection streak")

    term.press("/")
    term.wait_for("Search your history")
    term.type("pricing")
    term.press("Enter")
    screen = term.wait_for("results for “pricing”", timeout=90)  # the model may still be loading
    assert "Pricing my coaching" in screen
    term.press("C-t")  # exact words: every result holds the word
    screen = term.wait_for("holding every word")
    assert "related by meaning" not in screen
    term.press("Escape", "Escape")
    term.wait_for("reflection streak")
    term.press("q")
    assert term.exited(timeout=90) == 0

    with Store.open(home, readonly=True) as store:
        profile = store.profiles.by_name("Maya")
        sessions = store.sessions.list(profile.id or 0)
        assert sorted(s.framework or "" for s in sessions) == ["grow", "mastermind", "sbi", "what-so-what"]
        assert all(s.ended_at is not None for s in sessions)
        brief = next(s for s in sessions if s.framework == "mastermind").summary or ""
        for typed in (
            "Which tier would you drop?",
            "Signed two new clients [finally]",
            "three-tier price list",
        ):
            assert typed in brief
        goal = store.goals.list(profile.id or 0)[0]
        assert goal.title == "Run a half marathon in under two hours"
        assert [m.title for m in store.goals.milestones(goal.id or 0)] == [
            "Run 15k in 4 weeks",
            "Run 18k in 8 weeks",
        ]
        texts = {c.text for c in store.commitments.list(profile.id or 0)}
        assert {"Download the 12-week plan in 10 days", "Write my wins list in 9 days"} <= texts
