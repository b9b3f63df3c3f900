"""Shared fixtures, and the switch that keeps every test off the network except 127.0.0.1.

Any socket connection or name lookup aimed anywhere but the loopback interface is refused
with `NetworkBlocked` and fails the test that made it, so no test can reach a real model
provider (or anything else) even if a key or base URL leaks into the environment.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

_attempts: list[str] = []
_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo

# Variables that would send a test to a real provider or tracing service.
PROVIDER_ENV = (
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "OPENAI_API_BASE",
    "JOURNEY_MODEL",
    "JOURNEY_HOME",
    "LANGSMITH_TRACING",
    "LANGSMITH_API_KEY",
    "LANGCHAIN_TRACING_V2",
    "LANGCHAIN_API_KEY",
)


class NetworkBlocked(ConnectionRefusedError):
    """A test tried to reach a host other than 127.0.0.1."""


def _is_local(host: Any) -> bool:
    if host is None:
        return True
    text = host.decode() if isinstance(host, bytes) else str(host)
    if text.casefold() in {"localhost", "localhost.localdomain", ""}:
        return True
    try:
        return ipaddress.ip_address(text.split("%")[0]).is_loopback
    except ValueError:
        return False


def _check(target: str, host: Any) -> None:
    if not _is_local(host):
        _attempts.append(target)
        raise NetworkBlocked(f"tests may only connect to 127.0.0.1, not {target}")


def _guarded_connect(self: socket.socket, address: Any) -> None:
    if self.family in (socket.AF_INET, socket.AF_INET6):
        _check(repr(address), address[0])
    return _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> int:
    if self.family in (socket.AF_INET, socket.AF_INET6):
        _check(repr(address), address[0])
    return _real_connect_ex(self, address)


def _guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    _check(f"name lookup of {host!r}", host)
    return _real_getaddrinfo(host, *args, **kwargs)


def pytest_configure(config: pytest.Config) -> None:
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign,assignment]
    socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign,assignment]
    socket.getaddrinfo = _guarded_getaddrinfo


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under pytest-xdist's `--dist loadgroup` (`make test`), a test file stays on one
    worker, so its module-scoped server, browser or eval run starts once; a file that sets
    `SPREAD_OVER_WORKERS = True` lets its tests go to any worker (long independent cases)."""
    for item in items:
        if item.get_closest_marker("xdist_group"):
            continue
        module = getattr(item, "module", None)
        if module is not None and getattr(module, "SPREAD_OVER_WORKERS", False):
            continue
        item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))


@pytest.fixture(autouse=True)
def _no_real_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Clear provider settings from the environment; fail the test if it tried the network."""
    for name in PROVIDER_ENV:
        monkeypatch.delenv(name, raising=False)
    _attempts.clear()
    yield
    if _attempts:
        tried = ", ".join(dict.fromkeys(_attempts))
        _attempts.clear()
        pytest.fail(f"test tried to reach the network: {tried}", pytrace=False)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh workspace folder, also set as JOURNEY_HOME for code that reads the settings."""
    folder = tmp_path / "journey-home"
    folder.mkdir()
    monkeypatch.setenv("JOURNEY_HOME", str(folder))
    return folder


def _card_cache_folder() -> Path:
    """Where the tests keep the shipped cards' index: JOURNEY_TEST_CACHE_DIR, else the
    repository's `.cache/test-card-index` (ignored by git, removed by `make clean`)."""
    if env := os.environ.get("JOURNEY_TEST_CACHE_DIR"):
        return Path(env)
    return Path(__file__).resolve().parents[1] / ".cache" / "test-card-index"


@pytest.fixture(scope="session", autouse=True)
def _shared_card_index() -> Iterator[Path]:
    """One card-index cache (JOURNEY_CACHE_DIR) for every test run: the shipped cards are
    embedded once per card set and model, as the product does once per installation, and
    every later run, test workspace and subprocess loads the files. The cache is keyed by the
    cards' content hash and the model, so an edited card set builds its own files; tests of
    building and damage use folders of their own. Parallel workers (pytest-xdist) take a
    file lock, so one embeds and the others wait and load."""
    import fcntl

    folder = _card_cache_folder()
    folder.mkdir(parents=True, exist_ok=True)
    previous = os.environ.get("JOURNEY_CACHE_DIR")
    os.environ["JOURNEY_CACHE_DIR"] = str(folder)
    with (folder / ".build.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            _build_shipped_index()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    yield folder
    if previous is None:
        os.environ.pop("JOURNEY_CACHE_DIR", None)
    else:
        os.environ["JOURNEY_CACHE_DIR"] = previous


def _build_shipped_index() -> None:
    """Embed the shipped cards and build their lemma tables, unless the cache has them."""
    from assistant.retrieval import KnowledgeBase
    from assistant.settings import Settings

    home = Path(os.environ["JOURNEY_CACHE_DIR"]) / "unused-home"
    kb = KnowledgeBase(Settings(home=home, embeddings="minilm", chroma_url=None))
    kb.ensure_index()
    kb.index.lemma_tables(None)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Any]:
    """One throwaway PostgreSQL cluster for the whole run (see tests/pgcluster.py)."""
    from pgcluster import Cluster, find_bindir

    bindir = find_bindir()
    if bindir is None:
        pytest.skip(
            "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found: "
            "`make test` installs Debian's postgresql package"
        )
    cluster = Cluster(bindir).start()
    yield cluster
    cluster.stop()


@pytest.fixture
def pg_url(pg_cluster: Any) -> str:
    """The SQLAlchemy URL of a fresh, empty database in the throwaway cluster."""
    return str(pg_cluster.new_database())


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A workspace database URL, once per database: a SQLite file, then a migrated database
    in the throwaway PostgreSQL cluster (the store tests run on both)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'journey.sqlite3'}"
    from assistant.db import upgrade

    found = str(request.getfixturevalue("pg_url"))
    upgrade(found)
    return found


@pytest.fixture
def store(url: str) -> Iterator[Any]:
    """A `Store` on `url`, closed after the test."""
    from assistant.store import Store

    opened = Store(url)
    yield opened
    opened.close()


@pytest.fixture
def chroma_url(tmp_path: Path) -> Iterator[str]:
    """A real `chroma run` server on 127.0.0.1 for this test (see tests/chromaserver.py)."""
    from chromaserver import ChromaServer

    server = ChromaServer(tmp_path).start()
    yield server.url
    server.stop()
