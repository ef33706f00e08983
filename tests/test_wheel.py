"""The installed wheel: a working `coach` command that finds its data, and no generic top-level names."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    return next(out.glob("coach-*.whl"))


def test_wheel_claims_only_its_own_names(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    top = {n.split("/")[0] for n in names}
    assert top == {"coach", "coach_tui", next(t for t in top if t.endswith(".dist-info"))}
    assert "coach/_bundled/prompts/README.md" in names
    assert sum(n.startswith("coach/_bundled/knowledge/") and n.endswith(".md") for n in names) >= 40
    assert "coach/migrations/0001_initial.sql" in names
    assert "coach_tui/app.py" in names
    assert not any(n.startswith("tests/") for n in names)


def test_installed_wheel_runs_from_anywhere(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = Path(
        subprocess.run(
            [str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site), str(wheel)],
        check=True,
        capture_output=True,
    )
    # the dependencies come from the development environment, appended after the wheel's own files
    (site / "zz_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    py = str(venv / "bin" / "python")
    env = {**os.environ, "COACH_HOME": str(tmp_path / "home")}
    run = lambda *a: subprocess.run(  # noqa: E731
        [py, "-m", "coach", *a],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    where = subprocess.run(
        [py, "-c", "import coach, coach_tui; print(coach.__file__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert where.startswith(str(site))
    assert run("profile", "add", "Ana").returncode == 0
    checks = {c["name"]: c for c in json.loads(run("doctor", "--json").stdout)}
    assert checks["knowledge"]["level"] == "ok" and str(site) in checks["knowledge"]["detail"]
    assert checks["prompts"]["level"] == "ok" and str(site) in checks["prompts"]["detail"]
    assert checks["database"]["level"] == "ok"
    for generic in ("tui", "prompts", "knowledge"):
        probe = subprocess.run([py, "-c", f"import {generic}"], cwd=tmp_path, capture_output=True)
        assert probe.returncode != 0, f"the wheel makes '{generic}' importable"
