"""How `journey chat` prints in a terminal: replies wrapped on words at the terminal's width
(also while they stream in pieces), and the map (`show map`) rendered as Markdown by rich."""

from __future__ import annotations

from rich.console import Console
from rich.markdown import Markdown
from rich.text import Text

from assistant import prompts
from assistant.guided.parse import is_word


class WordWrap:
    """Streams text to a console, breaking lines between words, never inside one.

    Pieces from a streaming model end mid-word ("t" + "he map"), so rich cannot wrap them
    itself; this keeps the unfinished word back until the next piece shows where it ends.
    Written by hand because textwrap wraps whole strings only, not a stream.
    """

    def __init__(self, out: Console, width: int | None = None) -> None:
        self.out = out
        self.width = max(
            20, (width or out.width or 80) - 1
        )  # the last column wraps early on some terminals
        self.column = 0
        self.word = ""

    def feed(self, piece: str) -> None:
        for char in piece:
            if char == "\n":
                self._flush_word()
                self.out.file.write("\n")
                self.column = 0
            elif char in " \t":
                self._flush_word()
                if self.column and self.column < self.width:
                    self.out.file.write(" ")
                    self.column += 1
            else:
                self.word += char
        self.out.file.flush()

    def _flush_word(self) -> None:
        if not self.word:
            return
        if self.column and self.column + len(self.word) > self.width:
            self.out.file.write("\n")
            self.column = 0
        while len(self.word) > self.width:  # a URL longer than the line: cut it, no choice
            self.out.file.write(self.word[: self.width] + "\n")
            self.word = self.word[self.width :]
        self.out.file.write(self.word)
        self.column += len(self.word)
        self.word = ""

    def close(self) -> None:
        self._flush_word()
        if self.column:
            self.out.file.write("\n")
        self.column = 0
        self.out.file.flush()


def print_reply(out: Console, text: str) -> None:
    """A whole reply, wrapped on words (no markup: user text is shown as typed)."""
    out.print(Text(text), soft_wrap=False, overflow="fold", no_wrap=False)


def print_map(out: Console, markdown: str) -> None:
    """The map as the terminal can show it: headings, lists and tables drawn by rich."""
    out.print(Markdown(markdown))


def asks_for_map(line: str, language: str) -> bool:
    """Whether the user typed the interview's `show map` command (in its language)."""
    return is_word(line, prompts.guided(language)["words"]["show"])
