"""Which records the index holds, and the chunks each one should have now."""

from __future__ import annotations

from coach.errors import NotFoundError
from coach.models import Session
from coach.retrieval.chunks import Chunk, commitment_chunks, goal_chunks, meeting_chunks, session_chunks
from coach.store import Store


def record_chunks(store: Store, source: str) -> list[Chunk]:
    """The chunks a record ("entity:id") should have now; none when it no longer exists."""
    entity, _, raw_id = source.partition(":")
    try:
        rid = int(raw_id)
        if entity == "session":
            return session_chunks(store.sessions.get(rid))
        if entity == "goal":
            return goal_chunks(store.goals.get(rid))
        if entity == "commitment":
            item = store.commitments.get(rid)
            job = _job_of(store, item.made_in_session_id)
            after = store.commitments.replacement(rid) if item.status == "dropped" else None
            return commitment_chunks(
                item,
                job,
                _job_of(store, item.reviewed_in_session_id) or job,
                replaces=_text_of(store, item.replaces_id),
                replaced_by=after.text if after else None,
            )
        if entity == "meeting":
            return meeting_chunks(store.meetings.get(rid), prep_of(store, rid))
    except NotFoundError:
        return []
    return []


def all_sources(store: Store) -> dict[str, int]:
    """Every indexed record as "entity:id", with its profile."""
    out: dict[str, int] = {}
    for table, entity in (
        ("sessions", "session"),
        ("goals", "goal"),
        ("commitments", "commitment"),
        ("meetings", "meeting"),
    ):
        for row in store.db.query(f"SELECT id, profile_id FROM {table} ORDER BY id"):
            out[f"{entity}:{row[0]}"] = int(row[1])
    return out


def _text_of(store: Store, commitment_id: int | None) -> str | None:
    """A commitment's text, or None (looked up without raising, so one gone never loses the chunk)."""
    if not commitment_id:
        return None
    row = store.db.one("SELECT text FROM commitments WHERE id = ?", (commitment_id,))
    return str(row["text"]) if row else None


def _job_of(store: Store, session_id: int | None) -> str | None:
    if session_id is None:
        return None
    row = store.db.one("SELECT kind FROM sessions WHERE id = ?", (session_id,))
    return str(row["kind"]) if row else None


def prep_of(store: Store, meeting_id: int) -> Session | None:
    """The meeting prep that wrote a meeting's brief (its flow says which parts are private)."""
    row = store.db.one(
        "SELECT id FROM sessions WHERE meeting_id = ? AND kind = 'meeting-prep' ORDER BY id DESC LIMIT 1",
        (meeting_id,),
    )
    return store.sessions.get(int(row["id"]), with_turns=False) if row else None
