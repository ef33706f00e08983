"""Retrieval over the knowledge notes and each profile's history (chromadb + FTS5, fused)."""
