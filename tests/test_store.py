"""The store of record: round trips, validation, transactions, the change feed, permissions."""

from __future__ import annotations

import sqlite3
import stat
from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError

from coach.errors import InputError, NotFoundError
from coach.models import Commitment, Goal, Meeting, Session, Turn
from coach.store import Store
from tests.texts import AWKWARD


@pytest.mark.parametrize("text", AWKWARD)
def test_every_text_field_round_trips_byte_exact(store: Store, text: str) -> None:
    prof = store.profiles.add(text.splitlines()[0][:50])
    pid = prof.id or 0
    goal = store.goals.add(Goal(profile_id=pid, title=text.splitlines()[0], why=text, measure=text))
    assert store.goals.get(goal.id or 0).why == text
    assert store.goals.get(goal.id or 0).title == text.splitlines()[0]
    com = store.commitments.add(Commitment(profile_id=pid, text=text, obstacle=text))
    assert store.commitments.get(com.id or 0).text == text
    sess = store.sessions.start(Session(profile_id=pid, kind="reflection", summary=text, tags=["a[b]", "😀"]))
    store.sessions.add_turn(sess.id or 0, Turn(role="user", text=text, stage="what", citations=[text]))
    got = store.sessions.get(sess.id or 0)
    assert got.summary == text and got.turns[0].text == text and got.turns[0].citations == [text]
    assert got.tags == ["a[b]", "😀"]
    meeting = store.meetings.add(Meeting(profile_id=pid, group_name="G", date=date(2026, 12, 1), brief=text))
    assert store.meetings.get(meeting.id or 0).brief == text


@pytest.mark.parametrize(
    ("title", "message"),
    [
        ("", "must not be empty"),
        ("   \t", "must not be empty"),
        ("a\x00b", "NUL"),
        ("x" * 201, "too long"),
        ("two\nlines", "single line"),
    ],
)
def test_bad_titles_are_refused_and_nothing_changes(
    store: Store, profile_id: int, title: str, message: str
) -> None:
    store.goals.add(Goal(profile_id=profile_id, title="keep me"))
    with pytest.raises(ValidationError, match=message):
        store.goals.add(Goal(profile_id=profile_id, title=title))
    assert [g.title for g in store.goals.list(profile_id)] == ["keep me"]


def test_a_megabyte_of_text_is_refused_in_a_short_field(store: Store, profile_id: int) -> None:
    with pytest.raises(ValidationError, match="too long"):
        Goal(profile_id=profile_id, title="t", why="x" * 1_000_000)


def test_long_journal_text_is_kept_whole(store: Store, profile_id: int) -> None:
    text = "long reflection. " * 10_000  # 170 KB
    sess = store.sessions.start(Session(profile_id=profile_id, kind="reflection"))
    store.sessions.add_turn(sess.id or 0, Turn(role="user", text=text))
    assert store.sessions.get(sess.id or 0).turns[0].text == text


def test_unknown_ids_raise_not_found(store: Store, profile_id: int) -> None:
    with pytest.raises(NotFoundError, match="no goal with id 42"):
        store.goals.get(42)
    with pytest.raises(NotFoundError):
        store.commitments.set_status(7, "done")
    with pytest.raises(NotFoundError):
        store.sessions.add_turn(99, Turn(role="user", text="x"))
    with pytest.raises(NotFoundError, match="no profile named 'Bob'"):
        store.profiles.by_name("Bob")


def test_records_of_another_profile_are_not_found(store: Store, profile_id: int) -> None:
    other = store.profiles.add("Ben").id or 0
    goal = store.goals.add(Goal(profile_id=other, title="Ben's"))
    with pytest.raises(NotFoundError):
        store.goals.get(goal.id or 0, profile_id)
    assert store.goals.list(profile_id) == []


def test_statuses_are_checked(store: Store, profile_id: int) -> None:
    goal = store.goals.add(Goal(profile_id=profile_id, title="g"))
    with pytest.raises(InputError, match="unknown goal status"):
        store.goals.set_status(goal.id or 0, "finished")
    assert store.goals.set_status(goal.id or 0, "at-risk").status == "at-risk"
    com = store.commitments.add(Commitment(profile_id=profile_id, text="c", goal_id=goal.id))
    done = store.commitments.set_status(com.id or 0, "missed", obstacle="travel")
    assert (done.status, done.obstacle) == ("missed", "travel")
    with pytest.raises(InputError):
        store.commitments.set_status(com.id or 0, "skipped")


def test_duplicate_profile_names_are_refused(store: Store) -> None:
    store.profiles.add("Ana")
    with pytest.raises(InputError, match="already exists"):
        store.profiles.add("Ana")
    assert len(store.profiles.list()) == 1


