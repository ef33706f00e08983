"""What a model is shown: numbered, delimited sources, the user's answers, trimmed to a token budget."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, partial
from typing import Any, Literal

from pydantic import BaseModel

from coach.errors import LLMError
from coach.paths import bundled_dir

Counter = Callable[[str], int]
MESSAGE_OVERHEAD = 8
_TAGS = re.compile(r"</?\s*(sources?|answers)\b[^>]*>", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Chat-template markers of the common model families (ChatML, Llama, Gemma, Mistral, Phi...): in a source
# they could open a turn of their own ("<|im_start|>system ...").
_TEMPLATE = re.compile(
    r"<\|[^|<>\n]{0,40}\|>|</?s>|\[/?INST\]|<<\s*/?\s*SYS\s*>>|<(?:start|end)_of_turn>",
    re.IGNORECASE,
)
_CITE = re.compile(r"\[(\d{1,3})\]")


class Source(BaseModel):
    """One retrieved passage handed to the model: a note or a piece of the user's own history."""

    kind: Literal["knowledge", "history", "commitment"]
    id: str
    citation: str
    title: str = ""
    text: str


class Packed(BaseModel):
    """The sources and answers that fit, and what was left out for the budget."""

    sources: list[Source]
    answers: list[tuple[str, str]]
    dropped_sources: int = 0
    dropped_answers: int = 0
    tokens: int = 0


@cache
def template(name: str) -> str:
    """A prompt template from prompts/llm/ (data, so a wording change needs no code)."""
    return (bundled_dir("prompts") / "llm" / f"{name}.md").read_text(encoding="utf-8").strip()


def fill(name: str, **values: Any) -> str:
    """Fill a template's {fields}; values are inserted as they are, never parsed again."""
    return template(name).format_map(values)


def clean(text: str) -> str:
    """Material for the model: our delimiters neutralised, so text can never close its own block."""
    text = _TEMPLATE.sub("(marker removed)", _CONTROL.sub(" ", text))
    return _TAGS.sub("(tag removed)", text).strip()


def attribute(text: str) -> str:
    """A value for a delimiter's attribute: cleaned, and unable to close its quotes or the tag."""
    return clean(text).replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")


def approx_tokens(text: str) -> int:
    """A conservative count for remote models (no tokenizer download): about 3 bytes a token."""
    return len(text.encode("utf-8")) // 3 + 1


def counter_for(model: Any) -> Counter:
    """The model's own tokenizer when it runs here, else the conservative estimate."""
    from coach.llm.llamacpp import LocalLlama

    if isinstance(model, LocalLlama):
        return partial(_local_count, model)
    return approx_tokens


def _local_count(model: Any, text: str) -> int:
    """The model process counts; if it cannot (not started, crashed), the estimate keeps the budget safe."""
    try:
        return int(model.get_num_tokens(text))
    except LLMError:
        return approx_tokens(text)


def render_sources(sources: list[Source]) -> str:
    if not sources:
        return "(none)"
    return "\n".join(
        f'<source n="{i}" cite="{attribute(s.citation)}">\n{clean(s.text)}\n</source>'
        for i, s in enumerate(sources, 1)
    )


def render_answers(answers: list[tuple[str, str]]) -> str:
    if not answers:
        return "(none yet)"
    return "\n".join(f"{label}: {clean(text)}" for label, text in answers)


def _shorten(text: str, tokens: int, count: Counter) -> str:
    """Keep the head and tail of an over-long text (the middle of a ramble matters least)."""
    if count(text) <= tokens:
        return text
    chars = max(40, int(len(text) * tokens / max(1, count(text))))
    return f"{text[: chars // 2]} … {text[-chars // 2 :]}"


def pack(
    budget: int,
    count: Counter,
    fixed: str,
    answers: list[tuple[str, str]],
    sources: list[Source],
) -> Packed:
    """Fit answers (newest first, up to half the room) then sources (most relevant first) into budget.

    `fixed` is everything else the model will read: the system prompt and the template's own words.
    Sources come ranked; the least relevant are dropped first.
    """
    room = budget - count(fixed) - 2 * MESSAGE_OVERHEAD
    kept_answers: list[tuple[str, str]] = []
    answer_room = room // 2 if sources else room
    for label, text in reversed(answers):
        text = _shorten(text, max(24, answer_room // 2), count)
        cost = count(f"{label}: {text}\n")
        if cost > answer_room:
            break
        kept_answers.insert(0, (label, text))
        answer_room -= cost
        room -= cost
    kept: list[Source] = []
    for source in sources:
        cost = count(render_sources([source])) + 2
        if cost > room:
            continue  # a shorter, less relevant one may still fit
        kept.append(source)
        room -= cost
    return Packed(
        sources=kept,
        answers=kept_answers,
        dropped_sources=len(sources) - len(kept),
        dropped_answers=len(answers) - len(kept_answers),
        tokens=budget - room,
    )


def cited(text: str, sources: list[Source]) -> tuple[list[Source], list[int]]:
    """The sources a reply cites by [n], in order, and any numbers that match no source."""
    found: list[Source] = []
    unknown: list[int] = []
    for raw in _CITE.findall(text):
        n = int(raw)
        if 1 <= n <= len(sources):
            if sources[n - 1] not in found:
                found.append(sources[n - 1])
        elif n not in unknown:
            unknown.append(n)
    return found, unknown


def with_citations(text: str, sources: list[Source]) -> str:
    """Replace [n] by the source's own citation so the reader sees where it came from."""

    def swap(match: re.Match[str]) -> str:
        n = int(match.group(1))
        return f" {sources[n - 1].citation}" if 1 <= n <= len(sources) else ""

    return re.sub(r" ?\[(\d{1,3})\]", swap, text).strip()
