"""Reading a natural answer into facts: which field each item goes to, with its score,
severity, department, trigger or decision. Facts for other fields said along the way (an
emotion with its score, a fork, a thought) go to their own field.

Data out, no map changes here: `natural.py` writes the facts through the tools."""

from __future__ import annotations

import re
from typing import Any

from assistant import prompts
from assistant.guided import lexicon, parse, prose
from assistant.guided import sentences as S
from assistant.guided.facts import Fact, attach, strip_subject, text_of
from assistant.guided.values import context_facts, first_value, stage_names

SINGLE = {"company", "product", "market", "purpose", "destination", "name", "role", "tone"}
LIST_PERSONA = {"quantitative", "qualitative", "goals", "challenges", "channels"}
QUOTE_ITEM = re.compile(r"['\"“„«‘]([^'\"“”„«»‘’]{3,}?)['\"”»’](?=[\s.,;:!?)…]|$)")


def read(text: str, section: str, field_name: str, language: str) -> list[Fact]:
    """The facts of an answer to the question for `section.field_name`."""
    if section == "stages":
        return [Fact("stages", "stages", n) for n in stage_names(text, language)]
    if section == "context":
        return context_facts(text, field_name, language)
    if section == "persona" and field_name in SINGLE:
        return _persona_single(text, field_name, language)
    return _list(text, section, field_name, language)


OPEN_ORDER = ("decision_points", "emotions", "pain_points", "touchpoints", "questions", "goals")


def read_open(text: str, language: str) -> list[Fact]:
    """The answer to a stage's open question: each sentence goes to the field its words point
    to (a fork, a feeling, a frustration, a place they meet you, a question, a want)."""
    facts: list[Fact] = []
    cues = lexicon.data(language).get("open_cues", {})
    ifs = lexicon.phrase_regex(lexicon.data(language).get("decision_if", []))
    for sentence in S.sentences(text):
        plain = S.restore(S.strip_lead(sentence, language))
        field = "goals"
        for name in OPEN_ORDER:
            hit: bool
            if name == "decision_points":
                hit = re.match(rf"^\s*(?:{ifs})\s", plain, re.IGNORECASE) is not None
            elif name == "emotions":
                hit = prose.score_of(plain, language)[0] is not None or _any(cues, name, plain)
            else:
                hit = _any(cues, name, plain)
            if hit:
                field = name
                break
        facts.extend(_list(sentence, "stage", field, language))
    return facts


def _any(cues: dict[str, list[str]], name: str, text: str) -> bool:
    return any(re.search(p, text, re.IGNORECASE) for p in cues.get(name, []))


def _persona_single(text: str, name: str, language: str) -> list[Fact]:
    d = lexicon.data(language)
    if name == "name":
        value, rest = None, text
        for pattern in d.get("name_patterns", []):
            found = re.search(pattern, text, re.IGNORECASE)
            if found:
                value = found.group("name").strip(" .,!'\"“”«»„")
                rest = text[: found.start()] + " " + text[found.end() :]
                break
        if value is None:
            first = S.sentences(text)[0] if S.sentences(text) else text
            head = re.split(r"\s+[–—-]+\s+|,|:|\(", S.restore(S.strip_lead(first, language)))[0]
            value = S.clean(head, language)
            rest = text[text.find(head) + len(head) :] if head in text else ""
            if re.search(r"[.!]\s*$", head):
                rest = f". {rest}"  # the name was a sentence of its own
        value = S.clean(value, language).strip("'\"“”«»„")
        facts = [Fact("persona", "name", value)]
        about = [
            f
            for f in _persona_facts(rest, language, with_role=True)
            if value.casefold() not in str(text_of(f)).casefold()  # 'Ola. Just Ola'
            and not lexicon.any_match(language, "name_remarks", str(text_of(f)))
        ]
        return facts + about
    value = first_value(text, language, cut_dash=name != "tone")
    if name == "role":
        pattern = d.get("role_prefix")
        if pattern:
            value = re.sub(pattern, "", value, count=1, flags=re.IGNORECASE).strip()
    return [Fact("persona", name, value)]


