"""coach: a local-first reflection and goal-coaching assistant (the headless core)."""

__version__ = "0.1.0"
