"""Renegotiated commitments: keep, shrink or drop in the store, in follow-through, in words and in the CLI."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta

import pytest

from coach.cli.common import console
from coach.dates import PastDateError
from coach.engine.renegotiate import Choice, load_words, read_choice
from coach.errors import InputError, NotFoundError
from coach.insights import follow_through, follow_through_rate
from coach.models import Commitment, Goal
from coach.store import Store
from tests.test_cli import as_json, coach, ok

TODAY = date(2026, 12, 2)  # a Wednesday
FRIDAY = date(2026, 12, 4)


def made(store: Store, pid: int, text: str = "Send 10 outreach [emails]", **fields: object) -> Commitment:
    return store.commitments.add(Commitment(profile_id=pid, text=text, **fields))


# --- the store ---------------------------------------------------------------------------------------------


def test_keep_reopens_with_a_new_date_and_remembers_the_first(store: Store, profile_id: int) -> None:
    c = made(store, profile_id, due=TODAY - timedelta(days=1), status="missed", obstacle="flu [again]")
    kept = store.commitments.keep(c.id or 0, FRIDAY)
    assert (kept.status, kept.due, kept.original_due) == ("open", FRIDAY, TODAY - timedelta(days=1))
    assert kept.obstacle == "flu [again]"  # what got in the way stays: it is history
    again = store.commitments.keep(c.id or 0, FRIDAY + timedelta(days=7))
    assert again.original_due == TODAY - timedelta(days=1)  # the first date agreed, not the last
    undated = made(store, profile_id, "Tidy the garage", status="partial")
    assert store.commitments.keep(undated.id or 0, FRIDAY).original_due is None


def test_shrink_drops_the_original_and_links_a_smaller_one(store: Store, profile_id: int) -> None:
    goal = store.goals.add(Goal(profile_id=profile_id, title="Land 3 clients"))
    big = made(store, profile_id, goal_id=goal.id, due=TODAY, status="missed")
    small = store.commitments.shrink(big.id or 0, "Send 3 emails [short]", FRIDAY)
    assert (small.status, small.due, small.replaces_id, small.goal_id) == ("open", FRIDAY, big.id, goal.id)
    assert small.text == "Send 3 emails [short]"
    assert store.commitments.get(big.id or 0).status == "dropped"
    assert store.commitments.replacement(big.id or 0) == small
    assert store.commitments.replacement(small.id or 0) is None


def test_shrink_and_drop_note_the_session(store: Store, profile_id: int) -> None:
    from coach.models import Session

    sid = store.sessions.start(Session(profile_id=profile_id, kind="meeting-prep")).id or 0
    big = made(store, profile_id, status="missed")
    small = store.commitments.shrink(big.id or 0, "Send 3", FRIDAY, sid)
    assert small.made_in_session_id == sid
    assert store.commitments.get(big.id or 0).reviewed_in_session_id == sid
    other = made(store, profile_id, "Call Priya", status="partial")
    dropped = store.commitments.drop(other.id or 0, "not a priority [now]", session_id=sid)
    assert (dropped.status, dropped.drop_reason, dropped.reviewed_in_session_id) == (
        "dropped",
        "not a priority [now]",
        sid,
    )


def test_what_cannot_be_renegotiated_is_refused_and_unchanged(store: Store, profile_id: int) -> None:
    done = made(store, profile_id, status="done")
    for attempt in (
        lambda: store.commitments.keep(done.id or 0, FRIDAY),
        lambda: store.commitments.shrink(done.id or 0, "less", FRIDAY),
        lambda: store.commitments.drop(done.id or 0),
    ):
        with pytest.raises(InputError, match="is done"):
            attempt()
    assert store.commitments.get(done.id or 0) == done

    big = made(store, profile_id, status="missed")
    small = store.commitments.shrink(big.id or 0, "less", FRIDAY)
    with pytest.raises(InputError, match=rf"replaced by a smaller one \({small.id}\)"):
        store.commitments.keep(big.id or 0, FRIDAY)
    with pytest.raises(InputError, match=r"already dropped|replaced"):
        store.commitments.drop(big.id or 0)

    let_go = store.commitments.drop(made(store, profile_id, "Call Priya").id or 0, "busy")
    with pytest.raises(InputError, match="already dropped"):
        store.commitments.shrink(let_go.id or 0, "less", FRIDAY)
    back = store.commitments.keep(let_go.id or 0, FRIDAY)  # a plain drop can be taken back
    assert (back.status, back.drop_reason) == ("open", None)

    other = store.profiles.add("Mo").id or 0
    with pytest.raises(NotFoundError):
        store.commitments.drop(big.id or 0, profile_id=other)
    with pytest.raises(NotFoundError):
        store.commitments.keep(999, FRIDAY)


def test_shrink_is_one_transaction(store: Store, profile_id: int, monkeypatch: pytest.MonkeyPatch) -> None:
    big = made(store, profile_id, status="missed")
    before = store.commitments.list(profile_id)

    def fail(*args: object) -> int:
        raise sqlite3.IntegrityError("disk said no")

    monkeypatch.setattr("coach.store.commitments.insert", fail)
    with pytest.raises(sqlite3.IntegrityError):
        store.commitments.shrink(big.id or 0, "less", FRIDAY)
    assert store.commitments.list(profile_id) == before  # the original was not dropped on its own


def test_every_change_is_on_the_feed(store: Store, profile_id: int) -> None:
    big = made(store, profile_id, status="missed")
    other = made(store, profile_id, "Call Priya")
    head = store.feed.head()
    small = store.commitments.shrink(big.id or 0, "less", FRIDAY)
    store.commitments.drop(other.id or 0)
    store.commitments.keep(small.id or 0, FRIDAY + timedelta(days=1))
    changed = {(c.entity, c.entity_id, c.op) for c in store.feed.since(head)}
    assert changed == {("commitment", cid, "upsert") for cid in (big.id, other.id, small.id)}


# --- follow-through ---------------------------------------------------------------------------------------


def test_dropped_and_shrunk_leave_the_rate_while_missed_counts(store: Store, profile_id: int) -> None:
    pid = profile_id
    made(store, pid, "a", status="done")
    made(store, pid, "b", status="missed")
    made(store, pid, "c", status="partial")
    store.commitments.drop(made(store, pid, "d", status="missed").id or 0, "not mine")
    big = made(store, pid, "e", status="missed")
    small = store.commitments.shrink(big.id or 0, "e, smaller", FRIDAY)
    ft = follow_through(store.commitments.list(pid), [], TODAY).overall
    assert (ft.done, ft.partial, ft.missed, ft.reviewed) == (1, 1, 1, 3)
    assert (ft.dropped, ft.shrunk, ft.open) == (2, 1, 1)
    assert ft.rate == 0.5  # (1 + 0.5) / 3: the two dropped are neither kept nor broken

    store.commitments.set_status(small.id or 0, "done")
    ft = follow_through(store.commitments.list(pid), [], TODAY).overall
    assert (ft.done, ft.reviewed, ft.rate) == (2, 4, 0.625)  # the smaller one counts in its own right


def test_follow_through_rate_counts_done_of_settled_since_a_day(store: Store, profile_id: int) -> None:
    today = datetime.now(UTC).date()
    pid = profile_id
    assert follow_through_rate(store, pid, today) is None
    made(store, pid, "old miss", status="missed", due=today - timedelta(days=30))
    made(store, pid, "done early", status="done", due=today + timedelta(days=10))
    made(store, pid, "half", status="partial", due=today - timedelta(days=2))
    made(store, pid, "undated done", status="done")
    made(store, pid, "still open", due=today - timedelta(days=1))
    store.commitments.drop(made(store, pid, "let go", status="missed", due=today).id or 0)
    assert follow_through_rate(store, pid, today) == (2, 4)
    # since a week ago: the old miss is before it; "done early" counts on the day it was done (today)
    assert follow_through_rate(store, pid, today, since=today - timedelta(days=7)) == (2, 3)
    assert follow_through_rate(store, pid, today, since=today + timedelta(days=1)) is None


# --- what the person says ---------------------------------------------------------------------------------

READ = [
    ("keep it, Friday", Choice(kind="keep", due=FRIDAY)),
    ("keep, next week", Choice(kind="keep", due=date(2026, 12, 11))),
    ("same but by 12 Dec", Choice(kind="keep", due=date(2026, 12, 12))),
    ("Keep it (Friday)", Choice(kind="keep", due=FRIDAY)),
    ("OK, I’ll keep it — in 5 days.", Choice(kind="keep", due=date(2026, 12, 7))),
    ("move it to 3 Jan", Choice(kind="keep", due=date(2027, 1, 3))),
    ("let's keep it and do it by Friday", Choice(kind="keep", due=FRIDAY)),
    ("keep it", Choice(kind="keep")),
    ("keep it, I still want to", Choice(kind="keep")),
    ("keep it, not sure", Choice(kind="keep")),
    ("shrink: send 3 emails by Friday", Choice(kind="shrink", text="send 3 emails by Friday", due=FRIDAY)),
    ("smaller: one email tomorrow", Choice(kind="shrink", text="one email tomorrow", due=date(2026, 12, 3))),
    ("keep it smaller: 2 [short] emails", Choice(kind="shrink", text="2 [short] emails")),
    (
        "Shrink it to one call, 2026-12-10",
        Choice(kind="shrink", text="one call, 2026-12-10", due=date(2026, 12, 10)),
    ),
    ("shrink it", Choice(kind="shrink")),
    ("shrink, Friday", Choice(kind="shrink", due=FRIDAY)),
    ("drop it", Choice(kind="drop")),
    ("let it go", Choice(kind="drop")),
    ("drop, not a priority now", Choice(kind="drop", reason="not a priority now")),
    ("I'll just drop it because it is [not] mine", Choice(kind="drop", reason="it is [not] mine")),
    ("drop it (no time)", Choice(kind="drop", reason="no time")),
    ("drop it, dunno", Choice(kind="drop")),
]


@pytest.mark.parametrize(("said", "choice"), READ, ids=[s for s, _ in READ])
def test_a_choice_is_read(said: str, choice: Choice) -> None:
    assert read_choice(said, TODAY) == choice


REFUSED = [
    ("", "not a choice yet"),
    ("not sure", "not a choice yet"),
    ("I don't know", "not a choice yet"),
    ("-", "not a choice yet"),
    ("yes", "did not catch"),
    ("maybe later", "did not catch"),
    ("keeper of the flame", "did not catch"),
    ("don't drop it", "did not catch"),
    ("keep it, blursday", "cannot understand the date 'blursday'"),
    ("keep it, 31 Feb", "not a real date"),
    ("same, 12/12", "cannot understand the date"),
    ("shrink: 3 emails by 30 Feb", "not a real date"),
]


@pytest.mark.parametrize(("said", "message"), REFUSED, ids=[s or "empty" for s, _ in REFUSED])
def test_anything_else_is_refused_with_the_choices(said: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as caught:
        read_choice(said, TODAY)
    if "not a choice" in message or "did not catch" in message:
        assert "keep" in str(caught.value) and "shrink" in str(caught.value) and "drop" in str(caught.value)


def test_a_past_date_is_refused_with_what_was_meant() -> None:
    with pytest.raises(PastDateError) as caught:
        read_choice("keep it, 1 Dec", TODAY)
    assert caught.value.suggestion == date(2027, 12, 1)
    with pytest.raises(PastDateError):
        read_choice("shrink: one email by 2020-01-01", TODAY)


def test_the_follow_up_question_names_what_is_missing() -> None:
    asks = load_words().questions
    assert Choice(kind="keep").question() == asks.keep_due
    assert Choice(kind="shrink", due=FRIDAY).question() == asks.shrink_text
    assert Choice(kind="shrink", text="less").question() == asks.shrink_due
    assert Choice(kind="drop").question() is None
    assert read_choice("keep it, Friday", TODAY).question() is None


def test_the_words_are_data_with_no_stray_keys() -> None:
    words = load_words()
    assert "let it go" in words.drop and "smaller" in words.shrink and "same" in words.keep
    assert all(isinstance(w, str) for w in words.lead_ins)  # a bare `yes` would load as True


# --- the command line -------------------------------------------------------------------------------------


def test_keep_shrink_drop_and_the_list(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(console, "width", 200)  # one line per row, to read the table
    ok(capsys, "profile", "add", "Ana")
    emails = as_json(capsys, "commitment", "add", "Send 10 [outreach] emails", "--due", "tomorrow")
    priya = as_json(capsys, "commitment", "add", "Call Priya")
    garage = as_json(capsys, "commitment", "add", "Tidy the garage", "--due", "today")
    ok(capsys, "commitment", "set-status", str(emails["id"]), "missed", "--note", "flu")

    small = as_json(capsys, "commitment", "shrink", str(emails["id"]), "Send 3 emails", "--due", "in 3 days")
    assert small["replaces_id"] == emails["id"] and small["status"] == "open"
    kept = as_json(capsys, "commitment", "keep", str(garage["id"]), "in 2 weeks")
    assert kept["original_due"] == garage["due"] and kept["status"] == "open"
    out = ok(capsys, "commitment", "drop", str(priya["id"]), "--reason", "not a priority [now]")
    assert "Dropped commitment" in out and "Call Priya" in out

    shown = as_json(capsys, "commitment", "list")
    assert [c["text"] for c in shown] == ["Send 3 emails", "Tidy the garage"]
    table = ok(capsys, "commitment", "list")
    assert f"smaller version of {emails['id']}" in table and "2 dropped not shown" in table
    everything = as_json(capsys, "commitment", "list", "--all")
    assert len(everything) == 4
    dropped = as_json(capsys, "commitment", "list", "--status", "dropped")
    assert {c["drop_reason"] for c in dropped} == {None, "not a priority [now]"}
    assert "not a priority [now]" in ok(capsys, "commitment", "list", "--all")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["keep", "1", "someday"], "cannot understand the date"),
        (["keep", "1", "2020-01-01"], "in the past"),
        (["keep", "999", "friday"], "no commitment with id 999"),
        (["shrink", "1", "less"], "by when?"),
        (["shrink", "1", "less", "--due", "31 Feb"], "not a real date"),
        (["shrink", "1", "", "--due", "friday"], "must not be empty"),
        (["drop", "2"], "is done"),
        (["drop", "x"], "is not an id"),
    ],
)
def test_bad_renegotiation_is_one_line_exit_2_and_changes_nothing(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    ok(capsys, "profile", "add", "Ana")
    ok(capsys, "commitment", "add", "Send 10 emails", "--due", "tomorrow")
    ok(capsys, "commitment", "add", "Done one")
    ok(capsys, "commitment", "set-status", "2", "done")
    before = as_json(capsys, "commitment", "list", "--all")
    code, _, err = coach(capsys, "commitment", *args)
    assert code == 2 and message in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert as_json(capsys, "commitment", "list", "--all") == before


def test_set_status_dropped_goes_through_drop(capsys: pytest.CaptureFixture[str]) -> None:
    ok(capsys, "profile", "add", "Ana")
    emails = as_json(capsys, "commitment", "add", "Send 10 emails", "--due", "tomorrow")
    priya = as_json(capsys, "commitment", "add", "Call Priya")
    booked = as_json(capsys, "commitment", "add", "Book the venue")
    ok(capsys, "commitment", "set-status", str(booked["id"]), "done")
    small = as_json(capsys, "commitment", "shrink", str(emails["id"]), "Send 3 emails", "--due", "in 3 days")

    out = ok(capsys, "commitment", "set-status", str(priya["id"]), "dropped", "--note", "not now [really]")
    assert f"Commitment {priya['id']} is now dropped." in out
    dropped = {c["id"]: c for c in as_json(capsys, "commitment", "list", "--status", "dropped")}
    assert dropped[priya["id"]]["drop_reason"] == "not now [really]"  # the note is drop's reason
    assert dropped[priya["id"]]["obstacle"] is None

    before = as_json(capsys, "commitment", "list", "--all")
    for target, message in [
        (booked["id"], "is done: there is nothing to drop"),
        (emails["id"], f"was replaced by a smaller one ({small['id']}): drop that one instead"),
        (priya["id"], "is already dropped"),
    ]:
        code, _, err = coach(capsys, "commitment", "set-status", str(target), "dropped")
        assert code == 2 and message in err and len(err.strip().splitlines()) == 1, err
    assert as_json(capsys, "commitment", "list", "--all") == before


def test_a_shrunk_away_commitment_cannot_be_reopened_beside_its_smaller_version(
    store: Store, profile_id: int
) -> None:
    original = store.commitments.add(Commitment(profile_id=profile_id, text="Send 10 emails"))
    store.commitments.shrink(original.id or 0, "Send 3 emails", None)
    for status in ("open", "done", "missed"):
        with pytest.raises(InputError, match="made smaller"):
            store.commitments.set_status(original.id or 0, status)
    assert store.commitments.get(original.id or 0).status == "dropped"
