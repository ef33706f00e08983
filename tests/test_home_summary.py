"""The home's summary, read from rows without pydantic, against the repositories and insights."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from coach.config import load_settings
from coach.config_file import configured
from coach.errors import ConfigError, InputError, NotFoundError
from coach.insights import insights
from coach.models import Commitment, Goal, Meeting, Milestone, Session, Turn
from coach.store import Store
from coach.store.summary import OPEN_SHOWN, home_summary, profile_row

TODAY = date(2026, 11, 20)


def at(days_ago: int, hour: int = 9) -> datetime:
    return datetime(TODAY.year, TODAY.month, TODAY.day, hour, tzinfo=UTC) - timedelta(days=days_ago)


def seed(store: Store) -> int:
    pid = store.profiles.add("Ana 👟").id or 0
    other = store.profiles.add("Ben").id or 0
    run = store.goals.add(
        Goal(profile_id=pid, title="Run [red]5k[/]", due=TODAY + timedelta(days=40)),
        [Milestone(goal_id=0, title="2 km", done=True), Milestone(goal_id=0, title="3 km")],
    )
    store.goals.add(Goal(profile_id=pid, title="Risky", status="at-risk", due=TODAY + timedelta(days=2)))
    store.goals.add(Goal(profile_id=pid, title="Someday"))
    store.goals.add(Goal(profile_id=pid, title="Juggle", status="done"))
    store.goals.add(Goal(profile_id=other, title="Ben's goal"))
    store.commitments.add(Commitment(profile_id=pid, text="Book a race", goal_id=run.id, status="done"))
    store.commitments.add(Commitment(profile_id=pid, text="Run twice", goal_id=run.id, status="partial"))
    for i in range(OPEN_SHOWN + 3):
        due = None if i % 4 == 0 else TODAY + timedelta(days=i - 5)
        store.commitments.add(Commitment(profile_id=pid, text=f"Open {i}", due=due))
    store.commitments.add(Commitment(profile_id=other, text="Ben's", due=TODAY - timedelta(days=30)))
    # reflections on five days running up to today, moods from several kinds, two on one day
    for days_ago, kind, mood in [(0, "reflection", 4), (1, "reflection", 2), (2, "reflection", None)]:
        store.sessions.start(
            Session(
                profile_id=pid,
                kind=kind,  # type: ignore[arg-type]
                started_at=at(days_ago),
                ended_at=at(days_ago, 10),
                mood=mood,
            )
        )
    for days_ago in (3, 4, 4, 9):
        store.sessions.start(
            Session(
                profile_id=pid,
                kind="reflection",
                started_at=at(days_ago, 22),
                ended_at=at(days_ago, 23),
                mood=3,
            )
        )
    store.sessions.start(Session(profile_id=pid, kind="chat", started_at=at(5), mood=5))
    for n in range(35):  # more moods than the sparkline shows, on older days
        store.sessions.start(Session(profile_id=pid, kind="chat", started_at=at(60 + n), mood=1 + n % 5))
    store.sessions.start(Session(profile_id=other, kind="reflection", started_at=at(0), mood=1))
    store.meetings.add(Meeting(profile_id=pid, group_name="Last week", date=TODAY - timedelta(days=7)))
    store.meetings.add(Meeting(profile_id=pid, group_name="Later", date=TODAY + timedelta(days=14)))
    store.meetings.add(Meeting(profile_id=pid, group_name="Tuesday", date=TODAY + timedelta(days=4)))
    return pid


def test_the_summary_agrees_with_the_repositories_and_insights(store: Store) -> None:
    pid = seed(store)
    summary = home_summary(store.db, "Ana 👟", TODAY)
    full = insights(store, pid, today=TODAY)

    assert (summary.profile_id, summary.name, summary.role) == (pid, "Ana 👟", "member")
    assert summary.streak_days == full.streaks.current_days == 5
    assert summary.moods == [p.mood for p in full.mood.points][-30:]
    assert summary.next_meeting == ("Tuesday", TODAY + timedelta(days=4))

    goals = store.goals.list(pid, "active") + store.goals.list(pid, "at-risk")
    assert [(g.id, g.title, g.status, g.due) for g in summary.goals] == [
        (g.id, g.title, g.status, g.due) for g in goals
    ]
    run = summary.goals[0]
    assert (run.done, run.total) == (1 + 1, 2 + 2)  # a milestone and a commitment done, of two each

    # open ones and those partly done (still work in hand), by due date
    in_hand = store.commitments.list(pid, "open") + store.commitments.list(pid, "partial")
    opened = sorted(in_hand, key=lambda c: (c.due is None, c.due or date.min, c.id or 0))
    assert summary.open_count == len(opened) == OPEN_SHOWN + 4
    assert [(c.id, c.text, c.due, c.partial) for c in summary.open_commitments] == [
        (c.id, c.text, c.due, c.status == "partial") for c in opened[:OPEN_SHOWN]
    ]
    assert summary.open_commitments[-1].due is None or all(c.due for c in summary.open_commitments)


def test_unfinished_empty_sessions_are_not_reflections(store: Store) -> None:
    pid = store.profiles.add("Ana").id or 0

    def both() -> tuple[int, int, date | None]:
        full = insights(store, pid, today=TODAY).streaks
        return home_summary(store.db, "Ana", TODAY).streak_days, full.current_days, full.last_reflection

    # killed flows: started, a coach question asked, no answer, never ended
    for days_ago in (0, 1, 2):
        sid = (
            store.sessions.start(Session(profile_id=pid, kind="reflection", started_at=at(days_ago))).id or 0
        )
        store.sessions.add_turn(sid, Turn(role="coach", text="What happened?"))
    assert both() == (0, 0, None)
    answered = store.sessions.start(Session(profile_id=pid, kind="reflection", started_at=at(1, 8))).id or 0
    store.sessions.add_turn(answered, Turn(role="user", text="A long day."))  # answered, not ended: counts
    assert both() == (1, 1, TODAY - timedelta(days=1))
    ended = store.sessions.start(Session(profile_id=pid, kind="reflection", started_at=at(0, 8))).id or 0
    store.sessions.end(ended)  # ended without an answer (declined every stage): counts
    assert both() == (2, 2, TODAY)
    assert store.sessions.counted_reflections(pid) == {answered, ended}


def test_which_profile_the_summary_is_for(store: Store) -> None:
    with pytest.raises(NotFoundError, match="no profile yet"):
        profile_row(store.db, None)
    store.profiles.add("Ana")
    assert home_summary(store.db, None, TODAY).name == "Ana"  # the only one
    assert home_summary(store.db, None, TODAY).goals == []
    store.profiles.add("Ben")
    with pytest.raises(InputError, match="several profiles"):
        home_summary(store.db, None, TODAY)
    assert home_summary(store.db, "Ben", TODAY).name == "Ben"
    with pytest.raises(NotFoundError, match="no profile named 'Cleo'"):
        home_summary(store.db, "Cleo", TODAY)
    assert store.active_profile("Ben").name == "Ben"  # the repositories resolve the same way


def test_the_profile_setting_is_read_as_settings_reads_it(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home.mkdir(parents=True, exist_ok=True)
    assert configured("profile") is None is load_settings().profile
    (home / "config.toml").write_text('profile = "Ana [x] 👟"\nllm_timeout = 5\n', encoding="utf-8")
    assert configured("profile") == "Ana [x] 👟" == load_settings().profile
    assert configured("llm_timeout") is None  # not text: left to Settings
    monkeypatch.setenv("coach_profile", "Ben")  # the environment wins, its name in any case
    assert configured("profile") == "Ben" == load_settings().profile
    monkeypatch.delenv("coach_profile")
    (home / "config.toml").write_text("profile = [", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        configured("profile")


def test_opening_the_store_and_its_summary_loads_no_pydantic(store: Store) -> None:
    seed(store)
    store.close()
    script = (
        "import sys\n"
        "from datetime import date\n"
        "from coach.store import Store\n"
        "from coach.store.summary import home_summary\n"
        "import tui.app, tui.home\n"
        "with Store.open() as store:\n"
        "    summary = home_summary(store.db, 'Ana 👟', date(2026, 11, 20))\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('pydantic', 'pydantic_settings', "
        "'coach.models', 'langchain_core', 'chromadb', 'torch'))\n"
        "assert not heavy, heavy\n"
        "print(summary.streak_days, len(summary.goals))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["5", "3"]


def test_goal_progress_leaves_dropped_commitments_out(store: Store) -> None:
    from coach.insights import follow_through

    pid = store.profiles.add("Ana").id or 0
    goal = store.goals.add(Goal(profile_id=pid, title="Land 3 clients"), [Milestone(goal_id=0, title="Site")])

    def line() -> tuple[int, int]:
        got = home_summary(store.db, "Ana", TODAY).goals[0]
        return got.done, got.total

    def made(text: str, **fields: object) -> int:
        return store.commitments.add(Commitment(profile_id=pid, text=text, goal_id=goal.id, **fields)).id or 0

    made("Book a call", status="done")
    emails = made("Send 10 emails", due=TODAY)
    priya = made("Call Priya")
    made("Post twice", status="missed")  # missed still counts, as in follow-through
    assert line() == (1, 5)
    smaller = store.commitments.shrink(emails, "Send 3 emails", TODAY + timedelta(days=3))
    assert line() == (1, 5)  # the smaller one counts in place of the one it replaced: the bar is not lowered
    store.commitments.drop(priya, "not now")
    assert line() == (1, 4)
    store.commitments.set_status(smaller.id or 0, "done")
    assert line() == (2, 4)
    ft = follow_through(store.commitments.list(pid), store.goals.list(pid), TODAY).by_goal[0]
    assert (ft.dropped, ft.shrunk) == (2, 1)
