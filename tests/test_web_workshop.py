"""The live-workshop features behind sign-in: who changed what, comments, version history
and restore, read-only share links, per-creator map names and scoped downloads. Through the
web handlers (SQLite and PostgreSQL) and through a real server (its Gradio API, the share
route and the file route), user B can reach nothing of user A's map."""

from __future__ import annotations

import http.cookiejar
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from gradio_client import Client

from assistant.accounts import Accounts
from assistant.accounts.web import MapScope
from assistant.settings import Settings
from assistant.store import Store
from assistant.web.handlers import Handlers, WebError
from assistant.web.serve import launch_app
from assistant.web.workshop import Actions

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
    for name in ("ana", "bob", "cy"):
        accounts.add_user(name, PASSWORD)
    return Handlers(settings, MapScope(accounts)), accounts


def _card(h: Handlers, session: object) -> str:
    result = session.tools.call(  # type: ignore[attr-defined]
        "add_persona_items", {"field": "goals", "items": ["Compare prices"]}
    )
    assert result.ok, result.text
    return str(session.map.persona.goals[-1].id)  # type: ignore[attr-defined]


def test_roles_decide_comments_restore_and_share(team: tuple[Handlers, Accounts]) -> None:
    h, accounts = team
    act = Actions(h)
    ana, _ = h.open("workshop", create=True, user="ana")
    item = _card(h, ana)
    accounts.grant(ana.map_id, "viewer", user="bob")
    accounts.grant(ana.map_id, "editor", user="cy")
    bob, _ = h.open("workshop", user="bob")
    cy, _ = h.open("workshop", user="cy")

    # Who changed what: the change log names the signed-in author.
    newest = act.history(bob)[0]
    assert (newest.author, newest.tool) == ("ana", "add_persona_items")
    # Viewers read comments and history, but may not comment, restore or share.
    made = act.comment(cy, item, "Too vague <b>here</b>")
    assert [(c.author, c.body) for c in act.comments(bob, item)] == [
        ("cy", "Too vague <b>here</b>")
    ]
    for attempt, action in (
        (lambda: act.comment(bob, item, "me too"), "comment"),
        (lambda: act.resolve(bob, made.id), "comment"),
        (lambda: act.restore(bob, newest.seq), "edit"),
        (lambda: act.share(bob), "share"),
        (lambda: act.share(cy), "share"),
    ):
        with pytest.raises(WebError, match=f"does not allow '{action}'"):
            attempt()
    # An editor restores (a change with his name on it); the owner shares.
    first = act.history(cy)[-1].seq  # the map as created
    act.restore(cy, first)
    assert h.store().load(ana.map_id).persona.goals == []
    assert act.history(ana)[0].author == "cy"
    act.resolve(cy, made.id)
    assert act.comments(ana, item)[0].resolved_by == "cy"
    assert act.share(ana) and act.unshare(ana)


def test_user_b_reaches_nothing_of_user_a_map(team: tuple[Handlers, Accounts]) -> None:
    h, accounts = team
    act = Actions(h)
    ana, _ = h.open("ana-plan", create=True, user="ana")
    item = _card(h, ana)
    seq = act.history(ana)[-1].seq
    h.scope.bind(ana, accounts.user("bob"))  # type: ignore[union-attr]
    for attempt in (
        lambda: act.history(ana),
        lambda: act.comments(ana, item),
        lambda: act.comment(ana, item, "mine"),
        lambda: act.resolve(ana, 1),
        lambda: act.restore(ana, seq),
        lambda: act.share(ana),
        lambda: act.unshare(ana),
    ):
        with pytest.raises(WebError, match="No such map"):
            attempt()
    h.scope.bind(ana, accounts.user("ana"))  # type: ignore[union-attr]
    assert act.comments(ana, item) == [] and len(act.history(ana)) == 2


def test_map_names_are_per_creator_and_leak_nothing(team: tuple[Handlers, Accounts]) -> None:
    h, accounts = team
    ana, _ = h.open("Q3 launch", create=True, user="ana")
    # bob may create a map of the same name: the other one is neither refused nor revealed.
    bob, _ = h.open("Q3 launch", create=True, user="bob")
    assert bob.map_id != ana.map_id and h.map_names("bob") == ["Q3 launch"]
    with pytest.raises(WebError, match="already exists"):
        h.open("Q3 launch", create=True, user="ana")
    # Shared with bob, both show in his list, told apart, and each opens by its value.
    accounts.grant(ana.map_id, "viewer", user="bob")
    options = h.map_options("bob")
    assert len(options) == 2 and {value for _, value in options} == {ana.map_id, bob.map_id}
    opened, _ = h.open(ana.map_id, user="bob")
    assert opened.map_id == ana.map_id


def _opener(url: str, name: str) -> urllib.request.OpenerDirector:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    data = urllib.parse.urlencode({"username": name, "password": PASSWORD}).encode()
    opener.open(f"{url}/login", data=data, timeout=30)
    return opener


def _status(opener: urllib.request.OpenerDirector, address: str) -> tuple[int, str]:
    try:
        with opener.open(address, timeout=30) as r:
            return int(r.status), r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return int(exc.code), ""


