"""The coaching data files under prompts/ (word lists, thresholds): read, bounded and validated in one way.

Every problem becomes one error naming the file and each field at fault, with the nearest valid name for a
misspelt one, so whoever tunes a file sees all that is wrong at once."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from coach.errors import CoachError
from coach.safe_load import LoadError, load_yaml

M = TypeVar("M", bound=BaseModel)


def read_data(path: Path, model: type[M], error: type[CoachError]) -> M:
    """Parse and validate one data file; any problem is raised as `error`, naming the file."""
    try:
        data = load_yaml(path.read_text(encoding="utf-8"), source=path.name)
    except LoadError as exc:
        raise error(str(exc)) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{path.name}: cannot read it ({exc})") from exc
    if not isinstance(data, dict):
        raise error(f"{path.name}: expected a mapping of settings")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(_problem(e, model) for e in exc.errors())
        raise error(f"{path.name}: {problems}") from exc


def _problem(error: Any, model: type[BaseModel]) -> str:
    where = ".".join(str(p) for p in error["loc"]) or "file"
    if error["type"] == "extra_forbidden":
        near = difflib.get_close_matches(str(error["loc"][-1]), _names(model), n=1)
        return f"{where}: unknown setting" + (f" (did you mean '{near[0]}'?)" if near else "")
    return f"{where}: {str(error['msg']).removeprefix('Value error, ')}"


def _names(model: type[BaseModel]) -> list[str]:
    """Every field name of a model and of the models inside it, for the nearest-name suggestion."""
    names: list[str] = []
    for name, field in model.model_fields.items():
        names.append(name)
        inner = field.annotation
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            names += _names(inner)
    return names
