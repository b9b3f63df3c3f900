"""What `journey eval` shows: scenarios run (`assistant.evals.runner`) under a progress bar,
the summary table and overall line, the JSON and Markdown reports; and the idea-quality table
of `journey eval --ideas` (`assistant.evals.idea_quality`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from assistant import providers
from assistant.evals.report import num, pct, to_markdown
from assistant.evals.results import EvalRun, ScenarioResult
from assistant.evals.runner import run_all
from assistant.evals.scenario import Scenario, default_folder, load_scenarios
from assistant.settings import Settings, get_settings

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel


def run_eval(
    *,
    scenarios: Path | None = None,
    model: str | None = None,
    user_model: str | None = None,
    languages: list[str] | None = None,
    only: list[str] | None = None,
    json_path: Path | None = None,
    report_path: Path | None = None,
    console: Console | None = None,
    settings: Settings | None = None,
    users: list[str] | None = None,
) -> EvalRun:
    """Load, run, show and write; raises ValueError (with the fix) for bad input.

    Without a user model both simulated users run: `scripted` (the deterministic regression
    check) and `natural` (how people type); the JSON then holds both runs by user, and the
    scripted run is returned."""
    out = console or Console(highlight=False)
    if not out.is_terminal:
        out.width = max(out.width, 150)  # piped or captured: keep the table readable
    settings = settings or get_settings()
    model = model or "guided"
    chosen = load_scenarios(scenarios or default_folder(), only)
    if languages:
        chosen = [s for s in chosen if s.language in languages]
        if not chosen:
            raise ValueError(f"No scenario in language(s): {', '.join(languages)}.")
    llm_user = None
    if user_model:
        llm_user = providers.chat_model(settings.model_copy(update={"model": user_model}))
    if model.strip().casefold() != "guided":
        problem = providers.problem(settings.model_copy(update={"model": model}))
        if problem:
            raise ValueError(problem)

    guided = model.strip().casefold() == "guided"
    who = (
        ["llm"]
        if llm_user is not None
        else users or (["scripted", "natural"] if guided else ["scripted"])
    )
    runs: dict[str, EvalRun] = {}
    for user in who:
        runs[user] = _run(chosen, model, llm_user, settings, user, out)
        out.print(summary_table(runs[user]))
        s = runs[user].summary
        out.print(
            f"Overall ({user} user): recall {pct(s.recall)}, core recall {pct(s.core_recall)}, "
            f"{num(s.core_turns, 1)} messages to a complete map (max {s.core_turns_max}), "
            f"garbage {s.garbage} ({pct(s.garbage_share)}), clean {pct(s.clean_share)}, "
            f"invented {s.invented} ({pct(s.invented_share)}), {num(s.turns_per_slot)} turns "
            f"per slot, {s.redundant_questions} redundant questions, {s.errors} errors; fuzzy "
            f"matching: {s.fuzzy}.",
            markup=False,
        )
    first = runs[who[0]]
    if json_path:
        if len(runs) == 1:
            text = first.model_dump_json(indent=2)
        else:
            text = json.dumps({u: r.model_dump(mode="json") for u, r in runs.items()}, indent=2)
        _write(json_path, text + "\n")
        out.print(f"Wrote {json_path}", markup=False)
    if report_path:
        _write(report_path, "\n".join(to_markdown(r) for r in runs.values()))
        out.print(f"Wrote {report_path}", markup=False)
    return first


def _run(
    chosen: list[Scenario],
    model: str,
    llm_user: BaseChatModel | None,
    settings: Settings,
    user: str,
    out: Console,
) -> EvalRun:
    with Progress(
        TextColumn(f"[bold]eval ({user} user)[/bold] {{task.description}}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=out,
        transient=True,
    ) as progress:
        task = progress.add_task(chosen[0].id, total=len(chosen))
        ids = [s.id for s in chosen]

        def advance(result: ScenarioResult) -> None:
            progress.advance(task)
            done = int(progress.tasks[0].completed)
            if done < len(ids):
                progress.update(task, description=ids[done])

        return run_all(
            chosen,
            model=model,
            user_model=llm_user,
            settings=settings,
            on_result=advance,
            user=user if user != "llm" else "scripted",
        )


def summary_table(run: EvalRun) -> Table:
    table = Table(title=f"evals: {run.summary.model}, {run.summary.user} user")
    for column in ("scenario", "lang", "style", "recall", "core", "garbage", "invented"):
        table.add_column(column)
    for column in ("complete at", "turns", "turns/slot"):
        table.add_column(column, justify="right")
    for column in ("redundant", "ideas/pain", "cited", "errors"):
        table.add_column(column, justify="right")
    for r in run.results:
        m = r.metrics
        if m is None:
            table.add_row(r.id, r.language, r.style, f"[red]{r.status}[/red]", r.reason[:60])
            continue
        table.add_row(
            r.id,
            r.language,
            r.style,
            pct(m.recall),
            pct(m.core_recall),
            str(m.garbage),
            f"{m.invented}/{m.user_facts}",
            str(m.core_turns) if m.core_turns is not None else "-",
            str(m.user_turns),
            num(m.turns_per_slot),
            str(m.redundant_questions),
            num(m.ideas_per_pain),
            pct(m.cited_share),
            str(m.errors),
        )
    return table


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ValueError(f"Cannot write {path}: {exc}") from exc


def run_idea_quality(folder: Path | None, json_path: Path | None, out: Console) -> None:
    """`journey eval --ideas`: a table per case, the overall line, the JSON figures."""
    from assistant.evals.idea_quality import as_dict, run, summary

    results = run(folder)
    table = Table(
        "case", "ideas", "key words", "fragment", "doubled", "cut", "long", "dupes", "mix (min)"
    )
    for r in results:
        table.add_row(
            r.id,
            str(r.ideas),
            f"{r.keyword_share:.0%}",
            f"{r.fragment_share:.0%}",
            f"{r.doubled_share:.0%}",
            f"{r.cut_share:.0%}",
            f"{r.long_share:.0%}",
            str(r.duplicates),
            f"{r.purpose_share:.0%} ({r.min_share:.0%})",
        )
    out.print(table)
    s = summary(results)
    out.print(
        f"Overall: {int(s['ideas'])} ideas, key words {s['keyword_share']:.1%}, fragment or "
        f"hedge openings {s['fragment_share']:.1%}, doubled words {s['doubled_share']:.1%}, "
        f"cut {s['cut_share']:.1%}, long {s['long_share']:.1%}, {int(s['duplicates'])} "
        f"duplicates, lowest margin over the expected format share {s['min_purpose_margin']:+.2f}."
    )
    if json_path is not None:
        _write(json_path, json.dumps(as_dict(results), indent=2, default=str))
        out.print(f"Wrote {json_path}", markup=False)