def _persona_facts(text: str, language: str, with_role: bool = False) -> list[Fact]:
    """What is said with a persona's name: numbers go to quantitative, the rest qualitative;
    with `with_role`, the first description that is not a number or a 'she's...' clause is
    the role (kept only while the map has none): 'Marco, owner of a garage, 50'."""
    out: list[Fact] = []
    role = _role_sentence(text, language) if with_role else None
    if role:
        out.append(Fact("persona", "role", role, {"if_empty": True}))
        text = text.replace(role, " ", 1)
    looking = with_role and role is None  # only the first description can be the role
    for fact in _list(text, "persona", "qualitative", language):
        plain = str(fact.value.get("text", ""))
        numeric = bool(re.match(r"^\W*\d", plain)) or (
            bool(re.search(r"\d", plain)) and len(plain.split()) <= 3
        )
        pronoun = lexicon.data(language).get("pronoun_start") or r"(?!x)x"
        if looking and re.match(pronoun, plain, re.IGNORECASE):
            looking = False  # 'he's 70 and...': a clause about them, the role is not said
        if looking and not numeric:
            looking = False
            if _is_role(plain, language) and not lexicon.any_match(language, "name_remarks", plain):
                out.append(Fact("persona", "role", plain, {"if_empty": True}))
                continue
        if lexicon.any_match(language, "quantitative_cues", plain):
            fact.field = "quantitative"
        out.append(fact)
    return out


def _is_role(text: str, language: str) -> bool:
    """A description that can name what the persona is or does: no bare number ('38', 'mid-30s',
    'sui 50 anni'), no clause about them ('she's 60+ and...'), not long."""
    words = text.split()
    if not words or len(words) > 12 or re.match(r"^\W*\d", text):
        return False
    if re.search(r"\d", text) and len(words) <= 3:
        return False
    pronoun = lexicon.data(language).get("pronoun_start")
    return not (pronoun and re.match(pronoun, text, re.IGNORECASE))


def _role_sentence(text: str, language: str) -> str | None:
    """A whole sentence right after a name said on its own ('Anna. Nurse, night shifts.'),
    without numbers: it says who the persona is."""
    if not re.match(r"^\s*[.!]", text):
        return None
    parts = S.sentences(text.strip(" .!"))
    if not parts:
        return None
    first = S.clean(S.restore(parts[0]), language)
    if re.search(r"\d", first) or not _is_role(first, language) or "," not in first:
        return None
    return first


# lists ---------------------------------------------------------------------------------------
def _list(text: str, section: str, asked: str, language: str) -> list[Fact]:
    facts: list[Fact] = []
    in_stage = section == "stage"
    opening: prose.Remark | None = None
    for sentence in S.sentences(text):
        plain = S.strip_lead(sentence, language)
        if not plain.strip(" .!?") or S.is_remark(S.clean(plain, language), language):
            continue
        whole = prose.remark(S.clean(S.restore(plain), language), language)
        if whole and not facts and whole.score is not None and in_stage:
            opening = whole  # 'Rather negative, -1. She's tired of...': for what follows
            continue
        if whole:
            attach(whole, facts, in_stage, language)
            continue
        target = _sentence_field(plain, section, asked, language)
        if target == "decision_points":
            found = prose.decision(S.clean(S.restore(plain), language), language)
            if found:
                facts.append(_decision(found, S.restore(plain), language))
                continue
        if target in ("questions", "thoughts") and QUOTE_ITEM.search(S.restore(plain)):
            quoted = [m.group(1) for m in QUOTE_ITEM.finditer(S.restore(plain))]
            facts.extend(Fact(section, target, {"text": S.clean(q, language)}) for q in quoted)
            continue
        plain, ahead = _colon_lead(plain, language)
        commas = not (target == "questions" and "?" in plain)
        head, tail = _explained(plain, target, language)
        parts = S.comma_parts(head, language, commas=commas)
        explained = len(parts)  # parts from here on only explain: remarks count, items not
        parts += S.comma_parts(tail, language, commas=commas) if tail else []
        pieces = [S.clean(S.restore(part), language) for part in parts]
        notes = [
            prose.remark(p, language) if p and not S.is_remark(p, language) else None
            for p in pieces
        ]
        items = [
            i
            for i, p in enumerate(pieces)
            if p
            and i < explained
            and not S.is_remark(p, language)
            and not notes[i]
            and prose.content(p, language)
        ]
        for index, piece in enumerate(pieces):
            note = notes[index]
            if note:
                attach(note, facts, in_stage, language)
            if index not in items:
                continue  # a remark, or only fillers left ('like', 'I'd say')
            last = index == len(parts) - 1 and len(parts) > 1
            for item in S.split_joined(piece, language, last or len(parts) == 1):
                item = S.clean(item, language)
                if item and not S.is_remark(item, language):
                    facts.append(_item(item, section, target, language))
                    if opening and facts[-1].field in ("emotions", target):
                        attach(opening, facts, in_stage, language)
                        opening = None
                    if ahead:
                        attach(ahead, facts, in_stage, language)
                        ahead = None
    return [f for f in facts if text_of(f)]


