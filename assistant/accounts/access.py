"""Roles and what each allows: the one table every access decision reads.

A role is held on one map, by a user directly or through a team (workspace) the user belongs
to; the strongest role wins. Admins may do everything on every map.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    VIEWER = "viewer"
    EDITOR = "editor"
    OWNER = "owner"


class Action(StrEnum):
    VIEW = "view"
    """List, open, read the chat, export and download."""
    COMMENT = "comment"
    """Add and resolve comments on the map's cards (editors and owners; viewers read them)."""
    EDIT = "edit"
    """Answer the interview, change the map, add research, accept or reject ideas, undo, and
    restore an earlier version."""
    RENAME = "rename"
    DELETE = "delete"
    SHARE = "share"
    """Grant or revoke roles on the map."""


RANK = {Role.VIEWER: 1, Role.EDITOR: 2, Role.OWNER: 3}

ALLOWED: dict[Role, frozenset[Action]] = {
    Role.VIEWER: frozenset({Action.VIEW}),
    Role.EDITOR: frozenset({Action.VIEW, Action.COMMENT, Action.EDIT}),
    Role.OWNER: frozenset(Action),
}


def allows(role: Role | None, action: Action | str) -> bool:
    """True when `role` permits `action` (no role permits nothing)."""
    return role is not None and Action(action) in ALLOWED[role]


def strongest(roles: list[Role]) -> Role | None:
    return max(roles, key=RANK.__getitem__) if roles else None


def parse_role(text: str) -> Role:
    try:
        return Role(text.strip().casefold())
    except ValueError:
        raise ValueError(
            f"'{text}' is not a role: use {', '.join(r.value for r in Role)}."
        ) from None
