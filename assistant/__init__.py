"""journey-assistant: a chat assistant that guides marketing teams through a customer journey map.

The small Python API every front end uses::

    import assistant
    session = assistant.open_session(map="acme", home="journey-data")
    reply = session.send("Acme Analytics")
    reply.text, reply.gap, reply.status.percent
    session.map  # the JourneyMap
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.conversation import Reply
    from assistant.schema import JourneyMap
    from assistant.session import Session, open_session

__all__ = ["JourneyMap", "Reply", "Session", "open_session"]


def __getattr__(name: str) -> Any:
    # Lazy, so `import tools` (which needs assistant.schema) works before `import assistant`.
    if name == "JourneyMap":
        from assistant.schema import JourneyMap

        return JourneyMap
    if name == "Reply":
        from assistant.conversation import Reply

        return Reply
    if name in {"Session", "open_session"}:
        from assistant import session

        return getattr(session, name)
    raise AttributeError(f"module 'assistant' has no attribute {name!r}")
