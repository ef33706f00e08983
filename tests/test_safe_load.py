"""Hostile YAML and JSON (issue 18): alias bombs, deep nesting, huge numbers are refused fast, in one line."""

from __future__ import annotations

import json
import sqlite3
import time
import tracemalloc
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coach import safe_load
from coach.retrieval.notes import load_notes
from coach.safe_load import LoadError, json_depth, load_json, load_yaml
from tests.test_cli import as_json, coach, ok

LOL = ", ".join(['"lol"'] * 9)
BOMB = (
    f"a: &a [{LOL}]\n"
    + "".join(
        f"{b}: &{b} [{', '.join([f'*{a}'] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi", strict=True)
    )
    + "tags: *i\n"
)
"""The billion laughs: 73 aliases, 9^9 strings once expanded (yaml.safe_load shares them; str() does not)."""
DEEP = "[" * 5000 + "]" * 5000
HUGE_NUMBER = "9" * 5000
LOADERS = [safe_load._PyLoader] + ([safe_load._CLoader] if hasattr(safe_load, "_CLoader") else [])
SAME_PARSER: dict[Any, Any] = {
    safe_load._PyLoader: yaml.SafeLoader,
    getattr(safe_load, "_CLoader", None): yaml.CSafeLoader,
}
"""What each bounded loader must agree with: libyaml and the Python parser differ on odd input ('|#')."""


def refused_fast(load: Callable[[], Any]) -> LoadError:
    """The call raises a LoadError within generous bounds: 2 s and 100 MB (a bomb takes minutes and GBs).

    Time and memory are measured in separate calls: tracemalloc slows the pure-Python parser several-fold.
    """
    start = time.perf_counter()
    with pytest.raises(LoadError) as info:
        load()
    seconds = time.perf_counter() - start
    tracemalloc.start()
    try:
        with pytest.raises(LoadError):
            load()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert seconds < 2, seconds
    assert peak < 100 * 1024 * 1024, peak
    assert "\n" not in str(info.value)
    return info.value


# --- load_yaml -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("loader", LOADERS)
def test_the_alias_bomb_is_refused_before_it_expands(loader: type[Any]) -> None:
    err = refused_fast(lambda: load_yaml(BOMB, source="notes/x.md", loader=loader))
    assert str(err) == "notes/x.md: the YAML expands to too many values (more than 10,000)"
    assert err.kind == "limit" and err.source == "notes/x.md"


@pytest.mark.parametrize("loader", LOADERS)
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: &a x\nb: [" + ", ".join(["*a"] * 101) + "]\n", "the YAML uses too many aliases (more than 100)"),
        (DEEP, "the YAML is nested too deeply (more than 100 levels)"),
        (
            "a:\n" + "".join(" " * i + "- \n" for i in range(1, 300)),
            "nested too deeply (more than 100 levels)",
        ),
        (f"n: {HUGE_NUMBER}\n", "the YAML holds a number longer than 100 digits"),
        (f"n: {'1:' * 2000}1\n", "the YAML holds a number longer than 100 digits"),  # base 60: quadratic
        (f"n: {HUGE_NUMBER}.5\n", "the YAML holds a number longer than 100 digits"),
        ("a: &a [1, *a]\n", "the YAML alias *a refers to itself"),
        # aliases that each stay under the depth limit but stack past it
        (
            "a: &a " + "[" * 60 + "]" * 60 + "\nb: &b " + "[" * 50 + "*a" + "]" * 50 + "\n",
            "nested too deeply (more than 100 levels)",
        ),
    ],
)
def test_hostile_yaml_is_refused_in_one_line(loader: type[Any], text: str, message: str) -> None:
    err = refused_fast(lambda: load_yaml(text, source="answers.yaml", loader=loader))
    assert str(err).startswith("answers.yaml: ") and message in str(err)


