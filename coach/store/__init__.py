"""The store of record: one SQLite file under the data home, behind typed repositories."""

from __future__ import annotations

from pathlib import Path
from types import TracebackType

from coach.errors import InputError, NotFoundError
from coach.lock import HomeLock
from coach.models import Profile
from coach.paths import data_home, ensure_home
from coach.store.commitments import Commitments
from coach.store.db import DB_NAME, Database
from coach.store.feed import Feed
from coach.store.goals import Goals
from coach.store.meetings import Meetings
from coach.store.profiles import Profiles
from coach.store.sessions import Sessions

__all__ = ["Store"]


class Store:
    """Open with Store.open(); a writer holds the data home's lock until close()."""

    def __init__(self, home: Path, *, readonly: bool = False) -> None:
        self.home = ensure_home(home)
        self.lock = HomeLock(self.home)
        db_path = self.home / DB_NAME
        readonly = readonly and db_path.exists()
        if not readonly:
            self.lock.acquire()
        try:
            self.db = Database(db_path, readonly=readonly)
            self.db.migrate()
        except BaseException:
            self.lock.release()
            raise
        self.readonly = readonly
        self.profiles = Profiles(self.db)
        self.goals = Goals(self.db)
        self.commitments = Commitments(self.db)
        self.sessions = Sessions(self.db)
        self.meetings = Meetings(self.db)
        self.feed = Feed(self.db)

    @classmethod
    def open(cls, home: Path | None = None, *, readonly: bool = False) -> Store:
        return cls(home or data_home(), readonly=readonly)

    def active_profile(self, name: str | None = None) -> Profile:
        """The named profile, else the only one; a clear error when there is none or the choice is open."""
        if name:
            return self.profiles.by_name(name)
        profiles = self.profiles.list()
        if len(profiles) == 1:
            return profiles[0]
        if not profiles:
            raise NotFoundError("no profile yet: create one with 'coach profile add NAME'")
        raise InputError("there are several profiles: choose one with 'coach profile use NAME' or --profile")

    def close(self) -> None:
        self.db.close()
        self.lock.release()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object | TracebackType) -> None:
        self.close()
