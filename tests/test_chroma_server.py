"""Server mode: a real `chroma run` on 127.0.0.1 started by the test, selected by configuration alone."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from coach.config import load_settings
from coach.models import Goal, Session, Turn
from coach.retrieval.vectors import IndexUnavailable
from coach.services import Coach
from coach.store import Store


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    exe = Path(sys.executable).parent / "chroma"
    data = tmp_path_factory.mktemp("chroma-server")
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
    proc = subprocess.Popen(
        [str(exe), "run", "--path", str(data), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1).read()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("chroma run did not start") from None
                time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def _coach(home: Path, url: str, embedder) -> Coach:  # type: ignore[no-untyped-def]
    os.environ["COACH_HOME"] = str(home)
    os.environ["COACH_CHROMA_URL"] = url
    try:
        settings = load_settings()
    finally:
        del os.environ["COACH_CHROMA_URL"]
    return Coach(Store.open(home), settings, embedder)


def test_search_through_a_chroma_server(chroma_server: str, tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    ana_home, ben_home = tmp_path / "ana", tmp_path / "ben"
    ana = _coach(ana_home, chroma_server, embedder)
    ben = _coach(ben_home, chroma_server, embedder)
    try:
        pid = ana.store.profiles.add("Ana").id or 0
        ben_pid = ben.store.profiles.add("Ana").id or 0  # same name and id, another data home
        day = datetime(2026, 11, 7, tzinfo=UTC)
        sid = ana.store.sessions.start(
            Session(
                profile_id=pid,
                kind="reflection",
                started_at=day,
                ended_at=day,
                framework="free",
                turns=[
                    Turn(role="user", stage="entry", text="Promised the Heron report to Dagny by Friday.")
                ],
            )
        ).id
        ben.store.sessions.start(
            Session(
                profile_id=ben_pid,
                kind="reflection",
                started_at=day,
                ended_at=day,
                framework="free",
                turns=[
                    Turn(role="user", stage="entry", text="Secret Heron plans for Dagny's surprise party.")
                ],
            )
        )
        hits = ana.search("Heron report for Dagny", kind="history", k=5)
        assert [h.id for h in hits] == [f"session:{sid}"]
        assert "Promised" in hits[0].text
        assert ana.search("hot seat", kind="knowledge", k=1)[0].kind == "knowledge"
        assert all("Secret" not in h.text for h in ana.search("surprise party", kind="history", k=5))
        names = {c.name for c in ana.index.client.list_collections()}
        assert ana.index.collection_name("history", pid) in names
        assert ana.index.collection_name("history", pid) != ben.index.collection_name("history", ben_pid)
        assert not ana.index.check().any
        assert not (ana_home / "index").exists()  # nothing embedded on disk in server mode
    finally:
        ana.close()
        ben.close()


def test_server_down_is_a_clear_error_and_the_store_still_works(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    coach = _coach(tmp_path / "home", f"http://127.0.0.1:{_free_port()}", embedder)
    try:
        pid = coach.store.profiles.add("Ana").id or 0
        with pytest.raises(IndexUnavailable, match=r"cannot be reached.*records are safe"):
            coach.search("anything")
        assert coach.store.goals.add(Goal(profile_id=pid, title="still saved")).id
    finally:
        coach.close()
