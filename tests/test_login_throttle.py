"""Failed sign-ins are throttled per user name and per client address, with a doubling wait."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from assistant.accounts import Accounts, DatabaseThrottle, LoginThrottle
from assistant.accounts.web import SignIn, check_bind, client_address
from assistant.db import make_engine, upgrade
from assistant.settings import Settings


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_backoff_doubles_after_the_free_tries_and_caps() -> None:
    clock = Clock()
    throttle = LoginThrottle(free=3, base=1.0, cap=8.0, clock=clock)
    for _ in range(2):
        throttle.failed("ana", "10.0.0.1")
        assert throttle.wait("ana", "10.0.0.1") == 0
    waits = []
    for _ in range(6):
        throttle.failed("ana", "10.0.0.1")
        waits.append(throttle.wait("ana", "10.0.0.1"))
    assert waits == [1.0, 2.0, 4.0, 8.0, 8.0, 8.0]
    clock.now += 8.0
    assert throttle.wait("ana", "10.0.0.1") == 0


def test_user_lock_holds_from_any_address_and_address_lock_for_any_name() -> None:
    clock = Clock()
    throttle = LoginThrottle(free=2, base=10.0, clock=clock)
    for _ in range(2):
        throttle.failed("ana", "10.0.0.1")
    assert throttle.wait("ana", "10.9.9.9") > 0  # guessing ana's password from elsewhere
    assert throttle.wait("bob", "10.0.0.2") == 0  # others are not affected
    # One address rotating through names is locked whatever name it tries next.
    for name in ("u1", "u2", "u3"):
        throttle.failed(name, "10.0.0.3")
    assert throttle.wait("someone-new", "10.0.0.3") > 0


def test_success_clears_the_user_but_not_a_guessing_address() -> None:
    clock = Clock()
    throttle = LoginThrottle(free=2, base=10.0, clock=clock)
    throttle.failed("ana", "10.0.0.1")
    throttle.succeeded("ana")
    throttle.failed("ana", "10.0.0.1")
    assert throttle.wait("ana", "10.0.0.5") == 0  # the count restarted after the success
    for name in ("x1", "x2"):
        throttle.failed(name, "10.0.0.1")
    throttle.succeeded("ana")
    assert throttle.wait("ana", "10.0.0.1") > 0


def test_old_failures_are_forgotten() -> None:
    clock = Clock()
    throttle = LoginThrottle(free=2, base=10.0, forget=60.0, clock=clock)
    throttle.failed("ana", None)
    clock.now += 61
    throttle.failed("ana", None)
    assert throttle.wait("ana", None) == 0


def _check(sign_in: SignIn, name: str, password: str, address: str) -> bool:
    async def run() -> bool:
        client_address.set(address)
        assert sign_in.auth is not None
        return await sign_in.auth(name, password)

    return asyncio.run(run())


def test_sign_in_refuses_even_the_right_password_while_locked(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path)
    accounts = Accounts(settings.database)
    accounts.add_user("ana", "right password")
    accounts.close()
    sign_in = SignIn.for_settings(settings)
    assert sign_in.scoped and sign_in.authenticated
    clock = Clock()
    sign_in.throttle = LoginThrottle(free=5, base=30.0, clock=clock)
    assert _check(sign_in, "ana", "right password", "10.0.0.1")
    for _ in range(5):
        assert not _check(sign_in, "ana", "wrong", "10.0.0.1")
    assert not _check(sign_in, "ana", "right password", "10.0.0.2")  # locked: not even checked
    clock.now += 31
    assert _check(sign_in, "ana", "right password", "10.0.0.2")


def test_shared_login_is_throttled_too(tmp_path: Path) -> None:
    sign_in = SignIn.for_settings(Settings(home=tmp_path), ("team", "s3cret-pass"))
    assert not sign_in.scoped
    sign_in.throttle = LoginThrottle(free=3, base=60.0, clock=Clock())
    assert _check(sign_in, "team", "s3cret-pass", "10.0.0.1")
    for _ in range(3):
        assert not _check(sign_in, "team", "nope", "10.0.0.1")
    assert not _check(sign_in, "team", "s3cret-pass", "10.0.0.1")


def test_auth_flag_beside_user_accounts_is_refused(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path)
    Accounts(settings.database).add_user("ana", "right password")
    with pytest.raises(ValueError, match="journey users add"):
        SignIn.for_settings(settings, ("team", "pw-pw-pw-pw"))


def test_public_bind_needs_sign_in_or_explicit_permission() -> None:
    with pytest.raises(ValueError, match="--allow-public"):
        check_bind("0.0.0.0", authenticated=False, allow_public=False)
    with pytest.raises(ValueError, match="Refusing to serve 192.168.1.5"):
        check_bind("192.168.1.5", authenticated=False, allow_public=False)
    check_bind("0.0.0.0", authenticated=True, allow_public=False)
    check_bind("0.0.0.0", authenticated=False, allow_public=True)
    for local in ("127.0.0.1", "localhost", "::1", "127.0.0.2"):
        check_bind(local, authenticated=False, allow_public=False)


def _replicas(url: str, clock: Clock) -> tuple[SignIn, SignIn]:
    """Two app processes' sign-ins on one database (each with its own engine)."""
    settings = Settings().model_copy(update={"database_url": url})
    first, second = SignIn.for_settings(settings), SignIn.for_settings(settings)
    for sign_in in (first, second):
        assert isinstance(sign_in.throttle, DatabaseThrottle)
        sign_in.throttle.clock = clock
        sign_in.throttle.base = 30.0
    return first, second


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_replicas_share_one_throttle_through_the_database(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if backend == "postgresql":
        url = request.getfixturevalue("pg_url")
        upgrade(url)
    else:
        url = f"sqlite:///{tmp_path / 'journey.sqlite3'}"
    accounts = Accounts(url)
    accounts.add_user("ana", "right password")
    clock = Clock()
    one, two = _replicas(url, clock)
    # Guessing through both replicas in turn: the fifth failure locks the name on both.
    for n in range(5):
        assert not _check(one if n % 2 else two, "ana", f"wrong {n}", "10.0.0.1")
    assert not _check(one, "ana", "right password", "10.0.0.2")
    assert not _check(two, "ana", "right password", "10.0.0.3")
    clock.now += 31
    assert _check(two, "ana", "right password", "10.0.0.2")
    # The success cleared the name for both; the guessing address stays counted.
    assert one.throttle.wait("ana", "10.0.0.9") == 0
    with accounts.engine.connect() as conn:
        rows = set(conn.execute(sa.text("SELECT key, failures FROM login_failures")))
    assert rows == {("addr:10.0.0.1", 5)}


def test_concurrent_failures_on_two_replicas_are_all_counted(pg_url: str) -> None:
    upgrade(pg_url)
    engines = [make_engine(pg_url), make_engine(pg_url)]
    throttles = [DatabaseThrottle(e, free=1000) for e in engines]

    def guess(throttle: DatabaseThrottle) -> None:
        for _ in range(20):
            throttle.failed("ana", None)

    threads = [threading.Thread(target=guess, args=(t,)) for t in throttles for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with engines[0].connect() as conn:
        failures = conn.execute(sa.text("SELECT failures FROM login_failures")).scalar()
    assert failures == 80
    for engine in engines:
        engine.dispose()
