"""Names made safe to print in a terminal: no control characters, no ANSI escape sequences.

A file name or map name can hold ESC sequences that recolour, move the cursor or retitle the
terminal when printed raw. `printable` removes whole escape sequences first (so no half of one
is left behind as visible junk), then every remaining control or bidirectional-override
character. Written by hand: a short regex and the standard library's character categories.
"""

from __future__ import annotations

import re
import unicodedata

# CSI (ESC [ ... final byte), OSC (ESC ] ... BEL or ESC \\), and two-character ESC sequences.
_ANSI = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]|\x9b[0-?]*[ -/]*[@-~]"
)
_BIDI = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}


def printable(text: str) -> str:
    """`text` without ANSI escape sequences, control characters or bidi overrides."""
    clean = _ANSI.sub("", text)
    return "".join(ch for ch in clean if unicodedata.category(ch) != "Cc" and ch not in _BIDI)
