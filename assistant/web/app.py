"""The Gradio page: layout and wiring only. Behaviour lives in `handlers.py`, looks in `views.py`.

Named API endpoints (for `gradio_client` and scripts): open_map, create_map, send, rename_map,
delete_map, ingest, ideas, accept_ideas, reject_ideas, ideas_csv, export, learn.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from assistant.accounts.web import MapScope
from assistant.settings import Settings, get_settings
from assistant.visual.view import FORMAT_LABELS
from assistant.web import views
from assistant.web.exports import EXPORT_LABELS
from assistant.web.handlers import Handlers, WebError
from assistant.web.learn import FIRST_CONCEPT, concept_choices, concept_text, sample_panel
from assistant.web.style import APP_CSS, INTRO

RESEARCH_TYPES = [".md", ".markdown", ".txt", ".pdf", ".docx", ".html", ".htm", ".csv"]


def _close(session: Any) -> None:
    """gr.State's delete callback: release the tab's SQLite connection."""
    if session is not None:
        session.store.close()


def create_app(settings: Settings | None = None, scope: MapScope | None = None) -> gr.Blocks:
    """The whole web app for one workspace (`settings.home`); `scope` limits every map action
    to the signed-in user's roles (assistant/accounts/web.py)."""
    settings = settings or get_settings()
    h = Handlers(settings, scope)

    with gr.Blocks(title="Journey assistant", analytics_enabled=False) as demo:
        session = gr.State(None, delete_callback=_close)
        saved = gr.BrowserState(None, storage_key="journey-assistant-map")
        with gr.Row(elem_classes="jw-top"):
            title = gr.Markdown("## Journey assistant", elem_id="jw-title")
            progress = gr.HTML(elem_id="jw-progress")
        purpose = gr.HTML(elem_id="jw-purpose")
        with gr.Tabs():
            with gr.Tab("Interview", id="interview"), gr.Row():
                with gr.Column(scale=2, min_width=340):
                    chatbot = gr.Chatbot(label="Interview", height=600, elem_id="jw-chat")
                    with gr.Row():
                        msg = gr.Textbox(
                            placeholder="Type your answer and press Enter",
                            show_label=False,
                            scale=5,
                            elem_id="jw-input",
                            max_length=settings.max_answer_chars,
                        )
                        send = gr.Button("Send", variant="primary", scale=1, elem_id="jw-send")
                with gr.Column(scale=3, min_width=480):
                    map_html = gr.HTML(elem_id="jw-map")
            with gr.Tab("Maps", id="maps"):
                maps_dd = gr.Dropdown(
                    label="Your maps", choices=[], elem_id="jw-maps", allow_custom_value=True
                )
                open_btn = gr.Button("Open map")
                with gr.Row():
                    new_name = gr.Textbox(label="New map name", elem_id="jw-new-name")
                    create_btn = gr.Button("Create map", variant="primary")
                with gr.Row():
                    rename_to = gr.Textbox(label="Rename this map to")
                    rename_btn = gr.Button("Rename")
                with gr.Row():
                    confirm = gr.Checkbox(label="Yes, delete this map and its history")
                    delete_btn = gr.Button("Delete map", variant="stop")
                maps_note = gr.Markdown()
            with gr.Tab("Research", id="research"):
                gr.Markdown(
                    f"Upload interview notes, reviews, surveys or sales notes "
                    f"({', '.join(RESEARCH_TYPES)}; up to {settings.max_upload_mb:g} MB each). "
                    "They become evidence the assistant can cite for this map."
                )
                files = gr.File(
                    file_count="multiple", file_types=RESEARCH_TYPES, label="Research files"
                )
                ingest_btn = gr.Button("Add to research", variant="primary")
                ingest_table = gr.Dataframe(
                    headers=views.INGEST_COLUMNS, interactive=False, label="Result per file"
                )
            with gr.Tab("Ideas", id="ideas"):
                fmt_filter = gr.Dropdown(
                    label="Format",
                    choices=[("All formats", "")] + [(v, k) for k, v in FORMAT_LABELS.items()],
                    value="",
                )
                ideas_table = gr.Dataframe(
                    headers=views.IDEA_COLUMNS, interactive=False, label="Content ideas by stage"
                )
                idea_pick = gr.Dropdown(label="Ideas to review", multiselect=True, choices=[])
                with gr.Row():
                    accept_btn = gr.Button("Accept", variant="primary")
                    reject_btn = gr.Button("Reject")
                    csv_btn = gr.Button("Download CSV")
                ideas_note = gr.Markdown()
                ideas_file = gr.File(label="Ideas CSV", interactive=False)
            with gr.Tab("Export", id="export"):
                fmt = gr.Radio(
                    [(v, k) for k, v in EXPORT_LABELS.items()], value="html", label="Format"
                )
                export_btn = gr.Button("Export", variant="primary", elem_id="jw-export")
                export_file = gr.File(label="Download", interactive=False, elem_id="jw-file")
            with gr.Tab("Learn", id="learn"):
                gr.Markdown(INTRO)
                sample_html = gr.HTML()
                concept = gr.Dropdown(
                    label="Explain a concept", choices=concept_choices(), value=FIRST_CONCEPT
                )
                concept_md = gr.Markdown(concept_text(FIRST_CONCEPT))

        opened = [session, saved, chatbot, map_html, progress, purpose, title, maps_dd]
        opened += [ideas_table, idea_pick, maps_note]
        panels = [map_html, progress, purpose, ideas_table, idea_pick]

        def show_opened(sess: Any, messages: list[dict], note: str = "") -> tuple:
            name = sess.map.name
            names = h.map_names(h.user_of(sess))
            rows, pick = _ideas(sess, "")
            return (
                sess,
                name,
                messages,
                *h.panels(sess),
                f"## Journey assistant · {name}",
                gr.update(choices=names, value=name),
                rows,
                pick,
                note,
            )

        def on_load(saved_name: str | None, request: gr.Request) -> tuple:
            wanted = request.query_params.get("map") if request else None
            user = request.username if request else None
            return show_opened(*h.resume(wanted, saved_name, user))

        def on_open(name: str, old: Any, request: gr.Request) -> tuple:
            sess, messages = _call(h.open, name, False, request.username)
            _close(old)
            return show_opened(sess, messages, f"Opened '{sess.map.name}'.")

        def on_create(name: str, old: Any, request: gr.Request) -> tuple:
            sess, messages = _call(h.open, name, True, request.username)
            _close(old)
            return show_opened(sess, messages, f"Created '{sess.map.name}'.")

        def on_send(  # type: ignore[no-untyped-def]
            text: str,
            messages: list[dict],
            sess: Any,
            saved_name: str | None = None,
            request: gr.Request | None = None,
        ):
            if not (text or "").strip():
                raise gr.Error("Type an answer first.")
            if sess is None:  # sent before the page finished loading: open the map it would
                wanted = request.query_params.get("map") if request else None
                user = request.username if request else None
                sess, messages = _call(h.resume, wanted, saved_name, user, False)
            sess = _call(h.ensure, sess, "edit")
            skip = [gr.skip()] * len(panels)
            for shown, final in h.chat(sess, text, messages):
                if final:
                    yield ("", shown, *_panels(sess), sess)
                else:
                    yield ("", shown, *skip, sess)

        def _panels(sess: Any) -> tuple:
            return (*h.panels(sess), *_ideas(sess, ""))

        def _ideas(sess: Any, fmt_value: str) -> tuple:
            rows = views.idea_rows(sess.map, fmt_value or None)
            pick = gr.update(choices=[(f"{r[2]} ({r[0]})", r[-1]) for r in rows], value=[])
            return rows, pick

        def on_rename(new: str, sess: Any) -> tuple:
            sess = _call(h.ensure, sess)
            name = _call(h.rename, sess, new)
            return (
                name,
                f"## Journey assistant · {name}",
                gr.update(choices=h.map_names(h.user_of(sess)), value=name),
                h.panels(sess)[0],
                f"Renamed to '{name}'.",
            )

        def on_delete(yes: bool, sess: Any) -> tuple:
            sess = _call(h.ensure, sess)
            gone = sess.map.name
            user = h.user_of(sess)
            _call(h.delete, sess, yes)
            new_sess, messages = h.resume(None, None, user)
            return show_opened(new_sess, messages, f"Deleted '{gone}'.")

        def on_ingest(paths: list[str] | None, sess: Any, bar=gr.Progress()):  # type: ignore[no-untyped-def]  # noqa: B008
            sess = _call(h.ensure, sess)
            total = len(paths or [])
            try:
                for done, rows in enumerate(h.ingest(sess, paths or []), 1):
                    bar((done, total), desc="Ingesting research")
                    yield rows
            except WebError as exc:
                raise gr.Error(str(exc)) from exc

        def on_ideas(fmt_value: str, sess: Any) -> tuple:
            return _ideas(_call(h.ensure, sess), fmt_value)

        def review(status: str):  # type: ignore[no-untyped-def]
            def run(ids: list[str], fmt_value: str, sess: Any) -> tuple:
                sess = _call(h.ensure, sess)
                note = _call(h.set_ideas, sess, ids, status)
                return (*_ideas(sess, fmt_value), note, h.panels(sess)[0])

            return run

        gr.on([demo.load], on_load, inputs=[saved], outputs=opened, api_name=False, queue=False)
        demo.load(sample_panel, outputs=[sample_html], api_name=False, queue=False)
        open_btn.click(on_open, [maps_dd, session], opened, api_name="open_map")
        create_btn.click(on_create, [new_name, session], opened, api_name="create_map")
        chat_out = [msg, chatbot, *panels, session]
        gr.on(
            [msg.submit, send.click],
            on_send,
            inputs=[msg, chatbot, session, saved],
            outputs=chat_out,
            api_name="send",
        )
        rename_btn.click(
            on_rename,
            [rename_to, session],
            [saved, title, maps_dd, map_html, maps_note],
            api_name="rename_map",
        )
        delete_btn.click(on_delete, [confirm, session], opened, api_name="delete_map")
        ingest_btn.click(on_ingest, [files, session], [ingest_table], api_name="ingest")
        fmt_filter.change(
            on_ideas, [fmt_filter, session], [ideas_table, idea_pick], api_name="ideas"
        )
        review_out = [ideas_table, idea_pick, ideas_note, map_html]
        accept_btn.click(
            review("accepted"),
            [idea_pick, fmt_filter, session],
            review_out,
            api_name="accept_ideas",
        )
        reject_btn.click(
            review("rejected"),
            [idea_pick, fmt_filter, session],
            review_out,
            api_name="reject_ideas",
        )
        csv_btn.click(
            lambda f, s: _call(h.ideas_file, _call(h.ensure, s), f),
            [fmt_filter, session],
            [ideas_file],
            api_name="ideas_csv",
        )
        export_btn.click(
            lambda f, s: _call(h.export, _call(h.ensure, s), f),
            [fmt, session],
            [export_file],
            api_name="export",
        )
        concept.change(concept_text, [concept], [concept_md], api_name="learn")
    demo.journey_handlers = h  # type: ignore[attr-defined]
    return demo


def _call(fn: Any, *args: Any) -> Any:
    """Run a handler; a WebError becomes a Gradio error toast with the same message."""
    try:
        return fn(*args)
    except WebError as exc:
        raise gr.Error(str(exc)) from exc


__all__ = ["APP_CSS", "create_app"]
