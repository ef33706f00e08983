"""One writing process per data home: an advisory lock that names its holder (pid, host, start time)."""

from __future__ import annotations

import fcntl
import json
import os
import socket
import time
from pathlib import Path

from coach.errors import LockedError
from coach.paths import FILE_MODE

LOCK_NAME = "coach.lock"


class HomeLock:
    """flock on <home>/coach.lock; the kernel frees it when the holder dies, so no stale locks."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.path = home / LOCK_NAME
        self._fd: int | None = None

    def acquire(self) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, FILE_MODE)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise LockedError(self._held_message()) from None
        os.ftruncate(fd, 0)
        # never the command line: its arguments are the person's words, and other processes print this
        holder = {"pid": os.getpid(), "host": socket.gethostname(), "since": time.time()}
        os.write(fd, json.dumps(holder).encode())
        self._fd = fd

    def _held_message(self) -> str:
        try:
            holder = json.loads(self.path.read_text(encoding="utf-8") or "{}")
        except (OSError, ValueError):
            holder = {}
        if not isinstance(holder, dict):
            holder = {}
        # only the fields we write, and only if they look right: an older coach also wrote its command line
        pid, host, since = holder.get("pid"), holder.get("host"), holder.get("since")
        who = f"pid {pid}" if isinstance(pid, int) else "pid ?"
        if isinstance(host, str) and host.isprintable() and 0 < len(host) <= 255:
            who += f" on {host}"
        if isinstance(since, int | float) and 0 < since < 2**40:
            who += f", since {time.strftime('%Y-%m-%d %H:%M:%S', time.localtime(since))}"
        return (
            f"another coach process ({who}) is using {self.home}; close it first, "
            "or set COACH_HOME to use another data folder"
        )

    def release(self) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)  # a free lock names no one
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    @property
    def held(self) -> bool:
        return self._fd is not None
