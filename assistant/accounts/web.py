"""Sign-in and per-map scoping for the web app, in one place the web layer calls.

`SignIn.for_settings(settings, auth)` decides how people sign in:
- a trusted identity header from a reverse proxy (JOURNEY_TRUSTED_USER_HEADER), when set;
- else the users table (`journey users add`), when it holds anyone: Gradio's login form checks
  passwords here, throttled per user name and per client address (counted in the database,
  so every replica throttles alike);
- else the one `--auth user:password` login (also throttled), unscoped as before;
- else nobody signs in (one person on 127.0.0.1).
With users or a trusted header, every map is scoped: `MapScope` lists, opens and changes only
what the signed-in user's roles allow (`Accounts.can`).
"""

from __future__ import annotations

import asyncio
import contextvars
import hmac
import ipaddress
import weakref
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from assistant.accounts.access import Action, Role
from assistant.accounts.store import AccountError, Accounts, User, check_user_name
from assistant.accounts.throttle import DatabaseThrottle, LoginThrottle
from assistant.settings import Settings

client_address: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "journey_client_address", default=None
)


class ClientAddressMiddleware:
    """ASGI middleware: remembers the connecting address for the sign-in check (Gradio's
    `auth` callable is only given the name and password)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        client = scope.get("client")
        token = client_address.set(client[0] if client else None)
        try:
            await self.app(scope, receive, send)
        finally:
            client_address.reset(token)


class AccessDenied(PermissionError):
    """The signed-in user may not do this; the message is one sentence for them."""


def is_loopback(host: str) -> bool:
    if host.casefold() in {"localhost", "localhost.localdomain"}:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(host: str, authenticated: bool, allow_public: bool) -> None:
    """Refuse (ValueError, one sentence) to serve a non-loopback address with nobody signing in."""
    if authenticated or allow_public or is_loopback(host):
        return
    raise ValueError(
        f"Refusing to serve {host} without sign-in: anyone on the network could read and change "
        "every map. Add a user (`journey users add NAME`), use --auth user:password or "
        "JOURNEY_TRUSTED_USER_HEADER behind a signing-in proxy, or pass --allow-public."
    )


@dataclass
class SignIn:
    """How the web app signs people in, as the arguments Gradio's `launch` takes."""

    accounts: Accounts | None = None
    scoped: bool = False
    auth: Callable[[str, str], Awaitable[bool]] | None = None
    auth_dependency: Callable[[Any], str | None] | None = None
    throttle: LoginThrottle = field(default_factory=LoginThrottle)

    @property
    def authenticated(self) -> bool:
        return self.auth is not None or self.auth_dependency is not None

    def launch_kwargs(self) -> dict[str, Any]:
        """`auth`/`auth_dependency` and the middleware for Gradio's `launch`."""
        from starlette.middleware import Middleware

        kwargs: dict[str, Any] = {
            "app_kwargs": {"middleware": [Middleware(ClientAddressMiddleware)]}
        }  # type: ignore[arg-type]
        if self.auth_dependency is not None:
            kwargs["auth_dependency"] = self.auth_dependency
        elif self.auth is not None:
            kwargs["auth"] = self.auth
            kwargs["auth_message"] = (
                "Sign in with your journey-assistant account. Repeated wrong passwords lock "
                "the name for a while."
            )
        return kwargs

    @classmethod
    def for_settings(
        cls, settings: Settings, shared_login: tuple[str, str] | None = None
    ) -> SignIn:
        header = (settings.trusted_user_header or "").strip()
        accounts = Accounts(settings.database)
        if header:
            return cls(accounts, True, auth_dependency=_header_dependency(accounts, header))
        # Accounts: failed sign-ins counted in the database, alike on every replica.
        if accounts.has_users():
            if shared_login is not None:
                accounts.close()
                raise ValueError(
                    "--auth cannot be combined with user accounts: add that login with "
                    "`journey users add NAME` instead."
                )
            sign_in = cls(accounts, True, throttle=DatabaseThrottle(accounts.engine))
            sign_in.auth = sign_in._check_account
            return sign_in
        accounts.close()
        sign_in = cls(None, False)
        if shared_login is not None:
            sign_in.auth = sign_in._shared_check(shared_login)
        return sign_in

    async def _check_account(self, name: str, password: str) -> bool:
        # Argon2 takes a good fraction of a second by design, and the throttle reads the
        # database: all of it off the event loop.
        return await asyncio.to_thread(self._verify, name, password, client_address.get())

    def _verify(self, name: str, password: str, address: str | None) -> bool:
        assert self.accounts is not None
        if self.throttle.wait(name, address) > 0:
            return False
        user = self.accounts.verify(name, password)
        if user is None:
            self.throttle.failed(name, address)
            return False
        self.throttle.succeeded(name)
        return True

    def _shared_check(self, login: tuple[str, str]) -> Callable[[str, str], Awaitable[bool]]:
        async def check(name: str, password: str) -> bool:
            address = client_address.get()
            if self.throttle.wait(name, address) > 0:
                return False
            ok = hmac.compare_digest(name.encode(), login[0].encode()) & hmac.compare_digest(
                password.encode(), login[1].encode()
            )
            if not ok:
                self.throttle.failed(name, address)
                return False
            self.throttle.succeeded(name)
            return True

        return check

    def scope(self) -> MapScope | None:
        """The per-user map filter, or None when maps are not scoped (one person)."""
        return MapScope(self.accounts) if self.scoped and self.accounts is not None else None


def _header_dependency(accounts: Accounts, header: str) -> Callable[[Any], str | None]:
    def user_from_header(request: Any) -> str | None:
        value = (request.headers.get(header) or "").strip()
        if not value:
            return None
        try:
            return accounts.proxy_user(value).name
        except AccountError:
            return None

    return user_from_header


class MapScope:
    """What one signed-in user may see and do, for the web handlers."""

    def __init__(self, accounts: Accounts) -> None:
        self.accounts = accounts
        self._users: weakref.WeakKeyDictionary[Any, User | None] = weakref.WeakKeyDictionary()

    def user(self, name: str | None) -> User | None:
        return self.accounts.user(name) if name else None

    def visible(self, user: User | None, maps: list[Any]) -> list[Any]:
        """The maps (anything with `.id`) this user may view, in the given order."""
        if user is None:
            return []
        if user.is_admin:
            return list(maps)
        roles = self.accounts.roles(user)
        return [m for m in maps if m.id in roles]

    def require(self, user: User | None, map_id: str, action: Action | str) -> None:
        if not self.accounts.can(user, map_id, action):
            if self.accounts.can(user, map_id, Action.VIEW):
                raise AccessDenied(f"Your role on this map does not allow '{Action(action)}'.")
            raise AccessDenied("No such map.")

    def created(self, user: User | None, map_id: str) -> None:
        if user is not None:
            self.accounts.grant(map_id, Role.OWNER, user=user.name)

    def deleted(self, map_id: str) -> None:
        self.accounts.forget_map(map_id)

    def bind(self, session: Any, user: User | None) -> None:
        """Remember who opened this session (a browser tab's), for its later actions."""
        self._users[session] = user

    def user_of(self, session: Any) -> User | None:
        return self._users.get(session)


__all__ = [
    "AccessDenied",
    "ClientAddressMiddleware",
    "MapScope",
    "SignIn",
    "check_bind",
    "check_user_name",
    "is_loopback",
]
