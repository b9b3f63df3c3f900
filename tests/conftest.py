"""Shared fixtures, and the switch that keeps every test off the network except 127.0.0.1.

Any socket connection or name lookup aimed anywhere but the loopback interface is refused
with `NetworkBlocked` and fails the test that made it, so no test can reach a real model
provider (or anything else) even if a key or base URL leaks into the environment.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import tempfile
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


def _temp_root() -> Path | None:
    """Where the tests' temporary files go: JOURNEY_TEST_TMPDIR (empty: the system's), else
    a folder in /dev/shm when there is one. The tests' SQLite files commit with fsync
    (synchronous=FULL) as the product does; on a disk each commit waits a few milliseconds
    (several seconds per eval run, far more on a busy disk), in memory it does not. The
    throwaway PostgreSQL cluster runs with fsync=off for the same reason."""
    if "JOURNEY_TEST_TMPDIR" in os.environ:
        chosen = os.environ["JOURNEY_TEST_TMPDIR"]
        return Path(chosen) if chosen else None
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK | os.X_OK):
        return shm / f"journey-tests-{os.getuid()}"
    return None


def pytest_configure(config: pytest.Config) -> None:
    root = _temp_root()
    if root is not None:
        # readable by all: the PostgreSQL cluster runs as `postgres` under root
        root.mkdir(mode=0o755, parents=True, exist_ok=True)
        os.environ["TMPDIR"] = str(root)  # subprocesses: servers, the CLI, chromium
        tempfile.tempdir = str(root)  # this process (pytest's tmp_path, tempfile)
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign,assignment]
    socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign,assignment]
    socket.getaddrinfo = _guarded_getaddrinfo


# Under pytest-xdist's `--dist loadfile` (`make test`) a test file stays on one worker, so
# its module-scoped server, browser or eval run starts once, and the files go out in the order
# of collection: the slowest files first, so the longest file does not start last. A file's
# time is what it took on the last run (pytest's cache, written by the process that reports);
# before there is one, files that start a browser or a server count as slow.
FILE_TIMES = "journey/file-seconds"
_SLOW_MARKS = {"browser": 30.0, "server": 20.0}


def _file_of(item: pytest.Item) -> str:
    return item.nodeid.split("::")[0]


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Order the test files slowest first (the tests of a file keep their order)."""
    cache = getattr(config, "cache", None)
    known: dict[str, float] = cache.get(FILE_TIMES, {}) if cache is not None else {}
    guessed: dict[str, float] = {}
    for item in items:
        file = _file_of(item)
        weight = max((_SLOW_MARKS.get(m.name, 0.0) for m in item.iter_markers()), default=0.0)
        guessed[file] = max(guessed.get(file, 0.0), weight)
    seconds = {file: float(known.get(file, guess)) for file, guess in guessed.items()}
    items.sort(key=lambda item: -seconds[_file_of(item)])


_file_seconds: dict[str, float] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Add up each file's setup, call and teardown time (in the process that reports: the
    xdist controller, or the only process)."""
    file = report.nodeid.split("::")[0]
    _file_seconds[file] = _file_seconds.get(file, 0.0) + report.duration


def pytest_sessionfinish(session: pytest.Session) -> None:
    cache = getattr(session.config, "cache", None)
    if cache is None or not _file_seconds or hasattr(session.config, "workerinput"):
        return
    merged = dict(cache.get(FILE_TIMES, {}))
    merged.update({file: round(s, 2) for file, s in _file_seconds.items()})
    cache.set(FILE_TIMES, merged)


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
