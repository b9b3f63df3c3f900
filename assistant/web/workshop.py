"""The live-workshop parts of the page, built and wired here (layout of the rest: app.py):
who changed what above the map, comments in the card editor, the History tab with restore,
the read-only link in the Maps tab, and the facilitator's shared screen (`?view=facilitator`).

Every action checks the tab's user through `Handlers.ensure`: viewers read history and
comments; commenting needs `comment` (editors, owners), restoring `edit`, links `share`.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import gradio as gr

from assistant.accounts.sharing import PREFIX, ShareLinks
from assistant.completeness import status
from assistant.store import comments
from assistant.store.comments import Comment, CommentError
from assistant.visual.labels import fill, labels
from assistant.web import workshop_views as wv
from assistant.web.edit_panel import EditPanel, user_error
from assistant.web.handlers import Handlers, WebError
from tools import versions
from tools.context import ToolError

HISTORY_ROWS = 100
FACILITATORS: weakref.WeakSet[Any] = weakref.WeakSet()
"""Sessions opened with ?view=facilitator: their shared screen is redrawn with the map."""


@dataclass
class Workshop:
    recent: gr.HTML
    history: gr.HTML
    restore_pick: gr.Dropdown
    restore: gr.Button
    history_note: gr.Markdown
    facilitator: gr.HTML
    comments: gr.HTML
    comment_text: gr.Textbox
    comment: gr.Button
    resolve_pick: gr.Dropdown
    resolve: gr.Button
    share: gr.Button
    unshare: gr.Button
    share_note: gr.Markdown

    @property
    def live(self) -> list[Any]:
        """Redrawn whenever the map is (after a change here, or one seen by the poll)."""
        return [self.recent, self.history, self.restore_pick, self.facilitator]

    @property
    def labelled(self) -> list[Any]:
        return [
            self.restore_pick, self.restore, self.comment_text, self.comment,
            self.resolve_pick, self.resolve, self.share, self.unshare,
        ]  # fmt: skip


def build_recent() -> gr.HTML:
    return gr.HTML(elem_id="jw-recent")


def build_comments(panel: EditPanel) -> tuple[gr.HTML, gr.Textbox, gr.Button, Any, Any]:
    """Inside the card editor, under its buttons."""
    w = labels("en")["workshop"]
    with panel.box:
        found = gr.HTML(elem_id="jw-comments")
        with gr.Row():
            text = gr.Textbox(
                label=w["comment_text"], lines=1, scale=4, elem_id="jw-comment-text",
                max_length=2000,
            )  # fmt: skip
            add = gr.Button(w["comment"], size="sm", scale=1, elem_id="jw-comment-add")
        with gr.Row():
            pick = gr.Dropdown(label=w["resolve_pick"], choices=[], scale=4, elem_id="jw-c-pick")
            resolve = gr.Button(w["resolve"], size="sm", scale=1, elem_id="jw-comment-resolve")
    return found, text, add, pick, resolve


def build_history_tab() -> tuple[gr.HTML, gr.Dropdown, gr.Button, gr.Markdown]:
    """The History tab's contents (inside its gr.Tab)."""
    w = labels("en")["workshop"]
    with gr.Row():
        pick = gr.Dropdown(label=w["restore_pick"], choices=[], scale=4, elem_id="jw-restore-pick")
        restore = gr.Button(w["restore"], variant="primary", scale=1, elem_id="jw-restore")
    note = gr.Markdown(elem_id="jw-history-note")
    table = gr.HTML(elem_id="jw-history")
    return table, pick, restore, note


def build_share() -> tuple[gr.Button, gr.Button, gr.Markdown]:
    """The Maps tab's read-only link controls."""
    w = labels("en")["workshop"]
    gr.Markdown(f"**{w['share_title']}**: {w['share_intro']}", elem_id="jw-share-intro")
    with gr.Row():
        share = gr.Button(w["share_create"], elem_id="jw-share")
        unshare = gr.Button(w["share_revoke"], elem_id="jw-unshare")
    note = gr.Markdown(elem_id="jw-share-note")
    return share, unshare, note


