"""Users, teams (workspaces) and roles per map, in the workspace database.

Passwords are hashed with Argon2id (argon2-cffi, the reference implementation's bindings,
with its recommended parameters); a stored hash made with older parameters is re-hashed on the
next successful sign-in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from assistant.accounts.access import Action, Role, allows, parse_role, strongest
from assistant.db import ensure_schema, make_engine
from assistant.db.engine import WRITE
from assistant.db.tables import map_grants, team_members, teams, users
from assistant.schema import now

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}$")
NAME_RULE = "letters, digits and . _ @ + -, starting with a letter or digit, at most 64 characters"
MIN_PASSWORD = 8

_hasher = PasswordHasher()
# Verified against when the user does not exist, so a wrong name costs the same time as a
# wrong password and sign-in timing does not tell which names exist.
_DUMMY_HASH = _hasher.hash("not a real password, only for timing")


class AccountError(ValueError):
    """A refused account operation; the message is one sentence for the person."""


@dataclass(frozen=True)
class User:
    id: int
    name: str
    is_admin: bool
    has_password: bool


def check_user_name(name: str) -> str:
    name = (name or "").strip()
    if not NAME.match(name):
        raise AccountError(f"'{name[:64]}' is not a valid name: use {NAME_RULE}.")
    return name


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"A password needs at least {MIN_PASSWORD} characters.")
    if len(password) > 1024:
        raise AccountError("A password may hold at most 1024 characters.")
    return password


class Accounts:
    """The accounts of one workspace database (`Settings.database`)."""

    def __init__(self, url: str, engine: sa.Engine | None = None) -> None:
        self.url = url
        self._own = engine is None
        self.engine = engine or make_engine(url)
        ensure_schema(url, self.engine)

    def close(self) -> None:
        if self._own:
            self.engine.dispose()

    def _write(self) -> sa.Connection:
        return self.engine.connect().execution_options(**{WRITE: True})

    # users ---------------------------------------------------------------------------------
    def add_user(self, name: str, password: str | None, *, admin: bool = False) -> User:
        """A new user; `password=None` for one signed in only through a trusted proxy header."""
        name = check_user_name(name)
        hashed = _hasher.hash(check_password(password)) if password is not None else None
        with self._write() as conn, conn.begin():
            if self._user_row(conn, name) is not None:
                raise AccountError(f"A user named '{name}' already exists.")
            conn.execute(
                users.insert().values(
                    name=name, password_hash=hashed, is_admin=admin, created_at=now().isoformat()
                )
            )
            row = self._user_row(conn, name)
        assert row is not None
        return _user(row)

    def set_password(self, name: str, password: str) -> None:
        hashed = _hasher.hash(check_password(password))
        with self._write() as conn, conn.begin():
            done = conn.execute(
                users.update().where(users.c.name == name).values(password_hash=hashed)
            )
            if done.rowcount != 1:
                raise AccountError(f"No user named '{name}'.")

    def remove_user(self, name: str) -> None:
        """Remove a user, their team memberships and their roles (their maps stay)."""
        with self._write() as conn, conn.begin():
            row = self._user_row(conn, name)
            if row is None:
                raise AccountError(f"No user named '{name}'.")
            conn.execute(team_members.delete().where(team_members.c.user_id == row.id))
            conn.execute(
                map_grants.delete().where(
                    (map_grants.c.kind == "user") & (map_grants.c.principal_id == row.id)
                )
            )
            conn.execute(users.delete().where(users.c.id == row.id))

    def list_users(self) -> list[User]:
        with self.engine.connect() as conn:
            return [_user(r) for r in conn.execute(sa.select(users).order_by(users.c.name))]

    def user(self, name: str) -> User | None:
        with self.engine.connect() as conn:
            row = self._user_row(conn, name)
        return _user(row) if row is not None else None

    def has_users(self) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(users.c.id).limit(1)).first() is not None

    def verify(self, name: str, password: str) -> User | None:
        """The user when the password is right, else None (same cost for unknown names)."""
        with self.engine.connect() as conn:
            row = self._user_row(conn, (name or "").strip())
        stored = row.password_hash if row is not None else None
        try:
            _hasher.verify(stored or _DUMMY_HASH, password[:1024])
        except (VerificationError, InvalidHashError):
            return None
        if row is None or stored is None:
            return None
        if _hasher.check_needs_rehash(stored):
            self.set_password(row.name, password)
        return _user(row)

    def proxy_user(self, name: str) -> User:
        """The user a trusted proxy signed in, created (without a password) on first sight."""
        name = check_user_name(name)
        found = self.user(name)
        if found is not None:
            return found
        try:
            return self.add_user(name, None)
        except AccountError:  # created by a concurrent request a moment ago
            found = self.user(name)
            assert found is not None
            return found

    @staticmethod
    def _user_row(conn: sa.Connection, name: str) -> sa.Row | None:
        return conn.execute(sa.select(users).where(users.c.name == name)).first()

    # teams ---------------------------------------------------------------------------------
    def add_team(self, name: str) -> None:
        name = check_user_name(name)
        with self._write() as conn, conn.begin():
            if conn.execute(sa.select(teams.c.id).where(teams.c.name == name)).first():
                raise AccountError(f"A team named '{name}' already exists.")
            conn.execute(teams.insert().values(name=name, created_at=now().isoformat()))

    def remove_team(self, name: str) -> None:
        with self._write() as conn, conn.begin():
            team_id = self._team_id(conn, name)
            conn.execute(team_members.delete().where(team_members.c.team_id == team_id))
            conn.execute(
                map_grants.delete().where(
                    (map_grants.c.kind == "team") & (map_grants.c.principal_id == team_id)
                )
            )
            conn.execute(teams.delete().where(teams.c.id == team_id))

    def teams(self) -> dict[str, list[str]]:
        """Every team with its members' names."""
        query = (
            sa.select(teams.c.name, users.c.name)
            .select_from(teams)
            .outerjoin(team_members, team_members.c.team_id == teams.c.id)
            .outerjoin(users, users.c.id == team_members.c.user_id)
            .order_by(teams.c.name, users.c.name)
        )
        out: dict[str, list[str]] = {}
        with self.engine.connect() as conn:
            for team, member in conn.execute(query):
                out.setdefault(team, [])
                if member is not None:
                    out[team].append(member)
        return out

    def join(self, team: str, user: str) -> None:
        with self._write() as conn, conn.begin():
            team_id = self._team_id(conn, team)
            user_id = self._user_id(conn, user)
            exists = conn.execute(
                sa.select(team_members.c.user_id).where(
                    (team_members.c.team_id == team_id) & (team_members.c.user_id == user_id)
                )
            ).first()
            if exists is None:
                conn.execute(team_members.insert().values(team_id=team_id, user_id=user_id))

    def leave(self, team: str, user: str) -> None:
        with self._write() as conn, conn.begin():
            team_id = self._team_id(conn, team)
            user_id = self._user_id(conn, user)
            conn.execute(
                team_members.delete().where(
                    (team_members.c.team_id == team_id) & (team_members.c.user_id == user_id)
                )
            )

    def _team_id(self, conn: sa.Connection, name: str) -> int:
        row = conn.execute(sa.select(teams.c.id).where(teams.c.name == name)).first()
        if row is None:
            raise AccountError(f"No team named '{name}'.")
        return int(row[0])

    def _user_id(self, conn: sa.Connection, name: str) -> int:
        row = self._user_row(conn, name)
        if row is None:
            raise AccountError(f"No user named '{name}'.")
        return int(row.id)

    # roles on maps -------------------------------------------------------------------------
    def grant(
        self, map_id: str, role: Role | str, *, user: str | None = None, team: str | None = None
    ) -> None:
        """Give a user or a team `role` on a map (replacing the role they had)."""
        role = parse_role(str(role))
        if (user is None) == (team is None):
            raise AccountError("Name either a user or a team.")
        with self._write() as conn, conn.begin():
            kind = "user" if user is not None else "team"
            pid = self._user_id(conn, user) if user is not None else self._team_id(conn, str(team))
            key = (
                (map_grants.c.map_id == map_id)
                & (map_grants.c.kind == kind)
                & (map_grants.c.principal_id == pid)
            )
            conn.execute(map_grants.delete().where(key))
            conn.execute(
                map_grants.insert().values(
                    map_id=map_id, kind=kind, principal_id=pid, role=role.value
                )
            )

    def revoke(self, map_id: str, *, user: str | None = None, team: str | None = None) -> None:
        if (user is None) == (team is None):
            raise AccountError("Name either a user or a team.")
        with self._write() as conn, conn.begin():
            kind = "user" if user is not None else "team"
            pid = self._user_id(conn, user) if user is not None else self._team_id(conn, str(team))
            conn.execute(
                map_grants.delete().where(
                    (map_grants.c.map_id == map_id)
                    & (map_grants.c.kind == kind)
                    & (map_grants.c.principal_id == pid)
                )
            )

    def grants(self, map_id: str) -> list[tuple[str, str, Role]]:
        """(kind, name, role) for every grant on the map."""
        out: list[tuple[str, str, Role]] = []
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(map_grants).where(map_grants.c.map_id == map_id))
            for row in rows:
                table = users if row.kind == "user" else teams
                name = conn.execute(
                    sa.select(table.c.name).where(table.c.id == row.principal_id)
                ).scalar()
                out.append((row.kind, str(name), Role(row.role)))
        return sorted(out)

    def forget_map(self, map_id: str) -> None:
        """Drop every role on a deleted map."""
        with self._write() as conn, conn.begin():
            conn.execute(map_grants.delete().where(map_grants.c.map_id == map_id))

    def roles(self, user: User) -> dict[str, Role]:
        """The user's strongest role on every map they hold one on (directly or by team)."""
        team_ids = sa.select(team_members.c.team_id).where(team_members.c.user_id == user.id)
        query = sa.select(map_grants.c.map_id, map_grants.c.role).where(
            ((map_grants.c.kind == "user") & (map_grants.c.principal_id == user.id))
            | ((map_grants.c.kind == "team") & map_grants.c.principal_id.in_(team_ids))
        )
        found: dict[str, list[Role]] = {}
        with self.engine.connect() as conn:
            for map_id, role in conn.execute(query):
                found.setdefault(map_id, []).append(Role(role))
        return {map_id: r for map_id, roles in found.items() if (r := strongest(roles))}

    def role(self, user: User, map_id: str) -> Role | None:
        if user.is_admin:
            return Role.OWNER
        return self.roles(user).get(map_id)

    def can(self, user: User | str | None, map_id: str, action: Action | str) -> bool:
        """THE access check: may `user` do `action` on the map `map_id`?

        Every front end asks this before it lists, opens, changes, renames, deletes, shares or
        hands out a download of a map. A user name that does not exist may do nothing."""
        if isinstance(user, str):
            user = self.user(user)
        if user is None:
            return False
        return allows(self.role(user, map_id), action)


def _user(row: sa.Row) -> User:
    return User(int(row.id), str(row.name), bool(row.is_admin), row.password_hash is not None)
