"""Persistence over SQLAlchemy 2, one store for SQLite and PostgreSQL: every map, its change
log with provenance (who, when, an undo patch), its chat and its interview state.

`Store` is put together from its parts: `base.py` (engine, transactions, the writes every
change makes), `history.py` (the change log, undo, earlier versions), `transcript.py` (chat
and interview state) and `maps.py` (the maps themselves). `comments.py` keeps comments on
cards beside the maps.
"""

from assistant.store.base import MapNotFound, to_url
from assistant.store.history import Change, VersionUnavailable
from assistant.store.maps import NAME_RULE, Store, check_name, open_read_only

__all__ = [
    "NAME_RULE",
    "Change",
    "MapNotFound",
    "Store",
    "VersionUnavailable",
    "check_name",
    "open_read_only",
    "to_url",
]
