"""The Ideas tab: generate ideas for a stage or the whole map, filter them, accept or reject,
and download the content calendar. Built and wired here; the page's layout is app.py."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import gradio as gr

from assistant.visual.labels import labels
from assistant.web import views
from assistant.web.actions import ActionError, generate_ideas
from assistant.web.edit_panel import user_error
from assistant.web.handlers import Handlers


@dataclass
class IdeasTab:
    gen_target: gr.Dropdown
    gen_btn: gr.Button
    fmt_filter: gr.Dropdown
    stage_filter: gr.Dropdown
    status_filter: gr.Dropdown
    table: gr.Dataframe
    pick: gr.Dropdown
    accept: gr.Button
    reject: gr.Button
    note: gr.Markdown
    with_rejected: gr.Checkbox
    csv_btn: gr.Button
    file: gr.File

    @property
    def filters(self) -> list[Any]:
        return [self.fmt_filter, self.stage_filter, self.status_filter]

    @property
    def outputs(self) -> list[Any]:
        """What `values` fills, in order (redrawn with the map)."""
        return [self.table, self.pick, self.gen_target, *self.filters]

    @property
    def labelled(self) -> list[Any]:
        """What `relabel` fills, in order."""
        return [
            self.gen_target, self.gen_btn, *self.filters, self.table, self.pick, self.accept,
            self.reject, self.with_rejected, self.csv_btn,
        ]  # fmt: skip


def build() -> IdeasTab:
    i = labels("en")["ideas"]
    with gr.Row():
        gen_target = gr.Dropdown(label=i["generate_for"], choices=[(i["whole_map"], "")], value="")
        gen_btn = gr.Button(i["generate"], variant="primary", elem_id="jw-generate")
    with gr.Row():
        fmt_filter = gr.Dropdown(label=i["format"], choices=[(i["all_formats"], "")], value="")
        stage_filter = gr.Dropdown(label=i["stage"], choices=[(i["all_stages"], "")], value="")
        status_filter = gr.Dropdown(label=i["status"], choices=[(i["all_status"], "")], value="")
    table = gr.Dataframe(headers=views.IDEA_COLUMNS, interactive=False, label=i["table"])
    pick = gr.Dropdown(label=i["pick"], multiselect=True, choices=[])
    with gr.Row():
        accept = gr.Button(i["accept"], variant="primary")
        reject = gr.Button(i["reject"])
    note = gr.Markdown()
    with gr.Row():
        with_rejected = gr.Checkbox(label=i["include_rejected"], value=False)
        csv_btn = gr.Button(i["calendar"])
    file = gr.File(label=i["file"], interactive=False)
    return IdeasTab(
        gen_target, gen_btn, fmt_filter, stage_filter, status_filter, table, pick, accept,
        reject, note, with_rejected, csv_btn, file,
    )  # fmt: skip


def relabel(language: str) -> tuple:
    i = labels(language)["ideas"]
    return (
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
    )


def values(sess: Any, fmt_v: str = "", stage_v: str = "", status_v: str = "") -> tuple:
    """Values for `IdeasTab.outputs`: the table under the filters, picks and choices."""
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


def wire(
    tab: IdeasTab,
    h: Handlers,
    session: Any,
    version: Any,
    panels: list[Any],
    redraw: Callable[[Any], tuple],
    map_html: Any,
    call: Callable[..., Any],
) -> None:
    """Connect the tab's events (API names: generate_ideas, ideas, accept_ideas,
    reject_ideas, ideas_csv)."""

    def on_generate(target: str, sess: Any) -> tuple:
        sess = call(h.ensure, sess)
        try:
            _, note = generate_ideas(sess, target or "")
        except ActionError as exc:
            raise user_error(str(exc)) from exc
        return (note, h.version(sess), *redraw(sess))

    tab.gen_btn.click(
        on_generate,
        [tab.gen_target, session],
        [tab.note, version, *panels],
        api_name="generate_ideas",
    )

    def on_ideas(fmt_v: str, stage_v: str, status_v: str, sess: Any) -> tuple:
        return values(call(h.ensure, sess), fmt_v, stage_v, status_v)

    gr.on(
        [f.input for f in tab.filters],
        on_ideas,
        [*tab.filters, session],
        tab.outputs,
        api_name="ideas",
    )

    def review(status: str):  # type: ignore[no-untyped-def]
        def run(ids: list[str], fmt_v: str, stage_v: str, status_v: str, sess: Any) -> tuple:
            sess = call(h.ensure, sess)
            note = call(h.set_ideas, sess, ids, status)
            return (*values(sess, fmt_v, stage_v, status_v), note, h.panels(sess)[0])

        return run

    review_out = [*tab.outputs, tab.note, map_html]
    inputs = [tab.pick, *tab.filters, session]
    tab.accept.click(review("accepted"), inputs, review_out, api_name="accept_ideas")
    tab.reject.click(review("rejected"), inputs, review_out, api_name="reject_ideas")
    tab.csv_btn.click(
        lambda w, s: call(h.ideas_file, call(h.ensure, s), bool(w)),
        [tab.with_rejected, session],
        [tab.file],
        api_name="ideas_csv",
    )
