"""The card editor of the Interview tab: a floating panel that opens when a card (or a "+")
on the map is clicked, and its wiring. Behaviour lives in `editing.py`.

Gradio has no click event for markup inside gr.HTML, so `CLICK_JS` (in the page head) puts
the clicked card's pick (`item:<id>` / `add:<stage>|<field>`) into a hidden textbox and
presses a hidden button; everything after that is an ordinary Gradio event.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import gradio as gr

from assistant.schema import STAGE_FIELDS
from assistant.visual.labels import labels
from assistant.web import views
from assistant.web.editing import CardEditor, CardForm, Edited, EditError, form_for

CLICK_JS = """
<script>
(() => {
  function pick(value) {
    const box = document.querySelector('#jw-pick textarea, #jw-pick input');
    const go = document.querySelector('#jw-pick-go');
    if (!box || !go) return;
    const proto = Object.getPrototypeOf(box);
    Object.getOwnPropertyDescriptor(proto, 'value').set.call(box, value);
    box.dispatchEvent(new Event('input', { bubbles: true }));
    setTimeout(() => go.click(), 60);
  }
  document.addEventListener('click', (event) => {
    const target = event.target.closest && event.target.closest('#jw-map [data-item], #jw-map [data-add]');
    if (!target) return;
    document.querySelectorAll('#jw-map .jm-picked').forEach((c) => c.classList.remove('jm-picked'));
    // Dock the editor on the side away from the clicked card, so the card stays in sight.
    const box = target.getBoundingClientRect();
    document.body.classList.toggle('jw-dock-left', box.left + box.width / 2 > window.innerWidth / 2);
    if (target.dataset.item) {
      target.classList.add('jm-picked');
      pick('item:' + target.dataset.item);
    } else {
      pick('add:' + target.dataset.add);
    }
  });
  document.addEventListener('keydown', (event) => {
    const t = event.target;
    if ((event.key === 'Enter' || event.key === ' ') && t.matches && t.matches('#jw-map [data-item]')) {
      event.preventDefault();
      t.click();
    }
  });
})();
</script>
"""

SCORES = [-2, -1, 0, 1, 2]


def user_error(message: str) -> Exception:
    """A problem the user can fix, shown as an error toast; not a crash, so no traceback is
    printed to the server's log."""
    return gr.Error(message, print_exception=False)


@dataclass
class EditPanel:
    """The panel's components (created inside the Interview tab)."""

    box: gr.Column
    heading: gr.Markdown
    text: gr.Textbox
    department: gr.Textbox
    score: gr.Dropdown
    severity: gr.Dropdown
    trigger: gr.Textbox
    then: gr.Textbox
    risk: gr.Dropdown
    format: gr.Dropdown
    stage: gr.Dropdown
    field: gr.Dropdown
    save: gr.Button
    add: gr.Button
    delete: gr.Button
    accept: gr.Button
    reject: gr.Button
    move: gr.Button
    undo: gr.Button
    close: gr.Button
    pick: gr.Textbox
    go: gr.Button
    form: gr.State

    @property
    def outputs(self) -> list[Any]:
        """What `show` fills, in order."""
        return [
            self.box,
            self.heading,
            self.text,
            self.department,
            self.score,
            self.severity,
            self.trigger,
            self.then,
            self.risk,
            self.format,
            self.stage,
            self.field,
            self.save,
            self.add,
            self.delete,
            self.accept,
            self.reject,
            self.move,
            self.undo,
            self.form,
        ]

    @property
    def values(self) -> list[Any]:
        """The inputs every button reads, in `read` order."""
        return [
            self.form,
            self.text,
            self.department,
            self.score,
            self.severity,
            self.trigger,
            self.then,
            self.risk,
            self.format,
            self.stage,
            self.field,
        ]


def build() -> EditPanel:
    t = labels("en")["edit"]
    with gr.Column(visible=False, elem_id="jw-edit") as box:
        heading = gr.Markdown(t["empty"], elem_id="jw-edit-head")
        text = gr.Textbox(label=t["text"], lines=2, elem_id="jw-e-text")
        with gr.Row():
            department = gr.Textbox(label=t["department"], visible=False, elem_id="jw-e-dept")
            score = gr.Dropdown(label=t["score"], choices=SCORES, visible=False)
            severity = gr.Dropdown(label=t["severity"], choices=[1, 2, 3], visible=False)
            trigger = gr.Textbox(label=t["trigger"], visible=False)
            then = gr.Textbox(label=t["then"], visible=False)
            risk = gr.Dropdown(label=t["risk"], choices=["low", "medium", "high"], visible=False)
            fmt = gr.Dropdown(label="Format", choices=[], visible=False)
        with gr.Row():
            save = gr.Button(t["save"], variant="primary", size="sm", elem_id="jw-e-save")
            add = gr.Button(t["add"], variant="primary", size="sm", elem_id="jw-e-add")
            delete = gr.Button(t["delete"], variant="stop", size="sm", elem_id="jw-e-delete")
        with gr.Row():
            accept = gr.Button(t["accept"], size="sm", elem_id="jw-e-accept")
            reject = gr.Button(t["reject"], size="sm", elem_id="jw-e-reject")
        with gr.Row():
            stage = gr.Dropdown(label=t["stage"], choices=[], elem_id="jw-e-stage")
            field = gr.Dropdown(label=t["field"], choices=[], elem_id="jw-e-field")
        with gr.Row():
            move = gr.Button(t["move"], size="sm", elem_id="jw-e-move")
            undo = gr.Button(t["undo"], size="sm", elem_id="jw-e-undo")
            close = gr.Button("✕", size="sm", elem_id="jw-e-close", min_width=40)
    pick = gr.Textbox(elem_id="jw-pick", elem_classes="jw-offscreen", show_label=False)
    go = gr.Button("pick", elem_id="jw-pick-go", elem_classes="jw-offscreen")
    form = gr.State(None)
    return EditPanel(
        box, heading, text, department, score, severity, trigger, then, risk, fmt, stage,
        field, save, add, delete, accept, reject, move, undo, close, pick, go, form,
    )  # fmt: skip


