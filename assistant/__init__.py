"""journey-assistant: a chat assistant that guides marketing teams through a customer journey map.

The small Python API every front end uses::

    import assistant
    session = assistant.open_session(map="acme", home="journey-data")
    reply = session.send("Acme Analytics")
    reply.text, reply.gap, reply.status.percent
    session.map  # the JourneyMap
"""

from assistant.schema import JourneyMap
from assistant.session import Reply, Session, open_session

__all__ = ["JourneyMap", "Reply", "Session", "open_session"]