def test_a_session_with_turns_is_one_transaction(store: Store, profile_id: int) -> None:
    bad = Session.model_construct(
        profile_id=profile_id,
        kind="reflection",
        tags=[],
        turns=[
            Turn(role="user", text="first"),
            Turn.model_construct(role="robot", text="x", citations=[], stage=None),
        ],
    )
    with pytest.raises(sqlite3.IntegrityError):
        store.sessions.start(bad)
    assert store.sessions.list(profile_id) == []
    assert store.db.query("SELECT COUNT(*) FROM turns")[0][0] == 0


def test_turns_keep_their_order_and_sessions_end(store: Store, profile_id: int) -> None:
    sess = store.sessions.start(Session(profile_id=profile_id, kind="goal", framework="grow"))
    for i in range(5):
        store.sessions.add_turn(sess.id or 0, Turn(role="user" if i % 2 else "coach", text=f"t{i}"))
    ended = store.sessions.end(sess.id or 0, mood=4, summary="done")
    assert [t.text for t in ended.turns] == [f"t{i}" for i in range(5)]
    assert [t.position for t in ended.turns] == list(range(5))
    assert ended.ended_at is not None and ended.mood == 4
    with pytest.raises(ValidationError):
        store.sessions.edit(sess.id or 0, mood=9)


def test_milestones(store: Store, profile_id: int) -> None:
    goal = store.goals.add(Goal(profile_id=profile_id, title="g"))
    a = store.goals.add_milestone(goal.id or 0, "first")
    store.goals.add_milestone(goal.id or 0, "second", date(2027, 1, 1))
    store.goals.set_milestone_done(a.id or 0)
    assert [(m.title, m.done) for m in store.goals.milestones(goal.id or 0)] == [
        ("first", True),
        ("second", False),
    ]


def test_foreign_keys_are_enforced_and_cascade(store: Store, profile_id: int) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        store.goals.add(Goal(profile_id=999, title="orphan"))
    sess = store.sessions.start(
        Session(profile_id=profile_id, kind="chat", turns=[Turn(role="user", text="x")])
    )
    store.sessions.delete(sess.id or 0)
    assert store.db.query("SELECT COUNT(*) FROM turns")[0][0] == 0


def test_change_feed_follows_every_write(store: Store, profile_id: int) -> None:
    start = store.feed.head()
    goal = store.goals.add(Goal(profile_id=profile_id, title="g"))
    sess = store.sessions.start(Session(profile_id=profile_id, kind="reflection"))
    store.sessions.add_turn(sess.id or 0, Turn(role="user", text="hello"))
    store.goals.delete(goal.id or 0)
    changes = store.feed.since(start)
    assert [(c.entity, c.entity_id, c.op) for c in changes] == [
        ("goal", goal.id, "upsert"),
        ("session", sess.id, "upsert"),
        ("session", sess.id, "upsert"),
        ("goal", goal.id, "delete"),
    ]
    assert all(c.profile_id == profile_id for c in changes)
    store.feed.advance("index", changes[1].seq)
    assert store.feed.cursor("index") == changes[1].seq
    assert len(store.feed.since(store.feed.cursor("index"))) == 2


def test_wal_mode_and_private_permissions(store: Store, home: Path) -> None:
    assert store.db.query("PRAGMA journal_mode")[0][0] == "wal"
    assert store.db.query("PRAGMA foreign_keys")[0][0] == 1
    store.profiles.add("Ana")
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    for f in home.iterdir():
        assert stat.S_IMODE(f.stat().st_mode) == 0o600, f.name


def test_reader_sees_writes_without_the_lock(store: Store, home: Path, profile_id: int) -> None:
    store.goals.add(Goal(profile_id=profile_id, title="shared"))
    reader = Store.open(home, readonly=True)
    try:
        assert [g.title for g in reader.goals.list(profile_id)] == ["shared"]
        with pytest.raises(sqlite3.OperationalError):
            reader.db.conn.execute(
                "INSERT INTO profiles (name, role, created_at) VALUES ('x', 'member', 'now')"
            )
    finally:
        reader.close()


def test_active_profile_rules(store: Store) -> None:
    with pytest.raises(NotFoundError, match="coach profile add"):
        store.active_profile()
    store.profiles.add("Ana")
    assert store.active_profile().name == "Ana"
    store.profiles.add("Ben", "mentor")
    with pytest.raises(InputError, match="several profiles"):
        store.active_profile()
    assert store.active_profile("Ben").role == "mentor"
