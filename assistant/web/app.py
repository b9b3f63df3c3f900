"""The Gradio page: layout and wiring only. Behaviour lives in `handlers.py`, `editing.py` and
`actions.py`, looks in `views.py`, labels in `prompts/web/<lang>.yaml`.

Named API endpoints (for `gradio_client` and scripts): open_map, create_map, send, rename_map,
delete_map, ingest, suggest_research, ideas, generate_ideas, accept_ideas, reject_ideas,
ideas_csv, export, learn, pick_card, save_card, add_card, delete_card, accept_card,
reject_card, move_card, undo_card, poll.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from assistant.accounts.web import MapScope
from assistant.exports import FORMATS as EXPORT_FORMATS
from assistant.settings import Settings, get_settings
from assistant.visual.labels import fill, labels
from assistant.web import edit_panel, views
from assistant.web.actions import ActionError, generate_ideas, suggest_from_research
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
    a, types = t["app"], ", ".join(RESEARCH_TYPES)

    with gr.Blocks(title=a["title"], analytics_enabled=False) as demo:
        session = gr.State(None, delete_callback=_close)
        version = gr.State("")
        saved = gr.BrowserState(None, storage_key="journey-assistant-map")
        with gr.Row(elem_classes="jw-top"):
            title = gr.Markdown(f"## {a['title']}", elem_id="jw-title")
            progress = gr.HTML(elem_id="jw-progress")
        purpose = gr.HTML(elem_id="jw-purpose")
        with gr.Tabs():
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
                map_html = gr.HTML(elem_id="jw-map")
                panel = edit_panel.build()
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
                i = t["ideas"]
                with gr.Row():
                    gen_target = gr.Dropdown(
                        label=i["generate_for"], choices=[(i["whole_map"], "")], value=""
                    )
                    gen_btn = gr.Button(i["generate"], variant="primary", elem_id="jw-generate")
                with gr.Row():
                    fmt_filter = gr.Dropdown(
                        label=i["format"], choices=[(i["all_formats"], "")], value=""
                    )
                    stage_filter = gr.Dropdown(
                        label=i["stage"], choices=[(i["all_stages"], "")], value=""
                    )
                    status_filter = gr.Dropdown(
                        label=i["status"], choices=[(i["all_status"], "")], value=""
                    )
                ideas_table = gr.Dataframe(
                    headers=views.IDEA_COLUMNS, interactive=False, label=i["table"]
                )
                idea_pick = gr.Dropdown(label=i["pick"], multiselect=True, choices=[])
                with gr.Row():
                    accept_btn = gr.Button(i["accept"], variant="primary")
                    reject_btn = gr.Button(i["reject"])
                ideas_note = gr.Markdown()
                with gr.Row():
                    with_rejected = gr.Checkbox(label=i["include_rejected"], value=False)
                    csv_btn = gr.Button(i["calendar"])
                ideas_file = gr.File(label=i["file"], interactive=False)
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
            with gr.Tab(a["tabs"]["learn"], id="learn") as tab_learn:
                learn_intro = gr.Markdown(t["learn"]["intro"])
                sample_html = gr.HTML()
                concept = gr.Dropdown(
                    label=t["learn"]["concept"], choices=concept_choices(), value=FIRST_CONCEPT
                )
                concept_md = gr.Markdown(concept_text(FIRST_CONCEPT))
        timer = gr.Timer(POLL_SECONDS)

        # Components whose labels follow the open map's language.
        def relabel(language: str) -> tuple:
            t = labels(language)
            a, i, m, r = t["app"], t["ideas"], t["maps"], t["research"]
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
                gr.update(label=i["generate_for"]),
                gr.update(value=i["generate"]),
                gr.update(label=i["format"]),
                gr.update(label=i["stage"]),
                gr.update(label=i["status"]),
                gr.update(label=i["table"]),
                gr.update(label=i["pick"]),
                gr.update(value=i["accept"]),
                gr.update(value=i["reject"]),
                gr.update(label=i["include_rejected"]),
                gr.update(value=i["calendar"]),
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
            )

        relabelled = [
            tab_interview, tab_maps, tab_research, tab_ideas, tab_export, tab_learn,
            chatbot, msg, send, map_hint, maps_dd, open_btn, new_name, create_btn, rename_to,
            rename_btn, confirm, delete_btn, research_intro, files, ingest_btn, suggest_btn,
            gen_target, gen_btn, fmt_filter, stage_filter, status_filter, ideas_table,
            idea_pick, accept_btn, reject_btn, with_rejected, csv_btn, fmt, export_btn,
            export_file, concept, concept_md,
            learn_intro,
        ]  # fmt: skip
        filters = [fmt_filter, stage_filter, status_filter]
        idea_outputs = [ideas_table, idea_pick, gen_target, *filters]
        opened = [session, saved, chatbot, map_html, progress, purpose, title, maps_dd]
        opened += [*idea_outputs, maps_note, version, *relabelled, *panel.outputs]
        panels = [map_html, progress, purpose, *idea_outputs]

        def _ideas(sess: Any, fmt_v: str = "", stage_v: str = "", status_v: str = "") -> tuple:
            journey = sess.map
            t = labels(journey.language)
            i, m = t["ideas"], t["map"]
            rows = views.idea_rows(journey, fmt_v or None, stage_v or None, status_v or None)
            pick = gr.update(choices=[(f"{r[2]} ({r[0]})", r[-1]) for r in rows], value=[])
            formats = [(i["all_formats"], "")] + [(v, k) for k, v in m["formats"].items()]
            stages = [(i["all_stages"], "")] + [
                (f"{n}. {s.name}", s.id) for n, s in enumerate(journey.stages, 1)
            ]
            statuses = [(i["all_status"], "")] + [(v, k) for k, v in m["statuses"].items()]
            return (
                {"headers": i["columns"], "data": rows},
                pick,
                gr.update(choices=views.idea_targets(journey), value=""),
                gr.update(choices=formats, value=fmt_v or ""),
                gr.update(choices=stages, value=stage_v or ""),
                gr.update(choices=statuses, value=status_v or ""),
            )

        def _panels(sess: Any) -> tuple:
            return (*h.panels(sess), *_ideas(sess))

        def show_opened(sess: Any, messages: list[dict], note: str = "") -> tuple:
            journey = sess.map
            language = journey.language
            return (
                sess,
                journey.name,
                messages,
                *h.panels(sess),
                f"## {labels(language)['app']['title']} · {journey.name}",
                gr.update(choices=h.map_names(h.user_of(sess)), value=journey.name),
                *_ideas(sess),
                note,
                h.version(sess),
                *relabel(language),
                *edit_panel.show(edit_panel.form_for(journey, "", language), language, []),
            )

        def on_load(saved_name: str | None, request: gr.Request) -> tuple:
            wanted = request.query_params.get("map") if request else None
            user = request.username if request else None
            return show_opened(*h.resume(wanted, saved_name, user))

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
                gr.update(choices=h.map_names(h.user_of(sess)), value=name),
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

        def on_generate(target: str, sess: Any) -> tuple:
            sess = _call(h.ensure, sess)
            try:
                _, note = generate_ideas(sess, target or "")
            except ActionError as exc:
                raise user_error(str(exc)) from exc
            return (note, h.version(sess), *_panels(sess))

        def on_ideas(fmt_v: str, stage_v: str, status_v: str, sess: Any) -> tuple:
            return _ideas(_call(h.ensure, sess), fmt_v, stage_v, status_v)

        def review(status: str):  # type: ignore[no-untyped-def]
            def run(ids: list[str], fmt_v: str, stage_v: str, status_v: str, sess: Any) -> tuple:
                sess = _call(h.ensure, sess)
                note = _call(h.set_ideas, sess, ids, status)
                return (*_ideas(sess, fmt_v, stage_v, status_v), note, h.panels(sess)[0])

            return run

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
        gen_btn.click(
            on_generate,
            [gen_target, session],
            [ideas_note, version, *panels],
            api_name="generate_ideas",
        )
        gr.on(
            [f.input for f in filters],
            on_ideas,
            [*filters, session],
            idea_outputs,
            api_name="ideas",
        )
        review_out = [*idea_outputs, ideas_note, map_html]
        accept_btn.click(
            review("accepted"), [idea_pick, *filters, session], review_out, api_name="accept_ideas"
        )
        reject_btn.click(
            review("rejected"), [idea_pick, *filters, session], review_out, api_name="reject_ideas"
        )
        csv_btn.click(
            lambda w, s: _call(h.ideas_file, _call(h.ensure, s), bool(w)),
            [with_rejected, session],
            [ideas_file],
            api_name="ideas_csv",
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


def _call(fn: Any, *args: Any) -> Any:
    """Run a handler; a WebError becomes a Gradio error toast with the same message."""
    try:
        return fn(*args)
    except WebError as exc:
        raise user_error(str(exc)) from exc


__all__ = ["APP_CSS", "create_app", "edit_panel"]
