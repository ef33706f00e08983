"""Health checks of an installation and its data home; the CLI and the TUI both show them."""

from __future__ import annotations

import importlib.util
import os
import sqlite3
import stat
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

from coach import bundled
from coach.errors import CoachError
from coach.lock import HomeLock
from coach.paths import bundled_dir, data_home
from coach.store.db import DB_NAME, CipherError, Database, migrations

Level = Literal["ok", "warn", "fail"]


@dataclass
class Check:
    name: str
    level: Level
    detail: str

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


def run_checks(home: Path | None = None) -> list[Check]:
    home = home or data_home()
    return [
        _home(home),
        _permissions(home),
        _settings(),
        _schema(home),
        _lock(home),
        _bundled("prompts", "*"),
        _bundled("knowledge", "*.md"),
        _embedding(),
        _package("sentence_transformers", "sentence-transformers"),
        _package("chromadb", "chromadb"),
        _fts5(),
        _chat_model(),
        _provider(),
    ]


def _home(home: Path) -> Check:
    if not home.exists():
        return Check("data home", "ok", f"{home} (created on first use)")
    return Check("data home", "ok", str(home))


SHOWN = 10
"""Paths named in the permissions check's detail (with a count of the rest); --fix takes them all."""


def loose_paths(home: Path) -> list[Path]:
    """Every folder and file in the data home (itself included) its group or others may use.

    The whole tree is walked, not a list of known files: chromadb, backups and exports add their own.
    Symbolic links are not followed (their own mode means nothing).
    """
    if not home.exists():
        return []
    found: list[Path] = []
    for root, dirs, files in os.walk(home):
        here = Path(root)
        if here == home and _loose(here):
            found.append(here)
        found.extend(here / n for n in sorted(dirs) + sorted(files) if _loose(here / n))
    return found


def _loose(path: Path) -> bool:
    try:
        mode = path.lstat().st_mode
    except OSError:
        return False
    return not stat.S_ISLNK(mode) and bool(mode & 0o077)


def _permissions(home: Path) -> Check:
    loose = loose_paths(home)
    if not loose:
        return Check("permissions", "ok", "nothing in the data home is open to group or others")
    names = [_relative(p, home) for p in loose]
    more = f" and {len(names) - SHOWN} more" if len(names) > SHOWN else ""
    return Check(
        "permissions",
        "fail",
        f"{len(names)} open to group or others: {', '.join(names[:SHOWN])}{more}; "
        f"fix with: coach doctor --fix (or chmod -R go-rwx {home})",
    )


def _relative(path: Path, home: Path) -> str:
    return f"{oct(path.lstat().st_mode & 0o777)} {path if path == home else path.relative_to(home)}"


def fix_permissions(home: Path | None = None) -> tuple[list[Path], list[str]]:
    """Take group and other access away from every loose path: (fixed, problems that stayed)."""
    home = home or data_home()
    fixed: list[Path] = []
    failed: list[str] = []
    for path in loose_paths(home):
        try:
            path.chmod(path.lstat().st_mode & 0o700)
            fixed.append(path)
        except OSError as exc:
            failed.append(f"{path}: {exc.strerror}")
    return fixed, failed


def _settings() -> Check:
    from coach.config import problems

    try:
        found = problems()
    except CoachError as exc:
        return Check("settings", "fail", str(exc))
    if found:
        return Check("settings", "warn", f"ignored, defaults used: {'; '.join(found)}")
    return Check("settings", "ok", "every setting is valid")


def _schema(home: Path) -> Check:
    path = home / DB_NAME
    latest = migrations()[-1].version
    if not path.exists():
        return Check("database", "ok", f"not created yet (schema v{latest} on first use)")
    try:
        from coach.store import home_keys

        db = Database(path, readonly=True, keys=home_keys(home, finish=False))  # asks for a passphrase
        try:
            version = db.version
            ok = db.query("PRAGMA quick_check")[0][0]
        finally:
            db.close()
    except (sqlite3.Error, CoachError, CipherError) as exc:
        return Check("database", "fail", f"{path}: {exc}")
    if ok != "ok":
        return Check("database", "fail", f"integrity check: {ok}")
    if version > latest:
        return Check("database", "fail", f"schema v{version} is newer than this coach (v{latest})")
    if version < latest:
        return Check("database", "warn", f"schema v{version}; v{latest} is applied on next write")
    sealed = ", encrypted (SQLCipher)" if db.encrypted else ""
    return Check("database", "ok", f"schema v{version} (current), integrity ok{sealed}")


def _lock(home: Path) -> Check:
    if not home.exists():
        return Check("lock", "ok", "free")
    lock = HomeLock(home)
    try:
        lock.acquire()
    except CoachError as exc:
        return Check("lock", "warn", str(exc))
    lock.release()
    return Check("lock", "ok", "free: no other coach process is using this data home")


def _bundled(name: str, pattern: str) -> Check:
    try:
        folder = bundled_dir(name)
    except FileNotFoundError as exc:
        return Check(name, "fail", str(exc))
    count = sum(1 for _ in folder.rglob(pattern))
    return Check(name, "ok" if count else "warn", f"{count} files in {folder}")


def _embedding() -> Check:
    try:
        folder = bundled.embedding_model_dir()
    except CoachError as exc:
        return Check("embedding model", "fail", str(exc))
    return Check("embedding model", "ok", f"all-MiniLM-L6-v2 at {folder}")


def _package(module: str, dist: str) -> Check:
    if importlib.util.find_spec(module) is None:
        return Check(dist, "fail", f"not installed: pip install {dist}")
    return Check(dist, "ok", "installed")


def _fts5() -> Check:
    conn = sqlite3.connect(":memory:")
    try:
        conn.execute("CREATE VIRTUAL TABLE t USING fts5(x)")
    except sqlite3.Error:
        return Check("sqlite fts5", "fail", f"SQLite {sqlite3.sqlite_version} lacks FTS5")
    finally:
        conn.close()
    return Check("sqlite fts5", "ok", f"SQLite {sqlite3.sqlite_version}")


def _chat_model() -> Check:
    try:
        path = bundled.chat_model_file()
    except CoachError as exc:
        return Check("local chat model", "ok", f"optional, not installed ({exc})")
    if importlib.util.find_spec("llama_cpp") is None:
        return Check("local chat model", "warn", f"SmolLM2 at {path}, but llama-cpp-python is missing")
    return Check("local chat model", "ok", f"SmolLM2 at {path}")


def _provider() -> Check:
    """The configured provider and whether local_only lets it run; no model is called here."""
    from coach.config import load_settings
    from coach.llm.providers import guard_privacy, provider_summary

    try:
        settings = load_settings()
        guard_privacy(settings)
    except CoachError as exc:
        return Check("language model", "warn", str(exc))
    tracing = "tracing off" if not settings.llm_tracing else "tracing allowed by config"
    local = "local_only on" if settings.local_only else "local_only OFF"
    return Check("language model", "ok", f"{provider_summary(settings)}; {local}; {tracing}")