def test_yaml_limits_are_the_callers_to_choose() -> None:
    assert load_yaml("a: &a [1, 2]\nb: [*a, *a]\n", source="s") == {"a": [1, 2], "b": [[1, 2], [1, 2]]}
    with pytest.raises(LoadError, match=r"too many aliases \(more than 1\)"):
        load_yaml("a: &a [1, 2]\nb: [*a, *a]\n", source="s", max_aliases=1)
    with pytest.raises(LoadError, match=r"too many values \(more than 5\)"):
        load_yaml("a: &a [1, 2]\nb: [*a, *a]\n", source="s", max_nodes=5)
    with pytest.raises(LoadError, match=r"s: too large to read \(11 bytes; the limit is 10\)"):
        load_yaml("a: 12345678", source="s", max_bytes=10)
    with pytest.raises(LoadError, match="too large"):
        load_yaml("é" * 6, source="s", max_bytes=10)  # 12 bytes in UTF-8
    assert load_yaml("", source="s") is None


def test_the_default_value_bound_grows_with_the_text() -> None:
    flat = "[" + "1, " * 30_000 + "1]"
    assert len(load_yaml(flat, source="s")) == 30_001  # written out, it holds more than 10,000 values
    small = "a: &a [" + ", ".join(["x"] * 100) + "]\nb: [" + ", ".join(["*a"] * 99) + "]\n"
    with pytest.raises(LoadError, match=r"too many values \(more than 10,000\)"):
        load_yaml(small, source="s")  # 700 characters that expand to 10,104 values
    assert len(load_yaml(small, source="s", max_nodes=20_000)["b"]) == 99


def test_bad_yaml_and_impossible_values_are_one_line_with_a_kind() -> None:
    with pytest.raises(LoadError) as info:
        load_yaml("title: [unclosed\n", source="x.yaml")
    assert info.value.kind == "syntax" and "\n" not in str(info.value)
    assert str(info.value).startswith("x.yaml: not valid YAML (") and "line 2" in str(info.value)
    with pytest.raises(LoadError) as info:
        load_yaml("date: 2024-02-30\n", source="x.yaml")
    assert info.value.kind == "value" and "day is out of range" in info.value.detail
    with pytest.raises(LoadError, match="undefined alias"):
        load_yaml("a: *nowhere\n", source="x.yaml")


_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(10**30), 10**30)
    | st.floats(allow_nan=False)
    | st.text(max_size=20)
)
_TREES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=8), inner, max_size=5),
)


@pytest.mark.parametrize("loader", LOADERS)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tree=_TREES, flow=st.booleans())
def test_ordinary_yaml_loads_as_safe_load_does(loader: type[Any], tree: Any, flow: bool) -> None:
    text = yaml.safe_dump(tree, default_flow_style=flow, allow_unicode=True)
    assert load_yaml(text, source="t", loader=loader) == yaml.load(text, Loader=SAME_PARSER[loader])


@pytest.mark.parametrize("loader", LOADERS)
@settings(max_examples=150, deadline=None)
@given(text=st.text(alphabet="ab:-[]{}&*,\n #'\"!?|>.0123", max_size=60))
def test_any_text_loads_as_safe_load_does_or_is_refused_in_one_line(loader: type[Any], text: str) -> None:
    try:
        expected: Any = yaml.load(text, Loader=SAME_PARSER[loader])
    except (yaml.YAMLError, ValueError):
        expected = LoadError
    try:
        got: Any = load_yaml(text, source="t", loader=loader)
    except LoadError as exc:
        assert "\n" not in str(exc)
        if "refers to itself" in str(exc):
            return  # safe_load builds a list that holds itself; we refuse it on purpose
        got = LoadError
    assert got == expected


def test_anchors_that_stay_small_still_work() -> None:
    text = "base: &base {tone: warm, pace: slow}\nmon: {<<: *base, pace: fast}\ntue: *base\n"
    assert load_yaml(text, source="t") == yaml.safe_load(text)


# --- load_json -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("data", "message"),
    [
        (f'{{"n": {HUGE_NUMBER}}}', "the JSON holds a number longer than 100 digits"),
        (f"[-{HUGE_NUMBER}.5e3]", "the JSON holds a number longer than 100 digits"),
        (DEEP, "the JSON is nested too deeply (more than 100 levels)"),
        ('{"a": ' * 5000 + "1" + "}" * 5000, "nested too deeply"),
        ('{"a": [1, 2', "not valid JSON: Expecting ',' delimiter at line 1, column 12 (the file ends early"),
        (
            '{"a": 1,}',
            "not valid JSON: Expecting property name enclosed in double quotes at line 1, column 9",
        ),
    ],
)
def test_hostile_or_broken_json_is_refused_in_one_line(data: str, message: str) -> None:
    err = refused_fast(lambda: load_json(data, source="j.json"))
    assert str(err).startswith("j.json: ") and message in str(err), str(err)


