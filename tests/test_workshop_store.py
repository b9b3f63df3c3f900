"""The workshop's store parts against a SQLite file AND a real PostgreSQL server: who made
each change, version history and restore (one more change, undoable), comments on cards,
read-only share links (only a hash kept), and map names unique per namespace."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from assistant.accounts.sharing import ShareLinks
from assistant.db.tables import share_links
from assistant.schema import Item
from assistant.settings import Settings
from assistant.store import MapNotFound, Store, comments
from assistant.store.comments import CommentError
from tools import versions
from tools.context import ToolContext, ToolError


def _add_goal(ctx: ToolContext, text: str) -> int:
    def mutate(journey):  # type: ignore[no-untyped-def]
        journey.persona.goals.append(Item(text=text))
        return f"Added goal '{text}'."

    result = ctx.apply("add_goal", versions.RestoreArgs(seq=0), mutate)
    assert result.seq is not None
    return result.seq


def _goals(store: Store, map_id: str) -> list[str]:
    return [g.text for g in store.load(map_id).persona.goals]


def test_history_names_authors_and_restore_is_an_undoable_change(store: Store) -> None:
    journey = store.create("plan")
    ctx = ToolContext(store, journey.id, Settings())
    store.author = "anna"
    first = _add_goal(ctx, "one")
    store.author = "ben"
    _add_goal(ctx, "two")
    ctx.undo()  # the undo row keeps a patch too, so versions before it can be rebuilt
    _add_goal(ctx, "three")
    assert _goals(store, journey.id) == ["one", "three"]

    shown = versions.history(store, journey.id)
    assert [v.author for v in shown] == ["ben", "ben", "ben", "anna", None]
    assert [v.tool for v in shown][:3] == ["add_goal", "undo", "add_goal"]
    assert all(v.restorable for v in shown)
    assert [g.text for g in store.map_at(journey.id, first).persona.goals] == ["one"]

    store.author = "carla"
    done = versions.restore(ctx, first)
    assert done.ok and _goals(store, journey.id) == ["one"]
    newest = versions.history(store, journey.id)[0]
    assert (newest.tool, newest.author) == ("restore_version", "carla")
    assert f"version {first}" in newest.summary
    with pytest.raises(ToolError, match="already is"):
        versions.restore(ctx, first)
    with pytest.raises(ToolError, match="no version"):
        versions.restore(ctx, 999_999)
    ctx.undo()  # the restore itself is undone like any change
    assert _goals(store, journey.id) == ["one", "three"]
    assert store.load(journey.id).name == "plan"


def test_comments_add_list_resolve_and_go_with_the_map(store: Store) -> None:
    journey = store.create("plan")
    other = store.create("other")
    ctx = ToolContext(store, journey.id, Settings())
    _add_goal(ctx, "one")
    item = store.load(journey.id).persona.goals[0].id
    made = comments.add(store, journey.id, item, "  <b>too vague</b>  ", "anna")
    comments.add(store, journey.id, item, "agree", "ben")
    with pytest.raises(CommentError, match="Write the comment"):
        comments.add(store, journey.id, item, "   ", "anna")
    with pytest.raises(CommentError, match="no longer on the map"):
        comments.add(store, journey.id, "nope", "x", "anna")
    listed = comments.listed(store, journey.id, item)
    assert [(c.author, c.body) for c in listed] == [("anna", "<b>too vague</b>"), ("ben", "agree")]
    assert comments.open_counts(store, journey.id) == {item: 2}
    with pytest.raises(CommentError, match="No open comment"):
        comments.resolve(store, other.id, made.id, "eve")  # not through another map
    comments.resolve(store, journey.id, made.id, "ben")
    assert comments.open_counts(store, journey.id) == {item: 1}
    assert comments.listed(store, journey.id)[0].resolved_by == "ben"
    with pytest.raises(CommentError, match="No open comment"):
        comments.resolve(store, journey.id, made.id, "ben")
    store.delete(journey.id)
    assert comments.listed(store, journey.id) == []


def test_share_links_keep_only_a_hash_and_replace_and_revoke(store: Store, url: str) -> None:
    journey = store.create("plan")
    links = ShareLinks(url)
    token = links.create(journey.id, "anna")
    assert len(token) >= 40 and links.map_for(token) == journey.id
    with store.reading() as db:
        stored = db.execute(sa.select(share_links.c.token_hash)).scalars().all()
    assert stored and token not in stored[0] and len(stored[0]) == 64
    newer = links.create(journey.id, "anna")
    assert links.map_for(token) is None and links.map_for(newer) == journey.id
    assert links.map_for("") is None and links.map_for(newer + "x") is None
    assert links.link(journey.id) is not None
    assert links.revoke(journey.id) and links.map_for(newer) is None
    assert not links.revoke(journey.id)
    links.close()


def test_map_names_are_unique_per_namespace_only(store: Store) -> None:
    mine = store.create("Q3 launch", namespace="user:1")
    theirs = store.create("Q3 launch", namespace="user:2")  # another team's: no clash
    with pytest.raises(ValueError, match="already exists"):
        store.create("Q3 launch", namespace="user:1")
    store.create("Q4", namespace="user:1")
    with pytest.raises(ValueError, match="already exists"):
        store.rename(mine.id, "Q4")
    store.rename(theirs.id, "Q4")  # free in its own namespace
    assert store.namespace_of(theirs.id) == "user:2"
    with pytest.raises(MapNotFound, match="Several maps"):
        store.load("Q4")  # a shared name is no key; the id always is
    assert store.load(mine.id).name == "Q3 launch"


def test_cli_creates_shows_and_revokes_a_share_link(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from assistant.cli.main import app

    home = tmp_path / "home"
    store = Store(home / "journey.sqlite3")
    journey = store.create("Q3 plan")
    run = CliRunner()
    made = run.invoke(app, ["share", "create", "Q3 plan", "--url", "http://x", "--home", str(home)])
    assert made.exit_code == 0, made.output
    token = made.output.split("http://x/share/", 1)[1].split()[0]
    links = ShareLinks(store.url)
    assert links.map_for(token) == journey.id
    shown = run.invoke(app, ["share", "show", "Q3 plan", "--home", str(home)])
    assert "has a read-only link" in shown.output and token not in shown.output
    gone = run.invoke(app, ["share", "revoke", "Q3 plan", "--home", str(home)])
    assert gone.exit_code == 0 and links.map_for(token) is None
    missing = run.invoke(app, ["share", "create", "nope", "--home", str(home)])
    assert missing.exit_code == 1 and "No map named 'nope'" in missing.output
