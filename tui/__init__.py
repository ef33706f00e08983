"""The Textual app of the coach; it calls coach/ services and never the other way round."""
