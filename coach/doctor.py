"""Health checks of an installation and its data home; the CLI and the TUI both show them."""

from __future__ import annotations

import importlib.util
import sqlite3
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

from coach import bundled
from coach.errors import CoachError
from coach.lock import HomeLock
from coach.paths import DIR_MODE, FILE_MODE, bundled_dir, data_home
from coach.store.db import DB_NAME, Database, migrations

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
        *_files(home),
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
    mode = home.stat().st_mode & 0o777
    if mode != DIR_MODE:
        return Check("data home", "warn", f"{home} is {oct(mode)}, expected 0o700 (chmod 700 it)")
    return Check("data home", "ok", f"{home} (0o700)")


def _files(home: Path) -> list[Check]:
    if not home.exists():
        return []
    loose = [p.name for p in home.iterdir() if p.is_file() and p.stat().st_mode & 0o777 != FILE_MODE]
    if loose:
        return [Check("file permissions", "warn", f"not 0o600: {', '.join(sorted(loose))}")]
    return [Check("file permissions", "ok", "every file is 0o600")]


def _schema(home: Path) -> Check:
    path = home / DB_NAME
    latest = migrations()[-1].version
    if not path.exists():
        return Check("database", "ok", f"not created yet (schema v{latest} on first use)")
    try:
        db = Database(path, readonly=True)
        try:
            version = db.version
            ok = db.query("PRAGMA quick_check")[0][0]
        finally:
            db.close()
    except (sqlite3.Error, CoachError) as exc:
        return Check("database", "fail", f"{path}: {exc}")
    if ok != "ok":
        return Check("database", "fail", f"integrity check: {ok}")
    if version > latest:
        return Check("database", "fail", f"schema v{version} is newer than this coach (v{latest})")
    if version < latest:
        return Check("database", "warn", f"schema v{version}; v{latest} is applied on next write")
    return Check("database", "ok", f"schema v{version} (current), integrity ok")


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
