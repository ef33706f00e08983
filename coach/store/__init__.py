"""The store of record: one SQLite file under the data home, behind typed repositories.

Opening it takes the lock, connects and migrates, and nothing more: the repositories (and pydantic, which
their records need) load on first use, so the app can paint its home from plain rows before they do.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from coach.crypto import HEADER_NAME, PENDING_NAME, STAGING
from coach.errors import LockedError, StoreError
from coach.lock import HomeLock
from coach.paths import data_home, ensure_home
from coach.store.db import DB_NAME, Database
from coach.store.summary import profile_row

if TYPE_CHECKING:
    from coach.crypto.header import Keys
    from coach.models import Profile
    from coach.store.commitments import Commitments
    from coach.store.feed import Feed
    from coach.store.goals import Goals
    from coach.store.meetings import Meetings
    from coach.store.profiles import Profiles
    from coach.store.sessions import Sessions

__all__ = ["Store", "home_keys"]


def home_keys(home: Path, *, finish: bool = True) -> Keys | None:
    """None for a plain home; an encrypted one's keys (asked for as coach.crypto.keys says). First an
    interrupted `coach encrypt`, `decrypt` or passphrase change is finished or undone: a writer (finish)
    holds the lock already, a reader takes it for that moment unless a conversion is running now."""
    if (home / STAGING).exists():
        from coach.crypto.convert import finish_interrupted

        _locked(home, finish, lambda: finish_interrupted(home))
    if not (home / HEADER_NAME).is_file():
        return None
    from coach.crypto.keys import key_for

    keys = key_for(home)
    if (home / PENDING_NAME).exists():
        from coach.crypto.rekey import finish as finish_rekey

        found = keys
        _locked(home, finish, lambda: finish_rekey(home, found, lambda k: _opens(home / DB_NAME, k)))
        keys = key_for(home)  # the rekey's finish left the keys that open the store
    if finish:
        from coach.crypto.sealed import seal_plain_notes

        seal_plain_notes(home, keys.files)  # a note dropped in since: sealed before anything reads it
    return keys


def _locked(home: Path, held: bool, work: Callable[[], object]) -> None:
    if held:
        work()
        return
    lock = HomeLock(home)
    try:
        lock.acquire()
    except LockedError:
        raise StoreError(
            f"{home} is being encrypted, decrypted or re-keyed; try again when that is done"
        ) from None
    try:
        work()
    finally:
        lock.release()


def _opens(path: Path, keys: Keys) -> bool:
    from coach.store.db import connect

    try:
        connect(path, readonly=True, keys=keys).close()
    except StoreError:
        return False
    return True


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
            keys = home_keys(self.home, finish=not readonly)
            self.db = Database(db_path, readonly=readonly, keys=keys)
            self.db.migrate()
        except BaseException:
            self.lock.release()
            raise
        self.readonly = readonly
        self.encrypted = keys is not None

    @cached_property
    def profiles(self) -> Profiles:
        from coach.store.profiles import Profiles

        return Profiles(self.db)

    @cached_property
    def goals(self) -> Goals:
        from coach.store.goals import Goals

        return Goals(self.db)

    @cached_property
    def commitments(self) -> Commitments:
        from coach.store.commitments import Commitments

        return Commitments(self.db)

    @cached_property
    def sessions(self) -> Sessions:
        from coach.store.sessions import Sessions

        return Sessions(self.db)

    @cached_property
    def meetings(self) -> Meetings:
        from coach.store.meetings import Meetings

        return Meetings(self.db)

    @cached_property
    def feed(self) -> Feed:
        from coach.store.feed import Feed

        return Feed(self.db)

    @classmethod
    def open(cls, home: Path | None = None, *, readonly: bool = False) -> Store:
        return cls(home or data_home(), readonly=readonly)

    def active_profile(self, name: str | None = None) -> Profile:
        """The named profile, else the only one; a clear error when there is none or the choice is open."""
        from coach.models import Profile
        from coach.store.rows import from_row

        return from_row(Profile, profile_row(self.db, name))

    def close(self) -> None:
        self.db.close()
        self.lock.release()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object | TracebackType) -> None:
        self.close()
