"""Where the data home and the bundled prompts and knowledge live."""

from __future__ import annotations

import os
from pathlib import Path

HOME_ENV = "COACH_HOME"
DIR_MODE = 0o700
FILE_MODE = 0o600
PRIVATE_UMASK = 0o077


def data_home() -> Path:
    """The data home: $COACH_HOME if set, else the platform's user data folder. Read on each call."""
    override = os.environ.get(HOME_ENV, "").strip()
    if override:
        return Path(override).expanduser().absolute()
    import platformdirs

    return Path(platformdirs.user_data_dir("coach", appauthor=False))


def private_umask() -> None:
    """From now on this process creates files 0600 and folders 0700 (a stricter umask is kept).

    chromadb, hnswlib and SQLite create what they write with the process umask (often 644/755), and
    chromadb writes from threads of its own, so the umask is set once for the process, not around calls.
    """
    os.umask(os.umask(PRIVATE_UMASK) | PRIVATE_UMASK)


def ensure_home(home: Path) -> Path:
    """Create the data home (0700) if missing; tighten it to 0700 if we own it and it is looser.

    Opening the home also sets the private umask, so whatever is created under it is the owner's alone.
    """
    private_umask()
    home.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    try:
        if home.stat().st_mode & 0o777 != DIR_MODE and home.stat().st_uid == os.getuid():
            home.chmod(DIR_MODE)
    except OSError:
        pass
    return home


def private_file(path: Path) -> Path:
    """Create an empty file readable only by its owner, or tighten an existing one to 0600."""
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, FILE_MODE)
        os.close(fd)
    if path.stat().st_mode & 0o777 != FILE_MODE:
        path.chmod(FILE_MODE)
    return path


def write_private(path: Path, data: str) -> None:
    """Write text atomically (temp file, fsync, rename) with mode 0600, so a kill mid-save loses nothing."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, FILE_MODE)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def writable_out(path: Path, *, force: bool = False) -> Path:
    """A file the person asked a command to write: never inside the data home, never over an existing
    file unless forced, never a folder or in a missing one. Raises InputError saying which."""
    from coach.errors import InputError

    target = path.expanduser().absolute()
    home = data_home().resolve()
    resolved = target.resolve()
    if resolved == home or home in resolved.parents:
        raise InputError(f"{path} is inside the data home ({home}); write it somewhere else")
    if target.is_dir():
        raise InputError(f"{path} is a folder; give a file name")
    if not target.parent.is_dir():
        raise InputError(f"the folder {target.parent} does not exist")
    if target.exists() and not force:
        raise InputError(f"{path} already exists; add --force to replace it")
    return target


def bundled_dir(name: str) -> Path:
    """A bundled data folder (prompts, knowledge): inside the installed package, or at the repo root."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_bundled" / name, here.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"the bundled '{name}' folder is missing from this installation ({here})")
