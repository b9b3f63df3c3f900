"""`journey eval answers`: score the guided engine on the natural-answer corpus and print
precision, recall, clean share, garbage and intent accuracy per language, field and intent."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from assistant.cli.common import console
from assistant.cli.errors import fail
from assistant.evals.answer_cases import CorpusError, default_corpus, load_cases
from assistant.evals.answer_run import run_corpus
from assistant.evals.answer_score import CaseResult, summarise

COLUMNS = ("cases", "precision", "recall", "clean", "garbage_rate", "garbage", "intent_accuracy")


def answers_command(
    corpus: list[Path] | None = typer.Option(
        None, "--corpus", help="Corpus file or folder (default: ../shared/answers/*-dev.yaml)."
    ),
    json_out: Path | None = typer.Option(None, "--json", help="Write figures and cases as JSON."),
    verbose: bool = typer.Option(False, "--verbose", help="List every case that lost points."),
) -> None:
    """Score the interview on labelled natural answers (FORMAT.md of the corpus)."""
    try:
        run_answers(corpus or default_corpus(), json_out, verbose, console())
    except (CorpusError, OSError) as exc:
        fail(str(exc))


def run_answers(
    paths: list[Path], json_out: Path | None, verbose: bool, out: Console
) -> dict[str, dict[str, dict[str, float | int]]]:
    if not out.is_terminal:
        out.width = max(out.width, 120)
    cases = load_cases(paths)
    results = run_corpus(cases)
    summary = summarise(results)
    if verbose:
        for result in results:
            _show_case(out, result)
    for title, key in (("per language", "languages"), ("per field", "fields")):
        out.print(_table(f"answers corpus: {title}", summary[key]))
    out.print(_table("answers corpus: per intent", summary["intents"], intent_only=True))
    if json_out:
        data = {"summary": summary, "cases": [r.model_dump() for r in results]}
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", "utf-8")
        out.print(f"Wrote {json_out}", markup=False)
    return summary


def _table(title: str, rows: dict[str, dict[str, float | int]], intent_only: bool = False) -> Table:
    table = Table(title=title)
    columns: tuple[str, ...] = ("cases", "intent_accuracy", "garbage") if intent_only else COLUMNS
    if "fields" in title:
        columns = COLUMNS[:-1]
    table.add_column("group")
    for column in columns:
        table.add_column(column, justify="right")
    for name, row in rows.items():
        if intent_only and name.startswith("all/"):
            continue
        table.add_row(name, *(_cell(row[c]) for c in columns))
    return table


def _cell(value: float | int) -> str:
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def _show_case(out: Console, r: CaseResult) -> None:
    lost = r.found < r.expected or r.garbage or not r.intent_ok or r.leaked or r.error
    if not lost:
        return
    out.print(
        f"[bold]{r.id}[/bold] {r.intent} asked={r.asked} found {r.found}/{r.expected} "
        f"clean {r.clean} intent {'ok' if r.intent_ok else 'WRONG'}",
        highlight=False,
    )
    out.print(f"    say: {r.say}", markup=False, highlight=False)
    for label, values in (
        ("missed", r.missed),
        ("garbage", r.garbage_items),
        ("leaked", r.leaked),
    ):
        for value in values:
            out.print(f"    {label}: {value}", markup=False, highlight=False)
    if r.error:
        out.print(f"    error: {r.error}", markup=False)