def test_json_reads_bytes_with_a_bom_and_keeps_bad_bytes_as_surrogates() -> None:
    assert load_json(b'\xef\xbb\xbf{"t": "caf\xe9", "n": 1.5}', source="j") == {"t": "caf\udce9", "n": 1.5}
    with pytest.raises(LoadError, match="too large"):
        load_json(b"[1, 2, 3]", source="j", max_bytes=8)
    with pytest.raises(LoadError, match="longer than 3 digits"):
        load_json("[1234]", source="j", max_number_digits=3)


@settings(max_examples=200, deadline=None)
@given(tree=_TREES)
def test_json_depth_counts_brackets_outside_strings_only(tree: Any) -> None:
    def depth(value: Any) -> int:
        if isinstance(value, dict):
            return 1 + max(map(depth, value.values()), default=0)
        if isinstance(value, list):
            return 1 + max(map(depth, value), default=0)
        return 0

    text = json.dumps(tree, ensure_ascii=False)
    assert json_depth(text) == depth(tree)
    assert load_json(text, source="t") == json.loads(text)


def test_brackets_quotes_and_backslashes_inside_strings_do_not_count() -> None:
    text = json.dumps({"t": '[[[{{ \\" \\\\" "]]', "u": ["\\", "\\\\", '"[']})
    assert json_depth(text) == 2
    assert load_json(text, source="t") == json.loads(text)


# --- through the app -------------------------------------------------------------------------------------
def test_a_bomb_in_a_knowledge_note_skips_that_note_only(tmp_path: Path) -> None:
    tmp_path = tmp_path / "shared"  # notes every profile sees
    tmp_path.mkdir()
    (tmp_path / "bomb.md").write_text(f"---\n{BOMB}---\n# Bomb\n\nText.\n", encoding="utf-8")
    (tmp_path / "deep.md").write_text(f"---\nx: {DEEP}\n---\nText.\n", encoding="utf-8")
    (tmp_path / "pricing.md").write_text(
        "---\ntags: [money]\n---\n# Pricing\n\nPer seat.\n", encoding="utf-8"
    )
    start = time.perf_counter()
    found = load_notes(tmp_path.parent)
    assert time.perf_counter() - start < 5
    assert [n.id for n in found.notes if n.user] == ["my-pricing"]
    assert found.problems == [
        "bomb.md: front matter: the YAML expands to too many values (more than 10,000)",
        "deep.md: front matter: the YAML is nested too deeply (more than 100 levels)",
    ]


@pytest.fixture
def shared_model(monkeypatch: pytest.MonkeyPatch, embedder: Any) -> None:
    """The CLI builds its own index; give it the already-loaded model."""
    monkeypatch.setattr("coach.retrieval.index.Embedder", lambda *a, **k: embedder)


@pytest.mark.usefixtures("shared_model")
def test_search_works_with_a_bomb_in_the_data_home(capsys: pytest.CaptureFixture[str], home: Path) -> None:
    ok(capsys, "profile", "add", "Ana")
    notes = home / "knowledge" / "shared"
    notes.mkdir(parents=True)
    (notes / "bomb.md").write_text(f"---\n{BOMB}---\n# Brontosaurus bomb\n\nText.\n", encoding="utf-8")
    (notes / "pricing.md").write_text(
        "# Pricing rules\n\nNever discount more than fifteen percent for Brontosaurus clients.\n"
    )
    out = " ".join(ok(capsys, "search", "Brontosaurus discount", "--kind", "knowledge", "-k", "1").split())
    assert "skipped note: bomb.md: front matter: the YAML expands to too many values" in out
    hits = as_json(capsys, "search", "Brontosaurus discount", "--kind", "knowledge", "-k", "3")["hits"]
    assert isinstance(hits, list) and hits[0]["id"] == "note:my-pricing"
    assert all(h["id"] != "note:my-bomb" for h in hits)


