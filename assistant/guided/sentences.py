"""Sentences, not commas: cutting a natural answer into sentences and list parts, and
removing lead-ins, hedges and trailing remarks.

A comma splits only a real list: a part that starts with a word continuing the previous clause
('which', 'because', 'bo', 'che') stays with it; quoted text is never cut; 'and', 'plus', '+',
slashes, line breaks and bullets join list items."""

from __future__ import annotations

import re

from assistant.guided import lexicon

BULLET = re.compile(r"^\s*(?:[-*•·‣◦]|\d{1,2}[.)])\s+")
QUOTED = re.compile(
    r"(?:(?<=^)|(?<=[\s(:]))(['\"“„«‘‚])(.+?)(['\"”»’‘“])(?=[\s.,;:!?)…]|$)", re.DOTALL
)
SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=\S)")
PROTECT = {",": "\x01", ".": "\x02", "?": "\x03", "!": "\x04", ";": "\x05", "-": "\x06"}
ARROWS = re.compile(r"\s*(?:->|→|=>|>)\s*")
DASH = re.compile(r"\s+[–—-]+\s+")


def protect(text: str) -> str:
    """Hide punctuation inside quotes and brackets so no split happens there."""

    def hide(match: re.Match[str]) -> str:
        inner = "".join(PROTECT.get(ch, ch) for ch in match.group(2))
        return f"{match.group(1)}{inner}{match.group(3)}"

    text = QUOTED.sub(hide, text)
    out, depth = [], 0
    for ch in text:
        if ch in "([":
            depth += 1
        elif ch in ")]" and depth:
            depth -= 1
        out.append(PROTECT.get(ch, ch) if depth and ch in ",.;" else ch)
    # decimals, 'e.g.', '1:1' and abbreviations keep their dots
    joined = "".join(out)
    joined = re.sub(r"(?<=\d)\.(?=\d)", PROTECT["."], joined)
    joined = re.sub(r"\b(e\.g|i\.e|etc|vs|np|tj|ecc|ca|approx|sp|o\.o)\.", _hide_dot, joined)
    return joined


def _hide_dot(match: re.Match[str]) -> str:
    return match.group(0).replace(".", PROTECT["."])


def restore(text: str) -> str:
    for ch, mark in PROTECT.items():
        text = text.replace(mark, ch)
    return text


def sentences(text: str) -> list[str]:
    """Lines, bullets and sentence ends (on protected text)."""
    out: list[str] = []
    for line in re.split(r"[\r\n]+", protect(text)):
        line = BULLET.sub("", line).strip()
        if not line:
            continue
        out.extend(s.strip() for s in SENTENCE_END.split(line) if s.strip())
    return out


def strip_lead(text: str, language: str) -> str:
    """Remove lead-ins and hedges at the start, repeatedly."""
    pattern = lexicon.lead_in_re(language)
    previous = None
    while previous != text:
        previous = text
        text = _lstrip(pattern.sub("", text, count=1))
    return text


def strip_trail(text: str, language: str) -> str:
    """Remove hedges and remarks at the end, repeatedly."""
    pattern = lexicon.trailer_re(language)
    previous = None
    while previous != text:
        previous = text
        text = pattern.sub("", text).rstrip(" ,;:–—-")
    return text


def clean(text: str, language: str) -> str:
    """A part without lead-ins, trailing hedges and end punctuation."""
    text = strip_trail(strip_lead(text.strip(), language), language)
    return _lstrip(text.rstrip(" \t,;:.!…–—-")).strip()


def _lstrip(text: str) -> str:
    """Leading punctuation off, but a score's sign stays ('-2')."""
    return re.sub(r"^[\s,.;:!…–—-]*?(?=[+\-−–]\d|[^\s,.;:!…–—-]|$)", "", text, count=1)


def is_remark(text: str, language: str) -> bool:
    """A part that is a remark, not a fact ('That's the main one', 'lol')."""
    plain = text.strip(" .!?…,").casefold().replace("’", "'")
    if not plain:
        return True
    return any(p.search(plain) for p in lexicon.patterns(language, "remarks"))


def comma_parts(sentence: str, language: str, commas: bool = True) -> list[str]:
    """A sentence's list parts: commas (outside quotes), semicolons and spaced dashes; a part
    that continues the previous clause is joined back to it."""
    pieces = [p for p in re.split(r";|" + DASH.pattern, sentence) if p.strip()]
    out: list[str] = []
    cont = lexicon.words_re(language, "continuations")
    soft = lexicon.words_re(language, "soft_continuations")
    for piece in pieces:
        parts = piece.split(",") if commas else [piece]
        for index, part in enumerate(parts):
            stripped = part.strip()
            if not stripped:
                continue
            # 'X, a Y' continues X; 'X, Y, a Z' ends a list of three
            starts = cont.match(stripped) or (len(parts) == 2 and soft.match(stripped))
            if out and index > 0 and starts and not _standalone(stripped, language):
                out[-1] = f"{out[-1]}, {stripped}"
            else:
                out.append(stripped)
    return out


def _standalone(part: str, language: str) -> bool:
    """A continuation that is a remark or a score on its own ('but that's minor')."""
    from assistant.guided import prose  # prose imports this module: a cycle left to undo

    if is_remark(part, language) or prose.is_pure_remark(part, language):
        return True
    rest = lexicon.words_re(language, "continuations").sub("", part, count=1).strip()
    rest = lexicon.words_re(language, "soft_continuations").sub("", rest, count=1).strip()
    return is_remark(rest, language) or prose.is_pure_remark(rest, language)


def split_joined(part: str, language: str, last_of_list: bool) -> list[str]:
    """'Instagram + YouTube', 'LinkedIn / email', and 'A and B' where both sides are phrases of
    their own (the last item of a comma list, or two short names)."""
    always = lexicon.data(language).get("list_joiners_always", [])
    pattern = "|".join(re.escape(j.strip()) if j.strip() else re.escape(j) for j in always)
    pieces = [p.strip() for p in re.split(rf"\s+(?:{pattern})\s+", part) if p.strip()]
    out: list[str] = []
    joiners = lexicon.words_re(language, "list_joiners")
    for piece in pieces:
        halves = [h.strip() for h in joiners.split(piece) if h.strip()]
        if len(halves) == 2 and _both_items(halves, last_of_list):
            out.extend(halves)
        else:
            out.append(piece)
    return out


def _both_items(halves: list[str], last_of_list: bool) -> bool:
    words = [h.split() for h in halves]
    if all(len(w) == 1 and w[0][:1].isupper() for w in words):
        return True  # 'Instagram and Pinterest'
    if last_of_list:
        return all(len(w) >= 2 for w in words) and words[1][0].casefold() not in {"then"}
    return False


def arrow_list(text: str) -> list[str] | None:
    """'A -> B -> C' (or '>'): the parts, when there are at least two."""
    if not ARROWS.search(text):
        return None
    parts = [p.strip() for p in ARROWS.split(text) if p.strip()]
    return parts if len(parts) >= 2 else None