EXPLAINED_FIELDS = {
    "goals",
    "actions",
    "touchpoints",
    "pain_points",
    "thoughts",
    "relief",
    "challenges",
    "channels",
    "qualitative",
    "quantitative",
}


def _explained(sentence: str, target: str, language: str) -> tuple[str, str]:
    """(items, explanation): where a spaced dash introduces an explanation of the item before
    it ('rotation – someone new every month'), as the language's `dash_explains` says; a dash
    list ('A – B – C') stays a list."""
    if not lexicon.data(language).get("dash_explains") or target not in EXPLAINED_FIELDS:
        return sentence, ""
    found = list(S.DASH.finditer(sentence))
    if len(found) != 1:
        return sentence, ""
    return sentence[: found[0].start()], sentence[found[0].end() :]


def _colon_lead(sentence: str, language: str) -> tuple[str, prose.Remark | None]:
    """'Minor, but annoying: the courier never calls' -> the sentence after the colon and the
    remark before it (applied to the first item); a short lead without facts ('On the day:',
    'From our data:') is dropped."""
    head, colon, rest = sentence.partition(":")
    if not colon or len(rest.split()) < 2:
        return sentence, None
    plain = S.clean(S.restore(head), language)
    if len(plain.split()) > 7 or re.search(r"\d", plain) or QUOTE_ITEM.search(rest[:3]):
        return sentence, None
    return rest.strip(), prose.remark(plain, language) if plain else None


def _sentence_field(sentence: str, section: str, asked: str, language: str) -> str:
    """The field a sentence belongs to: the asked one unless it clearly says otherwise."""
    if section != "stage":
        if asked in ("goals", "qualitative") and lexicon.any_match(
            language, "problem_cue", sentence
        ):
            return "challenges"
        return asked
    plain = S.restore(sentence)
    if asked not in ("decision_points", "thoughts", "questions"):
        ifs = lexicon.phrase_regex(lexicon.data(language).get("decision_if", []))
        starts = re.match(rf"^\s*(?:{ifs})\s", S.strip_lead(plain, language), re.IGNORECASE)
        if starts and prose.decision(S.clean(plain, language), language):
            return "decision_points"
    thought = lexicon.any_match(language, "thought_cues", plain)
    if asked != "thoughts" and thought and QUOTE_ITEM.search(plain):
        return "thoughts"
    if asked == "decision_points" and not prose.decision(S.clean(plain, language), language):
        return "pain_points" if prose.severity_of(plain, language) else asked
    return asked


def _decision(found: tuple[str, str], raw: str, language: str) -> Fact:
    condition, action = found
    risk = prose.risk_of(raw, language) if lexicon.any_match(language, "risk_cue", raw) else None
    action_clean = S.clean(action, language)
    if risk is None:
        words = lexicon.data(language).get("competitor", [])
        risk = "high" if any(w in action_clean.casefold() for w in words) else None
    value = {"condition": S.clean(condition, language), "likely_action": action_clean}
    return Fact("stage", "decision_points", value, {"risk": risk})


def _item(text: str, section: str, target: str, language: str) -> Fact:
    value: dict[str, Any] = {"text": text}
    if section != "stage":
        return Fact(section, target, {"text": strip_subject(text, language, target)})
    if target == "decision_points":
        found = prose.decision(text, language)
        if found:
            return _decision(found, text, language)
        return Fact("stage", "decision_points", {"condition": text, "likely_action": ""})
    score, without = prose.score_of(text, language)
    if score is not None and target != "emotions" and without:
        return Fact(
            "stage",
            "emotions",
            {"text": strip_subject(without, language, "emotions"), "score": score},
        )
    if target == "emotions":
        t = prompts.guided(language)
        if score is None:
            score, _ = parse.emotion_score(text, t["emotions"], t["negations"])
        value = {"text": strip_subject(without, language, target), "score": score}
    elif target == "touchpoints":
        body, dept = prose.department_in(text, language)
        value = {"text": body, **({"department": dept} if dept else {})}
    elif target == "pain_points":
        body, detail = parse.bracket_detail(text)
        level = None
        if detail:
            digit = detail.strip() if detail.strip() in ("1", "2", "3") else None
            level = int(digit) if digit else None
            level = level or prose.severity_of(detail, language) or prose.severity_of(detail, "en")
        if level:
            value = {"text": body, "severity": level}
    elif target == "milestones":
        arrows = S.arrow_list(text)
        if arrows and len(arrows) == 2:
            value = {"text": arrows[0], "trigger": arrows[1]}
        else:
            body, trig = prose.trigger(text, language)
            value = {"text": body, **({"trigger": trig} if trig else {})}
    else:
        value = {"text": strip_subject(text, language, target)}
    return Fact("stage", target, value)
