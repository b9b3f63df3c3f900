"""Citations in the model's reply, as the user reads them.

The model cites by id (`[card:touchpoints]`, `[doc:86b1d8030f3de776:0]`): ids are what the
engine checks against what the tools returned. The user reads the title instead, in the
same footnote form as the guided interview's tips: `_(Source: Touchpoints and who owns
them)_`. Titles come from the tools' results (`[id] title: snippet` lines), so only a
citation a tool returned is rendered; anything else stays as written. While a reply streams,
text from an opening `[` is held back until the bracket closes (or clearly is no citation).
"""

from __future__ import annotations

import re
from collections.abc import Generator
from typing import TypeVar

from assistant import tips

CITATION = re.compile(r"\[((?:card|doc):[^\]\s]+)\]")
HIT_LINE = re.compile(r"^\[((?:card|doc):[^\]\s]+)\] (.+?)(?: \([^()\n]*\))?: ", re.M)
HOLD = 80
"""Characters held back after a `[` at most: a citation id is shorter."""
T = TypeVar("T")


def titles_in(text: str) -> dict[str, str]:
    """Citation id -> title of every search hit in a tool's result."""
    return {m.group(1): m.group(2).strip() for m in HIT_LINE.finditer(text)}


def render(text: str, titles: dict[str, str], language: str) -> str:
    """The reply with each known citation as its title's footnote."""
    label = tips.labels(language)["tips"]["source"]

    def footnote(match: re.Match[str]) -> str:
        title = titles.get(match.group(1))
        return f"_({label}: {title})_" if title else match.group(0)

    return CITATION.sub(footnote, text)


class Renderer:
    """`render` over a stream of text pieces."""

    def __init__(self, titles: dict[str, str], language: str) -> None:
        self.titles = titles
        self.language = language
        self.held = ""

    def feed(self, piece: str) -> str:
        text = self.held + piece
        cut = text.rfind("[")
        if cut >= 0 and "]" not in text[cut:] and len(text) - cut <= HOLD:
            self.held = text[cut:]  # maybe the start of a citation: wait for its end
            text = text[:cut]
        else:
            self.held = ""
        return render(text, self.titles, self.language)

    def close(self) -> str:
        rest, self.held = self.held, ""
        return render(rest, self.titles, self.language)


def rendered(
    stream: Generator[str, None, T], titles: dict[str, str], language: str
) -> Generator[str, None, T]:
    """The pieces of a streamed reply with citations rendered; returns what `stream` returns."""
    renderer = Renderer(titles, language)
    while True:
        try:
            piece = next(stream)
        except StopIteration as end:
            rest = renderer.close()
            if rest:
                yield rest
            return end.value
        out = renderer.feed(piece)
        if out:
            yield out
