"""The encrypted home from the shell: wrong passphrase, damaged key file, kill -9 while converting,
passphrase change, the recovery key, the keyring's absence, backups and restore."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from coach.crypto import header_path
from coach.crypto.keys import forget_in_process
from coach.drafts import Draft
from coach.store import Store
from tests.test_cli import coach, ok

PASS, NEW, OTHER = "a long correct passphrase", "another passphrase now", "the wrong one entirely"
SECRET = "Marrowfield sabbatical"


@pytest.fixture(autouse=True)
def keys_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("COACH_SCRYPT_LOG_N", "12")
    yield
    forget_in_process()


def use(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, passphrase: str, env: str = "COACH_PASSPHRASE_FILE"
) -> Path:
    path = tmp_path / f"{env}-{abs(hash(passphrase))}"
    path.write_text(passphrase + "\n", encoding="utf-8")
    monkeypatch.setenv(env, str(path))
    return path


def plain_home_with_records(home: Path) -> None:
    with Store.open(home) as store:
        ana = store.profiles.add("Ana")
        from coach.models import Goal

        store.goals.add(Goal(profile_id=ana.id or 0, title=f"Plan the {SECRET}"))
    Draft(home, "Ana", "gibbs").save(f"draft about the {SECRET}")
    notes = home / "knowledge" / "shared"
    notes.mkdir(parents=True)
    (notes / "mine.md").write_text(f"# Mine\n\nOn the {SECRET}.\n", encoding="utf-8")


def encrypted_home(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> str:
    use(monkeypatch, tmp_path, PASS)
    out = ok(capsys, "init", "--encrypt")
    ok(capsys, "profile", "add", "Ana")
    forget_in_process()
    return out.split("\n\n    ")[1].split()[0]  # the recovery key, as shown


def test_wrong_passphrase_waits_says_so_and_changes_nothing(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, home: Path
) -> None:
    encrypted_home(capsys, monkeypatch, tmp_path)
    before = {p: p.read_bytes() for p in home.rglob("*") if p.is_file() and p.name != "coach.lock"}
    use(monkeypatch, tmp_path, OTHER)
    start = time.perf_counter()
    code, _, err = coach(capsys, "profile", "list")
    assert code == 2 and "that passphrase does not open this data home" in err
    assert time.perf_counter() - start >= 1.0
    after = {p: p.read_bytes() for p in home.rglob("*") if p.is_file() and p.name != "coach.lock"}
    assert after == before
    use(monkeypatch, tmp_path, PASS)
    assert "Ana" in ok(capsys, "profile", "list")


def test_no_terminal_and_no_passphrase_file_is_a_clear_refusal(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    encrypted_home(capsys, monkeypatch, tmp_path)
    monkeypatch.delenv("COACH_PASSPHRASE_FILE")
    code, _, err = coach(capsys, "profile", "list")
    assert code == 2 and "encrypted" in err and "COACH_PASSPHRASE_FILE" in err


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage"])
def test_a_damaged_key_file_is_named_and_left_alone(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    home: Path,
    damage: str,
) -> None:
    encrypted_home(capsys, monkeypatch, tmp_path)
    path = header_path(home)
    text = path.read_text()
    bad = {
        "truncate": text[: len(text) // 2],
        "flip": text.replace('"ct": "', '"ct": "00', 1),
        "garbage": "\x00\x01not json",
    }[damage]
    path.write_text(bad)
    db_before = (home / "coach.db").read_bytes()
    code, _, err = coach(capsys, "profile", "list")
    assert code == 2 and "key file" in err and "damaged" in err and "nothing was changed" in err
    assert path.read_text() == bad and (home / "coach.db").read_bytes() == db_before
    path.write_text(text)  # a good copy put back: all is well
    assert "Ana" in ok(capsys, "profile", "list")


def test_passphrase_change_rekeys_the_store(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, home: Path
) -> None:
    encrypted_home(capsys, monkeypatch, tmp_path)
    old_key_file = header_path(home).read_text()
    page = (home / "coach.db").read_bytes()[:4096]
    use(monkeypatch, tmp_path, NEW, "COACH_NEW_PASSPHRASE_FILE")
    assert "re-keyed" in ok(capsys, "passphrase")
    forget_in_process()
    assert (home / "coach.db").read_bytes()[:4096] != page
    code, _, err = coach(capsys, "profile", "list")
    assert code == 2 and "does not open" in err
    # an old copy of the key file and the old passphrase no longer open the store
    (tmp_path / "old").mkdir()
    header_path(tmp_path / "old").write_text(old_key_file)
    from coach.crypto import header as hdr
    from coach.errors import StoreError
    from coach.store.db import connect

    old_keys = hdr.read(header_path(tmp_path / "old")).open(PASS)
    with pytest.raises(StoreError):
        connect(home / "coach.db", readonly=True, keys=old_keys)
    use(monkeypatch, tmp_path, NEW)
    assert "Ana" in ok(capsys, "profile", "list")


def test_the_recovery_key_opens_and_sets_a_new_passphrase(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    recovery = encrypted_home(capsys, monkeypatch, tmp_path)
    assert len(recovery) == 39 and recovery.count("-") == 7
    use(monkeypatch, tmp_path, "WRONG-KEY1-AAAA", "COACH_RECOVERY_KEY_FILE")
    code, _, err = coach(capsys, "unlock", "--recovery")
    assert code == 2 and "recovery key" in err
    use(monkeypatch, tmp_path, recovery.lower().replace("-", " "), "COACH_RECOVERY_KEY_FILE")
    use(monkeypatch, tmp_path, NEW, "COACH_NEW_PASSPHRASE_FILE")
    assert "new passphrase" in ok(capsys, "unlock", "--recovery")
    forget_in_process()
    use(monkeypatch, tmp_path, NEW)
    assert "Ana" in ok(capsys, "profile", "list")
    forget_in_process()
    use(monkeypatch, tmp_path, "yet another passphrase", "COACH_NEW_PASSPHRASE_FILE")
    assert "new passphrase" in ok(capsys, "unlock", "--recovery")  # the recovery key still works


def test_remembering_without_a_keyring_says_so(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, home: Path
) -> None:
    encrypted_home(capsys, monkeypatch, tmp_path)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    code, out, err = coach(capsys, "unlock", "--remember")
    assert code == 2 and "no keyring is available" in err and "keyring" in out  # what it means, first
    assert '"remembered": false' in header_path(home).read_text()


def test_backup_of_an_encrypted_home_restores_into_a_new_encrypted_home(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, home: Path
) -> None:
    encrypted_home(capsys, monkeypatch, tmp_path)
    ok(capsys, "goal", "add", f"Plan the {SECRET}")
    target = tmp_path / "usb" / "coach.db"
    target.parent.mkdir()
    ok(capsys, "backup", str(target))
    assert SECRET.encode() not in target.read_bytes() and target.with_name("coach.db.keys").is_file()
    # after a passphrase change the backup still opens: its key file and the passphrase of that day
    use(monkeypatch, tmp_path, NEW, "COACH_NEW_PASSPHRASE_FILE")
    ok(capsys, "passphrase")
    fresh = tmp_path / "fresh"
    monkeypatch.setenv("COACH_HOME", str(fresh))
    ok(capsys, "init", "--encrypt")  # COACH_NEW_PASSPHRASE_FILE: the new home's passphrase
    use(monkeypatch, tmp_path, PASS)  # the backup's
    forget_in_process(home)
    monkeypatch.setattr("coach.cli.transfer_cmd.Coach", None, raising=False)
    code, _out, err = coach(capsys, "restore", str(target))
    assert code == 0, err
    use(monkeypatch, tmp_path, NEW)
    forget_in_process()
    assert SECRET in ok(capsys, "goal", "list")


CLI = [sys.executable, "-m", "coach"]


@pytest.mark.parametrize("point", ["staging", "copied", "staged", "committed", "swapped"])
def test_kill_9_while_encrypting_leaves_a_usable_home(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, point: str
) -> None:
    plain_home_with_records(home)
    secret = use(monkeypatch, tmp_path, PASS)
    env = {**os.environ, "COACH_HOME": str(home), "COACH_PASSPHRASE_FILE": str(secret), "HF_HUB_OFFLINE": "1"}
    killed = subprocess.run(
        [*CLI, "encrypt"],
        env={**env, "COACH_TEST_KILL_AT": point},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert killed.returncode == -9, killed.stderr
    assert (home / ".coach-convert").exists() or point == "swapped"
    listed = subprocess.run([*CLI, "goal", "list"], env=env, capture_output=True, text=True, timeout=120)
    assert listed.returncode == 0 and SECRET in listed.stdout, listed.stderr
    committed = point in ("committed", "swapped")
    assert header_path(home).exists() == committed
    assert not (home / ".coach-convert").exists()
    assert ((home / "coach.db").read_bytes()[:16] == b"SQLite format 3\x00") != committed
    on_disk = b"".join(p.read_bytes() for p in home.rglob("*") if p.is_file())
    assert (SECRET.encode() in on_disk) != committed
    # and the conversion runs to the end when asked again
    if not committed:
        done = subprocess.run([*CLI, "encrypt"], env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
    forget_in_process()
    assert Draft(home, "Ana", "gibbs").load() == f"draft about the {SECRET}"
    on_disk = b"".join(p.read_bytes() for p in home.rglob("*") if p.is_file())
    assert SECRET.encode() not in on_disk


@pytest.mark.parametrize("point", ["copied", "committed"])
def test_kill_9_while_decrypting_leaves_a_usable_home(
    capsys: pytest.CaptureFixture[str],
    home: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    point: str,
) -> None:
    plain_home_with_records(home)
    secret = use(monkeypatch, tmp_path, PASS)
    ok(capsys, "encrypt")
    forget_in_process()
    env = {**os.environ, "COACH_HOME": str(home), "COACH_PASSPHRASE_FILE": str(secret)}
    killed = subprocess.run(
        [*CLI, "decrypt", "--yes"],
        env={**env, "COACH_TEST_KILL_AT": point},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert killed.returncode == -9, killed.stderr
    listed = subprocess.run([*CLI, "goal", "list"], env=env, capture_output=True, text=True, timeout=120)
    assert listed.returncode == 0 and SECRET in listed.stdout, listed.stderr
    assert header_path(home).exists() == (point == "copied")


def test_a_passphrase_change_killed_midway_opens_with_one_of_the_two(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    encrypted_home(capsys, monkeypatch, tmp_path)
    old = use(monkeypatch, tmp_path, PASS)
    new = use(monkeypatch, tmp_path, NEW, "COACH_NEW_PASSPHRASE_FILE")
    env = {
        **os.environ,
        "COACH_HOME": str(home),
        "COACH_PASSPHRASE_FILE": str(old),
        "COACH_NEW_PASSPHRASE_FILE": str(new),
    }
    for point, works in (("rekey-pending", old), ("rekeyed", new)):
        killed = subprocess.run(
            [*CLI, "passphrase"],
            env={**env, "COACH_TEST_KILL_AT": point},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert killed.returncode == -9, killed.stderr
        listed = subprocess.run(
            [*CLI, "profile", "list"],
            env={**env, "COACH_PASSPHRASE_FILE": str(old)},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert listed.returncode == 0 and "Ana" in listed.stdout, listed.stderr
        listed = subprocess.run(
            [*CLI, "profile", "list"],
            env={**env, "COACH_PASSPHRASE_FILE": str(works)},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert listed.returncode == 0 and "Ana" in listed.stdout, listed.stderr


def test_an_encrypted_export_travels_and_imports_with_its_own_passphrase(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, home: Path
) -> None:
    ok(capsys, "profile", "add", "Ana")
    ok(capsys, "goal", "add", f"Plan the {SECRET}")
    out = tmp_path / "export.coach"
    code, _, err = coach(capsys, "export", "--encrypt")
    assert code == 2 and "--out" in err
    use(monkeypatch, tmp_path, "an export passphrase", "COACH_EXPORT_PASSPHRASE_FILE")
    ok(capsys, "export", "--encrypt", "--out", str(out))
    assert SECRET.encode() not in out.read_bytes() and b"Ana" not in out.read_bytes()
    monkeypatch.setenv("COACH_HOME", str(tmp_path / "other"))
    use(monkeypatch, tmp_path, "not the export passphrase", "COACH_EXPORT_PASSPHRASE_FILE")
    code, _, err = coach(capsys, "import", "coach", str(out))
    assert code == 2 and "does not open" in err
    use(monkeypatch, tmp_path, "an export passphrase", "COACH_EXPORT_PASSPHRASE_FILE")
    ok(capsys, "import", "coach", str(out))
    assert SECRET in ok(capsys, "goal", "list")


def test_a_remembered_passphrase_opens_without_asking_until_forgotten(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, home: Path
) -> None:
    import keyring
    from keyring.backend import KeyringBackend

    class Memory(KeyringBackend):
        priority = 1  # type: ignore[assignment]
        held: ClassVar[dict[tuple[str, str], str]] = {}

        def get_password(self, service: str, username: str) -> str | None:
            return self.held.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.held[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            self.held.pop((service, username), None)

    previous = keyring.get_keyring()
    keyring.set_keyring(Memory())
    try:
        encrypted_home(capsys, monkeypatch, tmp_path)
        out = ok(capsys, "unlock", "--remember")
        assert "logged-in account" in " ".join(out.split()) and "Remembered" in out
        monkeypatch.delenv("COACH_PASSPHRASE_FILE")
        forget_in_process()
        assert "Ana" in ok(capsys, "profile", "list")  # no prompt, no file: the keyring
        ok(capsys, "unlock", "--forget")
        forget_in_process()
        code, _, err = coach(capsys, "profile", "list")
        assert code == 2 and "COACH_PASSPHRASE_FILE" in err and not Memory.held
    finally:
        keyring.set_keyring(previous)


def test_decrypt_gives_back_a_plain_home_with_everything_in_it(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, home: Path
) -> None:
    plain_home_with_records(home)
    use(monkeypatch, tmp_path, PASS)
    ok(capsys, "encrypt")
    ok(capsys, "backup")
    forget_in_process()
    assert "readable by anyone" in ok(capsys, "decrypt", "--yes")
    monkeypatch.delenv("COACH_PASSPHRASE_FILE")
    forget_in_process()
    assert not header_path(home).exists() and (home / "coach.db").read_bytes()[:6] == b"SQLite"
    assert SECRET in ok(capsys, "goal", "list")
    assert Draft(home, "Ana", "gibbs").load() == f"draft about the {SECRET}"
    assert SECRET in (home / "knowledge" / "shared" / "mine.md").read_text(encoding="utf-8")
    backups = list((home / "backups").glob("*.db"))
    assert backups and all(b.read_bytes()[:6] == b"SQLite" for b in backups)
    assert not list((home / "backups").glob("*.keys"))
