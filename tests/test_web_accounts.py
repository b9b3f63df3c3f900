"""Signed-in users see and change only the maps their roles allow: through the web handlers,
and through a real server (Gradio's login, its API, a trusted proxy header)."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from gradio_client import Client
from inprocess import journey

from assistant.accounts import Accounts
from assistant.accounts.web import MapScope
from assistant.settings import Settings
from assistant.web.handlers import Handlers, WebError
from assistant.web.serve import launch_app

PASSWORD = "a long password"


def _settings(home: Path, **extra: object) -> Settings:
    return Settings().model_copy(
        update={"home": home, "model": "guided", "chroma_url": None, **extra}
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def team(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Handlers, Accounts]:
    extra: dict[str, object] = {}
    if request.param == "postgresql":
        from assistant.db import upgrade

        extra["database_url"] = str(request.getfixturevalue("pg_url"))
        upgrade(str(extra["database_url"]))
    settings = _settings(tmp_path / "home", **extra)
    accounts = Accounts(settings.database)
    for name in ("ana", "bob"):
        accounts.add_user(name, PASSWORD)
    accounts.add_user("root", PASSWORD, admin=True)
    return Handlers(settings, MapScope(accounts)), accounts


def test_user_b_cannot_list_open_change_or_download_user_a_map(
    team: tuple[Handlers, Accounts],
) -> None:
    h, accounts = team
    ana, _ = h.open("ana-plan", create=True, user="ana")
    list(h.chat(ana, "Acme Analytics", []))
    assert ana.map.context.company == "Acme Analytics"
    bob, _ = h.resume(None, None, user="bob")  # bob's first visit: a map of his own
    assert bob.map.name != "ana-plan"
    assert "ana-plan" not in h.map_names("bob") and "ana-plan" in h.map_names("ana")
    assert set(h.map_names("root")) >= {"ana-plan", bob.map.name}
    with pytest.raises(WebError, match="No map named"):
        h.open("ana-plan", user="bob")
    # A URL (?map=) or a name saved in the browser is no way in: bob gets his own map.
    again, _ = h.resume("ana-plan", "ana-plan", user="bob")
    assert again.map_id == bob.map_id
    # A session bound to bob cannot act on ana's map, whatever the page sends.
    h.scope.bind(ana, accounts.user("bob"))  # type: ignore[union-attr]
    for attempt in (
        lambda: list(h.chat(ana, "Evil Corp", [])),
        lambda: h.rename(ana, "stolen"),
        lambda: h.delete(ana, True),
        lambda: h.export(ana, "md"),
        lambda: h.ideas_file(ana, None),
        lambda: h.set_ideas(ana, ["x"], "accepted"),
        lambda: list(h.ingest(ana, ["x.md"])),
    ):
        with pytest.raises(WebError, match="No such map"):
            attempt()
    assert h.store().load("ana-plan").context.company == "Acme Analytics"


def test_roles_decide_what_a_shared_map_allows(team: tuple[Handlers, Accounts]) -> None:
    h, accounts = team
    ana, _ = h.open("shared", create=True, user="ana")
    accounts.grant(ana.map_id, "viewer", user="bob")
    bob, _ = h.open("shared", user="bob")
    assert Path(h.export(bob, "md")).read_text(encoding="utf-8")  # viewers may download
    with pytest.raises(WebError, match="does not allow 'edit'"):
        list(h.chat(bob, "Acme", []))
    accounts.grant(ana.map_id, "editor", user="bob")
    list(h.chat(bob, "Acme", []))
    assert h.store().load("shared").context.company == "Acme"
    with pytest.raises(WebError, match="does not allow 'rename'"):
        h.rename(bob, "mine-now")
    with pytest.raises(WebError, match="does not allow 'delete'"):
        h.delete(bob, True)
    accounts.revoke(ana.map_id, user="bob")  # takes effect on the tab he has open
    with pytest.raises(WebError, match="No such map"):
        h.export(bob, "md")
    h.delete(ana, True)  # the owner may; the roles go with the map
    assert accounts.grants(ana.map_id) == []


def _post_login(url: str, name: str, password: str) -> int:
    data = urllib.parse.urlencode({"username": name, "password": password}).encode()
    try:
        with urllib.request.urlopen(f"{url.rstrip('/')}/login", data=data, timeout=30) as r:
            return int(r.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


@pytest.fixture(scope="module")
def hub_offline() -> Iterator[None]:
    import huggingface_hub.constants as hub

    saved = hub.HF_HUB_OFFLINE, hub.HF_HUB_DISABLE_TELEMETRY
    hub.HF_HUB_OFFLINE, hub.HF_HUB_DISABLE_TELEMETRY = True, True
    yield
    hub.HF_HUB_OFFLINE, hub.HF_HUB_DISABLE_TELEMETRY = saved


@pytest.mark.server
def test_server_scopes_every_api_call_and_throttles_logins(
    tmp_path: Path, hub_offline: None
) -> None:
    from pgcluster import free_port

    settings = _settings(tmp_path / "home")
    accounts = Accounts(settings.database)
    for name in ("ana", "bob", "eve"):
        accounts.add_user(name, PASSWORD)
    demo, url = launch_app(settings, host="127.0.0.1", port=free_port())
    try:
        a = Client(url, auth=("ana", PASSWORD), verbose=False, download_files=False)
        opened = a.predict("ana-plan", api_name="/create_map")
        a.predict("Acme Analytics", [], api_name="/send")
        b = Client(url, auth=("bob", PASSWORD), verbose=False, download_files=False)
        mine = b.predict("bob-plan", api_name="/create_map")
        assert [c[0] for c in mine[6]["choices"]] == ["bob-plan"]
        assert [c[0] for c in opened[6]["choices"]] == ["ana-plan"]
        with pytest.raises(Exception, match="No map named"):
            b.predict("ana-plan", api_name="/open_map")
        b.predict("Evil Corp", [], api_name="/send")  # lands on bob's own map
        assert accounts.can("ana", Handlers(settings).store().load("ana-plan").id, "edit")
        assert Handlers(settings).store().load("ana-plan").context.company == "Acme Analytics"
        # Unauthenticated calls get nothing.
        with pytest.raises(Exception):  # noqa: B017 - gradio_client's error type varies
            Client(url, verbose=False).predict("x", api_name="/create_map")
        # Wrong passwords: five are answered, then even the right one is refused for a while.
        assert _post_login(url, "eve", PASSWORD) == 200
        assert [_post_login(url, "eve", "wrong") for _ in range(5)] == [400] * 5
        assert _post_login(url, "eve", PASSWORD) == 400
    finally:
        demo.close()


@pytest.mark.server
def test_trusted_proxy_header_signs_users_in(tmp_path: Path, hub_offline: None) -> None:
    from pgcluster import free_port

    settings = _settings(tmp_path / "home", trusted_user_header="X-Forwarded-User")
    demo, url = launch_app(settings, host="127.0.0.1", port=free_port())
    try:
        carla = Client(url, headers={"X-Forwarded-User": "carla"}, verbose=False)
        opened = carla.predict("carla-plan", api_name="/create_map")
        assert opened[0] == "carla-plan"
        dan = Client(url, headers={"X-Forwarded-User": "dan"}, verbose=False)
        with pytest.raises(Exception, match="No map named"):
            dan.predict("carla-plan", api_name="/open_map")
        request = urllib.request.Request(f"{url.rstrip('/')}/config")
        with pytest.raises(urllib.error.HTTPError) as denied:
            urllib.request.urlopen(request, timeout=30)
        assert denied.value.code == 401
        users = {u.name: u for u in Accounts(settings.database).list_users()}
        assert set(users) == {"carla", "dan"} and not users["carla"].has_password
    finally:
        demo.close()


def test_public_bind_without_sign_in_is_one_sentence_and_exit(tmp_path: Path) -> None:
    # In this process (tests/inprocess.py), with every JOURNEY_ setting removed, as the
    # bare environment of a subprocess had them.
    bare = {name: None for name in os.environ if name.startswith("JOURNEY_")}
    done = journey("serve", "--host", "0.0.0.0", "--home", str(tmp_path), env=bare)
    assert done.returncode == 1
    assert "Refusing to serve 0.0.0.0 without sign-in" in done.stderr
    assert "--allow-public" in done.stderr and "Traceback" not in done.stderr
    json.dumps(done.stderr)
