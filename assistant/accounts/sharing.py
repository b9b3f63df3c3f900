"""Read-only share links: one per map, an unguessable token that opens a read-only view of
that one map without an account, and nothing else.

The token is 32 random bytes (`secrets.token_urlsafe`, 256 bits): it is shown once, when
created; the database keeps only its SHA-256 (a fast hash is enough for a random token of
that size: there is nothing to brute-force), so a copy of the database opens no map. Creating
a new link replaces the map's old one; revoking deletes it. Whoever creates or revokes must
hold the `share` action on the map (the owner, or an admin): the caller checks.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

import sqlalchemy as sa

from assistant.db import ensure_schema, make_engine
from assistant.db.engine import WRITE
from assistant.db.tables import share_links
from assistant.schema import now

PREFIX = "/share/"
"""Where a share link points on the web app: PREFIX + token."""


@dataclass(frozen=True)
class ShareLink:
    map_id: str
    created_by: str | None
    created_at: str


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


class ShareLinks:
    """The share links of one workspace database (`Settings.database`)."""

    def __init__(self, url: str, engine: sa.Engine | None = None) -> None:
        self._own = engine is None
        self.engine = engine or make_engine(url)
        ensure_schema(url, self.engine)

    def close(self) -> None:
        if self._own:
            self.engine.dispose()

    def create(self, map_id: str, by: str | None) -> str:
        """A new token for the map (its old link stops working); shown once, never stored."""
        token = secrets.token_urlsafe(32)
        with self.engine.connect().execution_options(**{WRITE: True}) as conn, conn.begin():
            conn.execute(share_links.delete().where(share_links.c.map_id == map_id))
            conn.execute(
                share_links.insert().values(
                    token_hash=_hash(token),
                    map_id=map_id,
                    created_by=by,
                    created_at=now().isoformat(),
                )
            )
        return token

    def revoke(self, map_id: str) -> bool:
        """Stop the map's link; False when it had none."""
        with self.engine.connect().execution_options(**{WRITE: True}) as conn, conn.begin():
            done = conn.execute(share_links.delete().where(share_links.c.map_id == map_id))
            return bool(done.rowcount)

    def link(self, map_id: str) -> ShareLink | None:
        """The map's current link (without its token, which is not kept)."""
        c = share_links.c
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(c.map_id, c.created_by, c.created_at).where(c.map_id == map_id)
            ).first()
        return ShareLink(row[0], row[1], row[2]) if row is not None else None

    def map_for(self, token: str) -> str | None:
        """The id of the map this token opens, or None (unknown or revoked)."""
        if not token or len(token) > 200:
            return None
        with self.engine.connect() as conn:
            found = conn.execute(
                sa.select(share_links.c.map_id).where(share_links.c.token_hash == _hash(token))
            ).scalar()
        return str(found) if found is not None else None
