"""Fails when requirements.lock no longer satisfies pyproject.toml: run `make lock` and commit both.

Runs before anything is installed (`make setup`), so it needs only the standard library and the
`packaging` that pip vendors. Checks every dependency and every extra's: each must be pinned in the lock
(`name==version` with hashes) at a version its specifier allows, with the extras it names locked too.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

try:
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name
    from packaging.version import Version
except ImportError:  # a fresh venv has pip, and pip carries packaging
    from pip._vendor.packaging.requirements import Requirement  # type: ignore[no-redef]
    from pip._vendor.packaging.utils import canonicalize_name  # type: ignore[no-redef]
    from pip._vendor.packaging.version import Version  # type: ignore[no-redef]

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==(\S+)")
ENVIRONMENT = {"python_version": "3.11", "python_full_version": "3.11.0", "sys_platform": "linux"}


def pins(lock_text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for line in lock_text.splitlines():
        match = PIN.match(line)
        if match:
            found[canonicalize_name(match.group(1))] = match.group(2)
    return found


def problems(pyproject_text: str, lock_text: str) -> list[str]:
    """Every way the lock falls short of pyproject.toml, one line each (empty when they agree)."""
    project = tomllib.loads(pyproject_text)["project"]
    wanted = list(project.get("dependencies", []))
    for extra in project.get("optional-dependencies", {}).values():
        wanted.extend(extra)
    locked = pins(lock_text)
    unhashed = [n for n in locked if not re.search(rf"(?im)^{re.escape(n)}==\S+ \\\n\s+--hash=", lock_text)]
    found: list[str] = []
    for text in wanted:
        req = Requirement(text)
        if req.marker is not None and not req.marker.evaluate(ENVIRONMENT):
            continue
        name = canonicalize_name(req.name)
        if name not in locked:
            found.append(f"{req.name} is required but not in the lock")
        elif not req.specifier.contains(Version(locked[name]), prereleases=True):
            found.append(f"{req.name}=={locked[name]} in the lock does not satisfy '{text}'")
    found += [f"{name} has no hash in the lock" for name in unhashed if name in locked]
    return found


def main() -> int:
    lock = ROOT / "requirements.lock"
    if not lock.is_file():
        print("lockcheck: requirements.lock is missing: run `make lock`")
        return 1
    found = problems((ROOT / "pyproject.toml").read_text("utf-8"), lock.read_text("utf-8"))
    for line in found:
        print(f"lockcheck: {line}")
    if found:
        print(
            "lockcheck: the lock is stale: run `make lock` and commit pyproject.toml with requirements.lock"
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
