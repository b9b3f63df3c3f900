"""Engines with the durability settings each database needs, and Alembic upgrades."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from assistant.db.tables import metadata

# The newest migration in migrations/versions. A test checks it equals Alembic's head, so
# opening a current database costs one small query rather than loading Alembic.
HEAD = "0005_workshop"

MIGRATIONS = Path(__file__).parent / "migrations"
WRITE = "journey_write"
"""Execution option: this transaction will write (SQLite takes the write lock at BEGIN)."""

_checked: set[str] = set()
_lock = threading.Lock()


class SchemaOutdated(RuntimeError):
    """The database's schema is older than this version of the app."""


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached or opened; the message is one sentence."""


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def make_engine(url: str, read_only: bool = False) -> sa.Engine:
    """An engine for `url`. SQLite: WAL with synchronous=FULL (every commit durable), a 30 s
    busy wait, and write transactions that take the lock at BEGIN (BEGIN IMMEDIATE) so two
    writers queue instead of failing on a lock upgrade. PostgreSQL: pre-pinged pooled
    connections (a restarted server costs no failed request)."""
    if not is_sqlite(url):
        return sa.create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=20)
    path = make_url(url).database
    if path and path != ":memory:" and not read_only:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi: Any, _record: Any) -> None:
        dbapi.isolation_level = None  # SQLAlchemy's "begin" event below emits BEGIN itself
        if read_only:
            return
        dbapi.execute("PRAGMA journal_mode=WAL")
        dbapi.execute("PRAGMA synchronous=FULL")
        dbapi.execute("PRAGMA busy_timeout=30000")

    @sa.event.listens_for(engine, "begin")
    def _begin(conn: sa.Connection) -> None:
        # Reads run without an explicit transaction: each statement sees one consistent
        # snapshot, and a read costs no BEGIN/ROLLBACK round trip.
        if conn.get_execution_options().get(WRITE, False):
            conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def current_revision(conn: sa.Connection) -> str | None:
    """The Alembic revision the database is at, or None for a database never migrated."""
    if not sa.inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(url: str, engine: sa.Engine | None = None) -> str:
    """Bring the database to the newest schema; returns the revision it is at."""
    from alembic import command
    from alembic.config import Config

    own = engine is None
    engine = engine or make_engine(url)
    try:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
        with engine.connect().execution_options(**{WRITE: True}) as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
            conn.commit()
        with engine.connect() as conn:
            return current_revision(conn) or ""
    finally:
        if own:
            engine.dispose()


def _create_fresh(engine: sa.Engine) -> bool:
    """A brand-new SQLite file: create the newest schema at once and stamp it (what running
    every migration would produce, as a test checks, without loading Alembic: a new workspace
    opens in milliseconds). False when the file already holds tables."""
    with engine.connect().execution_options(**{WRITE: True}) as conn, conn.begin():
        if sa.inspect(conn).get_table_names():
            return False
        metadata.create_all(conn)
        conn.exec_driver_sql("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
        conn.execute(sa.text("INSERT INTO alembic_version VALUES (:v)"), {"v": HEAD})
    return True


def ensure_schema(url: str, engine: sa.Engine) -> None:
    """Once per process and database: SQLite is upgraded in place; a PostgreSQL database that
    is behind raises SchemaOutdated with the command to run."""
    if url in _checked:
        return
    with _lock:
        if url in _checked:
            return
        try:
            with engine.connect() as conn:
                revision = current_revision(conn)
            if revision is None and is_sqlite(url) and _create_fresh(engine):
                revision = HEAD
            if revision != HEAD:
                if not is_sqlite(url):
                    shown = make_url(url).render_as_string(hide_password=True)
                    raise SchemaOutdated(
                        f"The database {shown} is at schema {revision or 'none'}, this version "
                        f"needs {HEAD}: run `journey db upgrade` once (with the same "
                        "JOURNEY_DATABASE_URL)."
                    )
                upgrade(url, engine)
        except sa.exc.DBAPIError as exc:
            if is_sqlite(url) and isinstance(exc.orig, sqlite3.Error):
                # A damaged, foreign or read-only SQLite file: SQLite's own error, which the
                # CLI turns into its sentence (and a read-only workspace opens read-only).
                raise exc.orig from exc
            shown = make_url(url).render_as_string(hide_password=True)
            reason = str(exc.orig or exc).strip().splitlines()[0]
            raise DatabaseUnavailable(f"Could not open the database {shown}: {reason}") from exc
        except sa.exc.SQLAlchemyError as exc:
            shown = make_url(url).render_as_string(hide_password=True)
            raise DatabaseUnavailable(f"Could not open the database {shown}: {exc}") from exc
        _checked.add(url)
