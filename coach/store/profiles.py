"""Profiles: who is using the coach, as a member or as a mentor."""

from __future__ import annotations

from coach.errors import InputError, NotFoundError
from coach.models import Profile
from coach.store.db import Database, now
from coach.store.rows import from_row, insert
from coach.store.summary import named_profile_row


class Profiles:
    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, name: str, role: str = "member") -> Profile:
        profile = Profile.model_validate({"name": name, "role": role})
        with self.db.tx() as conn:
            if conn.execute("SELECT 1 FROM profiles WHERE name = ?", (profile.name,)).fetchone():
                raise InputError(f"a profile named '{profile.name}' already exists")
            created = now()
            pid = insert(
                conn, "profiles", {"name": profile.name, "role": profile.role, "created_at": created}
            )
        return self.get(pid)

    def get(self, profile_id: int) -> Profile:
        row = self.db.one("SELECT * FROM profiles WHERE id = ?", (profile_id,))
        if row is None:
            raise NotFoundError(f"no profile with id {profile_id}")
        return from_row(Profile, row)

    def by_name(self, name: str) -> Profile:
        return from_row(Profile, named_profile_row(self.db, name))

    def list(self) -> list[Profile]:
        return [from_row(Profile, r) for r in self.db.query("SELECT * FROM profiles ORDER BY id")]
