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


@pytest.fixture(scope="session", autouse=True)
def _shared_card_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One card-index cache (JOURNEY_CACHE_DIR) for the whole test session: the shipped cards
    are embedded once, then every test's workspace (and its subprocesses) reuses them, as
    every workspace of an installation does. Parallel workers share one folder."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent
    folder = root / "card-index-cache"
    folder.mkdir(exist_ok=True)
    previous = os.environ.get("JOURNEY_CACHE_DIR")
    os.environ["JOURNEY_CACHE_DIR"] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop("JOURNEY_CACHE_DIR", None)
    else:
        os.environ["JOURNEY_CACHE_DIR"] = previous


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


@pytest.fixture
def chroma_url(tmp_path: Path) -> Iterator[str]:
    """A real `chroma run` server on 127.0.0.1 for this test (see tests/chromaserver.py)."""
    from chromaserver import ChromaServer

    server = ChromaServer(tmp_path).start()
    yield server.url
    server.stop()
