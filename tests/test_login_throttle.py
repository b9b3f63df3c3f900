"""Failed sign-ins are throttled per user name and per client address, with a doubling wait."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from assistant.accounts import Accounts, LoginThrottle
from assistant.accounts.web import SignIn, check_bind, client_address
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
