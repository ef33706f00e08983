"""YAML and JSON from the user, read with bounds: size, aliases, nesting, values, number length."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from itertools import accumulate
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent
from yaml.nodes import Node, ScalarNode
from yaml.resolver import Resolver

from coach.errors import InputError

MAX_BYTES = 4 * 1024 * 1024
"""Default size limit: front matter, an answers file or a flow is a few KB; imports pass their own."""
MAX_ALIASES = 100
"""Alias references (*name) per document: hand-written YAML uses a handful; a bomb needs many."""
MAX_DEPTH = 100
"""Nesting levels, counting what aliases bring in: flows nest about 5 deep, exports about 6."""
MAX_NODES = 1_000_000
"""Values after aliases are expanded: `yaml.safe_load` shares them, but str(), pydantic or a loop do not."""
NODES_FLOOR = 10_000
"""By default a document may expand to one value per character of its text (it could hold that many written
out), at least this many, at most MAX_NODES: what it costs downstream stays in proportion to its size."""
MAX_NUMBER_DIGITS = 100
"""A longer number is no date, id or count; int() of 4,300+ digits raises; big ints cost quadratic time."""


class LoadError(InputError):
    """A user file was refused, in one line: "<source>: <reason>".

    kind is "size", "syntax", "value" (e.g. an impossible date) or "limit"; detail is the parser's own words
    (empty for limits), so a caller can phrase it for its own setting.
    """

    def __init__(self, source: str, reason: str, *, kind: str, detail: str = "") -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason
        self.kind = kind
        self.detail = detail


class _Refused(Exception):
    """Raised inside the parser; turned into a LoadError that knows the source."""


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _check_size(data: str | bytes, source: str, max_bytes: int) -> None:
    # len() of a str counts characters, which is at most its UTF-8 size: encode only when it could matter.
    size = len(data)
    if isinstance(data, str) and size <= max_bytes < 4 * size and not data.isascii():
        size = len(data.encode("utf-8", errors="surrogatepass"))
    if size > max_bytes:
        raise LoadError(
            source, f"too large to read ({size:,} bytes; the limit is {max_bytes:,})", kind="size"
        )


# --- YAML ----------------------------------------------------------------------------------------------


def _too_deep(levels: int) -> str:
    return f"the YAML is nested too deeply (more than {levels} levels)"


class _BoundedComposer(Composer):
    """Counts while the node graph is built, before anything is constructed or expanded."""

    max_aliases = MAX_ALIASES
    max_depth = MAX_DEPTH
    max_nodes = MAX_NODES
    # the parser's, mixed in beside this class
    check_event: Callable[..., bool]
    peek_event: Callable[[], Any]

    def __init__(self) -> None:
        Composer.__init__(self)
        self._aliases = 0
        self._nodes = 0  # values so far, an alias counting everything under its anchor again
        self._depth = 0
        self._reach = 0  # deepest level reached in the node being composed, aliases included
        self._done: dict[int, tuple[int, int]] = {}  # anchored node -> (values, levels) under it

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if self.check_event(AliasEvent):
            anchor = self.peek_event().anchor
            target = self.anchors.get(anchor)
            if target is not None:
                self._aliases += 1
                if self._aliases > self.max_aliases:
                    raise _Refused(f"the YAML uses too many aliases (more than {self.max_aliases})")
                if id(target) not in self._done:
                    raise _Refused(f"the YAML alias *{anchor} refers to itself")
                values, levels = self._done[id(target)]
                self._count(values)
                self._reach = max(self._reach, self._depth + levels)
                if self._reach > self.max_depth:
                    raise _Refused(_too_deep(self.max_depth))
            return super().compose_node(parent, index)
        anchor = self.peek_event().anchor
        self._depth += 1
        if self._depth > self.max_depth:
            raise _Refused(_too_deep(self.max_depth))
        outer_reach, self._reach = self._reach, self._depth
        start = self._nodes
        self._count(1)
        node = super().compose_node(parent, index)
        if anchor is not None:
            self._done[id(node)] = (self._nodes - start, self._reach - self._depth + 1)
        self._reach = max(outer_reach, self._reach)
        self._depth -= 1
        return node

    def _count(self, values: int) -> None:
        self._nodes += values
        if self._nodes > self.max_nodes:
            raise _Refused(f"the YAML expands to too many values (more than {self.max_nodes:,})")


class _BoundedConstructor(SafeConstructor):
    max_number_digits = MAX_NUMBER_DIGITS

    def _short(self, node: ScalarNode) -> None:
        if len(node.value) > self.max_number_digits:
            raise _Refused(f"the YAML holds a number longer than {self.max_number_digits} digits")

    def construct_yaml_int(self, node: ScalarNode) -> int:
        self._short(node)
        return super().construct_yaml_int(node)

    def construct_yaml_float(self, node: ScalarNode) -> float:
        self._short(node)
        return super().construct_yaml_float(node)


_BoundedConstructor.add_constructor("tag:yaml.org,2002:int", _BoundedConstructor.construct_yaml_int)  # type: ignore[type-var]
_BoundedConstructor.add_constructor("tag:yaml.org,2002:float", _BoundedConstructor.construct_yaml_float)  # type: ignore[type-var]


class _PyLoader(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser,
                _BoundedComposer, _BoundedConstructor, Resolver):  # fmt: skip
    def __init__(self, stream: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        _BoundedComposer.__init__(self)
        _BoundedConstructor.__init__(self)
        Resolver.__init__(self)


_Loader: type[Any] = _PyLoader
try:
    from yaml.cyaml import CParser  # type: ignore[attr-defined]
except ImportError:  # PyYAML built without libyaml: the Python parser, slower, same bounds
    pass
else:
    # libyaml scans and parses (the slow part in Python); our composer still sees every event, so the
    # bounds hold. The composer must come before CParser, whose own composer would count nothing.
    class _CLoader(_BoundedComposer, CParser, _BoundedConstructor, Resolver):
        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            _BoundedComposer.__init__(self)
            _BoundedConstructor.__init__(self)
            Resolver.__init__(self)

    _Loader = _CLoader


def _mark(exc: yaml.YAMLError) -> str:
    """The parser's problem and where it is, in one line (its own message spans several)."""
    problem = getattr(exc, "problem", None)
    mark = getattr(exc, "problem_mark", None)
    if not problem:
        return _one_line(str(exc).splitlines()[0]) if str(exc) else type(exc).__name__
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
    return _one_line(f"{problem}{where}")


