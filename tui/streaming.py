"""Model replies streamed from a worker thread into a chat bubble, and the "what was sent" view."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from rich.text import Text

if TYPE_CHECKING:
    from langchain_core.messages import BaseMessage
    from textual.app import App

    from tui.widgets import Bubble

FLUSH_EVERY = 0.05  # seconds: a repaint per token would make the worker wait on the event loop


class Streamer:
    """The on_token callback of a Voice: grows the bubble's text, at most twenty repaints a second."""

    def __init__(self, app: App[int], bubble: Bubble) -> None:
        self.app, self.bubble = app, bubble
        self.text = ""
        self.flushed = 0.0

    def __call__(self, token: str) -> None:
        self.text += token
        now = time.monotonic()
        if now - self.flushed >= FLUSH_EVERY:
            self.flushed = now
            self.app.call_from_thread(self.bubble.set_text, self.text.lstrip())


def context_text(messages: list[BaseMessage], where: str) -> Text:
    """The exact messages a model is sent, as plain text (nothing in them is read as markup)."""
    text = Text()
    text.append(f"Sent to {where}\n", style="bold")
    if not messages:
        text.append("Nothing yet: the next model call will show here before it goes out.", style="dim")
    for message in messages:
        text.append(f"\n── {message.type} ──\n", style="bold magenta")
        text.append(message.text + "\n")
    return text
