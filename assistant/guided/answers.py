"""Writing one parsed answer to the map through the tools, and saying what was recorded."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from assistant import completeness, prompts
from assistant.gap import Gap
from assistant.guided import parse

if TYPE_CHECKING:
    from assistant.conversation import Conversation
    from tools.results import ToolResult

SINGLE_PERSONA = {"name", "role", "tone"}


class AnswerWriter:
    """Collects confirmation sentences, tool results and errors for one answer."""

    def __init__(self, session: Conversation, texts: dict[str, Any]) -> None:
        self.session = session
        self.t = texts
        self.sentences: list[str] = []
        self.results: list[ToolResult] = []
        self.errors: list[str] = []
        self.ok_count = 0
        self.pain_stages: list[int] = []
        """Stages (numbers) whose pain points this answer added: the ideas step follows."""
        self.advanced = False
        """True when the answer was handled without a change (e.g. a skip)."""

    # entry points --------------------------------------------------------------------------
    def write(self, gap: str, text: str) -> None:
        g = Gap.parse(gap)
        if g.section == "context":
            self._context(str(g.field), text)
        elif g.section == "persona":
            self._persona(str(g.field), text)
        elif g.section == "stages":
            self._stages(text)
        elif g.section == "stage" and g.stage is not None:
            self._stage(g.stage, str(g.field), text)

    def write_label(
        self, target: str, text: str, gap: str | None, stage_number: int | None = None
    ) -> None:
        """Apply a labelled segment: `context.company`, `persona.goals`, `stage.touchpoints`,
        or `*.goals` (the stage's goals during the stage part, else the persona's).
        `stage_number` (from a 'stage 2 ...' prefix) picks the stage; else the current one."""
        section, field = target.split(".", 1)
        number = stage_number or completeness.stage_of(gap)
        if section == "*":
            section = "stage" if number else "persona"
        if section == "stage":
            if not self.session.map.stages:
                what = self.t["stage_fields"].get(field, field)
                self._error(prompts.fill(self.t["messages"]["stage_needed"], what=what))
                return
            self.write(Gap.of_stage(number or 1, field), text)
        else:
            self.write(f"{section}:{field}", text)

    def stage_exists(self, number: int) -> bool:
        """Whether stage `number` exists; if not, say which stages there are."""
        stages = self.session.map.stages
        if 1 <= number <= len(stages):
            return True
        names = ", ".join(f"{i}. {s.name}" for i, s in enumerate(stages, 1)) or "—"
        self._error(prompts.fill(self.t["messages"]["no_stage"], n=number, stages=names))
        return False

    def skip(self, gap: str) -> None:
        result = self.session.tools.call("skip_gap", {"gap": gap})
        if result.ok:
            self.advanced = True
            self.sentences.append(
                prompts.fill(self.t["messages"]["skipped"], what=self._label(gap))
            )
        else:
            self._error(result.text, result.refusal)

    def correction(self, answer: str) -> bool:
        """Stage corrections typed as sentences: rename/add/remove/move/reorder stages. A
        sentence that starts like one but cannot be read is refused, never stored as an answer."""
        words = self.t["words"]
        text = answer.strip().rstrip(".")
        for kind in ("rename_stage", "add_stage", "remove_stage", "move_stage", "reorder_stages"):
            match = re.match(words[kind], text, re.IGNORECASE)
            if match:
                self._stage_command(kind, match.groupdict())
                return True
        if re.match(words["command_start"], text, re.IGNORECASE):
            self._error(self.t["messages"]["bad_command"])
            return True
        return False

    def _stage_command(self, kind: str, groups: dict[str, Any]) -> None:
        names_before = {str(i): s.name for i, s in enumerate(self.session.map.stages, 1)}
        ref = _unquote(groups.get("ref") or "")
        if ref:
            try:
                self.session.map.find_stage(ref)
            except KeyError:
                names = ", ".join(f"{n}. {name}" for n, name in names_before.items()) or "—"
                self._error(prompts.fill(self.t["messages"]["no_stage"], n=ref, stages=names))
                return
        shown = ""
        if kind == "rename_stage":
            args: dict[str, Any] = {
                "stage": _unquote(groups["ref"]),
                "new_name": _unquote(groups["name"]),
            }
            shown = args["new_name"]
        elif kind == "add_stage":
            args = {"name": _unquote(groups["name"])}
            if groups.get("pos"):
                args["position"] = int(groups["pos"])
            shown = args["name"]
        elif kind == "move_stage":
            ref = _unquote(groups["ref"])
            order = [s.id for s in self.session.map.stages]
            try:
                moving = self.session.map.find_stage(ref).id
            except KeyError as exc:
                self._error(str(exc.args[0]))
                return
            order.remove(moving)
            order.insert(max(0, int(groups["pos"]) - 1), moving)
            kind, args = "reorder_stages", {"order": order}
            shown = names_before.get(ref, ref)
            self._call(kind, args, lambda _: self._stage_sentence("move_stage", shown))
            return
        elif kind == "reorder_stages":
            args = {"order": [_unquote(r) for r in parse.split_list(groups["order"])]}
        else:
            ref = _unquote(groups["ref"])
            args = {"stage": ref}
            shown = names_before.get(ref, ref)
        self._call(kind, args, lambda _, k=kind: self._stage_sentence(k, shown))

    def _stage_sentence(self, kind: str, name: str) -> str:
        """A confirmation of a stage correction, in the interview's language."""
        names = " -> ".join(s.name for s in self.session.map.stages)
        text = prompts.fill(self.t["messages"][kind], name=name, stage=name)
        return f"{text} {prompts.fill(self.t['messages']['stages_set'], stages=names)}"

    # per section ---------------------------------------------------------------------------
    def _context(self, field: str, text: str) -> None:
        if field == "market":
            market = self._market(text)
            if market is None:
                self._error(self.t["messages"]["market_unclear"])
                return
            value = market
        else:
            value, _ = parse.cut(" ".join(text.split()))
        self._call(
            "set_context",
            {field: value},
            lambda _: self._value_sentence(
                self.t["context_fields"][field], value.upper() if field == "market" else value
            ),
        )

    def _market(self, text: str) -> str | None:
        words = set(re.findall(r"[\w/]+", text.casefold()))
        b2b = any(parse.normalise(w) in words for w in self.t["words"]["b2b"])
        b2c = any(parse.normalise(w) in words for w in self.t["words"]["b2c"])
        if b2b == b2c:
            return None
        return "b2b" if b2b else "b2c"

    def _persona(self, field: str, text: str) -> None:
        label = self.t["persona_fields"][field]
        if field in SINGLE_PERSONA:
            value, _ = parse.cut(" ".join(text.split()))
            self._call("set_persona", {field: value}, lambda _: self._value_sentence(label, value))
            return
        items = self._items(parse.split_list(text))
        self._add_in_batches(
            "add_persona_items",
            {"field": field},
            items,
            lambda chunk: self._list_sentence(label, chunk),
        )

    def _stages(self, text: str) -> None:
        if parse.is_word(text, self.t["words"]["accept"]):
            names = list(self.t["default_stages"])
        else:
            names = [n[:200] for n in parse.split_list(text)][:15]
        self._call(
            "set_stages",
            {"names": names},
            lambda _: prompts.fill(self.t["messages"]["stages_set"], stages=" -> ".join(names)),
        )

    def _stage(self, number: int, field: str, text: str) -> None:
        journey = self.session.map
        if not self.stage_exists(number):
            return
        stage = journey.stages[number - 1].name
        label = f"{self.t['stage_fields'][field]} ({stage})"
        words = self.t["words"]
        if field == "questions":
            raw = parse.split_questions(text)
        else:
            # An if/then sentence holds commas of its own: split decision points on lines/';' only.
            raw = parse.split_list(text, commas=field != "decision_points")
        raw = self._items(raw)
        if field == "decision_points":
            for entry in raw:
                cond, action, risk = parse.decision(entry, words)
                self._call(
                    "add_decision_point",
                    {
                        "stage": str(number),
                        "condition": cond,
                        "likely_action": action,
                        "competitor_risk": risk,
                    },
                    lambda _, c=cond, a=action: self._list_sentence(label, [f"{c} -> {a}"]),
                )
            return
        items: list[dict[str, Any]] = []
        shown: list[str] = []
        for entry in raw:
            item: dict[str, Any] = {"text": entry}
            if field == "touchpoints":
                item["text"], dept = parse.bracket_detail(entry)
                if dept:
                    item["department"] = dept
            elif field == "emotions":
                score, _ = parse.emotion_score(entry, self.t["emotions"], self.t["negations"])
                item = {"text": parse.strip_score(entry), "score": score}
            elif field == "pain_points":
                item["text"], sev = parse.severity(entry, words)
                if sev:
                    item["severity"] = sev
            elif field == "milestones":
                item["text"], trigger = parse.milestone(entry)
                if trigger:
                    item["trigger"] = trigger
            items.append(item)
            shown.append(_show(item, field, self.t))
        before = self.ok_count
        self._add_in_batches(
            "add_stage_items",
            {"stage": str(number), "field": field},
            items,
            lambda chunk: self._list_sentence(label, [_show(i, field, self.t) for i in chunk]),
        )
        if field == "pain_points" and self.ok_count > before and number not in self.pain_stages:
            self.pain_stages.append(number)

    # plumbing ------------------------------------------------------------------------------
    def _items(self, items: list[str]) -> list[str]:
        out = []
        for item in items:
            text, was_cut = parse.cut(item)
            if was_cut:
                self.sentences.append(self.t["messages"]["item_cut"])
            out.append(text)
        return out

    def _add_in_batches(self, tool: str, base: dict[str, Any], items: list[Any], say: Any) -> None:
        for start in range(0, len(items), 50):
            chunk = items[start : start + 50]
            self._call(tool, {**base, "items": chunk}, lambda _, c=chunk: say(c))

    def _call(self, tool: str, args: dict[str, Any], sentence: Any) -> None:
        result = self.session.tools.call(tool, args)
        self.results.append(result)
        if result.ok:
            self.ok_count += 1
            self.sentences.append(sentence(result.text))
        else:
            self._error(result.text, result.refusal)

    def _error(self, text: str, reason: str | None = None) -> None:
        """Record a problem; `reason` is the refusal alone (shown), `text` what the tool said."""
        self.errors.append(text)
        self.sentences.append(prompts.fill(self.t["messages"]["error"], error=reason or text))

    def _label(self, gap: str) -> str:
        g = Gap.parse(gap)
        if g.section == "context":
            return self.t["context_fields"][g.field]
        if g.section == "persona":
            return self.t["persona_fields"][g.field]
        if g.section == "stage":
            return self.t["stage_fields"][g.field]
        return g.key

    def _value_sentence(self, what: str, value: str) -> str:
        shown = value if len(value) <= 120 else value[:117] + "..."
        return prompts.fill(self.t["messages"]["recorded_value"], what=what, value=shown)

    def _list_sentence(self, what: str, items: list[Any]) -> str:
        texts = [i if isinstance(i, str) else str(i) for i in items]
        shown = [x if len(x) <= 80 else x[:77] + "..." for x in texts[:6]]
        more = prompts.fill(self.t["messages"]["more_items"], n=len(texts) - 6)
        listing = ", ".join(shown) + (f", {more}" if len(texts) > 6 else "")
        return prompts.fill(self.t["messages"]["recorded"], what=what, items=listing)


def _show(item: dict[str, Any], field: str, texts: dict[str, Any] | None = None) -> str:
    text = str(item["text"])
    if field == "touchpoints" and item.get("department"):
        return f"{text} ({item['department']})"
    if field == "emotions":
        return f"{text} ({item['score']:+d})"
    if field == "pain_points" and item.get("severity"):
        template = (texts or {}).get("messages", {}).get("severity_shown", "{text} (severity {n})")
        return prompts.fill(template, text=text, n=item["severity"])
    if field == "milestones" and item.get("trigger"):
        return f"{text} -> {item['trigger']}"
    return text


def _unquote(text: str) -> str:
    return text.strip().strip("'\"“”‘’«»").strip()
