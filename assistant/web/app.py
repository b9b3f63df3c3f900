"""The Gradio page: layout and wiring only. Behaviour lives in `handlers.py`, `editing.py` and
`actions.py`, looks in `views.py`, labels in `prompts/web/<lang>.yaml`.

Named API endpoints (for `gradio_client` and scripts): open_map, create_map, send, rename_map,
delete_map, ingest, suggest_research, ideas, generate_ideas, accept_ideas, reject_ideas,
ideas_csv, export, learn, pick_card, save_card, add_card, delete_card, accept_card,
reject_card, move_card, undo_card, poll; workshop (workshop.py): card_comments, add_comment,
resolve_comment, restore_version, share_map, unshare_map.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from assistant.accounts.web import MapScope
from assistant.exports import FORMATS as EXPORT_FORMATS
from assistant.settings import Settings, get_settings
from assistant.visual.labels import fill, labels
from assistant.web import edit_panel, ideas_tab, views, workshop
from assistant.web.actions import ActionError, suggest_from_research
from assistant.web.edit_panel import user_error
from assistant.web.handlers import Handlers, WebError
from assistant.web.learn import (
    FIRST_CONCEPT,
    concept_choices,
    concept_first,
    concept_text,
    sample_panel,
)
from assistant.web.style import APP_CSS

RESEARCH_TYPES = [".md", ".markdown", ".txt", ".pdf", ".docx", ".html", ".htm", ".csv"]
POLL_SECONDS = 2.0
"""How often an open page checks whether its map changed elsewhere (one tiny query)."""


def _close(session: Any) -> None:
    """gr.State's delete callback: release the tab's SQLite connection."""
    if session is not None:
        session.store.close()


def create_app(settings: Settings | None = None, scope: MapScope | None = None) -> gr.Blocks:
    """The whole web app for one workspace (`settings.home`); `scope` limits every map action
    to the signed-in user's roles (assistant/accounts/web.py)."""
    settings = settings or get_settings()
    h = Handlers(settings, scope)
    t = labels("en")
    a, w, types = t["app"], t["workshop"], ", ".join(RESEARCH_TYPES)

    with gr.Blocks(title=a["title"], analytics_enabled=False) as demo:
        session = gr.State(None, delete_callback=_close)
        version = gr.State("")
        saved = gr.BrowserState(None, storage_key="journey-assistant-map")
        with gr.Row(elem_classes="jw-top") as top_row:
            title = gr.Markdown(f"## {a['title']}", elem_id="jw-title")
            progress = gr.HTML(elem_id="jw-progress")
        purpose = gr.HTML(elem_id="jw-purpose")
        with gr.Tabs() as tabs:
            with gr.Tab(a["tabs"]["interview"], id="interview") as tab_interview:
                chatbot = gr.Chatbot(label=a["chat"], height=360, elem_id="jw-chat")
                with gr.Row():
                    msg = gr.Textbox(
                        placeholder=a["placeholder"],
                        show_label=False,
                        scale=5,
                        elem_id="jw-input",
                        max_length=settings.max_answer_chars,
                    )
                    send = gr.Button(a["send"], variant="primary", scale=1, elem_id="jw-send")
                map_hint = gr.Markdown(a["map_hint"], elem_id="jw-map-hint")
                recent = workshop.build_recent()
                map_html = gr.HTML(elem_id="jw-map")
                panel = edit_panel.build()
                comments_ui = workshop.build_comments(panel)
            with gr.Tab(a["tabs"]["maps"], id="maps") as tab_maps:
                maps_dd = gr.Dropdown(
                    label=t["maps"]["yours"], choices=[], elem_id="jw-maps", allow_custom_value=True
                )
                open_btn = gr.Button(t["maps"]["open"])
                with gr.Row():
                    new_name = gr.Textbox(label=t["maps"]["new_name"], elem_id="jw-new-name")
                    create_btn = gr.Button(
                        t["maps"]["create"], variant="primary", elem_id="jw-create"
                    )
                with gr.Row():
                    rename_to = gr.Textbox(label=t["maps"]["rename_to"])
                    rename_btn = gr.Button(t["maps"]["rename"])
                with gr.Row():
                    confirm = gr.Checkbox(label=t["maps"]["confirm"])
                    delete_btn = gr.Button(t["maps"]["delete"], variant="stop")
                maps_note = gr.Markdown()
                share_btn, unshare_btn, share_note = workshop.build_share()
            with gr.Tab(a["tabs"]["research"], id="research") as tab_research:
                r = t["research"]
                research_intro = gr.Markdown(
                    fill(r["intro"], types=types, mb=f"{settings.max_upload_mb:g}")
                )
                files = gr.File(file_count="multiple", file_types=RESEARCH_TYPES, label=r["files"])
                ingest_btn = gr.Button(r["add"], variant="primary")
                ingest_table = gr.Dataframe(
                    headers=views.INGEST_COLUMNS, interactive=False, label=r["table"]
                )
                research_next = gr.Markdown(elem_id="jw-research-next")
                suggest_btn = gr.Button(r["suggest"], elem_id="jw-suggest")
                research_note = gr.Markdown(elem_id="jw-research-note")
            with gr.Tab(a["tabs"]["ideas"], id="ideas") as tab_ideas:
                ideas = ideas_tab.build()
            with gr.Tab(a["tabs"]["export"], id="export") as tab_export:
                fmt = gr.Radio(
                    [(f.label, k) for k, f in EXPORT_FORMATS.items()], value="html", label="Format"
                )
                export_btn = gr.Button(
                    t["export"]["button"], variant="primary", elem_id="jw-export"
                )
                export_file = gr.File(
                    label=t["export"]["file"], interactive=False, elem_id="jw-file"
                )
            with gr.Tab(w["history_tab"], id="history") as tab_history:
                history, restore_pick, restore_btn, history_note = workshop.build_history_tab()
            with gr.Tab(a["tabs"]["learn"], id="learn") as tab_learn:
                learn_intro = gr.Markdown(t["learn"]["intro"])
                sample_html = gr.HTML()
                concept = gr.Dropdown(
                    label=t["learn"]["concept"], choices=concept_choices(), value=FIRST_CONCEPT
                )
                concept_md = gr.Markdown(concept_text(FIRST_CONCEPT))
        with gr.Column(visible=False, elem_id="jw-facilitator") as facilitator_box:
            facilitator = gr.HTML()
        ws = workshop.Workshop(
            recent, history, restore_pick, restore_btn, history_note, facilitator, *comments_ui,
            share_btn, unshare_btn, share_note,
        )  # fmt: skip
        timer = gr.Timer(POLL_SECONDS)

        # Components whose labels follow the open map's language.
        def relabel(language: str) -> tuple:
            t = labels(language)
            a, m, r = t["app"], t["maps"], t["research"]
            tabs = a["tabs"]
            return (
                gr.update(label=tabs["interview"]),
                gr.update(label=tabs["maps"]),
                gr.update(label=tabs["research"]),
                gr.update(label=tabs["ideas"]),
                gr.update(label=tabs["export"]),
                gr.update(label=tabs["learn"]),
                gr.update(label=a["chat"]),
                gr.update(placeholder=a["placeholder"]),
                gr.update(value=a["send"]),
                a["map_hint"],
                gr.update(label=m["yours"]),
                gr.update(value=m["open"]),
                gr.update(label=m["new_name"]),
                gr.update(value=m["create"]),
                gr.update(label=m["rename_to"]),
                gr.update(value=m["rename"]),
                gr.update(label=m["confirm"]),
                gr.update(value=m["delete"]),
                fill(r["intro"], types=types, mb=f"{settings.max_upload_mb:g}"),
                gr.update(label=r["files"]),
                gr.update(value=r["add"]),
                gr.update(value=r["suggest"]),
                *ideas_tab.relabel(language),
                gr.update(
                    label=t["export"]["format"],
                    choices=[(t["export"]["formats"][k], k) for k in EXPORT_FORMATS],
                ),
                gr.update(value=t["export"]["button"]),
                gr.update(label=t["export"]["file"]),
                gr.update(
                    label=t["learn"]["concept"],
                    choices=concept_choices(language),
                    value=concept_first(language),
                ),
                concept_text(concept_first(language), language),
                t["learn"]["intro"],
                *workshop.relabel(language),
                gr.update(label=t["workshop"]["history_tab"]),
            )

        relabelled = [
            tab_interview, tab_maps, tab_research, tab_ideas, tab_export, tab_learn,
            chatbot, msg, send, map_hint, maps_dd, open_btn, new_name, create_btn, rename_to,
            rename_btn, confirm, delete_btn, research_intro, files, ingest_btn, suggest_btn,
            *ideas.labelled, fmt, export_btn, export_file, concept, concept_md, learn_intro,
            *ws.labelled, tab_history,
        ]  # fmt: skip
        idea_outputs = ideas.outputs
        opened = [session, saved, chatbot, map_html, progress, purpose, title, maps_dd]
        opened += [*idea_outputs, maps_note, version, *relabelled, *panel.outputs, *ws.live]
        panels = [map_html, progress, purpose, *idea_outputs, *ws.live]

        def _panels(sess: Any) -> tuple:
            return (*h.panels(sess), *ideas_tab.values(sess), *workshop.live(sess))

        def show_opened(sess: Any, messages: list[dict], note: str = "") -> tuple:
            journey = sess.map
            language = journey.language
            return (
                sess,
                journey.name,
                messages,
                *h.panels(sess),
                f"## {labels(language)['app']['title']} · {journey.name}",
                gr.update(choices=h.map_options(h.user_of(sess)), value=_picked(h, sess)),
                *ideas_tab.values(sess),
                note,
                h.version(sess),
                *relabel(language),
                *edit_panel.show(edit_panel.form_for(journey, "", language), language, []),
                *workshop.live(sess),
            )

        def on_load(saved_name: str | None, request: gr.Request) -> tuple:
            wanted = request.query_params.get("map") if request else None
            user = request.username if request else None
            sess, messages = h.resume(wanted, saved_name, user)
            if workshop.facilitating(request):
                workshop.FACILITATORS.add(sess)
            return show_opened(sess, messages)

        def on_open(name: str, old: Any, request: gr.Request) -> tuple:
            sess, messages = _call(h.open, name, False, request.username)
            _close(old)
            return show_opened(sess, messages, _note(sess, "opened", sess.map.name))

        def on_create(name: str, old: Any, request: gr.Request) -> tuple:
            sess, messages = _call(h.open, name, True, request.username)
            _close(old)
            return show_opened(sess, messages, _note(sess, "created", sess.map.name))

        skip_all = tuple(gr.skip() for _ in range(2 + len(panels) + 2))

        def on_send(  # type: ignore[no-untyped-def]
            text: str,
            messages: list[dict],
            sess: Any,
            saved_name: str | None = None,
            request: gr.Request | None = None,
        ):
            if not (text or "").strip():
                yield ("", *skip_all[1:])  # an empty message is ignored quietly
                return
            if sess is None:  # sent before the page finished loading: open the map it would
                wanted = request.query_params.get("map") if request else None
                user = request.username if request else None
                sess, messages = _call(h.resume, wanted, saved_name, user, False)
            sess = _call(h.ensure, sess, "edit")
            skip = [gr.skip()] * len(panels)
            for shown, final in h.chat(sess, text, messages):
                if final:
                    yield ("", shown, *_panels(sess), h.version(sess), sess)
                else:
                    yield ("", shown, *skip, gr.skip(), sess)

        def on_poll(sess: Any, seen: str) -> tuple:
            """Redraw the map when it changed elsewhere (another tab, person or the CLI)."""
            now = h.version(sess)
            if sess is None or now in ("", "gone", seen):
                return tuple(gr.skip() for _ in range(1 + len(panels)))
            return (now, *_panels(sess))

        def on_rename(new: str, sess: Any) -> tuple:
            sess = _call(h.ensure, sess)
            name = _call(h.rename, sess, new)
            language = sess.map.language
            return (
                name,
                f"## {labels(language)['app']['title']} · {name}",
                gr.update(choices=h.map_options(h.user_of(sess)), value=_picked(h, sess)),
                h.panels(sess)[0],
                _note(sess, "renamed", name),
            )

        def on_delete(yes: bool, sess: Any) -> tuple:
            sess = _call(h.ensure, sess)
            gone = sess.map.name
            user = h.user_of(sess)
            _call(h.delete, sess, yes)
            new_sess, messages = h.resume(None, None, user)
            return show_opened(new_sess, messages, _note(new_sess, "deleted", gone))

        def on_ingest(paths: list[str] | None, sess: Any, bar=gr.Progress()):  # type: ignore[no-untyped-def]  # noqa: B008
            sess = _call(h.ensure, sess)
            total = len(paths or [])
            nxt = labels(sess.map.language)["research"]["next"]
            try:
                for done, rows in enumerate(h.ingest(sess, paths or []), 1):
                    bar((done, total), desc="…")
                    yield rows, nxt
            except WebError as exc:
                raise user_error(str(exc)) from exc

        def on_suggest(sess: Any) -> tuple:
            sess = _call(h.ensure, sess)
            try:
                _, note = suggest_from_research(sess)
            except ActionError as exc:
                raise user_error(str(exc)) from exc
            return (note, h.version(sess), *_panels(sess))

        gr.on([demo.load], on_load, inputs=[saved], outputs=opened, api_name=False, queue=False)
        demo.load(sample_panel, outputs=[sample_html], api_name=False, queue=False)
        open_btn.click(on_open, [maps_dd, session], opened, api_name="open_map")
        create_btn.click(on_create, [new_name, session], opened, api_name="create_map")
        gr.on(
            [msg.submit, send.click],
            on_send,
            inputs=[msg, chatbot, session, saved],
            outputs=[msg, chatbot, *panels, version, session],
            api_name="send",
        )
        timer.tick(
            on_poll,
            [session, version],
            [version, *panels],
            api_name="poll",
            show_progress="hidden",
            queue=False,
        )
        edit_panel.wire(panel, session, chatbot, panels, _panels, lambda s: _call(h.ensure, s))
        rename_btn.click(
            on_rename,
            [rename_to, session],
            [saved, title, maps_dd, map_html, maps_note],
            api_name="rename_map",
        )
        delete_btn.click(on_delete, [confirm, session], opened, api_name="delete_map")
        ingest_btn.click(
            on_ingest, [files, session], [ingest_table, research_next], api_name="ingest"
        )
        suggest_btn.click(
            on_suggest, [session], [research_note, version, *panels], api_name="suggest_research"
        )
        ideas_tab.wire(ideas, h, session, version, panels, _panels, map_html, _call)
        workshop.wire(ws, h, panel, session, version, panels, _panels, tab_maps)
        demo.load(
            workshop.mode,
            None,
            [top_row, purpose, tabs, facilitator_box],
            api_name=False,
            queue=False,
        )
        export_btn.click(
            lambda f, s: _call(h.export, _call(h.ensure, s), f),
            [fmt, session],
            [export_file],
            api_name="export",
        )
        concept.change(
            lambda cid, s: concept_text(cid, s.map.language if s is not None else "en"),
            [concept, session],
            [concept_md],
            api_name="learn",
        )
    demo.journey_handlers = h  # type: ignore[attr-defined]
    return demo


def _note(session: Any, key: str, name: str) -> str:
    """A Maps-tab note in the (now open) map's language."""
    return fill(labels(session.map.language)["maps"][key], name=name)


def _picked(h: Handlers, session: Any) -> str:
    """The map picker's value for the open map (its id when its name is shared)."""
    journey = session.map
    values = [value for _, value in h.map_options(h.user_of(session))]
    return journey.id if journey.id in values else journey.name


def _call(fn: Any, *args: Any) -> Any:
    """Run a handler; a WebError becomes a Gradio error toast with the same message."""
    try:
        return fn(*args)
    except WebError as exc:
        raise user_error(str(exc)) from exc


__all__ = ["APP_CSS", "create_app", "edit_panel"]
