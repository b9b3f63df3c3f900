"""The terminal chat at 80 columns: words are never cut, even when a reply streams in pieces
that end mid-word, and `show map` is drawn as Markdown rather than printed raw."""

from __future__ import annotations

import io
import re

from rich.console import Console

from assistant.cli.printing import WordWrap, asks_for_map, print_map, print_reply

TEXT = (
    "Welcome to the journey assistant. The map covers one persona, the stages of their "
    "journey, what they do, think and feel at each stage, and where it hurts the most; "
    "answer in your own words. Supercalifragilisticexpialidocious-onboarding is fine too."
)


def console() -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    return Console(file=buffer, width=80, force_terminal=False, color_system=None), buffer


def words_intact(printed: str) -> bool:
    return printed.split() == TEXT.split()


def test_streamed_pieces_wrap_on_words_at_80_columns() -> None:
    out, buffer = console()
    wrap = WordWrap(out)
    for start in range(0, len(TEXT), 7):  # pieces cut mid-word, like model tokens
        wrap.feed(TEXT[start : start + 7])
    wrap.close()
    lines = buffer.getvalue().splitlines()
    assert len(lines) >= 3 and max(len(line) for line in lines) <= 80
    assert words_intact(buffer.getvalue())


def test_whole_replies_wrap_on_words() -> None:
    out, buffer = console()
    print_reply(out, TEXT)
    lines = buffer.getvalue().splitlines()
    assert max(len(line) for line in lines) <= 80 and words_intact(buffer.getvalue())


def test_show_map_is_rendered_not_raw_markdown() -> None:
    out, buffer = console()
    print_map(out, "# Acme: Owen's journey\n\n## 1. Discover\n\n- **Goals**: grow sales\n")
    shown = buffer.getvalue()
    assert "Acme: Owen's journey" in shown and "grow sales" in shown
    assert not re.search(r"^#", shown, re.M) and "**" not in shown
    assert asks_for_map("show map", "en") and asks_for_map("pokaż mapę", "pl") is not None
    assert not asks_for_map("Shop dashboards", "en")
