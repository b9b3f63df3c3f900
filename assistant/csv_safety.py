"""CSV cells that a spreadsheet will not run as formulas (OWASP "CSV injection").

Spreadsheets treat a cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return as a
formula. OWASP's recommendation, followed here: prefix such a cell with a single quote, so it
is shown as the text that was typed. A plain number such as `-2` (an emotion score) is left as
it is: it cannot run anything, and a spreadsheet should still sum it. The few lines are written
by hand: no well-kept library does only this, and the rule is short enough to read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def safe_cell(value: Any) -> str:
    """One cell as text; a leading `'` when it would start a spreadsheet formula."""
    text = "" if value is None else str(value)
    return "'" + text if is_formula(text) else text


def safe_row(row: Iterable[Any]) -> list[str]:
    """Every cell of a row made safe."""
    return [safe_cell(cell) for cell in row]


def is_formula(cell: str) -> bool:
    """True for a cell a spreadsheet would run (used by the tests and the stress run)."""
    return cell.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(cell)
