"""Who may see a history chunk: each flow's private stages, and an artefact split at its private fields."""

from __future__ import annotations

import hashlib
import json
import string
import threading
from typing import Any

from coach.engine.flows import (
    PRIVATE_FIELDS,
    SHARE_SAFE,
    SKIPPED,
    TYPE_FIELDS,
    Flow,
    FlowError,
    flows_dir,
    load_flows,
)

Visibility = bool | str
"""The private chunks a search may return: True all of them (the person searching their own history),
False none, or a job's name ("meeting-prep"): that job's own, for a conversation of that job."""
PRIVATE_MARK = "_(private)_"

_lock = threading.Lock()
_cache: tuple[tuple[tuple[str, int, int], ...], dict[str, Flow] | None] | None = None


def flows() -> dict[str, Flow] | None:
    """The flow files, read again only when one changed; None when they cannot be read."""
    global _cache
    folder = flows_dir()
    try:
        stamp = tuple(
            (p.name, st.st_mtime_ns, st.st_size) for p in sorted(folder.glob("*.yaml")) for st in (p.stat(),)
        )
    except OSError:
        return None
    with _lock:
        if _cache is None or _cache[0] != stamp:
            try:
                loaded: dict[str, Flow] | None = load_flows(folder)
            except (FlowError, OSError):
                loaded = None  # every record that names a flow is then private to its job
            _cache = (stamp, loaded)
        return _cache[1]


def may_see(private: Visibility, chunk_private: bool, chunk_job: str | None) -> bool:
    """Whether a search with this visibility may return a chunk."""
    if not chunk_private or private is True:
        return True
    return isinstance(private, str) and bool(private) and chunk_job == private


def chroma_where(private: Visibility) -> dict[str, Any] | None:
    """The same rule as a chromadb metadata filter (a chunk without the marks never passes one)."""
    if private is True:
        return None
    if private is False or not private:
        return {"private": False}
    return {"$or": [{"private": False}, {"job": private}]}


def private_stages(flow: Flow) -> set[str]:
    return {s.id for s in flow.stages if s.private}


def private_fields(flow: Flow) -> set[str]:
    """Template fields that show a private stage's answer (its id, or what its type fills)."""
    stages = {name for s in flow.stages if s.private for name in (s.id, *TYPE_FIELDS.get(s.type, ()))}
    return (stages | PRIVATE_FIELDS) - SHARE_SAFE


def candidates(framework: str | None, job: str) -> list[Flow] | None:
    """The flows a record may have been written by: its own, or (none named) every flow of its job.

    None when that cannot be known (a flow that is gone, flow files that do not load): then the whole
    record is private to its job."""
    known = flows()
    if known is None:
        return None
    if framework:
        flow = known.get(framework)
        return [flow] if flow is not None else None
    return [f for f in known.values() if f.job == job]


def signature() -> str:
    """Changes when any flow's privacy changes (a stage made private, a summary template edited)."""
    known = flows()
    if known is None:
        return "unreadable"
    facts: list[Any] = [
        [f.id, f.job, sorted(private_stages(f)), sorted(private_fields(f)), f.summary]
        for f in sorted(known.values(), key=lambda f: f.id)
    ]
    return hashlib.sha256(json.dumps(facts).encode("utf-8")).hexdigest()[:32]


def split_artefact(markdown: str, flows_: list[Flow] | None) -> tuple[str, str] | None:
    """(the artefact with its private fields replaced by a mark, those fields under their headings).

    None when the text follows none of the flows' summary templates: then all of it is private."""
    if flows_ is None:
        return None
    if not any(private_fields(f) & _fields(f.summary) for f in flows_):
        return markdown, ""
    for flow in flows_:
        parts = _split(markdown, flow)
        if parts is not None:
            return parts
    return None


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _split(markdown: str, flow: Flow) -> tuple[str, str] | None:
    parsed = list(string.Formatter().parse(flow.summary.strip()))
    literals = [lit for lit, _, _, _ in parsed]
    names = [name for _, name, _, _ in parsed if name is not None]
    if len(literals) == len(names):  # the template ends with a field
        literals.append("")
    literals[0], literals[-1] = literals[0].lstrip(), literals[-1].rstrip()
    text = markdown.strip()
    left = _leftmost(text, literals)
    if left is None:
        return None
    right = _rightmost(text, literals)
    hidden = private_fields(flow)
    # Answers may contain a heading of the template: every place a private field could span is private.
    spans = sorted((left[i][0], right[i][1]) for i, name in enumerate(names) if name in hidden)
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    labels = {left[i][0]: _label(literals[i]) for i, name in enumerate(names) if name in hidden}
    public: list[str] = []
    private: list[str] = []
    pos = 0
    for start, end in merged:
        value = text[start:end]
        public.append(text[pos:start])
        if value.strip() in ("", SKIPPED):
            public.append(value)
        else:
            public.append(PRIVATE_MARK)
            label = labels.get(start, "")
            private.append(f"{label}\n{value.strip()}" if label else value.strip())
        pos = end
    public.append(text[pos:])
    return "".join(public), "\n\n".join(private)


def _label(literal: str) -> str:
    """The heading just before a field (its literal's last line with words), to title a private piece."""
    lines = [line.strip() for line in literal.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def _leftmost(text: str, literals: list[str]) -> list[tuple[int, int]] | None:
    """Each field's span when every literal is matched as early as it can be; None when they do not fit."""
    head, tail = literals[0], literals[-1]
    if len(head) + len(tail) > len(text) or not text.startswith(head) or not text.endswith(tail):
        return None
    limit = len(text) - len(tail)
    pos, spans = len(head), []
    for lit in literals[1:-1]:
        j = text.find(lit, pos, limit)
        if j < 0:
            return None
        spans.append((pos, j))
        pos = j + len(lit)
    spans.append((pos, limit))
    return spans


def _rightmost(text: str, literals: list[str]) -> list[tuple[int, int]]:
    """Each field's span when every literal is matched as late as it can be (called once they fit)."""
    head, tail = literals[0], literals[-1]
    end, spans = len(text) - len(tail), []
    for lit in reversed(literals[1:-1]):
        j = text.rfind(lit, len(head), end)
        spans.append((j + len(lit), end))
        end = j
    spans.append((len(head), end))
    spans.reverse()
    return spans