def load_yaml(
    text: str,
    *,
    source: str,
    max_bytes: int = MAX_BYTES,
    max_aliases: int = MAX_ALIASES,
    max_depth: int = MAX_DEPTH,
    max_nodes: int | None = None,
    max_number_digits: int = MAX_NUMBER_DIGITS,
    loader: type[Any] | None = None,
) -> Any:
    """What yaml.safe_load returns, or a LoadError naming the source and the bound it crossed."""
    _check_size(text, source, max_bytes)
    ld = (loader or _Loader)(text)
    if max_nodes is None:
        max_nodes = min(MAX_NODES, max(NODES_FLOOR, len(text)))
    ld.max_aliases, ld.max_depth, ld.max_nodes = max_aliases, max_depth, max_nodes
    ld.max_number_digits = max_number_digits
    try:
        return ld.get_single_data()
    except _Refused as exc:
        raise LoadError(source, str(exc), kind="limit") from None
    except yaml.YAMLError as exc:
        if "maximum nesting depth" in str(exc):  # libyaml's own bound (1,000), met while it reads ahead
            raise LoadError(source, _too_deep(max_depth), kind="limit") from None
        detail = _mark(exc)
        raise LoadError(source, f"not valid YAML ({detail})", kind="syntax", detail=detail) from None
    except ValueError as exc:  # a date that does not exist, such as 2024-02-30
        detail = _one_line(str(exc))
        raise LoadError(source, f"a value cannot be read ({detail})", kind="value", detail=detail) from None
    except RecursionError:  # not expected below max_depth; never a traceback all the same
        raise LoadError(source, "the YAML is nested too deeply", kind="limit") from None
    finally:
        ld.dispose()


# --- JSON ----------------------------------------------------------------------------------------------

_ESCAPES = re.compile(r"\\.", re.S)
_STRINGS = re.compile(r'"[^"]*"')
_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def json_depth(text: str) -> int:
    """Deepest [ / { nesting outside strings, without parsing: json's C scanner recurses on the C stack."""
    # Escapes go first so that \" cannot end a string; then no regex here can backtrack.
    bare = _STRINGS.sub("", _ESCAPES.sub("", text))
    return max(accumulate(map(_STEP.__getitem__, _NOT_BRACKETS.sub("", bare))), default=0)


def load_json(
    data: str | bytes,
    *,
    source: str,
    max_bytes: int = MAX_BYTES,
    max_depth: int = MAX_DEPTH,
    max_number_digits: int = MAX_NUMBER_DIGITS,
) -> Any:
    """What json.loads returns, or a LoadError naming the source: bad JSON says where, in one line.

    Bytes are read as UTF-8 (a BOM is dropped); bytes that are not UTF-8 survive as surrogates, so a caller
    can report the one value that holds them.
    """
    _check_size(data, source, max_bytes)
    if isinstance(data, bytes):
        data = data.removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="surrogateescape")
    if json_depth(data) > max_depth:
        raise LoadError(source, f"the JSON is nested too deeply (more than {max_depth} levels)", kind="limit")

    def number(kind: type[int] | type[float]) -> Any:
        def parse(literal: str) -> int | float:
            if len(literal.lstrip("-")) > max_number_digits:
                raise _Refused(f"the JSON holds a number longer than {max_number_digits} digits")
            return kind(literal)

        return parse

    try:
        return json.loads(data, parse_int=number(int), parse_float=number(float))
    except _Refused as exc:
        raise LoadError(source, str(exc), kind="limit") from None
    except json.JSONDecodeError as exc:
        early = exc.pos >= len(data.rstrip()) or exc.msg.startswith("Unterminated string")
        hint = " (the file ends early: is it complete?)" if early else ""
        detail = f"{exc.msg} at line {exc.lineno}, column {exc.colno}{hint}"
        raise LoadError(source, f"not valid JSON: {detail}", kind="syntax", detail=detail) from None
    except RecursionError:
        raise LoadError(source, "the JSON is nested too deeply", kind="limit") from None
