"""The export as a folder of Markdown: per profile goals.md, commitments.md, meetings.md, sessions/."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any

import yaml

from coach.errors import InputError
from coach.paths import DIR_MODE, write_private


def slug(name: str) -> str:
    return re.sub(r"[^\w.-]+", "-", name).strip("-.")[:60] or "profile"


def _field(label: str, value: Any) -> str:
    """A '- **Label:** value' line; the lines of a multi-line value stay inside the list item."""
    text = str(value).replace("\n", "\n  ")
    return f"- **{label}:** {text}"


def _fields(pairs: list[tuple[str, Any]]) -> list[str]:
    return [_field(label, value) for label, value in pairs if value not in (None, "", [])]


def goals_md(profile: dict[str, Any]) -> str:
    out = [f"# Goals of {profile['name']}", ""]
    for g in profile["goals"]:
        out += [f"## {g['title']}", ""]
        out += _fields(
            [
                ("Status", g["status"]),
                ("Due", g["due"]),
                ("Why", g["why"]),
                ("Measure", g["measure"]),
                ("Target", g["target"]),
                ("Framework", g["framework"]),
                ("Created", g["created_at"]),
            ]
        )
        if g["milestones"]:
            out += ["", "Milestones:", ""]
            for m in g["milestones"]:
                due = f" (due {m['due']})" if m["due"] else ""
                out.append(f"- [{'x' if m['done'] else ' '}] {m['title']}{due}")
        out.append("")
    return "\n".join(out)


def commitments_md(profile: dict[str, Any], titles: dict[str, str]) -> str:
    out = [f"# Commitments of {profile['name']}", ""]
    for c in profile["commitments"]:
        first, _, rest = c["text"].partition("\n")
        out += [f"## {first}", ""]
        if rest:
            out += [rest, ""]
        out += _fields(
            [
                ("Status", c["status"]),
                ("Due", c["due"]),
                ("First due", c["original_due"]),
                ("Smaller version of", titles.get(c["replaces"] or "")),
                ("Why dropped", c["drop_reason"]),
                ("Goal", titles.get(c["goal"] or "")),
                ("What got in the way", c["obstacle"]),
                ("Made", c["created_at"]),
                ("Made in", titles.get(c["made_in_session"] or "")),
                ("Reviewed in", titles.get(c["reviewed_in_session"] or "")),
            ]
        )
        out.append("")
    return "\n".join(out)


def meetings_md(profile: dict[str, Any]) -> str:
    out = [f"# Meetings of {profile['name']}", ""]
    for m in profile["meetings"]:
        out += [f"## {m['group_name']}, {m['date']}", ""]
        if m["brief"]:
            out += [m["brief"], ""]
    return "\n".join(out)


def session_name(s: dict[str, Any]) -> str:
    day = (s["started_at"] or "undated")[:10]
    return f"{day}-{s['kind']}-{s['ref'].rsplit('-', 1)[1]}.md"


def session_md(s: dict[str, Any], titles: dict[str, str]) -> str:
    """Front matter (date, kind, tags...), then the turns; an imported entry is its text alone."""
    meta: dict[str, Any] = {"date": s["started_at"], "kind": s["kind"]}
    for key in ("framework", "ended_at", "mood", "tags"):
        if s[key] not in (None, []):
            meta[key] = s[key]
    for key in ("goal", "meeting"):
        if s[key]:
            meta[key] = titles.get(s[key], s[key])
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, default_flow_style=False, width=1000)
    body: list[str] = []
    if s["summary"]:
        body += ["## Summary", "", s["summary"], ""]
    turns = s["turns"]
    if len(turns) == 1 and turns[0]["role"] == "user" and not turns[0]["stage"] and not s["summary"]:
        return f"---\n{front}---\n{turns[0]['text']}"
    for t in turns:
        if t["role"] == "coach":
            body += ["> " + t["text"].replace("\n", "\n> "), ""]
        elif t["role"] == "system":
            body += [f"*{t['text']}*", ""]
        else:
            body += ([f"**{t['stage']}**", ""] if t["stage"] else []) + [t["text"], ""]
    return f"---\n{front}---\n\n" + "\n".join(body)


def _titles(profile: dict[str, Any]) -> dict[str, str]:
    titles = {g["ref"]: g["title"] for g in profile["goals"]}
    titles |= {m["ref"]: f"{m['group_name']}, {m['date']}" for m in profile["meetings"]}
    titles |= {s["ref"]: f"sessions/{session_name(s)}" for s in profile["sessions"]}
    titles |= {c["ref"]: c["text"].partition("\n")[0] for c in profile["commitments"]}
    return titles


def check_target(out: Path) -> None:
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise InputError(f"{out} already exists and is not an empty folder; choose a new path")
    if not out.parent.is_dir():
        raise InputError(f"the folder {out.parent} does not exist")


def write_markdown(doc: dict[str, Any], out: Path) -> list[Path]:
    """Write the folder next to its final place, then move it there: no half-written export is left."""
    check_target(out)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    written: list[Path] = []

    def put(rel: str, text: str) -> None:
        path = tmp / rel
        path.parent.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        write_private(path, text)
        written.append(out / rel)

    try:
        tmp.mkdir(mode=DIR_MODE)
        used: set[str] = set()
        for profile in doc["profiles"]:
            folder = slug(profile["name"])
            while folder in used or folder == "notes":
                folder += "-"
            used.add(folder)
            titles = _titles(profile)
            put(f"{folder}/goals.md", goals_md(profile))
            put(f"{folder}/commitments.md", commitments_md(profile, titles))
            put(f"{folder}/meetings.md", meetings_md(profile))
            for s in profile["sessions"]:
                put(f"{folder}/sessions/{session_name(s)}", session_md(s, titles))
        for note in doc["notes"]:
            put(f"notes/{note['name']}", note["text"])
        if out.exists():
            out.rmdir()
        os.replace(tmp, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return written