def relabel(language: str) -> tuple:
    w = labels(language)["workshop"]
    return (
        gr.update(label=w["restore_pick"]),
        gr.update(value=w["restore"]),
        gr.update(label=w["comment_text"]),
        gr.update(value=w["comment"]),
        gr.update(label=w["resolve_pick"]),
        gr.update(value=w["resolve"]),
        gr.update(value=w["share_create"]),
        gr.update(value=w["share_revoke"]),
    )


def live(session: Any) -> tuple:
    """Values for `Workshop.live`: the strip, the history, its restore choices and (for a
    facilitator's tab) the shared screen."""
    journey = session.map
    language = journey.language
    found = versions.history(session.store, session.map_id, HISTORY_ROWS)
    screen: Any = gr.skip()
    if session in FACILITATORS:
        st = status(journey)
        asked = current_question(session, str(st.next_gap) if st.next_gap else None)
        screen = wv.facilitator_html(journey, st, asked, found, language)
    return (
        wv.recent_html(found, language),
        wv.history_html(found, language),
        gr.update(choices=wv.restore_choices(found, language), value=None),
        screen,
    )


def current_question(session: Any, next_gap: str | None) -> str:
    """The question the interview asks now: the guided engine's wording for the gap the
    last reply asked about (or the next gap); with an LLM, its last reply."""
    last = next((m for m in reversed(session.history(20)) if m["role"] == "assistant"), None)
    gap = (last or {}).get("meta", {}).get("gap") or next_gap
    ask = getattr(session.engine, "question", None)
    if gap and ask is not None:
        try:
            return str(ask(session, str(gap)))
        except (KeyError, ValueError):
            pass
    return str((last or {}).get("content", ""))


def facilitating(request: gr.Request | None) -> bool:
    return bool(request) and request.query_params.get("view") == "facilitator"  # type: ignore[union-attr]


def mode(request: gr.Request) -> tuple:
    """Visibility of the page's parts (top row, banner, tabs; the shared screen): everything,
    or with ?view=facilitator the facilitator's shared screen only."""
    on = facilitating(request)
    shown = gr.update(visible=not on)
    return (shown, shown, shown, gr.update(visible=on))


def _item(form: Any) -> str:
    if form is None or getattr(form, "mode", "none") != "edit" or not form.item_id:
        raise user_error(labels("en")["edit"]["empty"])
    return str(form.item_id)


def share_status(h: Handlers, session: Any) -> str:
    if session is None:
        return ""
    w = labels(session.map.language)["workshop"]
    links = ShareLinks(h.settings.database)
    try:
        link = links.link(session.map_id)
    finally:
        links.close()
    if link is None:
        return w["share_none"]
    return fill(w["share_active"], who=link.created_by or w["someone"], when=link.created_at[:16])


class Actions:
    """What the workshop's events do, each behind the tab user's access check: plain
    methods (tested without a browser) raising WebError with a sentence for the person."""

    def __init__(self, h: Handlers) -> None:
        self.h = h

    def _ensure(self, session: Any, action: str) -> Any:
        return self.h.ensure(session, action)

    def history(self, session: Any) -> list[versions.Version]:
        session = self._ensure(session, "view")
        return versions.history(session.store, session.map_id, HISTORY_ROWS)

    def comments(self, session: Any, item_id: str) -> list[Comment]:
        session = self._ensure(session, "view")
        return comments.listed(session.store, session.map_id, item_id)

    def comment(self, session: Any, item_id: str, text: str) -> Comment:
        session = self._ensure(session, "comment")
        try:
            return comments.add(
                session.store, session.map_id, item_id, text, self.h.user_of(session)
            )
        except CommentError as exc:
            raise WebError(str(exc)) from exc

    def resolve(self, session: Any, comment_id: int) -> None:
        session = self._ensure(session, "comment")
        try:
            comments.resolve(session.store, session.map_id, comment_id, self.h.user_of(session))
        except CommentError as exc:
            raise WebError(str(exc)) from exc

    def restore(self, session: Any, seq: int) -> str:
        session = self._ensure(session, "edit")
        try:
            versions.restore(session.context, seq)
        except ToolError as exc:
            raise WebError(str(exc)) from exc
        return fill(labels(session.map.language)["workshop"]["restored"], seq=seq)

    def share(self, session: Any) -> str:
        """A new read-only link's token (the old one stops working)."""
        session = self._ensure(session, "share")
        links = ShareLinks(self.h.settings.database)
        try:
            return links.create(session.map_id, self.h.user_of(session))
        finally:
            links.close()

    def unshare(self, session: Any) -> bool:
        session = self._ensure(session, "share")
        links = ShareLinks(self.h.settings.database)
        try:
            return links.revoke(session.map_id)
        finally:
            links.close()


