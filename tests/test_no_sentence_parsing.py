"""Data, not sentences, crosses module boundaries: no code splits gap keys outside the one
parser (assistant/gap.py), and no code reads a tool's English to learn what it did."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CODE = [ROOT / "assistant", ROOT / "tools", ROOT / "evals"]

RULES = {
    "gap keys are parsed by assistant.gap.Gap only": re.compile(
        r"""(gap|where|key)\w*\s*\.\s*(r?split|partition)\(\s*["']:["']"""
    ),
    "a colon split of a gap-shaped key": re.compile(r"""\.split\(\s*["']:["']\s*\)\s*\[\s*-?\d"""),
    "tool sentences are not parsed (use ToolResult fields)": re.compile(
        r"""(startswith|removeprefix)\(\s*["']Error|["'] Skipped ["']|split\(\s*["'] Map """
    ),
}
ALLOWED = {
    ROOT / "assistant" / "gap.py",  # the one parser
}
ALLOWED_LINES = {
    # research chunk ids ("<doc>:<n>"), not gap keys
    ("research.py", '"doc": pid.split(":")[1],'),
}


def offences() -> list[str]:
    found = []
    for folder in CODE:
        for path in sorted(folder.rglob("*.py")):
            if path in ALLOWED:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if (path.name, line.strip()) in ALLOWED_LINES:
                    continue
                for rule, pattern in RULES.items():
                    if pattern.search(line):
                        found.append(f"{path.relative_to(ROOT)}:{number}: {rule}: {line.strip()}")
    return found


def test_no_gap_splitting_or_tool_sentence_parsing() -> None:
    assert offences() == []


def test_tests_do_not_split_gap_keys_either() -> None:
    gap_rules = [RULES["gap keys are parsed by assistant.gap.Gap only"]]
    found = [
        f"{path.name}:{n}: {line.strip()}"
        for path in sorted((ROOT / "tests").glob("*.py"))
        if path.name != Path(__file__).name
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if any(rule.search(line) for rule in gap_rules)
    ]
    assert found == []


def test_the_rule_catches_what_it_forbids(tmp_path: Path) -> None:
    samples = [
        'parts = gap.split(":")',
        'number, field = rest_gap.split(":")',
        'kind = where.split(":")[-1]',
        'head = x.split(":")[0]',
        'if " Skipped " in result.text:',
        'return result.text.split(" Map ")[0]',
        'ok = not text.startswith("Error:")',
        'clean = text.removeprefix("Error: ")',
    ]
    for sample in samples:
        assert any(p.search(sample) for p in RULES.values()), sample
    assert not any(p.search('name = model.split(":", 1)[-1]') for p in RULES.values())