def rows(home: Path) -> tuple[int, ...]:
    if not (home / "coach.db").exists():
        return ()
    with closing(sqlite3.connect(home / "coach.db")) as db:
        return tuple(
            db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("sessions", "turns", "changes")
        )


def refused(capsys: pytest.CaptureFixture[str], home: Path, *args: str) -> str:
    """Exit 2, one line on stderr, nothing stored, well within the time a bomb would take."""
    before = rows(home)
    start = time.perf_counter()
    code, _, err = coach(capsys, *args)
    assert time.perf_counter() - start < 10
    assert code == 2, err
    assert err.startswith("coach: ") and err.count("\n") == 1, err
    assert rows(home) == before
    return err


def test_import_markdown_refuses_a_bomb_or_deep_front_matter(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    ok(capsys, "profile", "add", "Ana")
    vault = tmp_path / "vault"
    (vault / "journal").mkdir(parents=True)
    (vault / "2024-03-05.md").write_text("An ordinary day.\n", encoding="utf-8")
    (vault / "journal" / "bomb.md").write_text(f"---\n{BOMB}---\nText.\n", encoding="utf-8")
    err = refused(capsys, home, "import", "markdown", str(vault))
    assert "journal/bomb.md: the YAML expands to too many values (more than 10,000)" in err
    (vault / "journal" / "bomb.md").write_text(f"---\nx: {DEEP}\n---\nText.\n", encoding="utf-8")
    assert "journal/bomb.md: the YAML is nested too deeply" in refused(
        capsys, home, "import", "markdown", str(vault)
    )
    (vault / "journal" / "bomb.md").unlink()
    report = as_json(capsys, "import", "markdown", str(vault), "--dry-run")
    assert isinstance(report, dict) and report["imported"] == 1


def test_answers_file_bomb_or_deep_nesting_is_refused(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    ok(capsys, "profile", "add", "Ana")
    path = tmp_path / "answers.yaml"
    path.write_text(BOMB, encoding="utf-8")
    assert f"{path}: the YAML expands to too many values" in refused(
        capsys, home, "reflect", "--answers", str(path)
    )
    path.write_text(f"what: {DEEP}\n", encoding="utf-8")
    assert f"{path}: the YAML is nested too deeply" in refused(
        capsys, home, "reflect", "--answers", str(path)
    )
    path.write_text("what: [unclosed\n", encoding="utf-8")
    assert f"{path}: not valid YAML" in refused(capsys, home, "reflect", "--answers", str(path))


def test_import_jrnl_and_coach_refuse_huge_numbers_and_deep_nesting(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    ok(capsys, "profile", "add", "Ana")
    jrnl = tmp_path / "jrnl.json"
    entry = '{"date": "2024-03-05", "time": "09:00", "title": "t", "body": "b", "tags": [], "starred": false'
    jrnl.write_text(f'{{"tags": {{}}, "entries": [{entry}, "n": {HUGE_NUMBER}}}]}}', encoding="utf-8")
    assert "the JSON holds a number longer than 100 digits" in refused(
        capsys, home, "import", "jrnl", str(jrnl)
    )
    jrnl.write_text(f'{{"tags": {{}}, "entries": [{entry}, "x": {DEEP}}}]}}', encoding="utf-8")
    assert "the JSON is nested too deeply" in refused(capsys, home, "import", "jrnl", str(jrnl))
    export = tmp_path / "coach.json"
    export.write_text(
        f'{{"format": "coach-export", "version": 1, "profiles": [], "n": {HUGE_NUMBER}}}', encoding="utf-8"
    )
    err = refused(capsys, home, "import", "coach", str(export))
    assert err == f"coach: {export}: the JSON holds a number longer than 100 digits\n"
    export.write_text(f'{{"format": "coach-export", "version": 1, "profiles": {DEEP}}}', encoding="utf-8")
    assert "the JSON is nested too deeply" in refused(capsys, home, "import", "coach", str(export))
