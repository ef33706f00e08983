"""The optional generative voice: chat models through LangChain, grounded, streamed, local by default."""

from coach.llm.providers import check_connection, is_local_url, make_chat_model, provider_summary

__all__ = ["check_connection", "is_local_url", "make_chat_model", "provider_summary"]
