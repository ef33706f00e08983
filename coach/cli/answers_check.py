"""Answers files are checked whole before anything is stored: a rehearsal on a copy of the store."""

from __future__ import annotations

import tempfile
from pathlib import Path

from coach.crypto.keys import adopt
from coach.engine.engine import Engine
from coach.engine.flows import Flow
from coach.errors import InputError
from coach.store import Store
from coach.transfer.backup import backup

SCALAR = (str, int, float, bool, type(None))


def parse_answers(data: object, flow: Flow, source: str) -> dict[str, list[str]]:
    """Stage id to the answers in order (the main one, then follow-ups); unknown stages and values that
    are not text are refused, each named."""
    if not isinstance(data, dict):
        raise InputError(f"{source}: expected a mapping of stage id to answer")
    stages = [s.id for s in flow.stages]
    problems = [f"'{key}' is not a stage of {flow.id}" for key in data if str(key) not in stages]
    out: dict[str, list[str]] = {}
    for key, value in data.items():
        items = value if isinstance(value, list) else [value]
        bad = [v for v in items if not isinstance(v, SCALAR)]
        if bad:
            problems.append(f"{key}: an answer must be text, not a {type(bad[0]).__name__}")
        out[str(key)] = ["" if v is None else str(v) for v in items]
    if problems:
        raise InputError(f"{source}: " + "; ".join(problems) + f" (stages: {', '.join(stages)})")
    return out


def rehearse(store: Store, flow: Flow, profile_id: int, answers: dict[str, list[str]], source: str) -> None:
    """Run the answers through the flow on a copy of the store; InputError naming every answer the flow
    refused. The real store is not touched."""
    with tempfile.TemporaryDirectory(prefix="coach-rehearsal-") as tmp:
        backup(store.home, Path(tmp) / "coach.db")
        adopt(store.home, Path(tmp))  # an encrypted home's copy stays encrypted
        with Store.open(Path(tmp)) as copy:
            engine, _ = Engine.start(copy, flow, profile_id)
            problems = _refusals(engine, answers)
    if problems:
        raise InputError(f"{source}: " + "; ".join(problems) + "; nothing was saved")


def _refusals(engine: Engine, answers: dict[str, list[str]]) -> list[str]:
    queues = {k: list(v) for k, v in answers.items()}
    problems: list[str] = []
    pending: dict[str, str] = {}
    for _ in range(10_000):
        if engine.artefact is not None or engine.paused or engine.awaiting == "safety":
            break
        stage = engine.stage_id or ""
        queue = queues.get(stage, [])
        if queue:
            said = queue.pop(0)
            engine.answer(said)
            if engine.refused:  # an error unless a later answer of the same list is taken (a retry)
                pending[stage] = f"{stage}: {engine.refused.rstrip('.')} ('{said[:40]}')"
            else:
                pending.pop(stage, None)
            if not queue and stage in pending:
                problems.append(pending.pop(stage))
        elif engine.awaiting == "main" and stage not in engine.answers:
            engine.skip()
        else:
            engine.decline()
    return problems
