"""A scripted chat model (LangChain's fake, recording what it is sent) and a retriever with fixed results."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from typing import Any

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGenerationChunk
from pydantic import Field

from coach.config import Settings
from coach.engine.results import Recall, Tip
from coach.llm.voice import Voice


class Scripted(GenericFakeChatModel):
    """Streams its scripted replies word by word; remembers every message list; can be made to fail."""

    seen: list[list[BaseMessage]] = Field(default_factory=list)
    fail: BaseException | None = None
    fail_after: int = 0
    """With fail set: tokens streamed before the failure (a server dying mid-reply)."""
    delay: float = 0.0
    """Seconds between tokens, for a reply that is still streaming while the test acts."""

    def _stream(
        self, messages: list[BaseMessage], *args: Any, **kwargs: Any
    ) -> Iterator[ChatGenerationChunk]:
        self.seen.append(list(messages))
        for n, chunk in enumerate(super()._stream(messages, *args, **kwargs)):
            if self.fail is not None and n >= self.fail_after:
                raise self.fail
            time.sleep(self.delay)
            yield chunk
        if self.fail is not None:
            raise self.fail


def scripted(*replies: str, **kwargs: Any) -> Scripted:
    return Scripted(messages=itertools.cycle([AIMessage(r) for r in replies]), **kwargs)


def voice(model: Scripted, **settings: Any) -> Voice:
    return Voice(model, Settings(llm_provider="openai", llm_base_url="http://127.0.0.1:1/v1", **settings))


class FixedRetriever:
    """The engine's Retriever protocol with fixed texts, for unit tests of grounding."""

    def __init__(self, tip_text: str = "Name one concrete next step.", recall_text: str = "") -> None:
        self.tip_text, self.recall_text = tip_text, recall_text

    def tip(self, purpose: str, seen: set[str], answer: str = "") -> Tip | None:
        citation = "[note: Next steps]"
        return None if citation in seen else Tip(title="Next steps", text=self.tip_text, citation=citation)

    def recall(self, query: str, profile_id: int, exclude_session: int | None) -> list[Recall]:
        if not self.recall_text:
            return []
        return [Recall(text=self.recall_text, citation="[session 2026-11-07]", source="session:99")]