@pytest.fixture(scope="module")
def hub_offline() -> Iterator[None]:
    import huggingface_hub.constants as hub

    saved = hub.HF_HUB_OFFLINE, hub.HF_HUB_DISABLE_TELEMETRY
    hub.HF_HUB_OFFLINE, hub.HF_HUB_DISABLE_TELEMETRY = True, True
    yield
    hub.HF_HUB_OFFLINE, hub.HF_HUB_DISABLE_TELEMETRY = saved


@pytest.mark.server
def test_server_share_link_and_downloads_are_scoped(tmp_path: Path, hub_offline: None) -> None:
    from pgcluster import free_port

    settings = _settings(tmp_path / "home")
    accounts = Accounts(settings.database)
    for name in ("ana", "bob"):
        accounts.add_user(name, PASSWORD)
    demo, url = launch_app(settings, host="127.0.0.1", port=free_port())
    url = url.rstrip("/")
    try:
        a = Client(url, auth=("ana", PASSWORD), verbose=False, download_files=False)
        a.predict("Ana & co plan", api_name="/create_map")
        a.predict("Acme Analytics", [], api_name="/send")
        note = a.predict(api_name="/share_map")
        token = note.rsplit("/share/", 1)[1].strip()
        anonymous = urllib.request.build_opener()
        code, page = _status(anonymous, f"{url}/share/{token}")
        assert code == 200 and "Ana &amp; co plan" in page and "Ana & co" not in page
        assert "Acme Analytics" in page and "data-add" not in page  # read-only: no edit targets
        code, live = _status(anonymous, f"{url}/share/{token}/live?v=x")
        assert code == 200 and "Acme Analytics" in json.loads(live)["map"]
        assert _status(anonymous, f"{url}/share/{token[:-2]}")[0] == 404
        # The token opens nothing of the app itself.
        assert _status(anonymous, f"{url}/config")[0] == 401

        exported = a.predict("md", api_name="/export")
        file_url = exported["url"] if isinstance(exported, dict) else str(exported)
        file_url = file_url if file_url.startswith("http") else f"{url}{file_url}"
        ana_web, bob_web = _opener(url, "ana"), _opener(url, "bob")
        code, body = _status(ana_web, file_url)
        assert code == 200 and "Acme Analytics" in body
        assert _status(bob_web, file_url)[0] == 404
        direct = a.predict("md", api_name="/export")
        assert direct  # a second export: the exports folder itself is not a way in either
        for path in (settings.home / "exports").rglob("*.md"):
            assert _status(bob_web, f"{url}/gradio_api/file={path}")[0] == 404

        b = Client(url, auth=("bob", PASSWORD), verbose=False, download_files=False)
        b.predict("bob-plan", api_name="/create_map")
        with pytest.raises(Exception, match="No map named"):
            b.predict("Ana & co plan", api_name="/open_map")
        with pytest.raises(Exception, match="No map named"):
            b.predict(accounts.roles(accounts.user("ana"))  # type: ignore[arg-type]
                      .popitem()[0], api_name="/open_map")  # fmt: skip
        # A version number of ana's map restores nothing through bob's session.
        store = Store(settings.database)
        ana_id = next(m.id for m in store.list_maps() if m.name == "Ana & co plan")
        before = store.changes(ana_id)
        with pytest.raises(Exception):  # noqa: B017 - refused as not a choice or no version
            b.predict(before[0].seq, api_name="/restore_version")
        assert store.changes(ana_id) == before
        assert store.load(ana_id).context.company == "Acme Analytics"
        b.predict(api_name="/share_map")  # bob's link is of bob's own map
        a.predict(api_name="/unshare_map")
        assert _status(anonymous, f"{url}/share/{token}")[0] == 404
    finally:
        demo.close()


def test_who_changed_what_is_escaped_plain_and_dated() -> None:
    from datetime import UTC, datetime, timedelta

    from assistant.schema import JourneyMap
    from assistant.web import workshop_views as wv
    from tools.versions import Version

    moment = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    at = (moment - timedelta(seconds=12)).isoformat()
    rows = [
        Version(
            7,
            at,
            "<img src=x onerror=alert(1)>",
            'Added 1 item(s) to A / goals: "<b>x</b>" [ids: item-1a2b].',
            "add",
            False,
            True,
        ),  # noqa: E501
        Version(
            6,
            (moment - timedelta(minutes=3)).isoformat(),
            None,
            "Renamed map.",
            "rename_map",
            True,
            False,
        ),  # noqa: E501
        Version(5, at, None, "Created map 'x'.", "create_map", False, True),
    ]
    strip = wv.recent_html(rows, "en", moment)
    assert "&lt;img src=x" in strip and "<img" not in strip and "&lt;b&gt;x&lt;/b&gt;" in strip
    assert "item-1a2b" not in strip and "12 s ago" in strip and "3 min ago" in strip
    assert "Someone" in strip and "Created map" not in strip  # the creation is no news
    assert "12 s temu" in wv.recent_html(rows, "pl", moment)
    table = wv.history_html(rows, "en")
    assert table.count("<tr") == 4 and "(undone)" in table and "cannot be rebuilt" in table
    assert [seq for _, seq in wv.restore_choices(rows, "en")] == [5]  # not the current one
    journey = JourneyMap(name="Plan & co")
    from assistant.completeness import status

    screen = wv.facilitator_html(journey, status(journey), "What <now>?", rows, "en")
    assert "Plan &amp; co" in screen and "What &lt;now&gt;?" in screen
    assert "data-add=" not in screen and "jm-editable" not in screen.split("</style>", 1)[1]