def show(form: CardForm, language: str, stages: list[tuple[str, str]]) -> tuple:
    """gr.updates for `EditPanel.outputs` from a form."""
    t = labels(language)
    e, m = t["edit"], t["map"]
    on = form.mode != "none"
    editing = form.mode == "edit"
    v = form.values

    def detail(key: str, **extra: Any) -> Any:
        return gr.update(visible=key in form.details, value=v.get(key), **extra)

    fields = [(m["lanes"][k], k) for k in STAGE_FIELDS]
    return (
        gr.update(visible=on),
        f"**{form.heading}**" if on else e["empty"],
        gr.update(
            value=form.text,
            label=e["condition"] if form.field == "decision_points" else e["text"],
            visible=on,
        ),
        detail("department", label=e["department"]),
        detail("score", label=e["score"]),
        detail(
            "severity",
            label=e["severity"],
            choices=[(str(e["severities"][n]), n) for n in (1, 2, 3)],
        ),
        detail("trigger", label=e["trigger"]),
        detail("then", label=e["then"]),
        detail("risk", label=e["risk"], choices=[(e["risks"][k], k) for k in e["risks"]]),
        gr.update(
            visible="format" in form.details and form.mode == "add",
            value=v.get("format"),
            choices=[(name, key) for key, name in m["formats"].items()],
        ),
        gr.update(visible=editing, choices=stages, value=form.stage_id or None, label=e["stage"]),
        gr.update(visible=editing, choices=fields, value=form.field or None, label=e["field"]),
        gr.update(visible=editing, value=e["save"]),
        gr.update(visible=form.mode == "add", value=e["add"]),
        gr.update(visible=editing, value=e["delete"]),
        gr.update(visible=editing and form.suggestion, value=e["accept"]),
        gr.update(visible=editing and form.suggestion, value=e["reject"]),
        gr.update(visible=editing, value=e["move"]),
        gr.update(value=e["undo"]),
        form,
    )


def stage_choices(session: Any) -> list[tuple[str, str]]:
    return [(f"{n}. {s.name}", s.id) for n, s in enumerate(session.map.stages, 1)]


def read(values: tuple) -> tuple[CardForm | None, str, dict[str, Any], str, str]:
    """(form, text, detail values, target stage, target field) from `EditPanel.values`."""
    form, text, dept, score, severity, trigger, then, risk, fmt, stage, field = values
    details = {
        "department": dept,
        "score": score,
        "severity": severity,
        "trigger": trigger,
        "then": then,
        "risk": risk,
        "format": fmt,
    }
    return form, text or "", details, stage or "", field or ""


def wire(
    panel: EditPanel,
    session: gr.State,
    chatbot: gr.Chatbot,
    panel_outputs: list[Any],
    panels: Callable[[Any], tuple],
    ensure: Callable[[Any], Any],
) -> None:
    """Connect the panel: a pick opens it; each button makes one change through the tools,
    notes it in the chat, and redraws the map and the panel."""

    def on_pick(pick: str, sess: Any) -> tuple:
        sess = ensure(sess)
        journey = sess.map
        form = form_for(journey, pick, journey.language)
        return show(form, journey.language, stage_choices(sess))

    panel.go.click(
        on_pick,
        [panel.pick, session],
        panel.outputs,
        api_name="pick_card",
        show_progress="hidden",
    )

    def closed(sess: Any) -> tuple:
        language = sess.map.language if sess is not None else "en"
        return show(CardForm("none", ""), language, [])

    panel.close.click(
        closed, [session], panel.outputs, api_name="close_card", show_progress="hidden"
    )

    def action(kind: str) -> Callable[..., tuple]:
        def run(messages: list[dict], sess: Any, *values: Any) -> tuple:
            sess = ensure(sess)
            form, text, details, stage, field = read(values)
            editor = CardEditor(sess)
            try:
                done = _apply(editor, kind, form, text, details, stage, field)
            except (EditError, KeyError) as exc:
                raise user_error(str(exc.args[0] if exc.args else exc)) from exc
            shown = list(messages or [])
            if done.note:
                shown.append(views.assistant_message(done.note))
            language = sess.map.language
            return (
                shown,
                *panels(sess),
                *show(done.form, language, stage_choices(sess)),
            )

        return run

    outputs = [chatbot, *panel_outputs, *panel.outputs]
    inputs = [chatbot, session, *panel.values]
    for kind, button in (
        ("save", panel.save),
        ("add", panel.add),
        ("delete", panel.delete),
        ("accept", panel.accept),
        ("reject", panel.reject),
        ("move", panel.move),
        ("undo", panel.undo),
    ):
        button.click(action(kind), inputs, outputs, api_name=f"{kind}_card")


def _apply(
    editor: CardEditor,
    kind: str,
    form: CardForm | None,
    text: str,
    details: dict[str, Any],
    stage: str,
    field: str,
) -> Edited:
    if kind == "undo":
        return editor.undo()
    if form is None or form.mode == "none":
        raise EditError(editor.t["edit"]["empty"])
    if kind == "add":
        return editor.add(form.stage_id, form.field, text, details)
    if kind == "save":
        return editor.save(form.item_id, text, details)
    if kind == "delete":
        return editor.delete(form.item_id)
    if kind == "accept":
        return editor.accept(form.item_id)
    if kind == "reject":
        return editor.reject(form.item_id)
    return editor.move(form.item_id, stage, field, details.get("score"))
