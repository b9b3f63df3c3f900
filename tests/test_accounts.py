"""Accounts on a real SQLite file and a real PostgreSQL server: users with Argon2 hashes,
teams, a role per map, the one access check, and the schema migrations behind them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import sqlalchemy as sa
from inprocess import journey

from assistant.accounts import AccountError, Accounts, Action, Role
from assistant.db import HEAD, SchemaOutdated, make_engine, upgrade


def _bare_env() -> dict[str, str | None]:
    """No JOURNEY_ setting of the test run, as in a subprocess given a bare environment."""
    return {name: None for name in os.environ if name.startswith("JOURNEY_")}


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The same tests on both databases; PostgreSQL is upgraded as an operator would."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'journey.sqlite3'}"
    url = str(request.getfixturevalue("pg_url"))
    upgrade(url)
    return url


@pytest.fixture
def accounts(db_url: str) -> Accounts:
    found = Accounts(db_url)
    yield found  # type: ignore[misc]
    found.close()


def test_passwords_are_argon2_hashes_and_verify(accounts: Accounts) -> None:
    accounts.add_user("ana", "correct horse battery")
    with accounts.engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT password_hash FROM users")).scalar()
    assert stored.startswith("$argon2id$") and "correct horse" not in stored
    assert accounts.verify("ana", "correct horse battery") is not None
    assert accounts.verify("ana", "correct horse batterY") is None
    assert accounts.verify("nobody", "correct horse battery") is None
    accounts.set_password("ana", "another long one")
    assert accounts.verify("ana", "correct horse battery") is None
    assert accounts.verify("ana", "another long one") is not None


def test_bad_names_short_passwords_and_duplicates_are_refused(accounts: Accounts) -> None:
    for bad in ("", "two words", "-dash", "x" * 65, "ana<script>"):
        with pytest.raises(AccountError, match="not a valid name"):
            accounts.add_user(bad, "long enough pw")
    with pytest.raises(AccountError, match="at least 8"):
        accounts.add_user("ana", "short")
    accounts.add_user("ana", "long enough pw")
    with pytest.raises(AccountError, match="already exists"):
        accounts.add_user("ana", "long enough pw")
    assert [u.name for u in accounts.list_users()] == ["ana"]


def test_roles_direct_by_team_strongest_wins_and_admin(accounts: Accounts) -> None:
    ana = accounts.add_user("ana", "long enough pw")
    bob = accounts.add_user("bob", "long enough pw")
    boss = accounts.add_user("boss", "long enough pw", admin=True)
    accounts.grant("map-a", Role.OWNER, user="ana")
    assert accounts.can(ana, "map-a", Action.DELETE)
    assert not any(accounts.can(bob, "map-a", a) for a in Action)
    assert all(accounts.can(boss, "map-a", a) for a in Action)  # admins see every map
    assert not accounts.can("ghost", "map-a", Action.VIEW) and not accounts.can(
        None, "map-a", "view"
    )

    accounts.add_team("marketing")
    accounts.join("marketing", "bob")
    accounts.grant("map-a", "viewer", team="marketing")
    assert accounts.can(bob, "map-a", "view") and not accounts.can(bob, "map-a", "edit")
    accounts.grant("map-a", "editor", user="bob")  # direct editor beats the team's viewer
    assert accounts.can(bob, "map-a", "edit") and not accounts.can(bob, "map-a", "rename")
    assert not accounts.can(bob, "map-a", "delete") and not accounts.can(bob, "map-a", "share")
    assert accounts.roles(bob) == {"map-a": Role.EDITOR}
    assert accounts.grants("map-a") == [
        ("team", "marketing", Role.VIEWER),
        ("user", "ana", Role.OWNER),
        ("user", "bob", Role.EDITOR),
    ]
    accounts.revoke("map-a", user="bob")
    assert accounts.roles(bob) == {"map-a": Role.VIEWER}
    accounts.leave("marketing", "bob")
    assert accounts.roles(bob) == {}


def test_removing_a_user_or_team_removes_their_roles(accounts: Accounts) -> None:
    accounts.add_user("ana", "long enough pw")
    accounts.add_team("sales")
    accounts.join("sales", "ana")
    accounts.grant("m", "owner", user="ana")
    accounts.grant("m", "viewer", team="sales")
    accounts.remove_team("sales")
    assert accounts.grants("m") == [("user", "ana", Role.OWNER)]
    accounts.remove_user("ana")
    assert accounts.grants("m") == [] and accounts.user("ana") is None
    # A new user who takes the old name inherits nothing.
    new_ana = accounts.add_user("ana", "long enough pw")
    assert accounts.roles(new_ana) == {}
    with pytest.raises(AccountError, match="No user"):
        accounts.remove_user("ana-2")


def test_proxy_users_are_created_without_a_password(accounts: Accounts) -> None:
    user = accounts.proxy_user("carla@example.com")
    assert not user.has_password and accounts.proxy_user("carla@example.com") == user
    assert accounts.verify("carla@example.com", "") is None  # no password sign-in for them


def test_head_is_alembics_head() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from assistant.db.engine import MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_current_head() == HEAD


def test_postgresql_behind_is_refused_until_upgraded(pg_url: str) -> None:
    with pytest.raises(SchemaOutdated, match="journey db upgrade"):
        Accounts(pg_url)
    done = journey("db", "upgrade", env={**_bare_env(), "JOURNEY_DATABASE_URL": pg_url})
    assert done.returncode == 0, done.stderr
    assert f"at schema {HEAD}" in done.stdout
    Accounts(pg_url).close()


def test_sqlite_made_before_migrations_is_upgraded_in_place(tmp_path: Path) -> None:
    """A workspace from before this version (tables made by the old store) keeps its maps."""
    import sqlite3

    from assistant.store import Store

    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as conn:  # the tables as the sqlite3 store of 0.1 made them
        conn.executescript(
            "CREATE TABLE maps (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, data TEXT NOT NULL,"
            " updated_at TEXT NOT NULL);"
            "CREATE TABLE changes (seq INTEGER PRIMARY KEY AUTOINCREMENT, map_id TEXT NOT NULL,"
            " at TEXT NOT NULL, tool TEXT NOT NULL, args TEXT NOT NULL, source TEXT NOT NULL,"
            " summary TEXT NOT NULL, before TEXT, undone INTEGER NOT NULL DEFAULT 0);"
            "CREATE TABLE chat (seq INTEGER PRIMARY KEY AUTOINCREMENT, map_id TEXT NOT NULL,"
            " at TEXT NOT NULL, role TEXT NOT NULL, content TEXT NOT NULL,"
            " meta TEXT NOT NULL DEFAULT '{}');"
        )
    url = f"sqlite:///{path}"
    old = Store(url)  # opening it migrates it
    made = old.create("old map")
    restored = old.load(made.id)
    restored.context.company = "Acme"
    old.save_change(made, restored, "set_context", {}, "user", "Set the company.")
    with old.transaction() as db:  # a change-log row as 0.1 wrote it: the whole map before
        db.execute(
            sa.text("UPDATE changes SET patch = NULL, before = :b WHERE tool = 'set_context'"),
            {"b": made.model_dump_json()},
        )
    assert old.undo(made.id) is not None and old.load(made.id).context.company is None
    old.close()
    Accounts(url).close()
    engine = make_engine(url)
    with engine.connect() as conn:
        tables = set(sa.inspect(conn).get_table_names())
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == HEAD
    engine.dispose()
    assert {"users", "teams", "team_members", "map_grants", "interview"} <= tables


def test_migrations_build_exactly_the_declared_schema(db_url: str, tmp_path: Path) -> None:
    """Running every migration (as `journey db upgrade` does) gives the schema that
    `assistant/db/tables.py` declares, which a fresh SQLite file is created from directly."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from assistant.db.tables import metadata

    if db_url.startswith("sqlite"):  # the fixture's file was created directly: migrate another
        db_url = f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
        with make_engine(db_url).connect() as conn:  # not fresh: the usage log's own table
            conn.exec_driver_sql(OLD_USAGE_TABLE)
            conn.exec_driver_sql("CREATE INDEX usage_map ON usage(map_id, seq)")
            conn.commit()
        assert upgrade(db_url) == HEAD
    engine = make_engine(db_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    engine.dispose()
    if db_url.startswith("sqlite"):
        # The kept table differs only in what SQLite does not distinguish: REAL vs FLOAT, and
        # an INTEGER PRIMARY KEY reflected as nullable.
        kept = [("modify_nullable", "seq"), ("modify_type", "cost_usd")]
        diff = [d for d in diff if not (isinstance(d, list) and (d[0][0], d[0][3]) in kept)]
    assert diff == []


# What the usage log created in SQLite workspaces before the migrations made the table.
OLD_USAGE_TABLE = """CREATE TABLE usage (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, map_id TEXT NOT NULL, at TEXT NOT NULL,
    model TEXT NOT NULL, calls INTEGER NOT NULL, first_prompt_tokens INTEGER NOT NULL,
    input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL,
    estimated INTEGER NOT NULL DEFAULT 0, cost_usd REAL)"""


def test_an_unreachable_database_is_one_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pgcluster import free_port

    url = f"postgresql+psycopg://journey:secret@127.0.0.1:{free_port()}/journey"
    monkeypatch.chdir(tmp_path)
    for command in (["users", "list"], ["serve", "--port", "1"], ["maps", "list"]):
        done = journey(*command, env={**_bare_env(), "JOURNEY_DATABASE_URL": url})
        assert done.returncode == 1, (command, done.stderr)
        assert "Could not open the database" in done.stderr, (command, done.stderr)
        assert "Traceback" not in done.stderr and "secret" not in done.stderr
