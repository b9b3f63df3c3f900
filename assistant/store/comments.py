"""Comments on a card of a map: add, list, resolve. A workshop's side discussion about one
item, kept beside the map (table `comments`), not in it: comments are not map changes, are
not undone with them, and are not exported (exports are the map a team hands on).

Who may do what is the caller's check (`Accounts.can(user, map_id, Action.COMMENT)`); this
module stores what it is given, text as plain data (escaped wherever it is shown).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from assistant.db.tables import comments
from assistant.schema import now
from assistant.store.maps import Store

MAX_COMMENT = 2000


class CommentError(ValueError):
    """A refused comment; the message is one sentence for the person."""


@dataclass(frozen=True)
class Comment:
    id: int
    item_id: str
    author: str | None
    body: str
    at: str
    resolved_by: str | None
    resolved_at: str | None

    @property
    def resolved(self) -> bool:
        return self.resolved_at is not None


def add(store: Store, map_id: str, item_id: str, body: str, author: str | None) -> Comment:
    """A new comment on item `item_id` of the map (which must hold that item)."""
    body = (body or "").strip()
    if not body:
        raise CommentError("Write the comment first.")
    if len(body) > MAX_COMMENT:
        raise CommentError(f"A comment may hold at most {MAX_COMMENT} characters.")
    journey = store.load(map_id)
    try:
        journey.find_item(item_id)
    except KeyError as exc:
        raise CommentError("That card is no longer on the map.") from exc
    at = now().isoformat()
    with store.transaction() as db:
        done = db.execute(
            comments.insert().values(
                map_id=journey.id, item_id=item_id, author=author, body=body, created_at=at
            )
        )
        key = done.inserted_primary_key
    return Comment(int(key[0]) if key else 0, item_id, author, body, at, None, None)


def listed(store: Store, map_id: str, item_id: str | None = None) -> list[Comment]:
    """The map's comments (on one item when given), oldest first, resolved ones included."""
    c = comments.c
    where = c.map_id == map_id
    if item_id is not None:
        where = where & (c.item_id == item_id)
    query = sa.select(
        c.id, c.item_id, c.author, c.body, c.created_at, c.resolved_by, c.resolved_at
    ).where(where)
    with store.reading() as db:
        rows = db.execute(query.order_by(c.id)).all()
    return [Comment(int(r[0]), r[1], r[2], r[3], r[4], r[5], r[6]) for r in rows]


def open_counts(store: Store, map_id: str) -> dict[str, int]:
    """Unresolved comments per item id (for badges on the map)."""
    c = comments.c
    query = (
        sa.select(c.item_id, sa.func.count())
        .where((c.map_id == map_id) & c.resolved_at.is_(None))
        .group_by(c.item_id)
    )
    with store.reading() as db:
        return {str(item): int(n) for item, n in db.execute(query).all()}


def resolve(store: Store, map_id: str, comment_id: int, by: str | None) -> None:
    """Mark a comment of this map resolved (a comment of another map is not found)."""
    with store.transaction() as db:
        done = db.execute(
            comments.update()
            .where(
                (comments.c.id == comment_id)
                & (comments.c.map_id == map_id)
                & comments.c.resolved_at.is_(None)
            )
            .values(resolved_at=now().isoformat(), resolved_by=by)
        )
        if done.rowcount != 1:
            raise CommentError("No open comment with that number on this map.")