def wire(
    ws: Workshop,
    h: Handlers,
    panel: EditPanel,
    session: Any,
    version: Any,
    panels: list[Any],
    redraw: Callable[[Any], tuple],
    share_tab: Any,
) -> Actions:
    act = Actions(h)

    def call(fn: Callable[..., Any], *args: Any) -> Any:
        try:
            return fn(*args)
        except WebError as exc:
            raise user_error(str(exc)) from exc

    def shown(sess: Any, item_id: str) -> tuple:
        found = call(act.comments, sess, item_id)
        return (
            wv.comments_html(found, sess.map.language),
            gr.update(choices=wv.comment_choices(found), value=None),
        )

    def on_pick(pick: str, sess: Any) -> tuple:
        kind, _, item_id = (pick or "").partition(":")
        if sess is None or kind != "item" or not item_id:
            return "", gr.update(choices=[], value=None)
        return shown(sess, item_id)

    panel.go.click(
        on_pick, [panel.pick, session], [ws.comments, ws.resolve_pick],
        api_name="card_comments", show_progress="hidden",
    )  # fmt: skip

    def on_comment(text: str, form: Any, sess: Any) -> tuple:
        item_id = _item(form)
        call(act.comment, sess, item_id, text)
        return (*shown(sess, item_id), "")

    ws.comment.click(
        on_comment, [ws.comment_text, panel.form, session],
        [ws.comments, ws.resolve_pick, ws.comment_text], api_name="add_comment",
    )  # fmt: skip

    def on_resolve(comment_id: Any, form: Any, sess: Any) -> tuple:
        item_id = _item(form)
        if comment_id in (None, ""):
            raise user_error(labels("en")["workshop"]["resolve_pick"] + "?")
        call(act.resolve, sess, int(comment_id))
        return shown(sess, item_id)

    ws.resolve.click(
        on_resolve, [ws.resolve_pick, panel.form, session], [ws.comments, ws.resolve_pick],
        api_name="resolve_comment",
    )  # fmt: skip

    def on_restore(seq: Any, sess: Any) -> tuple:
        if seq in (None, ""):
            raise user_error(labels("en")["workshop"]["restore_pick"] + "?")
        note = call(act.restore, sess, int(seq))
        return (note, h.version(sess), *redraw(sess))

    ws.restore.click(
        on_restore, [ws.restore_pick, session], [ws.history_note, version, *panels],
        api_name="restore_version",
    )  # fmt: skip

    def on_share(sess: Any, request: gr.Request) -> str:
        token = call(act.share, sess)
        base = str(getattr(request, "base_url", "") or "").rstrip("/") if request else ""
        return fill(
            labels(sess.map.language)["workshop"]["share_made"], url=f"{base}{PREFIX}{token}"
        )

    ws.share.click(on_share, [session], [ws.share_note], api_name="share_map")

    def on_unshare(sess: Any) -> str:
        call(act.unshare, sess)
        return str(labels(sess.map.language)["workshop"]["share_revoked"])

    ws.unshare.click(on_unshare, [session], [ws.share_note], api_name="unshare_map")
    share_tab.select(
        lambda s: share_status(h, s), [session], [ws.share_note], api_name=False, queue=False
    )
    return act
