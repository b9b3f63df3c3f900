"""The deterministic offline interviewer (used when no model is configured)."""

from assistant.guided.engine import GuidedEngine

__all__ = ["GuidedEngine"]
